import { test } from "node:test";
import assert from "node:assert/strict";
import * as pl from "nodejs-polars";
import { lineChart, historyChart } from "../../src/charts/line";
import { Tensor } from "../../src/tensor";
import { Random } from "../../src/random";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

/** A made-up but plausible training run of `epochs` epochs, seeded. */
function run(epochs: number, seed = 1) {
  const r = new Random(seed);
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 2 * Math.exp(-i / 4) + 0.05 * r.next(),
    val_loss: 2.1 * Math.exp(-i / 5) + 0.1 + 0.05 * r.next(),
    accuracy: 1 - Math.exp(-i / 3) * 0.9,
    val_accuracy: 1 - Math.exp(-i / 3) * 0.95 - 0.02,
  }));
}

test("lineChart arrays x=[20] series {loss, val_loss}: compiles clean, one point per (series, x), values as given", () => {
  const rows = run(20);
  const x = rows.map((r) => r.epoch);
  const series = { loss: rows.map((r) => r.loss), val_loss: rows.map((r) => r.val_loss) };
  const spec = lineChart({ x, series }, { title: "Loss" });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.equal(values.length, 40);
  for (const name of ["loss", "val_loss"] as const) {
    const got = values.filter((v) => v.series === name);
    assert.deepEqual(got.map((v) => v.x), x);
    assert.deepEqual(got.map((v) => v.y), series[name]);
  }
  assert.equal((spec as { width: number }).width, 420);
});

test("lineChart from a nodejs-polars DataFrame (x: 'step', y: ['lr=0.1','lr=1']) and from Tensor series", () => {
  const df = pl.DataFrame({ step: [0, 1, 2, 3], "lr=0.1": [1, 0.8, 0.7, 0.65], "lr=1": [1, 0.4, 0.9, 0.3] });
  const spec = lineChart(df, { x: "step", yTitle: "loss" });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.deepEqual(values.filter((v) => v.series === "lr=1").map((v) => v.y), [1, 0.4, 0.9, 0.3]);
  assert.deepEqual(values.filter((v) => v.series === "lr=0.1").map((v) => v.x), [0, 1, 2, 3]);
  const t = lineChart({ x: Tensor.arange(3), series: { s: Tensor.fromArray([3, 1, 2], [3]) } });
  assert.deepEqual(inlineData(t)[0].map((v) => v.y), [3, 1, 2]);
});

test("lineChart from rows with a missing value (null): a gap, not a point; logY accepted for positive data", () => {
  const rows = [{ epoch: 1, loss: 1, val_loss: null }, { epoch: 2, loss: 0.5, val_loss: 0.7 }];
  const spec = lineChart(rows, { logY: true });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.deepEqual(values.filter((v) => v.series === "val_loss").map((v) => v.x), [2]);
});

test("lineChart bad input: short series, NaN, empty, unknown column, log of 0", () => {
  const x = Array.from({ length: 20 }, (_, i) => i);
  assertInputError(() => lineChart({ x, series: { val_loss: x.slice(1) } }), "lineChart", "series.val_loss", /expected 20 values \(length of x\), got 19/);
  assertInputError(() => lineChart({ x: [1, 2], series: { loss: [1, NaN] } }), "lineChart", "series.loss[1]", /NaN/);
  assertInputError(() => lineChart({ x: [1, Infinity], series: { loss: [1, 2] } }), "lineChart", "x[1]");
  assertInputError(() => lineChart({ x: [], series: { loss: [] } }), "lineChart", "x", /empty/);
  assertInputError(() => lineChart({ x: [1], series: {} }), "lineChart", "series");
  assertInputError(() => lineChart([]), "lineChart", "data", /at least one row/);
  assertInputError(() => lineChart([{ epoch: 1, loss: 1 }], { y: ["los"] }), "lineChart", "options.y[0]", /"los"/);
  assertInputError(() => lineChart({ x: [1, 2], series: { loss: [1, 0] } }, { logY: true }), "lineChart", "series.loss", /log axis/);
  assertInputError(() => lineChart({ x: [1], series: { a: [1] } }, { width: 0 }), "lineChart", "options.width");
});

test("historyChart {rows} with loss, val_loss, accuracy, val_accuracy: two panels side by side, every value read back", () => {
  const rows = run(12);
  const spec = historyChart({ rows });
  assertCleanSpec(spec);
  const panels = (spec as { hconcat?: { transform: { filter: { equal: string } }[] }[] }).hconcat!;
  assert.equal(panels.length, 2);
  assert.deepEqual(panels.map((p) => p.transform[0].filter.equal), ["loss", "accuracy"]);
  const [values] = inlineData(spec);
  assert.equal(values.length, 12 * 4);
  for (const m of ["loss", "val_loss", "accuracy", "val_accuracy"] as const) {
    const got = values.filter((v) => v.metric === m);
    assert.deepEqual(got.map((v) => v.y), rows.map((r) => r[m]));
    assert.ok(got.every((v) => v.split === (m.startsWith("val_") ? "validation" : "training")));
  }
});

test("historyChart(metrics: ['loss','val_loss']) from a DataFrame: a single panel; val columns all null are skipped by default", () => {
  const rows = run(5);
  const df = pl.DataFrame({ epoch: rows.map((r) => r.epoch), loss: rows.map((r) => r.loss), val_loss: rows.map((r) => r.val_loss) });
  const spec = historyChart(df, { metrics: ["loss", "val_loss"] });
  assertCleanSpec(spec);
  assert.equal((spec as { hconcat?: unknown }).hconcat, undefined);
  assert.equal(inlineData(spec)[0].length, 10);
  const noVal = pl.DataFrame({ epoch: [1, 2], loss: [1, 0.5], val_loss: [null, null] });
  const s2 = historyChart(noVal);
  assertCleanSpec(s2);
  assert.deepEqual(inlineData(s2)[0].map((v) => v.metric), ["loss", "loss"]);
});

test("historyChart bad input: unknown metric, NaN in a row, no numbers", () => {
  const rows = run(3);
  assertInputError(() => historyChart({ rows }, { metrics: ["loss", "val_los"] }), "historyChart", "options.metrics[1]", /"val_los"/);
  assertInputError(() => historyChart([{ epoch: 1, loss: NaN }]), "historyChart", "history[0].loss");
  assertInputError(() => historyChart([{ epoch: 1, note: "x" }]), "historyChart", "history");
  assertInputError(() => historyChart({ rows: [] }), "historyChart", "history");
});

test("historyChart of train's History rows (val_… null without validation, time_s present): loss and accuracy only", () => {
  const rows = [
    { epoch: 1, loss: 0.9, accuracy: 0.6, val_loss: null, val_accuracy: null, time_s: 1.2 },
    { epoch: 2, loss: 0.5, accuracy: 0.8, val_loss: null, val_accuracy: null, time_s: 1.1 },
  ];
  const spec = historyChart({ rows });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.deepEqual([...new Set(values.map((v) => v.metric))], ["loss", "accuracy"]);
  assert.ok(values.every((v) => v.split === "training"));
});
