/**
 * Live training output: ONE chart (loss and accuracy, training vs validation, per epoch) and ONE
 * progress line (epoch e/E, batch b/B, loss, time left), both replaced in place (a display id
 * and update_display_data), instead of hundreds of outputs. The last state of both outputs holds
 * no wall-clock value ("done · 3/3 epochs · loss 0.2100 · …"): an executed lesson saves the same
 * outputs on every run. Times appear only in the lines drawn while training.
 *
 *   const live = liveTraining({ epochs: 10 });
 *   const history = await train(net, data, { epochs: 10, optimizer, validation, ...live });
 *
 * The handle holds `onBatch`, `onEpoch` and `signal`, the three options of `train` it drives.
 *
 * Interrupt (Jupyter's "interrupt the kernel") is not the display's business: `train` itself
 * stops after the current batch and resolves with `history.stopped === "interrupt"` (the kernel
 * hands interrupts to the library, see src/host.ts), and the display then says "interrupted".
 */
import { InputError, describe } from "../src/errors";
import { historyChart } from "../src/charts/line";
import { DisplayHandle } from "./display";
import { esc, showOutput } from "./show";
import type { History, HistoryRow, TrainProgress } from "../src/train";

/** One finished epoch, as `train`'s history holds it. */
export type LiveRow = Pick<HistoryRow, "epoch" | "loss" | "accuracy" | "val_loss" | "val_accuracy">;

export interface LiveTrainingOptions {
  /** The number of epochs `train` runs, for "epoch e/E" and the time left. Default: unknown (time left of the epoch only). */
  epochs?: number;
  /** Chart title. Default "Training". */
  title?: string;
  /** The progress line is redrawn at most this often during an epoch, in ms (and after every epoch). Default 500. */
  progressEveryMs?: number;
  /** The chart is redrawn after an epoch when this many ms have passed since the last redraw (and always at the end). Default 1000. */
  chartEveryMs?: number;
  /** Pixel density of the chart's PNG. Default 2. */
  scale?: number;
}

/** How a training that used the handle ended, as the progress line says it. */
export type LiveState = "waiting" | "running" | "done" | "stopped" | "interrupted";

/** What `liveTraining` returns: spread it into `train`'s options. */
export interface LiveTraining {
  /** for train: redraws the progress line (throttled) */
  readonly onBatch: (p: TrainProgress) => void;
  /** for train: adds the epoch to the chart and redraws both outputs */
  readonly onEpoch: (p: TrainProgress) => void;
  /** for train: aborted by `stop()` */
  readonly signal: AbortSignal;
  /** Stop training after the current batch. */
  stop(): void;
  /** End the display: final redraw. Called by itself when train ends. */
  close(): void;
  /** The epochs finished so far. */
  readonly rows: readonly LiveRow[];
  readonly state: LiveState;
}

// ------------------------------------------------------------------ formatting

function fmtTime(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

const f4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(4));

function checkOpts(o: unknown): Required<Omit<LiveTrainingOptions, "epochs">> & { epochs: number | null } {
  const fn = "liveTraining";
  if (o === undefined) o = {};
  if (o === null || typeof o !== "object") throw new InputError(fn, "opts", "an options object", describe(o));
  const r = o as LiveTrainingOptions;
  const num = (k: keyof LiveTrainingOptions, v: unknown, def: number, int: boolean, min: number): number => {
    if (v === undefined) return def;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || (int && !Number.isInteger(v))) {
      throw new InputError(fn, `opts.${k}`, int ? `an integer >= ${min}` : `a number >= ${min}`, describe(v));
    }
    return v;
  };
  if (r.title !== undefined && typeof r.title !== "string") throw new InputError(fn, "opts.title", "a string", describe(r.title));
  if (r.scale !== undefined && (typeof r.scale !== "number" || !(r.scale > 0 && r.scale <= 10))) throw new InputError(fn, "opts.scale", "a number in (0, 10]", describe(r.scale));
  return {
    epochs: r.epochs === undefined ? null : num("epochs", r.epochs, 0, true, 1),
    title: r.title ?? "Training",
    progressEveryMs: num("progressEveryMs", r.progressEveryMs, 500, false, 0),
    chartEveryMs: num("chartEveryMs", r.chartEveryMs, 1000, false, 0),
    scale: r.scale ?? 2,
  };
}

// ------------------------------------------------------------------ liveTraining

/**
 * A live chart and progress line for `train`: spread the handle into its options
 * (`{ epochs, optimizer, ...liveTraining({ epochs }) }`). The outputs belong to the cell that
 * calls liveTraining.
 */
