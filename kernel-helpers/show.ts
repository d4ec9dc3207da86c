/**
 * `show(x)`: the richest view of anything the library returns, as ONE output of the cell.
 *
 * | x                                  | output (MIME types)                                        |
 * |------------------------------------|------------------------------------------------------------|
 * | a Vega-Lite spec                   | vegalite v5 (interactive) + image/png (static) + text/plain |
 * | a Tensor, small (2-D ≤ 12×12, ≤ 100 values; 1-D ≤ 24) | text/html table of the numbers + text/plain grid |
 * | a Tensor, larger 2-D / 1-D / 4-D NHWC | a chart: heatmap / bar chart / image grid               |
 * | a trace (dense, activation, conv2d, maxpool, flatten, dropout, loss, forward, backward) | text/html step tables + text/plain (`traceToText`) |
 * |                                    |   (small tensors whole; a large one by a 6 × 6 glimpse, see ShowOptions.maxRows) |
 * | a nodejs-polars DataFrame          | text/html table + text/plain (every row up to 60 rows)     |
 * | an autograd graph `{ nodes, edges }` (graphOf) or a `Value` | a chart of the graph (no graphviz)  |
 * | numbers, strings, arrays, objects  | text/plain                                                 |
 * | anything else                      | a one-line text/plain description, never an exception      |
 *
 * A chart never comes with text/html or image/svg+xml: JupyterLab ranks HTML above Vega-Lite and
 * nbconvert prefers SVG and then strips it. The HTML is self-contained (inline styles, no scripts)
 * so it reads the same in JupyterLab, Notebook 6 and exported HTML.
 *
 * `show` is synchronous: called without await, in the middle or at the end of a cell, its output
 * lands in that cell. Outside a kernel (plain Node) it prints the text/plain view.
 */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import { describe, fmtShape, InputError } from "../src/errors";
import { Tensor } from "../src/tensor";
import { isTrace, traceToText } from "../src/trace";
import type {
  ActivationTrace, BackwardStep, BackwardTrace, ConvTrace, ConvWindow, DenseTrace, DropoutTrace,
  FlattenTrace, ForwardTrace, LossTrace, PoolTrace, PoolWindow, Trace,
} from "../src/trace";
import { isFrameLike, isVegaLiteSpec, type FrameLike, type VegaLiteSpec } from "../src/charts/spec";
import { barChart, graphChart, heatmap, imageGrid, lineChart, type GraphChartInput } from "../src/charts";
import { graphOf, Value } from "../src/autograd";
import { renderPng } from "./render";
import { currentWriter, displayBundle, plainText, type MimeBundle } from "./display";
import { esc } from "./shared/text";

// ------------------------------------------------------------------ options

/** The views `show` can be asked for instead of its choice. */
export type ShowView = "auto" | "table" | "heatmap" | "images" | "bar" | "text";

export interface ShowOptions {
  /** Force a view of a Tensor: "table", "heatmap", "images", "bar" or "text". Default "auto" (by rank and size). */
  as?: ShowView;
  /** Title of the chart or table show makes (Tensors, DataFrames, graphs); a spec keeps its own. Default: "Tensor [shape]", none, the builder's. */
  title?: string;
  /** Decimals of non-integer numbers in tables. Default 4. */
  digits?: number;
  /** Pixel density of a chart's PNG. Default 2 (sharp on high-density screens). */
  scale?: number;
  /** Conv and pooling traces: how many recorded windows are drawn step by step. Default 8 (1 per layer in a forward trace). */
  maxWindows?: number;
  /**
   * Rows shown. DataFrames: the table's rows (first ones, then the last few), default 40.
   * Tensors in traces and tables: a tensor of at most 8 slices of at most 12 × 12 is shown whole;
   * a larger one by its first slice, 6 of its rows (the centre of an image) and a row saying which.
   * Given, every matrix shows at most maxRows rows.
   */
  maxRows?: number;
  /** Tensors in traces and tables: like maxRows, for columns (whole up to 12, else the first 6). */
  maxCols?: number;
}

const VIEWS: readonly ShowView[] = ["auto", "table", "heatmap", "images", "bar", "text"];

/** Options with defaults filled in. */
interface Opts {
  as: ShowView;
  title?: string;
  digits: number;
  scale: number;
  maxWindows: number;
  /** maxWindows was given (else a forward trace draws 1 window per layer) */
  windowsGiven: boolean;
  maxRows: number;
  /** rows and columns of the matrices in traces and tensor tables */
  rows: Cap;
  cols: Cap;
}

/** How much of a matrix axis a table draws: all of it up to `fit`, else its first `keep` entries. */
interface Cap {
  fit: number;
  keep: number;
}

/** Tensors in traces: whole up to 12 rows / columns (every lesson's example), else the first 6. */
const TENSOR_CAP: Cap = { fit: 12, keep: 6 };
const WHOLE: Cap = { fit: Infinity, keep: Infinity };

function checkOptions(fn: string, o: unknown): Opts {
  if (o === undefined) o = {};
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new InputError(fn, "opts", "an options object", describe(o));
  const r = o as ShowOptions;
  const int = (name: keyof ShowOptions, v: unknown, lo: number, hi: number, def: number): number => {
    if (v === undefined) return def;
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new InputError(fn, `opts.${name}`, `an integer in [${lo}, ${hi}]`, describe(v));
    return v;
  };
  if (r.as !== undefined && !VIEWS.includes(r.as)) throw new InputError(fn, "opts.as", VIEWS.map((v) => `"${v}"`).join(" | "), describe(r.as));
  if (r.title !== undefined && typeof r.title !== "string") throw new InputError(fn, "opts.title", "a string", describe(r.title));
  if (r.scale !== undefined && (typeof r.scale !== "number" || !(r.scale > 0 && r.scale <= 10))) {
    throw new InputError(fn, "opts.scale", "a number in (0, 10]", describe(r.scale));
  }
  const maxRows = int("maxRows", r.maxRows, 1, 100000, 40);
  const maxCols = int("maxCols", r.maxCols, 1, 100000, 0);
  return {
    as: r.as ?? "auto",
    title: r.title,
    digits: int("digits", r.digits, 0, 12, 4),
    scale: r.scale ?? 2,
    maxWindows: int("maxWindows", r.maxWindows, 1, 1000, 8),
    windowsGiven: r.maxWindows !== undefined,
    maxRows,
    rows: r.maxRows === undefined ? TENSOR_CAP : { fit: maxRows, keep: maxRows },
    cols: r.maxCols === undefined ? TENSOR_CAP : { fit: maxCols, keep: maxCols },
  };
}

