/**
 * A grid of small images: digits, the filters of a convolution layer, the feature maps it
 * outputs. Each pixel is a rect mark, so every pixel has a tooltip with its value.
 *
 * Tiles: an image of a batch [N, H, W, C] gives one tile per channel (C = 1 for digits; a stack
 * of F feature maps [1, H, W, F] gives F tiles). Pixel positions are computed by Vega from
 * (tile, row, col), so the inline data holds only `{ t, r, c, v }` per pixel.
 */
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { Tensor } from "../tensor";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkSize, extent, roundTo, titleOf, checkCommon, pixelPosition } from "./spec";
import type { ColorScheme } from "vega";

export interface ImageGridOptions {
  /** Chart title. Default: "N images H × W" (or "… tiles" for several channels). */
  title?: string;
  subtitle?: string;
  /** A caption per image (N) or per tile (N × C). Default: none for one channel, "ch c" for several. */
  labels?: readonly (string | number)[];
  /** Tiles per row. Default: all tiles up to 10 per row. */
  columns?: number;
  /** Side of one image pixel in screen pixels. Default: tiles about 56 pixels wide (2 for 28 × 28, 9 for 6 × 6). */
  cellSize?: number;
  /**
   * Colour scheme. Default: white (0) to black (the largest value) for non-negative data;
   * "blueorange" centred at 0 for signed data (filters, pre-activation maps).
   */
  scheme?: string;
  /** One colour scale for all tiles ("shared") or each tile stretched to its own range ("tile"). Default: "shared". */
  normalize?: "shared" | "tile";
  /** Show the colour legend. Default: true for signed data with a shared scale. */
  legend?: boolean;
  /**
   * The most pixel values put in the spec (each is one rect). Default: 60,000 (64 digits of
   * 28 × 28 fit). Beyond it the first tiles are kept, and a single tile too large is shrunk by
   * averaging k × k blocks; the subtitle says so.
   */
  maxValues?: number;
  /** Decimals kept per pixel value (shorter inline data). Default: 4. */
  decimals?: number;
}

/** One pixel of one tile, as the spec holds it: tile, row, column, value. */
export interface ImagePixel {
  t: number;
  r: number;
  c: number;
  v: number;
}

/** Tiles [T, H, W] from [N, H, W, C], [N, H, W] or [H, W] (a Tensor or nested arrays). */
function tilesOf(fn: string, images: unknown): { tiles: Float64Array[]; n: number; channels: number; h: number; w: number } {
  let t: Tensor;
  if (images instanceof Tensor) t = images;
  else if (Array.isArray(images)) {
    try {
      t = Tensor.from(images as never);
    } catch (e) {
      throw new InputError(fn, "images", "a Tensor [N, H, W, C] or rectangular nested arrays of finite numbers", e instanceof Error ? e.message : describe(images));
    }
  } else throw new InputError(fn, "images", "a Tensor [N, H, W, C], [N, H, W] or [H, W]", describe(images));
  const s = t.shape;
  if (s.length < 2 || s.length > 4) throw new InputError(fn, "images", "a Tensor [N, H, W, C], [N, H, W] or [H, W]", `shape [${s.join(", ")}]`);
  const [n, h, w, channels] = s.length === 4 ? s : s.length === 3 ? [s[0], s[1], s[2], 1] : [1, s[0], s[1], 1];
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) throw new InputError(fn, "images", "finite numbers only", `${t.data[i]} at flat index ${i}`);
  }
  // NHWC → one [H, W] plane per (image, channel), tile index t = image · C + channel
  const tiles: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < channels; ch++) {
      const plane = new Float64Array(h * w);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) plane[y * w + x] = t.data[((i * h + y) * w + x) * channels + ch];
      tiles.push(plane);
    }
  }
  return { tiles, n, channels, h, w };
}

/** Average k × k blocks (the last block of a row or column may be smaller). */
function shrink(plane: Float64Array, h: number, w: number, k: number): { plane: Float64Array; h: number; w: number } {
  const h2 = Math.ceil(h / k), w2 = Math.ceil(w / k);
  const out = new Float64Array(h2 * w2);
  for (let y = 0; y < h2; y++) {
    for (let x = 0; x < w2; x++) {
      let sum = 0, count = 0;
      for (let dy = 0; dy < k && y * k + dy < h; dy++) for (let dx = 0; dx < k && x * k + dx < w; dx++) {
        sum += plane[(y * k + dy) * w + x * k + dx];
        count++;
      }
      out[y * w2 + x] = sum / count;
    }
  }
  return { plane: out, h: h2, w: w2 };
}

