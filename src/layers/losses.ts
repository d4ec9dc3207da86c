/**
 * Losses, chapter 4: softmax cross-entropy for classification, mean squared error for
 * regression. Each returns the loss and, right away, its gradient with respect to its input:
 * the δ that starts backpropagation.
 *
 * Softmax cross-entropy, logits z [N, K], class labels y_n:
 *   p = softmax(z) row by row,  loss_n = −log p[n, y_n] = logsumexp(z_n) − z[n, y_n]
 *   L = (1/N) Σ_n loss_n  (the mean over the batch, the "cost"; the total loss Σ_n has the same minimizer)
 *   ∂L/∂z = (p − onehot(y)) / N
 * logsumexp(z_n) = m + log Σ_k e^(z[n,k] − m), m = max_k z[n,k], so logits of ±1000 stay finite.
 *
 * Mean squared error, pred and target of the same shape [N, ...]:
 *   L = mean over all values of (pred − target)²,  ∂L/∂pred = 2 (pred − target) / (number of values)
 * This is Keras's `loss: "mse"` (tf.losses.meanSquaredError): Keras averages over the last axis, then
 * over the batch, which is the same number when every example has the same size. Some texts use
 * ½ Σ (pred − target)² instead; that changes the gradient by a constant factor, not the minimizer.
 */
import { checkFits } from "../checks";
import { checkFinite, describe, fmtShape, InputError } from "../errors";
import { checkOutputFinite, checkTensor, Tensor } from "../tensor";
import type { LossTrace } from "../trace";

/** Check class labels: an array of N integers in [0, k). */
function checkLabels(fn: string, labels: unknown, k: number, n?: number): asserts labels is readonly number[] {
  if (!Array.isArray(labels)) throw new InputError(fn, "labels", "an array of class indices", describe(labels));
  if (labels.length === 0) throw new InputError(fn, "labels", "at least one label", "an empty array");
  if (n !== undefined && labels.length !== n) {
    throw new InputError(fn, "labels", `${n} labels (one per row of the logits)`, `${labels.length} labels`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= k) {
      throw new InputError(fn, "labels", `integer class indices in [0, ${k - 1}]`, `${describe(y)} at index ${i}`);
    }
  }
}

/** One-hot rows: labels [N] of classes in [0, k) → Tensor [N, k] with a single 1 per row. */
export function oneHot(labels: readonly number[], k: number): Tensor {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) throw new InputError("oneHot", "k", "an integer >= 1", describe(k));
  checkLabels("oneHot", labels, k);
  checkFits("oneHot", "k", [labels.length, k], `${labels.length} labels × ${k} classes`);
  const out = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + labels[i]] = 1;
  return new Tensor(out, [labels.length, k]);
}

/** What softmaxCrossEntropy returns: the mean loss, its gradient, the probabilities, each example's loss. */
export interface SoftmaxCrossEntropyResult {
  /** mean of perExample */
  loss: number;
  /** ∂loss/∂logits = (probs − onehot) / N, [N, K] */
  dlogits: Tensor;
  /** softmax(logits), [N, K] */
  probs: Tensor;
  /** −log probs[n, labels[n]], [N] */
  perExample: Tensor;
  trace: LossTrace;
}

/** Softmax then cross-entropy, in one stable step: logits [N, K], labels [N] → mean loss and dlogits. */
export function softmaxCrossEntropy(logits: Tensor, labels: readonly number[]): SoftmaxCrossEntropyResult {
  const fn = "softmaxCrossEntropy";
  checkTensor(fn, "logits", logits, ["N", "K"]);
  checkFinite(fn, "logits", logits.data);
  const [n, k] = logits.shape;
  checkLabels(fn, labels, k, n);
  const z = logits.data;
  const p = new Float64Array(n * k);
  const per = new Float64Array(n);
  const dz = new Float64Array(n * k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = i * k;
    let m = -Infinity;
    for (let j = r; j < r + k; j++) if (z[j] > m) m = z[j];
    let s = 0;
    for (let j = r; j < r + k; j++) s += Math.exp(z[j] - m);
    const lse = m + Math.log(s); // log Σ_j e^(z_j)
    for (let j = r; j < r + k; j++) {
      p[j] = Math.exp(z[j] - lse); // p_j = e^(z_j − logsumexp)
      dz[j] = p[j] / n;
    }
    per[i] = lse - z[r + labels[i]]; // −log p_y, without taking the log of a tiny p
    dz[r + labels[i]] -= 1 / n; // (p − y) / N
    total += per[i];
  }
  const probs = new Tensor(p, [n, k]);
  const perExample = new Tensor(per, [n]);
  const loss = total / n;
  return {
    loss,
    dlogits: new Tensor(dz, [n, k]),
    probs,
    perExample,
    trace: { kind: "loss", fn: "softmax-cross-entropy", input: logits, probs, target: oneHot(labels, k), perExample, loss },
  };
}

/** What mseLoss returns. */
export interface MseResult {
  /** mean over all values of (pred − target)² */
  loss: number;
  /** ∂loss/∂pred = 2 (pred − target) / size, shape of pred */
  dpred: Tensor;
  /** mean squared error of each example (row), [N] */
  perExample: Tensor;
  trace: LossTrace;
}

/** Mean squared error: pred and target [N, ...] of equal shape → mean (pred − target)² and dpred. */
export function mseLoss(pred: Tensor, target: Tensor): MseResult {
  const fn = "mseLoss";
  checkTensor(fn, "pred", pred);
  checkTensor(fn, "target", target);
  if (target.rank !== pred.rank || target.shape.some((d, i) => d !== pred.shape[i])) {
    throw new InputError(fn, "target", `shape ${fmtShape(pred.shape)} (the shape of pred)`, fmtShape(target.shape));
  }
  checkFinite(fn, "pred", pred.data);
  checkFinite(fn, "target", target.data);
  const size = pred.size;
  const n = pred.shape[0];
  const rowLen = size / n;
  const g = new Float64Array(size);
  const per = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * rowLen; j < (i + 1) * rowLen; j++) {
      const e = pred.data[j] - target.data[j]; // the error
      s += e * e;
      g[j] = (2 * e) / size; // ∂/∂pred of (1/size) Σ e²
    }
    per[i] = s / rowLen;
    total += s;
  }
  const loss = total / size;
  // finite predictions far from their targets can still overflow (ŷ − y)²
  if (!Number.isFinite(loss)) checkOutputFinite(fn, new Tensor(Float64Array.of(loss), [1]), "pred");
  const perExample = new Tensor(per, [n]);
  return {
    loss,
    dpred: new Tensor(g, pred.shape),
    perExample,
    trace: { kind: "loss", fn: "mse", input: pred, probs: pred, target, perExample, loss },
  };
}