// ------------------------------------------------------------------ the entry points

/** One output as Jupyter receives it: the MIME bundle and its metadata (e.g. the PNG's display size). */
export interface ShowOutput {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/**
 * Show `x` in the cell that calls it, as one output with the richest view (see the table at
 * the top of kernel-helpers/show.ts); outside a kernel, print its text. Never throws for `x`.
 */
export function show(x: unknown, opts?: ShowOptions): void {
  const o = checkOptions("show", opts);
  if (currentWriter() === null) {
    // Plain Node: only the text is printed, so no chart is rendered.
    console.log(plainText(outputOf(x, o, false).data));
    return;
  }
  const out = outputOf(x, o, true);
  displayBundle(out.data, out.metadata);
}

/**
 * The output `show(x)` would send, without sending it: `{ data: { mime: content }, metadata }`.
 * Useful for tests and for other front ends.
 */
export function showOutput(x: unknown, opts?: ShowOptions): ShowOutput {
  return outputOf(x, checkOptions("showOutput", opts), true);
}

function outputOf(x: unknown, o: Opts, rich: boolean): ShowOutput {
  try {
    return dispatch(x, o, rich);
  } catch (e) {
    // Whatever went wrong while drawing, the cell gets a line of text, not an exception.
    const why = firstLine(e instanceof Error ? e.message : String(e));
    try {
      const t = asTensor(x);
      return text(t ? `${t.toString()}\n(show could not draw it: ${why})` : `${oneLine(x)} (show could not draw it: ${why})`);
    } catch {
      // even reading the value throws (a hostile Proxy, a getter that fails)
      return text(`[a value show cannot read] (${why})`);
    }
  }
}

function dispatch(x: unknown, o: Opts, rich: boolean): ShowOutput {
  if (isVegaLiteSpec(x)) return chartOutput(x, o, rich);
  const t = asTensor(x);
  if (t) return tensorOutput(t, o, rich);
  if (isTrace(x) || isBackwardStep(x)) return traceOutput(x, o);
  if (isFrameLike(x)) return frameOutput(x, o);
  const graph = asGraph(x);
  if (graph) return chartOutput(graphSpec(graph, o), o, rich);
  return text(plainView(x));
}

const text = (s: string): ShowOutput => ({ data: { "text/plain": s }, metadata: {} });

// ------------------------------------------------------------------ charts

/**
 * A Vega-Lite spec as one output: the spec (interactive in JupyterLab and VS Code), its PNG
 * rendered in Node (Notebook 6, nbconvert HTML, GitHub) and a one-line text description.
 */
function chartOutput(spec: VegaLiteSpec, o: Opts, rich: boolean): ShowOutput {
  const description = describeSpec(spec);
  if (!rich) return text(description);
  const { png, width, height } = renderPng(spec, { scale: o.scale });
  return {
    data: {
      "application/vnd.vegalite.v5+json": spec,
      "image/png": png.toString("base64"),
      "text/plain": description,
    },
    // Shown at its CSS size: a PNG drawn at scale 2 stays sharp on high-density screens.
    metadata: { "image/png": { width: Math.round(width / o.scale), height: Math.round(height / o.scale) } },
  };
}

/** One line that says what a chart shows: its title, its marks and how many data rows it holds. */
export function describeSpec(spec: VegaLiteSpec): string {
  if (typeof spec !== "object" || spec === null) throw new InputError("describeSpec", "spec", "a Vega-Lite spec", describe(spec));
  const s = spec as unknown as Record<string, unknown>;
  const title = titleText(s.title);
  const marks = new Set<string>();
  let rows = 0;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.mark !== undefined) marks.add(typeof n.mark === "string" ? n.mark : String((n.mark as { type?: unknown }).type));
    const data = n.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) rows += data.values.length;
    for (const key of ["layer", "hconcat", "vconcat", "concat"]) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(visit);
    if (n.spec) visit(n.spec);
  };
  visit(s);
  const parts = [marks.size ? [...marks].join(" + ") : "chart", `${rows} data row${rows === 1 ? "" : "s"}`];
  return `[chart${title ? ` "${title}"` : ""}: ${parts.join(", ")}]`;
}

function titleText(t: unknown): string {
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.join(" ");
  if (t && typeof t === "object" && "text" in t) return titleText((t as { text: unknown }).text);
  return "";
}

// ------------------------------------------------------------------ tensors

/** A Tensor, or a tensor-like object (shape + Float64Array) from another copy of the library. */
function asTensor(x: unknown): Tensor | null {
  if (x instanceof Tensor) return x;
  if (x === null || typeof x !== "object") return null;
  const o = x as { shape?: unknown; data?: unknown };
  if (Array.isArray(o.shape) && o.data instanceof Float64Array && o.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    const size = (o.shape as number[]).reduce((a, b) => a * b, 1);
    if (size === o.data.length && size > 0) return new Tensor(o.data, o.shape as number[]);
  }
  return null;
}

/** Small enough to read as numbers: 2-D up to 12×12 (and 100 values), 1-D up to 24, ≤ 100 values otherwise. */
function isSmall(t: Tensor): boolean {
  if (t.rank <= 1) return t.size <= 24;
  if (t.rank === 2) return t.shape[0] <= 12 && t.shape[1] <= 12 && t.size <= 100;
  return t.size <= 100;
}

function tensorOutput(t: Tensor, o: Opts, rich: boolean): ShowOutput {
  const view = o.as === "auto" ? autoView(t) : o.as;
  const caption = o.title ?? `Tensor ${fmtShape(t.shape)}`;
  switch (view) {
    case "table":
      return { data: { "text/html": box(tensorHtml(t, caption, o, Infinity)), "text/plain": t.toString(o.digits) }, metadata: {} };
    case "heatmap":
      return chartOutput(tensorHeatmap(t, o), o, rich);
    case "images":
      return chartOutput(tensorImages(t, o), o, rich);
    case "bar":
      return chartOutput(tensorBars(t, o), o, rich);
    default:
      return text(t.toString(o.digits));
  }
}

function autoView(t: Tensor): ShowView {
  if (t.size === 1 || t.rank === 0) return "text";
  if (isSmall(t)) return "table";
  if (t.rank === 1) return "bar";
  if (t.rank === 2) return "heatmap";
  if (t.rank === 3 || t.rank === 4) return "images";
  return "text";
}

