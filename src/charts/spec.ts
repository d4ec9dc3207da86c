/**
 * What every chart builder shares: the Vega-Lite spec type, how a spec is recognised, the house
 * style (sizes, fonts, axis padding) and the checks that turn bad input into an `InputError`
 * naming the builder and the field.
 *
 * A builder is a pure function: data in, a Vega-Lite v5 spec out, with the data inlined
 * (`data: { values }`), so that the spec alone draws the chart, in JupyterLab, VS Code, a
 * browser or the server-side renderer (kernel-helpers/render.ts). The library never draws.
 */
import { MAX_CHART_PIXELS, MAX_CHART_VALUES } from "../checks";
import type { TopLevelSpec } from "vega-lite";
import { describe, InputError } from "../errors";
import { Tensor } from "../tensor";

/** The schema every builder writes; JupyterLab 4 and VS Code render Vega-Lite v3–v5. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite v5 top-level spec as the builders return it (with `$schema` set). */
export type VegaLiteSpec = TopLevelSpec & { $schema: string };

/** True for a plain object whose `$schema` names Vega-Lite: how show() recognises a chart. */
export function isVegaLiteSpec(x: unknown): x is VegaLiteSpec {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  const schema = (x as { $schema?: unknown }).$schema;
  return typeof schema === "string" && schema.includes("vega-lite");
}

/** Default plot size in pixels (the data rectangle, without axes and legend). */
export const WIDTH = 420;
export const HEIGHT = 260;

/** The house style, shared by every builder: readable sizes, axis titles off the labels. */
export const CONFIG = {
  title: { fontSize: 14, anchor: "start", offset: 10, subtitleFontSize: 11, subtitleColor: "#555" },
  axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, labelLimit: 160, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 200 },
  view: { stroke: "#cfcfcf" },
} as const;

/** A title, with a subtitle when there is something to say (e.g. that data were limited). */
export function titleOf(text: string, subtitle?: string | string[]): { text: string; subtitle?: string | string[] } {
  return subtitle === undefined || subtitle.length === 0 ? { text } : { text, subtitle };
}

/**
 * A position channel in screen pixels, for charts that lay themselves out (image grids, graphs,
 * diagrams): the scale maps 0..extent onto the plot 1:1, y downwards, and draws no axis.
 */
export function pixelPosition(axis: "x" | "y", extent: number) {
  return {
    type: "quantitative" as const,
    axis: null,
    scale: { domain: [0, extent], nice: false, zero: false, ...(axis === "y" ? { reverse: true } : {}) },
  };
}

// ------------------------------------------------------------------ input checks

/** Check the options every builder shares: title, width, height. */
export function checkCommon(fn: string, o: { title?: unknown; width?: unknown; height?: unknown }): void {
  if (o.title !== undefined) checkString(fn, "options.title", o.title);
  if (o.width !== undefined) checkSize(fn, "options.width", o.width, 20, MAX_CHART_PIXELS);
  if (o.height !== undefined) checkSize(fn, "options.height", o.height, 20, MAX_CHART_PIXELS);
}

/** An object is a plain record (not an array, not null). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** Throw unless `s` is a string (titles, labels). */
export function checkString(fn: string, arg: string, s: unknown): asserts s is string {
  if (typeof s !== "string") throw new InputError(fn, arg, "a string", describe(s));
}

/** Throw unless `n` is an integer ≥ min; used for sizes and counts in options. */
export function checkSize(fn: string, arg: string, n: unknown, min = 1, max = MAX_CHART_VALUES): asserts n is number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) throw new InputError(fn, arg, `an integer >= ${min}`, describe(n));
  if (n > max) throw new InputError(fn, arg, `an integer in [${min}, ${max}]`, describe(n));
}

/**
 * Finite numbers from an array, a typed array or a 1-D Tensor; `length` (with a note saying
 * where it comes from) is checked too, so a short series is reported as such.
 */
