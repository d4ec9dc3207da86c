import { test } from "node:test";
import assert from "node:assert/strict";
import * as pl from "nodejs-polars";
import { barChart } from "../../src/charts/bar";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

// chapter 1's ILSVRC top-5 error by year (percent) and the human reference
const years = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017];
const error = [28.2, 25.8, 16.4, 11.7, 6.7, 3.57, 2.99, 2.251];

test("barChart ILSVRC {category: years, value: error} + human 5.1% reference: bars in input order, rule at 5.1", () => {
  const spec = barChart({ category: years, value: error }, { reference: { value: 5.1, label: "human ≈ 5.1%" } });
  assertCleanSpec(spec);
  const data = inlineData(spec);
  assert.deepEqual(data[0], years.map((y, i) => ({ category: String(y), value: error[i] })));
  const refs = data.filter((d) => d.length === 1 && d[0].label !== undefined);
  assert.ok(refs.length >= 1);
  assert.deepEqual(refs[0][0], { value: 5.1, label: "human ≈ 5.1%" });
  const layers = (spec as { layer: { mark: { type: string } }[] }).layer;
  assert.deepEqual(layers.map((l) => l.mark.type), ["bar", "text", "rule", "text"]);
});

test("barChart TIMIT rows {method, per}, horizontal: columns found by type; a DataFrame works the same", () => {
  const rows = [{ method: "HMM-GMM", per: 26 }, { method: "RBM", per: 20.7 }, { method: "LSTM-RNN", per: 17.7 }];
  const spec = barChart(rows, { horizontal: true });
  assertCleanSpec(spec);
  assert.deepEqual(inlineData(spec)[0], rows.map((r) => ({ category: r.method, value: r.per })));
  const enc = (spec as { layer: { encoding: { y: { field: string } } }[] }).layer[0].encoding;
  assert.equal(enc.y.field, "category");
  const df = pl.DataFrame({ method: rows.map((r) => r.method), per: rows.map((r) => r.per) });
  assert.deepEqual(inlineData(barChart(df, { x: "method", y: "per" }))[0], inlineData(spec)[0]);
});

test("barChart sort: 'descending' orders the axis by value, data stays in input order", () => {
  const spec = barChart({ category: ["a", "b", "c"], value: [1, 3, 2] }, { sort: "descending" });
  assertCleanSpec(spec);
  const x = (spec as { layer: { encoding: { x: { sort: string[] } } }[] }).layer[0].encoding.x;
  assert.deepEqual(x.sort, ["b", "c", "a"]);
  assert.deepEqual(inlineData(spec)[0].map((b) => b.category), ["a", "b", "c"]);
});

test("barChart bad input: lengths, NaN, duplicates, empty, bad reference", () => {
  assertInputError(() => barChart({ category: ["a", "b"], value: [1] }), "barChart", "value", /2 values \(length of category\), got 1/);
  assertInputError(() => barChart({ category: ["a"], value: [NaN] }), "barChart", "value[0]");
  assertInputError(() => barChart({ category: ["a", "a"], value: [1, 2] }), "barChart", "category[1]", /twice/);
  assertInputError(() => barChart({ category: [], value: [] }), "barChart", "category");
  assertInputError(() => barChart([{ name: "a", v: "x" }]), "barChart", "options.y");
  assertInputError(() => barChart({ category: ["a"], value: [1] }, { reference: { value: Infinity } }), "barChart", "options.reference[0].value");
});

/** The category axis of a bar chart spec: its labelled values (all categories when not set). */
function axisLabels(spec: unknown): string[] | undefined {
  const enc = (spec as { layer: { encoding: Record<string, { field?: string; axis?: { values?: string[] } }> }[] }).layer[0].encoding;
  const cat = Object.values(enc).find((e) => e.field === "category");
  return cat?.axis?.values;
}

test("barChart of a long vector, 25 to 200 bars of index 0…n−1: every k-th index labelled (k = 1, 2, 5, 10, …), no two labels overlapping", () => {
  for (const n of [12, 25, 60, 100, 200]) {
    const index = Array.from({ length: n }, (_, i) => i);
    const spec = barChart({ category: index, value: index.map((i) => Math.sin(i)) });
    assertCleanSpec(spec);
    assert.equal(inlineData(spec)[0].length, n, "every bar is drawn");
    const labels = axisLabels(spec) ?? index.map(String);
    const k = labels.length > 1 ? Number(labels[1]) - Number(labels[0]) : n;
    assert.ok([1, 2, 5, 10, 20, 50].includes(k), `n=${n}: every ${k}`);
    assert.deepEqual(labels, index.filter((i) => i % k === 0).map(String), `n=${n}`);
    // Arial digits are 0.556 em wide at 11 px: the labels' centres are further apart than the widest label plus a space
    const width = (spec as { width: number }).width;
    const widest = Math.max(...labels.map((l) => l.length)) * 0.556 * 11;
    assert.ok((width / n) * k >= widest + 5.5, `n=${n}: ${((width / n) * k).toFixed(1)} px apart for ${widest.toFixed(1)} px labels`);
    if (n <= 12) assert.equal(axisLabels(spec), undefined, "few bars: every label");
  }
});

test("barChart horizontal, 80 named categories: every k-th name on the y axis, a line of text apart", () => {
  const names = Array.from({ length: 80 }, (_, i) => `feature ${i}`);
  const spec = barChart({ category: names, value: names.map((_, i) => i) }, { horizontal: true });
  assertCleanSpec(spec);
  const labels = axisLabels(spec)!;
  const k = names.indexOf(labels[1]);
  assert.ok((spec as { height: number }).height / 80 * k >= 13, `every ${k}`);
  assert.equal(labels[0], "feature 0");
});
