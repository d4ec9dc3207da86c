/**
 * fitDigits, evaluateModel, predictModel. The acceptance test trains the lecture's CNN on the 8,000
 * training digits for 2 epochs on wasm (with the gradient kernels of wasm-grads.ts) and asks for at
 * least 95% test accuracy; the others use small slices and a small model so that cpu stays quick.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadDigits } from "../../src/data";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";
import { lectureCnn } from "../../src/tf/models";
import { evaluateModel, fitDigits, predictModel } from "../../src/tf/train";
import { CI_BACKENDS, use } from "./helpers";

const digits = loadDigits();
const small = loadDigits({ size: 16 });

/** The first n examples of a data set. */
function head(d: { x: Tensor; labels: number[] }, n: number): { x: Tensor; labels: number[] } {
  return { x: d.x.slice0(0, n), labels: d.labels.slice(0, n) };
}

/** A small CNN for 16×16 digits: conv 4@3×3 → max pool 2 → dense 10 softmax, seeded. */
function tinyCnn(seed: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

test("acceptance: the lecture's CNN, 8,000 digits, 2 epochs on wasm, seeded → ≥ 95% test accuracy", async () => {
  await use("wasm");
  const model = lectureCnn({ seed: 1 });
  const t0 = performance.now();
  const history = await fitDigits(model, digits.train, { epochs: 2, seed: 0, validation: digits.validation });
  const seconds = (performance.now() - t0) / 1000;
  const test = evaluateModel(model, digits.test);
  console.log(
    `lecture CNN on wasm: ${history.rows.map((r) => `epoch ${r.epoch} loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)} val_acc ${r.val_accuracy?.toFixed(4)} (${r.time_s.toFixed(1)} s)`).join("; ")}; ` +
      `test accuracy ${test.accuracy} in ${seconds.toFixed(1)} s`,
  );
  assert.equal(history.rows.length, 2);
  assert.equal(history.stopped, "done");
  assert.equal(history.batches.length, 2 * Math.ceil(8000 / 32));
  assert.ok(history.rows[1].loss < history.rows[0].loss, "the loss falls from epoch 1 to 2");
  assert.deepEqual(history.toDataFrame().columns, ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "time_s"]);
  assert.ok(test.accuracy >= 0.95, `test accuracy ${test.accuracy} ≥ 0.95`);
  model.dispose();
});

