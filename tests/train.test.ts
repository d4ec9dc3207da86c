import { test } from "node:test";
import assert from "node:assert/strict";
import { train, evaluate, confusionMatrix, DivergenceError, type LabeledData, type TrainProgress } from "../src/train";
import { Network } from "../src/network";
import { SGD } from "../src/optim";
import { Random } from "../src/random";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";
import { Dense } from "../src/layers/dense";
import { Sigmoid, Softmax, Tanh } from "../src/layers/activations";

/** Two Gaussian blobs in 2-D, centres (−1, −1) and (1, 1), std `std`: label 0 and label 1, interleaved. */
function blobs(n: number, seed: number, std = 0.6): LabeledData {
  const r = new Random(seed);
  const x = new Float64Array(2 * n);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    const c = y === 0 ? -1 : 1;
    x[2 * i] = r.normal(c, std);
    x[2 * i + 1] = r.normal(c, std);
    labels.push(y);
  }
  return { x: new Tensor(x, [n, 2]), labels };
}

const mlp = (seed = 1) => new Network([new Dense(2, 8, { seed }), new Tanh(), new Dense(8, 2, { seed: seed + 1 })]);

test("blobs N=200, Dense(2,8) → Tanh → Dense(8,2), SGD lr=0.5, batch 16, 8 epochs: the loss falls and accuracy ends above 95%", async () => {
  const net = mlp();
  const data = blobs(200, 1);
  const h = await train(net, data, { epochs: 8, batchSize: 16, optimizer: new SGD({ lr: 0.5 }), seed: 3 });
  assert.equal(h.rows.length, 8);
  assert.equal(h.stopped, "done");
  assert.equal(h.batches.length, 8 * Math.ceil(200 / 16));
  const losses = h.rows.map((r) => r.loss);
  assert.ok(losses[7] < 0.5 * losses[0], `loss ${losses[0]} → ${losses[7]}`);
  assert.ok(h.rows[7].accuracy > 0.95, `accuracy ${h.rows[7].accuracy}`);
  const e = evaluate(net, data);
  assert.ok(e.accuracy > 0.95);
  assert.deepEqual(h.rows.map((r) => r.epoch), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(h.rows.every((r) => r.val_loss === null && r.val_accuracy === null && r.time_s >= 0));
});

test("same seeds ⇒ identical history, batch by batch; another shuffling seed ⇒ different batches", async () => {
  const run = (seed: number) => train(mlp(5), blobs(100, 2), { epochs: 3, batchSize: 10, optimizer: new SGD({ lr: 0.3, momentum: 0.5 }), seed });
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.deepEqual(a.batches, b.batches);
  assert.deepEqual(a.rows.map((r) => [r.loss, r.accuracy]), b.rows.map((r) => [r.loss, r.accuracy]));
  assert.notDeepEqual(a.batches, c.batches);
});

test("validation: val_loss and val_accuracy every epoch, the last equal to evaluate() on the final weights", async () => {
  const net = mlp();
  const val = blobs(60, 9);
  const seen: TrainProgress[] = [];
  const h = await train(net, blobs(100, 4), { epochs: 3, batchSize: 20, optimizer: new SGD({ lr: 0.5 }), validation: val, onEpoch: (i) => void seen.push(i) });
  assert.equal(h.rows.length, 3);
  for (const r of h.rows) {
    assert.equal(typeof r.val_loss, "number");
    assert.equal(typeof r.val_accuracy, "number");
  }
  const e = evaluate(net, val);
  assert.equal(h.rows[2].val_loss, e.loss);
  assert.equal(h.rows[2].val_accuracy, e.accuracy);
  assert.deepEqual(seen.map((s) => [s.epoch, s.batch, s.batches, s.val_loss]), h.rows.map((r) => [r.epoch, 5, 5, r.val_loss]));
  assert.equal(seen[2].history, h);
  assert.ok(h.bestEpoch !== undefined && h.bestEpoch >= 1 && h.bestEpoch <= 3);
});

test("early stopping, patience 2, on a validation set with flipped labels: stops at bestEpoch + 2 and restores the best epoch's weights", async () => {
  const net = mlp();
  const data = blobs(100, 4);
  const flipped = { x: data.x, labels: (data.labels as number[]).map((y) => 1 - y) }; // val_loss rises as training succeeds
  const weights: Map<string, Float64Array>[] = [];
  const h = await train(net, data, {
    epochs: 30,
    batchSize: 10,
    optimizer: new SGD({ lr: 0.5 }),
    validation: flipped,
    earlyStopping: { patience: 2 },
    onEpoch: () => void weights.push(net.snapshot()),
  });
  assert.equal(h.stopped, "early");
  assert.ok(h.bestEpoch !== undefined);
  assert.equal(h.rows.length, h.bestEpoch + 2);
  const vals = h.rows.map((r) => r.val_loss as number);
  assert.equal(Math.min(...vals), vals[h.bestEpoch - 1]);
  // the weights now are those after the best epoch, not after the last one
  const best = weights[h.bestEpoch - 1];
  for (const { key, param } of net.namedParams()) assert.deepEqual(Array.from(param.value.data), Array.from(best.get(key) as Float64Array), key);
  assert.equal(evaluate(net, flipped).loss, vals[h.bestEpoch - 1]);
});

test("early stopping with restoreBest: false keeps the last weights", async () => {
  const net = mlp();
  const data = blobs(100, 4);
  const flipped = { x: data.x, labels: (data.labels as number[]).map((y) => 1 - y) };
  const h = await train(net, data, { epochs: 30, batchSize: 10, optimizer: new SGD({ lr: 0.5 }), validation: flipped, earlyStopping: { patience: 1, restoreBest: false } });
  assert.equal(h.stopped, "early");
  assert.equal(evaluate(net, flipped).loss, h.rows[h.rows.length - 1].val_loss);
});

test('"stop" from onBatch at batch 3 of epoch 1: 3 batch losses, no finished epoch; from onEpoch at epoch 2: 2 rows', async () => {
  const data = blobs(100, 5);
  const calls: number[] = [];
  const h = await train(mlp(), data, {
    epochs: 5,
    batchSize: 10,
    optimizer: new SGD({ lr: 0.1 }),
    onBatch: (i) => {
      calls.push(i.batch);
      assert.equal(i.batches, 10);
      assert.equal(i.history.batches.length, i.batch);
      return i.batch === 3 ? "stop" : undefined;
    },
  });
  assert.equal(h.stopped, "callback");
  assert.deepEqual(calls, [1, 2, 3]);
  assert.equal(h.batches.length, 3);
  assert.equal(h.rows.length, 0);
  const h2 = await train(mlp(), data, { epochs: 5, batchSize: 10, optimizer: new SGD({ lr: 0.1 }), onEpoch: async (i) => (i.epoch === 2 ? "stop" : undefined) });
  assert.equal(h2.stopped, "callback");
  assert.equal(h2.rows.length, 2);
  assert.equal(h2.batches.length, 20);
});

test("AbortSignal: abort() during batch 15 stops after it (history so far); an abort from a timer gets in; an aborted signal trains nothing", async () => {
  const data = blobs(100, 6);
  const c = new AbortController();
  const h = await train(mlp(), data, {
    epochs: 5,
    batchSize: 10,
    optimizer: new SGD({ lr: 0.1 }),
    signal: c.signal,
    onBatch: (i) => void ((i.epoch - 1) * i.batches + i.batch === 15 && c.abort()),
  });
  assert.equal(h.stopped, "abort");
  assert.equal(h.batches.length, 15);
  assert.equal(h.rows.length, 1);

  // a timer can only fire if the loop yields to the event loop
  const c2 = new AbortController();
  setTimeout(() => c2.abort(), 5);
  const h2 = await train(mlp(), data, { epochs: 100000, batchSize: 10, optimizer: new SGD({ lr: 0.1 }), signal: c2.signal });
  assert.equal(h2.stopped, "abort");
  assert.ok(h2.rows.length < 100000);

  const h3 = await train(mlp(), data, { epochs: 2, optimizer: new SGD({ lr: 0.1 }), signal: AbortSignal.abort() });
  assert.equal(h3.stopped, "abort");
  assert.equal(h3.batches.length, 0);
});

test("history.toDataFrame(): columns epoch, loss, accuracy, val_loss, val_accuracy, time_s and one row per epoch", async () => {
  const h = await train(mlp(), blobs(40, 7), { epochs: 4, batchSize: 8, optimizer: new SGD({ lr: 0.2 }), validation: blobs(20, 8) });
  const df = h.toDataFrame();
  assert.deepEqual(df.columns, ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "time_s"]);
  assert.equal(df.height, 4);
  assert.deepEqual(df.getColumn("epoch").toArray(), [1, 2, 3, 4]);
  assert.deepEqual(df.getColumn("loss").toArray(), h.rows.map((r) => r.loss));
  assert.deepEqual(df.getColumn("val_accuracy").toArray(), h.rows.map((r) => r.val_accuracy));
  const none = await train(mlp(), blobs(40, 7), { epochs: 2, batchSize: 8, optimizer: new SGD({ lr: 0.2 }) });
  assert.deepEqual(none.toDataFrame().getColumn("val_loss").toArray(), [null, null]);
});

