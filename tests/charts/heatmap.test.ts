import { test } from "node:test";
import assert from "node:assert/strict";
import { heatmap, confusionChart } from "../../src/charts/heatmap";
import { Tensor } from "../../src/tensor";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

// the lecture's filter 1 (chapter 7)
const filter1 = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]];

test("heatmap filter 1 [3×3]: cells {row, col, value} as given, diverging scale centred at 0, values written", () => {
  const spec = heatmap(filter1, { title: "Filter 1" });
  assertCleanSpec(spec);
  const [values] = inlineData(spec);
  assert.equal(values.length, 9);
  for (const c of values as { row: number; col: number; value: number }[]) assert.equal(c.value, filter1[c.row][c.col]);
  const layers = (spec as { layer: { mark: { type: string }; encoding: { color?: { scale?: { domain?: number[]; scheme?: string } } } }[] }).layer;
  assert.deepEqual(layers.map((l) => l.mark.type), ["rect", "text"]);
  assert.deepEqual(layers[0].encoding.color!.scale!.domain, [-1, 1]);
  assert.equal(layers[0].encoding.color!.scale!.scheme, "blueorange");
});

test("heatmap Tensor [28×28] of non-negative values: sequential scale from min to max, no numbers written", () => {
  const t = Tensor.rand([28, 28], 3);
  const spec = heatmap(t);
  assertCleanSpec(spec);
  const [values] = inlineData(spec) as { row: number; col: number; value: number }[][];
  assert.equal(values.length, 784);
  for (const c of values) assert.equal(c.value, t.get(c.row, c.col));
  const layers = (spec as { layer: unknown[] }).layer;
  assert.equal(layers.length, 1);
});

test("heatmap with row and column labels, custom domain; the decimals option is honoured in the text format", () => {
  const spec = heatmap([[0.123, -0.5], [2, 1]], { rowLabels: ["a", "b"], colLabels: ["x", "y"], domain: [-2, 2], decimals: 1 });
  assertCleanSpec(spec);
  const text = (spec as { layer: { encoding: { text?: { format: string } } }[] }).layer[1].encoding.text!;
  assert.equal(text.format, ".1f");
});

test("heatmap bad input: ragged rows, NaN, empty, wrong rank, labels of the wrong length", () => {
  assertInputError(() => heatmap([[1, 2], [3]]), "heatmap", "matrix[1]", /2 values \(row length of matrix\[0\]\), got 1/);
  assertInputError(() => heatmap([[1, NaN]]), "heatmap", "matrix[0][1]", /NaN/);
  assertInputError(() => heatmap([]), "heatmap", "matrix", /at least one row/);
  assertInputError(() => heatmap(Tensor.zeros([2, 2, 2]) as never), "heatmap", "matrix", /2-D/);
  assertInputError(() => heatmap([[1, 2]], { colLabels: ["a"] }), "heatmap", "options.colLabels");
  assertInputError(() => heatmap([[1, 2]], { domain: [1, 1] }), "heatmap", "options.domain");
});

test("confusionChart 3 classes: counts and row shares read back, axes named by class", () => {
  const m = [[50, 3, 7], [4, 60, 1], [10, 2, 45]];
  const names = ["T-shirt/top", "Trouser", "Pullover"];
  const spec = confusionChart(m, names, { normalize: true });
  assertCleanSpec(spec);
  const [values] = inlineData(spec) as { row: number; col: number; actual: string; predicted: string; count: number; share: number }[][];
  assert.equal(values.length, 9);
  for (const c of values) {
    assert.equal(c.count, m[c.row][c.col]);
    assert.equal(c.actual, names[c.row]);
    assert.equal(c.predicted, names[c.col]);
    assert.ok(Math.abs(c.share - m[c.row][c.col] / m[c.row].reduce((a, b) => a + b)) < 1e-12);
  }
});

test("confusionChart bad input: not square, names short, negative count", () => {
  assertInputError(() => confusionChart([[1, 2]], ["a"]), "confusionChart", "matrix", /square/);
  assertInputError(() => confusionChart([[1, 0], [0, 1]], ["a"]), "confusionChart", "classNames");
  assertInputError(() => confusionChart([[1, -1], [0, 1]], ["a", "b"]), "confusionChart", "matrix[0][1]");
});

test("heatmap: 18 named rows → every row label is a tick (numbered rows past 16 are thinned)", () => {
  const named = heatmap(Array.from({ length: 18 }, (_, i) => [i]), { rowLabels: Array.from({ length: 18 }, (_, i) => `row ${i}`) });
  const numbered = heatmap(Array.from({ length: 18 }, (_, i) => [i]));
  const yAxis = (s: unknown) => ((s as { layer: { encoding: { y: { axis: { values?: number[] } } } }[] }).layer[0].encoding.y.axis);
  assert.equal(yAxis(named).values, undefined);
  assert.deepEqual(yAxis(numbered).values, [0, 5, 10, 15]);
});
