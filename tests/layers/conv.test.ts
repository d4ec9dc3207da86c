import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../../src/tensor";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";
import {
  col2im,
  Conv2D,
  conv2dBackward,
  conv2dBackwardIm2col,
  conv2dBackwardNaive,
  conv2dForward,
  conv2dIm2col,
  conv2dNaive,
  conv2dTrace,
  convOutputSize,
  im2col,
  zeroPad,
  type ConvCache,
  type ConvGrads,
} from "../../src/layers/conv";
import { numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { featureMap, lectureExample, throwsInputError } from "./conv-fixtures";

// ------------------------------------------------------------------ fixtures and helpers

/**
 * A random conv configuration: H = (H' − 1)·S + KH − 2P + extra ≥ 1, where extra ∈ [0, S − 1]
 * rows (and columns) cannot fill a window; cases with extra > 0 use rounding "floor".
 */
const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    f: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    s: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 0, max: 2 }),
    oh: fc.integer({ min: 1, max: 3 }),
    ow: fc.integer({ min: 1, max: 3 }),
    extraH: fc.integer({ min: 0, max: 2 }),
    extraW: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map((k) => {
    const eh = k.extraH % k.s;
    const ew = k.extraW % k.s;
    const rounding: "exact" | "floor" = eh + ew > 0 ? "floor" : "exact";
    return { ...k, h: (k.oh - 1) * k.s + k.kh - 2 * k.p + eh, w: (k.ow - 1) * k.s + k.kw - 2 * k.p + ew, rounding };
  })
  .filter((k) => k.h >= 1 && k.w >= 1 && k.kh <= k.h + 2 * k.p && k.kw <= k.w + 2 * k.p);
type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

const name = (k: ConvCase) => `x=[${k.n},${k.h},${k.w},${k.c}] w=[${k.kh},${k.kw},${k.c},${k.f}] s=${k.s} p=${k.p} ${k.rounding}`;
const optsOf = (k: ConvCase) => ({ stride: k.s, pad: k.p, rounding: k.rounding });

/** x, w, b and an upstream gradient dout for a case; values rounded to float32 so that TensorFlow.js sees the same numbers. */
function tensorsFor(k: ConvCase) {
  const f32 = (t: Tensor) => t.map((v) => Math.fround(v));
  return {
    x: f32(Tensor.randn([k.n, k.h, k.w, k.c], k.seed)),
    w: f32(Tensor.randn([k.kh, k.kw, k.c, k.f], k.seed + 1)),
    b: f32(Tensor.randn([k.f], k.seed + 2)),
    dout: f32(Tensor.randn([k.n, k.oh, k.ow, k.f], k.seed + 3)),
  };
}

const impls = [
  { impl: "naive", forward: conv2dNaive, backward: conv2dBackwardNaive },
  { impl: "im2col", forward: conv2dIm2col, backward: conv2dBackwardIm2col },
] as const;

// ------------------------------------------------------------------ chapter 7's worked example

for (const { impl, forward } of impls) {
  test(`lecture example (${impl}) x=[1,6,6,1] w=[3,3,1,2] s=1 p=0: two 4×4 maps, filter 1's first row 3, −1, −3, −1`, () => {
    const { x, w, b } = lectureExample();
    const { out } = forward(x, w, b, { stride: 1, pad: 0 });
    assert.deepEqual(out.shape, [1, 4, 4, 2]);
    assert.deepEqual(featureMap(out, 0)[0], [3, -1, -3, -1]);
  });

  test(`lecture example (${impl}) x=[1,6,6,1] w=[3,3,1,2] s=2 p=0 rounding=floor: filter 1's map (3, −3), (−3, 0)`, () => {
    const { x, w, b } = lectureExample();
    // (6 − 3)/2 + 1 = 2.5: the lecture leaves out the third window, which would need a 7th column
    throwsInputError(() => forward(x, w, b, { stride: 2 }), impl === "naive" ? "conv2dNaive" : "conv2dIm2col", "stride", "= 2.5");
    const { out } = forward(x, w, b, { stride: 2, rounding: "floor" });
    assert.deepEqual(out.shape, [1, 2, 2, 2]);
    assert.deepEqual(featureMap(out, 0), [[3, -3], [-3, 0]]);
    // stride 2 keeps every other window of stride 1, for both filters
    const s1 = forward(x, w, b, { stride: 1 }).out;
    for (let f = 0; f < 2; f++) {
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.equal(out.get(0, i, j, f), s1.get(0, 2 * i, 2 * j, f));
    }
  });
}

