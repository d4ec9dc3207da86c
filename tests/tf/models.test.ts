/**
 * The models of chapters 10 and 11: shapes and parameter counts per layer (the lecture's, LeNet-5
 * in the paper's counting, AlexNet), summaries in Keras's convention, seeding, bad input shapes.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../../src/errors";
import {
  alexnet,
  alexnetTable,
  checkModelInput,
  LENET5_C3_TABLE,
  lectureCnn,
  lenet5,
  lenet5PaperTable,
  modelRows,
  modelSummary,
  rowsFrame,
} from "../../src/tf/models";
import { use } from "./helpers";

before(async () => use("wasm"));

/** Keras's count for a convolution: F·(KH·KW·C + 1). */
const convParams = (k: number, c: number, f: number) => f * (k * k * c + 1);
/** Keras's count for a dense layer: M·(D + 1). */
const denseParams = (d: number, m: number) => m * (d + 1);

test("lectureCnn: the lecture's shapes 26×26×25 → 13×13×25 → 11×11×50 → 5×5×50 → 1250 → 100 → 10 and its parameter counts", () => {
  const rows = modelRows(lectureCnn());
  assert.deepEqual(
    rows.map((r) => [r.layer, r.type, r.output_shape]),
    [
      ["conv1", "Conv2D", "(None, 26, 26, 25)"],
      ["pool1", "MaxPooling2D", "(None, 13, 13, 25)"],
      ["conv2", "Conv2D", "(None, 11, 11, 50)"],
      ["pool2", "MaxPooling2D", "(None, 5, 5, 50)"],
      ["flatten", "Flatten", "(None, 1250)"],
      ["dense1", "Dense", "(None, 100)"],
      ["dense2", "Dense", "(None, 10)"],
    ],
  );
  // chapter 10: 25×9 weights (+25 biases); 50×25×9 (+50); then the dense layers
  assert.deepEqual(
    rows.map((r) => r.params),
    [25 * 9 + 25, 0, 50 * 25 * 9 + 50, 0, 0, 1250 * 100 + 100, 100 * 10 + 10],
  );
});

test("modelSummary: columns layer, type, output_shape, params; counts = Keras's countParams per layer; a Total row", () => {
  const m = lectureCnn();
  const df = modelSummary(m);
  assert.deepEqual(df.columns, ["layer", "type", "output_shape", "params"]);
  assert.equal(df.height, m.layers.length + 1);
  const params = df.getColumn("params").toArray().map(Number);
  m.layers.forEach((l, i) => assert.equal(params[i], l.countParams(), l.name));
  assert.equal(df.getColumn("layer").toArray().at(-1), "Total");
  assert.equal(params.at(-1), m.countParams());
});

test("lenet5 input 28 ('same' on C1) and 32 (the paper): shapes C1 28×28×6 … S4 5×5×16 → 120 → 84 → 10; Keras counts", () => {
  for (const side of [28, 32] as const) {
    const rows = modelRows(lenet5({ input: side }));
    assert.deepEqual(
      rows.map((r) => r.output_shape),
      ["(None, 28, 28, 6)", "(None, 14, 14, 6)", "(None, 10, 10, 16)", "(None, 5, 5, 16)", "(None, 400)", "(None, 120)", "(None, 84)", "(None, 10)"],
      `input ${side}`,
    );
    assert.deepEqual(
      rows.map((r) => r.params),
      [convParams(5, 1, 6), 0, convParams(5, 6, 16), 0, 0, denseParams(400, 120), denseParams(120, 84), denseParams(84, 10)],
    );
  }
});

test("lenet5PaperTable: the counts LeCun et al. (1998) state, computed from the paper's rules", () => {
  const t = Object.fromEntries(lenet5PaperTable().map((r) => [r.layer, r]));
  // trainable parameters and connections as the paper gives them
  assert.equal(t.C1.params, 156);
  assert.equal(t.C1.connections, 122304);
  assert.equal(t.S2.params, 12);
  assert.equal(t.S2.connections, 5880);
  assert.equal(t.C3.params, 1516);
  assert.equal(t.C3.connections, 151600);
  assert.equal(t.S4.params, 32);
  assert.equal(t.S4.connections, 2000);
  assert.equal(t.C5.params, 48120);
  assert.equal(t.C5.connections, 48120);
  assert.equal(t.F6.params, 10164);
  assert.equal(t.output.trainable, false, "the RBF codes were chosen by hand and kept fixed");
  assert.deepEqual(
    [t.C1, t.S2, t.C3, t.S4, t.C5, t.F6, t.output].map((r) => [r.maps, r.side]),
    [[6, 28], [6, 14], [16, 10], [16, 5], [120, 1], [84, 1], [10, 1]],
  );
  const trainable = lenet5PaperTable().filter((r) => r.trainable).reduce((s, r) => s + r.params, 0);
  assert.equal(trainable, 60000, "about 60,000 trainable parameters");
});