test("mse with 0/1 labels on one sigmoid output (Dense(2,4) → Tanh → Dense(4,1) → Sigmoid): loss falls", async () => {
  const net = new Network([new Dense(2, 4, { seed: 3 }), new Tanh(), new Dense(4, 1, { seed: 4 }), new Sigmoid()]);
  const h = await train(net, blobs(100, 3), { epochs: 10, batchSize: 10, optimizer: new SGD({ lr: 1 }), loss: "mse" });
  assert.ok(h.rows[9].loss < 0.5 * h.rows[0].loss, `${h.rows[0].loss} → ${h.rows[9].loss}`);
  assert.ok(h.rows[9].accuracy > 0.9);
});

test("evaluate N=50 in batches of 7 equals one batch of 50 (mean loss weighted by batch size)", () => {
  const net = mlp();
  const data = blobs(50, 11);
  const a = evaluate(net, data, "cross-entropy", 7);
  const b = evaluate(net, data, "cross-entropy", 50);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-12);
  assert.equal(a.accuracy, b.accuracy);
  const direct = net.lossOf(data.x, data.labels);
  assert.ok(Math.abs(b.loss - direct.loss) < 1e-12);
});

test("confusionMatrix k=3, pred [0,1,2,2,1,0,2] vs labels [0,1,1,2,0,0,2]: rows are true classes", () => {
  const m = confusionMatrix([0, 1, 2, 2, 1, 0, 2], [0, 1, 1, 2, 0, 0, 2], 3);
  assert.deepEqual(m, [
    [2, 1, 0],
    [0, 1, 1],
    [0, 0, 2],
  ]);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /\[0, 2\]/);
  assert.throws(() => confusionMatrix([0, 1], [0], 3), InputError);
});