test("Conv2D.fromWeights on the lecture example gives filter 1's first row 3, −1, −3, −1", () => {
  const { x, w, b } = lectureExample();
  const layer = Conv2D.fromWeights(w, b);
  const { out } = layer.forward(x);
  assert.deepEqual(out.shape, [1, 4, 4, 2]);
  assert.deepEqual(featureMap(out, 0)[0], [3, -1, -3, -1]);
});

test("Conv2D shapes of chapter 10's model: 28×28×1 → 26×26×25 (25·9 + 25 parameters), 13×13×25 → 11×11×50", () => {
  const c1 = new Conv2D({ inChannels: 1, filters: 25, kernelSize: 3 });
  assert.deepEqual(c1.outputShape([1, 28, 28, 1]), [1, 26, 26, 25]);
  assert.equal(c1.params().reduce((acc, p) => acc + p.value.size, 0), 25 * 9 + 25);
  const c2 = new Conv2D({ inChannels: 25, filters: 50, kernelSize: 3 });
  assert.deepEqual(c2.outputShape([1, 13, 13, 25]), [1, 11, 11, 50]);
  assert.equal(c2.params().reduce((acc, p) => acc + p.value.size, 0), 50 * 25 * 9 + 50);
});

// ------------------------------------------------------------------ output size

test("convOutputSize: (H + 2P − K)/S + 1 for fitting sizes; the formula with its numbers otherwise", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), (oh, k, s, p) => {
      const h = (oh - 1) * s + k - 2 * p;
      fc.pre(h >= 1);
      assert.equal(convOutputSize(h, k, s, p), oh);
    }),
    { numRuns: 100, seed: 7 },
  );
  throwsInputError(() => convOutputSize(6, 3, 2, 0), "convOutputSize", "S", "(6 + 2·0 − 3)/2 + 1 = 2.5");
  throwsInputError(() => convOutputSize(2, 5, 1, 1), "convOutputSize", "K", "2 + 2·1 = 4");
  throwsInputError(() => convOutputSize(6, 3, 0, 0), "convOutputSize", "S");
  assert.equal(convOutputSize(6, 3, 2, 0, "floor"), 2);
  assert.equal(convOutputSize(7, 3, 2, 0, "floor"), 3);
});

// ------------------------------------------------------------------ naive = im2col

test("conv2dNaive = conv2dIm2col: forward exactly, backward within 1e-12, on random N, H, W, C, F, K, stride, pad", () => {
  fc.assert(
    fc.property(convCase, (k) => {
      const { x, w, b, dout } = tensorsFor(k);
      const a = conv2dNaive(x, w, b, optsOf(k));
      const m = conv2dIm2col(x, w, b, optsOf(k));
      assert.deepEqual(a.out.shape, [k.n, k.oh, k.ow, k.f], name(k));
      assert.deepEqual(m.out.shape, a.out.shape, name(k));
      // the same sums in the same order: equal, not just close
      assert.equal(a.out.maxAbsDiff(m.out), 0, name(k));
      const ga = conv2dBackwardNaive(dout, a.cache);
      const gm = conv2dBackwardIm2col(dout, m.cache);
      for (const key of ["dx", "dW", "db"] as const) {
        assert.deepEqual(gm[key].shape, ga[key].shape, `${name(k)} ${key}`);
        assert.ok(ga[key].maxAbsDiff(gm[key]) <= 1e-12, `${name(k)} ${key}: ${ga[key].maxAbsDiff(gm[key])}`);
      }
      // dW and db add window after window in the naive loops' order: equal, not just close
      assert.equal(ga.dW.maxAbsDiff(gm.dW), 0, `${name(k)} dW`);
      assert.equal(ga.db.maxAbsDiff(gm.db), 0, `${name(k)} db`);
      // the caches are interchangeable
      assert.ok(conv2dBackwardIm2col(dout, a.cache).dx.maxAbsDiff(ga.dx) <= 1e-12, name(k));
      assert.ok(conv2dBackwardNaive(dout, m.cache).dW.maxAbsDiff(ga.dW) <= 1e-12, name(k));
    }),
    { numRuns: 150, seed: 11 },
  );
});

