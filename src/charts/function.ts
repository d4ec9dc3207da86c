/**
 * Plots of functions of one variable: the activations (sigmoid, tanh, ReLU) and their
 * derivatives, sampled on a grid and drawn as lines over the axes x = 0 and y = 0.
 */
import { MAX_CHART_VALUES } from "../checks";
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { lineLayers, LinePoint } from "./line";
import { CONFIG, HEIGHT, VEGA_LITE_SCHEMA, VegaLiteSpec, WIDTH, checkSize, isRecord, titleOf, checkCommon } from "./spec";

export interface FunctionPlotOptions {
  /** The x range sampled. Default: −5 to 5. */
  from?: number;
  to?: number;
  /** Number of evenly spaced samples, ends included. Default: 201. */
  samples?: number;
  /** Chart title. Default: the function names, joined. */
  title?: string;
  subtitle?: string;
  /** Axis titles. Default: "x" and "f(x)" (the name, for a single function). */
  xTitle?: string;
  yTitle?: string;
  /** Fix the y range (curves are clipped to it), e.g. [-1.5, 1.5]. Default: fit the curves. */
  yDomain?: [number, number];
  /** Plot size in pixels. Default: 420 × 260. */
  width?: number;
  height?: number;
}

/**
 * Each named function sampled at `samples` points of [from, to] and drawn as a line: inline data
 * `{ x, series, y }` with y = f(x) exactly as computed.
 */
export function functionPlot(fns: Record<string, (x: number) => number>, options: FunctionPlotOptions = {}): VegaLiteSpec {
  options = optionsOf("functionPlot", "options", options);
  const fn = "functionPlot";
  checkCommon(fn, options);
  if (!isRecord(fns)) throw new InputError(fn, "fns", "a record { name: (x) => y }", describe(fns));
  const names = Object.keys(fns);
  if (names.length === 0) throw new InputError(fn, "fns", "at least one function", "an empty record");
  const from = options.from ?? -5;
  const to = options.to ?? 5;
  const samples = options.samples ?? 201;
  if (typeof from !== "number" || !Number.isFinite(from)) throw new InputError(fn, "options.from", "a finite number", describe(from));
  if (typeof to !== "number" || !Number.isFinite(to) || to <= from) throw new InputError(fn, "options.to", `a finite number > from (${from})`, describe(to));
  checkSize(fn, "options.samples", samples, 2, Math.floor(MAX_CHART_VALUES / names.length));
  const yDomain = options.yDomain;
  if (yDomain !== undefined && !(Array.isArray(yDomain) && yDomain.length === 2 && yDomain.every(Number.isFinite) && yDomain[0] < yDomain[1])) {
    throw new InputError(fn, "options.yDomain", "[lo, hi] with lo < hi", describe(yDomain));
  }
  const values: LinePoint[] = [];
  for (const name of names) {
    const f = fns[name];
    if (typeof f !== "function") throw new InputError(fn, `fns.${name}`, "a function (x) => y", describe(f));
    for (let i = 0; i < samples; i++) {
      const x = from + ((to - from) * i) / (samples - 1);
      const y = f(x);
      if (typeof y !== "number" || !Number.isFinite(y)) {
        throw new InputError(fn, `fns.${name}`, "a finite number at every sampled x", `${describe(y)} at x = ${x}`);
      }
      values.push({ x, series: name, y });
    }
  }
  const single = names.length === 1;
  const xTitle = options.xTitle ?? "x";
  const yTitle = options.yTitle ?? (single ? names[0] : "f(x)");
  // the axes x = 0 and y = 0, drawn under the curves
  const axisRule = (channel: "x" | "y") => ({
    data: { values: [{}] }, // one rule, not one per sample
    mark: { type: "rule" as const, color: "#888", strokeWidth: 1 },
    encoding: { [channel]: { datum: 0, type: "quantitative" as const } },
  });
  const rules = [axisRule("y"), ...(from < 0 && to > 0 ? [axisRule("x")] : [])];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? names.join(", "), options.subtitle),
    width: options.width ?? WIDTH,
    height: options.height ?? HEIGHT,
    data: { values },
    layer: [
      ...rules,
      ...lineLayers({ xTitle, yTitle, names, legendTitle: null, points: false, logY: false, zero: false, yDomain }),
    ],
    config: CONFIG,
  };
}
