/**
 * A note under each neuron of a `networkDiagram`: a number per neuron with a short label, such
 * as the amplifier σ′(z) that the backward pass multiplies each δ by (chapter 5).
 */
import { describe, InputError } from "../errors";
import type { Tensor } from "../tensor";
import { VegaLiteSpec, checkString, finiteNumbers, isRecord } from "./spec";

export interface NeuronNotesOptions {
  /** Written before each number, e.g. "×σ′ = ". Default: "". */
  label?: string;
  /** Decimals of the numbers. Default: 3. */
  decimals?: number;
  /** Text colour. Default: "#b5540b" (dark orange). */
  color?: string;
}

interface NeuronRow {
  layer: number;
  index: number;
  x: number;
  y: number;
}

/**
 * A copy of `diagram` (a spec from `networkDiagram` with no biases, whose place the notes take)
 * with `notes[l][i]` written under neuron i of layer l; a null layer gets no notes.
 */
export function neuronNotes(diagram: VegaLiteSpec, notes: readonly (readonly number[] | Tensor | null)[], options: NeuronNotesOptions = {}): VegaLiteSpec {
  const fn = "neuronNotes";
  if (!isRecord(diagram)) throw new InputError(fn, "diagram", "a spec made by networkDiagram", describe(diagram));
  const spec = structuredClone(diagram) as unknown as Record<string, unknown>;
  const layers = spec.layer;
  const neuronView = Array.isArray(layers)
    ? (layers as unknown[]).find((v): v is Record<string, unknown> => {
      if (!isRecord(v) || !isRecord(v.data) || !Array.isArray(v.data.values) || !Array.isArray(v.layer)) return false;
      const first = v.data.values[0];
      return isRecord(first) && "layer" in first && "index" in first && "bias" in first;
    })
    : undefined;
  if (!neuronView) throw new InputError(fn, "diagram", "a spec made by networkDiagram", describe(diagram));
  const rows = (neuronView.data as { values: NeuronRow[] }).values;
  if ((neuronView.data as { values: { bias: unknown }[] }).values.some((r) => r.bias !== null)) {
    throw new InputError(fn, "diagram", "a diagram drawn without biases (the notes go where the biases would)", "a diagram with biases");
  }
  const nLayers = Math.max(...rows.map((r) => r.layer)) + 1;
  if (!Array.isArray(notes) || notes.length !== nLayers) throw new InputError(fn, "notes", `one entry per layer (${nLayers}), null for none`, describe(notes));
  const label = options.label ?? "";
  checkString(fn, "options.label", label);
  const decimals = options.decimals ?? 3;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10) throw new InputError(fn, "options.decimals", "an integer from 0 to 10", describe(decimals));
  const perLayer = notes.map((n, l) => {
    if (n === null) return null;
    const size = Math.max(...rows.filter((r) => r.layer === l).map((r) => r.index)) + 1;
    return finiteNumbers(fn, `notes[${l}]`, n, size, `neurons drawn in layer ${l}`);
  });
  const circle = (neuronView.layer as Record<string, unknown>[])[0];
  const r = Math.sqrt(Number((circle.mark as { size?: number }).size ?? 0)) / 2;
  const values = rows.flatMap((row) => {
    const v = perLayer[row.layer]?.[row.index];
    return v === undefined ? [] : [{ x: row.x, y: row.y, note: `${label}${v.toFixed(decimals)}`.replace("-", "\u2212") }];
  });
  const xEnc = (circle.encoding as { x: Record<string, unknown> }).x;
  const yEnc = (circle.encoding as { y: Record<string, unknown> }).y;
  (spec.layer as unknown[]).push({
    data: { values },
    mark: { type: "text", fontSize: 10, fontWeight: "bold", color: options.color ?? "#b5540b", baseline: "top", dy: r + 3 },
    encoding: {
      x: { ...xEnc, field: "x" },
      y: { ...yEnc, field: "y" },
      text: { field: "note", type: "nominal" },
    },
  });
  return spec as unknown as VegaLiteSpec;
}
