/**
 * The gradient kernels of src/tf/wasm-grads.ts against the cpu backend's, on random cases (sizes,
 * channels, kernels 3 and 5, strides 1 and 2, 'valid' and 'same'), the lessons' layer shapes,
 * max pooling with ties, transposed matrix products; then whole models trained on wasm and on cpu
 * from the same weights.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/random";
import { registerWasmGradients, wasmGradientKernels } from "../../src/tf/wasm-grads";
import { lectureCnn, lenet5 } from "../../src/tf/models";
import { assertClose, ints32, prod, randn32, use } from "./helpers";

type Pad = "valid" | "same";
interface ConvCase {
  x: number[];
  w: number[];
  s: number;
  pad: Pad;
}

const name = (c: ConvCase) => `x=[${c.x}] w=[${c.w}] s=${c.s} pad=${c.pad}`;

/** dx and dw of Σ conv2d(x, w) ⊙ dy on `backend`. */
async function convGrads(backend: "wasm" | "cpu", c: ConvCase, seed: number): Promise<{ dx: Float32Array; dw: Float32Array; outShape: number[] }> {
  await use(backend);
  const x = randn32(prod(c.x), seed);
  const w = randn32(prod(c.w), seed + 1, 0.3);
  return tf.tidy(() => {
    const tx = tf.tensor4d(x, c.x as [number, number, number, number]);
    const tw = tf.tensor4d(w, c.w as [number, number, number, number]);
    const out = tf.conv2d(tx, tw, c.s, c.pad);
    const dy = tf.tensor(randn32(out.size, seed + 2), out.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad))([tx, tw], dy);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array, outShape: out.shape };
  });
}

async function checkConv(c: ConvCase, seed: number): Promise<void> {
  const cpu = await convGrads("cpu", c, seed);
  const wasm = await convGrads("wasm", c, seed);
  assert.deepEqual(wasm.outShape, cpu.outShape);
  assert.equal(wasm.dx.length, prod(c.x), "dx has x's shape");
  assert.equal(wasm.dw.length, prod(c.w), "dw has w's shape");
  assertClose(wasm.dx, cpu.dx, 1e-5, `${name(c)} dx`);
  assertClose(wasm.dw, cpu.dw, 1e-5, `${name(c)} dw`);
}

test("registerWasmGradients adds Conv2DBackpropFilter and replaces the slow kernels (and a bias's Add and Sum), once", async () => {
  await use("wasm");
  const list = registerWasmGradients();
  assert.deepEqual(
    list.map((k) => `${k.kernelName}:${k.action}`),
    ["Conv2DBackpropFilter:added", "Conv2DBackpropInput:replaced", "MaxPoolGrad:replaced", "BatchMatMul:replaced", "Add:replaced", "Sum:replaced"],
  );
  assert.equal(registerWasmGradients(), list, "a second call changes nothing");
  assert.equal(wasmGradientKernels(), list);
  for (const k of list) assert.ok(tf.getKernel(k.kernelName, "wasm"), `${k.kernelName} is registered`);
});

// the lessons' convolutions: the lecture's CNN (chapter 10) and LeNet-5 (chapter 11)
const lessonCases: ConvCase[] = [
  { x: [4, 28, 28, 1], w: [3, 3, 1, 25], s: 1, pad: "valid" },
  { x: [4, 13, 13, 25], w: [3, 3, 25, 50], s: 1, pad: "valid" },
  { x: [4, 28, 28, 1], w: [5, 5, 1, 6], s: 1, pad: "same" },
  { x: [4, 14, 14, 6], w: [5, 5, 6, 16], s: 1, pad: "valid" },
  { x: [2, 28, 28, 1], w: [3, 3, 1, 8], s: 2, pad: "same" },
  { x: [2, 28, 28, 1], w: [5, 5, 1, 4], s: 2, pad: "valid" },
];
for (const [i, c] of lessonCases.entries()) {
  test(`conv2d gradients wasm = cpu: ${name(c)}`, async () => checkConv(c, 100 + i));
}

test("conv2d gradients wasm = cpu on 30 random cases (N 1–3, H, W 5–12, C 1–4, F 1–6, K 3|5, S 1|2, valid|same)", async () => {
  const r = new Random(7);
  for (let k = 0; k < 30; k++) {
    const K = r.next() < 0.5 ? 3 : 5;
    const H = K + r.int(13 - K);
    const W = K + r.int(13 - K);
    const c: ConvCase = { x: [1 + r.int(3), H, W, 1 + r.int(4)], w: [K, K, 0, 1 + r.int(6)], s: 1 + r.int(2), pad: r.next() < 0.5 ? "valid" : "same" };
    c.w[2] = c.x[3];
    await checkConv(c, 1000 + k);
  }
});

