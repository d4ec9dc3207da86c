import { test } from "node:test";
import assert from "node:assert/strict";
import { lossSurface, PathPoint, SurfaceCell } from "../../src/charts/surface";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const bowl = (w1: number, w2: number) => w1 * w1 + 10 * w2 * w2;

/** Gradient descent on the bowl from (-4, 1.8) with learning rate lr. */
function descend(lr: number, steps: number): [number, number][] {
  const p: [number, number][] = [[-4, 1.8]];
  for (let i = 0; i < steps; i++) {
    const [a, b] = p[p.length - 1];
    p.push([a - lr * 2 * a, b - lr * 20 * b]);
  }
  return p;
}

test("lossSurface bowl x=[-5,5] y=[-2,2] resolution=20: loss = f at every cell centre; path with its loss per step", () => {
  const path = descend(0.05, 10);
  const spec = lossSurface(bowl, { x: [-5, 5], y: [-2, 2], resolution: 20, path });
  assertCleanSpec(spec);
  const [grid, pts] = inlineData(spec) as unknown as [SurfaceCell[], PathPoint[]];
  assert.equal(grid.length, 400);
  for (const c of grid) assert.equal(c.loss, bowl(c.w1, c.w2));
  // cell centres: (-5 + 0.25, -2 + 0.1) first, (5 - 0.25, 2 - 0.1) last
  assert.ok(Math.abs(grid[0].w1 + 4.75) < 1e-12 && Math.abs(grid[0].w2 + 1.9) < 1e-12);
  assert.ok(Math.abs(grid[399].w1 - 4.75) < 1e-12 && Math.abs(grid[399].w2 - 1.9) < 1e-12);
  assert.equal(pts.length, 11);
  pts.forEach((p, i) => {
    assert.equal(p.step, i);
    assert.deepEqual([p.w1, p.w2], path[i]);
    assert.equal(p.loss, bowl(p.w1, p.w2));
  });
});

test("lossSurface with named paths (one per learning rate) and a continuous scale (bands 0)", () => {
  const spec = lossSurface(bowl, { x: [-5, 5], y: [-2, 2], resolution: 10, bands: 0, path: { "lr=0.02": descend(0.02, 5), "lr=0.09": descend(0.09, 5) } });
  assertCleanSpec(spec);
  const pts = inlineData(spec)[1] as unknown as PathPoint[];
  assert.deepEqual([...new Set(pts.map((p) => p.path))], ["lr=0.02", "lr=0.09"]);
  assert.equal(pts.length, 12);
});

test("lossSurface bad input: reversed range, NaN loss at a grid point, bad path point", () => {
  assertInputError(() => lossSurface(bowl, { x: [1, -1], y: [0, 1] }), "lossSurface", "options.x");
  assertInputError(() => lossSurface((a, b) => Math.log(a * b), { x: [-1, 1], y: [-1, 1], resolution: 2 }), "lossSurface", "f", /NaN at \(w1, w2\)/);
  assertInputError(() => lossSurface(bowl, { x: [-1, 1], y: [-1, 1], path: [[0, NaN]] }), "lossSurface", "options.path[0]");
  assertInputError(() => lossSurface(bowl, { x: [-1, 1], y: [-1, 1], path: { a: [] } }), "lossSurface", "options.path.a");
  assertInputError(() => lossSurface(bowl, { x: [-1, 1], y: [-1, 1], resolution: 1 }), "lossSurface", "options.resolution");
});