export function finiteNumbers(fn: string, arg: string, v: unknown, length?: number, lengthNote = ""): number[] {
  let xs: ArrayLike<unknown>;
  if (v instanceof Tensor) {
    if (v.rank !== 1) throw new InputError(fn, arg, "a 1-D Tensor or an array of numbers", describe(v));
    xs = v.data;
  } else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    xs = v as unknown as ArrayLike<unknown>;
  } else {
    throw new InputError(fn, arg, "an array of numbers", describe(v));
  }
  if (length !== undefined && xs.length !== length) {
    throw new InputError(fn, arg, `${length} values${lengthNote ? ` (${lengthNote})` : ""}`, String(xs.length));
  }
  if (xs.length === 0) throw new InputError(fn, arg, "at least one value", "an empty array");
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new InputError(fn, `${arg}[${i}]`, "a finite number", describe(x));
    }
    out[i] = x;
  }
  return out;
}

/** A finite number or nothing: table cells where a missing value (null) is allowed but NaN is not. */
export function optionalNumber(fn: string, arg: string, x: unknown): number | null {
  if (x === null || x === undefined) return null;
  if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(fn, arg, "a finite number or null", describe(x));
  return x;
}

/** A rectangular, non-empty matrix of finite numbers, from a 2-D Tensor or nested arrays. */
export interface Matrix {
  rows: number;
  cols: number;
  values: number[][];
}

/** Read a 2-D Tensor or `number[][]` into a checked Matrix. */
export function matrixOf(fn: string, arg: string, m: unknown): Matrix {
  if (m instanceof Tensor) {
    if (m.rank !== 2) throw new InputError(fn, arg, "a 2-D Tensor [rows, cols] or number[][]", describe(m));
    const [rows, cols] = m.shape;
    const values: number[][] = [];
    for (let i = 0; i < rows; i++) values.push(finiteNumbers(fn, `${arg}[${i}]`, Array.from(m.data.subarray(i * cols, (i + 1) * cols))));
    return { rows, cols, values };
  }
  if (!Array.isArray(m)) throw new InputError(fn, arg, "a 2-D Tensor [rows, cols] or number[][]", describe(m));
  if (m.length === 0) throw new InputError(fn, arg, "at least one row", "an empty array");
  const first = m[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new InputError(fn, `${arg}[0]`, "a row (an array of numbers)", describe(first));
  const cols = (first as ArrayLike<number>).length;
  const values = m.map((row, i) => finiteNumbers(fn, `${arg}[${i}]`, row, cols, `row length of ${arg}[0]`));
  return { rows: m.length, cols, values };
}

/** The smallest and largest of some numbers. */
export function extent(xs: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** Round for display data (keeps inline JSON short); exact values stay exact. */
export function roundTo(x: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(x * k) / k + 0;
}

// ------------------------------------------------------------------ tables (rows, DataFrames)

/** The part of a nodejs-polars DataFrame that the builders read (any DataFrame fits). */
export interface FrameLike {
  columns: string[];
  getColumn(name: string): { toArray(): unknown[] };
}

/** True for a nodejs-polars DataFrame (or anything with columns and getColumn). */
export function isFrameLike(x: unknown): x is FrameLike {
  return isRecord(x) && Array.isArray((x as { columns?: unknown }).columns) && typeof (x as { getColumn?: unknown }).getColumn === "function";
}

/** Rows of a table given as a DataFrame, `{ rows }` (a training History) or an array of records. */
export function rowsOf(fn: string, arg: string, table: unknown): Record<string, unknown>[] {
  if (isFrameLike(table)) {
    const cols = table.columns.map((c) => [c, table.getColumn(c).toArray()] as const);
    const n = cols.length ? cols[0][1].length : 0;
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) rows.push(Object.fromEntries(cols.map(([c, v]) => [c, v[i]])));
    if (rows.length === 0) throw new InputError(fn, arg, "at least one row", "an empty DataFrame");
    return rows;
  }
  const rows = isRecord(table) && Array.isArray(table.rows) ? table.rows : table;
  if (!Array.isArray(rows)) throw new InputError(fn, arg, "a DataFrame, { rows } or an array of records", describe(table));
  if (rows.length === 0) throw new InputError(fn, arg, "at least one row", "an empty array");
  rows.forEach((r, i) => {
    if (!isRecord(r)) throw new InputError(fn, `${arg}[${i}]`, "a record { column: value }", describe(r));
  });
  return rows as Record<string, unknown>[];
}

/** The column names of some rows, in order of first appearance. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