/** dx of Σ maxPool(x) ⊙ dy on `backend`. */
async function poolGrad(backend: "wasm" | "cpu", x: Float32Array, shape: number[], size: number, stride: number, pad: Pad): Promise<Float32Array> {
  await use(backend);
  return tf.tidy(() => {
    const tx = tf.tensor4d(x, shape as [number, number, number, number]);
    const out = tf.maxPool(tx, size, stride, pad);
    const dy = tf.tensor(randn32(out.size, 5), out.shape);
    return tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad))(tx, dy).dataSync() as Float32Array;
  });
}

test("maxPool gradient wasm = cpu on 20 random cases (size 2–3, stride 1–3, valid|same), with and without ties", async () => {
  const r = new Random(11);
  for (let k = 0; k < 20; k++) {
    const shape = [1 + r.int(3), 4 + r.int(9), 4 + r.int(9), 1 + r.int(5)];
    const size = 2 + r.int(2);
    const stride = 1 + r.int(3);
    const pad: Pad = r.next() < 0.5 ? "valid" : "same";
    const ties = k % 2 === 0;
    const x = ties ? ints32(prod(shape), k) : randn32(prod(shape), k);
    const cpu = await poolGrad("cpu", x, shape, size, stride, pad);
    const wasm = await poolGrad("wasm", x, shape, size, stride, pad);
    assert.equal(wasm.length, prod(shape));
    // the same winners: a wrong one would differ by a whole |dy| ~ 1; overlapping windows add in another order (~1e-8)
    assertClose(wasm, cpu, 1e-6, `x=[${shape}] size=${size} stride=${stride} pad=${pad}${ties ? " (ties)" : ""}`);
  }
});

test("maxPool x=[1,2,2,1] all equal: the whole gradient goes to the first (top-left) element on wasm, as on cpu", async () => {
  const g = await poolGrad("wasm", Float32Array.of(1, 1, 1, 1), [1, 2, 2, 1], 2, 2, "valid");
  assert.equal(g[1], 0);
  assert.equal(g[2], 0);
  assert.equal(g[3], 0);
  assert.notEqual(g[0], 0);
});

/** a·b with the transposes, forward and both gradients, on `backend`. */
async function matmulAll(backend: "wasm" | "cpu", aShape: number[], bShape: number[], tA: boolean, tB: boolean): Promise<Float32Array[]> {
  await use(backend);
  return tf.tidy(() => {
    const a = tf.tensor(randn32(prod(aShape), 1), aShape);
    const b = tf.tensor(randn32(prod(bShape), 2), bShape);
    const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, tA, tB);
    const out = f(a, b);
    const dy = tf.tensor(randn32(out.size, 3), out.shape);
    const [da, db] = tf.grads(f)([a, b], dy);
    return [out, da, db].map((t) => t.dataSync() as Float32Array);
  });
}

test("matMul wasm = cpu with transposeA / transposeB, 2-D and batched 3-D, forward and gradients", async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 400], [400, 120], false, false],
    [[400, 64], [400, 120], true, false],
    [[64, 400], [120, 400], false, true],
    [[400, 64], [120, 400], true, true],
    [[3, 7, 5], [3, 7, 4], true, false],
    [[3, 5, 7], [3, 4, 7], false, true],
    [[1, 64, 84], [1, 10, 84], false, true],
  ];
  for (const [as, bs, tA, tB] of cases) {
    const cpu = await matmulAll("cpu", as, bs, tA, tB);
    const wasm = await matmulAll("wasm", as, bs, tA, tB);
    ["out", "da", "db"].forEach((what, i) => assertClose(wasm[i], cpu[i], 1e-5, `a=[${as}] b=[${bs}] tA=${tA} tB=${tB} ${what}`));
  }
});

/** a + b on `backend`, and the gradients of Σ (a + b) ⊙ dy. */
async function addAll(backend: "wasm" | "cpu", aShape: number[], bShape: number[]): Promise<Float32Array[]> {
  await use(backend);
  return tf.tidy(() => {
    const a = tf.tensor(randn32(prod(aShape), 1), aShape);
    const b = tf.tensor(randn32(prod(bShape), 2), bShape);
    const out = tf.add(a, b);
    const dy = tf.tensor(randn32(out.size, 3), out.shape);
    const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.add(p, q))([a, b], dy);
    return [out, da, db].map((t) => t.dataSync() as Float32Array);
  });
}

