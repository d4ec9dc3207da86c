import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../../src/tensor";
import { Dense, denseBackward, denseForward, initWeights } from "../../src/layers/dense";
import { Sigmoid } from "../../src/layers/activations";
import { numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { assertCloseF32, assertInputError, f32, size } from "./helpers";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";

const round2 = (t: Tensor) => t.toList().map((v) => Math.round(v * 100) / 100);

/** The lecture's network (CHAPTERS.md §3): each unit's weights are given as a row, so W = rowsᵀ. */
function lectureNetwork() {
  const spec: [number[][], number[]][] = [
    [[[1, -2], [-1, 1]], [1, 0]],
    [[[2, -1], [-2, -1]], [0, 0]],
    [[[3, -1], [-1, 4]], [-2, 2]],
  ];
  return spec.map(([rows, b]) => [Dense.fromWeights(Tensor.from(rows).T, Tensor.from(b)), new Sigmoid()] as const);
}

test("chapter 3 worked example: input (1, −1) → (0.98, 0.12) → (0.86, 0.11) → (0.62, 0.83)", () => {
  let a = Tensor.from([[1, -1]]);
  const seen: number[][] = [];
  for (const [dense, sig] of lectureNetwork()) {
    a = sig.forward(dense.forward(a).out).out;
    assert.deepEqual(a.shape, [1, 2]);
    seen.push(round2(a));
  }
  assert.deepEqual(seen, [[0.98, 0.12], [0.86, 0.11], [0.62, 0.83]]);
});

test("chapter 3 worked example: input (0, 0) → (0.51, 0.85), batched with (1, −1)", () => {
  let a = Tensor.from([[0, 0], [1, -1]]);
  for (const [dense, sig] of lectureNetwork()) a = sig.forward(dense.forward(a).out).out;
  assert.deepEqual(a.shape, [2, 2]);
  assert.deepEqual(round2(a), [0.51, 0.85, 0.62, 0.83]);
});

test("x=[2,3] W=[3,2] b=[2]: z = x·W + b element by element", () => {
  const x = Tensor.randn([2, 3], 1);
  const W = Tensor.randn([3, 2], 2);
  const b = Tensor.randn([2], 3);
  const { out } = denseForward(x, W, b);
  assert.deepEqual(out.shape, [2, 2]);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      let s = b.get(j);
      for (let k = 0; k < 3; k++) s += x.get(i, k) * W.get(k, j);
      assert.ok(Math.abs(out.get(i, j) - s) < 1e-12);
    }
  }
});

test("denseBackward: dx, dW, db match centered differences (100 random shapes, rel. error < 1e-7)", () => {
  fc.assert(
    fc.property(fc.integer(size()), fc.integer(size()), fc.integer(size()), fc.integer(), (n, d, m, seed) => {
      const x = Tensor.randn([n, d], seed);
      const W = Tensor.randn([d, m], seed + 1);
      const b = Tensor.randn([m], seed + 2);
      const dout = Tensor.randn([n, m], seed + 3);
      const { cache } = denseForward(x, W, b);
      const { dx, dW, db } = denseBackward(dout, cache);
      assert.deepEqual([dx.shape, dW.shape, db.shape], [[n, d], [d, m], [m]]);
      const f = () => denseForward(x, W, b).out;
      // z is linear in each of x, W and b: centered differences are exact for any h, and h = 1e-3
      // keeps rounding noise (≈ 1e-16 / h) well away from gradients that happen to be near 0
      const h = 1e-3;
      assert.ok(relativeError(dx, numericalGradientWithUpstream(f, x, dout, h)) < 1e-7);
      assert.ok(relativeError(dW, numericalGradientWithUpstream(f, W, dout, h)) < 1e-7);
      assert.ok(relativeError(db, numericalGradientWithUpstream(f, b, dout, h)) < 1e-7);
    }),
    { numRuns: 100, seed: 11 },
  );
});