test("rejected: epochs 0, batchSize 0, no optimizer, early stopping without validation, labels ≠ N, Softmax last with cross-entropy, x not matching the first layer", async () => {
  const data = blobs(20, 1);
  const opt = new SGD({ lr: 0.1 });
  const bad: [string, () => Promise<unknown>, RegExp][] = [
    ["epochs 0", () => train(mlp(), data, { epochs: 0, optimizer: opt }), /epochs/],
    ["batchSize 0", () => train(mlp(), data, { epochs: 1, batchSize: 0, optimizer: opt }), /batchSize/],
    ["no optimizer", () => train(mlp(), data, { epochs: 1 } as never), /optimizer/],
    ["early stopping alone", () => train(mlp(), data, { epochs: 1, optimizer: opt, earlyStopping: { patience: 1 } }), /validation/],
    ["patience 0", () => train(mlp(), data, { epochs: 1, optimizer: opt, validation: data, earlyStopping: { patience: 0 } }), /patience/],
    ["labels ≠ N", () => train(mlp(), { x: data.x, labels: [0, 1] }, { epochs: 1, optimizer: opt }), /20 labels/],
    ["label 2 of 2 classes", () => train(mlp(), { x: data.x, labels: new Array(20).fill(2) }, { epochs: 1, optimizer: opt }), /\[0, 1\]/],
    ["softmax last", () => train(new Network([new Dense(2, 2), new Softmax()]), data, { epochs: 1, optimizer: opt }), /softmax itself/],
    ["x [20,3]", () => train(mlp(), { x: Tensor.zeros([20, 3]), labels: data.labels }, { epochs: 1, optimizer: opt }), /\[N, 2\]/],
  ];
  for (const [what, f, msg] of bad) await assert.rejects(f, (e: unknown) => e instanceof InputError && msg.test(e.message), what);
});

