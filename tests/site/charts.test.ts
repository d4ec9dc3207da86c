/**
 * Charts in the site, in Chromium at a 1280 px viewport: every chart (a 1600 px wide one, a grid of
 * 16 panels, a big spec drawn on canvas, a refused spec left as its PNG) fits its column — its
 * drawing is no wider than the column and nothing is cut off — and a Vega-Lite param bound to a
 * slider works through vega-embed: dragging the slider with the mouse changes the chart.
 * Decision (issue 11): a chart wider than its column is scaled down to the column's width, not put
 * in a scroll box: the whole chart stays visible at once (and in print), with no hidden part that
 * needs a cue; the cost is smaller text on the widest charts, so a scaled chart has a button that
 * shows it at full size in a scroll box (a shadow at its edge) and back.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { buildSite } from "../../kernel-helpers/tools/site";
import { launch, openPage, serve, type Recorded, type Served } from "./browser";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-site-charts-"));
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const PNG1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const line = (width: number, n = 20) => ({
  $schema: SCHEMA, width, height: 120,
  data: { values: Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 3) })) },
  mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
});
const specs: Record<string, unknown> = {
  wide: line(1600),
  grid: { $schema: SCHEMA, hconcat: Array.from({ length: 16 }, () => line(90)) },
  // over 200 kB of JSON: site.js draws it on a canvas
  canvas: { ...line(1400, 6000), mark: "point" },
  slider: {
    $schema: SCHEMA, width: 400, height: 200,
    params: [{ name: "w", value: 1, bind: { input: "range", min: -3, max: 3, step: 0.1, name: "weight w " } }],
    data: { sequence: { start: -2, stop: 2.01, step: 0.25, as: "x" } },
    transform: [{ calculate: "w * datum.x", as: "y" }],
    mark: "line",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative", scale: { domain: [-6, 6] } } },
  },
};

function notebook(): string {
  const cells = [
    { cell_type: "markdown", metadata: {}, source: "# Charts\n\nWide, gridded, big and interactive charts." },
    ...Object.entries(specs).map(([name, spec], i) => ({
      cell_type: "code", metadata: {}, execution_count: i + 1, source: `${name}()`,
      outputs: [{ output_type: "display_data", metadata: {}, data: { "application/vnd.vegalite.v5+json": spec, "image/png": PNG1, "text/plain": name } }],
    })),
    // a refused spec stays as its PNG: a PNG 2400 px wide at 2× (1200 CSS px)
    {
      cell_type: "code", metadata: {}, execution_count: 9, source: "refused()",
      outputs: [{ output_type: "display_data", metadata: { "image/png": { width: 1200 } }, data: { "application/vnd.vegalite.v5+json": { ...line(1200), data: { url: "https://example.org/d.json" } }, "image/png": PNG1, "text/plain": "refused" } }],
    },
  ];
  const file = path.join(tmp, "01-charts.ipynb");
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return file;
}

describe("charts in the site at 1280 px", () => {
  let browser: Browser;
  let served: Served;
  const out = path.join(tmp, "site");

  before(async () => {
    const r = buildSite([notebook()], out);
    assert.equal(r.problems.length, 1, `only the refused spec is a problem: ${r.problems.join("\n")}`);
    served = await serve(out);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  /** Run `body` on the charts page at 1280 px once every chart is drawn (or has failed). */
  async function onChartsPage(body: (r: Recorded) => Promise<void>): Promise<void> {
    const r = await openPage(browser, served.base, 1280);
    try {
      await r.page.goto(served.base + "01-charts.html");
      await r.page.waitForFunction(() => Array.from(document.querySelectorAll("figure.chart[data-mode]")).every((f) => f.classList.contains("embedded") || f.classList.contains("embed-failed")), null, { timeout: 60_000 });
      await body(r);
    } finally {
      await r.close();
    }
  }

  test("no chart overflows its column (measured in the browser)", () => onChartsPage(async (r) => {
    const m = await r.page.evaluate(() => {
      const main = document.querySelector("main")!;
      const cs = getComputedStyle(main);
      const box = main.getBoundingClientRect();
      const column = { left: box.left + parseFloat(cs.paddingLeft), right: box.right - parseFloat(cs.paddingRight) };
      return {
        column,
        charts: Array.from(document.querySelectorAll("figure.chart")).map((f) => {
          const drawing = (f.querySelector(".chart-view svg.marks, .chart-view canvas.marks") ?? f.querySelector("img.chart-fallback")) as HTMLElement | null;
          const d = drawing?.getBoundingClientRect();
          const fig = f.getBoundingClientRect();
          return {
            id: f.id, embedded: f.classList.contains("embedded"), tag: drawing?.tagName ?? null,
            left: d?.left ?? NaN, right: d?.right ?? NaN, width: d?.width ?? NaN, height: d?.height ?? NaN,
            figRight: fig.right, figWidth: fig.width, scroll: f.scrollWidth - f.clientWidth,
            attrWidth: Number(drawing?.getAttribute("width") ?? NaN),
          };
        }),
      };
    });
    assert.equal(m.charts.length, 5);
    assert.deepEqual(m.charts.map((c) => c.embedded), [true, true, true, true, false], JSON.stringify(r.errors));
    assert.deepEqual(m.charts.map((c) => c.tag), ["svg", "svg", "CANVAS", "svg", "IMG"].map((t) => t === "svg" ? "svg" : t));
    const colWidth = m.column.right - m.column.left;
    console.log(`charts: column ${colWidth.toFixed(0)} px at a 1280 px viewport; charts drawn ${m.charts.map((c) => `${c.id} ${c.width.toFixed(0)}×${c.height.toFixed(0)}`).join(", ")}`);
    for (const c of m.charts) {
      assert.ok(c.left >= m.column.left - 1 && c.right <= m.column.right + 1, `${c.id} (${c.left}–${c.right}) inside the column (${m.column.left}–${m.column.right})`);
      assert.ok(c.figRight <= m.column.right + 1, `${c.id}: its figure inside the column`);
      assert.ok(c.scroll <= 1, `${c.id}: nothing hidden in a scroll box (${c.scroll} px)`);
      assert.ok(c.height > 20, `${c.id}: still drawn (height ${c.height})`);
    }
    // the wide ones were really scaled down to their box (vega-embed keeps 38 px beside them for its menu),
    // the slider chart was not
    const wide = m.charts.filter((c) => ["chart-1", "chart-2", "chart-3"].includes(c.id));
    for (const c of wide) assert.ok(c.width >= c.figWidth - 40 && c.width < c.attrWidth, `${c.id} scaled to fill its box (${c.width} of ${c.figWidth}, drawn at ${c.attrWidth})`);
    assert.ok(m.charts[3].width < colWidth * 0.7, "a narrow chart keeps its own size");
    assert.deepEqual(r.offsite, []);
  }));

  test("a scaled chart offers its full size (then it scrolls sideways) and back; a chart that fits offers nothing", () => onChartsPage(async (r) => {
    const buttons = await r.page.$$eval("figure.chart", (fs) => fs.map((f) => f.querySelector("button.chart-size")?.textContent ?? null));
    assert.match(buttons[0] ?? "", /^Shown at 5\d %/, "the 1600 px chart is shown at about 58 %");
    assert.equal(buttons[3], null, "the slider chart fits as it is");
    const state = () => r.page.$eval("#chart-1", (f) => ({ hidden: f.scrollWidth - f.clientWidth, width: f.querySelector("svg.marks")!.getBoundingClientRect().width }));
    await r.page.click("#chart-1 button.chart-size");
    const full = await state();
    assert.ok(full.width >= 1599 && full.hidden > 500, `full size: ${JSON.stringify(full)}`);
    await r.page.click("#chart-1 button.chart-size");
    const fit = await state();
    assert.ok(fit.hidden <= 1 && fit.width < 1000, `fitted again: ${JSON.stringify(fit)}`);
    assert.deepEqual(r.errors, []);
  }));

  test("a Vega-Lite param bound to a slider: dragging it changes the chart", () => onChartsPage(async (r) => {
    const fig = r.page.locator("#chart-4");
    assert.ok(await fig.evaluate((f) => f.classList.contains("embedded")));
    const slider = fig.locator("input[type=range]");
    assert.equal(await slider.count(), 1, "vega-embed made the slider");
    const pathOf = () => fig.locator("svg.marks path[aria-roledescription='line mark'], svg.marks .mark-line path").first().getAttribute("d");
    const before = await pathOf();
    const valueBefore = await slider.inputValue();
    await slider.scrollIntoViewIfNeeded();
    const box = (await slider.boundingBox())!;
    await r.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await r.page.mouse.down();
    await r.page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 8 });
    await r.page.mouse.up();
    await r.page.waitForTimeout(300);
    const valueAfter = await slider.inputValue();
    const after = await pathOf();
    assert.ok(Number(valueAfter) > Number(valueBefore), `slider moved: ${valueBefore} → ${valueAfter}`);
    assert.notEqual(after, before, "the line was redrawn");
    assert.deepEqual(r.errors, []);
  }));
});
