/**
 * liveTraining: one progress output and one chart output, updated in place by display id while
 * `train` runs; the kernel's Interrupt (the library's hook, src/host.ts) stops training after the
 * current batch, keeps the history and the display says "interrupted"; liveTraining itself never
 * touches SIGINT. First with a stand-in writer in this process, then in the real kernel with
 * Jupyter's interrupt.
 */
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { liveTraining } from "../../kernel-helpers/live";
import { interrupt } from "../../src/host";
import { setDisplayWriter, type DisplayContent } from "../../kernel-helpers/display";
import { InputError } from "../../src/errors";
import { Network } from "../../src/network";
import { Dense } from "../../src/layers/dense";
import { Tanh } from "../../src/layers/activations";
import { SGD } from "../../src/optim";
import { train } from "../../src/train";
import { xorData } from "../../src/data/toy";
import { ARTIFACTS, PYTHON, setupKernel, testEnv } from "./setup";

const VEGALITE = "application/vnd.vegalite.v5+json";

interface Sent {
  content: DisplayContent;
  update: boolean;
}

/** A stand-in for tslab's writer that records every message. */
function recorder(): Sent[] {
  const sent: Sent[] = [];
  setDisplayWriter((content, update) => sent.push({ content, update: update === true }));
  return sent;
}

/** The final content of every display id, in the order the outputs were created. */
function finalOutputs(sent: Sent[]): { id: string; data: Record<string, unknown>; updates: number }[] {
  const outs = new Map<string, { id: string; data: Record<string, unknown>; updates: number }>();
  for (const s of sent) {
    const id = s.content.transient?.display_id;
    assert.ok(id, "every live output has a display id");
    if (!s.update) {
      assert.ok(!outs.has(id), `display ${id} created once`);
      outs.set(id, { id, data: s.content.data, updates: 0 });
    } else {
      const o = outs.get(id);
      assert.ok(o, `update of an existing display ${id}`);
      o.data = s.content.data;
      o.updates++;
    }
  }
  return [...outs.values()];
}

/** A duration as the progress line writes one ("3 s", "1 min 05 s", "2 h 00 min"), or the words around it. */
const WALL_CLOCK = /\d+ (s|min|h)\b|elapsed|left/;

const xorNet = () => new Network([new Dense(2, 8, { seed: 1 }), new Tanh(), new Dense(8, 2, { seed: 2 })]);

/** The chart's points: { x: epoch, metric, y }. */
const chartPoints = (data: Record<string, unknown>) => {
  const spec = data[VEGALITE] as { hconcat?: { data?: { values: unknown[] } }[]; data?: { values: unknown[] } };
  return (spec.data?.values ?? []) as { x: number; metric: string; y: number }[];
};

afterEach(() => setDisplayWriter(null));