test("LENET5_C3_TABLE is Table I of the paper (X marks: which S2 maps feed each C3 map)", () => {
  // the paper's table, rows = S2 maps 0–5, columns = C3 maps 0–15
  const paper = [
    "X   XXX  XXXX XX",
    "XX   XXX  XXXX X",
    "XXX   XXX  X XXX",
    " XXX  XXXX  X XX",
    "  XXX  XXXX XX X",
    "   XXX  XXXX XXX",
  ];
  const fromPaper = Array.from({ length: 16 }, (_, m) => [0, 1, 2, 3, 4, 5].filter((s) => paper[s][m] === "X"));
  assert.deepEqual(LENET5_C3_TABLE, fromPaper);
});

test("alexnetTable: chapter 11's shapes and parameters, computed without weights; conv1 = 96×(11×11×3+1) = 34,944", () => {
  const rows = alexnetTable();
  assert.deepEqual(
    rows.map((r) => r.output_shape),
    [
      "(None, 55, 55, 96)",
      "(None, 27, 27, 96)",
      "(None, 27, 27, 256)",
      "(None, 13, 13, 256)",
      "(None, 13, 13, 384)",
      "(None, 13, 13, 384)",
      "(None, 13, 13, 256)",
      "(None, 6, 6, 256)",
      "(None, 9216)",
      "(None, 4096)",
      "(None, 4096)",
      "(None, 1000)",
    ],
  );
  assert.equal(rows[0].params, 96 * (11 * 11 * 3 + 1));
  assert.equal(rows[0].params, 34944);
  assert.deepEqual(
    rows.map((r) => r.params),
    [convParams(11, 3, 96), 0, convParams(5, 96, 256), 0, convParams(3, 256, 384), convParams(3, 384, 384), convParams(3, 384, 256), 0, 0, denseParams(9216, 4096), denseParams(4096, 4096), denseParams(4096, 1000)],
  );
  const total = rowsFrame(rows).getColumn("params").toArray().map(Number).at(-1);
  assert.equal(total, rows.reduce((s, r) => s + r.params, 0));
});

test("alexnet() built on request has exactly alexnetTable()'s rows (and disposes)", async () => {
  await use("cpu"); // 62 million weights: on cpu they stay in JavaScript memory, outside the wasm heap
  const m = alexnet();
  try {
    assert.deepEqual(modelRows(m), alexnetTable());
  } finally {
    m.dispose();
    await use("wasm");
  }
});

test("seeded: two builds with the same seed hold the same weights, another seed different ones", () => {
  const w = (m: tf.Sequential) => Array.from(m.getWeights()[0].dataSync());
  const [a, b, c] = [lectureCnn({ seed: 5 }), lectureCnn({ seed: 5 }), lectureCnn({ seed: 6 })];
  assert.deepEqual(w(a), w(b));
  assert.notDeepEqual(w(a), w(c));
  for (const m of [a, b, c]) m.dispose();
});

test("bad options: an InputError naming the option", () => {
  assert.throws(() => lenet5({ input: 30 as 28 }), /lenet5: argument 'opts.input' expected 28 \(MNIST, 'same' padding on C1\) or 32/);
  assert.throws(() => lenet5({ activation: "sigmoid" as "relu" }), /lenet5: argument 'opts.activation'/);
  assert.throws(() => lectureCnn({ seed: -1 }), /lectureCnn: argument 'opts.seed' expected an integer >= 0/);
  assert.throws(() => modelSummary({} as tf.LayersModel), /modelSummary: argument 'model' expected a TensorFlow.js LayersModel/);
});

test("input shapes: [N, 28, 28] digits without the channel axis, flat [N, 784], one image — each error says how to reshape", () => {
  const m = lectureCnn();
  const msg = (shape: number[]) => {
    try {
      checkModelInput("fitDigits", "x", m, shape);
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.message;
    }
    return "";
  };
  assert.equal(msg([100, 28, 28, 1]), "", "NHWC digits fit");
  assert.match(msg([100, 28, 28]), /expected images \[N, 28, 28, 1\] \(NHWC.*got \[100, 28, 28\]; the values fit: x\.reshape\(\[100, 28, 28, 1\]\) adds the missing channel axis/);
  assert.match(msg([100, 784]), /got \[100, 784\]; the values fit: x\.reshape\(\[100, 28, 28, 1\]\)/);
  assert.match(msg([28, 28, 1]), /one example without the batch axis; x\.reshape\(\[1, 28, 28, 1\]\)/);
  assert.match(msg([10, 16, 16, 1]), /got \[10, 16, 16, 1\] \(256 values per example where the model takes 784\)/);
});
