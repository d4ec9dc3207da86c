/**
 * The trace views (kernel-helpers/views/): every trace kind rendered through both of its
 * renderers, text (`traceToText`) and HTML (`show`), checked against each other and against
 * the output-size rule: ⌊ ⌋ appears exactly when (H + 2P − K)/S is not whole.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor";
import { TRACE_KINDS, type Trace } from "../src/trace";
import { Network } from "../src/network";
import { Dense } from "../src/layers/dense";
import { ReLU, Sigmoid, Softmax, Tanh } from "../src/layers/activations";
import { conv2dTrace, Conv2D } from "../src/layers/conv";
import { maxPoolTrace, MaxPool2D } from "../src/layers/pool";
import { Flatten } from "../src/layers/flatten";
import { Dropout } from "../src/layers/dropout";
import { mseLoss, softmaxCrossEntropy } from "../src/layers/losses";
import { traceToText, VIEWS } from "../kernel-helpers/views";
import { showOutput } from "../kernel-helpers/show";

/** The HTML of a trace as show() makes it, tags stripped and entities decoded. */
function htmlText(t: Trace): string {
  const html = showOutput(t).data["text/html"];
  assert.equal(typeof html, "string", `${t.kind}: show gives text/html`);
  return (html as string)
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Every number written in a text (integers, decimals, e-notation; "−" is not a minus sign here). */
const numbersIn = (s: string): number[] => (s.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? []).map(Number);

/** One trace of every kind, small enough that both views draw every value. */
function everyKind(): Trace[] {
  const x = Tensor.randn([2, 3], 1);
  const dense = new Dense(3, 2, { seed: 2, name: "hidden" }).forward(x, { trace: true }).trace!;
  const acts = [new Sigmoid(), new Tanh(), new ReLU(), new Softmax()].map((l) => l.forward(Tensor.randn([2, 3], 3), { trace: true }).trace!);
  const img = Tensor.randn([1, 6, 6, 1], 4);
  const w = Tensor.randn([3, 3, 1, 2], 5);
  const conv = conv2dTrace(img, w, Tensor.from([0.5, -0.25]), { positions: [{ i: 0, j: 1, f: 1 }] });
  const convFloor = conv2dTrace(img, w, Tensor.from([0.5, -0.25]), { stride: 2, rounding: "floor", positions: [{ i: 1, j: 1 }] });
  const pool = maxPoolTrace(Tensor.randn([1, 4, 4, 1], 6), { size: 2, positions: [{ i: 1, j: 0 }] });
  const poolFloor = maxPoolTrace(Tensor.randn([1, 11, 11, 1], 7), { size: 2, positions: [{ i: 2, j: 3 }] });
  const flat = new Flatten({ name: "flat" }).forward(Tensor.randn([2, 2, 2, 1], 8), { trace: true }).trace!;
  const drop = new Dropout(0.5, { seed: 3 }).forward(Tensor.randn([2, 4], 9), { training: true, trace: true }).trace!;
  const sce = softmaxCrossEntropy(Tensor.randn([3, 4], 10), [1, 0, 3]).trace;
  const mse = mseLoss(Tensor.randn([2, 2], 11), Tensor.randn([2, 2], 12)).trace;
  const net = new Network([
    new Conv2D({ inChannels: 1, filters: 1, kernelSize: 3, seed: 1 }),
    new ReLU(),
    new MaxPool2D({ size: 2 }),
    new Flatten(),
    new Dense(4, 3, { seed: 4 }),
    new Sigmoid(),
  ]);
  const forward = net.forward(Tensor.randn([1, 6, 6, 1], 13), { trace: true }).trace!;
  const small = new Network([new Dense(2, 2, { seed: 5 }), new Sigmoid()]);
  const backward = small.lossAndGrad(Tensor.randn([2, 2], 14), [0, 1], "cross-entropy").backwardTrace;
  return [dense, ...acts, conv, convFloor, pool, poolFloor, flat, drop, sce, mse, forward, backward];
}

test("the registry has a view for every trace kind, and the traces below cover every kind", () => {
  assert.deepEqual(Object.keys(VIEWS).sort(), [...TRACE_KINDS].sort());
  const kinds = new Set(everyKind().map((t) => t.kind));
  assert.deepEqual([...kinds].sort(), [...TRACE_KINDS].sort());
  for (const k of TRACE_KINDS) {
    assert.equal(typeof VIEWS[k].text, "function", `${k}: text view`);
    assert.equal(typeof VIEWS[k].html, "function", `${k}: html view`);
  }
});

test("every kind through both views: text and HTML are not empty, and every number the text shows, the HTML shows", () => {
  for (const t of everyKind()) {
    // the text show sends beside the HTML: traceToText with the HTML's cuts (one window per layer of a forward pass)
    const text = showOutput(t).data["text/plain"] as string;
    assert.equal(text, traceToText(t, t.kind === "forward" ? { maxWindows: 1 } : {}), `${t.kind}: show's text is traceToText's`);
    const html = htmlText(t);
    assert.ok(text.length > 20 && html.length > 20, t.kind);
    const inHtml = new Set(numbersIn(html));
    const missing = numbersIn(text).filter((v) => !inHtml.has(v));
    assert.deepEqual(missing, [], `${t.kind}${"fn" in t ? " " + t.fn : ""}: numbers of the text missing from the HTML\n${text}`);
  }
});

test("size formulas: ⌊ ⌋ in both views exactly when the division is not whole", () => {
  const [, , , , , conv, convFloor, pool, poolFloor] = everyKind();
  const cases: [Trace, string[], boolean][] = [
    // conv 6×6, 3×3, stride 1: (6 − 3)/1 + 1 = 4, whole
    [conv, ["H' = (H + 2P − KH)/S + 1 = (6 + 2·0 − 3)/1 + 1 = 4", "W' = (W + 2P − KW)/S + 1 = (6 + 2·0 − 3)/1 + 1 = 4"], false],
    // the case: conv with rounding "floor", stride 2: (6 − 3)/2 = 1.5 → ⌊1.5⌋ + 1 = 2
    [convFloor, ["H' = ⌊(H + 2P − KH)/S⌋ + 1 = ⌊(6 + 2·0 − 3)/2⌋ + 1 = 2"], true],
    // pooling 4×4 by 2: (4 − 2)/2 + 1 = 2, whole
    [pool, ["H' = (H − K)/S + 1 = (4 − 2)/2 + 1 = 2"], false],
    // the case: maxPoolTrace of an 11×11 map with size 2: (11 − 2)/2 = 4.5 → 5
    [poolFloor, ["H' = ⌊(H − K)/S⌋ + 1 = ⌊(11 − 2)/2⌋ + 1 = 5", "W' = ⌊(W − K)/S⌋ + 1 = ⌊(11 − 2)/2⌋ + 1 = 5"], true],
  ];
  for (const [t, formulas, floored] of cases) {
    const views = { text: traceToText(t), html: htmlText(t) };
    for (const [name, s] of Object.entries(views)) {
      for (const f of formulas) assert.ok(s.includes(f), `${t.kind} ${name} shows ${f}\n${s.slice(0, 400)}`);
      assert.equal(s.includes("⌊"), floored, `${t.kind} ${name}: ⌊ ⌋ ${floored ? "" : "not "}expected`);
    }
  }
  assert.equal((convFloor as { out: Tensor }).out.shape[1], 2, "the conv output really has ⌊1.5⌋ + 1 = 2 rows");
  assert.equal((poolFloor as { out: Tensor }).out.shape[1], 5, "the pooling output really has 5 rows");
});

test("one softmax formula (shifted by the row's max, as computed) in the text and the HTML", () => {
  const t = new Softmax().forward(Tensor.randn([2, 3], 3), { trace: true }).trace!;
  const formula = "a_k = e^(z_k − max z) / Σ_j e^(z_j − max z)";
  assert.ok(traceToText(t).includes(formula));
  assert.ok(htmlText(t).includes(formula));
  // in a forward pass, a dense layer followed by softmax is drawn as one step: the same formula
  const net = new Network([new Dense(2, 3, { seed: 1 }), new Softmax()]);
  assert.ok(htmlText(net.forward(Tensor.randn([1, 2], 2), { trace: true }).trace!).includes(formula));
});

test("key results agree: a conv window's Σ + b = out and a pooling window's max, in both views", () => {
  const all = everyKind();
  const conv = all[5] as Extract<Trace, { kind: "conv2d" }>;
  const w = conv.windows[0];
  for (const s of [traceToText(conv), htmlText(conv)]) {
    for (const v of [w.sum, w.bias, w.out]) assert.ok(numbersIn(s).includes(Number(v.toFixed(4))), `conv ${v}`);
  }
  const pool = all[8] as Extract<Trace, { kind: "maxpool" }>;
  const pw = pool.windows[0];
  assert.equal(pw.value, Math.max(...pw.window.data), "the recorded max is the window's largest value");
  assert.ok(traceToText(pool).includes(`max = ${pw.value.toFixed(4)}`));
  assert.ok(htmlText(pool).includes(`max = ${pw.value.toFixed(4)}`));
});
