/**
 * The loss of a model with two parameters, L(w1, w2), as a coloured grid with level bands, and the
 * path gradient descent takes on it (chapter 4: the effect of the learning rate).
 */
import { MAX_CHART_VALUES } from "../checks";
import { describe, InputError } from "../errors";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkSize, isRecord, titleOf, checkCommon } from "./spec";
import type { ColorScheme } from "vega";

/** A point of the parameter plane: `{ w1, w2 }` or `[w1, w2]`. */
export type ParamPoint = { w1: number; w2: number } | readonly [number, number];

export interface LossSurfaceOptions {
  /** The w1 range drawn, [from, to]. */
  x: [number, number];
  /** The w2 range drawn, [from, to]. */
  y: [number, number];
  /** Cells per side of the grid: the loss is evaluated at the cell centres. Default: 40. */
  resolution?: number;
  /** A descent path, or several named ones (e.g. one per learning rate). Default: none. */
  path?: readonly ParamPoint[] | Record<string, readonly ParamPoint[]>;
  /** Colour bands of equal area, like filled contours (0: a continuous scale). Default: 10. */
  bands?: number;
  /** Colour scheme of the loss (low values dark). Default: "viridis". */
  scheme?: string;
  /** Chart title. Default: "Loss surface". */
  title?: string;
  subtitle?: string;
  /** Axis titles. Default: "w1", "w2"; legend title "loss". */
  xTitle?: string;
  yTitle?: string;
  colorTitle?: string;
  /** Plot size in pixels. Default: equal scales on both axes (so the gradient is drawn at right angles to the level bands), the longer side 420. */
  width?: number;
  height?: number;
}

/** One grid cell: its centre and the loss there. */
export interface SurfaceCell {
  w1: number;
  w2: number;
  loss: number;
}

/** One point of a descent path: its step number, position and loss. */
export interface PathPoint {
  path: string;
  step: number;
  w1: number;
  w2: number;
  loss: number;
}

function checkRangePair(fn: string, arg: string, r: unknown): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && Number.isFinite(v)) || !(r[0] < r[1])) {
    throw new InputError(fn, arg, "[from, to] with finite from < to", describe(r));
  }
  return [r[0], r[1]];
}

function lossAt(fn: string, f: (w1: number, w2: number) => number, w1: number, w2: number, where: string): number {
  const l = f(w1, w2);
  if (typeof l !== "number" || !Number.isFinite(l)) {
    throw new InputError(fn, "f", `a finite loss at every ${where}`, `${describe(l)} at (w1, w2) = (${w1}, ${w2})`);
  }
  return l;
}

/**
 * The loss f(w1, w2) on a grid over x × y, coloured in equal-area bands, with descent paths on
 * top: inline data `{ w1, w2, loss }` per cell centre, and `{ path, step, w1, w2, loss }` per
 * path point.
 */
