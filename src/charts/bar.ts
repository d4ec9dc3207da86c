/**
 * Bar charts: one value per category, as in the tables of chapter 1 (TIMIT phoneme error rate per
 * method, ILSVRC top-5 error per year with the human error as a reference line).
 */
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import {
  CONFIG, FrameLike, HEIGHT, VEGA_LITE_SCHEMA, VegaLiteSpec,
  checkCommon, checkString, columnsOf, finiteNumbers, isFrameLike, isRecord, rowsOf, titleOf,
} from "./spec";

/** A horizontal (vertical for horizontal bars) line across the chart, e.g. the human error rate. */
export interface ReferenceLine {
  value: number;
  /** Written at the end of the line. Default: the value. */
  label?: string;
}

export interface BarChartOptions {
  /** Chart title. Default: "<value> by <category>". */
  title?: string;
  subtitle?: string;
  /** Table input: the column of categories. Default: "category" if present, else the first column holding text. */
  x?: string;
  /** Table input: the column of values. Default: "value" if present, else the first other column holding numbers. */
  y?: string;
  /** Axis titles. Default: the column names ("category" and "value" for arrays). */
  xTitle?: string;
  yTitle?: string;
  /** Bars along the x axis, categories down the y axis (long names read better). Default: false. */
  horizontal?: boolean;
  /** Reference lines across the bars. Default: none. */
  reference?: ReferenceLine | readonly ReferenceLine[];
  /** Write each value at the end of its bar. Default: true up to 24 bars. */
  showValues?: boolean;
  /** d3-format of the written values and tooltips, e.g. ".1f" or ".1%". Default: ".4~g". */
  format?: string;
  /** Bar colour. Default: "#4c78a8". */
  color?: string;
  /** Category order: as given, or by value. Default: "input". */
  sort?: "input" | "ascending" | "descending";
  /** Plot size in pixels. Default: 40 pixels per bar (24 for horizontal bars), within 200–600, by 260. */
  width?: number;
  height?: number;
}

/** One bar, as the spec holds it (the category as text). */
export interface Bar {
  category: string;
  value: number;
}

/** Categories and values given as two arrays. */
export interface BarSeries {
  category: readonly (string | number)[];
  value: readonly number[];
}

function barsOf(fn: string, data: unknown, o: BarChartOptions): { bars: Bar[]; xName: string; yName: string } {
  if (isRecord(data) && !isFrameLike(data) && Array.isArray(data.category)) {
    const cats = data.category as unknown[];
    if (cats.length === 0) throw new InputError(fn, "category", "at least one category", "an empty array");
    const values = finiteNumbers(fn, "value", data.value, cats.length, "length of category");
    return { bars: cats.map((c, i) => ({ category: categoryText(fn, `category[${i}]`, c), value: values[i] })), xName: "category", yName: "value" };
  }
  const rows = rowsOf(fn, "data", data);
  const cols = columnsOf(rows);
  const xName = o.x ?? (cols.includes("category") ? "category" : cols.find((c) => rows.every((r) => typeof r[c] === "string")) ?? cols[0]);
  const yName = o.y ?? (cols.includes("value") && xName !== "value" ? "value" : cols.find((c) => c !== xName && rows.every((r) => typeof r[c] === "number")));
  if (!cols.includes(xName)) throw new InputError(fn, "options.x", `a column of the table (${cols.join(", ")})`, describe(xName));
  if (yName === undefined || !cols.includes(yName)) throw new InputError(fn, "options.y", `a column of numbers (${cols.join(", ")})`, describe(yName));
  const values = finiteNumbers(fn, `data.${yName}`, rows.map((r) => r[yName]));
  return { bars: rows.map((r, i) => ({ category: categoryText(fn, `data[${i}].${xName}`, r[xName]), value: values[i] })), xName, yName };
}

function categoryText(fn: string, arg: string, c: unknown): string {
  if (typeof c === "string") return c;
  if (typeof c === "number" && Number.isFinite(c)) return String(c);
  throw new InputError(fn, arg, "a category name (a string or a number)", describe(c));
}

/** The smallest k in 1, 2, 5, 10, 20, 50, … such that k bars of `pitch` pixels give a label `room` pixels. */
function labelStep(pitch: number, room: number): number {
  for (let k = 1; ; k *= 10) for (const m of [1, 2, 5]) if (pitch * k * m >= room) return k * m;
}

/**
 * Bars of values per category, from a table (rows, `{ rows }` or a DataFrame) or from
 * `{ category, value }` arrays; inline data `{ category, value }` per bar, in input order.
 */
