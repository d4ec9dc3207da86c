/**
 * The instant checks of assignments A1–A3, one per task: `checkDenseForward(denseForward)` runs
 * the student's function on small seeded cases, compares with the library's answer (backward
 * functions also with a numerical gradient) and prints PASS or FAIL with the first mismatch.
 */
import * as act from "../../src/layers/activations";
import * as dense from "../../src/layers/dense";
import * as conv from "../../src/layers/conv";
import * as pool from "../../src/layers/pool";
import { numericalGradientWithUpstream } from "../../src/gradcheck";
import { Random } from "../../src/random";
import { Tensor } from "../../src/tensor";
import { runCheck, type CheckResult } from "./check";
import { mlpReference, referenceFor, type LayerParams, type MlpParams } from "./references";

const randn = (shape: number[], seed: number, std = 1) => Tensor.randn(shape, seed, 0, std);

/** The chapter-3 lecture network: three dense layers of two sigmoid neurons, W as [inputs, neurons]. */
export function lectureNetwork(): LayerParams[] {
  const rows = [
    { rows: [[1, -2], [-1, 1]], biases: [1, 0] },
    { rows: [[2, -1], [-2, -1]], biases: [0, 0] },
    { rows: [[3, -1], [-1, 4]], biases: [-2, 2] },
  ];
  // the lecture writes one row per neuron; x·W needs one column per neuron
  return rows.map((l) => ({ W: Tensor.from(l.rows).T, b: Tensor.from(l.biases) }));
}

/** Labels 0 … k−1 for n examples, seeded. */
export function seededLabels(n: number, k: number, seed: number): number[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => r.int(k));
}

/** A small two-layer network's parameters for A2, seeded: D inputs, H hidden, K classes. */
export function mlpParams(D: number, H: number, K: number, seed: number): MlpParams {
  return { W1: randn([D, H], seed, 0.5), b1: randn([H], seed + 1, 0.1), W2: randn([H, K], seed + 2, 0.5), b2: randn([K], seed + 3, 0.1) };
}

// ------------------------------------------------------------------ A1 forward

export function checkRelu(relu: unknown): CheckResult {
  return runCheck({
    title: "ReLU", name: "relu",
    cases: [
      { name: "mixed signs [1, 5]", args: [Tensor.from([[-2, -0.5, 0, 0.5, 2]])] },
      { name: "random [3, 4]", args: [randn([3, 4], 1)] },
    ],
    hint: "ReLU keeps positive values and turns every negative one into 0: max(0, z), element by element.",
  }, relu);
}

export function checkSigmoid(sigmoid: unknown): CheckResult {
  return runCheck({
    title: "sigmoid", name: "sigmoid",
    cases: [
      { name: "0 and ±2 [1, 3]", args: [Tensor.from([[0, 2, -2]])] },
      { name: "random [3, 4]", args: [randn([3, 4], 2, 3)] },
    ],
    hint: "σ(z) = 1 / (1 + e^(−z)); σ(0) = 0.5.",
  }, sigmoid);
}

export function checkSoftmax(softmax: unknown): CheckResult {
  return runCheck({
    title: "softmax", name: "softmax",
    cases: [
      { name: "one row [1, 3]", args: [Tensor.from([[1, 2, 3]])] },
      { name: "random [4, 5]", args: [randn([4, 5], 3, 2)] },
      { name: "large logits [2, 3] (needs the max subtracted)", args: [Tensor.from([[1000, 1001, 1002], [-1000, 0, 1000]])] },
    ],
    hint: "softmax works row by row: e^(z − max) / Σ e^(z − max); each row of the result sums to 1.",
  }, softmax);
}

export function checkDenseForward(denseForward: unknown): CheckResult {
  return runCheck({
    title: "dense layer forward", name: "denseForward",
    cases: [
      { name: "one example, 2 → 2", args: [Tensor.from([[1, -1]]), Tensor.from([[1, -1], [-2, 1]]), Tensor.from([1, 0])] },
      { name: "batch [4, 3] → 5", args: [randn([4, 3], 4), randn([3, 5], 5), randn([5], 6)] },
    ],
    hint: "out = x·W + b: x [N, D] times W [D, M], then b [M] added to every row.",
  }, denseForward);
}

export function checkNetworkForward(networkForward: unknown): CheckResult {
  return runCheck({
    title: "the chapter-3 network forward", name: "networkForward",
    cases: [
      { name: "lecture network on (1, −1)", args: [Tensor.from([[1, -1]]), lectureNetwork()] },
      { name: "lecture network on a batch of 3", args: [Tensor.from([[1, -1], [0, 0], [2, 3]]), lectureNetwork()] },
      { name: "random 3 → 4 → 2 network", args: [randn([2, 3], 7), [{ W: randn([3, 4], 8), b: randn([4], 9) }, { W: randn([4, 2], 10), b: randn([2], 11) }]] },
    ],
    hint: "every layer is a = σ(a·W + b), and the output of one layer is the input of the next.",
  }, networkForward);
}

