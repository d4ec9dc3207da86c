/**
 * Heatmaps: a matrix as coloured cells, with its numbers written in the cells when it is small
 * (weights, a convolution filter, a feature map), and the confusion matrix of a classifier.
 */
import { MAX_CHART_VALUES } from "../checks";
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkSize, extent, finiteNumbers, matrixOf, titleOf, checkCommon } from "./spec";
import type { Tensor } from "../tensor";
import type { ColorScheme } from "vega";

export interface HeatmapOptions {
  /** Chart title. Default: "Matrix [rows × cols]". */
  title?: string;
  subtitle?: string;
  /**
   * Colour scheme (a Vega scheme name). Default: "blueorange", diverging and centred at 0, when
   * the data has both signs; "blues" otherwise.
   */
  scheme?: string;
  /** The values at the two ends of the colour scale. Default: [−m, m], m = max |value|, for signed data; [min, max] otherwise. */
  domain?: [number, number];
  /** Write each value in its cell. Default: true up to 12 × 12 cells. */
  showValues?: boolean;
  /** Decimals of the written values and of the tooltips. Default: 0 when every value is an integer, else 2. */
  decimals?: number;
  /** Side of a cell in pixels. Default: the larger side fits 360 pixels, cells 8 to 40 pixels (wider when numbers need it). */
  cellSize?: number;
  /** Axis titles. Default: "column" and "row". */
  xTitle?: string;
  yTitle?: string;
  /** Names of the rows and of the columns. Default: their indices 0, 1, … */
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** Legend title. Default: "value". */
  colorTitle?: string;
}

/** One cell of a heatmap, as the spec holds it: row and column indices and the value. */
export interface HeatmapCell {
  row: number;
  col: number;
  value: number;
}

interface Cells {
  rows: number;
  cols: number;
  values: Record<string, unknown>[];
  /** fields holding the row index, column index, coloured value and written value */
  color: string;
  text: string;
  domain: [number, number];
  scheme: string;
  /** explicit colour range (overrides the scheme), e.g. white → blue so that zeros are blank */
  range?: [string, string];
  diverging: boolean;
  showValues: boolean;
  format: string;
  cellSize: number;
  xTitle: string;
  yTitle: string;
  colorTitle: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  tooltip: { field: string; title: string; type: "quantitative" | "nominal" | "ordinal"; format?: string }[];
}

/** Every k-th index as axis ticks, so that a 28 × 28 map keeps readable labels. */
function tickValues(n: number): number[] | undefined {
  if (n <= 16) return undefined;
  const k = Math.ceil(n / 10 / 5) * 5; // 5, 10, …
  return Array.from({ length: Math.ceil(n / k) }, (_, i) => i * k);
}

/** The cell size in pixels: fits the chart into ~360 pixels, and the written numbers into the cells. */
function autoCellSize(rows: number, cols: number, showValues: boolean, widestText: number): number {
  const fit = Math.max(8, Math.min(40, Math.floor(360 / Math.max(rows, cols))));
  return showValues ? Math.max(fit, Math.min(80, 7 * widestText + 10)) : fit;
}

/** A label axis: indices as ticks, names through a lookup when given; slanted when names are wider than a cell. */
function axisOf(title: string, n: number, cellSize: number, labels?: readonly string[], slant = false) {
  const widest = labels ? Math.max(...labels.map((l) => l.length)) : String(n - 1).length;
  return {
    title,
    // named rows or columns all get their name; numbered ones are thinned past 16
    values: labels ? undefined : tickValues(n),
    labelAngle: slant && 6.5 * widest > cellSize - 4 ? -40 : 0,
    ...(labels ? { labelExpr: `${JSON.stringify(labels)}[datum.value]` } : {}),
  };
}