test("dense forward and backward match TensorFlow.js (tf.matMul + add, tf.grads) on the cpu backend", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(fc.integer(size(8)), fc.integer(size(8)), fc.integer(size(8)), fc.integer(), (n, d, m, seed) => {
      const x = f32(Tensor.randn([n, d], seed));
      const W = f32(Tensor.randn([d, m], seed + 1));
      const b = f32(Tensor.randn([m], seed + 2));
      const dout = f32(Tensor.randn([n, m], seed + 3));
      const { out, cache } = denseForward(x, W, b);
      const { dx, dW, db } = denseBackward(dout, cache);
      const tfOut = tf.tidy(() => {
        const [tx, tW, tb, td] = [x, W, b, dout].map((t) => toTfTensor(t));
        const z = tf.add(tf.matMul(tx as tf.Tensor2D, tW as tf.Tensor2D), tb);
        const g = tf.grads((a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D), c), td)));
        return [z, ...g([tx, tW, tb])];
      });
      const theirs = tfOut.map((t) => fromTfTensor(t));
      tf.dispose(tfOut);
      assertCloseF32(out, theirs[0]);
      assertCloseF32(dx, theirs[1]);
      assertCloseF32(dW, theirs[2]);
      assertCloseF32(db, theirs[3]);
    }),
    { numRuns: 30, seed: 12 },
  );
});

test("Dense(3, 2): default names count up per type, a given name is kept", () => {
  const a = new Dense(3, 2);
  const b = new Dense(3, 2);
  const ka = Number(/^dense_(\d+)$/.exec(a.name)?.[1]);
  assert.ok(ka >= 1, a.name);
  assert.equal(b.name, `dense_${ka + 1}`);
  assert.equal(new Dense(3, 2, { name: "hidden" }).name, "hidden");
  assert.equal(a.type, "Dense");
});

test("Dense(4, 3): params W [4,3] (decays) and b [3] (does not), biases start at 0", () => {
  const layer = new Dense(4, 3, { seed: 5 });
  const [W, b] = layer.params();
  assert.deepEqual([W.name, W.value.shape, W.grad.shape, W.decay], ["W", [4, 3], [4, 3], true]);
  assert.deepEqual([b.name, b.value.shape, b.grad.shape, b.decay], ["b", [3], [3], false]);
  assert.deepEqual(b.value.toList(), [0, 0, 0]);
  assert.deepEqual(layer.outputShape([7, 4]), [7, 3]);
});

test("initWeights [200, 100]: xavier within ±√(6/300), he has std near √(2/200), zeros, same seed same weights", () => {
  const limit = Math.sqrt(6 / 300);
  const xav = initWeights(200, 100, "xavier", 1);
  assert.deepEqual(xav.shape, [200, 100]);
  assert.ok(xav.max().item() <= limit && xav.min().item() >= -limit);
  assert.ok(xav.max().item() > 0.95 * limit, "uses the whole range");
  const he = initWeights(200, 100, "he", 1);
  const std = Math.sqrt(he.pow(2).mean().item());
  assert.ok(Math.abs(std / Math.sqrt(2 / 200) - 1) < 0.03, `std ${std}`);
  const normal = initWeights(200, 100, "normal", 1, 0.5);
  assert.ok(Math.abs(Math.sqrt(normal.pow(2).mean().item()) / 0.5 - 1) < 0.03);
  assert.equal(initWeights(200, 100, "zeros").abs().max().item(), 0);
  assert.ok(initWeights(5, 4, "he", 9).allClose(initWeights(5, 4, "he", 9), 0));
  assert.ok(!initWeights(5, 4, "he", 9).allClose(initWeights(5, 4, "he", 10), 0));
  assert.ok(new Dense(5, 4, { seed: 3 }).W.value.allClose(initWeights(5, 4, "xavier", 3), 0), "default init is xavier");
});

