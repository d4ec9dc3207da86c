/**
 * The step-by-step library and TensorFlow.js agree, on wasm (with ./wasm-grads kernels) and on cpu:
 * layer by layer with the same weights (conv2d naive and im2col, max pooling, dense, softmax
 * cross-entropy, forward and backward, float32 tolerance), and a whole step-by-step Network against
 * its tfjs twin trained with plain SGD from the same weights: the same losses for 20 steps (1e-4).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadDigits } from "../../src/data";
import { conv2dBackwardIm2col, conv2dIm2col, conv2dNaive, Conv2D } from "../../src/layers/conv";
import { denseBackward, denseForward, Dense } from "../../src/layers/dense";
import { relu, ReLU } from "../../src/layers/activations";
import { Flatten } from "../../src/layers/flatten";
import { oneHot, softmaxCrossEntropy } from "../../src/layers/losses";
import { maxPoolBackward, maxPoolForward, MaxPool2D } from "../../src/layers/pool";
import { Network } from "../../src/network";
import { SGD } from "../../src/optim";
import { Tensor } from "../../src/tensor";
import { fromTfTensor, toTfTensor, viaTf } from "../../src/tf/convert";
import { lectureCnn } from "../../src/tf/models";
import { assertClose, CI_BACKENDS, randn32, use } from "./helpers";


const digits = loadDigits();
const small = loadDigits({ size: 16 });

/** A tf layer's weights as Tensors (float32 values, float64 storage). */
const weightsOf = (l: tf.layers.Layer): Tensor[] => l.getWeights().map((t) => fromTfTensor(t));

/** Run a tfjs layer on x and read the result. */
function applyLayer(l: tf.layers.Layer, x: Tensor): Tensor {
  return viaTf([x], (tx) => l.apply(tx) as tf.Tensor);
}