/** The shared layout of heatmap and confusionChart: rect cells, optional numbers on top. */
function cellsSpec(o: Cells, title: ReturnType<typeof titleOf>): VegaLiteSpec {
  const [lo, hi] = o.domain;
  // light text on dark cells: the outer 40% of the colour range
  const dark = o.diverging
    ? `abs(datum['${o.color}']) > ${0.6 * Math.max(Math.abs(lo), Math.abs(hi))}`
    : `datum['${o.color}'] > ${lo + 0.6 * (hi - lo)}`;
  const encoding = {
    x: { field: "col", type: "ordinal" as const, axis: axisOf(o.xTitle, o.cols, o.cellSize, o.colLabels, true), scale: { domain: range(o.cols) } },
    y: { field: "row", type: "ordinal" as const, axis: axisOf(o.yTitle, o.rows, o.cellSize, o.rowLabels), scale: { domain: range(o.rows) } },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: o.cols * o.cellSize,
    height: o.rows * o.cellSize,
    data: { values: o.values },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          ...encoding,
          color: {
            field: o.color,
            type: "quantitative",
            title: o.colorTitle,
            scale: o.range ? { range: o.range, interpolate: "rgb", domain: [lo, hi], clamp: true } : { scheme: o.scheme as ColorScheme, domain: [lo, hi], clamp: true },
            legend: { gradientLength: Math.max(80, Math.min(200, o.rows * o.cellSize)) },
          },
          tooltip: o.tooltip,
        },
      },
      ...(o.showValues
        ? [{
          mark: { type: "text" as const, fontSize: 11 },
          encoding: {
            ...encoding,
            text: { field: o.text, type: "quantitative" as const, format: o.format },
            color: { condition: { test: dark, value: "white" }, value: "black" },
            tooltip: o.tooltip,
          },
        }]
        : []),
    ],
    config: { ...CONFIG, axis: { ...CONFIG.axis, grid: false, domain: false, ticks: false } },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function checkLabels(fn: string, arg: string, labels: unknown, n: number, what: string): readonly string[] | undefined {
  if (labels === undefined) return undefined;
  if (!Array.isArray(labels) || labels.length !== n) throw new InputError(fn, arg, `${n} names (${what})`, describe(labels));
  labels.forEach((l, i) => {
    if (typeof l !== "string") throw new InputError(fn, `${arg}[${i}]`, "a string", describe(l));
  });
  return labels as string[];
}

function checkDecimals(fn: string, d: unknown, integers: boolean): number {
  if (d === undefined) return integers ? 0 : 2;
  checkSize(fn, "options.decimals", d, 0, 20);
  return d;
}

/**
 * A matrix (2-D Tensor or number[][]) as a heatmap, row 0 at the top; inline data
 * `{ row, col, value }` per cell, values exactly as given.
 */
export function heatmap(matrix: Tensor | readonly (readonly number[])[], options: HeatmapOptions = {}): VegaLiteSpec {
  options = optionsOf("heatmap", "options", options);
  const fn = "heatmap";
  checkCommon(fn, options);
  const m = matrixOf(fn, "matrix", matrix);
  if (m.rows * m.cols > MAX_CHART_VALUES) throw new InputError(fn, "matrix", `at most ${MAX_CHART_VALUES} cells (a chart cannot show more)`, `${m.rows} × ${m.cols}`);
  const values: HeatmapCell[] = [];
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) values.push({ row: i, col: j, value: m.values[i][j] });
  const decimals = checkDecimals(fn, options.decimals, values.every((c) => Number.isInteger(c.value)));
  const [min, max] = extent(values.map((c) => c.value));
  const signed = min < 0;
  let domain: [number, number];
  if (options.domain !== undefined) {
    const d = finiteNumbers(fn, "options.domain", options.domain, 2, "[lo, hi]");
    if (!(d[0] < d[1])) throw new InputError(fn, "options.domain", "[lo, hi] with lo < hi", `[${d.join(", ")}]`);
    domain = [d[0], d[1]];
  } else if (signed) {
    const a = Math.max(Math.abs(min), Math.abs(max)) || 1;
    domain = [-a, a];
  } else {
    domain = max > min ? [min, max] : [min, min + 1];
  }
  const showValues = options.showValues ?? (m.rows <= 12 && m.cols <= 12);
  const format = `.${decimals}f`;
  const widest = Math.max(...values.map((c) => c.value.toFixed(decimals).length));
  const cellSize = options.cellSize ?? autoCellSize(m.rows, m.cols, showValues, widest);
  checkSize(fn, "options.cellSize", cellSize, 1, 1000);
  const xTitle = options.xTitle ?? "column";
  const yTitle = options.yTitle ?? "row";
  return cellsSpec(
    {
      rows: m.rows,
      cols: m.cols,
      values: values as unknown as Record<string, unknown>[],
      color: "value",
      text: "value",
      domain,
      scheme: options.scheme ?? (signed ? "blueorange" : "blues"),
      diverging: signed && options.domain === undefined,
      showValues,
      format,
      cellSize,
      xTitle,
      yTitle,
      colorTitle: options.colorTitle ?? "value",
      rowLabels: checkLabels(fn, "options.rowLabels", options.rowLabels, m.rows, "one per row"),
      colLabels: checkLabels(fn, "options.colLabels", options.colLabels, m.cols, "one per column"),
      tooltip: [
        { field: "row", title: yTitle, type: "ordinal" },
        { field: "col", title: xTitle, type: "ordinal" },
        { field: "value", title: options.colorTitle ?? "value", type: "quantitative", format: `.${Math.max(decimals, 4)}~f` },
      ],
    },
    titleOf(options.title ?? `Matrix [${m.rows} × ${m.cols}]`, options.subtitle),
  );
}

