/**
 * A fully connected network drawn as neurons (circles) in layers joined by connections (lines),
 * optionally with the numbers of a forward pass: the value of every neuron, the weight of every
 * connection (colour by sign, width by size) and the biases (chapter 3's worked example).
 */
import { optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkSize, finiteNumbers, isRecord, matrixOf, roundTo, titleOf, checkCommon, pixelPosition } from "./spec";
import type { Tensor } from "../tensor";

export interface NetworkDiagramInput {
  /** Neurons per layer, input first: [2, 2, 2, 2] or [784, 100, 10]. */
  layers: readonly number[];
  /** Values of the neurons per layer (e.g. the activations of one forward pass); null to leave a layer blank. */
  values?: readonly (readonly number[] | Tensor | null)[];
  /** Weights between layer l and l + 1, shaped [in, out] like Dense's W [D, M]. */
  weights?: readonly (readonly (readonly number[])[] | Tensor)[];
  /** Biases of each layer after the input ([out] each); the input layer's entry is skipped. */
  biases?: readonly (readonly number[] | Tensor | null)[];
}

export interface NetworkDiagramOptions {
  /** Chart title. Default: "Network 2 → 3 → 1" (the layer sizes). */
  title?: string;
  subtitle?: string;
  /** Names under the layers. Default: "input", "hidden 1", …, "output". */
  layerNames?: readonly string[];
  /** Neurons drawn per layer at most; a larger layer shows its first ones, "⋮", and its last. Default: 10. */
  maxNeurons?: number;
  /** Decimals of the written values, weights and biases. Default: 2. */
  decimals?: number;
  /** Write each weight on its connection (when a layer pair has at most 16 connections). Default: true. */
  showWeights?: boolean;
}

/** A drawn neuron: its layer and index, position, and value when given. */
export interface DiagramNeuron {
  layer: number;
  index: number;
  x: number;
  y: number;
  value: number | null;
  bias: number | null;
}

/** A drawn connection from neuron `from` of layer `layer` to neuron `to` of layer `layer + 1`. */
export interface DiagramEdge {
  layer: number;
  from: number;
  to: number;
  x: number;
  y: number;
  x2: number;
  y2: number;
  weight: number | null;
}

/** A number as written on the diagram: at most d decimals, trailing zeros dropped, a true minus sign. */
const fmt = (x: number, d: number) => String(roundTo(x, d)).replace("-", "\u2212");

/** A value as written in a neuron, as Vega's format(v, '.d~f') writes it: d decimals, trailing zeros dropped, a true minus. */
function neuronText(x: number, d: number): string {
  const s = x.toFixed(d).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return s === "-0" ? "0" : s.replace("-", "\u2212");
}

/** Width in pixels of a number at `size` px in the charts' sans-serif font (Helvetica/Arial: digits 0.556 em). */
function numberWidth(s: string, size: number): number {
  let em = 0;
  for (const ch of s) em += ch === "." ? 0.278 : ch === "\u2212" ? 0.584 : 0.556;
  return em * size;
}

/** The neuron indices drawn for a layer of n: all, or the first ones, a gap (null) and the last. */
function shown(n: number, max: number): (number | null)[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: max - 2 }, (_, i) => i), null, n - 1];
}

/**
 * Neurons as circles in columns, one per layer, joined to every neuron of the next layer; with
 * `values`, `weights`, `biases` the numbers of a forward pass written on them. Inline data: one
 * record per drawn neuron (`DiagramNeuron`) and per drawn connection (`DiagramEdge`).
 */
