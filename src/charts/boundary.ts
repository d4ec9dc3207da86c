/**
 * A two-class classifier on the plane: the probability of class 1 over a grid of inputs (the
 * decision boundary is where it crosses ½) with the data points on top, coloured by their label
 * (chapter 5: XOR solved from scratch).
 */
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { Tensor } from "../tensor";
import { cellRects } from "./cells";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkCommon, checkSize, isRecord, roundTo, titleOf } from "./spec";

export interface DecisionBoundaryOptions {
  /** The x₁ range drawn. Default: the points' range plus 10 %. */
  x?: [number, number];
  /** The x₂ range drawn. Default: the points' range plus 10 %. */
  y?: [number, number];
  /** Cells per side of the grid. Default: 40. */
  resolution?: number;
  /** Chart title. Default: "Decision boundary". */
  title?: string;
  subtitle?: string;
  /** Axis titles. Default: "x₁", "x₂". */
  xTitle?: string;
  yTitle?: string;
  /** Plot size in pixels. Default: 320 × 320. */
  width?: number;
  height?: number;
}

/** One grid cell: its centre and the probability of class 1 there. */
export interface BoundaryCell {
  x1: number;
  x2: number;
  p: number;
}

/**
 * `prob(points [N, 2])` returns the probability of class 1 for each point ([N] or [N, 1]), or
 * the probabilities of both classes ([N, 2]); it is called once, on the whole grid.
 */
export function decisionBoundary(
  prob: (points: Tensor) => Tensor,
  data: { x: Tensor; labels: readonly number[] },
  options: DecisionBoundaryOptions = {},
): VegaLiteSpec {
  const fn = "decisionBoundary";
  options = optionsOf(fn, "options", options);
  checkCommon(fn, options);
  if (typeof prob !== "function") throw new InputError(fn, "prob", "a function (points [N, 2]) => probabilities", describe(prob));
  if (!isRecord(data) || !(data.x instanceof Tensor) || data.x.rank !== 2 || data.x.shape[1] !== 2) {
    throw new InputError(fn, "data.x", "a Tensor [N, 2] of points", describe(isRecord(data) ? data.x : data));
  }
  const n = data.x.shape[0];
  if (!Array.isArray(data.labels) || data.labels.length !== n || data.labels.some((l) => l !== 0 && l !== 1)) {
    throw new InputError(fn, "data.labels", `${n} labels, each 0 or 1`, describe(data.labels));
  }
  const resolution = options.resolution ?? 40;
  checkSize(fn, "options.resolution", resolution, 2);
  const range = (arg: "x" | "y", col: number): [number, number] => {
    const r = options[arg];
    if (r !== undefined) {
      if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || !(r[0] < r[1])) throw new InputError(fn, `options.${arg}`, "[from, to] with from < to", describe(r));
      return r;
    }
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data.x.get(i, col);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const pad = 0.1 * (hi - lo || 1);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range("x", 0);
  const [y0, y1] = range("y", 1);
  const dx = (x1 - x0) / resolution, dy = (y1 - y0) / resolution;
  const centres: number[] = [];
  for (let r = 0; r < resolution; r++) for (let c = 0; c < resolution; c++) centres.push(x0 + (c + 0.5) * dx, y0 + (r + 0.5) * dy);
  const out = prob(Tensor.fromArray(centres, [resolution * resolution, 2]));
  if (!(out instanceof Tensor) || out.shape[0] !== resolution * resolution || out.size / out.shape[0] > 2) {
    throw new InputError(fn, "prob", `a Tensor [${resolution * resolution}], [${resolution * resolution}, 1] or [${resolution * resolution}, 2]`, describe(out));
  }
  const k = out.size / out.shape[0];
  const grid: BoundaryCell[] = [];
  for (let i = 0; i < resolution * resolution; i++) {
    const p = out.data[i * k + (k - 1)];
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new InputError(fn, "prob", "probabilities in [0, 1]", `${p} at (${centres[2 * i]}, ${centres[2 * i + 1]})`);
    grid.push({ x1: roundTo(centres[2 * i], 6), x2: roundTo(centres[2 * i + 1], 6), p: roundTo(p, 4) });
  }
  const points = Array.from({ length: n }, (_, i) => ({ x1: roundTo(data.x.get(i, 0), 6), x2: roundTo(data.x.get(i, 1), 6), label: String(data.labels[i]) }));
  const xTitle = options.xTitle ?? "x₁";
  const yTitle = options.yTitle ?? "x₂";
  const xEnc = { field: "x1", type: "quantitative" as const, title: xTitle, scale: { domain: [x0, x1], nice: false as const, zero: false as const } };
  const yEnc = { field: "x2", type: "quantitative" as const, title: yTitle, scale: { domain: [y0, y1], nice: false as const, zero: false as const } };
  const cells = cellRects(xEnc, yEnc, dx, dy);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? "Decision boundary", options.subtitle),
    width: options.width ?? 320,
    height: options.height ?? 320,
    layer: [
      {
        data: { values: grid },
        transform: cells.transform,
        mark: cells.mark,
        encoding: {
          ...cells.position,
          color: { field: "p", type: "quantitative", title: "P(class 1)", scale: { scheme: "blueorange", domain: [0, 1] } },
        },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 30, stroke: "#222", strokeWidth: 0.6, opacity: 1, clip: true },
        encoding: {
          x: xEnc,
          y: yEnc,
          shape: { field: "label", type: "nominal", title: "label", scale: { domain: ["0", "1"], range: ["circle", "triangle-up"] } },
          fill: { field: "label", type: "nominal", title: "label", scale: { domain: ["0", "1"], range: ["#1f5fa8", "#e07b00"] } },
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
    config: { ...CONFIG, axis: { ...CONFIG.axis, grid: false } },
  };
}
