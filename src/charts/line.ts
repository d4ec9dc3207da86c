/**
 * Line charts: several named series of y over x (a loss and its validation loss, one curve per
 * learning rate), and the training history of a network as loss / accuracy panels.
 */
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import {
  CONFIG, FrameLike, HEIGHT, VEGA_LITE_SCHEMA, VegaLiteSpec, WIDTH,
  checkCommon, columnsOf, finiteNumbers, isFrameLike, isRecord, optionalNumber, rowsOf, titleOf,
} from "./spec";
import type { Tensor } from "../tensor";

/** Series given as arrays: `{ x: [1, 2, 3], series: { loss: [...], val_loss: [...] } }`. */
export interface LineSeries {
  x: readonly number[] | Tensor;
  series: Record<string, readonly number[] | Tensor>;
}

/** A training history: `{ rows: [{ epoch: 1, loss: 0.9, val_loss: 1.1 }, …] }` (train's History, or its DataFrame). */
export interface HistoryLike {
  rows: readonly object[];
}

export interface LineChartOptions {
  /** Chart title. Default: "<y title> over <x title>". */
  title?: string;
  /** A second title line (e.g. the settings of a run). Default: none. */
  subtitle?: string;
  /** Table input only: the column of x values. Default: "epoch" if present, else "x", else the first column. */
  x?: string;
  /** Table input only: the columns drawn as series. Default: every other column holding numbers. */
  y?: readonly string[];
  /** Axis titles. Default: the x column name (or "x"); the series name when there is one series, else "value". */
  xTitle?: string;
  yTitle?: string;
  /** Legend title. Default: none (the series names speak for themselves). */
  legendTitle?: string;
  /** Plot size in pixels. Default: 420 × 260. */
  width?: number;
  height?: number;
  /** Logarithmic y axis (all values must be > 0). Default: false. */
  logY?: boolean;
  /** Include zero on the y axis. Default: false (the curves use the height). */
  zero?: boolean;
  /** Draw a dot at every sample. Default: true when every series has at most 60 points. */
  points?: boolean;
}

/** One point of one series, as the spec holds it. */
export interface LinePoint {
  x: number;
  series: string;
  y: number;
}

/** Settings of the shared line layers (internal to the charts folder). */
export interface Layers {
  xTitle: string;
  yTitle: string;
  names: string[];
  legendTitle: string | null;
  points: boolean;
  logY: boolean;
  /** a fixed y domain (values outside are clipped) */
  yDomain?: [number, number];
  zero: boolean;
  colorField?: string;
  colorDomain?: string[];
  /** tick values for whole-number x (epochs, steps) over a short span, so that no tick falls between two epochs */
  xTicks?: number[];
  /** plot width, to wrap a long legend into rows */
  width?: number;
  extraTooltip?: { field: string; title: string }[];
}

/** The line (+ dots) layers shared by lineChart, historyChart's panels and functionPlot. */
export function lineLayers(o: Layers): NonNullable<Extract<VegaLiteSpec, { layer: unknown }>["layer"]> {
  const colorField = o.colorField ?? "series";
  const domain = o.colorDomain ?? o.names;
  const single = domain.length === 1;
  const encoding = {
    x: { field: "x", type: "quantitative" as const, title: o.xTitle, scale: { zero: false }, axis: o.xTicks ? { values: o.xTicks, format: "d" } : {} },
    y: {
      field: "y",
      type: "quantitative" as const,
      title: o.yTitle,
      scale: o.logY ? { type: "log" as const } : o.yDomain ? { domain: o.yDomain } : { zero: o.zero },
    },
    color: {
      field: colorField,
      type: "nominal" as const,
      scale: { domain },
      sort: domain,
      // a legend row above the plot, wrapped into as many columns as fit its width (≈ 6 pixels per character)
      legend: single ? null : {
        title: o.legendTitle,
        orient: "top" as const,
        direction: "horizontal" as const,
        columns: Math.max(1, Math.min(domain.length, Math.floor((o.width ?? WIDTH) / (6 * Math.max(...domain.map((d) => d.length)) + 34)))),
      },
    },
  };
  const tooltip = [
    ...(o.extraTooltip ?? [{ field: "series", title: o.legendTitle ?? "series" }]),
    { field: "x", type: "quantitative" as const, title: o.xTitle },
    { field: "y", type: "quantitative" as const, title: o.yTitle, format: ".4~g" },
  ];
  return [
    { mark: { type: "line", strokeWidth: 2, clip: true }, encoding },
    {
      // dots carry the tooltips; when there are too many to draw they stay invisible but hoverable
      mark: { type: "point", filled: true, size: o.points ? 30 : 60, opacity: o.points ? 1 : 0, clip: true },
      encoding: { ...encoding, tooltip },
    },
  ];
}

