/**
 * A sequential network: layers applied one after the other (chapters 3, 5 and 10).
 *
 *   forward    a⁰ = x,  aˡ = layerₗ(aˡ⁻¹),  out = aᴸ
 *   loss       C(out, targets)  →  δᴸ = ∂C/∂out
 *   backward   from the top down, layer l receives δˡ = ∂C/∂aˡ, sets its parameters' gradients
 *              and sends ∂C/∂aˡ⁻¹ to the layer below (the chain rule, one factor per layer)
 *
 * Losses (the names the training loop uses too):
 * - "cross-entropy": softmax cross-entropy on the network's raw scores (logits). The softmax is
 *   part of the loss, as in Keras's `fromLogits: true`, so the last layer must NOT be a Softmax
 *   (the probabilities would be squashed twice); `lossAndGrad` refuses such a network.
 * - "mse": mean squared error between the output and the targets. Class labels become one-hot
 *   rows (Nielsen's quadratic cost); with a single output the label itself (0 or 1) is the target.
 *   A Tensor of targets (same shape as the output) can be given instead of labels.
 *
 * Accuracy: the share of examples whose predicted class (argmax of the output; with one output,
 * out > 0.5) equals the label (or, for Tensor targets, the argmax / the thresholded target).
 */
import { optionsOf } from "./checks";
import { describe, fmtShape, InputError } from "./errors";
import { checkOutputFinite, checkTensor, Tensor } from "./tensor";
import type { BackwardStep, BackwardTrace, ForwardTrace, LayerTrace, LossTrace } from "./trace";
import type { ForwardOptions, Layer, Param } from "./layers/layer";
import { mseLoss, oneHot, softmaxCrossEntropy } from "./layers/losses";
import { withFastKernels } from "./fast";
import pl from "nodejs-polars";

/** The losses a network can be trained with. */
export type LossName = "cross-entropy" | "mse";

/** Class labels (one integer per example) or, for "mse", a Tensor of targets shaped like the output. */
export type Targets = readonly number[] | Tensor;

export interface NetworkOptions {
  /** a name for tables and charts; default "network" */
  name?: string;
}

/** One row of `summaryRows`: a layer, its output shape as Keras prints it, its parameter count. */
export interface SummaryRow {
  layer: string;
  type: string;
  /** e.g. "(None, 26, 26, 25)": None stands for the batch size */
  output_shape: string;
  params: number;
}

/** A parameter with its layer: `key` is "dense_1.W", unique within the network. */
export interface NamedParam {
  key: string;
  layer: string;
  param: Param;
}

/** The loss of a batch, without gradients: what `evaluate` and a gradient check need. */
export interface LossResult {
  loss: number;
  accuracy: number;
  /** number of correctly classified examples */
  correct: number;
  /** the network's output */
  out: Tensor;
  /** ∂C/∂out, the δ that starts backprop */
  dout: Tensor;
  trace: LossTrace;
}

/** The gradient of a batch: the loss, the accuracy and backprop step by step. */
export interface LossAndGrad {
  loss: number;
  accuracy: number;
  out: Tensor;
  backwardTrace: BackwardTrace;
}

const LOSSES: readonly LossName[] = ["cross-entropy", "mse"];

function isLayer(l: unknown): l is Layer {
  if (l === null || typeof l !== "object") return false;
  const o = l as Record<string, unknown>;
  return (
    typeof o.name === "string" &&
    typeof o.type === "string" &&
    typeof o.forward === "function" &&
    typeof o.backward === "function" &&
    typeof o.params === "function" &&
    typeof o.outputShape === "function"
  );
}

/** "(None, 26, 26, 25)" for [N, 26, 26, 25]. */
export function kerasShape(shape: readonly number[]): string {
  return `(${["None", ...shape.slice(1)].join(", ")})`;
}

/** Predicted classes of outputs [N, K]: argmax of each row; with K = 1, out > 0.5 gives class 1. */
export function predictedClasses(out: Tensor): number[] {
  checkTensor("predictedClasses", "out", out);
  const k = out.shape[out.rank - 1];
  if (k === 1) return Array.from(out.data, (v) => (v > 0.5 ? 1 : 0));
  return out.argmax(-1);
}

/** A stack of layers trained as one: forward, backward, parameters, summary, loss and gradient. */
export class Network {
  readonly name: string;
  readonly layers: readonly Layer[];