for (const backend of CI_BACKENDS) {
  test(`${backend}: same seeds, same numbers — two runs on 256 digits agree batch by batch; another shuffle seed differs`, async () => {
    await use(backend);
    const data = head(small.train, 256);
    const run = async (seed: number) => {
      const m = tinyCnn(3);
      const h = await fitDigits(m, data, { epochs: 2, batchSize: 64, seed });
      m.dispose();
      return h.batches;
    };
    const [a, b, c] = [await run(0), await run(0), await run(1)];
    assert.equal(a.length, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
}

test("evaluateModel: confusion rows are the true classes and sum to the class counts; accuracy = trace / N", async () => {
  await use("wasm");
  const m = tinyCnn(5);
  await fitDigits(m, head(small.train, 512), { epochs: 1 });
  const data = head(small.test, 300);
  const e = evaluateModel(m, data, 128);
  assert.equal(e.predictions.length, 300);
  assert.equal(e.confusion.length, 10);
  for (let c = 0; c < 10; c++) {
    const row = e.confusion[c].reduce((s, v) => s + v, 0);
    assert.equal(row, data.labels.filter((y) => y === c).length, `row ${c}`);
  }
  const trace = e.confusion.reduce((s, row, i) => s + row[i], 0);
  assert.equal(e.accuracy, trace / 300);
  assert.ok(Number.isFinite(e.loss) && e.loss > 0);
  const p = predictModel(m, data.x.slice0(0, 7));
  assert.deepEqual(p.shape, [7, 10]);
  for (let i = 0; i < 7; i++) assert.ok(Math.abs(p.row(i).sum().item() - 1) < 1e-5, "softmax rows sum to 1");
  assert.deepEqual(p.argmax(-1), e.predictions.slice(0, 7));
  m.dispose();
});

test("callbacks: onBatch sees batches 1…B of each epoch; onEpoch returning 'stop' ends after that epoch", async () => {
  await use("wasm");
  const m = tinyCnn(7);
  const seen: string[] = [];
  const h = await fitDigits(m, head(small.train, 100), {
    epochs: 3,
    batchSize: 40,
    onBatch: (p) => void seen.push(`${p.epoch}.${p.batch}/${p.batches}`),
    onEpoch: (p) => (p.epoch === 2 ? "stop" : undefined),
  });
  assert.deepEqual(seen, ["1.1/3", "1.2/3", "1.3/3", "2.1/3", "2.2/3", "2.3/3"]);
  assert.equal(h.stopped, "callback");
  assert.equal(h.rows.length, 2);
  m.dispose();
});

test("an AbortSignal stops training after the current batch; the history so far comes back", async () => {
  await use("wasm");
  const m = tinyCnn(9);
  const ctrl = new AbortController();
  const h = await fitDigits(m, head(small.train, 100), { epochs: 2, batchSize: 20, signal: ctrl.signal, onBatch: (p) => (p.batch === 2 ? ctrl.abort() : undefined) });
  assert.equal(h.stopped, "abort");
  assert.equal(h.batches.length, 2);
  assert.equal(h.rows.length, 0);
  m.dispose();
});

test("bad input: digits [N, 28, 28] without the channel axis → the expected shape and x.reshape([N, 28, 28, 1])", async () => {
  await use("wasm");
  const m = lectureCnn();
  const flat = { x: digits.test.x.reshape([1000, 28, 28]), labels: digits.test.labels };
  await assert.rejects(fitDigits(m, flat), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.arg, "data.x");
    assert.match(e.message, /fitDigits: argument 'data\.x' expected images \[N, 28, 28, 1\].*x\.reshape\(\[1000, 28, 28, 1\]\)/);
    return true;
  });
  assert.throws(() => evaluateModel(m, { x: digits.test.x, labels: digits.test.labels.map((y) => y + 1) }), /evaluateModel: argument 'data\.labels' expected class indices in \[0, 9\], got 10/);
  await assert.rejects(fitDigits(m, digits.test, { epochs: 0 }), /fitDigits: argument 'opts\.epochs' expected an integer >= 1, got 0/);
  await assert.rejects(fitDigits(m, digits.test, { optimizer: "rmsprop" as "adam" }), /argument 'opts\.optimizer' expected "adam", "sgd" or a tf\.Optimizer/);
  m.dispose();
});

for (const backend of CI_BACKENDS) {
  test(`fitDigits on ${backend}: every tensor it makes is freed, its own Adam optimizer included (numTensors before = after, 3 calls)`, async () => {
    await use(backend);
    const model = tinyCnn(4);
    const data = head(small.train, 64);
    await fitDigits(model, data, { epochs: 1, batchSize: 32 }); // warm-up: the model's weights and kernels exist now
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await fitDigits(model, data, { epochs: 1, batchSize: 32, optimizer: "adam" });
    assert.equal(tf.memory().numTensors, before);
    // an optimizer the caller passes stays the caller's: its moments survive the call
    const mine = tf.train.adam(0.001);
    await fitDigits(model, data, { epochs: 1, batchSize: 32, optimizer: mine });
    assert.ok(tf.memory().numTensors > before, "the caller's Adam keeps its moments");
    mine.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}

test("fitDigits: a learning rate that makes the loss non-finite ends in a DivergenceError holding the history; onEnd sees 'diverged'", async () => {
  await use("cpu");
  const model = tinyCnn(5);
  let ended: string | null = null;
  const err = await fitDigits(model, head(small.train, 96), { epochs: 2, batchSize: 32, optimizer: "sgd", learningRate: 1e30, onEnd: (h) => (ended = h.stopped) }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error && err.name === "DivergenceError", String(err));
  assert.match(err.message, /fitDigits: training diverged at epoch 1, batch \d+ with learning rate 1e\+30: the loss became NaN/);
  const history = (err as unknown as { history: { stopped: string; batches: number[] } }).history;
  assert.equal(history.stopped, "diverged");
  assert.equal(ended, "diverged");
  assert.ok(history.batches.length >= 1, "the batches trained before are kept");
});
