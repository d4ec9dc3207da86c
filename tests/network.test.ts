import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Network } from "../src/network";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";
import { Random } from "../src/random";
import { gradCheckModel, numericalGradient, relativeError } from "../src/gradcheck";
import { Dense } from "../src/layers/dense";
import { ReLU, Sigmoid, Softmax, Tanh } from "../src/layers/activations";
import { Flatten } from "../src/layers/flatten";
import { Conv2D } from "../src/layers/conv";
import { MaxPool2D } from "../src/layers/pool";
import { oneHot, softmaxCrossEntropy } from "../src/layers/losses";
import type { Layer, Param } from "../src/layers/layer";
import type { ChainFactor } from "../src/trace";

/** A tiny layer written here, independent of src/layers: out = x·k (one scalar parameter k). */
class ScaleLayer implements Layer {
  readonly type = "Scale";
  readonly k: Param;
  private x: Tensor | null = null;
  constructor(readonly name: string, k: number) {
    this.k = { name: "k", value: Tensor.full([1], k), grad: Tensor.zeros([1]), decay: true };
  }
  outputShape(s: readonly number[]): number[] {
    return [...s];
  }
  forward(x: Tensor) {
    this.x = x;
    return { out: x.scale(this.k.value.data[0]) };
  }
  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    const x = this.x as Tensor;
    this.k.grad.data[0] = x.mul(dout).sum().item(); // ∂C/∂k = Σ x ⊙ δ
    return { dx: dout.scale(this.k.value.data[0]), factors: [] };
  }
  params(): Param[] {
    return [this.k];
  }
}

test("ScaleLayer ×2 → ×3 on x=[2,2]: forward is 6x, backward of dout=1 gives dk = Σx·3 and Σx·2, dx = 6", () => {
  const net = new Network([new ScaleLayer("s1", 2), new ScaleLayer("s2", 3)]);
  const x = Tensor.from([[1, 2], [3, 4]]);
  const { out } = net.forward(x);
  assert.deepEqual(out.shape, [2, 2]);
  assert.ok(out.allClose(x.scale(6)));
  const tr = net.backward(Tensor.ones([2, 2]));
  assert.deepEqual(tr.steps.map((s) => s.layer), ["s2", "s1"]);
  const sx = x.sum().item();
  assert.equal(tr.steps[0].grads.k.item(), 2 * sx); // input of s2 is 2x
  assert.equal(tr.steps[1].grads.k.item(), 3 * sx); // δ reaching s1 is 3
  assert.ok(tr.steps[1].dx.allClose(Tensor.full([2, 2], 6)));
});

test("forward of Flatten → Dense(12,5) → Tanh → Dense(5,3) on x=[4,2,2,3] equals the layers applied one by one", () => {
  const layers = [new Flatten(), new Dense(12, 5, { seed: 1 }), new Tanh(), new Dense(5, 3, { seed: 2 })];
  const net = new Network(layers);
  const x = Tensor.randn([4, 2, 2, 3], 3);
  const { out, trace } = net.forward(x, { trace: true });
  let a = x;
  for (const l of layers) a = l.forward(a).out;
  assert.deepEqual(out.shape, [4, 3]);
  assert.ok(out.allClose(a, 0));
  assert.ok(trace);
  assert.equal(trace.kind, "forward");
  assert.deepEqual(trace.steps.map((s) => s.layer), layers.map((l) => l.name));
  assert.ok(trace.output.allClose(out, 0));
  assert.deepEqual(net.outputShape([4, 2, 2, 3]), [4, 3]);
});

test("forward trace of Conv2D(4 filters 3×3) → ReLU → MaxPool2D(2) → Flatten → Dense on a blank x=[2,16,16,1] with one bright 3×3 blob: the recorded windows contain the blob", () => {
  const net = new Network([
    new Conv2D({ inChannels: 1, filters: 4, kernelSize: 3, seed: 11 }), new ReLU(), new MaxPool2D({ size: 2 }),
    new Flatten(), new Dense(7 * 7 * 4, 3, { seed: 12 }),
  ]);
  // the blob: rows 9–11, columns 10–12 of example 0 (example 1 stays blank)
  const inBlob = (r: number, c: number) => r >= 9 && r <= 11 && c >= 10 && c <= 12;
  const x = Tensor.zeros([2, 16, 16, 1]).map((_, k) => (k < 256 && inBlob(Math.floor(k / 16), k % 16) ? 1 : 0));
  const { trace } = net.forward(x, { trace: true });
  assert.ok(trace);
  const [conv, , pool] = trace.steps;
  assert.ok(conv.kind === "conv2d" && pool.kind === "maxpool");
  assert.deepEqual(conv.out.shape, [2, 14, 14, 4]);
  // conv: one window per filter, each covering part of the blob (3×3 windows at row, col)
  assert.deepEqual(conv.windows.map((w) => w.f), [0, 1, 2, 3]);
  for (const w of conv.windows) {
    const touches = [0, 1, 2].some((di) => [0, 1, 2].some((dj) => inBlob(w.row + di, w.col + dj)));
    assert.ok(touches && w.window.max().item() === 1, `filter ${w.f}: window at (${w.row}, ${w.col}) misses the blob`);
    assert.equal(w.out, Math.max(...Array.from({ length: 14 * 14 }, (_, p) => conv.out.get(0, Math.floor(p / 14), p % 14, w.f))));
  }
  // pooling: one window per channel, each holding a positive (post-ReLU) response to the blob
  assert.deepEqual(pool.windows.map((w) => w.c), [0, 1, 2, 3]);
  for (const w of pool.windows) assert.ok(w.value > 0, `channel ${w.c}: window at (${w.row}, ${w.col}) holds only zeros`);
});

