import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor";
import { traceToText } from "../kernel-helpers/views";
import type { BackwardStep, ConvTrace, ForwardTrace, LayerTrace, PoolTrace } from "../src/trace";
import { Dense } from "../src/layers/dense";
import { ReLU, Sigmoid, Softmax, Tanh } from "../src/layers/activations";
import { mseLoss, softmaxCrossEntropy } from "../src/layers/losses";
import { Flatten } from "../src/layers/flatten";
import { Dropout } from "../src/layers/dropout";
import { assertInputError } from "./layers/helpers";

/** How traceToText prints a number with the default 4 decimals. */
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

test("dense trace x=[2,3] W=[3,2]: the formula z = x·W + b, every z, and example 0's sums term by term", () => {
  const layer = new Dense(3, 2, { seed: 4, name: "hidden" });
  layer.b.value.data.set([0.25, -0.5]);
  const { trace } = layer.forward(Tensor.randn([2, 3], 1), { trace: true });
  assert.ok(trace);
  const text = traceToText(trace);
  assert.match(text, /^hidden \(dense\): z = x·W \+ b/);
  assert.ok(text.includes("x [2, 3] · W [3, 2] + b [2] → z [2, 2]"));
  for (const v of trace.z.data) assert.ok(text.includes(fmt(v)), `z value ${fmt(v)}`);
  const x0 = trace.x.data[0];
  const w00 = trace.W.data[0];
  const term = (v: number) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  assert.ok(text.includes(`z[0, 0] = ${term(x0)}·${term(w00)} + `), text);
  assert.ok(text.includes(`= ${fmt(trace.z.data[0])}`));
});

test("activation traces: a = σ(z), tanh, max(0, z), softmax formulas with the values σ(z_i) = a_i", () => {
  const z = Tensor.randn([2, 3], 2);
  const cases: [Sigmoid | Tanh | ReLU | Softmax, string][] = [
    [new Sigmoid(), "a = σ(z) = 1 / (1 + e^(−z))"],
    [new Tanh(), "a = tanh(z)"],
    [new ReLU(), "a = relu(z) = max(0, z)"],
    [new Softmax(), "a = softmax(z), row by row"],
  ];
  for (const [layer, formula] of cases) {
    const { trace } = layer.forward(z, { trace: true });
    assert.ok(trace);
    const text = traceToText(trace);
    assert.ok(text.includes(formula), text);
    assert.ok(text.startsWith(`${layer.name} (${trace.fn})`));
    for (const v of trace.a.data) assert.ok(text.includes(fmt(v)), `a value ${fmt(v)}`);
  }
  const { trace } = new Sigmoid().forward(z, { trace: true });
  assert.ok(traceToText(trace!).includes(`σ(${fmt(z.data[0])}) = ${fmt(trace!.a.data[0])}`));
});

test("loss traces: softmax cross-entropy shows p[n, y_n], −log p and L; MSE shows the mean", () => {
  const r = softmaxCrossEntropy(Tensor.randn([3, 4], 3), [1, 0, 3]);
  const text = traceToText(r.trace);
  assert.ok(text.includes("loss_n = −log p[n, y_n]"));
  assert.ok(text.includes(`example 2: label y = 3, p[2, 3] = ${fmt(r.probs.get(2, 3))}, loss = −log p = ${fmt(r.perExample.get(2))}`), text);
  assert.ok(text.includes(`/ 3 = ${fmt(r.loss)}`));
  const m = mseLoss(Tensor.randn([2, 2], 4), Tensor.randn([2, 2], 5));
  const mt = traceToText(m.trace);
  assert.ok(mt.includes("L = mean over all values of (ŷ − y)²"));
  assert.ok(mt.includes(`L = ${fmt(m.loss)}`));
  assert.ok(mt.includes(`example 1: mean (ŷ − y)² = ${fmt(m.perExample.get(1))}`));
});

test("flatten and dropout traces: the shapes; the kept count, the mask and the scale", () => {
  const f = new Flatten({ name: "flat" }).forward(Tensor.randn([2, 5, 5, 3], 1), { trace: true }).trace!;
  assert.ok(traceToText(f).includes("flat (flatten): [2, 5, 5, 3] → [2, 75]"));
  const d = new Dropout(0.5, { seed: 2 }).forward(Tensor.randn([2, 4], 1), { training: true, trace: true }).trace!;
  const kept = d.mask!.sum().item();
  const text = traceToText(d);
  assert.ok(text.includes(`out = x ⊙ mask / (1 − 0.5); kept ${kept} of 8 values, scaled by 2`), text);
  const e = new Dropout(0.5).forward(Tensor.randn([2, 4], 1), { trace: true }).trace!;
  assert.ok(traceToText(e).includes("evaluation mode, out = x"));
});