export function barChart(data: BarSeries | FrameLike | readonly object[] | { rows: readonly object[] }, options: BarChartOptions = {}): VegaLiteSpec {
  options = optionsOf("barChart", "options", options);
  const fn = "barChart";
  checkCommon(fn, options);
  const { bars, xName, yName } = barsOf(fn, data, options);
  const seen = new Set<string>();
  bars.forEach((b, i) => {
    if (seen.has(b.category)) throw new InputError(fn, `category[${i}]`, "distinct categories", `${describe(b.category)} twice`);
    seen.add(b.category);
  });
  const refs = options.reference === undefined ? [] : Array.isArray(options.reference) ? options.reference : [options.reference as ReferenceLine];
  const refData = refs.map((r, i) => {
    if (!isRecord(r)) throw new InputError(fn, `options.reference[${i}]`, "{ value, label? }", describe(r));
    const value = r.value;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new InputError(fn, `options.reference[${i}].value`, "a finite number", describe(value));
    if (r.label !== undefined) checkString(fn, `options.reference[${i}].label`, r.label);
    return { value, label: r.label ?? String(value) };
  });
  const horizontal = options.horizontal ?? false;
  const format = options.format ?? ".4~g";
  const showValues = options.showValues ?? bars.length <= 24;
  const xTitle = options.xTitle ?? xName;
  const yTitle = options.yTitle ?? yName;
  const order = options.sort ?? "input";
  if (!["input", "ascending", "descending"].includes(order)) throw new InputError(fn, "options.sort", '"input", "ascending" or "descending"', describe(order));
  const sorted = order === "input" ? bars : [...bars].sort((a, b) => (order === "ascending" ? a.value - b.value : b.value - a.value));
  const domain = sorted.map((b) => b.category);

  // the category axis is x for vertical bars, y for horizontal ones
  const [cat, val] = horizontal ? (["y", "x"] as const) : (["x", "y"] as const);
  const maxLabel = Math.max(...domain.map((c) => c.length));
  const step = horizontal ? 24 : 40;
  const length = Math.max(200, Math.min(600, bars.length * step));
  const width = options.width ?? (horizontal ? 420 : length);
  const height = options.height ?? (horizontal ? length : HEIGHT);
  const angled = !horizontal && 6.5 * maxLabel > 38;
  // many bars (a long vector's 200 indices): label every k-th category only, k = 1, 2, 5, 10, 20, …
  // so that each label has room: its width along the axis, a line of text across it, or for labels
  // slanted at 40° a line of text between neighbours (pitch · sin 40° ≥ 13 px)
  const room = horizontal ? 14 : angled ? 20 : 6.5 * maxLabel + 6;
  const every = labelStep(((horizontal ? height : width) / bars.length), room);
  const catEnc = {
    field: "category",
    type: "nominal" as const,
    title: xTitle,
    sort: domain,
    axis: { labelAngle: angled ? -40 : 0, labelLimit: 200, ...(every > 1 ? { values: domain.filter((_, i) => i % every === 0) } : {}) },
  };
  // the axis picks its own tick format (a fixed specifier would lose precision on the ticks), except for percentages
  const valEnc = { field: "value", type: "quantitative" as const, title: yTitle, ...(format.includes("%") ? { axis: { format } } : {}) };
  const tooltip = [
    { field: "category", type: "nominal" as const, title: xTitle },
    { field: "value", type: "quantitative" as const, title: yTitle, format },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? `${yTitle} by ${xTitle}`, options.subtitle),
    width,
    height,
    data: { values: bars },
    layer: [
      {
        mark: { type: "bar", color: options.color ?? "#4c78a8" },
        encoding: { [cat]: catEnc, [val]: valEnc, tooltip },
      },
      ...(showValues
        ? [{
          mark: horizontal
            ? { type: "text" as const, align: "left" as const, baseline: "middle" as const, dx: 3, fontSize: 11 }
            : { type: "text" as const, align: "center" as const, baseline: "bottom" as const, dy: -3, fontSize: 11 },
          encoding: { [cat]: catEnc, [val]: valEnc, text: { field: "value", type: "quantitative" as const, format } },
        }]
        : []),
      ...(refData.length
        ? [
          {
            data: { values: refData },
            mark: { type: "rule" as const, color: "#d62728", strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { [val]: { field: "value", type: "quantitative" as const }, tooltip: [{ field: "label", type: "nominal" as const, title: "reference" }] },
          },
          {
            data: { values: refData },
            mark: horizontal
              ? { type: "text" as const, color: "#d62728", align: "left" as const, baseline: "top" as const, dx: 4, y: 2, fontSize: 11 }
              : { type: "text" as const, color: "#d62728", align: "right" as const, baseline: "bottom" as const, dy: -3, x: width - 2, fontSize: 11 },
            encoding: { [val]: { field: "value", type: "quantitative" as const }, text: { field: "label", type: "nominal" as const } },
          },
        ]
        : []),
    ],
    config: CONFIG,
  };
}
