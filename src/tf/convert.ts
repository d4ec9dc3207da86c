/**
 * Moving numbers between the step-by-step library's `Tensor` (float64) and TensorFlow.js tensors
 * (float32), without leaking TensorFlow.js memory: every helper here disposes what it allocates,
 * so `tf.memory().numTensors` is the same before and after.
 *
 * On the wasm backend a tensor lives in the WebAssembly heap: `tf.slice` of a big tensor copies the
 * whole source, so mini-batches are built from typed-array views (`batchTensor`) instead.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, InputError } from "../errors";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import { requireBackend } from "./backend";

/** The values of a tf.Tensor read synchronously as a float64 `Tensor` (a scalar becomes [1]). */
function readTf(t: tf.Tensor): Tensor {
  return new Tensor(Float64Array.from(t.dataSync()), t.shape.length === 0 ? [1] : t.shape);
}

/** A float32 tf.Tensor with the values and shape of `t`; the caller owns it (dispose it). */
export function toTfTensor(t: Tensor): tf.Tensor {
  requireBackend("toTfTensor");
  checkTensor("toTfTensor", "t", t);
  return tf.tensor(Float32Array.from(t.data), [...t.shape], "float32");
}

/** The values of a tf.Tensor as a `Tensor` (float64); with `dispose: true` the tf.Tensor is disposed after reading. */
export function fromTfTensor(t: tf.Tensor, opts: { dispose?: boolean } = {}): Tensor {
  if (!(t instanceof tf.Tensor)) throw new InputError("fromTfTensor", "t", "a TensorFlow.js tensor", describe(t));
  if (t.isDisposed) throw new InputError("fromTfTensor", "t", "a live TensorFlow.js tensor", "a disposed one");
  try {
    return readTf(t);
  } finally {
    if (opts.dispose) t.dispose();
  }
}

/**
 * Run `fn` on TensorFlow.js copies of `inputs` and bring its result back as a `Tensor` (or an
 * array of them); every tf.Tensor made on the way is disposed.
 *
 *   const y = viaTf([x, w], (tx, tw) => tf.conv2d(tx as tf.Tensor4D, tw as tf.Tensor4D, 1, "valid"));
 */
export function viaTf(inputs: readonly Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor): Tensor;
export function viaTf(inputs: readonly Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor[]): Tensor[];
export function viaTf(inputs: readonly Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Tensor | Tensor[] {
  requireBackend("viaTf");
  if (!Array.isArray(inputs)) throw new InputError("viaTf", "inputs", "an array of Tensors", describe(inputs));
  inputs.forEach((t, i) => checkTensor("viaTf", `inputs[${i}]`, t));
  if (typeof fn !== "function") throw new InputError("viaTf", "fn", "a function of tf.Tensors", describe(fn));
  const out = tf.tidy(() => fn(...inputs.map((t) => tf.tensor(Float32Array.from(t.data), [...t.shape], "float32"))));
  // tidy kept only what fn returned: read it, then let it go
  const outs = Array.isArray(out) ? out : [out];
  try {
    const res = outs.map(readTf);
    return Array.isArray(out) ? res : res[0];
  } finally {
    tf.dispose(outs);
  }
}

/** The float32 values of a `Tensor` (images [N, H, W, C] as TensorFlow.js wants them), checked finite. */
export function float32Of(fn: string, arg: string, t: Tensor): Float32Array {
  checkTensor(fn, arg, t);
  checkTensorFinite(fn, arg, t);
  return Float32Array.from(t.data);
}

/**
 * A mini-batch as a tf.Tensor: rows `order[start]`, …, `order[end − 1]` of `values` (rows of
 * `rowShape`; `order` null: rows start…end − 1), gathered into `scratch` and copied into the
 * backend once. The caller disposes it.
 */
export function batchTensor(
  values: Float32Array,
  rowShape: readonly number[],
  order: ArrayLike<number> | null,
  start: number,
  end: number,
  scratch?: Float32Array,
): tf.Tensor {
  const row = rowShape.reduce((a, b) => a * b, 1);
  const n = end - start;
  const rows = order ? order.length : values.length / row;
  if (!(n >= 1) || start < 0 || end > rows) throw new InputError("batchTensor", "start/end", `0 <= start < end <= ${rows}`, `start ${start}, end ${end}`);
  // contiguous rows: a view, copied by tf.tensor
  if (!order) return tf.tensor(values.subarray(start * row, end * row), [n, ...rowShape], "float32");
  const buf = scratch && scratch.length >= n * row ? scratch.subarray(0, n * row) : new Float32Array(n * row);
  for (let k = 0; k < n; k++) {
    const r = order[start + k];
    buf.set(values.subarray(r * row, (r + 1) * row), k * row);
  }
  return tf.tensor(buf, [n, ...rowShape], "float32");
}

/** One-hot rows [N, K] of integer labels, as a float32 tf.Tensor (the caller disposes it). */
export function oneHotTf(labels: ArrayLike<number>, k: number, order?: ArrayLike<number>, start = 0, end = (order ?? labels).length): tf.Tensor2D {
  const n = end - start;
  const buf = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const y = labels[order ? order[start + i] : start + i];
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new InputError("oneHotTf", "labels", `integers in [0, ${k - 1}]`, `${describe(y)} at ${order ? order[start + i] : start + i}`);
    buf[i * k + y] = 1;
  }
  return tf.tensor2d(buf, [n, k]);
}

/** Shape text for messages: "[N, 28, 28, 1]" for a batch shape with the batch axis unknown. */
export function batchShapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "N" : String(d))).join(", ")}]`;
}