/** Every whole number from the least to the largest x, when all x are whole and span at most 12. */
function integerTicks(xs: readonly number[]): number[] | undefined {
  if (!xs.every(Number.isInteger)) return undefined;
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return hi - lo <= 12 ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : undefined;
}

/** Normalise the three input forms into long rows { x, series, y }. */
function pointsOf(fn: string, data: unknown, options: LineChartOptions): { values: LinePoint[]; names: string[]; xName: string } {
  if (isRecord(data) && "series" in data && !isFrameLike(data)) {
    const x = finiteNumbers(fn, "x", (data as { x?: unknown }).x);
    const series = data.series;
    if (!isRecord(series)) throw new InputError(fn, "series", "a record { name: number[] }", describe(series));
    const names = Object.keys(series);
    if (names.length === 0) throw new InputError(fn, "series", "at least one series", "an empty record");
    const values: LinePoint[] = [];
    for (const name of names) {
      const ys = finiteNumbers(fn, `series.${name}`, series[name], x.length, "length of x");
      ys.forEach((y, i) => values.push({ x: x[i], series: name, y }));
    }
    return { values, names, xName: "x" };
  }
  const rows = rowsOf(fn, "data", data);
  const cols = columnsOf(rows);
  const xName = options.x ?? (cols.includes("epoch") ? "epoch" : cols.includes("x") ? "x" : cols[0]);
  if (!cols.includes(xName)) throw new InputError(fn, "options.x", `a column of the table (${cols.join(", ")})`, describe(xName));
  const names = options.y ? [...options.y] : cols.filter((c) => c !== xName && rows.some((r) => typeof r[c] === "number"));
  if (names.length === 0) throw new InputError(fn, "options.y", "at least one column of numbers besides x", `columns ${cols.join(", ")}`);
  names.forEach((n, i) => {
    if (!cols.includes(n)) throw new InputError(fn, `options.y[${i}]`, `a column of the table (${cols.join(", ")})`, describe(n));
  });
  const values: LinePoint[] = [];
  for (const name of names) {
    rows.forEach((r, i) => {
      const y = optionalNumber(fn, `data[${i}].${name}`, r[name]); // a missing value (null) leaves a gap
      if (y === null) return;
      const x = optionalNumber(fn, `data[${i}].${xName}`, r[xName]);
      if (x === null) throw new InputError(fn, `data[${i}].${xName}`, "a finite number", describe(r[xName]));
      values.push({ x, series: name, y });
    });
  }
  return { values, names, xName };
}

function checkLogY(fn: string, values: readonly { y: number; series: string }[]): void {
  const bad = values.find((v) => v.y <= 0);
  if (bad) throw new InputError(fn, `series.${bad.series}`, "values > 0 for a log axis (logY)", String(bad.y));
}

/**
 * Series of y over x as lines: from arrays `{ x, series }`, a nodejs-polars DataFrame or an
 * array of records (columns named in the options). Inline data: `{ x, series, y }` per point.
 */
export function lineChart(data: LineSeries | FrameLike | HistoryLike | readonly object[], options: LineChartOptions = {}): VegaLiteSpec {
  options = optionsOf("lineChart", "options", options);
  const fn = "lineChart";
  checkCommon(fn, options);
  const { values, names, xName } = pointsOf(fn, data, options);
  if (options.logY) checkLogY(fn, values);
  const xTitle = options.xTitle ?? xName;
  const yTitle = options.yTitle ?? (names.length === 1 ? names[0] : "value");
  const perSeries = Math.max(...names.map((n) => values.filter((v) => v.series === n).length));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? `${yTitle} over ${xTitle}`, options.subtitle),
    width: options.width ?? WIDTH,
    height: options.height ?? HEIGHT,
    data: { values },
    layer: lineLayers({
      xTitle, yTitle, names, legendTitle: options.legendTitle ?? null,
      xTicks: integerTicks(values.map((v) => v.x)), width: options.width ?? WIDTH,
      points: options.points ?? perSeries <= 60, logY: options.logY ?? false, zero: options.zero ?? false,
    }),
    config: CONFIG,
  };
}

export interface HistoryChartOptions {
  /** Columns to draw. Default: those of loss, val_loss, accuracy, val_accuracy that hold numbers. */
  metrics?: readonly string[];
  /** The column of epochs. Default: "epoch" (else the row number, from 1). */
  x?: string;
  /** Chart title. Default: "Training history". */
  title?: string;
  subtitle?: string;
  /** Size of each panel in pixels. Default: 320 × 240 (420 × 260 for a single panel). */
  width?: number;
  height?: number;
  /** Logarithmic y axis on the loss panel. Default: false. */
  logLoss?: boolean;
}

