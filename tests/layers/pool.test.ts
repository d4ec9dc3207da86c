import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../../src/tensor";
import { conv2dNaive } from "../../src/layers/conv";
import { numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { featureMap, lectureExample, throwsInputError } from "./conv-fixtures";
import { MaxPool2D, maxPoolBackward, maxPoolForward, maxPoolTrace, poolOutputSize, type MaxPoolCache } from "../../src/layers/pool";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";

// ------------------------------------------------------------------ fixtures and helpers

/** Chapter 7's stride-1 feature maps [1, 4, 4, 2]: chapter 8's input. */
function lectureMaps(): Tensor {
  const { x, w, b } = lectureExample();
  return conv2dNaive(x, w, b).out;
}

/** A random pooling configuration: H = (H' − 1)·stride + size + extra, extra rows left out by the floor. */
const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    size: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    oh: fc.integer({ min: 1, max: 3 }),
    ow: fc.integer({ min: 1, max: 3 }),
    extraH: fc.integer({ min: 0, max: 2 }),
    extraW: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((k) => ({ ...k, h: (k.oh - 1) * k.stride + k.size + (k.extraH % k.stride), w: (k.ow - 1) * k.stride + k.size + (k.extraW % k.stride) }));
type PoolCase = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

const name = (k: PoolCase) => `x=[${k.n},${k.h},${k.w},${k.c}] size=${k.size} stride=${k.stride}`;

/** Distinct values, at least 0.1 apart (no ties, even after a step of 1e-5): a shuffled ramp. */
function distinctInput(k: PoolCase): Tensor {
  const size = k.n * k.h * k.w * k.c;
  const perm = Tensor.rand([size], k.seed).toList().map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  return new Tensor(Float64Array.from(perm, (p) => Math.fround(0.1 * p - 0.05 * size)), [k.n, k.h, k.w, k.c]);
}

/** Small integers: many tied windows. */
function tiedInput(k: PoolCase): Tensor {
  return Tensor.rand([k.n, k.h, k.w, k.c], k.seed).map((v) => Math.floor(3 * v));
}

/** tf.maxPool ('valid') and its gradient for Σ maxPool(x) ⊙ dout, on the current backend. */
function tfMaxPool(x: Tensor, dout: Tensor, size: number, stride: number): { out: Tensor; dx: Tensor } {
  let result = { out: x, dx: x };
  tf.tidy(() => {
    const tx = (toTfTensor(x) as tf.Tensor4D);
    const td = (toTfTensor(dout) as tf.Tensor4D);
    const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, "valid");
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), td)))(tx);
    result = { out: fromTfTensor(f(tx)), dx: fromTfTensor(dx) };
  });
  return result;
}

// ------------------------------------------------------------------ chapter 8's worked example

test("lecture example: 2×2 max pooling of the stride-1 maps x=[1,4,4,2] → filter 1 (3, 0), (3, 1); filter 2 (−1, 1), (0, 3)", () => {
  const maps = lectureMaps();
  assert.deepEqual(maps.shape, [1, 4, 4, 2]);
  const { out } = maxPoolForward(maps, { size: 2 });
  assert.deepEqual(out.shape, [1, 2, 2, 2]);
  assert.deepEqual(featureMap(out, 0), [[3, 0], [3, 1]]);
  assert.deepEqual(featureMap(out, 1), [[-1, 1], [0, 3]]);
  const layer = new MaxPool2D({ size: 2 });
  assert.deepEqual(layer.outputShape(maps.shape), [1, 2, 2, 2]);
  assert.equal(layer.forward(maps).out.maxAbsDiff(out), 0);
});

test("chapter 10's shapes: 26×26×25 pools to 13×13×25 and 11×11×50 to 5×5×50 (the last row and column are left out)", () => {
  const layer = new MaxPool2D({ size: 2 });
  assert.deepEqual(layer.outputShape([1, 26, 26, 25]), [1, 13, 13, 25]);
  assert.deepEqual(layer.outputShape([1, 11, 11, 50]), [1, 5, 5, 50]);
  assert.equal(poolOutputSize(11, 2), 5);
  assert.equal(poolOutputSize(11, 3, 2), 5);
  assert.deepEqual(layer.params(), []);
});

// ------------------------------------------------------------------ against TensorFlow.js

