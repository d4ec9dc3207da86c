/**
 * show(): which output each kind of value gets, first in plain Node (`showOutput`, a stand-in
 * writer), then through the real kernel: tests/kernel/fixtures/show.ipynb uses every form of
 * show() and liveTraining, runs with nbclient, and each cell's outputs are checked — MIME types,
 * PNG size from its IHDR, the chart's data against the numbers that were charted, readable text.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describeSpec, esc, fmtNum, show, showOutput } from "../../kernel-helpers/show";
import { setDisplayWriter, type DisplayContent } from "../../kernel-helpers/display";
import { executeNotebook } from "../../kernel-helpers/tools/run";
import { Tensor } from "../../src/tensor";
import { InputError } from "../../src/errors";
import { conv2dTrace } from "../../src/layers/conv";
import { maxPoolTrace } from "../../src/layers/pool";
import { Dense } from "../../src/layers/dense";
import { ReLU, Sigmoid } from "../../src/layers/activations";
import { Conv2D } from "../../src/layers/conv";
import { MaxPool2D } from "../../src/layers/pool";
import { Flatten } from "../../src/layers/flatten";
import { Network } from "../../src/network";
import { lineChart } from "../../src/charts";
import { graphOf, value } from "../../src/autograd";
import { ARTIFACTS, setupKernel } from "./setup";

const VEGALITE = "application/vnd.vegalite.v5+json";
const CHART_MIMES = [VEGALITE, "image/png", "text/plain"].sort();

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature, length and "IHDR"). */
function pngSize(base64: string): { width: number; height: number } {
  const b = Buffer.from(base64, "base64");
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(b.toString("latin1", 12, 16), "IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Every inline data row of a spec, whatever its nesting (layers, concatenations). */
function dataRows(spec: unknown): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (n === null || typeof n !== "object") return;
    const o = n as Record<string, unknown>;
    const d = o.data as { values?: unknown } | undefined;
    if (d && Array.isArray(d.values)) rows.push(...(d.values as Record<string, unknown>[]));
    for (const [k, v] of Object.entries(o)) if (k !== "data") visit(v);
  };
  visit(spec);
  return rows;
}

/** A chart output: exactly the three MIME types, a real PNG twice the size the metadata shows. */
function assertChart(out: { data: Record<string, unknown>; metadata: Record<string, unknown> }, label: string): void {
  assert.deepEqual(Object.keys(out.data).sort(), CHART_MIMES, `${label}: vegalite + png + text, no HTML, no SVG`);
  const shown = (out.metadata["image/png"] ?? {}) as { width?: number; height?: number };
  const px = pngSize(out.data["image/png"] as string);
  assert.ok(shown.width! > 50 && shown.height! > 50, `${label}: display size ${JSON.stringify(shown)}`);
  assert.ok(Math.abs(px.width - 2 * shown.width!) <= 1 && Math.abs(px.height - 2 * shown.height!) <= 1, `${label}: PNG ${px.width}×${px.height} at scale 2 of ${shown.width}×${shown.height}`);
  assertReadable(out.data["text/plain"], label);
  assert.equal((out.data["text/plain"] as string).split("\n").length, 1, `${label}: one line of text`);
}

/** Text a terminal can show: a non-empty string, no "[object Object]", no ANSI codes. */
function assertReadable(t: unknown, label: string): void {
  assert.equal(typeof t, "string", `${label}: text/plain is a string`);
  const s = t as string;
  assert.ok(s.trim().length > 0, `${label}: text/plain is not empty`);
  assert.ok(!s.includes("[object "), `${label}: ${s.slice(0, 80)}`);
  assert.ok(!s.includes("\u001b["), `${label}: no ANSI codes`);
}

/** Self-contained HTML: inline styles only, no scripts, no style sheets, nothing loaded. */
function assertSelfContained(html: unknown, label: string): void {
  assert.equal(typeof html, "string");
  const h = html as string;
  assert.ok(!/<script|<style|<link|\son\w+=|\ssrc=|\shref=|class=/i.test(h), `${label}: self-contained HTML`);
}