// ------------------------------------------------------------------ A2 backward

function activationBackwardCases(kind: "relu" | "sigmoid") {
  const ref = kind === "relu" ? act.relu : act.sigmoid;
  return [[2, 3, 21], [4, 5, 22]].map(([n, d, seed]) => {
    // ReLU: keep z away from 0, where the numerical gradient straddles the kink
    const z = kind === "relu" ? randn([n, d], seed).map((v) => (Math.abs(v) < 0.05 ? v + 0.2 : v)) : randn([n, d], seed);
    const dout = randn([n, d], seed + 100);
    return { name: `z [${n}, ${d}]`, args: [dout, z], numeric: () => ({ "": numericalOf(z, ref, dout) }) };
  });
}

/** ∂(Σ f(t) ⊙ dout)/∂t at t = x, by centered differences on a copy of x. */
function numericalOf(x: Tensor, f: (t: Tensor) => Tensor, dout: Tensor): Tensor {
  const t = x.clone();
  return numericalGradientWithUpstream(() => f(t), t, dout);
}

export function checkReluBackward(reluBackward: unknown): CheckResult {
  return runCheck({
    title: "ReLU backward", name: "reluBackward", cases: activationBackwardCases("relu"),
    hint: "dz = dout where z > 0 and 0 elsewhere.",
  }, reluBackward);
}

export function checkSigmoidBackward(sigmoidBackward: unknown): CheckResult {
  return runCheck({
    title: "sigmoid backward", name: "sigmoidBackward", cases: activationBackwardCases("sigmoid"),
    hint: "dz = dout · σ(z) · (1 − σ(z)), element by element.",
  }, sigmoidBackward);
}

export function checkDenseBackward(denseBackward: unknown): CheckResult {
  const cases = [[2, 3, 4, 31], [5, 4, 3, 32]].map(([n, d, m, seed]) => {
    const x = randn([n, d], seed), W = randn([d, m], seed + 1), b = randn([m], seed + 2), dout = randn([n, m], seed + 3);
    return {
      name: `x [${n}, ${d}], W [${d}, ${m}]`, args: [dout, x, W],
      numeric: () => ({
        dx: numericalOf(x, (t) => dense.denseForward(t, W, b).out, dout),
        dW: numericalOf(W, (t) => dense.denseForward(x, t, b).out, dout),
        db: numericalOf(b, (t) => dense.denseForward(x, W, t).out, dout),
      }),
    };
  });
  return runCheck({
    title: "dense layer backward", name: "denseBackward", cases,
    hint: "dx = dout·Wᵀ [N, D], dW = xᵀ·dout [D, M], db = dout summed over the batch [M].",
  }, denseBackward);
}

export function checkSoftmaxCrossEntropy(softmaxCrossEntropy: unknown): CheckResult {
  const cases = [[1, 3, 41], [4, 5, 42]].map(([n, k, seed]) => {
    const logits = randn([n, k], seed, 2);
    const labels = seededLabels(n, k, seed);
    const lossOf = (t: Tensor) => Tensor.from([(referenceFor("softmaxCrossEntropy")!(t, labels) as { loss: number }).loss]);
    return { name: `logits [${n}, ${k}]`, args: [logits, labels], numeric: () => ({ dlogits: numericalOf(logits, lossOf, Tensor.ones([1])) }) };
  });
  return runCheck({
    title: "softmax + cross-entropy", name: "softmaxCrossEntropy", cases,
    hint: "loss = mean over the batch of −log p[label]; dlogits = (p − y) / N with y one-hot.",
  }, softmaxCrossEntropy);
}

export function checkMlpGradients(mlpLossAndGrads: unknown): CheckResult {
  const cases = [[3, 4, 5, 3, 51], [6, 2, 8, 4, 52]].map(([n, d, h, k, seed]) => {
    const x = randn([n, d], seed), labels = seededLabels(n, k, seed), p = mlpParams(d, h, k, seed + 10);
    const lossWith = (name: keyof MlpParams) => (t: Tensor) => Tensor.from([mlpReference(x, labels, { ...p, [name]: t }).loss]);
    const one = Tensor.ones([1]);
    return {
      name: `x [${n}, ${d}], hidden ${h}, ${k} classes`, args: [x, labels, p],
      numeric: () => ({
        dW1: numericalOf(p.W1, lossWith("W1"), one), db1: numericalOf(p.b1, lossWith("b1"), one),
        dW2: numericalOf(p.W2, lossWith("W2"), one), db2: numericalOf(p.b2, lossWith("b2"), one),
      }),
    };
  });
  return runCheck({
    title: "the whole network's gradients", name: "mlpLossAndGrads", cases,
    hint: "go backwards: dlogits = (p − y)/N, then dense 2 backward, ReLU backward, dense 1 backward.",
  }, mlpLossAndGrads);
}

