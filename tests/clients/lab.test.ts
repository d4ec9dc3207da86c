/**
 * Every executed lesson's outputs through JupyterLab's own rendering code: @jupyterlab/outputarea's
 * OutputArea with @jupyterlab/rendermime's default renderers and @jupyterlab/vega5-extension, bundled
 * here by esbuild into build/clients/lab/ and loaded as file:// in headless Chromium with the network
 * refused. The outputs are trusted, as in JupyterLab after the learner ran the cells. Per lesson: no
 * console error, every output rendered, the richest MIME type chosen (the Vega-Lite bundle over its
 * PNG, HTML over text), every Vega-Lite chart draws marks, every HTML trace and table displays.
 * Screenshots of a few outputs go to build/test-artifacts/clients/.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../kernel-helpers/tools/run";
import { launchChromium, watchedPage } from "./browser";
import { executedLessons, type ExecutedLesson } from "./executed";

const OUT = path.join(PROJECT_ROOT, "build", "clients", "lab");
const SHOTS = path.join(PROJECT_ROOT, "build", "test-artifacts", "clients");
const VEGALITE = "application/vnd.vegalite.v5+json";
const LIMIT_MS = 600_000; // hang guard only

type Output = { output_type: string; name?: string; data?: Record<string, unknown> };
type Nb = { cells: { cell_type: string; outputs?: Output[] }[] };

let lessons: ExecutedLesson[] = [];
let browser: Browser;
let pageUrl = "";

before(async () => {
  lessons = await executedLessons();
  fs.rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(__dirname, "lab-page.ts")],
    bundle: true,
    outdir: OUT,
    format: "iife",
    platform: "browser",
    target: "es2021",
    loader: { ".svg": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".png": "dataurl", ".gif": "dataurl" },
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    logLevel: "silent",
  });
  fs.writeFileSync(
    path.join(OUT, "index.html"),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="lab-page.css"></head>` +
      `<body style="font-family: sans-serif; font-size: 13px"><div id="root" style="width: 1000px"></div><script src="lab-page.js"></script></body></html>`,
  );
  pageUrl = pathToFileURL(path.join(OUT, "index.html")).href;
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
}, { timeout: 3_600_000 });

after(async () => {
  await browser?.close();
});

interface Rendered {
  cell: number;
  index: number;
  mime: string | null;
  preferred: string | null;
  keys: string[];
  height: number;
  text: number;
  marks: number;
  tables: number;
  tableRows: number;
}

describe("JupyterLab's OutputArea + rendermime + vega5 on every executed lesson", { concurrency: 1 }, () => {
  for (let i = 1; i <= 12; i++) {
    test(`lesson ${String(i).padStart(2, "0")}: every output renders, charts draw marks, richest MIME type chosen`, { timeout: LIMIT_MS }, async (t) => {
      const lesson = lessons[i - 1];
      assert.ok(lesson, `lesson ${i} exists`);
      const nb = JSON.parse(fs.readFileSync(lesson.executed, "utf8")) as Nb;
      const cells = nb.cells
        .map((c, cell) => ({ cell, outputs: c.cell_type === "code" ? (c.outputs ?? []) : [] }))
        .filter((c) => c.outputs.length > 0);
      // like JupyterLab, the OutputAreaModel merges consecutive stream outputs of the same name into one
      const expected = cells.flatMap((c) =>
        c.outputs
          .filter((o, k) => !(k > 0 && o.output_type === "stream" && c.outputs[k - 1].output_type === "stream" && c.outputs[k - 1].name === o.name))
          .map((o, index) => ({ cell: c.cell, index, o })),
      );
      const { page, errors, blocked } = await watchedPage(browser);
      await page.goto(pageUrl);
      await page.evaluate((cs) => (window as unknown as { renderOutputs: (c: unknown, t: boolean) => number }).renderOutputs(cs, true), cells);
      // renderers finish asynchronously: wait until every Vega-Lite output holds a drawn view (or vega-embed reported an error)
      await page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll(".jp-RenderedVegaLite")).every(
            (el) => el.querySelector("canvas.marks, svg.marks") !== null || (el.querySelector(".vega-embed") === null && el.textContent!.length > 0),
          ),
        null,
        { timeout: LIMIT_MS / 2, polling: 200 },
      );
      await page.waitForTimeout(300);
      await page.evaluate(() => {
        (window as unknown as { ink: (c: HTMLCanvasElement) => number }).ink = (c) => {
          const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          const bg = [px[0], px[1], px[2], px[3]];
          let n = 0;
          for (let p = 0; p < px.length; p += 4) if (Math.abs(px[p] - bg[0]) + Math.abs(px[p + 1] - bg[1]) + Math.abs(px[p + 2] - bg[2]) + Math.abs(px[p + 3] - bg[3]) > 40) n++;
          return n / (c.width * c.height);
        };
      });
      const rendered = await page.evaluate(() => {
        const ink = (window as unknown as { ink: (c: HTMLCanvasElement) => number }).ink;
        const out: Omit<Rendered, "preferred" | "keys">[] = [];
        for (const area of Array.from(document.querySelectorAll<HTMLElement>(".jp-OutputArea[data-cell]"))) {
          const children = Array.from(area.querySelectorAll<HTMLElement>(":scope > .jp-OutputArea-child"));
          children.forEach((child, index) => {
            const el = child.querySelector<HTMLElement>(".jp-OutputArea-output");
            // vega-embed draws on a canvas here (JupyterLab's default): the share of its pixels that differ from its background
            let marks = 0;
            const canvas = el?.querySelector<HTMLCanvasElement>("canvas.marks");
            if (canvas && canvas.width > 0 && canvas.height > 0) marks = ink(canvas);
            const mime = el?.dataset.mimeType ?? (el?.classList.contains("jp-RenderedVegaLite") ? "application/vnd.vegalite.v5+json" : el?.classList.contains("jp-RenderedVega") ? "application/vnd.vega.v5+json" : null);
            out.push({
              cell: Number(area.dataset.cell),
              index,
              mime,
              height: el ? el.getBoundingClientRect().height : 0,
              text: el?.textContent?.length ?? 0,
              marks,
              tables: el ? el.querySelectorAll("table").length : 0,
              tableRows: el ? Array.from(el.querySelectorAll("table")).filter((t) => t.getBoundingClientRect().height > 0 && t.rows.length > 0).length : 0,
            });
          });
        }
        return out;
      });
      const preferred = await page.evaluate(
        (es) => es.map((e) => (window as unknown as { rendermime: { preferredMimeType(d: unknown, s: string): string | undefined } }).rendermime.preferredMimeType(e, "any") ?? null),
        expected.map((e) => e.o.data ?? {}),
      );
      // the same share for the PNG the kernel rendered from the same spec (drawn by resvg): the reference
      const pngInk = await page.evaluate(async (pngs) => {
        const ink = (window as unknown as { ink: (c: HTMLCanvasElement) => number }).ink;
        const out: number[] = [];
        for (const b64 of pngs) {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement("canvas");
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          c.getContext("2d")!.drawImage(img, 0, 0);
          out.push(ink(c));
        }
        return out;
      }, expected.filter((e) => e.o.data?.[VEGALITE] !== undefined).map((e) => String(e.o.data?.["image/png"] ?? "")));
      assert.deepEqual(errors, [], "no console error");
      assert.deepEqual(blocked, [], "no request leaves the machine");
      assert.equal(rendered.length, expected.length, "one rendered child per output");
      let charts = 0;
      let htmls = 0;
      const marks: string[] = [];
      expected.forEach((e, k) => {
        const r = rendered[k];
        const where = `cell ${e.cell + 1}, output ${e.index + 1} (${e.o.output_type})`;
        assert.equal(r.cell, e.cell, `${where}: order kept`);
        assert.ok(r.height > 0 && (r.text > 0 || r.marks > 0), `${where}: displayed (height ${r.height}, text ${r.text}, marks ${r.marks})`);
        if (e.o.output_type === "stream") {
          assert.equal(r.mime, e.o.name === "stderr" ? "application/vnd.jupyter.stderr" : "application/vnd.jupyter.stdout", `${where}: stream`);
          return;
        }
        const keys = Object.keys(e.o.data ?? {});
        assert.equal(r.mime, preferred[k], `${where}: the registry's preferred type is the one rendered`);
        if (keys.includes(VEGALITE)) {
          charts++;
          assert.equal(r.mime, VEGALITE, `${where}: the Vega-Lite bundle is chosen over ${keys.join(", ")}`);
          const ref = pngInk[charts - 1];
          marks.push(`${r.marks.toFixed(3)}/${ref.toFixed(3)}`);
          assert.ok(r.marks > 0.75 * ref && r.marks < 1.35 * ref, `${where}: the chart draws its marks (inked share of the canvas ${r.marks.toFixed(3)}, of the kernel's PNG ${ref.toFixed(3)})`);
        } else if (keys.includes("text/html")) {
          htmls++;
          assert.equal(r.mime, "text/html", `${where}: HTML chosen over ${keys.join(", ")}`);
          const tables = ((e.o.data?.["text/html"] as string | string[]) ?? "").toString().match(/<table[\s>]/g)?.length ?? 0;
          assert.equal(r.tables, tables, `${where}: its ${tables} table(s) are in the page`);
          assert.equal(r.tableRows, tables, `${where}: every table displays rows`);
        }
      });
      t.diagnostic(`${lesson.name}: ${charts} charts (inked share canvas/PNG: ${marks.join(" ")}), ${htmls} HTML outputs`);
      assert.ok(charts > 0 && htmls > 0, `the lesson has charts (${charts}) and HTML outputs (${htmls})`);
      if (i === 3 || i === 8) {
        const chart = rendered.findIndex((r) => r.mime === VEGALITE);
        const html = rendered.findIndex((r) => r.mime === "text/html" && r.tables > 0);
        const nodes = page.locator(".jp-OutputArea-child");
        for (const [k, kind] of [[chart, "chart"], [html, "table"]] as const) {
          if (k < 0) continue;
          await nodes.nth(k).screenshot({ path: path.join(SHOTS, `lab-${lesson.name.slice(0, 2)}-${kind}.png`) });
        }
        await page.screenshot({ path: path.join(SHOTS, `lab-${lesson.name.slice(0, 2)}-page.png`), fullPage: false });
      }
      await page.context().close();
    });
  }
});