export function liveTraining(opts?: LiveTrainingOptions): LiveTraining {
  const o = checkOpts(opts);
  const controller = new AbortController();
  const progressOut = new DisplayHandle(undefined, false);
  const chartOut = new DisplayHandle(undefined, false);
  const inKernel = progressOut.live;
  let history: History | null = null;
  let state: LiveState = "waiting";
  let reason = "";
  let last: TrainProgress | null = null;
  let lastProgressAt = -Infinity;
  let lastChartAt = -Infinity;
  let chartRows = 0;
  let closed = false;

  const rowsNow = (): LiveRow[] =>
    (history?.rows ?? []).map((r) => ({ epoch: r.epoch, loss: r.loss, accuracy: r.accuracy, val_loss: r.val_loss, val_accuracy: r.val_accuracy }));

  /** The metrics of the last finished epoch, or the last batch's loss before the first epoch ends. */
  const metrics = (): string => {
    const r = history?.rows[history.rows.length - 1];
    if (!r) return last ? `batch loss ${f4(last.loss)}` : "";
    const val = r.val_loss !== null ? ` · val_loss ${f4(r.val_loss)} · val_accuracy ${f4(r.val_accuracy)}` : "";
    return `loss ${f4(r.loss)} · accuracy ${f4(r.accuracy)}${val}`;
  };

  const progressLine = (): string => {
    if (!last) return state === "interrupted" ? `${o.title}: interrupted before the first batch` : `${o.title}: waiting for the first batch…`;
    const p = last;
    const E = o.epochs;
    const where = `epoch ${p.epoch}${E ? `/${E}` : ""} · batch ${p.batch}/${p.batches}`;
    const n = history?.rows.length ?? 0;
    const epochs = `${n} epoch${n === 1 ? "" : "s"}`;
    if (state === "running") {
      const done = (p.epoch - 1) * p.batches + p.batch; // batches trained so far
      const total = (E ?? p.epoch) * p.batches;
      const left = (p.elapsed / done) * (total - done);
      return `training · ${where} · ${metrics()} · ${fmtTime(p.elapsed)} elapsed · ~${fmtTime(left)} left${E ? "" : " in this epoch"}`;
    }
    // the final line is part of the saved notebook: no wall-clock value in it, so that two runs
    // of a lesson give the same outputs (the time is only in the lines drawn while training)
    const why =
      state === "done" ? `done · ${n}${E ? `/${E}` : ""} epoch${(E ?? n) === 1 ? "" : "s"}` :
      state === "interrupted" ? `interrupted at ${where} · the history keeps ${epochs}` :
      reason === "early" ? `stopped early (val_loss stopped improving) after ${epochs}` :
      `stopped at ${where} · the history keeps ${epochs}`;
    return `${why} · ${metrics()}`;
  };

  const progressBundle = () => {
    const line = progressLine();
    const p = last;
    const frac = p ? Math.min(1, ((p.epoch - 1) * p.batches + p.batch) / ((o.epochs ?? p.epoch) * p.batches)) : 0;
    const color = state === "interrupted" || state === "stopped" ? "#e45756" : state === "done" ? "#54a24b" : "#4c78a8";
    const bar = `<div style="display:inline-block;vertical-align:middle;width:160px;height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden;margin-right:8px"><div style="width:${(frac * 100).toFixed(1)}%;height:8px;background:${color}"></div></div>`;
    const html = `<div style="font-family:SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:12px;color:#222;margin:2px 0">${bar}${esc(line)}</div>`;
    return { "text/html": html, "text/plain": line };
  };

  function drawProgress(): void {
    lastProgressAt = performance.now();
    if (inKernel) progressOut.update(progressBundle());
  }

  function drawChart(): void {
    lastChartAt = performance.now();
    const rows = rowsNow();
    if (!inKernel || rows.length === 0 || rows.length === chartRows) return;
    chartRows = rows.length;
    // loss and accuracy panels, training and validation curves (validation when there is some)
    const out = showOutput(historyChart(rows as unknown as Record<string, unknown>[], { title: o.title }), { scale: o.scale });
    chartOut.update(out.data, out.metadata);
  }

  /** Training ended (train set history.stopped, or close()): final redraw. */
  function end(why: string | undefined): void {
    if (closed) return;
    closed = true;
    reason = why ?? "done";
    if (state === "waiting" || state === "running") state = reason === "done" ? "done" : reason === "interrupt" ? "interrupted" : "stopped";
    drawChart();
    drawProgress();
    if (!inKernel) console.log(progressLine());
  }

  /**
   * train() sets `history.stopped` when it returns: watching that property tells the handle that
   * training ended, whether by finishing, early stopping, a callback or an abort.
   */
  function watch(h: History): void {
    if (history === h || !h || typeof h !== "object") return;
    history = h;
    let stopped = h.stopped;
    try {
      Object.defineProperty(h, "stopped", {
        configurable: true,
        enumerable: true,
        get: () => stopped,
        set: (v: History["stopped"]) => {
          stopped = v;
          end(v);
        },
      });
    } catch {
      // a frozen history: close() ends the display
    }
  }

  const onBatch = (p: TrainProgress): void => {
    watch(p.history);
    last = p;
    if (state === "waiting") state = "running";
    if (closed) return;
    if (performance.now() - lastProgressAt >= o.progressEveryMs) drawProgress();
  };

  const onEpoch = (p: TrainProgress): void => {
    watch(p.history);
    last = p;
    if (state === "waiting") state = "running";
    if (closed) return;
    // printed lines stay as they are: no wall-clock value in them either
    if (!inKernel) console.log(`epoch ${p.epoch}${o.epochs ? `/${o.epochs}` : ""} · ${metrics()}`);
    // the last epoch ends the display now, before the cell finishes, even for a training loop
    // that does not set history.stopped (the final chart is drawn whatever the throttle)
    if (o.epochs !== null && p.epoch >= o.epochs) return end("done");
    if (performance.now() - lastChartAt >= o.chartEveryMs) drawChart();
    drawProgress();
  };

  // the two outputs exist from the start, in this order: the progress line, then the chart
  if (inKernel) {
    progressOut.display(progressBundle());
    chartOut.display({ "text/plain": `${o.title}: the chart appears after the first epoch` });
  }

  return {
    onBatch,
    onEpoch,
    signal: controller.signal,
    stop: () => {
      if (state === "waiting" || state === "running") state = "stopped";
      controller.abort();
    },
    close: () => end(undefined),
    get rows() {
      return rowsNow();
    },
    get state() {
      return state;
    },
  };
}
