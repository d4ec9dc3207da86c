/**
 * The text kit of the trace views: aligned grids of numbers, a tensor as `name [shape] =` and
 * its rows, windows side by side. Each view (views/<kind>.ts) writes its lines with these.
 */
import type { Tensor } from "../../src/tensor";
import { fmtNum, paren } from "./format";

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

/** The text options with their defaults filled in. */
export type TextOpts = Required<TraceTextOptions>;

/** A number as the text views write it (the same rule as the HTML: views/format.ts). */
export const num = (v: number, o: TextOpts): string => fmtNum(v, o.digits);

/** A value inside a sum: negative numbers in parentheses. */
export const term = (v: number, o: TextOpts): string => paren(v, o.digits);

export function shapeOf(t: { shape: readonly number[] }): string {
  return `[${t.shape.join(", ")}]`;
}

/** Lines of a 2-D block of values (rows × cols read from flat data), aligned, cut at maxRows × maxCols. */
export function gridLines(data: ArrayLike<number>, rows: number, cols: number, o: TextOpts, at: (r: number, c: number) => number = (r, c) => r * cols + c): string[] {
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
export function block(name: string, t: Tensor, o: TextOpts, indent = "  "): string[] {
  if (t.shape.length <= 1) return [`${indent}${name} ${shapeOf(t)} = ${gridLines(t.data, 1, t.data.length, o)[0]}`];
  const rows = t.shape[0];
  const cols = t.data.length / rows;
  return [`${indent}${name} ${shapeOf(t)} =`, ...gridLines(t.data, rows, cols, o).map((l) => indent + "  " + l)];
}

/** Lines of a window [KH, KW, C] (or [KH, KW]): one grid per channel. */
export function windowGrids(t: Tensor, o: TextOpts): string[][] {
  const [kh, kw] = t.shape;
  const c = t.shape.length > 2 ? t.shape[2] : 1;
  const wide = { ...o, maxRows: Infinity, maxCols: Infinity };
  return Array.from({ length: c }, (_, ch) => gridLines(t.data, kh, kw, wide, (r, q) => (r * kw + q) * c + ch));
}

/** Grids placed side by side under their titles. */
export function sideBySide(titles: string[], grids: string[][], gap = "   "): string[] {
  const widths = grids.map((g, i) => Math.max(titles[i].length, ...g.map((l) => l.length)));
  const height = Math.max(...grids.map((g) => g.length));
  const lines = [titles.map((t, i) => t.padEnd(widths[i])).join(gap).trimEnd()];
  for (let r = 0; r < height; r++) lines.push(grids.map((g, i) => (g[r] ?? "").padEnd(widths[i])).join(gap).trimEnd());
  return lines;
}

/** A numbered sub-step: "3. first line", the rest indented under it. */
export function numbered(k: number, lines: string[]): string[] {
  const [first, ...rest] = lines;
  return [`${k}. ${first}`, ...rest.map((l) => "   " + l)];
}
