import { test } from "node:test";
import assert from "node:assert/strict";
import { functionPlot } from "../../src/charts/function";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

test("functionPlot {sigmoid, sigmoid′} from=-6 to=6 samples=121: y = f(x) at evenly spaced x, ends included", () => {
  const fns = { sigmoid, "sigmoid′": (z: number) => sigmoid(z) * (1 - sigmoid(z)) };
  const spec = functionPlot(fns, { from: -6, to: 6, samples: 121 });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.equal(values.length, 2 * 121);
  for (const [name, f] of Object.entries(fns)) {
    const pts = values.filter((v) => v.series === name) as { x: number; y: number }[];
    assert.equal(pts.length, 121);
    assert.equal(pts[0].x, -6);
    assert.equal(pts[120].x, 6);
    assert.ok(Math.abs(pts[1].x - pts[0].x - 0.1) < 1e-12);
    for (const p of pts) assert.equal(p.y, f(p.x));
  }
});

test("functionPlot ReLU on [0, 3] with yDomain: the x = 0 axis rule is left out when 0 is an end", () => {
  const spec = functionPlot({ ReLU: (z) => Math.max(0, z) }, { from: 0, to: 3, samples: 4, yDomain: [-1, 4] });
  assertCleanSpec(spec);
  const layers = (spec as { layer: { mark: { type: string } }[] }).layer;
  assert.equal(layers.filter((l) => l.mark.type === "rule").length, 1);
  assert.deepEqual(inlineData(spec).find((d) => d.length === 4)!.map((v) => v.y), [0, 1, 2, 3]);
});

test("functionPlot bad input: NaN output names the function and x; bad range; no functions", () => {
  assertInputError(() => functionPlot({ log: Math.log }, { from: -1, to: 1, samples: 3 }), "functionPlot", "fns.log", /NaN at x = -1/);
  assertInputError(() => functionPlot({ inv: (x) => 1 / x }, { from: -1, to: 1, samples: 3 }), "functionPlot", "fns.inv", /Infinity at x = 0/);
  assertInputError(() => functionPlot({ f: (x) => x }, { from: 1, to: 1 }), "functionPlot", "options.to");
  assertInputError(() => functionPlot({ f: (x) => x }, { samples: 1 }), "functionPlot", "options.samples");
  assertInputError(() => functionPlot({}), "functionPlot", "fns");
  assertInputError(() => functionPlot({ f: 3 as never }), "functionPlot", "fns.f");
});
