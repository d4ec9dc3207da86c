/**
 * The HTML kit of the trace views and of `show`'s tables: inline styles (no scripts, no classes,
 * so a cell reads the same in JupyterLab, Notebook 6 and exported HTML), tables of numbers, a
 * tensor as its 2-D slices, an input plane with a window highlighted.
 */
import { fmtShape } from "../../src/errors";
import type { Tensor } from "../../src/tensor";
import { esc } from "../shared/text";
import { allIntegers, fmtNum } from "./format";

/** How much of a matrix axis a table draws: all of it up to `fit`, else its first `keep` entries. */
export interface Cap {
  fit: number;
  keep: number;
}

/** Tensors in traces: whole up to 12 rows / columns (every lesson's example), else the first 6. */
export const TENSOR_CAP: Cap = { fit: 12, keep: 6 };
export const WHOLE: Cap = { fit: Infinity, keep: Infinity };

/** What the HTML views need to know of show's options (defaults filled in). */
export interface HtmlOpts {
  digits: number;
  /** conv and pooling traces: recorded windows drawn step by step */
  maxWindows: number;
  /** maxWindows was given (else a forward trace draws 1 window per layer) */
  windowsGiven: boolean;
  /** rows and columns of the matrices in traces and tensor tables */
  rows: Cap;
  cols: Cap;
}

export const FONT = "font-family:SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12px";
export const S = {
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

export const box = (inner: string): string => `<div style="${S.box}">${inner}</div>`;
export const row = (...items: string[]): string => `<div style="${S.row}">${items.join("")}</div>`;
export const op = (s: string): string => `<span style="${S.op}">${esc(s)}</span>`;
export const note = (s: string): string => `<div style="${S.note}">${s}</div>`;
export const heading = (s: string): string => `<div style="${S.h}">${s}</div>`;
export const code = (s: string): string => `<code style="${FONT}">${esc(s)}</code>`;
/** One step of a trace: a blue rule on its left. */
export const step = (inner: string): string => `<div style="${S.step}">${inner}</div>`;
/** Lines of equations in monospace (escaped here). */
export const eq = (s: string): string => `<div style="${S.eq}">${esc(s)}</div>`;

export interface GridOptions {
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
export function gridHtml(rows: number, cols: number, at: (i: number, j: number) => number, g: GridOptions = {}): string {
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
export function isWhole(t: Tensor, o: HtmlOpts, maxPlanes = MAX_PLANES): boolean {
  const ps = planes(t);
  return ps.length <= maxPlanes && ps[0].rows <= o.rows.fit && ps[0].cols <= o.cols.fit;
}

/**
 * A tensor as HTML: its name and shape, then its 2-D slices as tables. A small tensor (at most
 * `maxPlanes` slices of at most 12 × 12, or `o.rows` × `o.cols`) is drawn whole; a large one
 * by a glimpse: its first slice, its first rows and columns (6, or `o.rows.keep` ×
 * `o.cols.keep`), rows saying what is hidden, and its min, mean and max.
 */
export function tensorHtml(t: Tensor, name: string, o: HtmlOpts, maxPlanes = MAX_PLANES): string {
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

/** Same shape and the same values (or the same object). */
export function sameTensor(a: Tensor, b: Tensor): boolean {
  return a === b || (a.rank === b.rank && a.shape.every((n, i) => n === b.shape[i]) && a.maxAbsDiff(b) === 0);
}

// ---------------------------------------------------------------- windows (conv and pooling views)

/** A plane of the (padded) input of example n, channel c, with a window highlighted (and its winner). */
export function windowPlane(x: Tensor, n: number, c: number, pad: number, row0: number, col0: number, kh: number, kw: number, winner?: [number, number], digits = 4): string {
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
export function outPlane(out: Tensor, n: number, f: number, i0: number, j0: number, label: string, digits: number): string {
  const [, OH, OW, F] = out.shape;
  return gridHtml(OH, OW, (i, j) => out.data[((n * OH + i) * OW + j) * F + f], {
    caption: esc(`${label}[${n}, :, :, ${f}]`),
    digits,
    cell: (i, j) => (i === i0 && j === j0 ? S.hl : undefined),
  });
}

/**
 * A whole input or output plane is drawn around a window (the window highlighted in it) only when
 * it fits the table caps and its tensor is a small one: a larger plane would be cut (the window
 * could fall in the hidden part), and a large tensor's windows are many.
 */
export const planeFits = (rows: number, cols: number, o: HtmlOpts): boolean => rows <= o.rows.fit && cols <= o.cols.fit;
