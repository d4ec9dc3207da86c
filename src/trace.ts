/**
 * Traces: what a layer or a network computed, step by step, as plain data.
 *
 * The library only records; the views of dl-lessons/kernel (kernel-helpers/views/, one file per
 * kind) turn a trace into HTML step tables and readable text (`traceToText`). Every number in a
 * trace is the one the forward or backward pass actually used, never recomputed for display.
 */
import type { Tensor } from "./tensor";
import type { Rounding } from "./layers/windows";

/** Dense layer: z = x·W + b for a batch x [N, D], W [D, M], b [M]. */
export interface DenseTrace {
  kind: "dense";
  layer: string;
  x: Tensor;
  W: Tensor;
  b: Tensor;
  z: Tensor;
}

/** Activation: a = σ(z), elementwise (softmax: along the last axis). */
export interface ActivationTrace {
  kind: "activation";
  layer: string;
  fn: "sigmoid" | "tanh" | "relu" | "softmax";
  z: Tensor;
  a: Tensor;
}

/** One output position of a convolution: the window it saw, the products and their sum. */
export interface ConvWindow {
  /** batch index n, output row i, output column j, filter f */
  n: number;
  i: number;
  j: number;
  f: number;
  /** top-left corner of the window in the padded input */
  row: number;
  col: number;
  /** the window of the (padded) input, [KH, KW, C] */
  window: Tensor;
  /** the filter's weights, [KH, KW, C] */
  filter: Tensor;
  /** window ⊙ filter, [KH, KW, C] */
  products: Tensor;
  /** Σ products */
  sum: number;
  bias: number;
  /** sum + bias: the value written at out[n, i, j, f] */
  out: number;
}

/** conv2d: the inputs, the output and the windows that were recorded. */
export interface ConvTrace {
  kind: "conv2d";
  layer: string;
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
  /** how an output size that is not whole was treated ("floor": the last windows that did not fit were dropped) */
  rounding: Rounding;
  out: Tensor;
  windows: ConvWindow[];
}

/** One max-pooling window: its values and the winner (where the gradient goes back). */
export interface PoolWindow {
  n: number;
  i: number;
  j: number;
  c: number;
  row: number;
  col: number;
  /** the window's values, [size, size] */
  window: Tensor;
  /** position of the winner inside the window (first maximum in row-major order) */
  winRow: number;
  winCol: number;
  value: number;
}

export interface PoolTrace {
  kind: "maxpool";
  layer: string;
  x: Tensor;
  size: number;
  stride: number;
  out: Tensor;
  windows: PoolWindow[];
}

export interface FlattenTrace {
  kind: "flatten";
  layer: string;
  inShape: number[];
  outShape: number[];
}

export interface DropoutTrace {
  kind: "dropout";
  layer: string;
  rate: number;
  training: boolean;
  mask: Tensor | null;
  out: Tensor;
}

export interface LossTrace {
  kind: "loss";
  fn: "softmax-cross-entropy" | "mse";
  /** logits or predictions */
  input: Tensor;
  /** probabilities (softmax) or the predictions again (mse) */
  probs: Tensor;
  /** one-hot targets or target values */
  target: Tensor;
  /** loss of each example */
  perExample: Tensor;
  loss: number;
}

export type LayerTrace = DenseTrace | ActivationTrace | ConvTrace | PoolTrace | FlattenTrace | DropoutTrace;

/** A forward pass through a network: each layer's trace in order. */
export interface ForwardTrace {
  kind: "forward";
  input: Tensor;
  steps: LayerTrace[];
  output: Tensor;
}

/** A chain-rule factor of one layer's backward step, e.g. σ'(z), Wᵀδ, a_in·δ. */
export interface ChainFactor {
  /** what it is, in words: "σ'(z)", "Wᵀ·δ (to the layer below)", "a_inᵀ·δ = ∂C/∂W" */
  name: string;
  value: Tensor;
}

/** One layer's backward step: the δ that arrived (∂C/∂out), the factors, what it sends down. */
export interface BackwardStep {
  kind: "backward-step";
  layer: string;
  /** ∂C/∂(this layer's output) */
  delta: Tensor;
  factors: ChainFactor[];
  /** ∂C/∂(this layer's input), sent to the layer below */
  dx: Tensor;
  /** gradients of this layer's parameters by name (dW, db, ...) */
  grads: Record<string, Tensor>;
}

/** Backprop through a network: the loss, then the layers from the top down. */
export interface BackwardTrace {
  kind: "backward";
  loss: LossTrace | null;
  steps: BackwardStep[];
}

export type Trace = LayerTrace | LossTrace | ForwardTrace | BackwardTrace;

/** The kind of a trace: "dense", "conv2d", … */
export type TraceKind = Trace["kind"];

/** Every kind of trace, once: `isTrace` and the views of dl-lessons/kernel are keyed by it. */
export const TRACE_KINDS = ["dense", "activation", "conv2d", "maxpool", "flatten", "dropout", "loss", "forward", "backward"] as const satisfies readonly Trace["kind"][];

// compile-time check that the list is whole: a Trace kind missing from TRACE_KINDS fails to compile here
const listsEveryKind: Exclude<Trace["kind"], (typeof TRACE_KINDS)[number]> extends never ? true : false = true;
void listsEveryKind;

/** True for any trace object made by the library. */
export function isTrace(x: unknown): x is Trace {
  if (typeof x !== "object" || x === null || !("kind" in x)) return false;
  return (TRACE_KINDS as readonly unknown[]).includes((x as { kind: unknown }).kind);
}
