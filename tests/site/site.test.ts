/**
 * The lesson site in a real browser (Debian's headless Chromium through playwright-core), served
 * over http://127.0.0.1 and opened as file://, with every request to another host blocked. For
 * each page: no console error, no request leaves the machine, every chart is drawn by vega-embed
 * (an svg/canvas of non-zero size, or else its PNG), every image loads, the math is KaTeX with its
 * fonts, the code is highlighted, every chart fits its column at a 1280 px viewport (no part beyond
 * it, none hidden in a scroll box); prev/next lead from the index through every lesson and back. A
 * screenshot of each page goes to test-artifacts/site/.
 *
 * The site is built from the executed lessons of build/executed/ when tests/notebooks/lessons.test.ts
 * left fresh copies there, else the lessons are executed first (the fixtures while notebooks/ is empty).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { installKernel, installNotebookImports } from "../../kernel-helpers/tools/kernel";
import { buildDist } from "../../kernel-helpers/tools/lessons";
import { EXECUTED_DIR, PROJECT_ROOT, executeNotebooks, freshExecutedCopy, listLessons } from "../../kernel-helpers/tools/run";
import { buildSite, type SiteResult } from "../../kernel-helpers/tools/site";
import { launch, openPage as openRecorded, serve, type Served } from "./browser";

const LESSONS = listLessons();
const fixtureMode = LESSONS.length === 0;
const notebooks = fixtureMode ? listLessons(path.join(__dirname, "..", "notebooks", "fixtures")) : LESSONS;
const executedDir = fixtureMode ? path.join(PROJECT_ROOT, "build", "executed-fixtures") : EXECUTED_DIR;
const pageFiles = ["index.html", ...notebooks.map((nb) => path.basename(nb, ".ipynb") + ".html")];
const SHOTS = path.join(PROJECT_ROOT, "test-artifacts", "site");
const siteDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dl-site-test-")), "site");

let site: SiteResult;
let served: Served;
let browser: Browser;

before(async () => {
  installKernel();
  installNotebookImports();
  const stale = notebooks.filter((nb) => freshExecutedCopy(nb, executedDir) === null);
  if (stale.length > 0 && !fixtureMode) buildDist();
  if (stale.length > 0) await executeNotebooks(stale, { outDir: executedDir, parallel: 2, timeoutSec: 900 });
  site = buildSite(notebooks.map((nb) => path.join(executedDir, path.basename(nb))), siteDir);
  served = await serve(siteDir);
  browser = await launch();
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await served?.close();
});

/** A fresh page at 1280 px whose requests to anything but this site are blocked and recorded, with its errors. */
async function openPage(mode: "http" | "file"): Promise<{ page: Page; errors: string[]; blocked: string[]; url: (file: string) => string }> {
  const base = mode === "http" ? served.base : pathToFileURL(siteDir).href + "/";
  const r = await openRecorded(browser, base, 1280);
  return { page: r.page, errors: r.errors, blocked: r.offsite, url: (file: string) => base + file };
}

interface PageReport {
  charts: { id: string; embedded: boolean; view: { w: number; h: number } | null; pngWidth: number; overflow: number; hidden: number }[];
  images: { src: string; ok: boolean }[];
  katex: number;
  katexFontLoaded: boolean;
  codeCells: number;
  highlighted: number;
  h1: string;
}