/** One point of a history chart: a metric's value at an epoch, with its panel and split. */
export interface HistoryPoint {
  x: number;
  metric: string;
  panel: string;
  split: "training" | "validation";
  y: number;
}

/**
 * The training history (a History DataFrame, `{ rows }` or an array of records) as curves per
 * epoch: one panel per quantity (loss, accuracy…), training and validation in two colours.
 */
export function historyChart(history: FrameLike | HistoryLike | readonly object[], options: HistoryChartOptions = {}): VegaLiteSpec {
  options = optionsOf("historyChart", "options", options);
  const fn = "historyChart";
  checkCommon(fn, options);
  const rows = rowsOf(fn, "history", history);
  const cols = columnsOf(rows);
  const xName = options.x ?? "epoch";
  if (options.x !== undefined && !cols.includes(xName)) {
    throw new InputError(fn, "options.x", `a column of the history (${cols.join(", ")})`, describe(options.x));
  }
  const hasNumbers = (c: string) => rows.some((r) => typeof r[c] === "number");
  let metrics: string[];
  if (options.metrics) {
    if (!Array.isArray(options.metrics) || options.metrics.length === 0) {
      throw new InputError(fn, "options.metrics", "a non-empty array of column names", describe(options.metrics));
    }
    metrics = [...options.metrics];
    metrics.forEach((m, i) => {
      if (!cols.includes(m)) throw new InputError(fn, `options.metrics[${i}]`, `a column of the history (${cols.join(", ")})`, describe(m));
    });
  } else {
    metrics = ["loss", "val_loss", "accuracy", "val_accuracy"].filter((c) => cols.includes(c) && hasNumbers(c));
    if (metrics.length === 0) metrics = cols.filter((c) => c !== xName && hasNumbers(c));
    if (metrics.length === 0) throw new InputError(fn, "history", "columns of numbers such as loss, val_loss", `columns ${cols.join(", ")}`);
  }
  // a panel per quantity: "val_loss" joins "loss"
  const panelOf = (m: string) => m.replace(/^val_/, "");
  const panels = [...new Set(metrics.map(panelOf))];
  const values: HistoryPoint[] = [];
  rows.forEach((r, i) => {
    const x = cols.includes(xName) ? optionalNumber(fn, `history[${i}].${xName}`, r[xName]) : i + 1;
    for (const m of metrics) {
      const y = optionalNumber(fn, `history[${i}].${m}`, r[m]); // no validation that epoch: a gap
      if (y === null) continue;
      if (x === null) throw new InputError(fn, `history[${i}].${xName}`, "a finite number", describe(r[xName]));
      values.push({ x, metric: m, panel: panelOf(m), split: m.startsWith("val_") ? "validation" : "training", y });
    }
  });
  if (values.length === 0) throw new InputError(fn, "history", `numbers in ${metrics.join(", ")}`, "only missing values");
  const splits = (["training", "validation"] as const).filter((s) => values.some((v) => v.split === s));
  const single = panels.length === 1;
  const width = options.width ?? (single ? WIDTH : 320);
  const height = options.height ?? (single ? HEIGHT : 240);
  const perMetric = Math.max(...metrics.map((m) => values.filter((v) => v.metric === m).length));
  // no panel titles: the y axis names the quantity (panel titles would not line up in vega's layout)
  const panelSpec = (panel: string) => ({
    width,
    height,
    transform: [{ filter: { field: "panel", equal: panel } }],
    layer: lineLayers({
      xTitle: cols.includes(xName) ? xName : "epoch",
      yTitle: panel,
      names: splits,
      legendTitle: null,
      points: perMetric <= 60,
      logY: panel === "loss" && (options.logLoss ?? false),
      zero: false,
      colorField: "split",
      xTicks: integerTicks(values.map((v) => v.x)),
      width,
      colorDomain: [...splits],
      extraTooltip: [{ field: "metric", title: "metric" }],
    }),
  });
  if (options.logLoss) checkLogY(fn, values.filter((v) => v.panel === "loss").map((v) => ({ y: v.y, series: v.metric })));
  const base = {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? "Training history", options.subtitle),
    data: { values },
    config: CONFIG,
  };
  if (single) return { ...base, ...panelSpec(panels[0]) };
  return { ...base, hconcat: panels.map(panelSpec), resolve: { scale: { color: "shared" } } };
}