test("onEnd: called once with the history when training ends, for each way it ends (done, callback, abort)", async () => {
  const ends: string[] = [];
  const onEnd = (h: { stopped: string; rows: unknown[] }) => void ends.push(`${h.stopped}:${h.rows.length}`);
  await train(mlp(), blobs(40, 1), { epochs: 2, batchSize: 20, optimizer: new SGD({ lr: 0.1 }), onEnd });
  await train(mlp(), blobs(40, 1), { epochs: 3, batchSize: 20, optimizer: new SGD({ lr: 0.1 }), onEpoch: (p) => (p.epoch === 1 ? "stop" : undefined), onEnd });
  const c = new AbortController();
  c.abort();
  await train(mlp(), blobs(40, 1), { epochs: 3, batchSize: 20, optimizer: new SGD({ lr: 0.1 }), signal: c.signal, onEnd });
  assert.deepEqual(ends, ["done:2", "callback:1", "abort:0"]);
  await assert.rejects(train(mlp(), blobs(40, 1), { epochs: 1, optimizer: new SGD({ lr: 0.1 }), onEnd: 3 as never }), /train: argument 'onEnd' expected a function/);
});

test("divergence: SGD lr=1e6 with MSE stops at the first non-finite number with a DivergenceError naming epoch, batch and learning rate; the history is kept and onEnd sees 'diverged'", async () => {
  const net = new Network([new Dense(2, 8, { seed: 1 }), new Tanh(), new Dense(8, 2, { seed: 2 })]);
  const data = blobs(64, 3);
  const targets = Tensor.zeros([64, 2]);
  data.labels.forEach((y, i) => (targets.data[2 * i + y] = 1));
  let ended: string | null = null;
  const err = await train(net, { x: data.x, labels: targets }, { epochs: 5, batchSize: 8, loss: "mse", optimizer: new SGD({ lr: 1e6 }), onEnd: (h) => (ended = h.stopped) }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof DivergenceError, String(err));
  assert.match(err.message, /^train: training diverged at epoch \d+, batch \d+ with learning rate 1000000: .*Lower the learning rate \(try 100000\)/);
  assert.equal(err.lr, 1e6);
  assert.equal(err.history.stopped, "diverged");
  assert.equal(ended, "diverged");
  // every batch before the failing one is in the history, all finite
  assert.equal(err.history.batches.length, (err.epoch - 1) * 8 + err.batch - 1);
  assert.ok(err.history.batches.every(Number.isFinite));
});

test("a finite but exploding loss (cross-entropy, SGD lr=50) ends 'done' with a warning naming the learning rate", async () => {
  const h = await train(mlp(), blobs(100, 1, 3), { epochs: 4, batchSize: 10, optimizer: new SGD({ lr: 50 }), seed: 1 });
  assert.equal(h.stopped, "done");
  assert.equal(h.warnings.length, 1, `warnings: ${JSON.stringify(h.warnings)}; batch losses ${h.batches.slice(0, 3)} … last epoch ${h.rows.at(-1)?.loss}`);
  assert.match(h.warnings[0], /^the loss grew from .* \(first batch\) to .* \(last epoch\): the learning rate 50 is probably too large$/);
  // a sane learning rate: no warning
  assert.deepEqual((await train(mlp(), blobs(100, 1), { epochs: 4, batchSize: 10, optimizer: new SGD({ lr: 0.5 }) })).warnings, []);
});

test("NaN in the data before any step is the data's error (a NonFiniteError naming x), not a divergence", async () => {
  const data = blobs(20, 1);
  data.x.data[3] = NaN;
  await assert.rejects(train(mlp(), data, { epochs: 1, optimizer: new SGD({ lr: 0.1 }) }), (e: Error) => e.name === "NonFiniteError" && /argument 'x' expected finite numbers only, got NaN at flat index \d+/.test(e.message));
});