describe("liveTraining with train (a stand-in writer)", () => {
  test("XOR 200 points, 6 epochs, validation: two outputs created once, then only updates; the chart holds the history", async () => {
    const sent = recorder();
    const data = xorData(200, { seed: 3 });
    const live = liveTraining({ epochs: 6, chartEveryMs: 0, progressEveryMs: 0 });
    assert.equal(live.state, "waiting");
    const history = await train(xorNet(), data, { epochs: 6, batchSize: 20, optimizer: new SGD({ lr: 0.3 }), validation: data, ...live });
    const outs = finalOutputs(sent);
    assert.equal(outs.length, 2, "one progress line, one chart");
    const [progress, chart] = outs;
    assert.deepEqual(Object.keys(progress.data).sort(), ["text/html", "text/plain"]);
    assert.deepEqual(Object.keys(chart.data).sort(), [VEGALITE, "image/png", "text/plain"]);
    assert.equal(history.stopped, "done");
    assert.equal(live.state, "done");
    assert.match(progress.data["text/plain"] as string, /^done · 6\/6 epochs · loss \d\.\d{4} · accuracy \d\.\d{4} · val_loss \d\.\d{4} · val_accuracy \d\.\d{4}$/);
    // progressEveryMs 0: a redraw per batch (10 per epoch) and per epoch, the last epoch's being the final one
    assert.equal(progress.updates, 6 * 10 + 6);
    assert.equal(chart.updates, 6, "chartEveryMs 0: a redraw per epoch, none at the end when nothing changed");
    const points = chartPoints(chart.data);
    assert.equal(points.length, 6 * 4);
    for (const p of points) assert.equal(p.y, (history.rows[p.x - 1] as unknown as Record<string, number>)[p.metric]);
    assert.deepEqual(live.rows.map((r) => r.loss), history.rows.map((r) => r.loss));
  });

  test("throttled: progressEveryMs 1 h and chartEveryMs 1 h draw only per epoch and at the end", async () => {
    const sent = recorder();
    const live = liveTraining({ epochs: 4, chartEveryMs: 3_600_000, progressEveryMs: 3_600_000 });
    await train(xorNet(), xorData(100, { seed: 1 }), { epochs: 4, batchSize: 10, optimizer: new SGD({ lr: 0.1 }), ...live });
    const [progress, chart] = finalOutputs(sent);
    assert.equal(progress.updates, 1 + 4, "first batch, then every epoch (the last one is the end)");
    assert.equal(chart.updates, 2, "the first epoch, then the end with all 4");
    assert.equal(chartPoints(chart.data).length, 4 * 2);
  });

  test("the kernel's Interrupt during epoch 3 of 50: training stops after the current batch, history keeps 2 epochs, display 'interrupted'; no SIGINT listener added", async () => {
    recorder();
    const listeners = process.listenerCount("SIGINT");
    const live = liveTraining({ epochs: 50 });
    assert.equal(process.listenerCount("SIGINT"), listeners, "liveTraining takes no SIGINT listener");
    let batchesAfter = -1;
    let batchesAtSignal = 0;
    let hookSaid: unknown = null;
    const history = await train(xorNet(), xorData(400, { seed: 2 }), {
      epochs: 50, batchSize: 10, optimizer: new SGD({ lr: 0.1 }), yieldEveryMs: 0, ...live,
      onBatch: (p) => {
        live.onBatch(p);
        if (p.epoch === 3 && p.batch === 5) {
          batchesAtSignal = p.history.batches.length;
          // what the kernel's adapter calls on Interrupt
          hookSaid = (globalThis as Record<symbol, () => unknown>)[Symbol.for("dl-lessons.interrupt")]();
        }
        if (batchesAtSignal) batchesAfter++;
      },
    });
    assert.equal(hookSaid, true, "the hook says a training loop will stop");
    assert.equal(history.stopped, "interrupt");
    assert.equal(history.rows.length, 2);
    assert.ok(batchesAfter >= 0 && batchesAfter <= 1, `stopped after the current batch, ${batchesAfter} batches after the interrupt`);
    assert.equal(live.state, "interrupted");
    assert.equal(interrupt(), false, "nothing running: the next interrupt is tslab's");
  });

  test("a liveTraining created but not passed to train does not swallow the interrupt", () => {
    recorder();
    const live = liveTraining({ epochs: 5 });
    assert.equal(interrupt(), false);
    assert.equal(live.state, "waiting");
    live.close();
  });

  test("a loop that never sets history.stopped (epochs given): the last epoch ends the display, chart drawn despite the throttle", async () => {
    const sent = recorder();
    const live = liveTraining({ epochs: 3, chartEveryMs: 3_600_000 });
    const history = { rows: [] as { epoch: number; loss: number; accuracy: number; val_loss: null; val_accuracy: null; time_s: number }[], batches: [], stopped: "done" as const, toDataFrame: () => { throw new Error("unused"); } };
    for (let epoch = 1; epoch <= 3; epoch++) {
      const p = { epoch, batch: 1, batches: 1, loss: 1 / epoch, accuracy: epoch / 4, val_loss: null, val_accuracy: null, elapsed: epoch * 10, history };
      live.onBatch(p);
      history.rows.push({ epoch, loss: 1 / epoch, accuracy: epoch / 4, val_loss: null, val_accuracy: null, time_s: 0.01 });
      live.onEpoch(p);
    }
    assert.equal(live.state, "done");
    const [progress, chart] = finalOutputs(sent);
    assert.match(progress.data["text/plain"] as string, /^done · 3\/3 epochs · loss 0\.3333 · accuracy 0\.7500$/);
    assert.equal(chart.updates, 2, "epoch 1, then the last epoch");
    assert.equal(chartPoints(chart.data).length, 3 * 2);
  });

  test("the same 3 epochs, once fast (10 ms each) and once slow (an hour each): identical final outputs, time only while running", () => {
    // a hand-written loop, so that only the elapsed time differs between the two runs
    const run = (msPerBatch: number) => {
      const sent = recorder();
      const live = liveTraining({ epochs: 3, chartEveryMs: 0, progressEveryMs: 0 });
      const history = { rows: [] as Record<string, number | null>[], batches: [], stopped: null as string | null, toDataFrame: () => { throw new Error("unused"); } };
      let batches = 0;
      for (let epoch = 1; epoch <= 3; epoch++) {
        for (let batch = 1; batch <= 2; batch++) {
          batches++;
          live.onBatch({ epoch, batch, batches: 2, loss: 1 / (epoch + batch), accuracy: 0.5, val_loss: null, val_accuracy: null, elapsed: batches * msPerBatch, history } as never);
        }
        history.rows.push({ epoch, loss: 1 / epoch, accuracy: epoch / 4, val_loss: 2 / epoch, val_accuracy: epoch / 5, time_s: (batches * msPerBatch) / 1000 });
        live.onEpoch({ epoch, batch: 2, batches: 2, loss: 1 / epoch, accuracy: epoch / 4, val_loss: 2 / epoch, val_accuracy: epoch / 5, elapsed: batches * msPerBatch, history } as never);
      }
      setDisplayWriter(null);
      return { sent, outs: finalOutputs(sent) };
    };
    const fast = run(10);
    const slow = run(3_600_000);
    assert.equal(fast.outs.length, 2);
    // the display ids are random: compare what the outputs hold, as Jupyter receives it (JSON)
    const json = (r: typeof fast) => JSON.parse(JSON.stringify(r.outs.map((o) => o.data)));
    assert.deepEqual(json(slow), json(fast));
    const [progress, chart] = fast.outs;
    assert.equal(progress.data["text/plain"], "done · 3/3 epochs · loss 0.3333 · accuracy 0.7500 · val_loss 0.6667 · val_accuracy 0.6000");
    for (const o of [...fast.outs, ...slow.outs]) {
      for (const [mime, v] of Object.entries(o.data)) if (mime !== "image/png") assert.doesNotMatch(JSON.stringify(v), WALL_CLOCK, `final ${mime}`);
    }
    assert.equal(chartPoints(chart.data).length, 3 * 4);
    // while running, the line does say how long it has taken and how long is left
    const running = slow.sent.map((s) => s.content.data["text/plain"] as string).filter((t) => t.startsWith("training"));
    assert.ok(running.length >= 6, `${running.length} running lines`);
    assert.match(running[0], /^training · epoch 1\/3 · batch 1\/2 · batch loss 0\.5000 · 1 h 00 min elapsed · ~5 h 00 min left$/);
    assert.match(running[0], WALL_CLOCK);
  });

  test("stop(): ends training after the current batch, state 'stopped'; close() twice is harmless", async () => {
    const sent = recorder();
    const live = liveTraining();
    const history = await train(xorNet(), xorData(100, { seed: 1 }), {
      epochs: 20, batchSize: 10, optimizer: new SGD({ lr: 0.1 }), ...live,
      onEpoch: (p) => {
        live.onEpoch(p);
        if (p.epoch === 2) live.stop();
      },
    });
    assert.equal(history.rows.length, 2);
    assert.equal(live.state, "stopped");
    live.close();
    live.close();
    const [progress] = finalOutputs(sent);
    assert.match(progress.data["text/plain"] as string, /^stopped at epoch 2 · batch 10\/10 · the history keeps 2 epochs/);
  });

  test("plain Node (no kernel): a line per epoch and a last line, no display message", async () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => printed.push(a.join(" "));
    try {
      const live = liveTraining({ epochs: 3 });
      await train(xorNet(), xorData(60, { seed: 1 }), { epochs: 3, batchSize: 20, optimizer: new SGD({ lr: 0.1 }), ...live });
    } finally {
      console.log = log;
    }
    assert.equal(printed.length, 4);
    printed.slice(0, 3).forEach((l, i) => assert.match(l, new RegExp(`^epoch ${i + 1}/3 · loss \\d\\.\\d{4} · accuracy`)));
    assert.match(printed[3], /^done · 3\/3 epochs · loss \d\.\d{4} · accuracy \d\.\d{4}$/);
    for (const l of printed) assert.doesNotMatch(l, WALL_CLOCK, l);
  });

  test("bad options are InputErrors naming liveTraining and the option", () => {
    assert.throws(() => liveTraining({ epochs: 0 }), (e: unknown) => e instanceof InputError && e.fn === "liveTraining" && e.arg === "opts.epochs");
    assert.throws(() => liveTraining({ progressEveryMs: -1 }), (e: unknown) => e instanceof InputError && e.arg === "opts.progressEveryMs");
    assert.throws(() => liveTraining({ title: 3 as never }), InputError);
    assert.throws(() => liveTraining(null as never), InputError);
  });
});

