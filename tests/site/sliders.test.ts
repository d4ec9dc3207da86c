/**
 * Charts you can move, in the lesson site (Debian's headless Chromium through playwright-core):
 * every chart with a slider (sliderChart / slidersChart, or a spec's own bound params) in lessons
 * 02, 04, 07 and 12 gets its range inputs from vega-embed, and moving each input redraws the chart;
 * and at a 1280-pixel-wide window no chart of lessons 01–07 and 12 is wider than the column that
 * holds it.
 *
 * The site is built from build/executed/ when its copies of the lessons are fresh, else the
 * lessons are executed first.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { installKernel, installNotebookImports } from "../../kernel-helpers/tools/kernel";
import { buildDist } from "../../kernel-helpers/tools/lessons";
import { EXECUTED_DIR, executeNotebooks, freshExecutedCopy, listLessons } from "../../kernel-helpers/tools/run";
import { buildSite } from "../../kernel-helpers/tools/site";

const LESSONS = listLessons().filter((nb) => /^(0[1-7]|12)-/.test(path.basename(nb)));
const siteDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dl-sliders-test-")), "site");
let browser: Browser;

before(async () => {
  installKernel();
  installNotebookImports();
  const stale = LESSONS.filter((nb) => freshExecutedCopy(nb) === null);
  if (stale.length > 0) {
    buildDist();
    await executeNotebooks(stale, { outDir: EXECUTED_DIR, parallel: 2, timeoutSec: 900 });
  }
  buildSite(LESSONS.map((nb) => path.join(EXECUTED_DIR, path.basename(nb))), siteDir);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
});

async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(pathToFileURL(path.join(siteDir, file)).href);
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll("figure.chart")).every((f) => f.classList.contains("embedded") || f.classList.contains("embed-failed")),
    null,
    { timeout: 30_000 },
  );
  return { page, errors };
}

/** What the chart with this id draws right now: its svg markup or its canvas pixels. */
function picture(page: Page, id: string): Promise<string> {
  return page.evaluate((figId) => {
    const fig = document.getElementById(figId)!;
    const canvas = fig.querySelector("canvas");
    return canvas ? canvas.toDataURL() : fig.querySelector("svg")?.outerHTML ?? "";
  }, id);
}

for (const lesson of ["02-neurons-and-activations", "04-loss-and-gradient-descent", "07-convolution", "12-regularization"]) {
  test(`${lesson}: every slider of every movable chart redraws it`, async () => {
    const { page, errors } = await open(`${lesson}.html`);
    const figures = await page.$$eval("figure.chart", (fs) => fs.filter((f) => f.querySelector("input[type=range]")).map((f) => f.id));
    assert.ok(figures.length >= 1, "the lesson has a chart with a slider");
    let moved = 0;
    for (const id of figures) {
      const inputs = await page.$$(`#${id} input[type=range]`);
      for (const input of inputs) {
        const before = await picture(page, id);
        // move the slider to its other end (or to its minimum when it starts at the maximum)
        await input.evaluate((el: HTMLInputElement) => {
          el.value = el.value === el.max ? el.min : el.max;
          el.dispatchEvent(new Event("input", { bubbles: true }));
        });
        await page.waitForTimeout(300);
        const afterMove = await picture(page, id);
        assert.notEqual(afterMove, before, `moving a slider of chart ${id} changes the picture`);
        moved++;
      }
    }
    assert.ok(moved >= figures.length, "every movable chart has a slider that was moved");
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("lessons 01–07 and 12 at 1280 px: no chart is wider than its column", async () => {
  const wide: string[] = [];
  for (const nb of LESSONS) {
    const file = path.basename(nb, ".ipynb") + ".html";
    const { page } = await open(file);
    const over = await page.$$eval("figure.chart", (fs) =>
      fs.flatMap((f) => {
        const drawn = f.querySelector(".chart-view svg, .chart-view canvas, img") as HTMLElement | null;
        const column = (f.parentElement ?? f).getBoundingClientRect().width;
        const width = drawn ? drawn.getBoundingClientRect().width : 0;
        return width > column + 1 ? [`${f.id}: ${Math.round(width)} px in ${Math.round(column)} px`] : [];
      }),
    );
    wide.push(...over.map((o) => `${file} ${o}`));
    await page.close();
  }
  assert.deepEqual(wide, []);
});
