/**
 * Traces: what a layer or a network computed, step by step, as plain data.
 *
 * The library only records; `kernel-helpers/show.ts` turns a trace into HTML step tables and
 * `traceToText` (below) into readable text. Every number in a trace is the one the forward or
 * backward pass actually used, never recomputed for display.
 */
import { optionsOf } from "./checks";
import { checkInt, describe, InputError } from "./errors";
import type { Tensor } from "./tensor";
import type { Rounding } from "./layers/windows";

/** Dense layer: z = x·W + b for a batch x [N, D], W [D, M], b [M]. */
export interface DenseTrace {
  kind: "dense";
  layer: string;
  x: Tensor;
  W: Tensor;
  b: Tensor;
  z: Tensor;
}

/** Activation: a = σ(z), elementwise (softmax: along the last axis). */
export interface ActivationTrace {
  kind: "activation";
  layer: string;
  fn: "sigmoid" | "tanh" | "relu" | "softmax";
  z: Tensor;
  a: Tensor;
}

/** One output position of a convolution: the window it saw, the products and their sum. */
export interface ConvWindow {
  /** batch index n, output row i, output column j, filter f */
  n: number;
  i: number;
  j: number;
  f: number;
  /** top-left corner of the window in the padded input */
  row: number;
  col: number;
  /** the window of the (padded) input, [KH, KW, C] */
  window: Tensor;
  /** the filter's weights, [KH, KW, C] */
  filter: Tensor;
  /** window ⊙ filter, [KH, KW, C] */
  products: Tensor;
  /** Σ products */
  sum: number;
  bias: number;
  /** sum + bias: the value written at out[n, i, j, f] */
  out: number;
}

/** conv2d: the inputs, the output and the windows that were recorded. */
export interface ConvTrace {
  kind: "conv2d";
  layer: string;
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
  /** how an output size that is not whole was treated ("floor": the last windows that did not fit were dropped) */
  rounding: Rounding;
  out: Tensor;
  windows: ConvWindow[];
}

/** One max-pooling window: its values and the winner (where the gradient goes back). */
export interface PoolWindow {
  n: number;
  i: number;
  j: number;
  c: number;
  row: number;
  col: number;
  /** the window's values, [size, size] */
  window: Tensor;
  /** position of the winner inside the window (first maximum in row-major order) */
  winRow: number;
  winCol: number;
  value: number;
}

export interface PoolTrace {
  kind: "maxpool";
  layer: string;
  x: Tensor;
  size: number;
  stride: number;
  out: Tensor;
  windows: PoolWindow[];
}

export interface FlattenTrace {
  kind: "flatten";
  layer: string;
  inShape: number[];
  outShape: number[];
}

export interface DropoutTrace {
  kind: "dropout";
  layer: string;
  rate: number;
  training: boolean;
  mask: Tensor | null;
  out: Tensor;
}

export interface LossTrace {
  kind: "loss";
  fn: "softmax-cross-entropy" | "mse";
  /** logits or predictions */
  input: Tensor;
  /** probabilities (softmax) or the predictions again (mse) */
  probs: Tensor;
  /** one-hot targets or target values */
  target: Tensor;
  /** loss of each example */
  perExample: Tensor;
  loss: number;
}

export type LayerTrace = DenseTrace | ActivationTrace | ConvTrace | PoolTrace | FlattenTrace | DropoutTrace;

/** A forward pass through a network: each layer's trace in order. */
export interface ForwardTrace {
  kind: "forward";
  input: Tensor;
  steps: LayerTrace[];
  output: Tensor;
}

/** A chain-rule factor of one layer's backward step, e.g. σ'(z), Wᵀδ, a_in·δ. */
export interface ChainFactor {
  /** what it is, in words: "σ'(z)", "Wᵀ·δ (to the layer below)", "a_inᵀ·δ = ∂C/∂W" */
  name: string;
  value: Tensor;
}

/** One layer's backward step: the δ that arrived (∂C/∂out), the factors, what it sends down. */
export interface BackwardStep {
  kind: "backward-step";
  layer: string;
  /** ∂C/∂(this layer's output) */
  delta: Tensor;
  factors: ChainFactor[];
  /** ∂C/∂(this layer's input), sent to the layer below */
  dx: Tensor;
  /** gradients of this layer's parameters by name (dW, db, ...) */
  grads: Record<string, Tensor>;
}