test("im2col and col2im are adjoint: ⟨im2col(x), Y⟩ = ⟨x, col2im(Y)⟩; the rows are the windows of the padded input", () => {
  fc.assert(
    fc.property(convCase, (k) => {
      const { x } = tensorsFor(k);
      const cols = im2col(x, k.kh, k.kw, optsOf(k));
      assert.deepEqual(cols.shape, [k.n * k.oh * k.ow, k.kh * k.kw * k.c], name(k));
      const y = Tensor.randn(cols.shape, k.seed + 9);
      const back = col2im(y, x.shape, k.kh, k.kw, optsOf(k));
      assert.deepEqual(back.shape, x.shape);
      const lhs = cols.data.reduce((acc, v, i) => acc + v * y.data[i], 0);
      const rhs = x.data.reduce((acc, v, i) => acc + v * back.data[i], 0);
      assert.ok(Math.abs(lhs - rhs) <= 1e-10 * (1 + Math.abs(lhs)), name(k));
      // row (n, i, j), column (di, dj, c) is xp[n, i·S + di, j·S + dj, c]
      const xp = zeroPad(x, k.p);
      const n = k.n - 1;
      const i = k.oh - 1;
      const j = k.ow - 1;
      const r = (n * k.oh + i) * k.ow + j;
      for (let di = 0; di < k.kh; di++) {
        for (let dj = 0; dj < k.kw; dj++) {
          for (let c = 0; c < k.c; c++) {
            assert.equal(cols.get(r, (di * k.kw + dj) * k.c + c), xp.get(n, i * k.s + di, j * k.s + dj, c), name(k));
          }
        }
      }
    }),
    { numRuns: 100, seed: 12 },
  );
});

test("conv2dForward / conv2dBackward x=[2,5,5,2] w=[3,3,2,3] s=1 p=1: im2col by default, naive on request, backward follows the cache", () => {
  const x = Tensor.randn([2, 5, 5, 2], 1);
  const w = Tensor.randn([3, 3, 2, 3], 2);
  const b = Tensor.randn([3], 3);
  const dout = Tensor.randn([2, 5, 5, 3], 4);
  const byDefault = conv2dForward(x, w, b, { pad: 1 });
  const naive = conv2dForward(x, w, b, { pad: 1, impl: "naive" });
  assert.deepEqual(byDefault.out.shape, [2, 5, 5, 3]);
  assert.equal(byDefault.cache.impl, "im2col");
  assert.equal(naive.cache.impl, "naive");
  assert.equal(byDefault.out.maxAbsDiff(conv2dIm2col(x, w, b, { pad: 1 }).out), 0);
  assert.equal(conv2dBackward(dout, byDefault.cache).dW.maxAbsDiff(conv2dBackwardIm2col(dout, byDefault.cache).dW), 0);
  assert.equal(conv2dBackward(dout, naive.cache).dx.maxAbsDiff(conv2dBackwardNaive(dout, naive.cache).dx), 0);
  throwsInputError(() => conv2dForward(x, w, b, { impl: "fft" as never }), "conv2dForward", "impl");
});

// ------------------------------------------------------------------ gradient checks

for (const { impl, forward, backward } of impls) {
  test(`gradient check (${impl}): dx, dw, db against centered differences, relative error < 1e-7, 100 random configurations`, (t) => {
    let worst = 0;
    fc.assert(
      fc.property(convCase, (k) => {
        const { x, w, b, dout } = tensorsFor(k);
        const opts = optsOf(k);
        const { out, cache } = forward(x, w, b, opts);
        assert.deepEqual(out.shape, [k.n, k.oh, k.ow, k.f]);
        const grads: ConvGrads = backward(dout, cache);
        const run = () => forward(x, w, b, opts).out;
        const wrt: Record<keyof ConvGrads, Tensor> = { dx: x, dW: w, db: b };
        for (const key of ["dx", "dW", "db"] as const) {
          const num = numericalGradientWithUpstream(run, wrt[key], dout);
          assert.deepEqual(num.shape, grads[key].shape);
          const err = relativeError(grads[key], num);
          worst = Math.max(worst, err);
          assert.ok(err < 1e-7, `${name(k)} ${key}: relative error ${err}`);
        }
      }),
      { numRuns: 100, seed: impl === "naive" ? 21 : 22 },
    );
    assert.ok(worst < 1e-7);
    t.diagnostic(`largest relative error (max over values of |a − n| / (|a| + |n|)): ${worst.toExponential(2)}`);
  });
}