test("maxPoolForward = tf.maxPool ('valid', cpu) on random sizes, strides and left-over rows; backward = its gradient (no ties)", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(poolCase, (k) => {
      const x = distinctInput(k);
      const { out, cache } = maxPoolForward(x, { size: k.size, stride: k.stride });
      assert.deepEqual(out.shape, [k.n, k.oh, k.ow, k.c], name(k));
      const dout = Tensor.randn(out.shape, k.seed + 1).map((v) => Math.fround(v));
      const theirs = tfMaxPool(x, dout, k.size, k.stride);
      assert.deepEqual(theirs.out.shape, out.shape, name(k));
      assert.equal(out.maxAbsDiff(theirs.out), 0, name(k));
      const { dx } = maxPoolBackward(dout, cache);
      assert.deepEqual(dx.shape, x.shape, name(k));
      assert.ok(dx.maxAbsDiff(theirs.dx) <= 1e-5, `${name(k)}: ${dx.maxAbsDiff(theirs.dx)}`);
    }),
    { numRuns: 100, seed: 41 },
  );
});

test("ties: the first maximum in row-major window order wins, as in tf.maxPool's gradient on the cpu backend", async () => {
  await tf.setBackend("cpu");
  let tiedWindows = 0;
  fc.assert(
    fc.property(poolCase, (k) => {
      const x = tiedInput(k);
      const trace = maxPoolTrace(x, { size: k.size, stride: k.stride, positions: "all" });
      for (const win of trace.windows) {
        const vals = win.window.toList();
        const max = Math.max(...vals);
        if (vals.filter((v) => v === max).length > 1) tiedWindows++;
        // the winner is the first index of the maximum in the row-major list of the window
        assert.equal(win.winRow * k.size + win.winCol, vals.indexOf(max), name(k));
        assert.equal(win.value, max);
      }
      const { out, cache } = maxPoolForward(x, { size: k.size, stride: k.stride });
      const dout = Tensor.randn(out.shape, k.seed + 1).map((v) => Math.fround(v));
      const theirs = tfMaxPool(x, dout, k.size, k.stride);
      assert.ok(maxPoolBackward(dout, cache).dx.maxAbsDiff(theirs.dx) <= 1e-5, name(k));
    }),
    { numRuns: 100, seed: 42 },
  );
  assert.ok(tiedWindows > 50, `only ${tiedWindows} tied windows were tested`);
});

test("tied 2×2 windows x=[1,2,4,1] (all values equal): each gradient goes to its window's top-left value", () => {
  const x = Tensor.full([1, 2, 4, 1], 7);
  const { out, cache } = maxPoolForward(x, { size: 2 });
  assert.deepEqual(out.shape, [1, 1, 2, 1]);
  const dout = Tensor.randn([1, 1, 2, 1], 3);
  const { dx } = maxPoolBackward(dout, cache);
  assert.deepEqual(dx.shape, [1, 2, 4, 1]);
  for (let h = 0; h < 2; h++) {
    for (let w = 0; w < 4; w++) {
      const topLeft = h === 0 && w % 2 === 0;
      assert.equal(dx.get(0, h, w, 0), topLeft ? dout.get(0, 0, w / 2, 0) : 0);
    }
  }
});

// ------------------------------------------------------------------ gradient check

test("gradient check: max pooling against centered differences, relative error < 1e-7, 100 random configurations (overlapping windows included)", (t) => {
  let worst = 0;
  fc.assert(
    fc.property(poolCase, (k) => {
      const x = distinctInput(k);
      const opts = { size: k.size, stride: k.stride };
      const { out, cache } = maxPoolForward(x, opts);
      const dout = Tensor.randn(out.shape, k.seed + 1);
      const { dx } = maxPoolBackward(dout, cache);
      const numeric = numericalGradientWithUpstream(() => maxPoolForward(x, opts).out, x, dout);
      assert.deepEqual(dx.shape, numeric.shape);
      const err = relativeError(dx, numeric);
      worst = Math.max(worst, err);
      assert.ok(err < 1e-7, `${name(k)}: relative error ${err}`);
    }),
    { numRuns: 100, seed: 43 },
  );
  t.diagnostic(`largest relative error (max over values of |a − n| / (|a| + |n|)): ${worst.toExponential(2)}`);
});