/** Backprop through a network: the loss, then the layers from the top down. */
export interface BackwardTrace {
  kind: "backward";
  loss: LossTrace | null;
  steps: BackwardStep[];
}

export type Trace = LayerTrace | LossTrace | ForwardTrace | BackwardTrace;

/** Every kind of trace, once: `isTrace` and the views of dl-lessons/kernel are keyed by it. */
export const TRACE_KINDS = ["dense", "activation", "conv2d", "maxpool", "flatten", "dropout", "loss", "forward", "backward"] as const satisfies readonly Trace["kind"][];

// compile-time check that the list is whole: a Trace kind missing from TRACE_KINDS fails to compile here
const listsEveryKind: Exclude<Trace["kind"], (typeof TRACE_KINDS)[number]> extends never ? true : false = true;
void listsEveryKind;

/** True for any trace object made by the library. */
export function isTrace(x: unknown): x is Trace {
  if (typeof x !== "object" || x === null || !("kind" in x)) return false;
  return (TRACE_KINDS as readonly unknown[]).includes((x as { kind: unknown }).kind);
}

// ------------------------------------------------------------------ traceToText

/** How much of a trace `traceToText` prints. */
export interface TraceTextOptions {
  /** decimals of non-integer numbers; default 4 */
  digits?: number;
  /** rows of a matrix (examples of a batch) before "…"; default 4 */
  maxRows?: number;
  /** columns of a matrix (and terms of a sum) before "…"; default 8 */
  maxCols?: number;
  /** conv / pooling windows listed before "…"; default 6 */
  maxWindows?: number;
}

type Fmt = Required<TraceTextOptions>;