type Case = { n: number; d: number; h: number; m: number; seed: number };
const sizes = (mMin: number) =>
  fc.record({
    n: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 5 }),
    h: fc.integer({ min: 1, max: 6 }),
    m: fc.integer({ min: mMin, max: 4 }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
  });

/**
 * ‖a − b‖ / (‖a‖ + ‖b‖): the relative error of a whole gradient tensor. Element by element,
 * a component of 1e-6 next to components of 1e-2 has a numerical error (the round-off of C,
 * ~1e-17, divided by 2h) of ~1e-12, i.e. a relative error of 1e-6 although backprop is right;
 * the norm compares each error with the size of the gradient it belongs to.
 */
function normRelError(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const norm = (t: Tensor) => Math.sqrt(t.dot(t).item());
  const denom = norm(a) + norm(b);
  return denom === 0 ? 0 : norm(a.sub(b)) / denom;
}

/** Backprop of the whole network against centered differences of its loss, for every parameter and the input. */
function checkNetworkGradients(net: Network, x: Tensor, targets: number[] | Tensor, loss: "mse" | "cross-entropy"): { norm: number; elem: number } {
  const { backwardTrace } = net.lossAndGrad(x, targets, loss);
  const C = () => net.lossOf(x, targets, loss, { training: true }).loss;
  const dx = backwardTrace.steps[backwardTrace.steps.length - 1].dx;
  assert.deepEqual(dx.shape, x.shape);
  const checks: [string, Tensor, Tensor][] = net.namedParams().map(({ key, param }) => [key, param.grad.clone(), param.value]);
  checks.push(["dx", dx, x]);
  const worst = { norm: 0, elem: 0 };
  for (const [key, analytic, at] of checks) {
    const numeric = numericalGradient(C, at);
    const err = normRelError(analytic, numeric);
    assert.ok(err < 1e-7, `${key}: relative error ${err}\nanalytic ${analytic.toList()}\nnumeric  ${numeric.toList()}`);
    worst.norm = Math.max(worst.norm, err);
    worst.elem = Math.max(worst.elem, relativeError(analytic, numeric));
  }
  return worst;
}

test("gradient check, 100 random cases: Dense(d,h) → Tanh → Dense(h,m) → Sigmoid, mse on targets in (0,1); every parameter and dx, ‖Δ‖/(‖a‖+‖n‖) < 1e-7", () => {
  let worst = { norm: 0, elem: 0 };
  fc.assert(
    fc.property(sizes(1), ({ n, d, h, m, seed }: Case) => {
      const r = new Random(seed);
      const net = new Network([new Dense(d, h, { seed: r.fork() }), new Tanh(), new Dense(h, m, { seed: r.fork() }), new Sigmoid()]);
      const x = Tensor.randn([n, d], r);
      const target = Tensor.rand([n, m], r);
      const w = checkNetworkGradients(net, x, target, "mse");
      worst = { norm: Math.max(worst.norm, w.norm), elem: Math.max(worst.elem, w.elem) };
    }),
    { numRuns: 100, seed: 11 },
  );
  console.log(`  worst relative error over 100 cases: ${worst.norm.toExponential(2)} (norms), ${worst.elem.toExponential(2)} (element by element)`);
});