describe("liveTraining in the real kernel, interrupted as Jupyter does it", () => {
  test("fixtures/interrupt.py: the cell ends normally with the history so far; a waiting cell is interrupted by tslab as before", () => {
    setupKernel();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const reportPath = path.join(ARTIFACTS, "interrupt.json");
    fs.rmSync(reportPath, { force: true });
    const r = spawnSync(PYTHON, [path.join(__dirname, "fixtures", "interrupt.py"), reportPath], {
      cwd: path.join(__dirname, "fixtures"), env: testEnv(), encoding: "utf8", timeout: 180_000,
    });
    assert.equal(r.status, 0, r.stderr);
    type Out = { mimes: string[]; text: string; updates: number; values: { x: number; metric: string; y: number }[] | null };
    type Run = { status: string; outputs: Out[]; streams: { name: string; text: string }[]; interrupted_at: number | null; seconds: number };
    const report = JSON.parse(fs.readFileSync(reportPath, "utf8")) as { setup: string; train: Run; check: { stopped: string; epochs: number; listeners: number }; plain: Run };
    assert.equal(report.setup, "ok");
    // the training cell: interrupted, yet status ok, no error printed
    assert.ok(report.train.interrupted_at !== null, "the interrupt was sent");
    assert.equal(report.train.status, "ok");
    assert.deepEqual(report.train.streams.filter((s) => s.name === "stderr"), []);
    assert.equal(report.check.stopped, "interrupt");
    assert.ok(report.check.epochs >= 2 && report.check.epochs < 200, `${report.check.epochs} epochs kept`);
    // exactly one progress output and one chart, holding the epochs the history kept
    const [progress, chart] = report.train.outputs;
    assert.equal(report.train.outputs.length, 2);
    assert.deepEqual(progress.mimes, ["text/html", "text/plain"]);
    assert.match(progress.text, new RegExp(`^interrupted at epoch \\d+/200 · batch \\d+/200 · the history keeps ${report.check.epochs} epochs`));
    assert.deepEqual(chart.mimes, [VEGALITE, "image/png", "text/plain"]);
    assert.equal(new Set(chart.values!.map((v) => v.x)).size, report.check.epochs);
    // tslab's own SIGINT listener only, and it interrupts a waiting cell
    assert.equal(report.check.listeners, 1);
    assert.equal(report.plain.status, "error");
    assert.ok(report.plain.seconds < 10, `the 30 s wait was interrupted after ${report.plain.seconds.toFixed(1)} s`);
    assert.match(report.plain.streams.map((s) => s.text).join(""), /Interrupted/);
  });
});