function tensorHeatmap(t: Tensor, o: Opts): VegaLiteSpec {
  // a 2-D view: [rows, cols]; a higher rank is seen as its first 2-D slice would hide data, so refuse it
  if (t.rank !== 2) throw new InputError("show", "x", "a 2-D Tensor for a heatmap", fmtShape(t.shape));
  return heatmap(t, { title: o.title ?? `Tensor ${fmtShape(t.shape)}` });
}

function tensorImages(t: Tensor, o: Opts): VegaLiteSpec {
  // NHWC; a single image [H, W, C] gets a batch axis, a matrix [H, W] becomes one gray image
  const x = t.rank === 4 ? t : t.rank === 3 ? t.reshape([1, ...t.shape]) : t.rank === 2 ? t.reshape([1, t.shape[0], t.shape[1], 1]) : null;
  if (!x) throw new InputError("show", "x", "a Tensor [N, H, W, C], [H, W, C] or [H, W] for images", fmtShape(t.shape));
  return imageGrid(x, { title: o.title ?? `Tensor ${fmtShape(t.shape)}` });
}

function tensorBars(t: Tensor, o: Opts): VegaLiteSpec {
  const title = o.title ?? `Tensor ${fmtShape(t.shape)}`;
  const value = Array.from(t.data);
  const index = value.map((_, i) => i);
  // past 200 values bars get thinner than a pixel pair: a line reads better
  if (value.length > 200) return lineChart({ x: index, series: { value } }, { title, xTitle: "index", yTitle: "value" });
  return barChart({ category: index, value }, { title, xTitle: "index", yTitle: "value" });
}

// ------------------------------------------------------------------ HTML building blocks

const FONT = "font-family:SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12px";
const S = {
  box: "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:13px;line-height:1.4;color:#222;max-width:100%;overflow-x:auto",
  table: `border-collapse:collapse;margin:0;table-layout:auto;${FONT}`,
  // background, colour and alignment are set once per row (tr: also overrides JupyterLab's striping)
  tr: "background:#fff;color:#222;text-align:right",
  td: "border:1px solid #ccc;padding:2px 6px;min-width:2.2em",
  more: "color:#888;text-align:left;padding:2px 4px;white-space:nowrap;font-size:11px",
  th: "border:none;padding:2px 4px;text-align:right;color:#888;font-weight:normal;font-size:11px",
  caption: "caption-side:top;text-align:left;padding:0 0 3px 0;color:#444;font-size:12px;font-family:inherit;white-space:nowrap",
  hl: "background:#ffe29a;font-weight:bold",
  win: "background:#f4a261;color:#000;font-weight:bold",
  pad: "background:#f2f2f2;color:#aaa",
  row: "display:flex;flex-wrap:wrap;align-items:center;gap:10px;margin:4px 0",
  op: "font-size:18px;color:#555;padding:0 2px",
  h: "font-weight:bold;font-size:14px;margin:10px 0 4px 0;color:#1a1a1a",
  step: "border-left:3px solid #4c78a8;padding:2px 0 4px 10px;margin:8px 0",
  note: "color:#666;font-size:12px;margin:2px 0",
  eq: `${FONT};margin:2px 0;white-space:pre`,
  pos: "color:#1a7f37",
  neg: "color:#b42318",
} as const;

export { esc };

/**
 * A number as show writes it: integers as such (or with `digits` decimals when `fixed`, so a
 * column of mixed numbers lines up), others with `digits` decimals, tiny or huge ones in e-notation.
 */
export function fmtNum(v: number, digits = 4, fixed = false): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return fixed ? (v === 0 ? 0 : v).toFixed(digits) : String(v === 0 ? 0 : v);
  const a = Math.abs(v);
  // below 1e-12 a value is rounding noise of float64 sums (an exact 0 computed as 3e-18): shown as 0
  if (a < 1e-12) return digits > 0 ? (0).toFixed(digits) : "0";
  if (a >= 1e9 || a < 0.5 * 10 ** -digits) return v.toExponential(Math.max(1, Math.min(digits, 3)));
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** Every value an integer: such tensors (images of 0/1, labels, counts) print without decimals. */
function allIntegers(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isInteger(data[i])) return false;
  return true;
}

const box = (inner: string): string => `<div style="${S.box}">${inner}</div>`;
const row = (...items: string[]): string => `<div style="${S.row}">${items.join("")}</div>`;
const op = (s: string): string => `<span style="${S.op}">${esc(s)}</span>`;
const note = (s: string): string => `<div style="${S.note}">${s}</div>`;
const heading = (s: string): string => `<div style="${S.h}">${s}</div>`;
const code = (s: string): string => `<code style="${FONT}">${esc(s)}</code>`;

interface GridOptions {
  caption?: string;
  digits?: number;
  /** style of a cell (row, col), added to the default */
  cell?: (i: number, j: number) => string | undefined;
  /** show row and column indices; default true */
  indices?: boolean;
  /** how many rows and columns are drawn; default: all */
  rows?: Cap;
  cols?: Cap;
  /** a cut matrix shows its centre (images: the corners are background) rather than its first rows and columns */
  centre?: boolean;
}

/** How many of n entries a table draws under `cap`. */
const kept = (n: number, cap: Cap): number => (n <= cap.fit ? n : Math.min(n, cap.keep));

/**
 * A matrix of numbers as an HTML table, indices in grey. Past the caps only some rows and
 * columns are drawn (the first ones, or the centre): "…" marks the hidden columns in the index
 * row, and a last row says which rows and columns are shown and how many are hidden.
 */