test("overlapping windows x=[1,3,3,1] size=2 stride=1 with the maximum in the centre: dx there = Σ dout", () => {
  const x = Tensor.rand([1, 3, 3, 1], 5).set(2, 0, 1, 1, 0); // rand is in [0, 1), so the centre is the maximum of every window
  const { out, cache } = maxPoolForward(x, { size: 2, stride: 1 });
  assert.deepEqual(out.shape, [1, 2, 2, 1]);
  const dout = Tensor.randn([1, 2, 2, 1], 6);
  const { dx } = maxPoolBackward(dout, cache);
  assert.ok(Math.abs(dx.get(0, 1, 1, 0) - dout.sum().item()) <= 1e-15);
  assert.equal(dx.abs().sum().item() - Math.abs(dx.get(0, 1, 1, 0)), 0);
});

// ------------------------------------------------------------------ trace

test("maxPoolTrace on the lecture maps x=[1,4,4,2] size=2: 8 windows; window[winRow, winCol] = max = out", () => {
  const maps = lectureMaps();
  const trace = maxPoolTrace(maps, { size: 2 });
  const { out } = maxPoolForward(maps, { size: 2 });
  assert.equal(trace.kind, "maxpool");
  assert.deepEqual(trace.out.shape, [1, 2, 2, 2]);
  assert.equal(trace.out.maxAbsDiff(out), 0);
  assert.equal(trace.windows.length, 2 * 2 * 2);
  for (const win of trace.windows) {
    assert.deepEqual(win.window.shape, [2, 2]);
    assert.equal(win.value, out.get(win.n, win.i, win.j, win.c));
    assert.equal(win.window.get(win.winRow, win.winCol), win.value);
    assert.equal(win.value, win.window.max().item());
    for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) assert.equal(win.window.get(di, dj), maps.get(0, win.row + di, win.col + dj, win.c));
  }
});

test("maxPoolTrace default positions: all when N·H'·W'·C ≤ 64, else the first output row of each channel of example 0", () => {
  assert.equal(maxPoolTrace(Tensor.randn([1, 8, 8, 4], 1), { size: 2 }).windows.length, 4 * 4 * 4);
  const big = maxPoolTrace(Tensor.randn([2, 8, 8, 3], 1), { size: 2 });
  assert.equal(big.windows.length, 4 * 3);
  assert.ok(big.windows.every((w) => w.n === 0 && w.i === 0));
  const picked = maxPoolTrace(Tensor.randn([2, 8, 8, 3], 1), { size: 2, positions: [{ n: 1, i: 3, j: 2, c: 2 }] });
  assert.deepEqual(picked.windows.map((w) => [w.n, w.i, w.j, w.c]), [[1, 3, 2, 2]]);
  throwsInputError(() => maxPoolTrace(Tensor.randn([1, 4, 4, 1], 1), { size: 2, positions: [{ i: 0, j: 0, c: 1 }] }), "maxPoolTrace", "positions[0].c");
});

// ------------------------------------------------------------------ the MaxPool2D layer

test("MaxPool2D x=[2,5,5,3] size=3 stride=2: forward = maxPoolForward, backward = maxPoolBackward, trace from the same pass", () => {
  const layer = new MaxPool2D({ size: 3, stride: 2 });
  const x = Tensor.randn([2, 5, 5, 3], 8);
  const { out, trace } = layer.forward(x, { trace: true });
  const ref = maxPoolForward(x, { size: 3, stride: 2 });
  assert.deepEqual(out.shape, [2, 2, 2, 3]);
  assert.equal(out.maxAbsDiff(ref.out), 0);
  assert.ok(trace !== undefined && trace.layer === layer.name && trace.out === out && trace.windows.length === 2 * 2 * 2 * 3);
  const dout = Tensor.randn(out.shape, 9);
  const { dx, factors } = layer.backward(dout);
  assert.equal(dx.maxAbsDiff(maxPoolBackward(dout, ref.cache).dx), 0);
  assert.ok(factors.length >= 1 && factors.every((f) => f.name.length > 0 && f.value instanceof Tensor));
  // the winner counts add up to the number of windows
  assert.equal(factors[0].value.sum().item(), out.size);
});