/** A number with `digits` decimals, or as an integer when it is one. */
function num(v: number, o: Fmt): string {
  const s = Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : v.toFixed(o.digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A value inside a sum: negative numbers in parentheses. */
function term(v: number, o: Fmt): string {
  const s = num(v, o);
  return s.startsWith("-") ? `(${s})` : s;
}

function shapeOf(t: { shape: readonly number[] }): string {
  return `[${t.shape.join(", ")}]`;
}

/** Lines of a 2-D block of values (rows × cols read from flat data), aligned, cut at maxRows × maxCols. */
function gridLines(data: ArrayLike<number>, rows: number, cols: number, o: Fmt, at: (r: number, c: number) => number = (r, c) => r * cols + c): string[] {
  const nr = Math.min(rows, o.maxRows);
  const nc = Math.min(cols, o.maxCols);
  const cells: string[][] = [];
  for (let r = 0; r < nr; r++) {
    const row: string[] = [];
    for (let c = 0; c < nc; c++) row.push(num(data[at(r, c)], o));
    if (cols > nc) row.push("…");
    cells.push(row);
  }
  const width = Math.max(1, ...cells.flat().map((s) => s.length));
  const lines = cells.map((row) => "[ " + row.map((s) => s.padStart(width)).join("  ") + " ]");
  if (rows > nr) lines.push(`… ${rows - nr} more rows`);
  return lines;
}

/** `name [shape] =` then the values: 1-D on one line, others as rows (examples) of flattened values. */
function block(name: string, t: Tensor, o: Fmt, indent = "  "): string[] {
  if (t.shape.length <= 1) return [`${indent}${name} ${shapeOf(t)} = ${gridLines(t.data, 1, t.data.length, o)[0]}`];
  const rows = t.shape[0];
  const cols = t.data.length / rows;
  return [`${indent}${name} ${shapeOf(t)} =`, ...gridLines(t.data, rows, cols, o).map((l) => indent + "  " + l)];
}

/** Lines of a window [KH, KW, C] (or [KH, KW]): one grid per channel. */
function windowGrids(t: Tensor, o: Fmt): string[][] {
  const [kh, kw] = t.shape;
  const c = t.shape.length > 2 ? t.shape[2] : 1;
  const wide = { ...o, maxRows: Infinity, maxCols: Infinity };
  return Array.from({ length: c }, (_, ch) => gridLines(t.data, kh, kw, wide, (r, q) => (r * kw + q) * c + ch));
}

/** Grids placed side by side under their titles. */
function sideBySide(titles: string[], grids: string[][], gap = "   "): string[] {
  const widths = grids.map((g, i) => Math.max(titles[i].length, ...g.map((l) => l.length)));
  const height = Math.max(...grids.map((g) => g.length));
  const lines = [titles.map((t, i) => t.padEnd(widths[i])).join(gap).trimEnd()];
  for (let r = 0; r < height; r++) lines.push(grids.map((g, i) => (g[r] ?? "").padEnd(widths[i])).join(gap).trimEnd());
  return lines;
}

const ACTIVATION_FORMULA: Record<ActivationTrace["fn"], [string, string]> = {
  sigmoid: ["σ", "a = σ(z) = 1 / (1 + e^(−z))"],
  tanh: ["tanh", "a = tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))"],
  relu: ["relu", "a = relu(z) = max(0, z)"],
  softmax: ["softmax", "a = softmax(z), row by row: a_k = e^(z_k − max z) / Σ_j e^(z_j − max z)"],
};

function denseText(t: DenseTrace, o: Fmt): string[] {
  const [n, d] = t.x.shape;
  const m = t.W.shape[1];
  const lines = [
    `${t.layer} (dense): z = x·W + b    x ${shapeOf(t.x)} · W ${shapeOf(t.W)} + b ${shapeOf(t.b)} → z ${shapeOf(t.z)}`,
    ...block("x", t.x, o),
    ...block("W", t.W, o),
    ...block("b", t.b, o),
    ...block("z", t.z, o),
    `  example 0, unit by unit: z[0, j] = Σ_k x[0, k]·W[k, j] + b[j]`,
  ];
  for (let j = 0; j < Math.min(m, o.maxCols); j++) {
    const terms: string[] = [];
    for (let k = 0; k < Math.min(d, o.maxCols); k++) terms.push(`${term(t.x.data[k], o)}·${term(t.W.data[k * m + j], o)}`);
    if (d > o.maxCols) terms.push("…");
    lines.push(`    z[0, ${j}] = ${terms.join(" + ")} + ${term(t.b.data[j], o)} = ${num(t.z.data[j], o)}`);
  }
  if (m > o.maxCols) lines.push(`    … ${m - o.maxCols} more units`);
  if (n > 1) lines.push(`  (the other ${n - 1} example${n > 2 ? "s" : ""} of the batch: the same formula, row by row)`);
  return lines;
}

function activationText(t: ActivationTrace, o: Fmt): string[] {
  const [sym, formula] = ACTIVATION_FORMULA[t.fn];
  const lines = [`${t.layer} (${t.fn}): ${formula}    z ${shapeOf(t.z)} → a ${shapeOf(t.a)}`, ...block("z", t.z, o), ...block("a", t.a, o)];
  if (t.fn === "softmax") {
    const k = t.z.shape[t.z.shape.length - 1];
    let s = 0;
    for (let j = 0; j < k; j++) s += t.a.data[j];
    lines.push(`  example 0: probabilities sum to ${num(s, o)}; the largest, ${num(Math.max(...Array.from(t.a.data.subarray(0, k))), o)}, at class ${Array.from(t.a.data.subarray(0, k)).indexOf(Math.max(...Array.from(t.a.data.subarray(0, k))))}`);
  } else {
    const pairs: string[] = [];
    for (let i = 0; i < Math.min(t.z.data.length, o.maxCols); i++) pairs.push(`${sym}(${num(t.z.data[i], o)}) = ${num(t.a.data[i], o)}`);
    lines.push(`  value by value: ${pairs.join(", ")}${t.z.data.length > o.maxCols ? ", …" : ""}`);
  }
  return lines;
}

function lossText(t: LossTrace, o: Fmt): string[] {
  const n = t.perExample.data.length;
  const lines: string[] = [];
  if (t.fn === "softmax-cross-entropy") {
    const k = t.probs.shape[1];
    lines.push(
      `loss (softmax cross-entropy): p = softmax(z); loss_n = −log p[n, y_n]; L = (1/N) Σ_n loss_n    z ${shapeOf(t.input)}, N = ${n}`,
      ...block("z (logits)", t.input, o),
      ...block("p = softmax(z)", t.probs, o),
    );
    for (let i = 0; i < Math.min(n, o.maxRows); i++) {
      let y = 0;
      for (let j = 0; j < k; j++) if (t.target.data[i * k + j] === 1) y = j;
      lines.push(`  example ${i}: label y = ${y}, p[${i}, ${y}] = ${num(t.probs.data[i * k + y], o)}, loss = −log p = ${num(t.perExample.data[i], o)}`);
    }
  } else {
    lines.push(
      `loss (mean squared error): L = mean over all values of (ŷ − y)²    ŷ ${shapeOf(t.input)}, N = ${n}`,
      ...block("ŷ (prediction)", t.input, o),
      ...block("y (target)", t.target, o),
    );
    for (let i = 0; i < Math.min(n, o.maxRows); i++) lines.push(`  example ${i}: mean (ŷ − y)² = ${num(t.perExample.data[i], o)}`);
  }
  if (n > o.maxRows) lines.push(`  … ${n - o.maxRows} more examples`);
  const parts = Array.from(t.perExample.data.subarray(0, Math.min(n, o.maxCols)), (v) => num(v, o)).join(" + ");
  const mean = t.fn === "mse" ? `L = ${num(t.loss, o)} (the mean of the per-example errors)` : `L = (${parts}${n > o.maxCols ? " + …" : ""}) / ${n} = ${num(t.loss, o)}`;
  lines.push(`  ${mean}`);
  return lines;
}

/** "(6 + 2·0 − 3)/1 + 1", or with ⌊…⌋ when the last windows did not fit and were dropped. */
function sizeFormula(n: number, k: number, s: number, p: number, axis: "H" | "W"): string {
  const body = `${n} + 2·${p} − ${k}`;
  return (n + 2 * p - k) % s === 0
    ? `(${axis} + 2P − K${axis})/S + 1 = (${body})/${s} + 1`
    : `⌊(${axis} + 2P − K${axis})/S⌋ + 1 = ⌊(${body})/${s}⌋ + 1`;
}

function convText(t: ConvTrace, o: Fmt): string[] {
  const [, h, w] = t.x.shape;
  const [kh, kw] = t.w.shape;
  const [, oh, ow] = t.out.shape;
  const lines = [
    `${t.layer} (conv2d): out[n, i, j, f] = Σ (window ⊙ filter f) + b[f]    x ${shapeOf(t.x)} * w ${shapeOf(t.w)}, stride ${t.stride}, pad ${t.pad} → out ${shapeOf(t.out)}`,
    `  H' = ${sizeFormula(h, kh, t.stride, t.pad, "H")} = ${oh};  W' = ${sizeFormula(w, kw, t.stride, t.pad, "W")} = ${ow}`,
    ...block("b", t.b, o),
  ];
  for (const win of t.windows.slice(0, o.maxWindows)) {
    lines.push(`  window n=${win.n} i=${win.i} j=${win.j}, filter ${win.f}: rows ${win.row}..${win.row + kh - 1}, cols ${win.col}..${win.col + kw - 1} of the padded input`);
    const wg = windowGrids(win.window, o);
    const fg = windowGrids(win.filter, o);
    const pg = windowGrids(win.products, o);
    wg.forEach((_, ch) => {
      const suffix = wg.length > 1 ? ` (channel ${ch})` : "";
      lines.push(...sideBySide([`window${suffix}`, "filter", "window ⊙ filter"], [wg[ch], fg[ch], pg[ch]]).map((l) => "    " + l));
    });
    lines.push(`    Σ products = ${num(win.sum, o)}; + bias ${term(win.bias, o)} = ${num(win.out, o)} = out[${win.n}, ${win.i}, ${win.j}, ${win.f}]`);
  }
  if (t.windows.length > o.maxWindows) lines.push(`  … ${t.windows.length - o.maxWindows} more windows recorded`);
  return lines;
}

function poolText(t: PoolTrace, o: Fmt): string[] {
  const lines = [`${t.layer} (max pooling): out[n, i, j, c] = max of the ${t.size}×${t.size} window, stride ${t.stride}    x ${shapeOf(t.x)} → out ${shapeOf(t.out)}`];
  for (const win of t.windows.slice(0, o.maxWindows)) {
    const [rows, cols] = win.window.shape;
    // the winner in brackets: where backward will send the gradient
    const cells = Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => {
        const s = num(win.window.data[r * cols + c], o);
        return r === win.winRow && c === win.winCol ? `[${s}]` : ` ${s} `;
      }),
    );
    const width = Math.max(...cells.flat().map((s) => s.length));
    lines.push(`  window n=${win.n} i=${win.i} j=${win.j} channel ${win.c}: rows ${win.row}..${win.row + rows - 1}, cols ${win.col}..${win.col + cols - 1}`);
    cells.forEach((row) => lines.push(("    " + row.map((s) => s.padStart(width)).join(" ")).trimEnd()));
    lines.push(`    max = ${num(win.value, o)} at (${win.winRow}, ${win.winCol}) of the window = out[${win.n}, ${win.i}, ${win.j}, ${win.c}]`);
  }
  if (t.windows.length > o.maxWindows) lines.push(`  … ${t.windows.length - o.maxWindows} more windows recorded`);
  return lines;
}

