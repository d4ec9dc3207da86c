/**
 * Training a TensorFlow.js model on real digits (chapter 10), evaluating it and counting its
 * confusions. The loop is our own rather than model.fit, for three reasons:
 *
 * - seeded, reproducible batches: the examples are shuffled with ../random.ts, one permutation
 *   per epoch, and (with seeded initializers, ./models.ts) two runs on cpu or wasm give the same
 *   numbers;
 * - speed on wasm: each batch is gathered from a Float32Array into one new tensor, where model.fit
 *   slices a big tensor (on wasm `slice` copies the whole source every time);
 * - the same History and callbacks as the step-by-step `train` (../train.ts), so that the same
 *   live chart shows both.
 *
 * The loss is the categorical cross-entropy, averaged over the batch: on probabilities when the
 * model ends in a softmax (as Keras computes it, with p clipped to [1e-7, 1 − 1e-7]), on raw
 * scores (softmax cross-entropy) when it ends in a linear layer.
 */
import * as tf from "@tensorflow/tfjs";
import { checkInt, describe, InputError } from "../errors";
import { Random } from "../random";
import { Tensor } from "../tensor";
import { confusionMatrix, DivergenceError, explodedLossWarning, makeHistory, type History, type HistoryRow, type EndCallback, type StopReason, type TrainCallback, type TrainProgress } from "../train";
import { ensureBackend, requireBackend } from "./backend";
import { watchInterrupt } from "../host";
import { batchTensor, float32Of, oneHotTf } from "./convert";
import { checkModelTensor, inputShapeOf } from "./models";

/** Images and their class labels: a `Dataset` of ../data fits. */
export interface DigitData {
  /** images [N, H, W, C] as the model takes them */
  x: Tensor;
  /** N class labels in 0..K − 1 */
  labels: readonly number[];
}

/** Options of `fitDigits`; defaults in brackets. */
export interface FitOptions {
  /** passes over the training data [2] */
  epochs?: number;
  /** examples per gradient step [32, as Keras]; the last batch of an epoch holds the remainder */
  batchSize?: number;
  /** seed of the shuffling [0] */
  seed?: number;
  /** "adam" (lr 0.001), "sgd" (lr 0.01), or any tf.Optimizer ["adam"] */
  optimizer?: "adam" | "sgd" | tf.Optimizer;
  /** learning rate of "adam" or "sgd" [0.001 for adam, 0.01 for sgd] */
  learningRate?: number;
  /** evaluated after every epoch: val_loss, val_accuracy [none, or `validation` of a Splits] */
  validation?: DigitData;
  /** after every batch (loss and accuracy of the batch) */
  onBatch?: TrainCallback;
  /** after every epoch and its validation */
  onEpoch?: TrainCallback;
  /** abort() stops after the current batch; the history so far is returned, stopped "abort" (the kernel's Interrupt: "interrupt") */
  signal?: AbortSignal;
  /** yield to the event loop when this many ms have passed since the last yield [10; 0: every batch] */
  yieldEveryMs?: number;
  /** once, when training ends for any reason (`history.stopped` says which) */
  onEnd?: EndCallback;
}

/** Loss, accuracy and the predicted class of every example. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  predictions: number[];
  /** m[t][p] = examples of class t predicted as p (rows: true classes) */
  confusion: number[][];
}

function checkData(fn: string, arg: string, model: tf.LayersModel, data: unknown, k: number): DigitData {
  if (data === null || typeof data !== "object") throw new InputError(fn, arg, "{ x: Tensor [N, H, W, C], labels }", describe(data));
  const d = data as DigitData;
  checkModelTensor(fn, `${arg}.x`, model, d.x);
  const n = d.x.shape[0];
  if (!Array.isArray(d.labels) || d.labels.length !== n) throw new InputError(fn, `${arg}.labels`, `${n} labels (one per image)`, describe(d.labels));
  d.labels.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new InputError(fn, `${arg}.labels`, `class indices in [0, ${k - 1}]`, `${describe(y)} at index ${i}`);
  });
  return d;
}

/** Classes the model tells apart: the size of its output. */
function classesOf(fn: string, model: tf.LayersModel): number {
  const s = model.outputs[0].shape;
  const k = s[s.length - 1];
  if (s.length !== 2 || k === null || k < 2) throw new InputError(fn, "model", "a classifier with outputs [N, K], K ≥ 2", `outputs ${JSON.stringify(s)}`);
  return k;
}

/** How the model ends: "softmax" (probabilities) or "linear" (raw scores). */
function outputKind(fn: string, model: tf.LayersModel): "softmax" | "linear" {
  const last = model.layers[model.layers.length - 1];
  const cfg = last.getConfig() as { activation?: unknown };
  const act = last.getClassName() === "Softmax" ? "softmax" : cfg.activation ?? "linear";
  if (act !== "softmax" && act !== "linear") {
    throw new InputError(fn, "model", "a model ending in softmax (probabilities) or linear (raw scores) for the cross-entropy", `last layer "${last.name}" with activation ${JSON.stringify(act)}`);
  }
  return act;
}

