/** show's options: what a caller may ask for, checked, with defaults filled in. */
import { describe, InputError } from "../../src/errors";
import type { MimeBundle } from "../display";
import { TENSOR_CAP, type HtmlOpts } from "../views/html";

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

const AS_VIEWS: readonly ShowView[] = ["auto", "table", "heatmap", "images", "bar", "text"];

/** Options with defaults filled in (the trace views read the HtmlOpts part). */
export interface Opts extends HtmlOpts {
  as: ShowView;
  title?: string;
  scale: number;
  maxRows: number;
}

export function checkOptions(fn: string, o: unknown): Opts {
  if (o === undefined) o = {};
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new InputError(fn, "opts", "an options object", describe(o));
  const r = o as ShowOptions;
  const int = (name: keyof ShowOptions, v: unknown, lo: number, hi: number, def: number): number => {
    if (v === undefined) return def;
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) throw new InputError(fn, `opts.${name}`, `an integer in [${lo}, ${hi}]`, describe(v));
    return v;
  };
  if (r.as !== undefined && !AS_VIEWS.includes(r.as)) throw new InputError(fn, "opts.as", AS_VIEWS.map((v) => `"${v}"`).join(" | "), describe(r.as));
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

/** One output as Jupyter receives it: the MIME bundle and its metadata (e.g. the PNG's display size). */
export interface ShowOutput {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** An output of text only. */
export const text = (s: string): ShowOutput => ({ data: { "text/plain": s }, metadata: {} });