test("add wasm = cpu: a bias [C] on x [..., C] either side, and other broadcasts left to the backend", async () => {
  const cases: [number[], number[]][] = [
    [[64, 28, 28, 6], [6]],
    [[6], [8, 5, 5, 6]],
    [[32, 100], [100]],
    [[3, 4], [3, 1]],
    [[5], [5]],
    [[2, 3], [2, 3]],
  ];
  for (const [as, bs] of cases) {
    const cpu = await addAll("cpu", as, bs);
    const wasm = await addAll("wasm", as, bs);
    // db sums up to 50,176 values in float32, in another order on each backend
    ["out", "da", "db"].forEach((what, i) => assertClose(wasm[i], cpu[i], i === 2 ? 1e-5 : 1e-6, `a=[${as}] b=[${bs}] ${what}`));
  }
});

/** Sums of x over `axis` on `backend`. */
async function sums(backend: "wasm" | "cpu", shape: number[], axis: number[], keepDims: boolean): Promise<{ shape: number[]; values: Float32Array }> {
  await use(backend);
  return tf.tidy(() => {
    const s = tf.sum(tf.tensor(randn32(prod(shape), 4), shape), axis, keepDims);
    return { shape: s.shape, values: s.dataSync() as Float32Array };
  });
}

test("sum wasm = cpu: over n, h, w of [N, H, W, C] (a conv bias's gradient), keepDims or not, and other axes left to the backend", async () => {
  const cases: [number[], number[], boolean][] = [
    [[64, 28, 28, 6], [0, 1, 2], false],
    [[32, 26, 26, 25], [2, 0, 1], true],
    [[3, 5, 7, 2], [0, 1, 2], false],
    [[3, 5, 7, 2], [0, 1], false],
    [[3, 5, 7, 2], [3], true],
    [[64, 120], [0], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const cpu = await sums("cpu", shape, axis, keepDims);
    const wasm = await sums("wasm", shape, axis, keepDims);
    assert.deepEqual(wasm.shape, cpu.shape);
    // sums of up to 50,176 float32 values, added in another order
    assertClose(wasm.values, cpu.values, 1e-5, `x=[${shape}] axis=[${axis}] keepDims=${keepDims}`);
  }
});

/** Two SGD steps of model.fit (the Keras path, shuffle off) from the model's seeded weights; the losses. */
async function fitLosses(backend: "wasm" | "cpu", build: () => tf.Sequential, side: number): Promise<number[]> {
  await use(backend);
  const model = build();
  model.compile({ optimizer: tf.train.sgd(0.05), loss: "categoricalCrossentropy" });
  const n = 6; // the cpu backend needs about a second per step of the lecture's CNN
  const x = tf.tensor4d(Float32Array.from(randn32(n * side * side, 3), (v) => Math.abs(v) / 3), [n, side, side, 1]);
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  const h = await model.fit(x, y, { epochs: 2, batchSize: n, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  return h.history.loss as number[];
}

test("model.fit trains the lecture's CNN and LeNet-5 (28 and 32) on wasm with the same losses as on cpu (1e-4)", async () => {
  const builds: [string, () => tf.Sequential, number][] = [
    ["lectureCnn", () => lectureCnn({ seed: 3 }), 28],
    ["lectureCnn relu", () => lectureCnn({ seed: 3, convActivation: "relu" }), 28],
    ["lenet5 28", () => lenet5({ seed: 3 }), 28],
    ["lenet5 32 tanh", () => lenet5({ seed: 3, input: 32, activation: "tanh" }), 32],
  ];
  for (const [what, build, side] of builds) {
    const cpu = await fitLosses("cpu", build, side);
    const wasm = await fitLosses("wasm", build, side);
    assert.equal(wasm.length, 2);
    assert.ok(wasm.every(Number.isFinite), `${what}: finite losses on wasm`);
    assertClose(wasm, cpu, 1e-4, `${what} losses wasm ${wasm.map((v) => v.toFixed(5))} vs cpu ${cpu.map((v) => v.toFixed(5))}`);
    assert.ok(wasm[1] < wasm[0], `${what}: the loss goes down (${wasm.map((v) => v.toFixed(4))})`);
  }
});

test("no leak in the wasm heap: the backend holds as many buffers after 20 training steps as before (LeNet-5, the lecture's CNN, a stride-2 'same' CNN)", async () => {
  await use("wasm");
  const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
  const strided = () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10 }));
    return m;
  };
  for (const [what, model] of [["lenet5", lenet5({ output: "linear" })], ["lectureCnn", lectureCnn({ output: "linear" })], ["strided", strided()]] as const) {
    const opt = tf.train.adam(1e-3);
    const x = tf.tensor4d(Float32Array.from(randn32(8 * 784, 9), Math.abs), [8, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10);
    const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)?.dispose();
    step(); // optimizer slots and cached buffers come into being
    const before = [backend.dataIdMap.numDataIds(), tf.memory().numTensors];
    for (let i = 0; i < 20; i++) step();
    assert.deepEqual([backend.dataIdMap.numDataIds(), tf.memory().numTensors], before, `${what}: [wasm buffers, tensors]`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
});