  /** `new Network([new Flatten(), new Dense(784, 30), new Sigmoid(), new Dense(30, 10)])`. */
  constructor(layers: Layer[], opts: NetworkOptions = {}) {
    const fn = "Network";
    if (!Array.isArray(layers) || layers.length === 0) throw new InputError(fn, "layers", "a non-empty array of layers", describe(layers));
    if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
    const seen = new Map<string, number>();
    layers.forEach((l, i) => {
      if (!isLayer(l)) throw new InputError(fn, `layers[${i}]`, "a Layer (name, type, forward, backward, params, outputShape)", describe(l));
      const j = seen.get(l.name);
      if (j !== undefined) {
        throw new InputError(fn, `layers[${i}]`, `a unique layer name (layers[${j}] is already named "${l.name}")`, `"${l.name}"`);
      }
      seen.set(l.name, i);
    });
    if (opts.name !== undefined && (typeof opts.name !== "string" || opts.name.length === 0)) {
      throw new InputError(fn, "name", "a non-empty string", describe(opts.name));
    }
    this.name = opts.name ?? "network";
    this.layers = [...layers];
  }

  // ---------------------------------------------------------------- forward and backward

  /**
   * Run x through every layer; with `trace: true` the trace lists each layer's step. Without a
   * trace the matrix products take the fast path (src/fast: the same numbers).
   */
  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: ForwardTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    checkTensor(`${this.name}.forward`, "x", x);
    const training = opts.training ?? false;
    const trace = opts.trace ?? false;
    if (!trace) return withFastKernels(() => this.forwardSteps(x, training, false));
    return this.forwardSteps(x, training, true);
  }

  private forwardSteps(x: Tensor, training: boolean, trace: boolean): { out: Tensor; trace?: ForwardTrace } {
    const steps: LayerTrace[] = [];
    let a = x;
    for (const layer of this.layers) {
      const r = layer.forward(a, { training, trace });
      checkOutputFinite(`${layer.name}.forward`, r.out);
      a = r.out;
      if (trace && r.trace) steps.push(r.trace);
    }
    if (!trace) return { out: a };
    return { out: a, trace: { kind: "forward", input: x, steps, output: a } };
  }

  /**
   * Backprop for the last forward: dout = ∂C/∂out, shaped like the output. Sets every parameter's
   * gradient and returns the steps from the top layer down (δ in, chain-rule factors, dx out,
   * copies of the parameter gradients by name).
   */
  backward(dout: Tensor): BackwardTrace {
    checkTensor(`${this.name}.backward`, "dout", dout);
    const steps: BackwardStep[] = [];
    let delta = dout;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const { dx, factors } = layer.backward(delta);
      const grads: Record<string, Tensor> = {};
      for (const p of layer.params()) grads[p.name] = p.grad.clone(); // a copy: the next batch overwrites p.grad
      steps.push({ kind: "backward-step", layer: layer.name, delta, factors, dx, grads });
      delta = dx;
    }
    return { kind: "backward", loss: null, steps };
  }

  // ---------------------------------------------------------------- parameters

  /** Every trainable parameter, bottom layer first (the objects the layers use, not copies). */
  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /** The parameters with unique keys "layer.param" (e.g. "dense_1.W"). */
  namedParams(): NamedParam[] {
    return this.layers.flatMap((l) => l.params().map((param) => ({ key: `${l.name}.${param.name}`, layer: l.name, param })));
  }

  /** Set every gradient to 0. */
  zeroGrads(): void {
    for (const p of this.params()) p.grad.data.fill(0);
  }

  /** Copies of all parameter values, by key: what early stopping keeps of the best epoch. */
  snapshot(): Map<string, Float64Array> {
    return new Map(this.namedParams().map(({ key, param }) => [key, param.value.data.slice()]));
  }

  /** Put back values saved by `snapshot()` (in place, so the layers see them). */
  restore(saved: Map<string, Float64Array>): void {
    if (!(saved instanceof Map)) throw new InputError(`${this.name}.restore`, "saved", "a snapshot of this network (from snapshot())", describe(saved));
    for (const { key, param } of this.namedParams()) {
      const v = saved.get(key);
      if (v === undefined || v.length !== param.value.size) {
        throw new InputError(`${this.name}.restore`, "saved", `a snapshot of this network (with ${key})`, v === undefined ? `no ${key}` : `${v.length} values for ${key}`);
      }
      param.value.data.set(v);
    }
  }

  // ---------------------------------------------------------------- shapes and summary

  /** The output shape for an input shape (batch axis included), e.g. [1, 28, 28, 1] → [1, 10]. */
  outputShape(inShape: readonly number[]): number[] {
    const shapes = this.shapes(inShape);
    return shapes[shapes.length - 1];
  }

  /** Each layer's output shape in turn. */
  private shapes(inShape: readonly number[]): number[][] {
    if (!Array.isArray(inShape) || inShape.length === 0 || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InputError(`${this.name}.outputShape`, "inShape", "an array of positive integer sizes", Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    const out: number[][] = [];
    let s = [...inShape];
    for (const layer of this.layers) {
      s = layer.outputShape(s);
      out.push(s);
    }
    return out;
  }

  /**
   * One row per layer: name, type, output shape, parameter count. `inputShape` is the shape of
   * ONE example, without the batch axis, as Keras's `inputShape`: [28, 28, 1] or [784].
   */
  summaryRows(inputShape: readonly number[]): SummaryRow[] {
    if (!Array.isArray(inputShape)) throw new InputError(`${this.name}.summary`, "inputShape", "the shape of one example, e.g. [28, 28, 1]", describe(inputShape));
    const shapes = this.shapes([1, ...inputShape]);
    return this.layers.map((l, i) => ({
      layer: l.name,
      type: l.type,
      output_shape: kerasShape(shapes[i]),
      params: l.params().reduce((s, p) => s + p.value.size, 0),
    }));
  }

  /** The Keras-style summary as a DataFrame (columns layer, type, output_shape, params), with a "Total" row. */
  summary(inputShape: readonly number[]): pl.DataFrame {
    return summaryFrame(this.summaryRows(inputShape));
  }

  // ---------------------------------------------------------------- loss, gradient, prediction

  /**
   * The loss of a batch and ∂C/∂out, without backprop: forward (eval mode unless `training`),
   * then the loss. Also the function a gradient check perturbs: `() => net.lossOf(x, y).loss`.
   */
  lossOf(x: Tensor, targets: Targets, loss: LossName = "cross-entropy", opts: { training?: boolean } = {}): LossResult {
    const fn = `${this.name}.lossOf`;
    this.checkLoss(fn, loss);
    opts = optionsOf(fn, "opts", opts);
    const { out } = this.forward(x, { training: opts.training ?? false });
    return this.lossOfOutput(fn, out, targets, loss);
  }

  /**
   * The single place where a batch's gradient is computed: forward in training mode, the loss,
   * backward. Leaves the gradients in the parameters (`params()[i].grad`) for an optimizer.
   * With "cross-entropy" the network must end in raw scores (no Softmax layer last). The matrix
   * products take the fast path (src/fast: the same numbers).
   */
  lossAndGrad(x: Tensor, targets: Targets, loss: LossName = "cross-entropy"): LossAndGrad {
    const fn = `${this.name}.lossAndGrad`;
    this.checkLoss(fn, loss);
    return withFastKernels(() => this.lossAndGradSteps(fn, x, targets, loss));
  }

  private lossAndGradSteps(fn: string, x: Tensor, targets: Targets, loss: LossName): LossAndGrad {
    const { out } = this.forward(x, { training: true });
    const r = this.lossOfOutput(fn, out, targets, loss);
    this.zeroGrads();
    const backwardTrace = this.backward(r.dout);
    backwardTrace.loss = r.trace;
    return { loss: r.loss, accuracy: r.accuracy, out, backwardTrace };
  }

  /** Predicted class of each example (eval mode, in batches of `batchSize`): argmax of the output. */
  predict(x: Tensor, batchSize = 256): number[] {
    checkTensor(`${this.name}.predict`, "x", x);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`${this.name}.predict`, "batchSize", "an integer >= 1", describe(batchSize));
    const n = x.shape[0];
    const labels: number[] = [];
    for (let s = 0; s < n; s += batchSize) {
      const xb = s === 0 && batchSize >= n ? x : x.slice0(s, Math.min(n, s + batchSize));
      labels.push(...predictedClasses(this.forward(xb).out));
    }
    return labels;
  }

  /** Reject an unknown loss, and cross-entropy on top of a Softmax layer. */
  checkLoss(fn: string, loss: unknown): asserts loss is LossName {
    if (!LOSSES.includes(loss as LossName)) throw new InputError(fn, "loss", `"cross-entropy" or "mse"`, describe(loss));
    const last = this.layers[this.layers.length - 1];
    if (loss === "cross-entropy" && last.type === "Softmax") {
      throw new InputError(
        fn,
        "loss",
        `a network ending in raw scores for "cross-entropy" (the loss applies the softmax itself; remove the last layer "${last.name}" or use "mse")`,
        `"cross-entropy" after a Softmax layer`,
      );
    }
  }

  private lossOfOutput(fn: string, out: Tensor, targets: Targets, loss: LossName): LossResult {
    checkTargets(fn, targets, out.shape, loss);
    const n = out.shape[0];
    const k = out.shape[out.rank - 1];
    if (targets instanceof Tensor) {
      const r = mseLoss(out, targets);
      const correct = countEqual(predictedClasses(out), predictedClasses(targets));
      return { loss: r.loss, accuracy: correct / n, correct, out, dout: r.dpred, trace: r.trace };
    }
    const correct = countEqual(predictedClasses(out), targets);
    if (loss === "cross-entropy") {
      const r = softmaxCrossEntropy(out, targets);
      return { loss: r.loss, accuracy: correct / n, correct, out, dout: r.dlogits, trace: r.trace };
    }
    // mse on labels: one-hot rows, or the 0/1 label itself for a single output
    const target = k === 1 ? Tensor.fromArray(targets, out.shape) : oneHot(targets, k).reshape(out.shape);
    const r = mseLoss(out, target);
    return { loss: r.loss, accuracy: correct / n, correct, out, dout: r.dpred, trace: r.trace };
  }
}