export function networkDiagram(net: NetworkDiagramInput, options: NetworkDiagramOptions = {}): VegaLiteSpec {
  options = optionsOf("networkDiagram", "options", options);
  const fn = "networkDiagram";
  checkCommon(fn, options);
  if (!isRecord(net) || !Array.isArray(net.layers)) throw new InputError(fn, "net", "{ layers: number[] }", describe(net));
  const sizes = net.layers as number[];
  if (sizes.length < 2) throw new InputError(fn, "net.layers", "at least 2 layers (input and output)", describe(sizes));
  sizes.forEach((n, i) => checkSize(fn, `net.layers[${i}]`, n, 1));
  const L = sizes.length;
  const maxNeurons = options.maxNeurons ?? 10;
  checkSize(fn, "options.maxNeurons", maxNeurons, 3);
  const decimals = options.decimals ?? 2;
  checkSize(fn, "options.decimals", decimals, 0, 20);

  // numbers of a forward pass, each checked against the layer sizes
  const perLayer = (arg: "values" | "biases"): (number[] | null)[] => {
    const v = net[arg];
    if (v === undefined) return sizes.map(() => null);
    if (!Array.isArray(v) || v.length !== L) throw new InputError(fn, `net.${arg}`, `${L} entries (one per layer; null to skip)`, describe(v));
    return v.map((x, l) => (x === null || (arg === "biases" && l === 0) ? null : finiteNumbers(fn, `net.${arg}[${l}]`, x, sizes[l], `net.layers[${l}]`)));
  };
  const values = perLayer("values");
  const biases = perLayer("biases");
  let weights: number[][][] | null = null;
  if (net.weights !== undefined) {
    if (!Array.isArray(net.weights) || net.weights.length !== L - 1) throw new InputError(fn, "net.weights", `${L - 1} matrices (one per pair of layers)`, describe(net.weights));
    weights = net.weights.map((w, l) => {
      const m = matrixOf(fn, `net.weights[${l}]`, w);
      if (m.rows !== sizes[l] || m.cols !== sizes[l + 1]) {
        throw new InputError(fn, `net.weights[${l}]`, `shape [${sizes[l]}, ${sizes[l + 1]}] ([in, out], as Dense's W)`, `[${m.rows}, ${m.cols}]`);
      }
      return m.values;
    });
  }
  const names = options.layerNames ?? sizes.map((_, l) => (l === 0 ? "input" : l === L - 1 ? "output" : L === 3 ? "hidden" : `hidden ${l}`));
  if (!Array.isArray(names) || names.length !== L || names.some((s) => typeof s !== "string")) {
    throw new InputError(fn, "options.layerNames", `${L} names (one per layer)`, describe(names));
  }

  // layout in pixels: layer l at x = l · colGap; neurons spaced by pitch, each layer centred.
  // A neuron's circle holds its value: the radius grows with the widest value written (11 px text
  // and 4 px to spare on each side), from 19 px; columns and rows grow with it.
  const withNumbers = values.some(Boolean);
  const widest = Math.max(0, ...values.flatMap((v) => (v ?? []).map((x) => numberWidth(neuronText(x, decimals), 11))));
  const r = withNumbers ? Math.max(19, Math.ceil(widest / 2 + 4)) : 12;
  const colGap = (weights ? 190 : 130) + 2 * Math.max(0, r - 19);
  const pitch = withNumbers || biases.some(Boolean) ? 2 * Math.max(r, 19) + 24 : 40;
  const slots = sizes.map((n) => shown(n, maxNeurons));
  const maxSlots = Math.max(...slots.map((s) => s.length));
  const margin = r + 4;
  const width = (L - 1) * colGap + 2 * margin;
  const top = 6;
  const height = top + maxSlots * pitch + 22;
  const pos = slots.map((s, l) => s.map((_, k) => ({ x: margin + l * colGap, y: top + ((maxSlots - s.length) / 2 + k + 0.5) * pitch })));

  const neurons: DiagramNeuron[] = [];
  const gaps: { x: number; y: number }[] = [];
  slots.forEach((s, l) => s.forEach((i, k) => {
    if (i === null) gaps.push(pos[l][k]);
    else neurons.push({ layer: l, index: i, ...pos[l][k], value: values[l]?.[i] ?? null, bias: biases[l]?.[i] ?? null });
  }));
  const edges: DiagramEdge[] = [];
  for (let l = 0; l < L - 1; l++) {
    slots[l].forEach((i, k) => slots[l + 1].forEach((j, k2) => {
      if (i === null || j === null) return;
      const a = pos[l][k], b = pos[l + 1][k2];
      edges.push({ layer: l, from: i, to: j, x: a.x, y: a.y, x2: b.x, y2: b.y, weight: weights ? weights[l][i][j] : null });
    }));
  }
  // weight labels a quarter of the way along each line, only where they do not crowd
  const pairs = Array.from({ length: L - 1 }, (_, l) => edges.filter((e) => e.layer === l).length);
  const showWeights = (options.showWeights ?? true) && weights !== null;
  const wLabels = showWeights
    ? edges.filter((e) => pairs[e.layer] <= 16).map((e) => ({ x: e.x + 0.27 * (e.x2 - e.x), y: e.y + 0.27 * (e.y2 - e.y), text: fmt(e.weight!, decimals) }))
    : [];
  const maxW = weights ? Math.max(...edges.map((e) => Math.abs(e.weight!)), 1e-12) : 1;

  const px = (axis: "x" | "y") => pixelPosition(axis, axis === "x" ? width : height);
  const labels = sizes.map((n, l) => ({ x: pos[l][0].x, text: `${names[l]} (${n})` }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? `Network ${sizes.join(" → ")}`, options.subtitle),
    width,
    height,
    layer: [
      {
        data: { values: edges },
        transform: weights
          ? [
            { calculate: `0.6 + 2.4 * abs(datum.weight) / ${maxW}`, as: "strokeWidth" },
            { calculate: "datum.weight >= 0 ? '#e6862d' : '#3b75af'", as: "colour" },
          ]
          : [{ calculate: "1", as: "strokeWidth" }, { calculate: "'#b5b5b5'", as: "colour" }],
        mark: { type: "rule", opacity: 0.85 },
        encoding: {
          x: { field: "x", ...px("x") },
          y: { field: "y", ...px("y") },
          x2: { field: "x2" },
          y2: { field: "y2" },
          strokeWidth: { field: "strokeWidth", type: "quantitative", scale: null },
          color: { field: "colour", type: "nominal", scale: null },
          tooltip: [
            { field: "layer", type: "quantitative", title: "from layer" },
            { field: "from", type: "quantitative", title: "from neuron" },
            { field: "to", type: "quantitative", title: "to neuron" },
            ...(weights ? [{ field: "weight", type: "quantitative" as const, title: "weight", format: ".4~g" }] : []),
          ],
        },
      },
      ...(wLabels.length
        ? [{
          data: { values: wLabels },
          // written just above the line, so the line does not cross the digits
          mark: { type: "text" as const, fontSize: 10, color: "#333", baseline: "bottom" as const, dy: -2 },
          encoding: { x: { field: "x", ...px("x") }, y: { field: "y", ...px("y") }, text: { field: "text", type: "nominal" as const } },
        }]
        : []),
      {
        data: { values: neurons },
        layer: [
          {
            // a symbol's size is the area of its bounding square: (2r)² for a circle of radius r
            mark: { type: "point", shape: "circle", filled: true, size: 4 * r * r, fill: "#ffffff", stroke: "#4c78a8", strokeWidth: 1.5, opacity: 1 },
            encoding: {
              x: { field: "x", ...px("x") },
              y: { field: "y", ...px("y") },
              tooltip: [
                { field: "layer", type: "quantitative", title: "layer" },
                { field: "index", type: "quantitative", title: "neuron" },
                ...(withNumbers ? [{ field: "value", type: "quantitative" as const, title: "value", format: ".4~g" }] : []),
                ...(biases.some(Boolean) ? [{ field: "bias", type: "quantitative" as const, title: "bias", format: ".4~g" }] : []),
              ],
            },
          },
          ...(withNumbers
            ? [{
              transform: [{ filter: "datum.value != null" }, { calculate: `format(datum.value, '.${decimals}~f')`, as: "text" }],
              mark: { type: "text" as const, fontSize: 11, baseline: "middle" as const },
              encoding: { x: { field: "x", ...px("x") }, y: { field: "y", ...px("y") }, text: { field: "text", type: "nominal" as const } },
            }]
            : []),
          ...(biases.some(Boolean)
            ? [{
              transform: [{ filter: "datum.bias != null" }, { calculate: `'b = ' + format(datum.bias, '.${decimals}~f')`, as: "text" }],
              mark: { type: "text" as const, fontSize: 10, color: "#555", baseline: "top" as const, dy: r + 3 },
              encoding: { x: { field: "x", ...px("x") }, y: { field: "y", ...px("y") }, text: { field: "text", type: "nominal" as const } },
            }]
            : []),
        ],
      },
      ...(gaps.length
        ? [{
          data: { values: gaps },
          mark: { type: "text" as const, text: "\u22ee", fontSize: 20, color: "#777", baseline: "middle" as const },
          encoding: { x: { field: "x", ...px("x") }, y: { field: "y", ...px("y") } },
        }]
        : []),
      {
        data: { values: labels },
        mark: { type: "text", fontSize: 11, color: "#333", baseline: "bottom", y: height },
        encoding: { x: { field: "x", ...px("x") }, text: { field: "text", type: "nominal" } },
      },
    ],
    config: { ...CONFIG, view: { stroke: null } },
  };
}