function gridHtml(rows: number, cols: number, at: (i: number, j: number) => number, g: GridOptions = {}): string {
  const digits = g.digits ?? 4;
  const R = kept(rows, g.rows ?? WHOLE);
  const K = kept(cols, g.cols ?? WHOLE);
  // the centre only of an image-like slice, cut along both axes (a filter's [KW, C] slice is not one)
  const centre = g.centre === true && R < rows && K < cols;
  const r0 = centre ? Math.floor((rows - R) / 2) : 0;
  const c0 = centre ? Math.floor((cols - K) / 2) : 0;
  const values: number[] = [];
  for (let i = r0; i < r0 + R; i++) for (let j = c0; j < c0 + K; j++) values.push(at(i, j));
  const ints = allIntegers(values);
  const f = (v: number) => (ints ? fmtNum(v, 0) : fmtNum(v, digits, true));
  const idx = g.indices ?? true;
  const cut = R < rows || K < cols;
  const th = (s: string) => `<th style="${S.th}">${s}</th>`;
  let h = `<table style="${S.table}">`;
  if (g.caption) h += `<caption style="${S.caption}">${g.caption}</caption>`;
  if (idx) {
    h += `<tr>${th("")}${Array.from({ length: K }, (_, j) => th(String(c0 + j))).join("")}${c0 + K < cols ? th("…") : ""}</tr>`;
  }
  for (let i = r0; i < r0 + R; i++) {
    h += `<tr style="${S.tr}">`;
    if (idx) h += th(String(i));
    for (let j = c0; j < c0 + K; j++) {
      const extra = g.cell?.(i, j);
      h += `<td style="${S.td}${extra ? ";" + extra : ""}">${f(at(i, j))}</td>`;
    }
    h += "</tr>";
  }
  if (cut) {
    // one row says what is shown: "⋮ rows 0–5 of 26 · columns 0–5 of 26", "… columns 0–5 of 400"
    const shown = [R < rows ? `rows ${r0}–${r0 + R - 1} of ${rows}` : "", K < cols ? `columns ${c0}–${c0 + K - 1} of ${cols}` : ""].filter(Boolean);
    const text = `${R < rows ? "⋮" : "…"} ${shown.join(" · ")}${centre ? " (the centre)" : ""}`;
    h += `<tr style="background:transparent">${idx ? th("") : ""}<td colspan="${K}" style="${S.more}">${esc(text)}</td></tr>`;
  }
  return h + "</table>";
}

/** Indices 0..n-1, or the first and last ones with -1 marking the gap when n > max (DataFrame rows). */
function pick(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil((max - 1) * 0.75);
  const tail = max - 1 - head;
  return [...Array.from({ length: head }, (_, i) => i), -1, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}

/** The 2-D planes of a tensor as (label, rows, cols, at): 2-D itself; [A, B, C] per channel; NHWC per (n, c). */
function planes(t: Tensor): { label: string; rows: number; cols: number; at: (i: number, j: number) => number }[] {
  const d = t.data;
  if (t.rank <= 1) return [{ label: "", rows: 1, cols: t.size, at: (_i, j) => d[j] }];
  if (t.rank === 2) {
    const [r, c] = t.shape;
    return [{ label: "", rows: r, cols: c, at: (i, j) => d[i * c + j] }];
  }
  if (t.rank === 3) {
    const [A, B, C] = t.shape;
    return Array.from({ length: C }, (_, c) => ({ label: `[:, :, ${c}]`, rows: A, cols: B, at: (i: number, j: number) => d[(i * B + j) * C + c] }));
  }
  if (t.rank === 4) {
    const [N, H, W, C] = t.shape;
    const out = [];
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) out.push({ label: `[${n}, :, :, ${c}]`, rows: H, cols: W, at: (i: number, j: number) => d[((n * H + i) * W + j) * C + c] });
    }
    return out;
  }
  // higher ranks: the flat values as one row
  return [{ label: "(flattened)", rows: 1, cols: t.size, at: (_i, j) => d[j] }];
}

/** A tensor with more than this many 2-D slices is a large one (shown by its first slice). */
const MAX_PLANES = 8;
const GLIMPSE_PLANES = 1;

/** Every slice of the tensor fits the caps: it is drawn whole (every example of the lessons is). */
function isWhole(t: Tensor, o: Opts, maxPlanes = MAX_PLANES): boolean {
  const ps = planes(t);
  return ps.length <= maxPlanes && ps[0].rows <= o.rows.fit && ps[0].cols <= o.cols.fit;
}

/**
 * A tensor as HTML: its name and shape, then its 2-D slices as tables. A small tensor (at most
 * `maxPlanes` slices of at most 12 × 12, or `o.rows` × `o.cols`) is drawn whole; a large one
 * by a glimpse: its first slice, its first rows and columns (6, or `o.rows.keep` ×
 * `o.cols.keep`), rows saying what is hidden, and its min, mean and max.
 */
function tensorHtml(t: Tensor, name: string, o: Opts, maxPlanes = MAX_PLANES): string {
  const ps = planes(t);
  const ints = allIntegers(t.data);
  const whole = isWhole(t, o, maxPlanes);
  const rows = whole ? o.rows : { fit: o.rows.keep, keep: o.rows.keep };
  const cols = whole ? o.cols : { fit: o.cols.keep, keep: o.cols.keep };
  const nPlanes = whole ? ps.length : Math.min(ps.length, GLIMPSE_PLANES);
  // the slices of images and feature maps ([H, W, C], NHWC) show their centre, the corners being background
  const centre = t.rank === 3 || t.rank === 4;
  const shown = ps.slice(0, nPlanes).map((p) =>
    gridHtml(p.rows, p.cols, p.at, { caption: p.label ? esc(p.label) : undefined, digits: ints ? 0 : o.digits, rows, cols, centre, indices: t.size > 4 || t.rank === 2 }),
  );
  const big = !whole || t.size > 144;
  const stats = big ? ` — min ${fmtNum(t.min().item(), o.digits)}, mean ${fmtNum(t.mean().item(), o.digits)}, max ${fmtNum(t.max().item(), o.digits)}` : "";
  const more = ps.length > nPlanes ? note(`… and ${ps.length - nPlanes} more slices`) : "";
  return `<div style="margin:2px 0"><div style="${S.caption}">${esc(name)} <span style="color:#888">${esc(fmtShape(t.shape))}${esc(stats)}</span></div>${row(...shown)}${more}</div>`;
}

// ------------------------------------------------------------------ traces

function isBackwardStep(x: unknown): x is BackwardStep {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "backward-step";
}

function traceOutput(t: Trace | BackwardStep, o: Opts): ShowOutput {
  const html = t.kind === "backward-step" ? backwardStepHtml(t, o) : traceHtml(t, o);
  // the text follows the HTML: one window per layer of a forward pass, the rows and columns asked for
  const textOpts = {
    digits: o.digits,
    maxWindows: t.kind === "forward" && !o.windowsGiven ? 1 : o.maxWindows,
    ...(o.rows !== TENSOR_CAP ? { maxRows: o.rows.keep } : {}),
    ...(o.cols !== TENSOR_CAP ? { maxCols: o.cols.keep } : {}),
  };
  return { data: { "text/html": box(html), "text/plain": traceToText(t, textOpts) }, metadata: {} };
}