async function inspect(page: Page): Promise<PageReport> {
  // vega-embed draws asynchronously: wait until every chart is drawn or has failed
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll("figure.chart")).every((f) => f.classList.contains("embedded") || f.classList.contains("embed-failed")),
    null,
    { timeout: 30_000 },
  );
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return page.evaluate(() => {
    // the column: main's content box
    const main = document.querySelector("main")!;
    const columnRight = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
    const charts = Array.from(document.querySelectorAll("figure.chart")).map((f) => {
      const view = f.querySelector(".chart-view svg, .chart-view canvas");
      const r = view?.getBoundingClientRect();
      const img = f.querySelector("img.chart-fallback") as HTMLImageElement | null;
      const drawn = (r && r.width > 0 ? r : img?.getBoundingClientRect()) ?? f.getBoundingClientRect();
      return {
        id: f.id, embedded: f.classList.contains("embedded"), view: r ? { w: r.width, h: r.height } : null, pngWidth: img?.naturalWidth ?? 0,
        // px of the drawing beyond the column's right edge, and px hidden in a scroll box
        overflow: Math.max(0, drawn.right - columnRight, f.getBoundingClientRect().right - columnRight),
        hidden: f.scrollWidth - f.clientWidth,
      };
    });
    const images = Array.from(document.querySelectorAll("main img:not(.chart-fallback)")).map((el) => {
      const img = el as HTMLImageElement;
      return { src: img.getAttribute("src") ?? "", ok: img.complete && img.naturalWidth > 0 };
    });
    const fonts: FontFace[] = [];
    document.fonts.forEach((f) => fonts.push(f));
    return {
      charts,
      images,
      // the table of contents repeats the math of headings
      katex: document.querySelectorAll("main .katex").length - document.querySelectorAll("main nav.toc .katex").length,
      katexFontLoaded: fonts.some((f) => f.family.replace(/["']/g, "") === "KaTeX_Main" && f.status === "loaded"),
      codeCells: document.querySelectorAll(".code-cell").length,
      highlighted: document.querySelectorAll(".code-cell [class^='hljs-']").length,
      h1: document.querySelector("h1")?.textContent ?? "",
    };
  });
}

test("the lessons hold nothing the site refuses or removes (no unsafe HTML, images or specs)", () => {
  assert.deepEqual(site.problems, []);
});

for (const mode of ["http", "file"] as const) {
  describe(`site over ${mode}://`, () => {
    for (const file of pageFiles) {
      test(`${file}: loads without console errors or network, charts, images, math and code show`, async () => {
        const { page, errors, blocked, url } = await openPage(mode);
        try {
          await page.goto(url(file), { waitUntil: "load" });
          const r = await inspect(page);
          assert.deepEqual(errors, [], "console errors");
          assert.deepEqual(blocked, [], "requests to other hosts");
          const info = site.pages.find((p) => p.file === file);
          if (info) {
            assert.ok(r.h1.includes(info.title), `h1 "${r.h1}" holds the title "${info.title}"`);
            assert.equal(r.charts.length, info.charts, "one figure per chart output");
            assert.equal(r.katex, info.math, "every piece of math is KaTeX");
          }
          for (const c of r.charts) {
            const drawn = c.embedded && c.view !== null && c.view.w > 0 && c.view.h > 0;
            assert.ok(drawn || c.pngWidth > 0, `${c.id} shows (vega-embed view ${JSON.stringify(c.view)}, PNG width ${c.pngWidth})`);
            assert.ok(c.embedded, `${c.id} is interactive (vega-embed drew it)`);
            assert.ok(c.overflow <= 1 && c.hidden <= 1, `${c.id} fits its column at 1280 px (${c.overflow.toFixed(0)} px beyond it, ${c.hidden} px hidden)`);
          }
          for (const img of r.images) assert.ok(img.ok, `image ${img.src} loaded`);
          if (r.katex > 0) assert.ok(r.katexFontLoaded, "KaTeX's fonts load from the site");
          if (r.codeCells > 0) assert.ok(r.highlighted > 0, "code is highlighted");
          if (mode === "http") await page.screenshot({ path: path.join(SHOTS, file.replace(/\.html$/, ".png")), fullPage: true });
        } finally {
          await page.context().close();
        }
      });
    }

    test(`navigation: index → Start → next … last lesson, then prev and back to the index`, async () => {
      const { page, errors, url } = await openPage(mode);
      try {
        await page.goto(url("index.html"));
        const hrefs = await page.$$eval("ol.chapters a", (as) => as.map((a) => a.getAttribute("href")));
        assert.deepEqual(hrefs, site.pages.map((p) => p.file), "the index lists every lesson in order");
        await page.click("main a[rel=next]");
        for (let i = 0; i < site.pages.length; i++) {
          await page.waitForLoadState("load");
          assert.ok(page.url().endsWith("/" + site.pages[i].file), `page ${i + 1} is ${site.pages[i].file}, got ${page.url()}`);
          assert.ok(((await page.textContent("h1")) ?? "").includes(site.pages[i].title));
          const next = page.locator("nav.pager.bottom a[rel=next]");
          if (i === site.pages.length - 1) {
            assert.equal(await next.count(), 0, "the last lesson has no next");
          } else {
            await next.click();
          }
        }
        if (site.pages.length > 1) {
          await page.click("nav.pager.bottom a[rel=prev]");
          await page.waitForLoadState("load");
          assert.ok(page.url().endsWith("/" + site.pages[site.pages.length - 2].file));
        }
        await page.click("nav.pager.top a.up");
        await page.waitForLoadState("load");
        assert.ok(page.url().endsWith("/index.html"));
        assert.deepEqual(errors, []);
      } finally {
        await page.context().close();
      }
    });
  });
}