test("Dense x=[3,4] → [3,2]: backward sets W.grad and b.grad to dW, db and names its chain-rule factors", () => {
  const layer = new Dense(4, 2, { seed: 2, init: "he" });
  const x = Tensor.randn([3, 4], 20);
  const dout = Tensor.randn([3, 2], 21);
  const { out, trace } = layer.forward(x, { trace: true });
  assert.deepEqual(out.shape, [3, 2]);
  assert.ok(trace && trace.kind === "dense");
  assert.equal(trace.layer, layer.name);
  assert.ok(trace.z.allClose(out, 0) && trace.x.allClose(x, 0) && trace.W.allClose(layer.W.value, 0));
  const { dx, factors } = layer.backward(dout);
  const ref = denseBackward(dout, denseForward(x, layer.W.value, layer.b.value).cache);
  assert.deepEqual(dx.shape, [3, 4]);
  assert.ok(dx.allClose(ref.dx, 0) && layer.W.grad.allClose(ref.dW, 0) && layer.b.grad.allClose(ref.db, 0));
  assert.deepEqual(
    factors.map((f) => f.name),
    ["δ·Wᵀ = ∂C/∂a_in (to the layer below)", "a_inᵀ·δ = ∂C/∂W", "Σδ = ∂C/∂b"],
  );
  // the trace keeps the weights of its own forward, even after an update
  layer.W.value.data[0] += 1;
  assert.notEqual(trace.W.data[0], layer.W.value.data[0]);
});

test("Dense.fromWeights copies W and b: changing the layer leaves the caller's tensors alone", () => {
  const W = Tensor.from([[1, 2], [3, 4], [5, 6]]);
  const b = Tensor.from([7, 8]);
  const layer = Dense.fromWeights(W, b, "lecture");
  assert.deepEqual([layer.name, layer.inDim, layer.outDim], ["lecture", 3, 2]);
  layer.W.value.data[0] = 100;
  assert.equal(W.data[0], 1);
  assert.deepEqual(layer.b.value.toList(), [7, 8]);
});

test("bad input: denseForward / denseBackward / Dense name the function and the argument", () => {
  const x = Tensor.randn([2, 3], 1);
  const W = Tensor.randn([3, 4], 2);
  const b = Tensor.randn([4], 3);
  assertInputError(() => denseForward(Tensor.randn([2, 3, 1], 1), W, b), "denseForward", "x");
  assertInputError(() => denseForward(x, Tensor.randn([2, 4], 1), b), "denseForward", "W");
  assertInputError(() => denseForward(x, W, Tensor.randn([3], 1)), "denseForward", "b");
  assertInputError(() => denseForward(Tensor.from([[1, 2, 3], [4, 5, 6]]).map((v) => (v === 5 ? NaN : v)), W, b), "denseForward", "x");
  assertInputError(() => denseForward([[1, 2, 3]] as unknown as Tensor, W, b), "denseForward", "x");
  const { cache } = denseForward(x, W, b);
  assertInputError(() => denseBackward(Tensor.randn([2, 3], 4), cache), "denseBackward", "dout");
  assertInputError(() => denseBackward(Tensor.randn([2, 4], 4).map((v, i) => (i === 3 ? Infinity : v)), cache), "denseBackward", "dout");
  assertInputError(() => denseBackward(Tensor.randn([2, 4], 4), {} as never), "denseBackward", "cache");
  assertInputError(() => new Dense(0, 3), "Dense", "inDim");
  assertInputError(() => new Dense(3, 2.5), "Dense", "outDim");
  assertInputError(() => new Dense(3, 2, { init: "uniform" as never }), "initWeights", "init");
  assertInputError(() => new Dense(3, 2, { name: "" }), "Dense", "name");
  assertInputError(() => Dense.fromWeights(W, Tensor.randn([3], 1)), "Dense.fromWeights", "b");
  const layer = new Dense(3, 4, { name: "d" });
  assertInputError(() => layer.backward(Tensor.randn([2, 4], 1)), "d.backward", "dout");
  assertInputError(() => layer.forward(Tensor.randn([2, 5], 1)), "d.forward", "x");
  assertInputError(() => layer.outputShape([2, 5]), "d.outputShape", "inShape");
});
