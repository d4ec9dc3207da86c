/**
 * The training loop (chapters 4, 10 and 12): mini-batch gradient descent with a history.
 *
 *   for each epoch:  shuffle the examples (seeded), cut them into batches of `batchSize`
 *     for each batch:  loss and gradient (net.lossAndGrad), one optimizer step
 *   then:  validation loss and accuracy, early stopping, callbacks
 *
 * An epoch's training loss and accuracy are the averages over its batches as they were trained
 * (weighted by batch size), as Keras reports them; the validation figures are computed after the
 * epoch with the weights at that moment. The loop yields to the event loop every few
 * milliseconds, so that a Jupyter interrupt, an AbortSignal or a chart redraw can get in.
 */
import { checkCount, checkFits } from "./checks";
import { checkFinite, checkInt, describe, InputError, NonFiniteError, text } from "./errors";
import { checkTargets, Network, type LossName, type Targets } from "./network";
import type { Optimizer } from "./optim";
import { batches } from "./data/batches";
import { Random } from "./random";
import { watchInterrupt } from "./host";
import { checkTensor, Tensor } from "./tensor";
import pl from "nodejs-polars";

/** Examples and their labels (a `Dataset` from src/data fits); for "mse" a Tensor of targets may replace the labels. */
export interface LabeledData {
  /** inputs [N, …], as the first layer expects them */
  x: Tensor;
  /** N class labels, or a Tensor of targets shaped like the network's output ("mse") */
  labels: Targets;
}

/**
 * Why training ended: "abort" your `signal`, "interrupt" the kernel's Interrupt, "diverged" the
 * loss, a gradient or a weight stopped being a finite number.
 */
export type StopReason = "done" | "early" | "abort" | "interrupt" | "callback" | "diverged";

/** One finished epoch. Epochs count from 1; val_… are null without validation data. */
export interface HistoryRow {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  /** seconds this epoch took (training and validation) */
  time_s: number;
}

/** What `train` returns (and passes, growing, to the callbacks). */
export interface History {
  /** one row per finished epoch; an epoch cut short by a stop is not a row */
  rows: HistoryRow[];
  /** the loss of every batch trained, in order (also those of an unfinished epoch) */
  batches: number[];
  stopped: StopReason;
  /** the epoch with the lowest val_loss (with validation data only; with earlyStopping.minDelta, the last improvement by more than it) */
  bestEpoch?: number;
  /** what looked wrong though training ran to its end, e.g. a loss that grew by orders of magnitude */
  warnings: string[];
  /** rows as a DataFrame: epoch, loss, accuracy, val_loss, val_accuracy, time_s */
  toDataFrame(): pl.DataFrame;
}

/** What a callback receives. In onBatch, loss and accuracy are the batch's and val_… are null. */
export interface TrainProgress {
  /** 1-based */
  epoch: number;
  /** 1-based batch within the epoch (in onEpoch: the last one) */
  batch: number;
  /** batches per epoch */
  batches: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  /** milliseconds since training started */
  elapsed: number;
  history: History;
}

/** A callback may return (or resolve to) "stop": training ends after the current batch or epoch. */
export type TrainCallback = (info: TrainProgress) => void | "stop" | Promise<void | "stop">;

export interface EarlyStoppingOptions {
  /** epochs without an improvement of val_loss before stopping (integer >= 1) */
  patience: number;
  /** an improvement must lower val_loss by more than this; default 0 */
  minDelta?: number;
  /** put back the weights of the best epoch when training ends; default true */
  restoreBest?: boolean;
}

export interface TrainOptions {
  /** passes over the training data (integer >= 1) */
  epochs: number;
  /** examples per gradient step; default 32 (the last batch of an epoch may be smaller) */
  batchSize?: number;
  /** SGD, Adam, … */
  optimizer: Optimizer;
  /** default "cross-entropy" (the network must end in raw scores, not a Softmax) */
  loss?: LossName;
  /** seed of the shuffling; default 0 */
  seed?: number;
  /** shuffle the examples each epoch (a new seeded order every epoch); default true */
  shuffle?: boolean;
  /** evaluated after every epoch: val_loss, val_accuracy */
  validation?: LabeledData;
  /** after every batch */
  onBatch?: TrainCallback;
  /** after every epoch (and its validation) */
  onEpoch?: TrainCallback;
  /** stop when val_loss has not improved for `patience` epochs (needs validation) */
  earlyStopping?: EarlyStoppingOptions;
  /** abort() stops training after the current batch; the history so far is returned, stopped "abort" */
  signal?: AbortSignal;
  /** yield to the event loop when this many ms have passed since the last yield; default 10 (0: every batch) */
  yieldEveryMs?: number;
  /** once, when training ends for any reason (`history.stopped` says which), before `train` resolves */
  onEnd?: EndCallback;
}

