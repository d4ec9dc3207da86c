import { test } from "node:test";
import assert from "node:assert/strict";
import * as pl from "nodejs-polars";
import { isVegaLiteSpec, isFrameLike, rowsOf, matrixOf, VEGA_LITE_SCHEMA } from "../../src/charts/spec";
import * as charts from "../../src/charts";
import { Tensor } from "../../src/tensor";
import { assertInputError } from "./vl";

test("isVegaLiteSpec: plain objects whose $schema names vega-lite; not Vega specs, arrays, class instances", () => {
  assert.equal(isVegaLiteSpec({ $schema: VEGA_LITE_SCHEMA, mark: "bar" }), true);
  assert.equal(isVegaLiteSpec({ $schema: "https://vega.github.io/schema/vega-lite/v4.json" }), true);
  assert.equal(isVegaLiteSpec({ $schema: "https://vega.github.io/schema/vega/v5.json" }), false);
  assert.equal(isVegaLiteSpec({ mark: "bar" }), false);
  assert.equal(isVegaLiteSpec([{ $schema: VEGA_LITE_SCHEMA }]), false);
  assert.equal(isVegaLiteSpec(null), false);
  class Fake {
    $schema = VEGA_LITE_SCHEMA;
  }
  assert.equal(isVegaLiteSpec(new Fake()), false);
});

test("every builder's spec is recognised by isVegaLiteSpec (the barrel exports them all)", () => {
  const specs = [
    charts.lineChart({ x: [1, 2], series: { a: [1, 2] } }),
    charts.historyChart([{ epoch: 1, loss: 1 }]),
    charts.functionPlot({ f: (x) => x }),
    charts.heatmap([[1]]),
    charts.confusionChart([[1]], ["a"]),
    charts.imageGrid(Tensor.zeros([1, 2, 2, 1])),
    charts.barChart({ category: ["a"], value: [1] }),
    charts.lossSurface((a, b) => a + b, { x: [0, 1], y: [0, 1], resolution: 2 }),
    charts.graphChart({ nodes: [{ id: "a" }], edges: [] }),
    charts.networkDiagram({ layers: [1, 1] }),
  ];
  for (const s of specs) assert.equal(isVegaLiteSpec(s), true);
});

test("rowsOf: a DataFrame, { rows } and an array of records give the same rows; DataFrames are recognised", () => {
  const rows = [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }];
  const df = pl.DataFrame({ epoch: [1, 2], loss: [0.5, 0.25] });
  assert.equal(isFrameLike(df), true);
  assert.equal(isFrameLike(rows), false);
  assert.deepEqual(rowsOf("f", "t", df), rows);
  assert.deepEqual(rowsOf("f", "t", { rows }), rows);
  assert.deepEqual(rowsOf("f", "t", rows), rows);
  assertInputError(() => rowsOf("f", "t", pl.DataFrame({ a: [] })), "f", "t", /empty DataFrame/);
  assertInputError(() => rowsOf("f", "t", [1]), "f", "t[0]");
});

test("matrixOf: Tensor [2,3] and number[][] agree", () => {
  const t = Tensor.from([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(matrixOf("f", "m", t), { rows: 2, cols: 3, values: [[1, 2, 3], [4, 5, 6]] });
  assert.deepEqual(matrixOf("f", "m", [[1, 2, 3], [4, 5, 6]]), matrixOf("f", "m", t));
});