for (const backend of CI_BACKENDS) {
  test(`${backend}: the lecture CNN's layers with their weights = conv2dNaive/conv2dIm2col, maxPoolForward, denseForward + ReLU on 8 digits`, async () => {
    await use(backend);
    const m = lectureCnn({ seed: 4, output: "linear" });
    const x = digits.test.x.slice0(0, 8).map(Math.fround);
    const [w1, b1] = weightsOf(m.getLayer("conv1"));
    const tfConv = applyLayer(m.getLayer("conv1"), x);
    const naive = conv2dNaive(x, w1, b1).out;
    const fast = conv2dIm2col(x, w1, b1).out;
    assert.deepEqual(naive.shape, [8, 26, 26, 25]);
    assertClose(naive.data, tfConv.data, 1e-6, "conv1 naive vs tf");
    assertClose(fast.data, tfConv.data, 1e-6, "conv1 im2col vs tf");
    const a = tfConv.map(Math.fround);
    const pooled = maxPoolForward(a, { size: 2 }).out;
    const tfPool = applyLayer(m.getLayer("pool1"), a);
    assert.deepEqual(pooled.shape, [8, 13, 13, 25]);
    assert.deepEqual(Array.from(pooled.data), Array.from(tfPool.data), "max pooling picks the same values exactly");
    const h = Tensor.fromArray(randn32(8 * 1250, 5), [8, 1250]);
    const [W, b] = weightsOf(m.getLayer("dense1"));
    const ours = relu(denseForward(h, W, b).out);
    assertClose(ours.data, applyLayer(m.getLayer("dense1"), h).data, 1e-5, "dense1 + ReLU vs tf (sums of 1250 float32 products)");
    m.dispose();
  });

  test(`${backend}: backward — conv2dBackwardIm2col (x=[4,28,28,1] w=[5,5,1,6] p=2; x=[4,15,15,6] w=[5,5,6,16] s=2 p=1), maxPoolBackward with ties, denseBackward = tf.grads`, async () => {
    await use(backend);
    for (const [xs, ws, s, p] of [
      [[4, 28, 28, 1], [5, 5, 1, 6], 1, 2],
      [[4, 15, 15, 6], [5, 5, 6, 16], 2, 1],
    ] as [number[], number[], number, number][]) {
      const x = Tensor.fromArray(randn32(xs.reduce((u, v) => u * v), 1), xs);
      const w = Tensor.fromArray(randn32(ws.reduce((u, v) => u * v), 2, 0.3), ws);
      const b = Tensor.fromArray(randn32(ws[3], 3), [ws[3]]);
      const { out, cache } = conv2dIm2col(x, w, b, { stride: s, pad: p });
      const dout = Tensor.fromArray(randn32(out.size, 4), out.shape);
      const ours = conv2dBackwardIm2col(dout, cache);
      const f = (tx: tf.Tensor, tw: tf.Tensor, tb: tf.Tensor) => tf.add(tf.conv2d(tx as tf.Tensor4D, tw as tf.Tensor4D, s, p), tb);
      const theirs = viaTf([x, w, b, dout], (tx, tw, tb, td) => tf.grads(f)([tx, tw, tb], td));
      const what = `x=[${xs}] w=[${ws}] s=${s} p=${p}`;
      assertClose(ours.dx.data, theirs[0].data, 1e-5, `${what} dx`);
      assertClose(ours.dW.data, theirs[1].data, 1e-5, `${what} dw`);
      assertClose(ours.db.data, theirs[2].data, 1e-5, `${what} db`);
    }
    // max pooling with ties: integer pixels
    const xi = Tensor.fromArray(Array.from(randn32(2 * 8 * 8 * 3, 6), (v) => Math.round(v)), [2, 8, 8, 3]);
    const mp = maxPoolForward(xi, { size: 2 });
    const dpool = Tensor.fromArray(randn32(mp.out.size, 7), mp.out.shape);
    const tfDx = viaTf([xi, dpool], (tx, td) => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid"))(tx, td));
    assertClose(maxPoolBackward(dpool, mp.cache).dx.data, tfDx.data, 1e-7, "maxPoolBackward with ties (the first maximum wins)");
    // dense
    const xd = Tensor.fromArray(randn32(16 * 30, 8), [16, 30]);
    const Wd = Tensor.fromArray(randn32(300, 9), [30, 10]);
    const bd = Tensor.fromArray(randn32(10, 10), [10]);
    const dd = Tensor.fromArray(randn32(160, 11), [16, 10]);
    const g = denseBackward(dd, denseForward(xd, Wd, bd).cache);
    const tg = viaTf([xd, Wd, bd, dd], (a, v, c, d) => tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.add(tf.matMul(p, q), r))([a, v, c], d));
    assertClose(g.dx.data, tg[0].data, 1e-5, "dense dx");
    assertClose(g.dW.data, tg[1].data, 1e-5, "dense dW");
    assertClose(g.db.data, tg[2].data, 1e-5, "dense db");
  });

  test(`${backend}: softmaxCrossEntropy on logits [16, 10] = tf.losses.softmaxCrossEntropy (mean), and dlogits = its gradient`, async () => {
    await use(backend);
    const logits = Tensor.fromArray(randn32(160, 12, 3), [16, 10]);
    const labels = Array.from({ length: 16 }, (_, i) => (i * 7) % 10);
    const ours = softmaxCrossEntropy(logits, labels);
    const [loss, grad] = viaTf([logits, oneHot(labels, 10)], (z, y) => {
      const f = (t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, t);
      return [f(z), tf.grad(f)(z)];
    });
    assert.ok(Math.abs(ours.loss - loss.item()) <= 1e-6 * Math.max(1, loss.item()), `loss ${ours.loss} vs ${loss.item()}`);
    assertClose(ours.dlogits.data, grad.data, 1e-6, "dlogits");
  });
}