/** Called once when a training loop ends, with the history as `train` returns it. */
export type EndCallback = (history: History) => void;

const now = (): number => performance.now();
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function checkData(fn: string, arg: string, net: Network, data: unknown, loss: LossName): LabeledData {
  if (data === null || typeof data !== "object") throw new InputError(fn, arg, "{ x: Tensor, labels }", describe(data));
  const d = data as LabeledData;
  checkTensor(fn, `${arg}.x`, d.x);
  checkTargets(fn, d.labels, net.outputShape(d.x.shape), loss);
  return d;
}

/** An empty history (shared by this loop and the TensorFlow.js one). */
export function makeHistory(): History {
  const h: History = {
    rows: [],
    batches: [],
    stopped: "done",
    warnings: [],
    toDataFrame: () => historyFrame(h.rows),
  };
  return h;
}

/**
 * Training stopped because the loss, a gradient or a weight stopped being a finite number: almost
 * always a learning rate too large for the problem. `history` holds what was trained before.
 */
export class DivergenceError extends Error {
  constructor(
    fn: string,
    /** the history up to the failing batch, `stopped: "diverged"` */
    readonly history: History,
    readonly epoch: number,
    readonly batch: number,
    /** the learning rate in use, when the optimizer has one */
    readonly lr: number | null,
    /** what was not finite, e.g. "dense_2.forward: … Infinity at flat index 3" */
    readonly detail: string,
  ) {
    const rate = typeof lr === "number" ? ` with learning rate ${lr}` : "";
    const count = (a: unknown) => (Array.isArray(a) ? a.length : 0);
    const epochs = count(history?.rows);
    const kept = `${epochs} finished epoch${epochs === 1 ? "" : "s"} and ${count(history?.batches)} batch losses`;
    super(
      `${text(fn)}: training diverged at epoch ${text(epoch)}, batch ${text(batch)}${rate}: ${text(detail)}. ` +
        `Lower the learning rate${typeof lr === "number" ? ` (try ${lr / 10})` : ""}; the history so far (${kept}) is in error.history`,
    );
    this.name = "DivergenceError";
  }
}

/**
 * A warning for a run that ended with a finite but exploded loss: the last epoch's mean loss more
 * than 10 times the first batch's (a learning rate too large overshoots a little more each step).
 */
export function explodedLossWarning(history: History, lr: number | null): string | null {
  const first = history.batches[0];
  const last = history.rows[history.rows.length - 1]?.loss;
  if (first === undefined || last === undefined || !(last > 10 * first)) return null;
  const rate = lr === null ? "the learning rate" : `the learning rate ${lr}`;
  return `the loss grew from ${first.toPrecision(3)} (first batch) to ${last.toPrecision(3)} (last epoch): ${rate} is probably too large`;
}

/** HistoryRow[] as a DataFrame with the columns epoch, loss, accuracy, val_loss, val_accuracy, time_s. */
export function historyFrame(rows: readonly HistoryRow[]): pl.DataFrame {
  const col = (k: keyof HistoryRow) => rows.map((r) => r[k]);
  return pl.DataFrame([
    pl.Series("epoch", col("epoch"), pl.Int32),
    pl.Series("loss", col("loss"), pl.Float64),
    pl.Series("accuracy", col("accuracy"), pl.Float64),
    pl.Series("val_loss", col("val_loss"), pl.Float64),
    pl.Series("val_accuracy", col("val_accuracy"), pl.Float64),
    pl.Series("time_s", col("time_s"), pl.Float64),
  ]);
}

/**
 * Train `net` on `data` with mini-batch gradient descent; resolves to the History.
 *
 * How it ends: after `epochs` ("done"), early stopping ("early"), a callback returning "stop"
 * ("callback"), `signal` aborted by you ("abort"), the kernel's Interrupt ("interrupt", see
 * interruptSignal in ./host.ts): each stops after the current batch and resolves with the history
 * so far, and `onEnd` is called once. When the loss, a gradient or a weight
 * stops being finite after training started, it rejects with a DivergenceError that names the
 * epoch, the batch and the learning rate and holds the history so far (`error.history`).
 *
 *   const history = await train(net, digits.train, { epochs: 5, batchSize: 10, optimizer: new SGD({ lr: 0.5 }),
 *                                                   validation: digits.validation })
 */