test("gradient check, 100 random cases: Dense(d,h) → ReLU → Dense(h,m) with softmax cross-entropy on labels; every parameter and dx, ‖Δ‖/(‖a‖+‖n‖) < 1e-7", () => {
  let worst = { norm: 0, elem: 0 };
  fc.assert(
    fc.property(sizes(2), ({ n, d, h, m, seed }: Case) => {
      const r = new Random(seed);
      const net = new Network([new Dense(d, h, { seed: r.fork(), init: "he" }), new ReLU(), new Dense(h, m, { seed: r.fork() })]);
      // biases away from 0 so that no ReLU input sits within h of its kink
      net.layers[0].params()[1].value.data.forEach((_, i, b) => (b[i] = r.uniform(-0.5, 0.5)));
      const x = Tensor.randn([n, d], r);
      const labels = Array.from({ length: n }, () => r.int(m));
      const w = checkNetworkGradients(net, x, labels, "cross-entropy");
      worst = { norm: Math.max(worst.norm, w.norm), elem: Math.max(worst.elem, w.elem) };
    }),
    { numRuns: 100, seed: 12 },
  );
  console.log(`  worst relative error over 100 cases: ${worst.norm.toExponential(2)} (norms), ${worst.elem.toExponential(2)} (element by element)`);
});

test("gradCheckModel accepts a Network: Flatten → Dense(12,4) → Sigmoid → Dense(4,3) on x=[3,2,2,3], dx and all 4 parameters checked", () => {
  const net = new Network([new Flatten(), new Dense(12, 4, { seed: 1 }), new Sigmoid(), new Dense(4, 3, { seed: 2 })]);
  const r = gradCheckModel(net, Tensor.randn([3, 2, 2, 3], 4));
  assert.equal(Object.keys(r.results).length, 5, r.summary);
  assert.ok(r.ok, r.summary);
});

test("mse with labels on 3 outputs equals mse against one-hot rows; with 1 output the 0/1 label is the target", () => {
  const net = new Network([new Dense(2, 3, { seed: 4 }), new Sigmoid()]);
  const x = Tensor.randn([5, 2], 5);
  const labels = [0, 2, 1, 1, 0];
  const a = net.lossOf(x, labels, "mse");
  const b = net.lossOf(x, oneHot(labels, 3), "mse");
  assert.equal(a.loss, b.loss);
  const out = net.forward(x).out;
  const expected = out.sub(oneHot(labels, 3)).pow(2).mean().item();
  assert.ok(Math.abs(a.loss - expected) < 1e-15);
  const pred = out.argmax(-1);
  assert.equal(a.accuracy, pred.filter((p, i) => p === labels[i]).length / 5);

  const one = new Network([new Dense(2, 1, { seed: 6 }), new Sigmoid()]);
  const y = [1, 0, 1, 1, 0];
  const o = one.forward(x).out;
  const r = one.lossOf(x, y, "mse");
  assert.ok(Math.abs(r.loss - o.sub(Tensor.fromArray(y, [5, 1])).pow(2).mean().item()) < 1e-15);
  assert.deepEqual(one.predict(x), Array.from(o.data, (v) => (v > 0.5 ? 1 : 0)));
});

test("cross-entropy loss of Dense(4,3) on x=[6,4] equals softmaxCrossEntropy of the logits; accuracy = share of argmax hits", () => {
  const net = new Network([new Dense(4, 3, { seed: 7 })]);
  const x = Tensor.randn([6, 4], 8);
  const labels = [0, 1, 2, 2, 1, 0];
  const r = net.lossAndGrad(x, labels);
  const logits = net.forward(x).out;
  const ref = softmaxCrossEntropy(logits, labels);
  assert.equal(r.loss, ref.loss);
  assert.deepEqual(net.predict(x), logits.argmax(-1));
  assert.deepEqual(net.predict(x, 4), logits.argmax(-1));
  assert.equal(r.accuracy, logits.argmax(-1).filter((p, i) => p === labels[i]).length / 6);
  assert.equal(r.backwardTrace.loss?.fn, "softmax-cross-entropy");
});

test("backward trace of Dense(5,4) → Sigmoid → Dense(4,3) → Tanh on x=[2,5]: layers top-down, each δ shaped like that layer's output", () => {
  const layers = [new Dense(5, 4, { seed: 1 }), new Sigmoid(), new Dense(4, 3, { seed: 2 }), new Tanh()];
  const net = new Network(layers);
  const x = Tensor.randn([2, 5], 9);
  const { backwardTrace: tr } = net.lossAndGrad(x, Tensor.rand([2, 3], 10), "mse");
  assert.equal(tr.kind, "backward");
  assert.deepEqual(tr.steps.map((s) => s.layer), [...layers].reverse().map((l) => l.name));
  const outShapes = [[2, 4], [2, 4], [2, 3], [2, 3]].reverse();
  const inShapes = [[2, 5], [2, 4], [2, 4], [2, 3]].reverse();
  tr.steps.forEach((s, i) => {
    assert.deepEqual(s.delta.shape, outShapes[i], s.layer);
    assert.deepEqual(s.dx.shape, inShapes[i], s.layer);
  });
  // each step's dx is the δ of the step below
  for (let i = 0; i + 1 < tr.steps.length; i++) assert.equal(tr.steps[i + 1].delta, tr.steps[i].dx);
  // grads by name, copies of the param grads
  const dense2 = tr.steps[1];
  assert.deepEqual(Object.keys(dense2.grads).sort(), ["W", "b"]);
  assert.ok(dense2.grads.W.allClose((layers[2] as Dense).W.grad, 0));
  assert.notEqual(dense2.grads.W, (layers[2] as Dense).W.grad);
  assert.deepEqual(tr.steps[0].grads, {});
  assert.ok(tr.loss && tr.loss.fn === "mse");
});