/** The HTML step tables of any trace. */
function traceHtml(t: Trace, o: Opts): string {
  switch (t.kind) {
    case "dense":
      return denseHtml(t, null, o);
    case "activation":
      return activationHtml(t, o);
    case "conv2d":
      return convHtml(t, o);
    case "maxpool":
      return poolHtml(t, o);
    case "flatten":
      return flattenHtml(t);
    case "dropout":
      return dropoutHtml(t, o);
    case "loss":
      return lossHtml(t, o);
    case "forward":
      return forwardHtml(t, o);
    case "backward":
      return backwardHtml(t, o);
  }
}

const ACT_FORMULA: Record<ActivationTrace["fn"], string> = {
  sigmoid: "σ(z) = 1 / (1 + e^(−z))",
  tanh: "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
  relu: "ReLU(z) = max(0, z)",
  softmax: "softmax(z)_k = e^(z_k) / Σ_j e^(z_j)   (along each row)",
};

/** z = x·W + b with the numbers, and a = σ(z) when the activation that follows is given. */
function denseHtml(t: DenseTrace, act: ActivationTrace | null, o: Opts): string {
  const [N, D] = t.x.shape;
  const M = t.W.shape[1];
  const title = act ? `${esc(t.layer)} + ${esc(act.layer)}: a = ${act.fn === "relu" ? "ReLU" : act.fn === "sigmoid" ? "σ" : act.fn}(x·W + b)` : `${esc(t.layer)}: z = x·W + b`;
  const parts = [
    tensorHtml(t.x, "x", o),
    op("·"),
    tensorHtml(t.W, "W", o),
    op("+"),
    tensorHtml(t.b, "b", o),
    op("="),
    tensorHtml(t.z, "z", o),
  ];
  if (act) parts.push(op("→"), tensorHtml(act.a, `a = ${act.fn}(z)`, o));
  let h = heading(title) + note(`x [N, D] = ${esc(fmtShape(t.x.shape))}, W [D, M] = ${esc(fmtShape(t.W.shape))}, b [M] = ${esc(fmtShape(t.b.shape))} → z [N, M] = ${esc(fmtShape(t.z.shape))}`) + row(...parts);
  // every sum written out with its numbers while it stays readable
  if (D <= 8 && M <= 8) {
    const lines: string[] = [];
    for (let n = 0; n < Math.min(N, 4); n++) {
      for (let m = 0; m < M; m++) {
        const terms = Array.from({ length: D }, (_, d) => `${paren(t.x.data[n * D + d], o.digits)}·${paren(t.W.data[d * M + m], o.digits)}`);
        const z = t.z.data[n * M + m];
        let line = `z[${n},${m}] = ${terms.join(" + ")} + ${paren(t.b.data[m], o.digits)} = ${fmtNum(z, o.digits)}`;
        if (act && act.fn !== "softmax") line += `   →  ${act.fn}(${fmtNum(z, o.digits)}) = ${fmtNum(act.a.data[n * M + m], o.digits)}`;
        lines.push(line);
      }
    }
    if (act?.fn === "softmax") lines.push(`a = ${ACT_FORMULA.softmax}`);
    h += `<div style="${S.eq}">${esc(lines.join("\n"))}</div>`;
    if (N > 4) h += note(`(the sums of the first 4 of ${N} examples)`);
  }
  return `<div style="${S.step}">${h}</div>`;
}

/** A number in parentheses when negative, so that sums of products read unambiguously. */
function paren(v: number, digits: number): string {
  const s = fmtNum(v, digits);
  return v < 0 ? `(${s})` : s;
}

/** a = σ(z); with `zFrom`, z is the output of that layer, drawn above, and only a is drawn. */
function activationHtml(t: ActivationTrace, o: Opts, zFrom?: string): string {
  const z = zFrom ? note(esc(`z ${fmtShape(t.z.shape)}: the output of ${zFrom}, above`)) : tensorHtml(t.z, "z", o);
  const h =
    heading(`${esc(t.layer)}: a = ${esc(t.fn)}(z)`) +
    note(esc(ACT_FORMULA[t.fn])) +
    row(z, op("→"), tensorHtml(t.a, "a", o));
  return `<div style="${S.step}">${h}</div>`;
}

/** The output size formula with the trace's numbers: H' = (H + 2P − K)/S + 1. */
function sizeFormula(H: number, P: number, K: number, Sd: number, out: number, letter: string): string {
  return `${letter}' = (${H} + 2·${P} − ${K}) / ${Sd} + 1 = ${out}`;
}

/** A plane of the (padded) input of example n, channel c, with a window highlighted. */
function windowPlane(x: Tensor, n: number, c: number, pad: number, row0: number, col0: number, kh: number, kw: number, winner?: [number, number], digits = 4): string {
  const [, H, W, C] = x.shape;
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  const at = (i: number, j: number) => {
    const r = i - pad;
    const q = j - pad;
    return r < 0 || q < 0 || r >= H || q >= W ? 0 : x.data[((n * H + r) * W + q) * C + c];
  };
  const inWin = (i: number, j: number) => i >= row0 && i < row0 + kh && j >= col0 && j < col0 + kw;
  return gridHtml(Hp, Wp, at, {
    caption: esc(`x[${n}, :, :, ${c}]${pad ? ` padded by ${pad}` : ""}`),
    digits,
    cell: (i, j) => {
      const isPad = i < pad || j < pad || i >= H + pad || j >= W + pad;
      if (winner && i === row0 + winner[0] && j === col0 + winner[1]) return S.win;
      if (inWin(i, j)) return S.hl;
      return isPad ? S.pad : undefined;
    },
  });
}

/** One output map out[n, :, :, f] with the cell (i, j) highlighted. */
function outPlane(out: Tensor, n: number, f: number, i0: number, j0: number, label: string, digits: number): string {
  const [, OH, OW, F] = out.shape;
  return gridHtml(OH, OW, (i, j) => out.data[((n * OH + i) * OW + j) * F + f], {
    caption: esc(`${label}[${n}, :, :, ${f}]`),
    digits,
    cell: (i, j) => (i === i0 && j === j0 ? S.hl : undefined),
  });
}

/** A [KH, KW, C] tensor's channel c as a small table (capped like every tensor of a trace). */
function channel(t: Tensor, c: number, caption: string, o: Opts, cell?: (i: number, j: number) => string | undefined): string {
  const [A, B, C] = t.shape;
  return gridHtml(A, B, (i, j) => t.data[(i * B + j) * C + c], { caption: esc(caption), digits: o.digits, indices: false, cell, rows: o.rows, cols: o.cols });
}

/**
 * A whole input or output plane is drawn around a window (the window highlighted in it) only when
 * it fits the table caps and its tensor is a small one: a larger plane would be cut (the window
 * could fall in the hidden part), and a large tensor's windows are many.
 */
