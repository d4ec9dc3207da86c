import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Tensor } from "../../src/tensor";
import { Random } from "../../src/random";
import { Dropout, dropoutBackward, dropoutForward } from "../../src/layers/dropout";
import { numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { assertInputError, size } from "./helpers";

test("evaluation (training: false, the default): out = x, no mask", () => {
  const x = Tensor.randn([3, 4], 1);
  const { out, cache } = dropoutForward(x, 0.5);
  assert.deepEqual(out.shape, [3, 4]);
  assert.ok(out.allClose(x, 0));
  assert.equal(cache.mask, null);
  const dout = Tensor.randn([3, 4], 2);
  assert.ok(dropoutBackward(dout, cache).dx.allClose(dout, 0));
});

test("training x=ones[100,100] rate 0.3: about 70% kept, kept values scaled to 1/0.7, mean stays near 1", () => {
  const x = Tensor.ones([100, 100]);
  const { out, cache } = dropoutForward(x, 0.3, { training: true, seed: 7 });
  assert.deepEqual(out.shape, [100, 100]);
  assert.ok(cache.mask !== null);
  const kept = cache.mask.sum().item() / 10000;
  assert.ok(Math.abs(kept - 0.7) < 0.02, `kept ${kept}`);
  out.data.forEach((v, i) => assert.equal(v, cache.mask!.data[i] === 1 ? 1 / 0.7 : 0));
  assert.ok(Math.abs(out.mean().item() - 1) < 0.03);
});

test("masks: same seed → same mask; a shared Random gives a new mask each call; rate 0 keeps everything", () => {
  const x = Tensor.randn([5, 6], 3);
  const a = dropoutForward(x, 0.5, { training: true, seed: 1 }).cache.mask!;
  const b = dropoutForward(x, 0.5, { training: true, seed: 1 }).cache.mask!;
  assert.ok(a.allClose(b, 0));
  const r = new Random(1);
  const c = dropoutForward(x, 0.5, { training: true, seed: r }).cache.mask!;
  const d = dropoutForward(x, 0.5, { training: true, seed: r }).cache.mask!;
  assert.ok(!c.allClose(d, 0));
  assert.ok(dropoutForward(x, 0, { training: true, seed: 2 }).out.allClose(x, 0));
});

test("dropoutBackward with a fixed mask matches centered differences (100 random shapes and rates)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(size(5)), { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer(), (shape, rate, seed) => {
      const x = Tensor.randn(shape, seed);
      const dout = Tensor.randn(shape, seed + 1);
      const mask = Tensor.rand(shape, seed + 2).map((v) => (v < rate ? 0 : 1));
      const { out, cache } = dropoutForward(x, rate, { training: true, mask });
      assert.deepEqual(out.shape, shape);
      const { dx } = dropoutBackward(dout, cache);
      assert.deepEqual(dx.shape, shape);
      const num = numericalGradientWithUpstream(() => dropoutForward(x, rate, { training: true, mask }).out, x, dout);
      assert.ok(relativeError(dx, num) < 1e-7);
    }),
    { numRuns: 100, seed: 51 },
  );
});

test("Dropout(0.5, { seed: 3 }): new masks in training, identity in evaluation, trace and factors", () => {
  const layer = new Dropout(0.5, { seed: 3 });
  assert.match(layer.name, /^dropout_\d+$/);
  assert.deepEqual(layer.outputShape([4, 10]), [4, 10]);
  const x = Tensor.randn([4, 10], 8);
  const first = layer.forward(x, { training: true, trace: true });
  const second = layer.forward(x, { training: true });
  assert.ok(!first.out.allClose(second.out, 0), "a new mask every training call");
  assert.ok(first.trace && first.trace.kind === "dropout" && first.trace.training && first.trace.mask !== null);
  assert.ok(first.trace.out.allClose(x.mul(first.trace.mask).scale(2), 1e-15));
  const dout = Tensor.randn([4, 10], 9);
  const { dx, factors } = layer.backward(dout);
  assert.deepEqual(dx.shape, [4, 10]);
  assert.deepEqual(factors.map((f) => f.name), ["mask / (1 − rate)", "δ ⊙ mask / (1 − rate)"]);
  const evalRun = layer.forward(x, { trace: true });
  assert.ok(evalRun.out.allClose(x, 0));
  assert.ok(evalRun.trace && evalRun.trace.mask === null && !evalRun.trace.training);
  assert.ok(layer.backward(dout).dx.allClose(dout, 0));
});

test("bad input: dropout names the function and the argument (rate outside [0, 1), NaN, mask)", () => {
  const x = Tensor.randn([2, 3], 1);
  assertInputError(() => dropoutForward(x, 1), "dropoutForward", "rate");
  assertInputError(() => dropoutForward(x, -0.1), "dropoutForward", "rate");
  assertInputError(() => dropoutForward(x, NaN), "dropoutForward", "rate");
  assertInputError(() => dropoutForward(x.map((v, i) => (i === 0 ? NaN : v)), 0.5), "dropoutForward", "x");
  assertInputError(() => dropoutForward(x, 0.5, { training: true, mask: Tensor.ones([3, 2]) }), "dropoutForward", "mask");
  assertInputError(() => dropoutForward(x, 0.5, { training: true, mask: Tensor.full([2, 3], 0.5) }), "dropoutForward", "mask");
  assertInputError(() => dropoutForward(x, 0.5, { training: true, seed: 1.5 }), "dropoutForward", "seed");
  const { cache } = dropoutForward(x, 0.5, { training: true, seed: 1 });
  assertInputError(() => dropoutBackward(Tensor.randn([3, 2], 1), cache), "dropoutBackward", "dout");
  assertInputError(() => dropoutBackward(Tensor.randn([2, 3], 1), null as never), "dropoutBackward", "cache");
  assertInputError(() => new Dropout(1.5), "Dropout", "rate");
  const layer = new Dropout(0.2, { name: "drop" });
  assertInputError(() => layer.backward(x), "drop.backward", "dout");
  layer.forward(x, { training: true });
  assertInputError(() => layer.backward(Tensor.randn([3, 2], 1)), "drop.backward", "dout");
});