function flattenText(t: FlattenTrace): string[] {
  const per = t.inShape.slice(1).join("·");
  return [`${t.layer} (flatten): [${t.inShape.join(", ")}] → [${t.outShape.join(", ")}]: each example's ${per} = ${t.outShape[1]} values in one row, in row-major order`];
}

function dropoutText(t: DropoutTrace, o: Fmt): string[] {
  if (!t.training || t.mask === null) return [`${t.layer} (dropout, rate ${t.rate}): evaluation mode, out = x (nothing dropped)`, ...block("out", t.out, o)];
  let kept = 0;
  for (let i = 0; i < t.mask.data.length; i++) kept += t.mask.data[i];
  return [
    `${t.layer} (dropout, rate ${t.rate}): out = x ⊙ mask / (1 − ${t.rate}); kept ${kept} of ${t.mask.data.length} values, scaled by ${num(1 / (1 - t.rate), o)}`,
    ...block("mask", t.mask, o),
    ...block("out", t.out, o),
  ];
}

function backwardStepText(s: BackwardStep, o: Fmt): string[] {
  const lines = [`${s.layer}: δ = ∂C/∂out arrives`, ...block("δ", s.delta, o)];
  for (const f of s.factors) lines.push(...block(f.name, f.value, o));
  // dx and the parameter gradients, unless a factor above already showed the same numbers
  const shown = (t: Tensor) => s.factors.some((f) => f.value.shape.join() === t.shape.join() && f.value.data.every((v, i) => v === t.data[i]));
  if (!shown(s.dx)) lines.push(...block("∂C/∂x (sent down)", s.dx, o));
  for (const [k, g] of Object.entries(s.grads)) if (!shown(g)) lines.push(...block(`∂C/∂${k}`, g, o));
  return lines;
}