const planeFits = (rows: number, cols: number, o: Opts): boolean => rows <= o.rows.fit && cols <= o.cols.fit;

/** The channels of a window drawn one by one (2 in a large input); Σ products adds them all. */
const MAX_WINDOW_CHANNELS = 4;

function convHtml(t: ConvTrace, o: Opts): string {
  const [, H, W, C] = t.x.shape;
  const [KH, KW, , F] = t.w.shape;
  const [, OH, OW] = t.out.shape;
  let h =
    heading(`${esc(t.layer)}: convolution, ${F} filter${F === 1 ? "" : "s"} ${KH}×${KW}×${C}, stride ${t.stride}, padding ${t.pad}`) +
    note(
      esc(`x ${fmtShape(t.x.shape)} ⊛ w ${fmtShape(t.w.shape)} + b ${fmtShape(t.b.shape)} → out ${fmtShape(t.out.shape)};  `) +
        code(sizeFormula(H, t.pad, KH, t.stride, OH, "H")) + ", " + code(sizeFormula(W, t.pad, KW, t.stride, OW, "W")),
    ) +
    note(esc(`each output value: out[n, i, j, f] = Σ (window of x at rows i·S…, columns j·S…) ⊙ w[:, :, :, f] + b[f]`));
  const shown = t.windows.slice(0, o.maxWindows);
  for (const w of shown) h += convWindowHtml(t, w, o);
  if (t.windows.length > shown.length) h += note(`… ${t.windows.length - shown.length} more recorded windows (show(trace, { maxWindows }) draws more)`);
  if (t.windows.length === 0) h += note("no window was recorded");
  h += heading("output") + tensorHtml(t.out, "out", o);
  return `<div style="${S.step}">${h}</div>`;
}

function convWindowHtml(t: ConvTrace, w: ConvWindow, o: Opts): string {
  const digits = o.digits;
  const C = t.x.shape[3];
  const [KH, KW] = t.w.shape;
  const [, OH, OW] = t.out.shape;
  const title = `out[${w.n}, ${w.i}, ${w.j}, ${w.f}]: window at rows ${w.row}–${w.row + KH - 1}, columns ${w.col}–${w.col + KW - 1}${t.pad ? " of the padded input" : ""}`;
  let h = "";
  const bigInput = !planeFits(t.x.shape[1] + 2 * t.pad, t.x.shape[2] + 2 * t.pad, o) || !isWhole(t.x, o);
  const channels = Math.min(C, bigInput ? 2 : MAX_WINDOW_CHANNELS);
  for (let c = 0; c < channels; c++) {
    const input = bigInput ? channel(w.window, c, `window, channel ${c}`, o) : windowPlane(t.x, w.n, c, t.pad, w.row, w.col, KH, KW, undefined, digits);
    h += row(
      input,
      bigInput ? "" : op("→"),
      bigInput ? "" : channel(w.window, c, `window[:, :, ${c}]`, o),
      op("⊙"),
      channel(w.filter, c, `w[:, :, ${c}, ${w.f}]`, o),
      op("="),
      channel(w.products, c, "products", o, (i, j) => {
        const v = w.products.data[(i * KW + j) * C + c];
        return v > 0 ? S.pos : v < 0 ? S.neg : undefined;
      }),
    );
  }
  if (C > channels) h += note(esc(`channels ${channels}–${C - 1} are not drawn; Σ products adds the products of all ${C} channels`));
  const eq = `Σ products = ${fmtNum(w.sum, digits)}\n+ b[${w.f}] = ${paren(w.bias, digits)}\n= ${fmtNum(w.out, digits)}`;
  const target = planeFits(OH, OW, o) && isWhole(t.out, o) ? outPlane(t.out, w.n, w.f, w.i, w.j, "out", digits) : `<div style="${S.eq}">${esc(`out[${w.n}, ${w.i}, ${w.j}, ${w.f}]`)}</div>`;
  h += row(`<div style="${S.eq}"><b>${esc(eq)}</b></div>`, op("→"), target);
  return `<div style="margin:6px 0 10px 0"><div style="${S.h};font-size:13px">${esc(title)}</div>${h}</div>`;
}

function poolHtml(t: PoolTrace, o: Opts): string {
  const [, H, W] = t.x.shape;
  const [, OH, OW] = t.out.shape;
  let h =
    heading(`${esc(t.layer)}: max pooling ${t.size}×${t.size}, stride ${t.stride}`) +
    note(esc(`x ${fmtShape(t.x.shape)} → out ${fmtShape(t.out.shape)};  `) + code(sizeFormula(H, 0, t.size, t.stride, OH, "H")) + ", " + code(sizeFormula(W, 0, t.size, t.stride, OW, "W"))) +
    note("each output keeps the largest value of its window (the winner, in orange); backprop sends the gradient to the winner only");
  const shown = t.windows.slice(0, o.maxWindows);
  for (const w of shown) h += poolWindowHtml(t, w, o);
  if (t.windows.length > shown.length) h += note(`… ${t.windows.length - shown.length} more recorded windows (show(trace, { maxWindows }) draws more)`);
  h += heading("output") + tensorHtml(t.out, "out", o);
  return `<div style="${S.step}">${h}</div>`;
}

function poolWindowHtml(t: PoolTrace, w: PoolWindow, o: Opts): string {
  const digits = o.digits;
  const [, OH, OW] = t.out.shape;
  const title = `out[${w.n}, ${w.i}, ${w.j}, ${w.c}] = max of the window at rows ${w.row}–${w.row + t.size - 1}, columns ${w.col}–${w.col + t.size - 1}`;
  const big = !planeFits(t.x.shape[1], t.x.shape[2], o) || !isWhole(t.x, o);
  const win = gridHtml(t.size, t.size, (i, j) => w.window.data[i * t.size + j], {
    caption: "window",
    digits,
    indices: false,
    cell: (i, j) => (i === w.winRow && j === w.winCol ? S.win : undefined),
  });
  const parts = big ? [win] : [windowPlane(t.x, w.n, w.c, 0, w.row, w.col, t.size, t.size, [w.winRow, w.winCol], digits), op("→"), win];
  parts.push(op("→"), `<div style="${S.eq}"><b>${esc(`max = ${fmtNum(w.value, digits)}`)}</b> (at window row ${w.winRow}, column ${w.winCol})</div>`);
  if (planeFits(OH, OW, o) && isWhole(t.out, o)) parts.push(outPlane(t.out, w.n, w.c, w.i, w.j, "out", digits));
  return `<div style="margin:6px 0 10px 0"><div style="${S.h};font-size:13px">${esc(title)}</div>${row(...parts)}</div>`;
}

