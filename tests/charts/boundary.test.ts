import { test } from "node:test";
import assert from "node:assert/strict";
import { decisionBoundary, BoundaryCell } from "../../src/charts/boundary";
import { Tensor } from "../../src/tensor";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const data = { x: Tensor.from([[-1, -1], [1, 1], [-1, 1], [1, -1]]), labels: [0, 0, 1, 1] };
/** P(class 1) = 1 when x₁ > 0, else 0: the boundary is the x₂ axis. */
const byX1 = (pts: Tensor) => Tensor.fromArray(Array.from({ length: pts.shape[0] }, (_, i) => (pts.get(i, 0) > 0 ? 1 : 0)), [pts.shape[0]]);

test("decisionBoundary x=[-2,2] y=[-2,2] resolution=4: prob at each cell centre, the points with their labels", () => {
  const spec = decisionBoundary(byX1, data, { x: [-2, 2], y: [-2, 2], resolution: 4 });
  assertCleanSpec(spec);
  const [grid, points] = inlineData(spec) as unknown as [BoundaryCell[], { label: string }[]];
  assert.equal(grid.length, 16);
  assert.deepEqual(grid.slice(0, 4).map((c) => [c.x1, c.x2, c.p]), [[-1.5, -1.5, 0], [-0.5, -1.5, 0], [0.5, -1.5, 1], [1.5, -1.5, 1]]);
  assert.deepEqual(points.map((p) => p.label), ["0", "0", "1", "1"]);
});

test("decisionBoundary: probabilities [N, 2] use the second column (class 1)", () => {
  const two = (pts: Tensor) => { const p = byX1(pts); return Tensor.fromArray(Array.from(p.data).flatMap((v) => [1 - v, v]), [p.size, 2]); };
  const grid = inlineData(decisionBoundary(two, data, { x: [-2, 2], y: [-2, 2], resolution: 2 }))[0] as unknown as BoundaryCell[];
  assert.deepEqual(grid.map((c) => c.p), [0, 1, 0, 1]);
});

test("decisionBoundary refuses bad input", () => {
  assertInputError(() => decisionBoundary(byX1, { x: Tensor.from([[1, 2, 3]]), labels: [0] }), "decisionBoundary", "data.x");
  assertInputError(() => decisionBoundary(byX1, { x: data.x, labels: [0, 1, 2, 0] }), "decisionBoundary", "data.labels");
  assertInputError(() => decisionBoundary(() => Tensor.from([0.5]), data), "decisionBoundary", "prob");
  assertInputError(() => decisionBoundary((p) => byX1(p).scale(2), data), "decisionBoundary", "prob", /\[0, 1\]/);
  assertInputError(() => decisionBoundary(byX1, data, { x: [1, -1] }), "decisionBoundary", "options.x");
});