export async function train(net: Network, data: LabeledData, options: TrainOptions): Promise<History> {
  const fn = "train";
  if (!(net instanceof Network)) throw new InputError(fn, "net", "a Network", describe(net));
  if (options === null || typeof options !== "object") throw new InputError(fn, "options", "{ epochs, optimizer, … }", describe(options));
  const { epochs, optimizer, validation, earlyStopping, signal, onBatch, onEpoch } = options;
  const batchSize = options.batchSize ?? 32;
  const loss = options.loss ?? "cross-entropy";
  const seed = options.seed ?? 0;
  const yieldEveryMs = options.yieldEveryMs ?? 10;
  checkInt(fn, "epochs", epochs);
  checkInt(fn, "batchSize", batchSize);
  checkInt(fn, "seed", seed, Number.MIN_SAFE_INTEGER);
  if (typeof yieldEveryMs !== "number" || !(yieldEveryMs >= 0)) throw new InputError(fn, "yieldEveryMs", "a number >= 0", describe(yieldEveryMs));
  if (optimizer === null || typeof optimizer !== "object" || typeof optimizer.step !== "function") {
    throw new InputError(fn, "optimizer", "an optimizer (new SGD({ lr }), new Adam())", describe(optimizer));
  }
  for (const [k, cb] of [["onBatch", onBatch], ["onEpoch", onEpoch], ["onEnd", options.onEnd]] as const) {
    if (cb !== undefined && typeof cb !== "function") throw new InputError(fn, k, "a function", describe(cb));
  }
  if (signal !== undefined && (signal === null || typeof signal.aborted !== "boolean")) throw new InputError(fn, "signal", "an AbortSignal", describe(signal));
  net.checkLoss(fn, loss);
  const train = checkData(fn, "data", net, data, loss);
  const val = validation === undefined ? undefined : checkData(fn, "validation", net, validation, loss);
  const stopping = earlyStopping === undefined ? undefined : checkEarlyStopping(fn, earlyStopping, val !== undefined);

  const n = train.x.shape[0];
  const perEpoch = Math.ceil(n / batchSize);
  const shuffle = options.shuffle ?? true;
  // with Tensor targets, batches() shuffles placeholder labels and the targets follow batch.indices
  const labelRows = train.labels instanceof Tensor ? new Array<number>(n).fill(0) : train.labels;
  const random = new Random(seed);
  const history = makeHistory();
  const start = now();
  let lastYield = start;
  let best = Infinity;
  let bestWeights: Map<string, Float64Array> | null = null;
  let sinceBest = 0;
  const host = watchInterrupt();
  /** Why to stop now, when a signal says so: your abort first, then the kernel's interrupt. */
  const aborted = (): StopReason | null => (signal?.aborted ? "abort" : host.signal.aborted ? "interrupt" : null);

  const finish = (reason: StopReason): History => {
    host.done();
    history.stopped = reason;
    if (stopping?.restoreBest && bestWeights !== null) net.restore(bestWeights);
    const warning = reason === "diverged" ? null : explodedLossWarning(history, optimizer.lr ?? null);
    if (warning !== null) history.warnings.push(warning);
    options.onEnd?.(history);
    return history;
  };
  let steps = 0; // optimizer steps taken: after the first, a non-finite number means divergence
  /** One step of mini-batch gradient descent, or a DivergenceError once the numbers are no longer finite. */
  const step = (x: Tensor, targets: Targets, epoch: number, b: number) => {
    try {
      const r = net.lossAndGrad(x, targets, loss);
      if (!Number.isFinite(r.loss)) throw new NonFiniteError(`${net.name}.lossAndGrad`, "x", "a finite loss", String(r.loss));
      optimizer.step(net.params()); // refuses non-finite gradients
      steps++;
      for (const p of net.params()) checkFinite(`${optimizer.name}.step`, p.name, p.value.data, "finite weights after the update");
      return r;
    } catch (e) {
      if (!(e instanceof NonFiniteError) || steps === 0) throw e; // bad data or a bad net: its own error
      finish("diverged");
      throw new DivergenceError("train", history, epoch, b, optimizer.lr ?? null, e.message);
    }
  };

  if (aborted()) return finish(aborted() as StopReason);
  try {
    return await loop();
  } finally {
    host.done(); // also when a callback throws
  }

  async function loop(): Promise<History> {
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = now();
    let lossSum = 0;
    let accSum = 0;
    let b = 0;
    // a new seeded order each epoch (the same Random draws on); rows copied with Tensor.take
    for (const batch of batches({ x: train.x, labels: labelRows }, batchSize, { seed: random, shuffle })) {
      // one step of mini-batch gradient descent
      const targets = train.labels instanceof Tensor ? train.labels.take(batch.indices) : batch.labels;
      const r = step(batch.x, targets, epoch, b + 1);
      history.batches.push(r.loss);
      const size = batch.indices.length;
      lossSum += r.loss * size;
      accSum += r.accuracy * size;
      b++;
      let stop: StopReason | null = null;
      if (onBatch) {
        const info = { epoch, batch: b, batches: perEpoch, loss: r.loss, accuracy: r.accuracy, val_loss: null, val_accuracy: null, elapsed: now() - start, history };
        if ((await onBatch(info)) === "stop") stop = "callback";
      }
      if (now() - lastYield >= yieldEveryMs) {
        await yieldToEventLoop(); // let an interrupt, an abort() or a redraw in
        lastYield = now();
      }
      stop ??= aborted();
      if (stop) return finish(stop);
    }

    // the epoch's figures, then validation with the weights as they are now
    const row: HistoryRow = { epoch, loss: lossSum / n, accuracy: accSum / n, val_loss: null, val_accuracy: null, time_s: 0 };
    if (val) {
      const v = evaluate(net, val, loss);
      row.val_loss = v.loss;
      row.val_accuracy = v.accuracy;
    }
    row.time_s = (now() - epochStart) / 1000;
    history.rows.push(row);

    let stop: StopReason | null = null;
    if (row.val_loss !== null) {
      if (row.val_loss < best - (stopping?.minDelta ?? 0)) {
        best = row.val_loss;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (stopping?.restoreBest) bestWeights = net.snapshot();
      } else {
        sinceBest++;
        if (stopping && sinceBest >= stopping.patience) stop = "early";
      }
    }
    if (onEpoch) {
      const info = { epoch, batch: perEpoch, batches: perEpoch, loss: row.loss, accuracy: row.accuracy, val_loss: row.val_loss, val_accuracy: row.val_accuracy, elapsed: now() - start, history };
      if ((await onEpoch(info)) === "stop" && stop === null) stop = "callback";
    }
    await yieldToEventLoop();
    lastYield = now();
    stop ??= aborted();
    if (stop) return finish(stop);
  }
  return finish("done");
  }
}