/**
 * Images as a grid of tiles, one rect per pixel: inline data `{ t, r, c, v }` (tile, row, column,
 * value rounded to `decimals`), tile t = image · C + channel, and a caption per tile.
 */
export function imageGrid(images: Tensor | readonly unknown[], options: ImageGridOptions = {}): VegaLiteSpec {
  options = optionsOf("imageGrid", "options", options);
  const fn = "imageGrid";
  checkCommon(fn, options);
  const maxValues = options.maxValues ?? 60000;
  checkSize(fn, "options.maxValues", maxValues, 1);
  const decimals = options.decimals ?? 4;
  checkSize(fn, "options.decimals", decimals, 0, 20);
  const normalize = options.normalize ?? "shared";
  if (normalize !== "shared" && normalize !== "tile") throw new InputError(fn, "options.normalize", '"shared" or "tile"', describe(normalize));
  const info = tilesOf(fn, images);
  let { tiles, h, w } = info;
  const total = info.tiles.length;

  // captions: one per image or one per tile
  let captions: string[] | null = null;
  if (options.labels !== undefined) {
    const l = options.labels;
    if (!Array.isArray(l) || (l.length !== info.n && l.length !== total)) {
      throw new InputError(fn, "options.labels", `${info.n} captions (one per image)${info.channels > 1 ? ` or ${total} (one per tile)` : ""}`, describe(l));
    }
    l.forEach((x, i) => {
      if (typeof x !== "string" && typeof x !== "number") throw new InputError(fn, `options.labels[${i}]`, "a string or a number", describe(x));
    });
    captions = l.length === total
      ? l.map(String)
      : Array.from({ length: total }, (_, t) => String(l[Math.floor(t / info.channels)]) + (info.channels > 1 ? ` · ch ${t % info.channels}` : ""));
  } else if (info.channels > 1) {
    captions = Array.from({ length: total }, (_, t) => (info.n > 1 ? `#${Math.floor(t / info.channels)} ` : "") + `ch ${t % info.channels}`);
  }

  // keep the spec under maxValues pixels: shrink a tile that alone is too big, then drop tiles
  const notes: string[] = [];
  const k = Math.ceil(Math.sqrt((h * w) / maxValues));
  if (k > 1) {
    const shrunk = tiles.map((p) => shrink(p, h, w, k));
    tiles = shrunk.map((s) => s.plane);
    notes.push(`shrunk ${k}× (mean of ${k} × ${k} blocks) to ${shrunk[0].h} × ${shrunk[0].w}`);
    h = shrunk[0].h;
    w = shrunk[0].w;
  }
  const kept = Math.min(total, Math.floor(maxValues / (h * w)));
  if (kept < total) {
    tiles = tiles.slice(0, kept);
    if (captions) captions = captions.slice(0, kept);
    notes.unshift(`showing the first ${kept} of ${total} ${info.channels > 1 ? "tiles" : "images"}`);
  }

  const values: ImagePixel[] = [];
  tiles.forEach((plane, t) => {
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values.push({ t, r, c, v: roundTo(plane[r * w + c], decimals) });
  });
  const [min, max] = extent(values.map((p) => p.v));
  const signed = min < 0;

  // layout in screen pixels: tile t sits at column t mod cols, row ⌊t / cols⌋
  const cols = options.columns ?? Math.min(tiles.length, 10);
  checkSize(fn, "options.columns", cols, 1);
  const cell = options.cellSize ?? Math.max(1, Math.round(56 / Math.max(h, w)));
  checkSize(fn, "options.cellSize", cell, 1, 1000);
  const gap = 6;
  const captionH = captions ? 14 : 0;
  const pitchX = w * cell + gap, pitchY = h * cell + gap + captionH;
  const gridRows = Math.ceil(tiles.length / cols);
  const width = Math.min(cols, tiles.length) * pitchX - gap;
  const height = gridRows * pitchY - gap;

  // colour: the stored value v, or for "tile" each tile rescaled by its own range
  let colorExpr = "datum.v";
  let domain: [number, number];
  if (normalize === "tile") {
    const ranges = tiles.map((p) => extent(p));
    if (signed) {
      const amax = ranges.map(([lo, hi]) => Math.max(Math.abs(lo), Math.abs(hi)) || 1);
      colorExpr = `datum.v / ${JSON.stringify(amax)}[datum.t]`;
      domain = [-1, 1];
    } else {
      const los = ranges.map(([lo]) => lo), spans = ranges.map(([lo, hi]) => hi - lo || 1);
      colorExpr = `(datum.v - ${JSON.stringify(los)}[datum.t]) / ${JSON.stringify(spans)}[datum.t]`;
      domain = [0, 1];
    }
  } else if (signed) {
    const a = Math.max(Math.abs(min), Math.abs(max)) || 1;
    domain = [-a, a];
  } else {
    domain = max > min ? [Math.min(0, min), max] : [0, max || 1];
  }
  const legend = options.legend ?? (signed && normalize === "shared");
  const pos = (axis: "x" | "y") => pixelPosition(axis, axis === "x" ? width : height);
  const C = info.channels;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(
      options.title ?? (C > 1 ? `${total} tiles (${info.n} × ${C} channels) of ${info.h} × ${info.w}` : `${info.n} image${info.n > 1 ? "s" : ""} ${info.h} × ${info.w}`),
      options.subtitle ?? (notes.length ? notes.join("; ") : undefined),
    ),
    width,
    height,
    layer: [
      {
        data: { values },
        transform: [
          { calculate: `(datum.t % ${cols}) * ${pitchX} + datum.c * ${cell}`, as: "x" },
          { calculate: `datum.x + ${cell}`, as: "x2" },
          { calculate: `floor(datum.t / ${cols}) * ${pitchY} + ${captionH} + datum.r * ${cell}`, as: "y" },
          { calculate: `datum.y + ${cell}`, as: "y2" },
          { calculate: colorExpr, as: "shade" },
          { calculate: `floor(datum.t / ${C})`, as: "image" },
          { calculate: `datum.t % ${C}`, as: "channel" },
        ],
        mark: { type: "rect", aria: false }, // no per-pixel aria-label: 60,000 of them would triple the SVG
        encoding: {
          x: { field: "x", ...pos("x") },
          x2: { field: "x2" },
          y: { field: "y", ...pos("y") },
          y2: { field: "y2" },
          color: {
            field: "shade",
            type: "quantitative",
            title: normalize === "tile" ? "value / tile range" : "value",
            scale: options.scheme || signed
              ? { scheme: (options.scheme ?? "blueorange") as ColorScheme, domain, clamp: true }
              : { range: ["#ffffff", "#000000"], domain, clamp: true },
            legend: legend ? { gradientLength: Math.max(60, Math.min(200, height)) } : null,
          },
          tooltip: [
            { field: "image", type: "quantitative", title: "image" },
            ...(C > 1 ? [{ field: "channel", type: "quantitative" as const, title: "channel" }] : []),
            { field: "r", type: "quantitative", title: "row" },
            { field: "c", type: "quantitative", title: "col" },
            { field: "v", type: "quantitative", title: "value", format: ".4~f" },
          ],
        },
      },
      // a thin grey frame around each tile, just outside its pixels: a blank tile (white, as 0 is
      // in grey images) still shows where it is
      {
        data: { sequence: { start: 0, stop: tiles.length, as: "t" } },
        transform: [
          { calculate: `(datum.t % ${cols}) * ${pitchX} - 0.5`, as: "x" },
          { calculate: `datum.x + ${w * cell + 1}`, as: "x2" },
          { calculate: `floor(datum.t / ${cols}) * ${pitchY} + ${captionH} - 0.5`, as: "y" },
          { calculate: `datum.y + ${h * cell + 1}`, as: "y2" },
        ],
        mark: { type: "rect" as const, fill: null, stroke: "#b0b0b0", strokeWidth: 1, aria: false, tooltip: null },
        encoding: { x: { field: "x", ...pos("x") }, x2: { field: "x2" }, y: { field: "y", ...pos("y") }, y2: { field: "y2" } },
      },
      ...(captions
        ? [{
          data: { values: captions.map((label, t) => ({ t, label })) },
          transform: [
            { calculate: `(datum.t % ${cols}) * ${pitchX} + ${(w * cell) / 2}`, as: "x" },
            { calculate: `floor(datum.t / ${cols}) * ${pitchY} + ${captionH - 3}`, as: "y" },
          ],
          mark: { type: "text" as const, baseline: "bottom" as const, align: "center" as const, fontSize: 10, limit: Math.max(w * cell + gap - 2, 20) },
          encoding: {
            x: { field: "x", ...pos("x") },
            y: { field: "y", ...pos("y") },
            text: { field: "label", type: "nominal" as const },
          },
        }]
        : []),
    ],
    config: { ...CONFIG, view: { stroke: null } },
  };
}