/** Mean categorical cross-entropy of a batch, and its count of correct predictions. */
function lossAndCorrect(kind: "softmax" | "linear", out: tf.Tensor, y: tf.Tensor2D): { loss: tf.Scalar; correct: tf.Scalar } {
  const loss =
    kind === "linear"
      ? (tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar)
      : (tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(out, 1e-7, 1 - 1e-7))), 1))) as tf.Scalar);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), tf.argMax(y, 1)), "float32")) as tf.Scalar;
  return { loss, correct };
}

function makeOptimizer(fn: string, opts: FitOptions): tf.Optimizer {
  const o = opts.optimizer ?? "adam";
  if (o instanceof tf.Optimizer) return o;
  if (o !== "adam" && o !== "sgd") throw new InputError(fn, "opts.optimizer", '"adam", "sgd" or a tf.Optimizer', describe(o));
  const lr = opts.learningRate ?? (o === "adam" ? 1e-3 : 1e-2);
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) throw new InputError(fn, "opts.learningRate", "a finite number > 0", describe(lr));
  return o === "adam" ? tf.train.adam(lr) : tf.train.sgd(lr);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Train `model` on digits with mini-batch gradient descent; resolves to the History (rows per
 * epoch: loss, accuracy, val_loss, val_accuracy, time_s; `toDataFrame()`), like ../train.ts.
 *
 *   const { train, validation } = loadDigits();
 *   const history = await fitDigits(lectureCnn({ seed: 1 }), train, { epochs: 2, validation, onEpoch: live.update });
 */
export async function fitDigits(model: tf.LayersModel, data: DigitData, opts: FitOptions = {}): Promise<History> {
  const fn = "fitDigits";
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  await ensureBackend();
  const k = classesOf(fn, model);
  const kind = outputKind(fn, model);
  const train = checkData(fn, "data", model, data, k);
  const validation = opts.validation === undefined ? undefined : checkData(fn, "opts.validation", model, opts.validation, k);
  const epochs = opts.epochs ?? 2;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 0;
  const yieldEveryMs = opts.yieldEveryMs ?? 10;
  checkInt(fn, "opts.epochs", epochs);
  checkInt(fn, "opts.batchSize", batchSize);
  checkInt(fn, "opts.seed", seed, 0);
  if (typeof yieldEveryMs !== "number" || !(yieldEveryMs >= 0)) throw new InputError(fn, "opts.yieldEveryMs", "a number >= 0", describe(yieldEveryMs));
  for (const cb of ["onBatch", "onEpoch", "onEnd"] as const) {
    if (opts[cb] !== undefined && typeof opts[cb] !== "function") throw new InputError(fn, `opts.${cb}`, "a function", describe(opts[cb]));
  }
  const optimizer = makeOptimizer(fn, opts);

  const rowShape = inputShapeOf(model);
  const xs = float32Of(fn, "data.x", train.x);
  const n = train.x.shape[0];
  const perEpoch = Math.ceil(n / batchSize);
  const scratch = new Float32Array(Math.min(n, batchSize) * xs.length / n);
  const random = new Random(seed);
  const history: History = makeHistory();
  const t0 = performance.now();
  let lastYield = t0;
  let bestLoss = Infinity;

  const progress = (epoch: number, batch: number, loss: number, accuracy: number, row?: HistoryRow): TrainProgress => ({
    epoch,
    batch,
    batches: perEpoch,
    loss,
    accuracy,
    val_loss: row?.val_loss ?? null,
    val_accuracy: row?.val_accuracy ?? null,
    elapsed: performance.now() - t0,
    history,
  });
  const stop = (why: StopReason): History => {
    history.stopped = why;
    const warning = why === "diverged" ? null : explodedLossWarning(history, learningRateOf(optimizer));
    if (warning !== null) history.warnings.push(warning);
    opts.onEnd?.(history);
    return history;
  };
  const host = watchInterrupt();
  try {
    return await loop();
  } finally {
    host.done();
    // an optimizer made here holds its moments as tf tensors (Adam: 2 per weight): free them
    if (opts.optimizer === undefined || typeof opts.optimizer === "string") optimizer.dispose();
  }

  /** The epochs: one seeded order each, batches gathered from `xs`, one optimizer step per batch. */
  async function loop(): Promise<History> {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const tEpoch = performance.now();
      const order = random.permutation(n); // a new seeded order every epoch
      let lossSum = 0;
      let correctSum = 0;
      for (let b = 0; b < perEpoch; b++) {
        if (opts.signal?.aborted) return stop("abort");
        if (host.signal.aborted) return stop("interrupt");
        const start = b * batchSize;
        const end = Math.min(n, start + batchSize);
        const xb = batchTensor(xs, rowShape, order, start, end, scratch);
        const yb = oneHotTf(train.labels, k, order, start, end);
        let correctT: tf.Scalar | null = null;
        const lossT = optimizer.minimize(() => {
          const out = model.apply(xb, { training: true }) as tf.Tensor;
          const r = lossAndCorrect(kind, out, yb);
          correctT = tf.keep(r.correct);
          return r.loss;
        }, true) as tf.Scalar;
        const loss = lossT.dataSync()[0];
        const correct = (correctT as tf.Scalar | null)?.dataSync()[0] ?? 0;
        tf.dispose([xb, yb, lossT, correctT as tf.Scalar | null].filter((t): t is tf.Tensor => t !== null));
        if (!Number.isFinite(loss)) {
          stop("diverged");
          throw new DivergenceError(fn, history, epoch, b + 1, learningRateOf(optimizer), `the loss became ${loss}`);
        }
        history.batches.push(loss);
        lossSum += loss * (end - start);
        correctSum += correct;
        if (opts.onBatch && (await opts.onBatch(progress(epoch, b + 1, loss, correct / (end - start)))) === "stop") return stop("callback");
        if (performance.now() - lastYield >= yieldEveryMs) {
          await yieldToEventLoop(); // let an interrupt, an AbortSignal or a chart redraw in
          lastYield = performance.now();
        }
      }
      const val = validation ? evaluateModel(model, validation) : null;
      const row: HistoryRow = {
        epoch,
        loss: lossSum / n,
        accuracy: correctSum / n,
        val_loss: val ? val.loss : null,
        val_accuracy: val ? val.accuracy : null,
        time_s: (performance.now() - tEpoch) / 1000,
      };
      history.rows.push(row);
      if (val && val.loss < bestLoss) {
        bestLoss = val.loss;
        history.bestEpoch = epoch;
      }
      if (opts.onEpoch && (await opts.onEpoch(progress(epoch, perEpoch, row.loss, row.accuracy, row))) === "stop") return stop("callback");
      await yieldToEventLoop();
      lastYield = performance.now();
      if (opts.signal?.aborted) return stop("abort");
      if (host.signal.aborted) return stop("interrupt");
    }
    return stop("done");
  }
}

