import { test } from "node:test";
import assert from "node:assert/strict";
import { Resvg } from "@resvg/resvg-js";
import { renderPng, renderPngAsync, renderSvg, renderSvgAsync, compileVegaLite, renderFonts, textWidth } from "../kernel-helpers/render";
import * as charts from "../src/charts";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";

/** Width and height from a PNG's IHDR chunk, after checking the 8 signature bytes. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert.ok(m, "an <svg> with width and height");
  return { width: +m[1], height: +m[2] };
}

/** The rects of the bar layer: vega writes each as a path "Mx,yhWvHh-WZ". */
function barRects(svg: string): { x: number; y: number; w: number; h: number }[] {
  const start = svg.indexOf('aria-roledescription="rect mark container"');
  assert.ok(start >= 0, "a rect mark layer");
  const group = svg.slice(start, svg.indexOf("</g>", start));
  return [...group.matchAll(/d="M([-\d.]+),([-\d.]+)h([-\d.]+)v([-\d.]+)h/g)].map((m) => ({ x: +m[1], y: +m[2], w: +m[3], h: +m[4] }));
}

/** Gradient and clip ids count up per process: the only difference between two renders of one spec. */
const normaliseIds = (svg: string) => svg.replace(/(gradient|clip)_?\d+/g, "$1#");

const values = [28, 55, 43];
const bars = charts.barChart({ category: ["A", "B", "C"], value: values }, { title: "Three bars", showValues: false, width: 300, height: 200 });

test("renderPng bar chart [28, 55, 43] scale=2: a real PNG, IHDR size = SVG size × 2, the plot size × 2 plus vega's padding", () => {
  const { png, width, height } = renderPng(bars, { scale: 2 });
  const ihdr = pngSize(png);
  assert.deepEqual(ihdr, { width, height });
  const svg = svgSize(renderSvg(bars));
  assert.equal(width, Math.round(svg.width * 2));
  assert.equal(height, Math.round(svg.height * 2));
  // axes, title and padding add a margin around the 300 × 200 plot, never more than 200 pixels
  assert.ok(width >= 2 * 300 && width <= 2 * (300 + 200), `width ${width}`);
  assert.ok(height >= 2 * 200 && height <= 2 * (200 + 200), `height ${height}`);
  const one = renderPng(bars, { scale: 1 });
  assert.deepEqual(pngSize(one.png), { width: svg.width, height: svg.height });
});

test("renderSvg bar chart [28, 55, 43]: one rect per datum, in input order, heights proportional to the values", () => {
  const rects = barRects(renderSvg(bars));
  assert.equal(rects.length, 3);
  assert.ok(rects[0].x < rects[1].x && rects[1].x < rects[2].x);
  const k = rects[1].h / values[1];
  rects.forEach((r, i) => assert.ok(Math.abs(r.h - k * values[i]) < 0.01, `bar ${i}: height ${r.h} vs ${k * values[i]}`));
  // bars stand on the same baseline
  const bottoms = rects.map((r) => r.y + r.h);
  assert.ok(Math.max(...bottoms) - Math.min(...bottoms) < 0.01);
});

/** One small spec per builder. */
function everyBuilder(): Record<string, unknown> {
  return {
    line: charts.lineChart({ x: [1, 2, 3], series: { loss: [1, 0.5, 0.3], val_loss: [1.1, 0.7, 0.6] } }),
    history: charts.historyChart([{ epoch: 1, loss: 1, accuracy: 0.5, val_loss: 1.2, val_accuracy: 0.4 }, { epoch: 2, loss: 0.6, accuracy: 0.7, val_loss: 0.8, val_accuracy: 0.6 }]),
    function: charts.functionPlot({ tanh: Math.tanh }, { samples: 21 }),
    heatmap: charts.heatmap([[1, -1], [0.5, 2]]),
    confusion: charts.confusionChart([[5, 1], [2, 7]], ["cat", "dog"]),
    images: charts.imageGrid(Tensor.rand([2, 4, 4, 1], 1), { labels: ["a", "b"] }),
    bar: bars,
    surface: charts.lossSurface((a, b) => a * a + b * b, { x: [-1, 1], y: [-1, 1], resolution: 8, path: [[0.8, 0.8], [0.4, 0.4], [0.2, 0.2]] }),
    graph: charts.graphChart({ nodes: [{ id: "a", label: "a", data: 1, grad: 2 }, { id: "b", label: "b", kind: "op" }], edges: [{ from: "a", to: "b" }] }),
    diagram: charts.networkDiagram({ layers: [2, 3, 1] }),
  };
}

test("every builder renders synchronously with no vega-lite or vega warning, and the sync SVG equals view.toSVG()'s", async () => {
  for (const [name, spec] of Object.entries(everyBuilder())) {
    const warnings: string[] = [];
    const svg = renderSvg(spec, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [], name);
    assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"), name);
    assert.equal(normaliseIds(svg), normaliseIds(await renderSvgAsync(spec)), name);
  }
});

test("renderPngAsync gives the same pixels size as renderPng", async () => {
  const a = renderPng(bars), b = await renderPngAsync(bars);
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
});

test("text is laid out with the widths of the font that draws it (within 2 px of resvg's drawn extent)", () => {
  const fonts = renderFonts();
  assert.ok(fonts, "a font file (fonts-liberation or fonts-dejavu-core) is installed");
  for (const [text, size, weight] of [["Training history", 14, "bold"], ["val_accuracy", 11, "normal"], ["−0.25", 11, "normal"]] as const) {
    const w = textWidth(text, { fontSize: size, fontWeight: weight })!;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="30" font-family="${fonts.family}" font-size="${size}" font-weight="${weight}">${text}</text></svg>`;
    const bbox = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: fonts.files, defaultFontFamily: fonts.family } }).getBBox()!;
    assert.ok(Math.abs(bbox.width - w) < 2, `${text}: laid out ${w.toFixed(1)} px, drawn ${bbox.width.toFixed(1)} px`);
  }
});

test("a long axis title is written whole, not cut with an ellipsis", () => {
  const title = "cross-entropy loss on the validation set";
  const svg = renderSvg(charts.lineChart({ x: [1, 2], series: { a: [1, 2] } }, { yTitle: title }));
  assert.ok(svg.includes(`>${title}<`), "the full title is in the SVG");
  assert.ok(!svg.includes("…"));
});

test("a Vega spec (compiled beforehand) renders the same as its Vega-Lite source", () => {
  const { vega, warnings } = compileVegaLite(bars);
  assert.deepEqual(warnings, []);
  assert.equal(normaliseIds(renderSvg(vega)), normaliseIds(renderSvg(bars)));
});

test("bad input: data from a URL cannot render synchronously (use the async twin); not a spec; scale 0", () => {
  const urlSpec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", data: { url: "file:///nonexistent/data.json" }, mark: "point" };
  assert.throws(() => renderSvg(urlSpec), (e: unknown) => e instanceof InputError && e.fn === "renderSvg" && /renderSvgAsync/.test(e.message));
  assert.throws(() => renderSvg(42), (e: unknown) => e instanceof InputError && e.fn === "renderSvg" && e.arg === "spec");
  assert.throws(() => renderPng(bars, { scale: 0 }), (e: unknown) => e instanceof InputError && e.fn === "renderPng" && e.arg === "options.scale");
});