// ------------------------------------------------------------------ against TensorFlow.js

test("conv2d = tf.conv2d (cpu, explicit padding) within 1e-5, and backward = tf.grads of Σ (conv + b) ⊙ dout", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(convCase, (k) => {
      const { x, w, b, dout } = tensorsFor(k);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [k.p, k.p], [k.p, k.p], [0, 0]];
      let theirs: Tensor[] = [];
      tf.tidy(() => {
        const [tx, tw, tb, td] = [x, w, b, dout].map((t) => toTfTensor(t));
        // TensorFlow.js floors (H + 2P − KH)/S, like rounding "floor"
        const f = (a: tf.Tensor, v: tf.Tensor, c: tf.Tensor) => tf.add(tf.conv2d(a as tf.Tensor4D, v as tf.Tensor4D, k.s, pad), c);
        const out = f(tx, tw, tb);
        const [dx, dw, db] = tf.grads((a: tf.Tensor, v: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, v, c), td)))([tx, tw, tb]);
        theirs = [out, dx, dw, db].map((t) => fromTfTensor(t));
      });
      for (const { impl, forward, backward } of impls) {
        const { out, cache } = forward(x, w, b, optsOf(k));
        const g = backward(dout, cache);
        const ours = [out, g.dx, g.dW, g.db];
        ["out", "dx", "dW", "db"].forEach((label, i) => {
          assert.deepEqual(ours[i].shape, theirs[i].shape, `${impl} ${name(k)} ${label}`);
          const d = ours[i].maxAbsDiff(theirs[i]);
          assert.ok(d <= 1e-5, `${impl} ${name(k)} ${label}: max difference ${d}`);
        });
      }
    }),
    { numRuns: 40, seed: 31 },
  );
});

// ------------------------------------------------------------------ trace

test("conv2dTrace on the lecture example x=[1,6,6,1] w=[3,3,1,2] s=1 p=0: 32 windows; window ⊙ filter = products, Σ = sum, sum + bias = out", () => {
  const { x, w } = lectureExample();
  const b = Tensor.fromArray([0.5, -0.25], [2]);
  const trace = conv2dTrace(x, w, b);
  const { out } = conv2dNaive(x, w, b);
  assert.equal(trace.kind, "conv2d");
  assert.deepEqual(trace.out.shape, [1, 4, 4, 2]);
  assert.equal(trace.out.maxAbsDiff(out), 0);
  assert.equal(trace.windows.length, 4 * 4 * 2);
  for (const win of trace.windows) {
    assert.deepEqual(win.window.shape, [3, 3, 1]);
    assert.deepEqual(win.products.shape, [3, 3, 1]);
    assert.equal(win.out, out.get(win.n, win.i, win.j, win.f));
    assert.ok(win.products.maxAbsDiff(win.window.mul(win.filter)) === 0);
    assert.equal(win.sum, win.products.sum().item());
    assert.equal(win.sum + win.bias, win.out);
    assert.equal(win.bias, b.get(win.f));
    for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
      assert.equal(win.window.get(di, dj, 0), x.get(0, win.row + di, win.col + dj, 0));
      assert.equal(win.filter.get(di, dj, 0), w.get(di, dj, 0, win.f));
    }
  }
});