export function checkNumericalGradient(numericalGradient: unknown): CheckResult {
  const x = randn([3, 4], 61), labels = seededLabels(3, 3, 61), p = mlpParams(4, 5, 3, 62);
  return runCheck({
    title: "numerical gradient", name: "numericalGradient",
    cases: (["W1", "b2"] as const).map((name) => ({ name: `∂loss/∂${name}`, args: [x, labels, p, name], tol: 1e-5 })),
    hint: "for each element: (loss(θ + h) − loss(θ − h)) / (2h), putting the element back afterwards.",
  }, numericalGradient);
}

// ------------------------------------------------------------------ A3 convolution and pooling

export function checkConvOutputSize(convOutputSize: unknown): CheckResult {
  return runCheck({
    title: "convolution output size", name: "convOutputSize",
    cases: [[6, 3, 1, 0], [5, 3, 2, 1], [28, 5, 1, 2], [7, 3, 2, 0]].map(([H, K, S, P]) => ({ name: `H=${H} K=${K} S=${S} P=${P}`, args: [H, K, S, P], compare: "equal" as const })),
    hint: "H' = (H + 2P − K) / S + 1.",
  }, convOutputSize);
}

function convCases() {
  return [
    [1, 4, 4, 1, 3, 1, 1, 0, 71], [2, 5, 5, 2, 3, 3, 2, 1, 72], [1, 6, 6, 3, 2, 2, 2, 0, 73],
  ].map(([n, h, w, c, k, f, s, p, seed]) => {
    const x = randn([n, h, w, c], seed), wt = randn([k, k, c, f], seed + 1), b = randn([f], seed + 2);
    return { name: `x=[${n},${h},${w},${c}] w=[${k},${k},${c},${f}] s=${s} p=${p}`, x, w: wt, b, s, p, seed };
  });
}

export function checkConv2dForward(conv2dForward: unknown): CheckResult {
  return runCheck({
    title: "convolution forward", name: "conv2dForward",
    cases: convCases().map((c) => ({ name: c.name, args: [c.x, c.w, c.b, c.s, c.p] })),
    hint: "out[n, i, j, f] = b[f] + Σ over di, dj, c of xpadded[n, i·S + di, j·S + dj, c] · w[di, dj, c, f].",
  }, conv2dForward);
}

export function checkConv2dBackward(conv2dBackward: unknown): CheckResult {
  const cases = convCases().map((c) => {
    const fwd = (x: Tensor, w: Tensor, b: Tensor) => conv.conv2dNaive(x, w, b, { stride: c.s, pad: c.p }).out;
    const dout = randn(fwd(c.x, c.w, c.b).shape as number[], c.seed + 3);
    return {
      name: c.name, args: [dout, c.x, c.w, c.s, c.p],
      numeric: () => ({
        dx: numericalOf(c.x, (t) => fwd(t, c.w, c.b), dout),
        dw: numericalOf(c.w, (t) => fwd(c.x, t, c.b), dout),
        db: numericalOf(c.b, (t) => fwd(c.x, c.w, t), dout),
      }),
    };
  });
  return runCheck({
    title: "convolution backward", name: "conv2dBackward", cases,
    hint: "each product x·w in forward sends dout·w back to that x and dout·x to that w; db sums dout over n, i, j; drop the padding from dx at the end.",
  }, conv2dBackward);
}

function poolCases() {
  return [[1, 4, 4, 1, 2, 2, 81], [2, 5, 5, 2, 3, 2, 82], [1, 6, 6, 2, 2, 1, 83]].map(([n, h, w, c, size, stride, seed]) => ({
    name: `x=[${n},${h},${w},${c}] size=${size} stride=${stride}`, x: randn([n, h, w, c], seed), size, stride, seed,
  }));
}

export function checkMaxPoolForward(maxPoolForward: unknown): CheckResult {
  return runCheck({
    title: "max pooling forward", name: "maxPoolForward",
    cases: poolCases().map((c) => ({ name: c.name, args: [c.x, c.size, c.stride] })),
    hint: "H' = ⌊(H − size)/stride⌋ + 1; each output is the largest value of its window, channel by channel.",
  }, maxPoolForward);
}

export function checkMaxPoolBackward(maxPoolBackward: unknown): CheckResult {
  const cases = poolCases().map((c) => {
    const dout = randn(pool.maxPoolForward(c.x, { size: c.size, stride: c.stride }).out.shape as number[], c.seed + 3);
    return {
      name: c.name, args: [dout, c.x, c.size, c.stride],
      numeric: () => ({ "": numericalOf(c.x, (t) => pool.maxPoolForward(t, { size: c.size, stride: c.stride }).out, dout) }),
    };
  });
  return runCheck({
    title: "max pooling backward", name: "maxPoolBackward", cases,
    hint: "route each dout to its window's winner (the first largest value) and add: overlapping windows can share a winner.",
  }, maxPoolBackward);
}