test("summary of Flatten → Dense(784,30) → Sigmoid → Dense(30,10) for [28,28,1]: Keras shapes, params D·M + M, total", () => {
  const dims = [784, 30, 10];
  const net = new Network([new Flatten(), new Dense(dims[0], dims[1]), new Sigmoid(), new Dense(dims[1], dims[2])]);
  const rows = net.summaryRows([28, 28, 1]);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((r) => r.output_shape), ["(None, 784)", "(None, 30)", "(None, 30)", "(None, 10)"]);
  assert.deepEqual(rows.map((r) => r.type), ["Flatten", "Dense", "Sigmoid", "Dense"]);
  const dense = (d: number, m: number) => d * m + m;
  assert.deepEqual(rows.map((r) => r.params), [0, dense(dims[0], dims[1]), 0, dense(dims[1], dims[2])]);
  const df = net.summary([28, 28, 1]);
  assert.deepEqual(df.columns, ["layer", "type", "output_shape", "params"]);
  assert.equal(df.height, 5);
  const last = df.toRecords()[4];
  assert.equal(last.layer, "Total");
  assert.equal(Number(last.params), dense(dims[0], dims[1]) + dense(dims[1], dims[2]));
  assert.equal(net.params().reduce((s, p) => s + p.value.size, 0), Number(last.params));
});

test("zeroGrads, snapshot and restore: grads become 0, restored values equal the snapshot", () => {
  const net = new Network([new Dense(3, 2, { seed: 1 })]);
  const x = Tensor.randn([4, 3], 2);
  net.lossAndGrad(x, [0, 1, 1, 0]);
  assert.ok(net.params().some((p) => p.grad.data.some((v) => v !== 0)));
  net.zeroGrads();
  assert.ok(net.params().every((p) => p.grad.data.every((v) => v === 0)));
  const saved = net.snapshot();
  const before = net.params().map((p) => p.value.clone());
  net.params().forEach((p) => p.value.data.fill(7));
  net.restore(saved);
  net.params().forEach((p, i) => assert.ok(p.value.allClose(before[i], 0)));
  assert.deepEqual(net.namedParams().map((p) => p.key), [`${net.layers[0].name}.W`, `${net.layers[0].name}.b`]);
});

test("rejected: duplicate layer names, empty layers, a non-layer, Softmax last with cross-entropy, bad labels, unknown loss", () => {
  const a = new Dense(2, 2, { name: "same" });
  const b = new Dense(2, 2, { name: "same" });
  assert.throws(() => new Network([a, new Tanh(), b]), (e: unknown) => e instanceof InputError && /unique layer name.*"same"/.test(e.message));
  assert.throws(() => new Network([]), InputError);
  assert.throws(() => new Network([{} as Layer]), InputError);
  const soft = new Network([new Dense(2, 3), new Softmax()]);
  const x = Tensor.randn([2, 2], 1);
  assert.throws(() => soft.lossAndGrad(x, [0, 1], "cross-entropy"), (e: unknown) => e instanceof InputError && /softmax itself/.test(e.message));
  assert.doesNotThrow(() => soft.lossAndGrad(x, [0, 1], "mse"));
  const net = new Network([new Dense(2, 3)]);
  assert.throws(() => net.lossAndGrad(x, [0, 3]), (e: unknown) => e instanceof InputError && /\[0, 2\]/.test(e.message));
  assert.throws(() => net.lossAndGrad(x, [0]), (e: unknown) => e instanceof InputError && /2 labels/.test(e.message));
  assert.throws(() => net.lossAndGrad(x, [0, 1.5]), InputError);
  assert.throws(() => net.lossAndGrad(x, [0, 1], "hinge" as "mse"), InputError);
  assert.throws(() => net.lossAndGrad(x, Tensor.rand([2, 3], 1), "cross-entropy"), InputError);
  assert.throws(() => net.lossAndGrad(x, Tensor.rand([2, 2], 1), "mse"), /shape \[2, 3\]/);
  assert.throws(() => net.forward(Tensor.randn([2, 5], 1)), InputError);
  assert.throws(() => net.summaryRows([5]), InputError);
  assert.throws(() => new Network([new Dense(2, 1)]).lossOf(x, [0, 1], "cross-entropy"), /K >= 2/);
});