test("conv2d trace (hand-built 3×3 window): window, filter, products, Σ products + bias = out", () => {
  const window = Tensor.from([[1, 0, 0], [0, 1, 0], [0, 0, 1]]).reshape([3, 3, 1]);
  const filter = Tensor.from([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]).reshape([3, 3, 1]);
  const products = window.mul(filter);
  const sum = products.sum().item();
  const t: ConvTrace = {
    kind: "conv2d", layer: "conv", x: Tensor.zeros([1, 6, 6, 1]), w: Tensor.zeros([3, 3, 1, 2]), b: Tensor.from([0.5, 0]),
    stride: 1, pad: 0, out: Tensor.zeros([1, 4, 4, 2]),
    windows: [{ n: 0, i: 0, j: 0, f: 0, row: 0, col: 0, window, filter, products, sum, bias: 0.5, out: sum + 0.5 }],
  };
  const text = traceToText(t);
  assert.ok(text.includes("H' = (H + 2P − KH)/S + 1 = (6 + 2·0 − 3)/1 + 1 = 4"), text);
  assert.ok(text.includes(`Σ products = ${sum}; + bias 0.5000 = ${fmt(sum + 0.5)} = out[0, 0, 0, 0]`), text);
  assert.match(text, /window\s+filter\s+window ⊙ filter/);
  assert.match(text, /\[ 1  0  0 \]\s+\[  1  -1  -1 \]\s+\[ 1  0  0 \]/);
});

test("maxpool trace (hand-built 2×2 window): the winner in brackets, its value and position", () => {
  const t: PoolTrace = {
    kind: "maxpool", layer: "pool", x: Tensor.zeros([1, 4, 4, 1]), size: 2, stride: 2, out: Tensor.zeros([1, 2, 2, 1]),
    windows: [{ n: 0, i: 0, j: 1, c: 0, row: 0, col: 2, window: Tensor.from([[-1, 3], [0.5, 2]]), winRow: 0, winCol: 1, value: 3 }],
  };
  const text = traceToText(t);
  assert.ok(text.includes("[3]"), text);
  assert.ok(text.includes("max = 3 at (0, 1) of the window = out[0, 0, 1, 0]"));
  assert.ok(text.includes("rows 0..1, cols 2..3"));
});

test("forward and backward traces: numbered steps, δ, the chain-rule factors and the gradients", () => {
  const dense = new Dense(2, 2, { seed: 1, name: "d1" });
  const sig = new Sigmoid({ name: "s1" });
  const x = Tensor.randn([1, 2], 3);
  const r1 = dense.forward(x, { trace: true });
  const r2 = sig.forward(r1.out, { trace: true });
  const fwd: ForwardTrace = { kind: "forward", input: x, steps: [r1.trace as LayerTrace, r2.trace as LayerTrace], output: r2.out };
  const ft = traceToText(fwd);
  assert.match(ft, /^forward pass, input \[1, 2\] → output \[1, 2\]/);
  assert.ok(ft.includes("1. d1 (dense)") && ft.includes("2. s1 (sigmoid)"));
  const loss = mseLoss(r2.out, Tensor.from([[1, 0]]));
  const b2 = sig.backward(loss.dpred);
  const b1 = dense.backward(b2.dx);
  const steps: BackwardStep[] = [
    { kind: "backward-step", layer: "s1", delta: loss.dpred, factors: b2.factors, dx: b2.dx, grads: {} },
    { kind: "backward-step", layer: "d1", delta: b2.dx, factors: b1.factors, dx: b1.dx, grads: { W: dense.W.grad.clone() } },
  ];
  const bt = traceToText({ kind: "backward", loss: loss.trace, steps });
  assert.ok(bt.includes("0. loss (mean squared error)"));
  assert.ok(bt.includes("1. s1: δ = ∂C/∂out arrives") && bt.includes("2. d1: δ = ∂C/∂out arrives"));
  assert.ok(bt.includes("σ'(z) [1, 2]") && bt.includes("δ ⊙ σ'(z) [1, 2]") && bt.includes("a_inᵀ·δ = ∂C/∂W [2, 2]"));
  for (const v of b1.dx.data) assert.ok(bt.includes(fmt(v)));
  assert.equal(bt.split("∂C/∂W [2, 2]").length, 2, "dW is shown once (the grads entry repeats the factor's numbers)");
  assert.ok(traceToText(steps[0]).startsWith("s1: δ = ∂C/∂out arrives"));
});

test("options: digits and maxRows cut the output; bad input names traceToText and the argument", () => {
  const { trace } = new ReLU().forward(Tensor.randn([10, 3], 1), { trace: true });
  const text = traceToText(trace!, { digits: 2, maxRows: 2 });
  assert.ok(text.includes("… 8 more rows"));
  assert.ok(text.includes(trace!.a.data.find((v) => v > 0)!.toFixed(2)));
  assertInputError(() => traceToText({ kind: "nope" } as never), "traceToText", "trace");
  assertInputError(() => traceToText(null as never), "traceToText", "trace");
  assertInputError(() => traceToText(trace!, { maxRows: 0 }), "traceToText", "opts.maxRows");
});