function textLines(t: Trace | BackwardStep, o: Fmt): string[] {
  switch (t.kind) {
    case "dense":
      return denseText(t, o);
    case "activation":
      return activationText(t, o);
    case "conv2d":
      return convText(t, o);
    case "maxpool":
      return poolText(t, o);
    case "flatten":
      return flattenText(t);
    case "dropout":
      return dropoutText(t, o);
    case "loss":
      return lossText(t, o);
    case "backward-step":
      return backwardStepText(t, o);
    case "forward": {
      const lines = [`forward pass, input ${shapeOf(t.input)} → output ${shapeOf(t.output)}`, ...block("input", t.input, o)];
      t.steps.forEach((s, i) => {
        const [first, ...rest] = textLines(s, o);
        lines.push(`${i + 1}. ${first}`, ...rest.map((l) => "   " + l));
      });
      lines.push(...block("output", t.output, o));
      return lines;
    }
    case "backward": {
      const lines = ["backward pass: δ flows from the loss down, each layer multiplying by its chain-rule factors"];
      if (t.loss) {
        const [first, ...rest] = lossText(t.loss, o);
        lines.push(`0. ${first}`, ...rest.map((l) => "   " + l));
      }
      t.steps.forEach((s, i) => {
        const [first, ...rest] = backwardStepText(s, o);
        lines.push(`${i + 1}. ${first}`, ...rest.map((l) => "   " + l));
      });
      return lines;
    }
  }
}

/** A trace as readable text: each step's formula and the numbers it used (cut to a few rows and windows). */
export function traceToText(trace: Trace | BackwardStep, opts: TraceTextOptions = {}): string {
  opts = optionsOf("traceToText", "opts", opts);
  const known = isTrace(trace) || (typeof trace === "object" && trace !== null && (trace as { kind?: unknown }).kind === "backward-step");
  if (!known) throw new InputError("traceToText", "trace", "a trace (dense, activation, conv2d, maxpool, flatten, dropout, loss, forward, backward)", describe(trace));
  const o: Fmt = { digits: opts.digits ?? 4, maxRows: opts.maxRows ?? 4, maxCols: opts.maxCols ?? 8, maxWindows: opts.maxWindows ?? 6 };
  for (const k of ["digits", "maxRows", "maxCols", "maxWindows"] as const) checkInt("traceToText", `opts.${k}`, o[k], k === "digits" ? 0 : 1);
  return textLines(trace, o).join("\n");
}