export interface ConfusionMatrixOptions {
  /** Chart title. Default: "Confusion matrix". */
  title?: string;
  subtitle?: string;
  /** Colour each cell by its share of the true class (row) instead of its count. Default: false. */
  normalize?: boolean;
  /** Write the count in each cell. Default: true up to 15 classes. */
  showValues?: boolean;
  /** Side of a cell in pixels. Default: as for heatmap. */
  cellSize?: number;
  /** Colour scheme. Default: white (0) to dark blue (the largest count). */
  scheme?: string;
}

/** One cell of a confusion matrix: how many examples of class `actual` were predicted `predicted`. */
export interface ConfusionCell {
  row: number;
  col: number;
  actual: string;
  predicted: string;
  count: number;
  /** count / (examples of the true class) */
  share: number;
}

/**
 * A confusion matrix (rows: true class, columns: predicted class) as a heatmap with the counts
 * written in (counts from `confusionMatrix` in src/train.ts); inline data `{ row, col, actual, predicted, count, share }` per cell.
 */
export function confusionChart(matrix: Tensor | readonly (readonly number[])[], classNames: readonly string[], options: ConfusionMatrixOptions = {}): VegaLiteSpec {
  options = optionsOf("confusionChart", "options", options);
  const fn = "confusionChart";
  checkCommon(fn, options);
  const m = matrixOf(fn, "matrix", matrix);
  if (m.rows !== m.cols) throw new InputError(fn, "matrix", "a square matrix [K, K] (true class × predicted class)", `[${m.rows}, ${m.cols}]`);
  const names = checkLabels(fn, "classNames", classNames, m.rows, "one per class, as the matrix has rows")!;
  m.values.forEach((row, i) => row.forEach((c, j) => {
    if (c < 0) throw new InputError(fn, `matrix[${i}][${j}]`, "a count >= 0", String(c));
  }));
  const values: ConfusionCell[] = [];
  m.values.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => values.push({ row: i, col: j, actual: names[i], predicted: names[j], count, share: total > 0 ? count / total : 0 }));
  });
  const normalize = options.normalize ?? false;
  const color = normalize ? "share" : "count";
  const maxColor = Math.max(...values.map((c) => (normalize ? c.share : c.count)));
  const showValues = options.showValues ?? m.rows <= 15;
  const integers = values.every((c) => Number.isInteger(c.count));
  const format = integers ? "d" : ".2f";
  const widest = Math.max(...values.map((c) => (integers ? String(c.count) : c.count.toFixed(2)).length));
  const cellSize = options.cellSize ?? autoCellSize(m.rows, m.cols, showValues, Math.max(widest, 2));
  checkSize(fn, "options.cellSize", cellSize, 1, 1000);
  return cellsSpec(
    {
      rows: m.rows,
      cols: m.cols,
      values: values as unknown as Record<string, unknown>[],
      color,
      text: "count",
      domain: [0, maxColor > 0 ? maxColor : 1],
      scheme: options.scheme ?? "blues",
      range: options.scheme ? undefined : ["#ffffff", "#08519c"],
      diverging: false,
      showValues,
      format,
      cellSize,
      xTitle: "predicted class",
      yTitle: "true class",
      colorTitle: normalize ? "share of true class" : "count",
      rowLabels: names,
      colLabels: names,
      tooltip: [
        { field: "actual", title: "true class", type: "nominal" },
        { field: "predicted", title: "predicted", type: "nominal" },
        { field: "count", title: "count", type: "quantitative", format },
        { field: "share", title: "share of true class", type: "quantitative", format: ".1%" },
      ],
    },
    titleOf(options.title ?? "Confusion matrix", options.subtitle),
  );
}