/**
 * Throw unless `targets` fit a network output of shape `outShape` [N, …, K] under `loss`: N integer
 * labels in [0, K) (in [0, 1] for a single output), or for "mse" a Tensor shaped like the output.
 */
export function checkTargets(fn: string, targets: unknown, outShape: readonly number[], loss: LossName): asserts targets is Targets {
  const n = outShape[0];
  const k = outShape[outShape.length - 1];
  if (targets instanceof Tensor) {
    if (loss !== "mse") throw new InputError(fn, "targets", 'class labels (number[]) for "cross-entropy"', describe(targets));
    if (targets.rank !== outShape.length || targets.shape.some((d, i) => d !== outShape[i])) {
      throw new InputError(fn, "targets", `shape ${fmtShape(outShape)} (the network's output)`, fmtShape(targets.shape));
    }
    return;
  }
  if (loss === "cross-entropy" && (outShape.length !== 2 || k < 2)) {
    throw new InputError(fn, "x", `inputs for which the network gives scores [N, K] with K >= 2 classes ("cross-entropy")`, `an output of shape ${fmtShape(outShape)}`);
  }
  if (loss === "mse" && outShape.length !== 2) {
    throw new InputError(fn, "x", `inputs for which the network gives [N, K] outputs ("mse" with class labels)`, `an output of shape ${fmtShape(outShape)}`);
  }
  if (!Array.isArray(targets)) throw new InputError(fn, "targets", "class labels (an array of integers) or a Tensor", describe(targets));
  if (targets.length !== n) throw new InputError(fn, "targets", `${n} labels (one per example of x)`, `${targets.length} labels`);
  const classes = k === 1 ? 2 : k;
  targets.forEach((y: unknown, i: number) => {
    if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= classes) {
      throw new InputError(fn, "targets", `integer class labels in [0, ${classes - 1}] (${classes} classes)`, `${describe(y)} at index ${i}`);
    }
  });
}

function countEqual(a: readonly number[], b: readonly number[]): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) c++;
  return c;
}

/**
 * Summary rows as a Keras-style DataFrame (columns layer, type, output_shape, params) with a
 * "Total" row: the one table builder behind Network.summary and the TensorFlow.js models' summaries.
 */
export function summaryFrame(rows: readonly SummaryRow[]): pl.DataFrame {
  const total = rows.reduce((s, r) => s + r.params, 0);
  const all = [...rows, { layer: "Total", type: "", output_shape: "", params: total }];
  return pl.DataFrame([
    pl.Series("layer", all.map((r) => r.layer)),
    pl.Series("type", all.map((r) => r.type)),
    pl.Series("output_shape", all.map((r) => r.output_shape)),
    pl.Series("params", all.map((r) => r.params), pl.Int64),
  ]);
}
