/** show's Tensors: a small one as a table of numbers, a larger one as a heatmap, bars or images. */
import { fmtShape, InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";
import type { VegaLiteSpec } from "../../src/charts/spec";
import { barChart, heatmap, imageGrid, lineChart } from "../../src/charts";
import { box, tensorHtml } from "../views/html";
import { chartOutput } from "./chart";
import { text, type Opts, type ShowOutput, type ShowView } from "./options";


/** A Tensor, or a tensor-like object (shape + Float64Array) from another copy of the library. */
export function asTensor(x: unknown): Tensor | null {
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

export function tensorOutput(t: Tensor, o: Opts, rich: boolean): ShowOutput {
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