test("conv2dTrace with padding: windows come from the padded input (random x=[2,5,4,2] w=[3,2,2,3] s=2 p=1)", () => {
  const x = Tensor.randn([2, 5, 4, 2], 3);
  const w = Tensor.randn([3, 2, 2, 3], 4);
  const b = Tensor.randn([3], 5);
  const trace = conv2dTrace(x, w, b, { stride: 2, pad: 1, positions: "all" });
  const { out } = conv2dNaive(x, w, b, { stride: 2, pad: 1 });
  assert.deepEqual(trace.out.shape, out.shape);
  assert.equal(trace.windows.length, out.size);
  const xp = zeroPad(x, 1);
  for (const win of trace.windows) {
    assert.equal(win.out, out.get(win.n, win.i, win.j, win.f));
    assert.ok(Math.abs(win.sum + win.bias - win.out) <= 1e-12);
    assert.equal(win.row, 2 * win.i);
    for (let di = 0; di < 3; di++) for (let dj = 0; dj < 2; dj++) for (let c = 0; c < 2; c++) {
      assert.equal(win.window.get(di, dj, c), xp.get(win.n, win.row + di, win.col + dj, c));
    }
  }
});

test("conv2dTrace default positions: all when N·H'·W'·F ≤ 64, else the first output row of each filter of example 0", () => {
  const small = conv2dTrace(Tensor.randn([1, 5, 5, 1], 1), Tensor.randn([2, 2, 1, 4], 2), Tensor.zeros([4]));
  assert.equal(small.windows.length, 4 * 4 * 4); // = 64
  const big = conv2dTrace(Tensor.randn([2, 8, 8, 1], 1), Tensor.randn([3, 3, 1, 2], 2), Tensor.zeros([2]));
  assert.deepEqual(big.out.shape, [2, 6, 6, 2]);
  assert.equal(big.windows.length, 6 * 2);
  assert.ok(big.windows.every((win) => win.n === 0 && win.i === 0));
  const picked = conv2dTrace(Tensor.randn([2, 8, 8, 1], 1), Tensor.randn([3, 3, 1, 2], 2), Tensor.zeros([2]), {
    positions: [{ i: 3, j: 4 }, { n: 1, i: 5, j: 0, f: 1 }],
  });
  assert.deepEqual(
    picked.windows.map((win) => [win.n, win.i, win.j, win.f]),
    [[0, 3, 4, 0], [0, 3, 4, 1], [1, 5, 0, 1]],
  );
  throwsInputError(() => conv2dTrace(Tensor.randn([1, 4, 4, 1], 1), Tensor.randn([3, 3, 1, 1], 2), Tensor.zeros([1]), { positions: [{ i: 2, j: 0 }] }), "conv2dTrace", "positions[0].i");
});

// ------------------------------------------------------------------ the Conv2D layer

test("Conv2D x=[2,7,7,3] filters=4 k=3 s=2 p=1: forward = conv2dNaive with its weights, backward sets w.grad, b.grad and returns dx", () => {
  for (const impl of ["naive", "im2col"] as const) {
    const layer = new Conv2D({ inChannels: 3, filters: 4, kernelSize: 3, stride: 2, pad: 1, seed: 5, impl });
    const x = Tensor.randn([2, 7, 7, 3], 6);
    const { out, trace } = layer.forward(x, { trace: true });
    assert.deepEqual(out.shape, layer.outputShape(x.shape));
    assert.deepEqual(out.shape, [2, 4, 4, 4]);
    const ref = conv2dNaive(x, layer.w.value, layer.b.value, { stride: 2, pad: 1 });
    assert.ok(out.maxAbsDiff(ref.out) <= 1e-12);
    assert.ok(trace !== undefined && trace.layer === layer.name && trace.out === out && trace.windows.length === 4);
    // out has 2·4·4·4 = 128 > 64 values: each filter's strongest response in example 0 (ties → first)
    trace.windows.forEach((win, f) => {
      assert.equal(win.n, 0);
      assert.equal(win.f, f);
      const values = Array.from({ length: 4 * 4 }, (_, p) => out.get(0, Math.floor(p / 4), p % 4, f));
      assert.equal(win.i * 4 + win.j, values.indexOf(Math.max(...values)), `filter ${f}`);
    });
    const dout = Tensor.randn(out.shape, 7);
    const { dx, factors } = layer.backward(dout);
    const g = conv2dBackwardNaive(dout, ref.cache);
    assert.ok(dx.maxAbsDiff(g.dx) <= 1e-12);
    assert.ok(layer.w.grad.maxAbsDiff(g.dW) <= 1e-12);
    assert.ok(layer.b.grad.maxAbsDiff(g.db) <= 1e-12);
    assert.ok(factors.length >= 2 && factors.every((f) => f.name.length > 0 && f.value instanceof Tensor));
    assert.deepEqual(layer.params().map((p) => [p.name, p.decay]), [["w", true], ["b", false]]);
  }
});

