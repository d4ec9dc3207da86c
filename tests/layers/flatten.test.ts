import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Tensor } from "../../src/tensor";
import { Flatten, flattenBackward, flattenForward } from "../../src/layers/flatten";
import { numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { assertInputError, size } from "./helpers";

test("x=[2,3,3,2] → [2,18]: out[n, (i·W + j)·C + c] = x[n, i, j, c] (row-major, NHWC)", () => {
  const x = Tensor.randn([2, 3, 3, 2], 1);
  const { out } = flattenForward(x);
  assert.deepEqual(out.shape, [2, 18]);
  for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 2; c++) {
    assert.equal(out.get(n, (i * 3 + j) * 2 + c), x.get(n, i, j, c));
  }
  assert.notEqual(out.data, x.data, "a copy, not a view");
});

test("flattenBackward puts dout back into the input's shape; matches centered differences (100 random shapes)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(size(4)), { minLength: 1, maxLength: 4 }), fc.integer(), (shape, seed) => {
      const x = Tensor.randn(shape, seed);
      const { out, cache } = flattenForward(x);
      const d = shape.slice(1).reduce((a, b) => a * b, 1);
      assert.deepEqual(out.shape, [shape[0], d]);
      const dout = Tensor.randn(out.shape, seed + 1);
      const { dx } = flattenBackward(dout, cache);
      assert.deepEqual(dx.shape, shape);
      assert.ok(relativeError(dx, numericalGradientWithUpstream(() => flattenForward(x).out, x, dout)) < 1e-7);
    }),
    { numRuns: 100, seed: 41 },
  );
});

test("Flatten layer: outputShape [N, 5, 5, 50] → [N, 1250], trace of the shapes, backward factor", () => {
  const layer = new Flatten();
  assert.match(layer.name, /^flatten_\d+$/);
  assert.deepEqual(layer.outputShape([8, 5, 5, 50]), [8, 1250]);
  assert.deepEqual(layer.params(), []);
  const x = Tensor.randn([2, 2, 2, 3], 4);
  const { out, trace } = layer.forward(x, { trace: true });
  assert.deepEqual(out.shape, [2, 12]);
  assert.deepEqual(trace, { kind: "flatten", layer: layer.name, inShape: [2, 2, 2, 3], outShape: [2, 12] });
  const dout = Tensor.randn([2, 12], 5);
  const { dx, factors } = layer.backward(dout);
  assert.deepEqual(dx.shape, [2, 2, 2, 3]);
  assert.deepEqual(dx.toList(), dout.toList());
  assert.equal(factors[0].value, dx);
});

test("bad input: flatten names the function and the argument", () => {
  const x = Tensor.randn([2, 3, 3, 1], 1);
  assertInputError(() => flattenForward(x.map((v, i) => (i === 4 ? NaN : v))), "flattenForward", "x");
  assertInputError(() => flattenForward(null as unknown as Tensor), "flattenForward", "x");
  const { cache } = flattenForward(x);
  assertInputError(() => flattenBackward(Tensor.randn([2, 8], 1), cache), "flattenBackward", "dout");
  assertInputError(() => flattenBackward(Tensor.randn([2, 9], 1), {} as never), "flattenBackward", "cache");
  const layer = new Flatten({ name: "f" });
  assertInputError(() => layer.backward(Tensor.randn([2, 9], 1)), "f.backward", "dout");
  assertInputError(() => layer.outputShape([]), "f.outputShape", "inShape");
});