function flattenHtml(t: FlattenTrace): string {
  const size = t.inShape.slice(1).reduce((a, b) => a * b, 1);
  return `<div style="${S.step}">${heading(`${esc(t.layer)}: flatten`)}${note(esc(`${fmtShape(t.inShape)} → ${fmtShape(t.outShape)}: each example's ${t.inShape.slice(1).join(" × ")} = ${size} values become one row, in row-major (h, w, c) order`))}</div>`;
}

function dropoutHtml(t: DropoutTrace, o: Opts): string {
  let h = heading(`${esc(t.layer)}: dropout, rate ${t.rate}`);
  if (!t.training || !t.mask) {
    h += note("not training: every value passes unchanged (inverted dropout scales during training instead)");
  } else {
    h += note(esc(`training: each value is kept with probability ${1 - t.rate} and scaled by 1/(1 − ${t.rate}) = ${fmtNum(1 / (1 - t.rate), o.digits)}; the mask holds the factors`));
    h += row(tensorHtml(t.mask, "mask", o));
  }
  h += row(tensorHtml(t.out, "out", o));
  return `<div style="${S.step}">${h}</div>`;
}

function lossHtml(t: LossTrace, o: Opts): string {
  const ce = t.fn === "softmax-cross-entropy";
  let h = heading(ce ? "loss: softmax cross-entropy" : "loss: mean squared error");
  if (ce) {
    h += note(esc("p = softmax(logits) along each row; the loss of example n is −log p[n, y_n] (y_n its label); the loss is their mean"));
    h += row(tensorHtml(t.input, "logits", o), op("→"), tensorHtml(t.probs, "p = softmax(logits)", o), tensorHtml(t.target, "one-hot targets", o));
    const [N, K] = t.probs.shape;
    const lines: string[] = [];
    for (let n = 0; n < Math.min(N, 8); n++) {
      let y = 0;
      for (let k = 0; k < K; k++) if (t.target.data[n * K + k] > t.target.data[n * K + y]) y = k;
      lines.push(`example ${n}: label ${y}, −log p[${n},${y}] = −log ${fmtNum(t.probs.data[n * K + y], o.digits)} = ${fmtNum(t.perExample.data[n], o.digits)}`);
    }
    if (N > 8) lines.push(`… ${N - 8} more examples`);
    lines.push(`loss = mean over ${N} example${N === 1 ? "" : "s"} = ${fmtNum(t.loss, o.digits)}`);
    h += `<div style="${S.eq}">${esc(lines.join("\n"))}</div>`;
  } else {
    h += note(esc("loss = mean of (prediction − target)² over every value"));
    h += row(tensorHtml(t.input, "prediction", o), op("−"), tensorHtml(t.target, "target", o));
    h += row(tensorHtml(t.perExample, "per example", o), `<div style="${S.eq}"><b>${esc(`loss = ${fmtNum(t.loss, o.digits)}`)}</b></div>`);
  }
  return `<div style="${S.step}">${h}</div>`;
}

function forwardHtml(t: ForwardTrace, fo: Opts): string {
  // the layers of a network: one window per convolution or pooling unless asked for more
  const o = fo.windowsGiven ? fo : { ...fo, maxWindows: 1 };
  let h = heading("forward pass") + note(esc(`input ${fmtShape(t.input.shape)} → ${t.steps.length} layer${t.steps.length === 1 ? "" : "s"} → output ${fmtShape(t.output.shape)}`));
  h += row(tensorHtml(t.input, "input", o));
  let above: { layer: string; out: Tensor } | null = null;
  for (let k = 0; k < t.steps.length; k++) {
    const s = t.steps[k];
    const next = t.steps[k + 1];
    // a dense layer and the activation right after it read as one layer: a = σ(x·W + b)
    if (s.kind === "dense" && next?.kind === "activation" && next.z.size === s.z.size) {
      h += denseHtml(s, next, o);
      above = { layer: next.layer, out: next.a };
      k++;
    } else if (s.kind === "activation" && above && !isWhole(s.z, o) && sameTensor(s.z, above.out)) {
      // a large z that is the output just drawn above is not drawn again
      h += activationHtml(s, o, above.layer);
      above = { layer: s.layer, out: s.a };
    } else {
      h += traceHtml(s, o);
      above = layerOutput(s);
    }
  }
  // a large output is the last layer's, drawn just above
  const last = above && !isWhole(t.output, o) && sameTensor(t.output, above.out);
  h += heading("output") + (last ? note(esc(`${fmtShape(t.output.shape)}: the output of ${above!.layer}, above`)) : row(tensorHtml(t.output, "output", o)));
  return h;
}

function backwardHtml(t: BackwardTrace, o: Opts): string {
  let h = heading("backward pass: the chain rule, layer by layer from the top");
  h += note(esc("δ = ∂C/∂(layer output) arrives from above; the layer multiplies it by its local factors and sends ∂C/∂(layer input) down"));
  if (t.loss) h += lossHtml(t.loss, o);
  t.steps.forEach((s, k) => {
    // a large δ is the ∂C/∂x the layer above sent down, drawn just above: not drawn again
    const above = t.steps[k - 1];
    h += backwardStepHtml(s, o, above && !isWhole(s.delta, o) && sameTensor(s.delta, above.dx) ? above.layer : null);
  });
  return h;
}

/** Same shape and the same values (or the same object). */
function sameTensor(a: Tensor, b: Tensor): boolean {
  return a === b || (a.rank === b.rank && a.shape.every((n, i) => n === b.shape[i]) && a.maxAbsDiff(b) === 0);
}

/** The tensor a layer's trace hands to the next layer, with the layer's name. */
function layerOutput(s: ForwardTrace["steps"][number]): { layer: string; out: Tensor } | null {
  switch (s.kind) {
    case "dense":
      return { layer: s.layer, out: s.z };
    case "activation":
      return { layer: s.layer, out: s.a };
    case "conv2d":
    case "maxpool":
    case "dropout":
      return { layer: s.layer, out: s.out };
    default:
      return null;
  }
}