const lectureImage = (): Tensor =>
  Tensor.from([[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 0], [1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 1, 0]]).reshape([1, 6, 6, 1]);
function lectureFilters(): Tensor {
  const f1 = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]];
  const f2 = [[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]];
  const w = Tensor.zeros([3, 3, 1, 2]);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) w.set(f1[i][j], i, j, 0, 0).set(f2[i][j], i, j, 0, 1);
  return w;
}
const lectureNetwork = (): Network => {
  const layer = (rows: number[][], b: number[]) => Dense.fromWeights(Tensor.from(rows).T, Tensor.from(b));
  return new Network([layer([[1, -2], [-1, 1]], [1, 0]), new Sigmoid(), layer([[2, -1], [-2, -1]], [0, 0]), new Sigmoid(), layer([[3, -1], [-1, 4]], [-2, 2]), new Sigmoid()]);
};

// ------------------------------------------------------------------ in plain Node

describe("showOutput: the view each value gets", () => {
  test("a Vega-Lite spec: exactly vegalite v5 + png + text/plain, the spec unchanged", () => {
    const spec = lineChart({ x: [1, 2, 3], series: { loss: [0.9, 0.5, 0.3] } }, { title: "Loss" });
    const out = showOutput(spec);
    assertChart(out, "lineChart");
    assert.deepEqual(out.data[VEGALITE], spec);
    assert.equal(out.data["text/plain"], describeSpec(spec));
    assert.match(out.data["text/plain"] as string, /"Loss"/);
    // scale 1: the PNG is drawn at the display size
    const one = showOutput(spec, { scale: 1 });
    const px = pngSize(one.data["image/png"] as string);
    assert.deepEqual(px, one.metadata["image/png"]);
  });

  test("Tensor [2, 2]: an HTML table with every number and the text grid", () => {
    const t = Tensor.from([[1, -2], [0.5, 3.25]]);
    const out = showOutput(t);
    assert.deepEqual(Object.keys(out.data).sort(), ["text/html", "text/plain"]);
    assert.equal(out.data["text/plain"], t.toString());
    const cells = [...(out.data["text/html"] as string).matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, ["1.0000", "-2.0000", "0.5000", "3.2500"]);
    assertSelfContained(out.data["text/html"], "tensor");
  });

  test("Tensor views by rank and size: table ≤ 12×12 and ≤ 100 values, else heatmap / bars / images", () => {
    const kind = (t: Tensor, as?: "table" | "text") => {
      const d = showOutput(t, as ? { as } : undefined).data;
      // the first mark named by the description, "[chart "…": rect + text, 121 data rows]"
      if (VEGALITE in d) return `chart:${describeSpec(d[VEGALITE] as never).split(": ")[1].split(/[ ,]/)[0]}`;
      return "text/html" in d ? "table" : "text";
    };
    assert.equal(kind(Tensor.zeros([10, 10])), "table");
    assert.equal(kind(Tensor.zeros([12, 8])), "table");
    assert.equal(kind(Tensor.zeros([13, 2])), "chart:rect");
    assert.equal(kind(Tensor.zeros([11, 11])), "chart:rect", "121 values > 100");
    assert.equal(kind(Tensor.arange(24)), "table");
    assert.equal(kind(Tensor.arange(25)), "chart:bar");
    assert.equal(kind(Tensor.arange(300)), "chart:line");
    assert.equal(kind(Tensor.rand([2, 8, 8, 1], 1)), "chart:rect");
    assert.equal(kind(Tensor.rand([2, 3, 3, 1], 1)), "table", "18 values of NHWC as tables per (n, c)");
    assert.equal(kind(Tensor.zeros([1])), "text");
    assert.equal(kind(Tensor.zeros([2, 2, 2, 2, 2])), "table", "32 values of rank 5, flattened");
    assert.equal(kind(Tensor.zeros([3, 3, 3, 3, 3])), "text", "243 values of rank 5: no picture for it");
    assert.equal(kind(Tensor.zeros([30, 30]), "table"), "table");
    assert.equal(kind(Tensor.zeros([2, 2]), "text"), "text");
  });

  test("large 2-D Tensor [20, 30]: a heatmap whose data are the tensor's values", () => {
    const t = Tensor.randn([20, 30], 5);
    const out = showOutput(t);
    assertChart(out, "heatmap");
    const rows = dataRows(out.data[VEGALITE]) as { row: number; col: number; value: number }[];
    assert.equal(rows.length, 600);
    for (const r of rows) assert.ok(Math.abs(r.value - t.get(r.row, r.col)) < 1e-9);
  });

  test("conv2d trace of the lecture's 6×6 image: the highlighted window, the products, Σ = 3 for out[0, 0, 0, 0]", () => {
    const tr = conv2dTrace(lectureImage(), lectureFilters(), Tensor.zeros([2]), { positions: [{ i: 0, j: 0, f: 0 }, { i: 0, j: 1, f: 0 }] });
    const out = showOutput(tr);
    assert.deepEqual(Object.keys(out.data).sort(), ["text/html", "text/plain"]);
    const html = out.data["text/html"] as string;
    assertSelfContained(html, "conv");
    // the lecture: filter 1's first row is 3, −1, −3, −1
    assert.match(html, /Σ products = 3\n\+ b\[0\] = 0\n= 3/);
    assert.match(html, /Σ products = -1\n\+ b\[0\] = 0\n= -1/);
    // each drawn window highlights its 3×3 cells of the input (and its output cell)
    const highlighted = (html.match(/background:#ffe29a/g) ?? []).length;
    assert.equal(highlighted, 2 * (9 + 1));
    assert.match(out.data["text/plain"] as string, /conv2d/);
  });

  test("max-pooling trace: one winner per window, the lecture's 2×2 pooled map (3, 0), (3, 1)", () => {
    const conv = conv2dTrace(lectureImage(), lectureFilters(), Tensor.zeros([2]));
    const tr = maxPoolTrace(conv.out, { size: 2 });
    const html = showOutput(tr).data["text/html"] as string;
    const winners = (html.match(/background:#f4a261/g) ?? []).length;
    assert.equal(winners, 2 * tr.windows.length, "winner marked in the input plane and in the window");
    for (const v of [3, 0, 3, 1]) assert.ok(html.includes(`max = ${v}</b>`), `max = ${v}`);
  });

  test("forward trace of the lecture's network: each dense + sigmoid as one step, output (0.62, 0.83)", () => {
    const { trace, out } = lectureNetwork().forward(Tensor.from([[1, -1]]), { trace: true });
    const html = showOutput(trace).data["text/html"] as string;
    assert.equal((html.match(/: a = σ\(x·W \+ b\)/g) ?? []).length, 3);
    assert.ok(html.includes("z[0,0] = 1·1 + (-1)·(-2) + 1 = 4"), "the lecture's first neuron: 1·1 + (−1)·(−2) + 1 = 4");
    assert.deepEqual(out.toList().map((v) => v.toFixed(2)), ["0.62", "0.83"]);
    for (const v of out.toList()) assert.ok(html.includes(fmtNum(v)), fmtNum(v));
  });

  test("backward trace: the loss, then every layer's δ and chain-rule factors", () => {
    const net = lectureNetwork();
    const g = net.lossAndGrad(Tensor.from([[1, -1], [0, 0]]), [0, 1], "mse");
    const out = showOutput(g.backwardTrace);
    const html = out.data["text/html"] as string;
    assert.match(html, /loss: mean squared error/);
    for (const s of g.backwardTrace.steps) {
      assert.ok(html.includes(`${s.layer}: backward`), s.layer);
      for (const f of s.factors) assert.ok(html.includes(esc(f.name)), f.name);
    }
    assertReadable(out.data["text/plain"], "backward");
  });

  test("DataFrame: an HTML table of every column and row, polars' own text", () => {
    const df = lectureNetwork().summary([2]);
    const out = showOutput(df);
    const html = out.data["text/html"] as string;
    for (const c of df.columns) assert.ok(html.includes(`>${c}</th>`), c);
    assert.equal((html.match(/<tr[\s>]/g) ?? []).length, df.height + 1);
    assert.equal(out.data["text/plain"], df.toString());
    assertSelfContained(html, "DataFrame");
  });

  test("autograd: a Value and graphOf(value) both become the graph chart, data and grad as computed", () => {
    const a = value(2, "a");
    const out = a.mul(value(-3, "b")).tanh();
    out.backward();
    for (const x of [out, graphOf(out)]) {
      const o = showOutput(x);
      assertChart(o, "graph");
      const nodes = dataRows(o.data[VEGALITE]).filter((r) => r.kind === "value");
      const aNode = nodes.find((n) => n.label === "a");
      assert.equal(aNode?.grad, a.grad);
    }
  });

  test("anything else: numbers, arrays, objects as text; functions, symbols, cycles, hostile objects in one line, never an exception", () => {
    const text = (x: unknown) => {
      const d = showOutput(x).data;
      assert.deepEqual(Object.keys(d), ["text/plain"]);
      return d["text/plain"] as string;
    };
    assert.equal(text(3), "3");
    assert.equal(text("hello"), "hello");
    assert.equal(text([1, 2, 3]), "[ 1, 2, 3 ]");
    assert.equal(text({ lr: 0.1 }), "{ lr: 0.1 }");
    assert.equal(text(function f() {}), "[function f]");
    assert.equal(text(undefined), "undefined");
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.match(text(cyclic), /Circular/);
    const hostile = new Proxy({}, { get: () => { throw new Error("no access"); }, ownKeys: () => { throw new Error("no keys"); } });
    const line = text(hostile);
    assert.equal(line.split("\n").length, 1);
    // a tensor that cannot be drawn (NaN in a heatmap) falls back to its text grid
    const bad = Tensor.zeros([20, 20]);
    bad.data[3 * 20 + 4] = NaN;
    const fallback = showOutput(bad).data;
    assert.deepEqual(Object.keys(fallback), ["text/plain"]);
    assert.match(fallback["text/plain"] as string, /^Tensor \[20, 20\]/);
  });

  test("bad options are an InputError naming show and the option", () => {
    assert.throws(() => show(1, { as: "pie" as never }), (e: unknown) => e instanceof InputError && e.fn === "show" && e.arg === "opts.as");
    assert.throws(() => showOutput(1, { digits: -1 }), (e: unknown) => e instanceof InputError && e.arg === "opts.digits");
    assert.throws(() => show(1, { scale: 0 }), InputError);
  });
});

// ------------------------------------------------------------------ large traces

/** A digit-sized CNN: conv 8 → ReLU → pool → conv 16 → ReLU → pool → flatten → dense 10. */
const smallCnn = (): Network =>
  new Network([
    new Conv2D({ inChannels: 1, filters: 8, kernelSize: 3, seed: 1 }), new ReLU(), new MaxPool2D({ size: 2 }),
    new Conv2D({ inChannels: 8, filters: 16, kernelSize: 3, seed: 2 }), new ReLU(), new MaxPool2D({ size: 2 }),
    new Flatten(), new Dense(5 * 5 * 16, 10, { seed: 3 }),
  ]);
/** A batch of n "images" [n, 28, 28, 1]: a blob in the middle of a blank square, as digits are. */
const blobs = (n: number, seed: number): Tensor => Tensor.rand([n, 28, 28, 1], seed).map((v, i) => {
  const r = Math.floor(i / 28) % 28, c = i % 28;
  return Math.abs(r - 13.5) < 8 && Math.abs(c - 13.5) < 8 ? v : 0;
});
const htmlOf = (x: unknown, opts?: Parameters<typeof showOutput>[1]) => showOutput(x, opts).data["text/html"] as string;
/** The tables of some HTML: each table's value cells (td) per row, and its "⋮ rows … · columns …" line if cut. */
function tables(html: string): { rows: string[][]; cut: string | null }[] {
  return [...html.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((m) => {
    const trs = [...m[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => r[1]);
    const cut = trs.map((r) => /colspan="\d+"[^>]*>([^<]*)</.exec(r)?.[1] ?? null).find((c) => c !== null) ?? null;
    const rows = trs.filter((r) => !r.includes("colspan")).map((r) => [...r.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1])).filter((r) => r.length > 0);
    return { rows, cut };
  });
}

describe("showOutput of large traces: every tensor capped, small ones whole", () => {
  test("CNN forward, x=[16,28,28,1], conv 8 → pool → conv 16 → pool → dense: under 100 KB of HTML, every table at most 6 × 6", () => {
    const x = blobs(16, 1);
    const { trace } = smallCnn().forward(x, { trace: true });
    const html = htmlOf(trace);
    assert.ok(html.length < 100_000, `${(html.length / 1024).toFixed(1)} KB`);
    assertSelfContained(html, "CNN forward");
    const ts = tables(html);
    assert.ok(ts.length >= 10, `${ts.length} tables`);
    for (const t of ts) {
      assert.ok(t.rows.length <= 6 && t.rows.every((r) => r.length <= 10), `a table of ${t.rows.length} rows × ${Math.max(...t.rows.map((r) => r.length))}`);
    }
    // the input's first slice, x[0, :, :, 0], shows its centre: rows and columns 11–16, the values of x
    assert.ok(html.includes(esc("⋮ rows 11–16 of 28 · columns 11–16 of 28 (the centre)")));
    const input = ts.find((t) => t.cut?.includes("of 28 · columns 11–16 of 28"))!;
    assert.equal(input.rows.length, 6);
    input.rows.forEach((r, i) => r.forEach((v, j) => assert.equal(v, fmtNum(x.get(0, 11 + i, 11 + j, 0), 4, true), `x[0, ${11 + i}, ${11 + j}, 0]`)));
    // a matrix shows its first rows and columns: the dense layer's x [16, 400]
    assert.ok(html.includes(esc("⋮ rows 0–5 of 16 · columns 0–5 of 400")));
    // one window per layer, the others counted; each large tensor says how many slices it hides
    assert.equal((html.match(/: window at rows/g) ?? []).length, 2);
    // a layer records each filter's strongest response in example 0: 8 windows for conv2d_1's 8 filters
    const conv1 = trace!.steps[0];
    assert.ok(conv1.kind === "conv2d" && conv1.windows.length === 8);
    assert.ok(html.includes(`… ${conv1.windows.length - 1} more recorded windows`));
    assert.match(html, /… and 127 more slices/);
  });

  test("CNN backward on x=[16,28,28,1]: under 150 KB; the HTML does not grow with the batch (x=[64,28,28,1])", () => {
    const net = smallCnn();
    const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);
    const b16 = htmlOf(net.lossAndGrad(blobs(16, 2), labels(16)).backwardTrace);
    const b64 = htmlOf(net.lossAndGrad(blobs(64, 2), labels(64)).backwardTrace);
    assert.ok(b16.length < 150_000, `${(b16.length / 1024).toFixed(1)} KB`);
    assert.ok(Math.abs(b64.length - b16.length) < 2_000, `batch 16: ${b16.length} B, batch 64: ${b64.length} B`);
    for (const t of tables(b64)) assert.ok(t.rows.length <= 6, `${t.rows.length} rows`);
  });

  test("maxRows 3, maxCols 4: every table at most 3 × 4, the text too; maxWindows 3 draws 3 windows per layer", () => {
    const { trace } = smallCnn().forward(blobs(4, 3), { trace: true });
    const out = showOutput(trace, { maxRows: 3, maxCols: 4, maxWindows: 3 });
    const html = out.data["text/html"] as string;
    for (const t of tables(html)) assert.ok(t.rows.length <= 3 && t.rows.every((r) => r.length <= 4), JSON.stringify(t.rows));
    assert.ok(html.includes(esc("⋮ rows 0–2 of 4 · columns 0–3 of 400")), "dense x [4, 400]");
    assert.equal((html.match(/: window at rows/g) ?? []).length, 2 * 3);
    assert.equal((html.match(/max of the window at rows/g) ?? []).length, 2 * 3);
    // the conv windows of the second layer [3, 3, 8]: 3 × 3 fit; the text lists 3 windows per conv layer too
    assert.equal(((out.data["text/plain"] as string).match(/window n=0 i=\d+ j=\d+, filter/g) ?? []).length, 2 * 3);
  });

  test("small traces are whole: the lecture's conv (every window), its pooling and its network forward and backward, no value hidden", () => {
    const conv = conv2dTrace(lectureImage(), lectureFilters(), Tensor.zeros([2]));
    const net = lectureNetwork();
    const traces = [conv, maxPoolTrace(conv.out, { size: 2 }), net.forward(Tensor.from([[1, -1]]), { trace: true }).trace, net.lossAndGrad(Tensor.from([[1, -1], [0, 0]]), [0, 1], "mse").backwardTrace];
    for (const tr of traces) {
      const html = htmlOf(tr);
      assert.ok(!html.includes("⋮ rows") && !html.includes("more slices"), `${tr!.kind}: nothing hidden`);
    }
    // the conv trace: every one of its 32 windows, each with the whole 6 × 6 input and 4 × 4 output map
    const html = htmlOf(conv, { maxWindows: 32 });
    assert.equal((html.match(/: window at rows/g) ?? []).length, 32);
    const ts = tables(html);
    const maps = ts.filter((t) => t.rows.length === 4 && t.rows.every((r) => r.length === 4));
    assert.equal(maps.length, 32 + 2, "an output map per window, and the two maps of the output");
    const last = [maps[32], maps[33]];
    for (let f = 0; f < 2; f++) last[f].rows.forEach((r, i) => r.forEach((v, j) => assert.equal(v, String(conv.out.get(0, i, j, f)), `out[0, ${i}, ${j}, ${f}]`)));
    const inputs = ts.filter((t) => t.rows.length === 6 && t.rows.every((r) => r.length === 6));
    assert.equal(inputs.length, 32, "the whole input plane around each window");
  });
});

describe("show: where the output goes", () => {
  after(() => setDisplayWriter(null));

  test("with a writer (the kernel's): one display_data message holding the whole bundle, update = false", () => {
    const sent: { content: DisplayContent; update?: boolean }[] = [];
    setDisplayWriter((content, update) => sent.push({ content, update }));
    const spec = lineChart({ x: [1, 2], series: { y: [1, 4] } });
    show(spec);
    show(Tensor.eye(2));
    assert.equal(sent.length, 2);
    assert.equal(sent[0].update, false);
    assert.deepEqual(Object.keys(sent[0].content.data).sort(), CHART_MIMES);
    assert.deepEqual(Object.keys(sent[1].content.data).sort(), ["text/html", "text/plain"]);
    setDisplayWriter(null);
  });

  test("plain Node (no kernel): prints the text view and renders no chart", () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => printed.push(a.join(" "));
    try {
      show(Tensor.from([[1, 2], [3, 4]]));
      show(lineChart({ x: [1, 2], series: { y: [1, 4] } }, { title: "T" }));
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, [Tensor.from([[1, 2], [3, 4]]).toString(), '[chart "T": line + point, 2 data rows]']);
  });
});

// ------------------------------------------------------------------ through the real kernel

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
interface Cell {
  id: string;
  cell_type: string;
  outputs?: Output[];
}
const joined = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");

describe("fixtures/show.ipynb through the dl-lessons kernel", () => {
  let cells = new Map<string, Output[]>();
  before(async () => {
    setupKernel();
    const run = await executeNotebook(path.join(__dirname, "fixtures", "show.ipynb"), {
      timeoutSec: 120,
      outPath: path.join(ARTIFACTS, "show.executed.ipynb"),
    });
    const nb = JSON.parse(fs.readFileSync(run.outPath, "utf8")) as { cells: Cell[] };
    // nbformat stores multi-line strings as arrays of lines: join them back
    for (const c of nb.cells) {
      for (const o of c.outputs ?? []) {
        for (const [k, v] of Object.entries(o.data ?? {})) if (Array.isArray(v) && v.every((x) => typeof x === "string")) o.data![k] = v.join("");
      }
    }
    cells = new Map(nb.cells.filter((c) => c.cell_type === "code").map((c) => [c.id, c.outputs ?? []]));
  });

  const outputs = (id: string): Output[] => {
    const o = cells.get(id);
    assert.ok(o, `cell ${id} ran`);
    return o;
  };
  const displays = (id: string) => outputs(id).filter((o) => o.output_type === "display_data") as Required<Pick<Output, "data" | "metadata">>[];

  test("no cell failed or wrote to stderr; every text/plain is readable, every text/html self-contained", () => {
    for (const [id, outs] of cells) {
      for (const o of outs) {
        assert.notEqual(o.output_type, "error", `cell ${id}`);
        assert.ok(!(o.output_type === "stream" && o.name === "stderr"), `cell ${id} stderr: ${joined(o.text)}`);
        if (o.data) {
          assertReadable(o.data["text/plain"], id);
          if ("text/html" in o.data) assertSelfContained(o.data["text/html"], id);
          assert.ok(!("image/svg+xml" in o.data), `${id}: no SVG`);
          if (VEGALITE in o.data) assert.ok(!("text/html" in o.data), `${id}: no HTML beside a chart`);
        }
      }
    }
  });

  test("chart cell: one chart output, then the console line; the spec's data are the sigmoid values charted", () => {
    const outs = outputs("chart");
    assert.deepEqual(outs.map((o) => o.output_type), ["display_data", "stream"]);
    assert.equal(joined(outs[1].text), "after the chart\n");
    const chart = displays("chart")[0];
    assertChart(chart, "chart");
    const rows = dataRows(chart.data[VEGALITE]) as { x: number; y: number }[];
    const xs = Array.from({ length: 17 }, (_, i) => -4 + i / 2);
    assert.equal(rows.length, xs.length);
    rows.forEach((r, i) => {
      assert.equal(r.x, xs[i]);
      assert.ok(Math.abs(r.y - 1 / (1 + Math.exp(-xs[i]))) < 1e-12);
    });
  });

  test("tensors: [2, 2] as a table; [20, 30] as a heatmap of Tensor.randn([20, 30], 7); 1-D [30] as bars; [3, 8, 8, 1] as an image grid", () => {
    const small = displays("tensor-small");
    assert.equal(small.length, 1);
    assert.deepEqual(Object.keys(small[0].data).sort(), ["text/html", "text/plain"]);
    assert.equal(joined(small[0].data["text/plain"] as string), Tensor.from([[1, -2], [-1, 1]]).toString());
    const heat = displays("tensor-large")[0];
    assertChart(heat, "tensor-large");
    const want = Tensor.randn([20, 30], 7);
    const cellsData = dataRows(heat.data[VEGALITE]) as { row: number; col: number; value: number }[];
    assert.equal(cellsData.length, 600);
    for (const c of cellsData) assert.ok(Math.abs(c.value - want.get(c.row, c.col)) < 1e-9);
    const bars = displays("bars")[0];
    assertChart(bars, "bars");
    assert.deepEqual(dataRows(bars.data[VEGALITE]).map((r) => r.value), Tensor.arange(30).toList());
    const images = displays("images")[0];
    assertChart(images, "images");
    const pixels = dataRows(images.data[VEGALITE]) as { t: number; r: number; c: number; v: number }[];
    assert.equal(pixels.length, 3 * 8 * 8);
    const x = Tensor.rand([3, 8, 8, 1], 3);
    for (const p of pixels) assert.ok(Math.abs(p.v - x.get(p.t, p.r, p.c, 0)) <= 5e-5);
  });

  test("traces: forward, dense, conv, pool, loss and backward as HTML step tables with the lecture's numbers", () => {
    for (const id of ["forward", "dense", "conv", "pool", "loss", "backward"]) {
      const d = displays(id);
      assert.equal(d.length, 1, id);
      assert.deepEqual(Object.keys(d[0].data).sort(), ["text/html", "text/plain"], id);
    }
    const html = (id: string) => displays(id)[0].data["text/html"] as string;
    const { out } = lectureNetwork().forward(Tensor.from([[1, -1]]));
    for (const v of out.toList()) assert.ok(html("forward").includes(fmtNum(v)), `forward output ${fmtNum(v)}`);
    assert.ok(html("dense").includes("z[0,0] = 1·1 + (-1)·(-2) + 1 = 4"));
    assert.match(html("conv"), /Σ products = 3\n\+ b\[0\] = 0\n= 3/);
    assert.ok(html("pool").includes("max = 3</b>"));
    assert.match(html("loss"), /softmax cross-entropy/);
    assert.match(html("backward"), /dense_\d+: backward/);
  });

  test("DataFrame, graph, undrawable and plain values", () => {
    const df = displays("dataframe")[0];
    assert.match(df.data["text/html"] as string, />params<\/th>/);
    assert.match(df.data["text/plain"] as string, /shape: \(7, 4\)/);
    const graph = displays("graph")[0];
    assertChart(graph, "graph");
    const labels = dataRows(graph.data[VEGALITE]).map((r) => r.label);
    for (const l of ["a", "b", "c", "tanh"]) assert.ok(labels.includes(l), l);
    const undrawable = displays("undrawable").map((d) => d.data["text/plain"]);
    assert.deepEqual(displays("undrawable").map((d) => Object.keys(d.data)), [["text/plain"], ["text/plain"], ["text/plain"], ["text/plain"]]);
    assert.deepEqual(undrawable, ["[function answer]", "[Symbol(s)]", "[an object of class Foo with keys x]", "undefined"]);
    assert.deepEqual(displays("plain").map((d) => d.data["text/plain"]), ["{ epochs: 3, lr: 0.1 }", "[ 1, 2, 3 ]", fmtNum(Math.PI, 6)]);
  });

  test("checkLecture as a cell's last line: one line of output, the check's, not the record it returns", () => {
    const outs = outputs("check");
    assert.deepEqual(outs.map((o) => o.output_type), ["stream"]);
    assert.equal(joined(outs[0].text), `✓ the lecture's first neuron: computed (0.98) matches the lecture's (0.98) to 2 decimals\n`);
  });

  test("liveTraining: exactly one progress output and one chart output at the end, the chart holding the history", () => {
    const outs = outputs("live");
    assert.deepEqual(outs.map((o) => o.output_type), ["display_data", "display_data"], "two outputs, updated in place");
    const [progress, chart] = displays("live");
    assert.deepEqual(Object.keys(progress.data).sort(), ["text/html", "text/plain"]);
    assert.match(progress.data["text/plain"] as string, /^done · 12\/12 epochs · loss \d\.\d{4} · accuracy \d\.\d{4} · val_loss \d\.\d{4} · val_accuracy \d\.\d{4}$/);
    // the saved output is the same on every run: no elapsed time in it (nor in the HTML)
    assert.doesNotMatch(progress.data["text/html"] as string, /\d+ (s|min|h)\b|elapsed|left/);
    assertChart(chart, "live chart");
    const history = JSON.parse(joined(outputs("history")[0].text)) as { stopped: string; rows: Record<string, number>[] };
    assert.equal(history.stopped, "done");
    assert.equal(history.rows.length, 12);
    const points = dataRows(chart.data[VEGALITE]) as { x: number; metric: string; y: number }[];
    assert.equal(points.length, 12 * 4);
    for (const p of points) assert.equal(p.y, history.rows[p.x - 1][p.metric], `${p.metric} at epoch ${p.x}`);
    const last = history.rows[11];
    assert.ok((progress.data["text/plain"] as string).includes(`loss ${last.loss.toFixed(4)}`));
  });
});
