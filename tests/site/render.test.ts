/**
 * kernel-helpers/tools/site without a browser: hand-made executed notebooks (outputs written here, no
 * kernel) become pages whose HTML is checked — titles, summaries, order and prev/next links, math
 * rendered by KaTeX, highlighted code, each kind of output, charts with spec and PNG, no network
 * address anywhere, and the build failing on error outputs and on math that does not render.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { InputError } from "../../src/errors";
import { SiteError, buildSite, firstSentence, plainText } from "../../kernel-helpers/tools/site";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-site-render-"));

type Output = Record<string, unknown>;
type Cell = { cell_type: "markdown" | "code"; source: string; outputs?: Output[]; execution_count?: number | null; attachments?: Record<string, Record<string, string>> };
let counter = 0;
function notebook(name: string, cells: Cell[], metadata: Record<string, unknown> = {}): string {
  const file = path.join(tmp, `nb${++counter}`, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const nb = {
    cells: cells.map((c, i) => ({ metadata: {}, id: `c${i}`, ...(c.cell_type === "code" ? { outputs: [], execution_count: i } : {}), ...c })),
    metadata: { kernelspec: { name: "dl-lessons", language: "typescript" }, language_info: { name: "typescript" }, ...metadata },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}
const md = (source: string): Cell => ({ cell_type: "markdown", source });
const code = (source: string, outputs: Output[] = []): Cell => ({ cell_type: "code", source, outputs });
const stream = (name: "stdout" | "stderr", text: string): Output => ({ output_type: "stream", name, text });
const display = (data: Record<string, unknown>, metadata: Record<string, unknown> = {}): Output => ({ output_type: "display_data", data, metadata });

const png = (w: number, h: number): Buffer =>
  Buffer.from(new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#4c78a8"/></svg>`).render().asPng());
const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: "line",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};
const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

function threeLessons(): string[] {
  return [
    notebook("01-first.ipynb", [
      md("# 1. The *first* lesson\n\nYou will compute $\\sigma(z)$ for a few $z$, e.g. zero. Then more.\n\n$$\nz = w^\\top x + b\n$$\n\nA price of $5 or $10 is not math."),
      code("const z: number = 0;\nconsole.log(`$${z}`);", [stream("stdout", "\u001b[32m$0\u001b[0m\n"), stream("stderr", "careful\n")]),
      md("## Part two\n\nInline display $$\\frac{1}{2}$$ and `code with $dollar$`.\n\n```ts\nconst a = 1;\n```"),
    ]),
    notebook("02-second.ipynb", [
      md("# Second\n\nCharts with a PNG fallback."),
      code("show(chart)", [display({ "application/vnd.vegalite.v5+json": spec, "image/png": png(80, 40).toString("base64"), "text/plain": "<chart>" })]),
      code("html()", [display({ "text/html": "<table class=\"mine\"><tr><td>1</td></tr></table>", "text/plain": "table" })]),
      code("img()", [display({ "image/png": png(10, 6).toString("base64"), "text/plain": "img" }, { "image/png": { width: 30 } })]),
      code("[1, 2]", [{ output_type: "execute_result", execution_count: 4, data: { "text/plain": "[ 1, 2 ] & <b>" }, metadata: {} }]),
    ], { summary: "Charts, given by the notebook's metadata." }),
    notebook("03-third.ipynb", [md("# Third\n\n![a dot](attachment:dot.png)"), code("")].map((c, i) => (i === 0 ? { ...c, attachments: { "dot.png": { "image/png": png(4, 4).toString("base64") } } } : c))),
  ];
}

describe("buildSite on three hand-made notebooks", () => {
  const out = path.join(tmp, "site");
  const nbs = threeLessons();
  const result = buildSite(nbs, out, { generatedAt: new Date("2025-01-02T03:04:00Z"), timings: { "01-first.ipynb": 1.25 } });

  test("result: one page per notebook in the order given, titles from the first heading (without its number)", () => {
    assert.equal(result.pages.length, 3);
    assert.deepEqual(result.pages.map((p) => p.file), ["01-first.html", "02-second.html", "03-third.html"]);
    assert.deepEqual(result.pages.map((p) => p.number), [1, 2, 3]);
    assert.deepEqual(result.pages.map((p) => p.title), ["The first lesson", "Second", "Third"]);
    assert.equal(result.pages[0].summary, "You will compute \\sigma(z) for a few z, e.g. zero.");
    assert.equal(result.pages[1].summary, "Charts, given by the notebook's metadata.");
    assert.equal(result.index, path.join(out, "index.html"));
    assert.deepEqual(result.problems, [], "safe lessons: nothing refused or removed");
  });

  test("every page starts its <head> with the Content-Security-Policy", () => {
    for (const f of ["index.html", "01-first.html", "02-second.html"]) {
      const m = /<head>\s*<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(read(out, f));
      assert.ok(m, f);
      assert.match(m[1], /default-src 'none'/);
      assert.match(m[1], /script-src 'self'(;|$)/);
      assert.match(m[1], /connect-src 'none'/);
    }
  });

  test("index: chapters in order with links, summaries with math, footer", () => {
    const html = read(out, "index.html");
    const links = [...html.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(links, ["01-first.html", "02-second.html", "03-third.html"]);
    assert.match(html, /<em>first<\/em> lesson/);
    assert.ok(html.includes('class="katex"'), "math in the summary is rendered");
    assert.match(html, /Generated 2025-01-02 03:04 UTC by running the 3 notebooks/);
  });

  test("prev/next: first has no prev, last no next, the middle both", () => {
    const rel = (file: string, r: string) => [...read(out, file).matchAll(new RegExp(`rel="${r}" href="([^"]+)"`, "g"))].map((m) => m[1]);
    assert.deepEqual(rel("01-first.html", "prev"), []);
    assert.deepEqual(rel("01-first.html", "next"), ["02-second.html", "02-second.html"]);
    assert.deepEqual(rel("02-second.html", "prev"), ["01-first.html", "01-first.html"]);
    assert.deepEqual(rel("02-second.html", "next"), ["03-third.html", "03-third.html"]);
    assert.deepEqual(rel("03-third.html", "next"), []);
    assert.ok(read(out, "03-third.html").includes('href="index.html"'));
  });

  test("math: every $…$ and $$…$$ is KaTeX, dollars of prices and code are not", () => {
    const html = read(out, "01-first.html");
    // σ(z), z, the display block, the inline display fraction: 4 (the title has none)
    assert.equal(result.pages[0].math, 4);
    assert.equal(count(html, /class="katex"/g), 4);
    assert.equal(count(html, /class="katex-display"/g), 2);
    assert.ok(html.includes("A price of $5 or $10 is not math."));
    assert.ok(html.includes("<code>code with $dollar$</code>"));
    assert.ok(read(out, "assets/katex/katex.min.css").includes("KaTeX_Main"));
    assert.ok(fs.existsSync(path.join(out, "assets/katex/fonts/KaTeX_Main-Regular.woff2")));
  });

  test("code: highlighted at build time, outputs as text without ANSI, stderr apart", () => {
    const html = read(out, "01-first.html");
    assert.match(html, /<span class="hljs-keyword">const<\/span>/);
    assert.match(html, /<pre class="output stream stdout">\$0<\/pre>/);
    assert.match(html, /<pre class="output stream stderr">careful<\/pre>/);
    assert.match(html, /<pre class="md-code"><code class="hljs language-ts">/);
  });

  test("outputs: chart = spec + PNG, HTML sanitized (nothing removed from safe HTML), PNG as <img> with its width, text escaped", () => {
    const html = read(out, "02-second.html");
    assert.equal(result.pages[1].charts, 1);
    const fig = /<figure class="output chart" id="chart-1" data-mode="vega-lite">([\s\S]*?)<\/figure>/.exec(html);
    assert.ok(fig, "a chart figure");
    const json = /<script type="application\/json" class="chart-spec">([\s\S]*?)<\/script>/.exec(fig[1]);
    assert.ok(json);
    assert.deepEqual(JSON.parse(json[1]), spec);
    const img = /<img class="chart-fallback" src="([^"]+)" alt="&lt;chart&gt;" width="40"/.exec(fig[1]);
    assert.ok(img, "the PNG fallback at half its pixel width");
    assert.deepEqual(fs.readFileSync(path.join(out, img[1])), png(80, 40));
    // sanitized: the same table, as the browser's parser writes it (with its <tbody>)
    assert.ok(html.includes('<div class="output html"><table class="mine"><tbody><tr><td>1</td></tr></tbody></table></div>'));
    assert.match(html, /<img class="output-image" src="img\/02-second-\d+\.png" alt="img" width="30"/);
    assert.ok(html.includes('<pre class="output text">[ 1, 2 ] &amp; &lt;b&gt;</pre>'));
    for (const f of ["vega.min.js", "vega-interpreter.min.js", "vega-lite.min.js", "vega-embed.min.js", "site.js"]) {
      assert.ok(html.includes(`<script src="assets/${f}"></script>`));
      assert.ok(fs.statSync(path.join(out, "assets", f)).size > 0);
    }
  });

  test("markdown attachments become files of the site", () => {
    const html = read(out, "03-third.html");
    const m = /<img src="(img\/03-third-1\.png)" alt="a dot">/.exec(html);
    assert.ok(m, html);
    assert.deepEqual(fs.readFileSync(path.join(out, m[1])), png(4, 4));
  });

  test("offline: no page, stylesheet or script of the site loads anything from a network address", () => {
    for (const f of fs.readdirSync(out).filter((f) => f.endsWith(".html"))) {
      const html = read(out, f);
      assert.deepEqual(html.match(/(src|href)="(https?:)?\/\/[^"]*"/g) ?? [], [], f);
    }
    for (const f of ["assets/site.css", "assets/highlight.css", "assets/katex/katex.min.css"]) {
      assert.deepEqual(read(out, f).match(/url\(\s*["']?(https?:)?\/\//g) ?? [], [], f);
    }
  });

  test("a second build replaces the first", () => {
    fs.writeFileSync(path.join(out, "stale.html"), "old");
    buildSite(nbs.slice(0, 1), out);
    assert.ok(!fs.existsSync(path.join(out, "stale.html")));
    assert.ok(!fs.existsSync(path.join(out, "02-second.html")));
  });
});

describe("buildSite refuses", () => {
  test("an output of type error: names the notebook and cell, writes nothing", () => {
    const nb = notebook("01-broken.ipynb", [md("# Broken"), code("x", [{ output_type: "error", ename: "RangeError", evalue: "bad \u001b[1mshape\u001b[0m", traceback: [] }])]);
    const out = path.join(tmp, "refused");
    assert.throws(() => buildSite([nb], out), (e: unknown) => e instanceof SiteError && /01-broken\.ipynb, cell 2: .*RangeError: bad shape/.test(e.message));
    assert.ok(!fs.existsSync(out));
  });

  test("the executed copy of a failed run (metadata.dl_lessons.ok = false)", () => {
    const nb = notebook("01-failed.ipynb", [md("# Failed")]);
    const json = JSON.parse(fs.readFileSync(nb, "utf8"));
    json.metadata.dl_lessons = { ok: false };
    fs.writeFileSync(nb, JSON.stringify(json));
    assert.throws(() => buildSite([nb], path.join(tmp, "failed")), (e: unknown) => e instanceof SiteError && /01-failed\.ipynb: its run stopped at an error/.test(e.message));
  });

  test("math KaTeX cannot render, with the cell and the TeX", () => {
    const nb = notebook("01-badmath.ipynb", [md("# Bad math\n\nSee $\\frac{1}{$ here.")]);
    assert.throws(() => buildSite([nb], path.join(tmp, "badmath")), (e: unknown) => e instanceof SiteError && /01-badmath\.ipynb, cell 1: math does not render .*\\frac\{1\}\{/.test(e.message));
  });

  test("bad input: no notebooks, not .ipynb, missing file, twice the same name, a foreign non-empty outDir", () => {
    assert.throws(() => buildSite([], path.join(tmp, "x")), InputError);
    assert.throws(() => buildSite(["README.md"], path.join(tmp, "x")), InputError);
    assert.throws(() => buildSite([path.join(tmp, "missing.ipynb")], path.join(tmp, "x")), /existing files/);
    const a = notebook("01-a.ipynb", [md("# A")]);
    const b = notebook("01-a.ipynb", [md("# B")]);
    assert.throws(() => buildSite([a, b], path.join(tmp, "x")), /distinct file names/);
    const foreign = path.join(tmp, "foreign");
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
    assert.throws(() => buildSite([a], foreign), /outDir/);
    assert.equal(fs.readFileSync(path.join(foreign, "keep.txt"), "utf8"), "mine");
  });
});

describe("text helpers", () => {
  test("firstSentence: stops at the first full stop outside math, code and abbreviations", () => {
    assert.equal(firstSentence("One. Two."), "One.");
    assert.equal(firstSentence("With $a.b$ and `x.y` inside, e.g. this. Next."), "With $a.b$ and `x.y` inside, e.g. this.");
    assert.equal(firstSentence("No stop at all"), "No stop at all");
  });

  test("plainText: markdown and math marks removed", () => {
    assert.equal(plainText("The *first* [lesson](x.html) on $\\sigma$ and `code`"), "The first lesson on \\sigma and code");
  });
});