/** The learning rate of a tf optimizer, when it has one (adam, sgd, momentum, rmsprop … all do). */
function learningRateOf(o: tf.Optimizer): number | null {
  const lr = (o as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === "number" ? lr : null;
}

/** The model's output for images x [N, …] as a tf.Tensor [N, K], computed in batches (the caller disposes it). */
function predictTf(model: tf.LayersModel, xs: Float32Array, rowShape: number[], n: number, batchSize: number): tf.Tensor2D[] {
  const outs: tf.Tensor2D[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const xb = batchTensor(xs, rowShape, null, s, e);
    outs.push(tf.tidy(() => model.predict(xb) as tf.Tensor2D));
    xb.dispose();
  }
  return outs;
}

/**
 * Mean loss, accuracy, predicted classes and confusion matrix of `model` on `data`, in batches of
 * `batchSize` [500] (evaluation mode: dropout off).
 */
export function evaluateModel(model: tf.LayersModel, data: DigitData, batchSize = 500): Evaluation {
  const fn = "evaluateModel";
  requireBackend(fn);
  const k = classesOf(fn, model);
  const kind = outputKind(fn, model);
  const d = checkData(fn, "data", model, data, k);
  checkInt(fn, "batchSize", batchSize);
  const n = d.x.shape[0];
  const outs = predictTf(model, float32Of(fn, "data.x", d.x), inputShapeOf(model), n, batchSize);
  let lossSum = 0;
  const predictions: number[] = [];
  let s = 0;
  for (const out of outs) {
    const e = s + out.shape[0];
    const y = oneHotTf(d.labels, k, undefined, s, e);
    const { loss, pred } = tf.tidy(() => ({ loss: lossAndCorrect(kind, out, y).loss, pred: tf.argMax(out, 1) }));
    lossSum += loss.dataSync()[0] * (e - s);
    predictions.push(...Array.from(pred.dataSync()));
    tf.dispose([out, y, loss, pred]);
    s = e;
  }
  const correct = predictions.reduce((c, p, i) => c + (p === d.labels[i] ? 1 : 0), 0);
  return { loss: lossSum / n, accuracy: correct / n, predictions, confusion: confusionMatrix(predictions, [...d.labels], k) };
}

/** The model's outputs (probabilities or scores) for images x [N, …] as a Tensor [N, K]. */
export function predictModel(model: tf.LayersModel, x: Tensor, batchSize = 500): Tensor {
  const fn = "predictModel";
  requireBackend(fn);
  checkModelTensor(fn, "x", model, x);
  checkInt(fn, "batchSize", batchSize);
  const n = x.shape[0];
  const outs = predictTf(model, float32Of(fn, "x", x), inputShapeOf(model), n, batchSize);
  const k = outs[0].shape[1];
  const all = new Float64Array(n * k);
  let off = 0;
  for (const o of outs) {
    all.set(o.dataSync(), off);
    off += o.size;
  }
  tf.dispose(outs);
  return new Tensor(all, [n, k]);
}