test("Conv2D trace x=[2,10,10,1] filters=3 k=3 (128 > 64 outputs): each filter's strongest response in example 0; tracePositions overrides", () => {
  const layer = new Conv2D({ inChannels: 1, filters: 3, kernelSize: 3, seed: 4, name: "c" });
  const x = Tensor.randn([2, 10, 10, 1], 5);
  const { out, trace } = layer.forward(x, { trace: true });
  assert.deepEqual(out.shape, [2, 8, 8, 3]);
  assert.ok(trace !== undefined);
  assert.deepEqual(trace.windows.map((win) => win.f), [0, 1, 2]);
  for (const win of trace.windows) {
    const values = Array.from({ length: 8 * 8 }, (_, p) => out.get(0, Math.floor(p / 8), p % 8, win.f));
    assert.equal(win.n, 0);
    assert.equal(win.i * 8 + win.j, values.indexOf(Math.max(...values)), `filter ${win.f}`);
    assert.equal(win.out, Math.max(...values));
  }
  // conv2dTrace keeps its own default: the first output row of every filter
  const plain = conv2dTrace(x, layer.w.value, layer.b.value);
  assert.ok(plain.windows.length === 8 * 3 && plain.windows.every((win) => win.n === 0 && win.i === 0));
  // ties (a blank image, zero biases: every output 0) → the first position in row-major order
  const blank = layer.forward(Tensor.zeros([2, 10, 10, 1]), { trace: true }).trace!;
  assert.deepEqual(blank.windows.map((win) => [win.i, win.j, win.f]), [[0, 0, 0], [0, 0, 1], [0, 0, 2]]);
  // tracePositions: the given positions, or "all"
  const picked = new Conv2D({ inChannels: 1, filters: 3, kernelSize: 3, tracePositions: [{ n: 1, i: 5, j: 2, f: 1 }] });
  assert.deepEqual(picked.forward(x, { trace: true }).trace!.windows.map((win) => [win.n, win.i, win.j, win.f]), [[1, 5, 2, 1]]);
  const all = new Conv2D({ inChannels: 1, filters: 3, kernelSize: 3, tracePositions: "all" });
  assert.equal(all.forward(x, { trace: true }).trace!.windows.length, 2 * 8 * 8 * 3);
  const fromW = Conv2D.fromWeights(layer.w.value, layer.b.value, { tracePositions: [{ i: 7, j: 7 }] });
  assert.deepEqual(fromW.forward(x, { trace: true }).trace!.windows.map((win) => [win.i, win.j, win.f]), [[7, 7, 0], [7, 7, 1], [7, 7, 2]]);
  // bad tracePositions: rejected by the constructor, out-of-range positions at the traced forward
  throwsInputError(() => new Conv2D({ inChannels: 1, filters: 3, kernelSize: 3, tracePositions: "strongest" as never }), "Conv2D", "tracePositions");
  const far = new Conv2D({ inChannels: 1, filters: 3, kernelSize: 3, tracePositions: [{ i: 8, j: 0 }], name: "far" });
  assert.equal(far.forward(x).out.shape[1], 8); // no trace: not checked
  throwsInputError(() => far.forward(x, { trace: true }), "far.forward", "positions[0].i");
});