export function lossSurface(f: (w1: number, w2: number) => number, options: LossSurfaceOptions): VegaLiteSpec {
  const fn = "lossSurface";
  if (typeof f !== "function") throw new InputError(fn, "f", "a function (w1, w2) => loss", describe(f));
  if (!isRecord(options)) throw new InputError(fn, "options", "{ x: [from, to], y: [from, to], … }", describe(options));
  checkCommon(fn, options);
  const [x0, x1] = checkRangePair(fn, "options.x", options.x);
  const [y0, y1] = checkRangePair(fn, "options.y", options.y);
  const n = options.resolution ?? 40;
  checkSize(fn, "options.resolution", n, 2, Math.floor(Math.sqrt(MAX_CHART_VALUES)));
  const bands = options.bands ?? 10;
  checkSize(fn, "options.bands", bands, 0, 1000);
  const dx = (x1 - x0) / n, dy = (y1 - y0) / n;

  // the loss at each cell centre (w1, w2)
  const grid: SurfaceCell[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const w1 = x0 + (i + 0.5) * dx, w2 = y0 + (j + 0.5) * dy;
      grid.push({ w1, w2, loss: lossAt(fn, f, w1, w2, "grid point") });
    }
  }

  // paths: one array, or named arrays
  const named: Record<string, readonly ParamPoint[]> =
    options.path === undefined ? {} : Array.isArray(options.path) ? { path: options.path } : (options.path as Record<string, readonly ParamPoint[]>);
  if (!isRecord(named) && !Array.isArray(options.path)) throw new InputError(fn, "options.path", "an array of points or { name: points }", describe(options.path));
  const points: PathPoint[] = [];
  for (const [name, pts] of Object.entries(named)) {
    const arg = Array.isArray(options.path) ? "options.path" : `options.path.${name}`;
    if (!Array.isArray(pts) || pts.length === 0) throw new InputError(fn, arg, "a non-empty array of points { w1, w2 } or [w1, w2]", describe(pts));
    pts.forEach((p: unknown, step) => {
      const w1 = Array.isArray(p) ? p[0] : isRecord(p) ? p.w1 : undefined;
      const w2 = Array.isArray(p) ? p[1] : isRecord(p) ? p.w2 : undefined;
      if (typeof w1 !== "number" || !Number.isFinite(w1) || typeof w2 !== "number" || !Number.isFinite(w2)) {
        throw new InputError(fn, `${arg}[${step}]`, "a point { w1, w2 } or [w1, w2] of finite numbers", describe(p));
      }
      points.push({ path: name, step, w1, w2, loss: lossAt(fn, f, w1, w2, "path point") });
    });
  }
  const pathNames = Object.keys(named);

  const xTitle = options.xTitle ?? "w1";
  const yTitle = options.yTitle ?? "w2";
  const colorTitle = options.colorTitle ?? "loss";
  const scheme = (options.scheme ?? "viridis") as ColorScheme;
  const xEnc = { field: "w1", type: "quantitative" as const, title: xTitle, scale: { domain: [x0, x1], nice: false, zero: false } };
  const yEnc = { field: "w2", type: "quantitative" as const, title: yTitle, scale: { domain: [y0, y1], nice: false, zero: false } };
  const fmt = ".4~g";
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? "Loss surface", options.subtitle),
    width: options.width ?? Math.round(x1 - x0 >= y1 - y0 ? 420 : Math.max(160, (420 * (x1 - x0)) / (y1 - y0))),
    height: options.height ?? Math.round(x1 - x0 >= y1 - y0 ? Math.max(160, (420 * (y1 - y0)) / (x1 - x0)) : 420),
    layer: [
      {
        data: { values: grid },
        // each cell spans its centre ± half a step, and overlaps its neighbours by 3% of a step
        // so that anti-aliasing leaves no seams between cells
        transform: [
          { calculate: `datum.w1 - ${dx / 2}`, as: "left" },
          { calculate: `datum.w1 + ${dx * 0.53}`, as: "right" },
          { calculate: `datum.w2 - ${dy / 2}`, as: "bottom" },
          { calculate: `datum.w2 + ${dy * 0.53}`, as: "top" },
        ],
        mark: { type: "rect", aria: false },
        encoding: {
          x: { ...xEnc, field: "left" },
          x2: { field: "right" },
          y: { ...yEnc, field: "bottom" },
          y2: { field: "top" },
          color: {
            field: "loss",
            type: "quantitative",
            title: colorTitle,
            scale: bands > 0 ? { type: "quantile", scheme: { name: scheme as string, count: bands } as never } : { scheme },
            legend: bands > 0 ? { format: fmt, symbolType: "square" } : { format: fmt },
          },
          tooltip: [
            { field: "w1", type: "quantitative", title: xTitle, format: fmt },
            { field: "w2", type: "quantitative", title: yTitle, format: fmt },
            { field: "loss", type: "quantitative", title: colorTitle, format: fmt },
          ],
        },
      },
      ...(points.length
        ? [
          {
            data: { values: points },
            layer: [
              { mark: { type: "line" as const, strokeWidth: 2, clip: true } },
              { mark: { type: "point" as const, filled: true, size: 28, opacity: 1, stroke: "#222", strokeWidth: 0.5, clip: true } },
            ],
            encoding: {
              x: xEnc,
              y: yEnc,
              order: { field: "step", type: "quantitative" as const },
              color: {
                field: "path",
                type: "nominal" as const,
                title: null,
                // colours that stand out on viridis and on the white legend: red, orange, magenta, cyan, black
                scale: { domain: pathNames, range: ["#ff3b30", "#ff9f1c", "#f012be", "#00d2ff", "#111111"] },
                legend: pathNames.length === 1 ? null : { orient: "bottom" as const, direction: "horizontal" as const },
              },
              detail: { field: "path", type: "nominal" as const },
              tooltip: [
                { field: "path", type: "nominal" as const },
                { field: "step", type: "quantitative" as const },
                { field: "w1", type: "quantitative" as const, format: fmt, title: xTitle },
                { field: "w2", type: "quantitative" as const, format: fmt, title: yTitle },
                { field: "loss", type: "quantitative" as const, format: fmt, title: colorTitle },
              ],
            },
          },
        ]
        : []),
    ],
    resolve: { scale: { color: "independent" } },
    config: { ...CONFIG, axis: { ...CONFIG.axis, grid: false } },
  };
}