test("MaxPool2D trace x=[2,12,12,3] size=2 (216 > 64 outputs): each channel's largest output in example 0; tracePositions overrides", () => {
  const layer = new MaxPool2D({ size: 2, name: "p" });
  const x = Tensor.randn([2, 12, 12, 3], 10);
  const { out, trace } = layer.forward(x, { trace: true });
  assert.deepEqual(out.shape, [2, 6, 6, 3]);
  assert.ok(trace !== undefined);
  assert.deepEqual(trace.windows.map((win) => win.c), [0, 1, 2]);
  for (const win of trace.windows) {
    const values = Array.from({ length: 6 * 6 }, (_, p) => out.get(0, Math.floor(p / 6), p % 6, win.c));
    assert.equal(win.n, 0);
    assert.equal(win.i * 6 + win.j, values.indexOf(Math.max(...values)), `channel ${win.c}`);
    assert.equal(win.value, Math.max(...values));
    assert.equal(win.window.get(win.winRow, win.winCol), win.value);
  }
  // maxPoolTrace keeps its own default: the first output row of every channel
  const plain = maxPoolTrace(x, { size: 2 });
  assert.ok(plain.windows.length === 6 * 3 && plain.windows.every((win) => win.n === 0 && win.i === 0));
  // ties (every value equal) → the first window in row-major order
  const flat = layer.forward(Tensor.ones([2, 12, 12, 3]), { trace: true }).trace!;
  assert.deepEqual(flat.windows.map((win) => [win.i, win.j, win.c]), [[0, 0, 0], [0, 0, 1], [0, 0, 2]]);
  // tracePositions: the given windows, or "all"
  const picked = new MaxPool2D({ size: 2, tracePositions: [{ n: 1, i: 4, j: 3, c: 2 }] });
  assert.deepEqual(picked.forward(x, { trace: true }).trace!.windows.map((win) => [win.n, win.i, win.j, win.c]), [[1, 4, 3, 2]]);
  assert.equal(new MaxPool2D({ size: 2, tracePositions: "all" }).forward(x, { trace: true }).trace!.windows.length, 2 * 6 * 6 * 3);
  throwsInputError(() => new MaxPool2D({ size: 2, tracePositions: 3 as never }), "MaxPool2D", "tracePositions");
  const far = new MaxPool2D({ size: 2, tracePositions: [{ i: 0, j: 6 }], name: "far" });
  throwsInputError(() => far.forward(x, { trace: true }), "far.forward", "positions[0].j");
});

// ------------------------------------------------------------------ bad input

test("bad input throws InputError naming the function and the argument", () => {
  const x = Tensor.randn([1, 4, 4, 2], 1);
  const fn = "maxPoolForward";
  throwsInputError(() => maxPoolForward(x, { size: 0 }), fn, "size");
  throwsInputError(() => maxPoolForward(x, { size: 2, stride: 0 }), fn, "stride");
  throwsInputError(() => maxPoolForward(x, { size: 5 }), fn, "size", "≤ H = 4");
  throwsInputError(() => maxPoolForward(Tensor.randn([1, 8, 3, 1], 1), { size: 4 }), fn, "size", "≤ W = 3");
  throwsInputError(() => maxPoolForward(Tensor.randn([4, 4, 2], 1), { size: 2 }), fn, "x"); // rank 3
  const bad = x.clone();
  bad.data[3] = NaN;
  throwsInputError(() => maxPoolForward(bad, { size: 2 }), fn, "x", "NaN");
  throwsInputError(() => maxPoolForward(x, null as never), fn, "opts");
  throwsInputError(() => maxPoolForward(x, 2 as never), fn, "opts");
  // no options, like conv2d's: 2×2 windows side by side (as Keras's default pool size)
  assert.deepEqual(maxPoolForward(x).out.shape, [1, 2, 2, 2]);
  assert.equal(maxPoolForward(x).out.maxAbsDiff(maxPoolForward(x, { size: 2, stride: 2 }).out), 0);
  assert.equal(new MaxPool2D().size, 2);
  const { cache } = maxPoolForward(x, { size: 2 });
  throwsInputError(() => maxPoolBackward(Tensor.randn([1, 2, 2, 1], 1), cache), "maxPoolBackward", "dout");
  throwsInputError(() => maxPoolBackward(Tensor.randn([1, 2, 2, 2], 1), {} as MaxPoolCache), "maxPoolBackward", "cache");
  throwsInputError(() => poolOutputSize(3, 4), "poolOutputSize", "size");
  throwsInputError(() => new MaxPool2D({ size: 2, stride: -1 }), "MaxPool2D", "stride");
  const layer = new MaxPool2D({ size: 2, name: "p" });
  throwsInputError(() => layer.backward(Tensor.randn([1, 2, 2, 2], 1)), "p.backward", "dout");
  throwsInputError(() => layer.outputShape([1, 1, 4, 2]), "p.outputShape", "size");
});