function checkEarlyStopping(fn: string, es: EarlyStoppingOptions, hasValidation: boolean): Required<EarlyStoppingOptions> {
  if (es === null || typeof es !== "object") throw new InputError(fn, "earlyStopping", "{ patience, minDelta?, restoreBest? }", describe(es));
  if (!hasValidation) throw new InputError(fn, "validation", "validation data when earlyStopping is set (it watches val_loss)", "none");
  checkInt(fn, "earlyStopping.patience", es.patience);
  const minDelta = es.minDelta ?? 0;
  if (typeof minDelta !== "number" || !Number.isFinite(minDelta) || minDelta < 0) throw new InputError(fn, "earlyStopping.minDelta", "a number >= 0", describe(minDelta));
  if (es.restoreBest !== undefined && typeof es.restoreBest !== "boolean") throw new InputError(fn, "earlyStopping.restoreBest", "true or false", describe(es.restoreBest));
  return { patience: es.patience, minDelta, restoreBest: es.restoreBest ?? true };
}

/**
 * Mean loss and accuracy of `net` on `data` in evaluation mode (dropout off), in batches of
 * `batchSize` so that memory stays flat on large sets.
 */
export function evaluate(net: Network, data: LabeledData, loss: LossName = "cross-entropy", batchSize = 256): { loss: number; accuracy: number } {
  const fn = "evaluate";
  if (!(net instanceof Network)) throw new InputError(fn, "net", "a Network", describe(net));
  net.checkLoss(fn, loss);
  checkInt(fn, "batchSize", batchSize);
  const d = checkData(fn, "data", net, data, loss);
  const n = d.x.shape[0];
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const whole = s === 0 && e === n;
    const xb = whole ? d.x : d.x.slice0(s, e);
    const yb = whole ? d.labels : d.labels instanceof Tensor ? d.labels.slice0(s, e) : d.labels.slice(s, e);
    const r = net.lossOf(xb, yb, loss);
    lossSum += r.loss * (e - s); // the batch's mean loss, weighted by its size
    correct += r.correct;
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

/**
 * Counts of (true class, predicted class) pairs: m[t][p] = how many examples of class t were
 * predicted as p. Rows are true classes, columns predictions; the diagonal holds the hits.
 */
export function confusionMatrix(pred: readonly number[], labels: readonly number[], k: number): number[][] {
  const fn = "confusionMatrix";
  checkCount(fn, "k", k);
  checkFits(fn, "k", [k, k], `${k} × ${k} cells`);
  for (const [arg, v] of [["pred", pred], ["labels", labels]] as const) {
    if (!Array.isArray(v) || v.length === 0) throw new InputError(fn, arg, "a non-empty array of class indices", describe(v));
    v.forEach((c: unknown, i: number) => {
      if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c >= k) throw new InputError(fn, arg, `class indices in [0, ${k - 1}]`, `${describe(c)} at index ${i}`);
    });
  }
  if (pred.length !== labels.length) throw new InputError(fn, "labels", `${pred.length} labels (one per prediction)`, `${labels.length}`);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < pred.length; i++) m[labels[i]][pred[i]]++;
  return m;
}
