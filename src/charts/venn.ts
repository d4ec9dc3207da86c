/**
 * Nested sets drawn as circles inside circles, each touching the bottom of the one around it,
 * with its name at the top of its ring and an example under the name (chapter 1: deep learning
 * inside representation learning inside machine learning inside AI).
 */
import { describe, InputError } from "../errors";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkCommon, checkSize, checkString, isRecord, pixelPosition, titleOf } from "./spec";

/** One set: its name and, optionally, an example of a method inside it but not inside the next set. */
export interface NestedSet {
  name: string;
  example?: string;
}

export interface NestedSetsOptions {
  /** Chart title. Default: "<innermost> ⊂ … ⊂ <outermost>". */
  title?: string;
  subtitle?: string;
  /** Diameter of the outermost circle in pixels. Default: 380. */
  size?: number;
}

/** A drawn circle: its set, depth (0 = outermost), centre and radius in pixels. */
export interface NestedCircle {
  name: string;
  example: string;
  depth: number;
  cx: number;
  cy: number;
  r: number;
  /** where the name and the example are written */
  labelY: number;
}

/** Circles for `sets`, outermost first: each the next one's container, all resting on the same bottom point. */
export function nestedSets(sets: readonly NestedSet[], options: NestedSetsOptions = {}): VegaLiteSpec {
  const fn = "nestedSets";
  checkCommon(fn, options);
  if (!Array.isArray(sets) || sets.length < 2 || sets.length > 6) throw new InputError(fn, "sets", "an array of 2 to 6 sets { name, example? }, outermost first", describe(sets));
  sets.forEach((s, i) => {
    if (!isRecord(s)) throw new InputError(fn, `sets[${i}]`, "a set { name, example? }", describe(s));
    checkString(fn, `sets[${i}].name`, s.name);
    if (s.example !== undefined) checkString(fn, `sets[${i}].example`, s.example);
  });
  const size = options.size ?? 380;
  checkSize(fn, "options.size", size, 120);
  const R = size / 2;
  const bottom = size + 4; // every circle rests on y = bottom
  // rings of equal thickness, the innermost circle keeping half a ring more for its two lines
  const ring = R / (sets.length + 0.6);
  const circles: NestedCircle[] = sets.map((s, depth) => {
    const r = R - depth * ring;
    const cy = bottom - r;
    const inner = depth === sets.length - 1;
    return { name: s.name, example: s.example ?? "", depth, cx: R + 4, cy, r, labelY: inner ? cy - 8 : cy - r + 16 };
  });
  const width = size + 8;
  const height = size + 8;
  const x = pixelPosition("x", width);
  const y = pixelPosition("y", height);
  const palette = ["#eef3fa", "#d6e4f3", "#b5cde8", "#8fb2da", "#6795c9", "#4c78a8"];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? [...sets].reverse().map((s) => s.name).join(" ⊂ "), options.subtitle),
    width,
    height,
    data: { values: circles },
    layer: [
      {
        // a symbol's size is the area of its bounding square: (2r)² for a circle of radius r
        transform: [{ calculate: "4 * datum.r * datum.r", as: "area" }],
        mark: { type: "point", shape: "circle", filled: true, opacity: 1, stroke: "#4c78a8", strokeWidth: 1.2 },
        encoding: {
          x: { ...x, field: "cx" },
          y: { ...y, field: "cy" },
          size: { field: "area", type: "quantitative", scale: null, legend: null },
          color: { field: "depth", type: "ordinal", scale: { range: palette.slice(0, sets.length) }, legend: null },
          order: { field: "depth", type: "quantitative" },
          tooltip: [{ field: "name", type: "nominal", title: "set" }, { field: "example", type: "nominal", title: "example" }],
        },
      },
      {
        mark: { type: "text", fontSize: 13, fontWeight: "bold", color: "#1a1a1a", baseline: "middle" },
        encoding: { x: { ...x, field: "cx" }, y: { ...y, field: "labelY" }, text: { field: "name", type: "nominal" } },
      },
      {
        transform: [{ filter: "datum.example != ''" }, { calculate: "'e.g. ' + datum.example", as: "text" }],
        mark: { type: "text", fontSize: 11, fontStyle: "italic", color: "#333", baseline: "middle", dy: 15 },
        encoding: { x: { ...x, field: "cx" }, y: { ...y, field: "labelY" }, text: { field: "text", type: "nominal" } },
      },
    ],
    config: CONFIG,
  };
}