function backwardStepHtml(s: BackwardStep, o: Opts, deltaFrom: string | null = null): string {
  let h = heading(`${esc(s.layer)}: backward`);
  // a tensor already drawn as a factor (dx, dW, db often are) is not drawn twice
  const same = sameTensor;
  const drawn: Tensor[] = [s.delta];
  const seen = (t: Tensor) => drawn.some((d) => same(d, t));
  const parts = [deltaFrom ? note(esc(`δ = ∂C/∂out ${fmtShape(s.delta.shape)}: what ${deltaFrom} sent down, above`)) : tensorHtml(s.delta, "δ = ∂C/∂out", o)];
  for (const f of s.factors) {
    parts.push(tensorHtml(f.value, f.name, o));
    drawn.push(f.value);
  }
  h += row(...parts);
  const grads = Object.entries(s.grads).filter(([, g]) => !seen(g));
  if (grads.length) h += row(...grads.map(([name, g]) => tensorHtml(g, name.startsWith("d") ? `${name} = ∂C/∂${name.slice(1)}` : `∂C/∂${name}`, o)));
  const down = s.factors.find((f) => same(f.value, s.dx));
  if (down) h += note(esc(`sent to the layer below: ${down.name}`));
  else h += row(tensorHtml(s.dx, "∂C/∂x (sent to the layer below)", o));
  return `<div style="${S.step}">${h}</div>`;
}

// ------------------------------------------------------------------ DataFrames

function frameOutput(df: FrameLike, o: Opts): ShowOutput {
  const cols = df.columns;
  const data = cols.map((c) => df.getColumn(c).toArray());
  const n = data.length ? data[0].length : 0;
  const idx = pick(n, o.maxRows);
  const cell = (v: unknown): string => {
    // counts read best with separators: 105,705,600 parameters
    if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) >= 10000) return v.toLocaleString("en-US");
    if (typeof v === "number") return fmtNum(v, o.digits);
    if (typeof v === "bigint") return v.toString();
    if (v === null || v === undefined) return `<span style="color:#aaa">null</span>`;
    return esc(typeof v === "string" ? v : inspect(v, { breakLength: Infinity, depth: 1 }));
  };
  const numeric = data.map((col) => col.every((v) => typeof v === "number" || typeof v === "bigint" || v === null));
  let h = `<table style="${S.table}">`;
  if (o.title) h += `<caption style="${S.caption}">${esc(o.title)}</caption>`;
  h += `<tr>${cols.map((c, k) => `<th style="${S.td};background:#f3f6fa;color:#222;font-weight:bold;text-align:${numeric[k] ? "right" : "left"}">${esc(c)}</th>`).join("")}</tr>`;
  for (const i of idx) {
    if (i < 0) {
      h += `<tr style="${S.tr}">${cols.map(() => `<td style="${S.td};text-align:center;color:#999">⋮</td>`).join("")}</tr>`;
      continue;
    }
    h += `<tr style="${S.tr}">${cols.map((_, k) => `<td style="${S.td};text-align:${numeric[k] ? "right" : "left"}">${cell(data[k][i])}</td>`).join("")}</tr>`;
  }
  h += "</table>";
  const shape = `${n} row${n === 1 ? "" : "s"} × ${cols.length} column${cols.length === 1 ? "" : "s"}`;
  const foot = note(esc(n > o.maxRows ? `${shape} (${o.maxRows - 1} shown)` : shape));
  const plain = typeof (df as { toString?: unknown }).toString === "function" ? frameText(df, n) : "";
  return { data: { "text/html": box(h + foot), "text/plain": plain.startsWith("[object") || !plain ? `DataFrame: ${shape}` : plain }, metadata: {} };
}

/** Frames up to this many rows get every row in their text/plain (polars' own default elides past ~10). */
const FRAME_TEXT_ROWS = 60;

/**
 * polars' text of a frame of n rows: every row when n ≤ FRAME_TEXT_ROWS (its row limit raised for
 * this one toString, then restored), else polars' own (elided) text.
 */
function frameText(df: FrameLike, n: number): string {
  // pl.Config.setTblRows(n) sets POLARS_FMT_MAX_ROWS, which polars reads when it formats
  const prev = process.env.POLARS_FMT_MAX_ROWS;
  const limit = prev === undefined ? NaN : Number(prev);
  if (n > FRAME_TEXT_ROWS || limit < 0 || limit >= n) return String(df); // too long, or already whole
  pl.Config.setTblRows(n);
  try {
    return String(df);
  } finally {
    if (prev === undefined) pl.Config.setTblRows(); // back to polars' default
    else process.env.POLARS_FMT_MAX_ROWS = prev; // exactly as it was
  }
}

// ------------------------------------------------------------------ autograd graphs

/** `{ nodes, edges }` (from `graphOf`), or a scalar autograd Value, whose graph is taken. */
function asGraph(x: unknown): GraphChartInput | null {
  if (x instanceof Value) return graphOf(x);
  if (x === null || typeof x !== "object") return null;
  const g = x as Partial<GraphChartInput>;
  return Array.isArray(g.nodes) && Array.isArray(g.edges) ? (g as GraphChartInput) : null;
}

function graphSpec(g: GraphChartInput, o: Opts): VegaLiteSpec {
  return graphChart(g, o.title ? { title: o.title } : {});
}

// ------------------------------------------------------------------ plain values

/** One short line about any value: its type, and size or name when it has one. */
function oneLine(x: unknown): string {
  if (typeof x === "function") return `[function ${x.name || "(anonymous)"}]`;
  if (typeof x === "symbol") return `[${x.toString()}]`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") {
    const ctor = (x as object).constructor?.name;
    const keys = Object.keys(x);
    const d = describe(x);
    const head = d === "object" ? `an object${ctor && ctor !== "Object" ? ` of class ${ctor}` : ""}` : d;
    return `[${head}${keys.length ? ` with keys ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}` : ""}]`;
  }
  return firstLine(String(x));
}

function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 160 ? line.slice(0, 157) + "…" : line;
}

/** Numbers, strings, arrays and plain objects as readable text; anything else as one line. */
function plainView(x: unknown): string {
  if (typeof x === "string") return x;
  if (typeof x === "number") return fmtNum(x, 6);
  if (typeof x === "bigint" || typeof x === "boolean") return String(x);
  if (typeof x === "function" || typeof x === "symbol" || x === null || x === undefined) return oneLine(x);
  const proto = Object.getPrototypeOf(x);
  const plain = Array.isArray(x) || proto === Object.prototype || proto === null || ArrayBuffer.isView(x) || x instanceof Map || x instanceof Set;
  if (!plain) return oneLine(x);
  const s = inspect(x, { depth: 4, maxArrayLength: 60, maxStringLength: 200, breakLength: 100, compact: 3 });
  return s.length > 4000 ? oneLine(x) : s;
}