test("Conv2D init: He-normal (std ≈ √(2 / (KH·KW·C))), zero biases, same seed same weights", () => {
  const layer = new Conv2D({ inChannels: 16, filters: 64, kernelSize: [3, 5], seed: 3 });
  const w = layer.w.value;
  assert.deepEqual(w.shape, [3, 5, 16, 64]);
  const mean = w.mean().item();
  const std = Math.sqrt(w.sub(mean).pow(2).mean().item());
  const want = Math.sqrt(2 / (3 * 5 * 16));
  assert.ok(Math.abs(std - want) < 0.03 * want, `std ${std}, want ${want}`);
  assert.ok(Math.abs(mean) < 0.03 * want);
  assert.equal(layer.b.value.abs().sum().item(), 0);
  const again = new Conv2D({ inChannels: 16, filters: 64, kernelSize: [3, 5], seed: 3 });
  assert.equal(again.w.value.maxAbsDiff(w), 0);
  const other = new Conv2D({ inChannels: 16, filters: 64, kernelSize: [3, 5], seed: 4 });
  assert.ok(other.w.value.maxAbsDiff(w) > 0);
  assert.notEqual(again.name, layer.name);
});

// ------------------------------------------------------------------ bad input

test("bad input throws InputError naming the function and the argument", () => {
  const x = Tensor.randn([1, 6, 6, 1], 1);
  const w = Tensor.randn([3, 3, 1, 2], 2);
  const b = Tensor.zeros([2]);
  for (const { impl, forward, backward } of impls) {
    const fn = impl === "naive" ? "conv2dNaive" : "conv2dIm2col";
    throwsInputError(() => forward(x, Tensor.randn([3, 3, 2, 2], 1), b), fn, "w", "[KH, KW, 1, F]"); // filter channels ≠ input channels
    throwsInputError(() => forward(x, w, b, { stride: 2 }), fn, "stride", "(6 + 2·0 − 3)/2 + 1 = 2.5"); // non-integer output size
    throwsInputError(() => forward(x, w, b, { stride: 0 }), fn, "stride");
    throwsInputError(() => forward(x, w, b, { stride: 1.5 }), fn, "stride");
    throwsInputError(() => forward(x, w, b, { pad: -1 }), fn, "pad");
    const bad = x.clone();
    bad.data[7] = NaN;
    throwsInputError(() => forward(bad, w, b), fn, "x", "NaN");
    const badB = b.clone();
    badB.data[1] = Infinity;
    throwsInputError(() => forward(x, w, badB), fn, "b", "Infinity");
    throwsInputError(() => forward(x, w, b, { rounding: "ceil" as never }), fn, "rounding");
    throwsInputError(() => forward(Tensor.randn([6, 6, 1], 1), w, b), fn, "x"); // rank 3
    throwsInputError(() => forward(Tensor.randn([1, 2, 2, 1], 1), w, b), fn, "w", "2 + 2·0 = 2"); // window bigger than the padded input
    throwsInputError(() => forward(x, w, Tensor.zeros([3])), fn, "b");
    throwsInputError(() => forward(x, w, b, 5 as never), fn, "opts");
    assert.deepEqual(forward(x, w, b, null as never).out.data, forward(x, w, b).out.data); // null options: the defaults
    const { cache } = forward(x, w, b);
    const bfn = impl === "naive" ? "conv2dBackwardNaive" : "conv2dBackwardIm2col";
    throwsInputError(() => backward(Tensor.randn([1, 4, 4, 3], 1), cache), bfn, "dout");
    throwsInputError(() => backward(Tensor.randn([1, 4, 4, 2], 1), {} as ConvCache), bfn, "cache");
  }
  throwsInputError(() => im2col(x, 4, 3, { stride: 2 }), "im2col", "stride");
  throwsInputError(() => col2im(Tensor.randn([5, 9], 1), [1, 6, 6, 1], 3, 3), "col2im", "cols");
  throwsInputError(() => new Conv2D({ inChannels: 0, filters: 2, kernelSize: 3 }), "Conv2D", "inChannels");
  throwsInputError(() => new Conv2D({ inChannels: 1, filters: 2, kernelSize: 3, impl: "fast" as never }), "Conv2D", "impl");
  const layer = new Conv2D({ inChannels: 3, filters: 2, kernelSize: 3, name: "c" });
  throwsInputError(() => layer.forward(x), "c.forward", "x", "[N, H, W, 3]");
  throwsInputError(() => layer.backward(Tensor.randn([1, 4, 4, 2], 1)), "c.backward", "dout");
  throwsInputError(() => layer.outputShape([1, 6, 6, 1]), "c.outputShape", "inShape");
});
