import { test } from "node:test";
import assert from "node:assert/strict";
import * as vega from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { sliderChart, slidersChart } from "../../src/charts/slider";
import { functionPlot } from "../../src/charts/function";
import { lineChart } from "../../src/charts/line";
import { lossSurface } from "../../src/charts/surface";
import type { VegaLiteSpec } from "../../src/charts/spec";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

/** Run the spec in a headless vega View; set the signals; the data of every symbol (point) mark drawn. */
async function drawnPoints(spec: VegaLiteSpec, signals: Record<string, number> = {}): Promise<Record<string, number>[]> {
  const view = new vega.View(vega.parse(compile(spec as TopLevelSpec).spec), { renderer: "none" });
  for (const [k, v] of Object.entries(signals)) view.signal(k, v);
  await view.runAsync();
  const out: Record<string, number>[] = [];
  const walk = (node: { marktype?: string; items?: unknown[]; datum?: Record<string, number> }) => {
    if (node.marktype === "symbol") for (const it of node.items ?? []) out.push((it as { datum: Record<string, number> }).datum);
    for (const it of node.items ?? []) walk(it as never);
  };
  walk(view.scenegraph().root as never);
  view.finalize();
  return out;
}

/** The line y = a·x at x = 0, 1, 2, drawn with points. */
const line = (a: number) => lineChart({ x: [0, 1, 2], series: { y: [0, a, 2 * a] } }, { title: "y = a·x", yDomain: [0, 10] });

test("sliderChart values=[1,2,3] value=2: one spec, a range param bound at 2, the frame for 2 drawn", async () => {
  const spec = sliderChart([1, 2, 3], line, { value: 2, label: "a", name: "a" });
  assertCleanSpec(spec);
  const params = (spec as { params: { name: string; value: number; bind: Record<string, unknown> }[] }).params;
  assert.equal(params.length, 1);
  assert.deepEqual(params[0], { name: "a", value: 2, bind: { input: "range", min: 1, max: 3, step: 1, name: "a " } });
  // the data of the three frames, each row tagged with its value
  const rows = inlineData(spec)[0];
  assert.equal(rows.length, 9);
  assert.deepEqual([...new Set(rows.map((r) => r._s_a))], [1, 2, 3]);
  // the default frame is the one drawn (what the PNG fallback shows)
  const shown = await drawnPoints(spec);
  assert.deepEqual(shown.map((d) => d.y), [0, 2, 4]);
});

test("sliderChart: moving the slider (setting the param) draws another frame", async () => {
  const spec = sliderChart([1, 2, 3], line, { name: "a" });
  assert.deepEqual((await drawnPoints(spec)).map((d) => d.y), [0, 1, 2]); // default: the first value
  assert.deepEqual((await drawnPoints(spec, { a: 3 })).map((d) => d.y), [0, 3, 6]);
  // a value between two frames picks the nearest one
  assert.deepEqual((await drawnPoints(spec, { a: 2.4 })).map((d) => d.y), [0, 2, 4]);
});

test("sliderChart with fractional steps 0.1…0.3: the filter finds every frame despite rounding", async () => {
  const values = [0.1, 0.2, 0.30000000000000004];
  const spec = sliderChart(values, (v) => line(v * 10), { name: "lr" });
  for (const v of [0.1, 0.2, 0.3]) {
    assert.deepEqual((await drawnPoints(spec, { lr: v })).map((d) => Math.round(d.y)), [0, Math.round(v * 10), Math.round(v * 20)]);
  }
});

test("sliderChart: data the same in every frame (the loss surface) is kept once, unfiltered", () => {
  const bowl = (w1: number, w2: number) => w1 * w1 + w2 * w2;
  const path = (lr: number): [number, number][] => [[2, 2], [2 - 4 * lr, 2 - 4 * lr]];
  const spec = sliderChart([0.1, 0.2, 0.3], (lr) => lossSurface(bowl, { x: [-3, 3], y: [-3, 3], resolution: 6, path: path(lr) }), { name: "lr" });
  assertCleanSpec(spec);
  const [grid, points] = inlineData(spec);
  assert.equal(grid.length, 36, "the grid once, not once per frame");
  assert.ok(!("_s_lr" in grid[0]));
  assert.equal(points.length, 6, "two points per frame, three frames");
  const layers = (spec as unknown as { layer: { transform?: { filter?: string }[] }[] }).layer;
  assert.ok(!layers[0].transform?.some((t) => t.filter), "the surface is not filtered");
  assert.match(String(layers[1].transform?.[0].filter), /abs\(datum\._s_lr - lr\) < 0\.05/);
});

test("slidersChart w × b: every combination is a frame; both params filter", async () => {
  const spec = slidersChart(
    [{ values: [-1, 0, 1], name: "w", label: "weight w", value: 1 }, { values: [0, 2], name: "b", label: "bias b" }],
    (w, b) => lineChart({ x: [0, 1], series: { y: [b, w + b] } }, { title: "w·x + b" }),
  );
  assertCleanSpec(spec);
  assert.equal(inlineData(spec)[0].length, 3 * 2 * 2);
  assert.deepEqual((await drawnPoints(spec)).map((d) => d.y), [0, 1]);
  assert.deepEqual((await drawnPoints(spec, { w: -1, b: 2 })).map((d) => d.y), [2, 1]);
});

test("sliderChart and slidersChart refuse bad input with an InputError naming the argument", () => {
  assertInputError(() => sliderChart([1], line), "sliderChart", "values", /2 to 201 numbers/);
  assertInputError(() => sliderChart([1, 2, NaN], line), "sliderChart", "values[2]", /finite/);
  assertInputError(() => sliderChart([3, 2, 1], line), "sliderChart", "values", /increasing/);
  assertInputError(() => sliderChart([1, 2, 4], line), "sliderChart", "values[1]", /evenly spaced/);
  assertInputError(() => sliderChart([1, 2, 3], line, { value: 2.5 }), "sliderChart", "options.value", /one of the values/);
  assertInputError(() => sliderChart([1, 2, 3], line, { name: "width" }), "sliderChart", "options.name", /identifier/);
  assertInputError(() => sliderChart([1, 2, 3], line, { name: "a b" }), "sliderChart", "options.name", /identifier/);
  assertInputError(() => sliderChart([1, 2, 3], "f" as never), "sliderChart", "draw", /function/);
  assertInputError(() => sliderChart([1, 2, 3], () => ({}) as never), "sliderChart", "draw", /Vega-Lite spec/);
  // a title that names the value makes the frames differ in more than their data
  assertInputError(
    () => sliderChart([1, 2, 3], (a) => functionPlot({ f: (x) => a * x }, { title: `a = ${a}` })),
    "sliderChart", "draw", /only its data changing/,
  );
  assertInputError(() => slidersChart([], line), "slidersChart", "sliders", /non-empty/);
  assertInputError(
    () => slidersChart([{ values: [1, 2], name: "a" }, { values: [1, 2], name: "a" }], line),
    "slidersChart", "sliders", /distinct names/,
  );
  assertInputError(
    () => slidersChart([{ values: Array.from({ length: 201 }, (_, i) => i) }, { values: Array.from({ length: 20 }, (_, i) => i) }], line),
    "slidersChart", "sliders", /at most 2000 frames/,
  );
  assertInputError(() => slidersChart([{ values: [1, 2], value: 3 }], line), "slidersChart", "sliders[0].value", /one of the values/);
});
