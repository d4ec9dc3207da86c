/**
 * Jupyter's own HTML exporter: `jupyter nbconvert --to html` (Debian's nbconvert, lab template) of
 * every executed lesson, with MathJax taken from Debian's libjs-mathjax through a file:// URL, opened
 * as file:// in headless Chromium with every request off file:// refused and recorded. Per lesson:
 * no console error, no request refused, every chart shown as its PNG (the exporter cannot draw
 * Vega-Lite, so it picks the bundle's PNG), every HTML trace and table displayed, every math
 * expression of the markdown typeset by the offline MathJax (no raw TeX left in the text).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../kernel-helpers/tools/run";
import { launchChromium, watchedPage } from "./browser";
import { executedLessons, type ExecutedLesson } from "./executed";

const OUT = path.join(PROJECT_ROOT, "build", "clients", "nbconvert");
const SHOTS = path.join(PROJECT_ROOT, "build", "test-artifacts", "clients");
export const MATHJAX_URL = "file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe";
const VEGALITE = "application/vnd.vegalite.v5+json";
const LIMIT_MS = 300_000; // hang guard only

type Output = { output_type: string; data?: Record<string, unknown> };
type Nb = { cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[] };
const text = (s: string | string[] | unknown): string => (Array.isArray(s) ? s.join("") : String(s ?? ""));

/** Math expressions of a markdown source ($…$ and $$…$$), code spans and blocks left out. */
function mathCount(md: string): number {
  const prose = md.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return (prose.match(/\$\$[\s\S]+?\$\$|\$[^$\n]+?\$/g) ?? []).length;
}

let lessons: ExecutedLesson[] = [];
let browser: Browser;

before(async () => {
  lessons = await executedLessons();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  execFileSync("/usr/bin/jupyter", ["nbconvert", "--to", "html", "--output-dir", OUT, `--HTMLExporter.mathjax_url=${MATHJAX_URL}`, ...lessons.map((l) => l.executed)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
}, { timeout: 3_600_000 });

after(async () => {
  await browser?.close();
});

describe("nbconvert --to html of every executed lesson, offline in Chromium", { concurrency: 1 }, () => {
  for (let i = 1; i <= 12; i++) {
    test(`lesson ${String(i).padStart(2, "0")}: charts (PNG), traces, tables and typeset math, no request off file://`, { timeout: LIMIT_MS }, async (t) => {
      const lesson = lessons[i - 1];
      const nb = JSON.parse(fs.readFileSync(lesson.executed, "utf8")) as Nb;
      const outputs = nb.cells.flatMap((c) => (c.cell_type === "code" ? (c.outputs ?? []) : []));
      const charts = outputs.filter((o) => o.data?.[VEGALITE] !== undefined).length;
      const htmls = outputs.filter((o) => o.data?.[VEGALITE] === undefined && o.data?.["text/html"] !== undefined).map((o) => text(o.data?.["text/html"]));
      const tables = htmls.reduce((n, h) => n + (h.match(/<table[\s>]/g)?.length ?? 0), 0);
      const math = nb.cells.filter((c) => c.cell_type === "markdown").reduce((n, c) => n + mathCount(text(c.source)), 0);

      const html = path.join(OUT, `${lesson.name}.html`);
      assert.ok(fs.existsSync(html), `${html} written`);
      const { page, errors, blocked } = await watchedPage(browser);
      await page.goto(pathToFileURL(html).href);
      await page.waitForFunction(() => typeof (window as unknown as { MathJax?: { Hub?: unknown } }).MathJax?.Hub === "object", null, { timeout: LIMIT_MS / 2 });
      await page.evaluate(() => new Promise<void>((resolve) => (window as unknown as { MathJax: { Hub: { Queue(f: () => void): void } } }).MathJax.Hub.Queue(() => resolve())));
      // (no named helper functions inside evaluate: tsx would wrap them in a __name the page lacks)
      const seen = await page.evaluate(() => {
        const pngs = Array.from(document.querySelectorAll<HTMLImageElement>(".jp-OutputArea-output img")).filter((img) => img.src.startsWith("data:image/png"));
        const htmlOut = Array.from(document.querySelectorAll<HTMLElement>(".jp-OutputArea-output.jp-RenderedHTMLCommon, .jp-OutputArea-output .jp-RenderedHTMLCommon"));
        const md = Array.from(document.querySelectorAll<HTMLElement>(".jp-MarkdownOutput"));
        const clone = md.map((m) => {
          const c = m.cloneNode(true) as HTMLElement;
          c.querySelectorAll("code, pre, script, .MathJax_CHTML, .MJXc-display, .MathJax_Preview").forEach((e) => e.remove());
          return c.textContent ?? "";
        });
        return {
          pngs: pngs.length,
          pngsLoaded: pngs.filter((img) => img.complete && img.naturalWidth > 0 && (img.getBoundingClientRect().height > 0 && img.getBoundingClientRect().width > 0)).length,
          htmls: htmlOut.filter((e) => !e.closest(".jp-MarkdownCell")).length,
          htmlsShown: htmlOut.filter((e) => !e.closest(".jp-MarkdownCell") && (e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().width > 0)).length,
          tables: document.querySelectorAll(".jp-OutputArea-output table").length,
          tablesShown: Array.from(document.querySelectorAll<HTMLTableElement>(".jp-OutputArea-output table")).filter((tb) => (tb.getBoundingClientRect().height > 0 && tb.getBoundingClientRect().width > 0) && tb.rows.length > 0).length,
          typeset: document.querySelectorAll(".jp-MarkdownOutput script[type^='math/tex']").length,
          mathErrors: document.querySelectorAll(".MathJax_Error, .merror, .mjx-merror").length,
          rawTeX: clone.join("\n").match(/\\[a-zA-Z]{2,}|\$[^$\s][^$]*\$/g) ?? [],
        };
      });
      t.diagnostic(`${lesson.name}: ${seen.pngs} chart PNGs, ${seen.htmls} HTML outputs, ${seen.tables} tables, ${seen.typeset} math expressions typeset`);
      assert.deepEqual(errors, [], "no console error");
      assert.deepEqual(blocked, [], "no request off file://");
      assert.equal(seen.pngs, charts, "one PNG per chart");
      assert.equal(seen.pngsLoaded, charts, "every chart PNG decoded and displayed");
      assert.ok(seen.htmls >= htmls.length && seen.htmlsShown === seen.htmls, `every HTML trace displayed (${seen.htmlsShown}/${htmls.length})`);
      assert.equal(seen.tables, tables, "every table of the outputs in the page");
      assert.equal(seen.tablesShown, tables, "every table displays rows");
      assert.ok(math > 0, "the lesson has math");
      assert.equal(seen.typeset, math, "every math expression of the markdown typeset by MathJax");
      assert.equal(seen.mathErrors, 0, "no MathJax error");
      assert.deepEqual(seen.rawTeX, [], "no raw TeX left in the text");
      if (i === 3) await page.screenshot({ path: path.join(SHOTS, `nbconvert-${lesson.name.slice(0, 2)}.png`) });
      await page.context().close();
    });
  }
});