/** Copy the step-by-step network's parameters (rounded to float32) into the tfjs twin, in layer order. */
function sameWeights(net: Network, twin: tf.LayersModel): void {
  const params = net.params();
  for (const p of params) p.value.data.set(p.value.data.map(Math.fround));
  const tw = twin.getWeights();
  assert.deepEqual(params.map((p) => p.value.shape), tw.map((t) => t.shape), "the twins have the same parameter shapes, in order");
  twin.setWeights(params.map((p) => toTfTensor(p.value)));
}

/** 20 plain SGD steps of both twins on the same batches; the two lists of losses. */
async function twinLosses(net: Network, twin: tf.LayersModel, data: { x: Tensor; labels: number[] }, batch: number, lr: number): Promise<[number[], number[]]> {
  sameWeights(net, twin);
  const sgd = new SGD({ lr });
  const tfSgd = tf.train.sgd(lr);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let s = 0; s < 20; s++) {
    const x = data.x.slice0(s * batch, (s + 1) * batch);
    const y = data.labels.slice(s * batch, (s + 1) * batch);
    const r = net.lossAndGrad(x, y);
    sgd.step(net.params());
    ours.push(r.loss);
    const [tx, ty] = [toTfTensor(x), tf.oneHot(tf.tensor1d(y, "int32"), 10)];
    const cost = tfSgd.minimize(() => tf.losses.softmaxCrossEntropy(ty, twin.apply(tx, { training: true }) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
    theirs.push(cost.dataSync()[0]);
    tf.dispose([tx, ty, cost]);
  }
  tfSgd.dispose();
  const d = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0);
  console.log(`twin losses: step 1 ${ours[0].toFixed(6)} vs ${theirs[0].toFixed(6)}, step 20 ${ours[19].toFixed(6)} vs ${theirs[19].toFixed(6)}; largest difference ${d.toExponential(2)}`);
  return [ours, theirs];
}

for (const backend of CI_BACKENDS) {
  test(`${backend}: a small CNN (conv 6@5×5 p=2 → ReLU → pool 2 → dense 10) and its tfjs twin, same weights, SGD lr 0.1: the same 20 losses (1e-4)`, async () => {
    await use(backend);
    const net = new Network([new Conv2D({ inChannels: 1, filters: 6, kernelSize: 5, pad: 2, seed: 1 }), new ReLU(), new MaxPool2D({ size: 2 }), new Flatten(), new Dense(8 * 8 * 6, 10, { seed: 2 })]);
    const twin = tf.sequential();
    twin.add(tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }));
    twin.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    twin.add(tf.layers.flatten());
    twin.add(tf.layers.dense({ units: 10 }));
    const [ours, theirs] = await twinLosses(net, twin, small.train, 16, 0.1);
    assert.equal(ours.length, 20);
    assertClose(ours, theirs, 1e-4, `losses ours ${ours.slice(0, 3).map((v) => v.toFixed(6))}… vs tfjs ${theirs.slice(0, 3).map((v) => v.toFixed(6))}…`);
    assert.ok(ours[19] < ours[0], "it learns");
    twin.dispose();
  });
}

test("wasm: the lecture's CNN step by step and as lectureCnn(), same weights, SGD lr 0.05: the same 20 losses (1e-4)", async () => {
  await use("wasm");
  const net = new Network([
    new Conv2D({ inChannels: 1, filters: 25, kernelSize: 3 }),
    new MaxPool2D({ size: 2 }),
    new Conv2D({ inChannels: 25, filters: 50, kernelSize: 3 }),
    new MaxPool2D({ size: 2 }),
    new Flatten(),
    new Dense(1250, 100),
    new ReLU(),
    new Dense(100, 10),
  ]);
  const twin = lectureCnn({ output: "linear" });
  const [ours, theirs] = await twinLosses(net, twin, digits.train, 16, 0.05);
  assertClose(ours, theirs, 1e-4, `losses ours ${ours.slice(0, 3).map((v) => v.toFixed(6))}… vs tfjs ${theirs.slice(0, 3).map((v) => v.toFixed(6))}…`);
  twin.dispose();
});
