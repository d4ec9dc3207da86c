/**
 * The offline HTML lesson site, built from executed notebooks: an index with the chapters in order
 * and one page per lesson with prev/next links. Everything is rendered at build time except the
 * interactive charts: markdown with `marked`, math with KaTeX, TypeScript with highlight.js, and
 * each Vega-Lite output as vega-embed over its PNG (the PNG stays when scripts are off or for
 * print). vega, vega-lite, vega-embed, KaTeX's CSS and fonts are copied into the site: no CDN, no
 * network; the pages work opened as file:// and served.
 *
 *   buildSite(["build/executed/01-what-is-deep-learning.ipynb", …], "site")
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Marked, type Tokens, type TokenizerAndRendererExtension } from "marked";
import hljs from "highlight.js";
import { InputError, describe } from "../src/errors";
import { PROJECT_ROOT } from "./shared/paths";
import { stripAnsi } from "./shared/text";

interface KatexOptions { displayMode: boolean; throwOnError: boolean; strict: "ignore" | "warn" | "error"; output: "html" | "mathml" | "htmlAndMathml" }
// katex 0.16 ships no type declarations; this is the one function the site uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const katex = require("katex") as { renderToString(tex: string, options: KatexOptions): string };

// ---------------------------------------------------------------------------------------------
// Notebook format (nbformat 4), only what the site reads

type MultilineString = string | string[];
interface NbOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: string;
  text?: MultilineString;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface NbCell {
  cell_type: "markdown" | "code" | "raw";
  source: MultilineString;
  outputs?: NbOutput[];
  execution_count?: number | null;
  attachments?: Record<string, Record<string, string>>;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: NbCell[];
  metadata?: {
    language_info?: { name?: string };
    kernelspec?: { language?: string; display_name?: string };
    /** the index's one-line summary of the lesson; default: the first sentence after the title */
    summary?: string;
    /** written by kernel-helpers/execute.py */
    dl_lessons?: { source?: string; executed_at?: string; seconds?: number; ok?: boolean };
    [k: string]: unknown;
  };
}

const joinText = (s: MultilineString | undefined): string => (Array.isArray(s) ? s.join("") : s ?? "");

// ---------------------------------------------------------------------------------------------
// Public API

export interface SiteOptions {
  /** The site's name in the header and the index. Default "Deep learning, step by step". */
  title?: string;
  /** One line under the index's title. */
  tagline?: string;
  /** Run time of each notebook in seconds, by file name (shown in the footer and the index). */
  timings?: Record<string, number>;
  /** Date printed in the footer. Default now. */
  generatedAt?: Date;
}

/** One lesson page of the site. */
export interface SitePage {
  notebook: string;
  /** file name inside the site, e.g. "03-feedforward.html" */
  file: string;
  /** chapter number from the NN- prefix, else the position (1-based) */
  number: number;
  title: string;
  summary: string;
  charts: number;
  images: number;
  /** pieces of math rendered with KaTeX */
  math: number;
}

export interface SiteResult {
  outDir: string;
  /** absolute path of index.html */
  index: string;
  pages: SitePage[];
  seconds: number;
}

/** Problems that make the site wrong: error outputs, math KaTeX cannot render, unreadable files. */
export class SiteError extends Error {
  constructor(readonly problems: string[]) {
    super(`buildSite: ${problems.length} problem${problems.length === 1 ? "" : "s"}, no site written:\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "SiteError";
  }
}

const MARKER = ".dl-lessons-site";
const TOC_MARK = "<!-- table of contents -->";

/**
 * Write the lesson site for `executedNotebooks` (in chapter order) into `outDir`: index.html, one
 * page per notebook, assets/ and img/. Throws a `SiteError` listing every problem found (an output
 * of type "error", math that does not render) before writing anything.
 */
export function buildSite(executedNotebooks: string[], outDir = "site", options: SiteOptions = {}): SiteResult {
  const t0 = performance.now();
  const fn = "buildSite";
  if (!Array.isArray(executedNotebooks) || executedNotebooks.length === 0) {
    throw new InputError(fn, "executedNotebooks", "a non-empty array of .ipynb paths", describe(executedNotebooks));
  }
  for (const p of executedNotebooks) {
    if (typeof p !== "string" || !p.endsWith(".ipynb")) throw new InputError(fn, "executedNotebooks", "paths to .ipynb files", describe(p));
    if (!fs.existsSync(p)) throw new InputError(fn, "executedNotebooks", "existing files", p);
  }
  const names = executedNotebooks.map((p) => path.basename(p));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InputError(fn, "executedNotebooks", "distinct file names (one page each)", `${dup} twice`);
  const out = path.resolve(outDir);
  const title = options.title ?? "Deep learning, step by step";
  const generatedAt = options.generatedAt ?? new Date();

  // 1. Render every page in memory, collecting problems, so a broken lesson writes nothing.
  const problems: string[] = [];
  const files = new Map<string, string | Buffer>(); // site-relative path → content
  const rendered = executedNotebooks.map((p, i) => renderLesson(p, i, problems, files));
  if (problems.length > 0) throw new SiteError(problems);

  // 2. Wrap the pages with navigation, then the index.
  const pages: SitePage[] = rendered.map((r) => r.page);
  // "Lesson 7 of 12" even when a partial site holds fewer pages
  const lessonCount = Math.max(pages.length, ...pages.map((p) => p.number));
  rendered.forEach((r, i) => {
    const seconds = options.timings?.[path.basename(r.page.notebook)] ?? r.seconds;
    files.set(r.page.file, pageHtml(title, r, pages[i - 1], pages[i + 1], lessonCount, seconds, generatedAt));
  });
  files.set("index.html", indexHtml(title, options.tagline, rendered, options.timings, generatedAt));

  // 3. Write: clear a previous site (only one this function made), copy assets, write files.
  prepareOutDir(out);
  copyAssets(out);
  for (const [rel, content] of files) {
    const target = path.join(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return { outDir: out, index: path.join(out, "index.html"), pages, seconds: (performance.now() - t0) / 1000 };
}

function prepareOutDir(out: string): void {
  if (fs.existsSync(out)) {
    const entries = fs.readdirSync(out);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new InputError("buildSite", "outDir", `an empty folder or a site built before (with ${MARKER})`, `${out} holding ${entries.length} other entries`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, MARKER), "Built by kernel-helpers/site.ts; this folder is replaced on every build.\n");
}

// ---------------------------------------------------------------------------------------------
// Assets: copied from node_modules, never fetched

/** A file inside an installed package (found on Node's module paths; "exports" maps hide some). */
function resolvePackageFile(pkg: string, rel: string): string {
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const file = path.join(dir, pkg, rel);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`buildSite: ${pkg}/${rel} not found in node_modules (run npm install)`);
}

function copyAssets(out: string): void {
  const assets = path.join(out, "assets");
  fs.mkdirSync(path.join(assets, "katex"), { recursive: true });
  const copies: [string, string, string][] = [
    ["vega", "build/vega.min.js", "vega.min.js"],
    ["vega-lite", "build/vega-lite.min.js", "vega-lite.min.js"],
    ["vega-embed", "build/vega-embed.min.js", "vega-embed.min.js"],
    ["katex", "dist/katex.min.css", "katex/katex.min.css"],
  ];
  for (const [pkg, rel, to] of copies) fs.copyFileSync(resolvePackageFile(pkg, rel), path.join(assets, to));
  fs.cpSync(resolvePackageFile("katex", "dist/fonts"), path.join(assets, "katex", "fonts"), { recursive: true });
  fs.copyFileSync(resolvePackageFile("highlight.js", "styles/github.min.css"), path.join(assets, "highlight.css"));
  fs.writeFileSync(path.join(assets, "style.css"), STYLE_CSS);
  fs.writeFileSync(path.join(assets, "lesson.js"), LESSON_JS);
}

// ---------------------------------------------------------------------------------------------
// Markdown with math: $…$ and $$…$$ become KaTeX at build time

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** What rendering one cell's markdown needs to know and reports back. */
interface MdContext {
  where: string;
  problems: string[];
  math: number;
  attachments: Record<string, Record<string, string>>;
  /** source folder of the notebook, for relative image paths */
  sourceDir: string | null;
  files: Map<string, string | Buffer>;
  imagePrefix: string;
  images: number;
  headings: { depth: number; id: string; html: string }[];
  usedIds: Set<string>;
}

function renderMath(tex: string, displayMode: boolean, ctx: MdContext): string {
  ctx.math++;
  try {
    const html = katex.renderToString(tex, { displayMode, throwOnError: true, strict: "ignore", output: "htmlAndMathml" });
    return displayMode ? `<div class="math-display">${html}</div>` : html;
  } catch (e) {
    ctx.problems.push(`${ctx.where}: math does not render (${(e as Error).message.split("\n")[0]}): ${displayMode ? "$$" : "$"}${tex}${displayMode ? "$$" : "$"}`);
    return `<code class="math-error">${escapeHtml(tex)}</code>`;
  }
}

/** Index of the first unescaped `$` in `src`, for marked's start hooks. */
function firstDollar(src: string): number | undefined {
  for (let i = 0; i < src.length; i++) {
    if (src[i] === "\\") i++;
    else if (src[i] === "$") return i;
  }
  return undefined;
}

function mathExtensions(ctx: () => MdContext): TokenizerAndRendererExtension[] {
  return [
    {
      // $$ … $$ or \begin{align} … \end{align} standing as a block of their own
      name: "mathBlock",
      level: "block",
      start: (src: string) => {
        const m = /^ {0,3}(\$\$|\\begin\{)/m.exec(src);
        return m ? m.index : undefined;
      },
      tokenizer(src: string) {
        const m = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/.exec(src) ?? /^ {0,3}(\\begin\{([a-zA-Z]+\*?)\}[\s\S]+?\\end\{\2\})[ \t]*(?:\n+|$)/.exec(src);
        if (m) return { type: "mathBlock", raw: m[0], text: m[1].trim() };
        return undefined;
      },
      renderer: (token) => renderMath(token.text as string, true, ctx()) + "\n",
    },
    {
      // inline $$ … $$ (display) and $ … $: no space after the opening $, none before the closing
      // one, and no digit right after it, so "costs $5 and $10" stays text
      name: "mathInline",
      level: "inline",
      start: firstDollar,
      tokenizer(src: string) {
        const d = /^\$\$((?:\\.|[^\\$])+?)\$\$/.exec(src);
        if (d) return { type: "mathInline", raw: d[0], text: d[1].trim(), display: true };
        const m = /^\$(?![\s$])((?:\\.|[^\\$])+?)(?<![\s\\])\$(?!\d)/.exec(src);
        if (m) return { type: "mathInline", raw: m[0], text: m[1], display: false };
        return undefined;
      },
      renderer: (token) => renderMath(token.text as string, token.display as boolean, ctx()),
    },
  ];
}

function highlight(code: string, lang: string): string {
  const language = hljs.getLanguage(lang) ? lang : "";
  if (!language) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** An id for a heading: its words in lower case joined by "-" (math as its TeX letters). */
function slugify(text: string): string {
  return text.toLowerCase().replace(/&#?[a-z0-9]+;|['’]/g, "").replace(/\\[a-z]+/g, " ").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "") || "section";
}

function makeMarked(ctx: () => MdContext): Marked {
  const marked = new Marked({ gfm: true });
  marked.use({
    extensions: mathExtensions(ctx),
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const l = (lang ?? "").trim().split(/\s+/)[0] || "typescript";
        return `<pre class="md-code"><code class="hljs language-${escapeHtml(l)}">${highlight(text.replace(/\n$/, ""), l)}</code></pre>\n`;
      },
      heading({ tokens, depth, text }: Tokens.Heading) {
        const c = ctx();
        const html = this.parser.parseInline(tokens);
        const slug = slugify(plainText(text));
        let id = slug;
        for (let k = 2; c.usedIds.has(id); k++) id = `${slug}-${k}`;
        c.usedIds.add(id);
        c.headings.push({ depth, id, html });
        return `<h${depth} id="${id}">${html}<a class="anchor" href="#${id}" aria-label="link to this section">#</a></h${depth}>\n`;
      },
      image({ href, title, text }: Tokens.Image) {
        const src = imageSource(href, ctx());
        return `<img src="${escapeHtml(src)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ""}>`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        // a link to another lesson notebook goes to its page
        const h = href.replace(/^(\.\/)?(\d{2}-[^/#?]+)\.ipynb(#.*)?$/, "$2.html$3");
        const external = /^https?:/.test(h) ? ' rel="noopener"' : "";
        return `<a href="${escapeHtml(h)}"${title ? ` title="${escapeHtml(title)}"` : ""}${external}>${inner}</a>`;
      },
    },
  });
  return marked;
}

const MIME_EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg" };

/** Markdown images: cell attachments and files next to the source notebook are copied into img/. */
function imageSource(href: string, ctx: MdContext): string {
  if (href.startsWith("attachment:")) {
    const bundle = ctx.attachments[href.slice("attachment:".length)];
    const mime = bundle && Object.keys(bundle).find((m) => MIME_EXT[m]);
    if (!bundle || !mime) {
      ctx.problems.push(`${ctx.where}: image ${href} is not among the cell's attachments`);
      return href;
    }
    const raw = bundle[mime];
    return addImage(ctx, mime === "image/svg+xml" ? Buffer.from(raw) : Buffer.from(raw, "base64"), MIME_EXT[mime]);
  }
  if (/^(https?:|data:|\/\/)/.test(href)) return href;
  if (ctx.sourceDir) {
    const file = path.resolve(ctx.sourceDir, decodeURI(href));
    if (fs.existsSync(file)) return addImage(ctx, fs.readFileSync(file), path.extname(file).slice(1) || "png");
  }
  ctx.problems.push(`${ctx.where}: image ${href} not found next to the notebook`);
  return href;
}

function addImage(ctx: MdContext, content: Buffer, ext: string): string {
  const rel = `img/${ctx.imagePrefix}-${++ctx.images}.${ext}`;
  ctx.files.set(rel, content);
  return rel;
}

/** Plain text of inline markdown (for <title>, descriptions and the page list): math as its TeX. */
export const plainText = (md: string): string =>
  md.replace(/\$+/g, "").replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*_]+/g, "").replace(/<[^>]+>/g, "").replace(/\\([\\`*_{}\[\]()#+\-.!$])/g, "$1").trim();

/**
 * The first sentence of a markdown paragraph: up to the first ". ", "! " or "? " outside math and
 * code spans, at most about 240 characters.
 */
export function firstSentence(md: string): string {
  const s = md.replace(/\s+/g, " ").trim();
  let inMath = false;
  let inCode = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "`" && !inMath) inCode = !inCode;
    else if (c === "$" && !inCode) inMath = !inMath;
    else if (!inMath && !inCode && ".!?".includes(c) && (i === s.length - 1 || s[i + 1] === " ")) {
      const before = s.slice(Math.max(0, i - 5), i + 1);
      if (/\b(e\.g|i\.e|etc|vs|cf|Fig|Eq)\.$/.test(before)) continue;
      return s.slice(0, i + 1);
    }
  }
  return s.length > 240 ? s.slice(0, s.lastIndexOf(" ", 240)) + " …" : s;
}

// ---------------------------------------------------------------------------------------------
// Outputs

const CHART_MIMES = ["application/vnd.vegalite.v5+json", "application/vnd.vegalite.v4+json", "application/vnd.vegalite.v3+json", "application/vnd.vega.v5+json"];

interface LessonRender {
  page: SitePage;
  body: string;
  titleHtml: string;
  summaryHtml: string;
  headings: { depth: number; id: string; html: string }[];
  seconds: number | undefined;
  source: string | undefined;
}

function renderLesson(file: string, position: number, problems: string[], files: Map<string, string | Buffer>): LessonRender {
  const base = path.basename(file, ".ipynb");
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    if (!Array.isArray(nb.cells)) throw new Error("no cells array");
  } catch (e) {
    problems.push(`${file}: not a notebook (${(e as Error).message})`);
    return emptyRender(file, base, position);
  }
  if (nb.metadata?.dl_lessons?.ok === false) {
    problems.push(`${file}: its run stopped at an error (executed copy of a failed run)`);
  }
  const lang = nb.metadata?.language_info?.name ?? nb.metadata?.kernelspec?.language ?? "typescript";
  const source = nb.metadata?.dl_lessons?.source;
  const ctx: MdContext = {
    where: file, problems, math: 0, attachments: {}, sourceDir: source ? path.dirname(source) : path.dirname(file),
    files, imagePrefix: base, images: 0, headings: [], usedIds: new Set(),
  };
  const marked = makeMarked(() => ctx);
  const number = /^(\d+)-/.test(base) ? Number(/^(\d+)-/.exec(base)![1]) : position + 1;
  const parts: string[] = [];
  let charts = 0;
  let titleHtml = "";
  let titleText = "";
  let summaryMd = "";

  nb.cells.forEach((cell, i) => {
    const src = joinText(cell.source);
    ctx.where = `${path.basename(file)}, cell ${i + 1}`;
    if (cell.cell_type === "markdown") {
      ctx.attachments = cell.attachments ?? {};
      let md = src;
      if (!titleHtml) {
        // The first heading is the page title (shown in the page header), the first paragraph after it the summary.
        const m = /^\s*#{1,2}\s+(.+?)\s*#*\s*$/m.exec(md);
        if (m) {
          // "# 3. Fully connected…" → "Fully connected…": the page shows the number itself
          const heading = m[1].replace(new RegExp(`^(?:(?:chapter|lesson)\\s+)?0*${number}\\s*[.:—–-]\\s*`, "i"), "") || m[1];
          titleHtml = marked.parseInline(heading) as string;
          titleText = plainText(heading);
          md = md.slice(0, m.index) + md.slice(m.index + m[0].length);
          const para = md.trim().split(/\n\s*\n/).find((b) => b.trim() && !/^\s*([#>|`$-]|\d+\.|\*|!\[)/.test(b));
          summaryMd = typeof nb.metadata?.summary === "string" ? nb.metadata.summary : para ? firstSentence(para) : "";
        }
      }
      if (md.trim()) parts.push(`<section class="cell markdown-cell">\n${marked.parse(md) as string}</section>`);
      // the table of contents goes after the lesson's introduction (the cell of the title)
      if (titleHtml && !parts.includes(TOC_MARK)) parts.push(TOC_MARK);
    } else if (cell.cell_type === "code") {
      if (!src.trim() && !(cell.outputs ?? []).length) return;
      const count = cell.execution_count ? `[${cell.execution_count}]` : "[ ]";
      const input = `<div class="input"><span class="prompt" aria-hidden="true">${count}</span><pre><code class="hljs language-${escapeHtml(lang)}">${highlight(src, lang)}</code></pre></div>`;
      const outs = renderOutputs(cell.outputs ?? [], ctx, () => ++charts);
      parts.push(`<section class="cell code-cell">\n${input}\n${outs ? `<div class="outputs">\n${outs}\n</div>\n` : ""}</section>`);
    } else if (src.trim()) {
      parts.push(`<section class="cell raw-cell"><pre>${escapeHtml(src)}</pre></section>`);
    }
  });

  if (!titleHtml) {
    titleText = base.replace(/^\d+-/, "").replace(/-/g, " ");
    titleHtml = escapeHtml(titleText);
  }
  const math = ctx.math; // pieces of math on the page itself (the summary appears on the index)
  ctx.where = `${path.basename(file)}, summary`;
  const summaryHtml = summaryMd ? (marked.parseInline(summaryMd) as string) : "";
  return {
    page: { notebook: file, file: `${base}.html`, number, title: titleText, summary: plainText(summaryMd), charts, images: ctx.images, math },
    body: parts.join("\n"),
    titleHtml,
    summaryHtml,
    headings: ctx.headings,
    seconds: nb.metadata?.dl_lessons?.seconds,
    source,
  };
}

function emptyRender(file: string, base: string, position: number): LessonRender {
  return {
    page: { notebook: file, file: `${base}.html`, number: position + 1, title: base, summary: "", charts: 0, images: 0, math: 0 },
    body: "", titleHtml: base, summaryHtml: "", headings: [], seconds: undefined, source: undefined,
  };
}

function renderOutputs(outputs: NbOutput[], ctx: MdContext, nextChart: () => number): string {
  const html: string[] = [];
  let stream: { name: string; text: string } | null = null;
  const flush = () => {
    if (stream && stream.text) html.push(`<pre class="output stream ${stream.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(stream.text.replace(/\n$/, ""))}</pre>`);
    stream = null;
  };
  for (const o of outputs) {
    if (o.output_type === "stream") {
      const text = stripAnsi(joinText(o.text)).replace(/\r\n/g, "\n");
      const name = o.name ?? "stdout";
      if (stream && stream.name === name) stream.text += text;
      else {
        flush();
        stream = { name, text };
      }
      continue;
    }
    flush();
    if (o.output_type === "error") {
      ctx.problems.push(`${ctx.where}: the executed notebook holds an error output: ${o.ename}: ${stripAnsi(o.evalue ?? "")}`);
      continue;
    }
    if (o.output_type === "display_data" || o.output_type === "execute_result") {
      html.push(renderBundle(o.data ?? {}, o.metadata ?? {}, ctx, nextChart));
    }
  }
  flush();
  return html.filter(Boolean).join("\n");
}

/** Width and height stored in a PNG's header. */
function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.readUInt32BE(12) !== 0x49484452) return null; // "IHDR"
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function imageTag(data: string, mime: string, meta: Record<string, unknown>, alt: string, ctx: MdContext, cls: string): string {
  const buf = mime === "image/svg+xml" ? Buffer.from(data) : Buffer.from(data.replace(/\s+/g, ""), "base64");
  const src = addImage(ctx, buf, MIME_EXT[mime]);
  const m = (meta[mime] ?? {}) as { width?: number; height?: number };
  let size = "";
  if (typeof m.width === "number") size = ` width="${Math.round(m.width)}"${typeof m.height === "number" ? ` height="${Math.round(m.height)}"` : ""}`;
  else if (mime === "image/png") {
    const s = pngSize(buf);
    // charts are rendered at twice their size for sharp screens: show them at their CSS size
    if (s && cls === "chart-fallback" && s.width > 0) size = ` width="${Math.round(s.width / 2)}"`;
  }
  return `<img class="${cls}" src="${src}" alt="${escapeHtml(alt)}"${size} decoding="async">`;
}

function renderBundle(data: Record<string, unknown>, meta: Record<string, unknown>, ctx: MdContext, nextChart: () => number): string {
  const text = typeof data["text/plain"] === "string" || Array.isArray(data["text/plain"]) ? stripAnsi(joinText(data["text/plain"] as MultilineString)) : "";
  const chartMime = CHART_MIMES.find((m) => m in data);
  if (chartMime) {
    const n = nextChart();
    const id = `chart-${n}`;
    const spec = data[chartMime];
    const json = JSON.stringify(spec).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
    const png = typeof data["image/png"] === "string" ? (data["image/png"] as string) : null;
    const fallback = png
      ? imageTag(png, "image/png", meta, text || "chart", ctx, "chart-fallback")
      : `<pre class="output chart-text">${escapeHtml(text || "(an interactive chart: enable JavaScript to see it)")}</pre>`;
    const mode = chartMime.includes("vegalite") ? "vega-lite" : "vega";
    return `<figure class="output chart" id="${id}" data-mode="${mode}"><div class="chart-view"></div>${fallback}<script type="application/json" class="chart-spec">${json}</script></figure>`;
  }
  if (typeof data["text/html"] === "string" || Array.isArray(data["text/html"])) {
    return `<div class="output html">${joinText(data["text/html"] as MultilineString)}</div>`;
  }
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/svg+xml"]) {
    if (mime in data) return `<div class="output image">${imageTag(joinText(data[mime] as MultilineString), mime, meta, text || "output image", ctx, "output-image")}</div>`;
  }
  if ("text/markdown" in data) {
    const marked = makeMarked(() => ctx);
    return `<div class="output markdown">${marked.parse(joinText(data["text/markdown"] as MultilineString)) as string}</div>`;
  }
  if ("text/latex" in data) {
    const tex = joinText(data["text/latex"] as MultilineString).trim().replace(/^\$\$?|\$\$?$/g, "");
    return `<div class="output latex">${renderMath(tex, true, ctx)}</div>`;
  }
  if (text) return `<pre class="output text">${escapeHtml(text)}</pre>`;
  return "";
}

// ---------------------------------------------------------------------------------------------
// Page templates

const fmtSeconds = (s: number): string => (s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);
const fmtDate = (d: Date): string => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

function head(pageTitle: string, description: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${escapeHtml(description)}">
<title>${escapeHtml(pageTitle)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/highlight.css">
<link rel="stylesheet" href="assets/style.css">
</head>`;
}

function pager(prev: SitePage | undefined, next: SitePage | undefined, where: "top" | "bottom"): string {
  if (where === "bottom" && !prev && !next) return "";
  const link = (p: SitePage | undefined, rel: "prev" | "next") =>
    p
      ? `<a class="${rel}" rel="${rel}" href="${p.file}"><span class="dir">${rel === "prev" ? "← Previous" : "Next →"}</span><span class="name">${p.number}. ${escapeHtml(p.title)}</span></a>`
      : `<span class="${rel} none"></span>`;
  return `<nav class="pager ${where}" aria-label="lessons">${link(prev, "prev")}${where === "bottom" ? "" : `<a class="up" href="index.html">All lessons</a>`}${link(next, "next")}</nav>`;
}

function pageHtml(site: string, r: LessonRender, prev: SitePage | undefined, next: SitePage | undefined, total: number, seconds: number | undefined, at: Date): string {
  const toc = r.headings.filter((h) => h.depth === 2);
  const tocHtml = toc.length >= 3
    ? `<nav class="toc" aria-label="on this page"><span>On this page</span><ol>${toc.map((h) => `<li><a href="#${h.id}">${h.html}</a></li>`).join("")}</ol></nav>`
    : "";
  const src = r.source ? path.relative(PROJECT_ROOT, r.source) : `notebooks/${path.basename(r.page.notebook)}`;
  return `${head(`${r.page.number}. ${r.page.title} · ${site}`, r.page.summary)}
<body class="lesson-page">
<header class="site-header"><a class="site-name" href="index.html">${escapeHtml(site)}</a><span class="where">Lesson ${r.page.number} of ${total}</span></header>
${pager(prev, next, "top")}
<main class="lesson">
<h1 class="lesson-title"><span class="num">${r.page.number}.</span> ${r.titleHtml}</h1>
${r.body.includes(TOC_MARK) ? r.body.replace(TOC_MARK, tocHtml) : tocHtml + r.body}
</main>
${pager(prev, next, "bottom")}
<footer class="site-footer">Generated ${fmtDate(at)} by running <code>${escapeHtml(src.startsWith("..") ? path.basename(r.page.notebook) : src)}</code> through the Jupyter kernel <code>dl-lessons</code> (tslab)${seconds !== undefined ? ` in ${fmtSeconds(seconds)}` : ""}: every number and chart on this page was computed by that run.</footer>
<script src="assets/vega.min.js"></script>
<script src="assets/vega-lite.min.js"></script>
<script src="assets/vega-embed.min.js"></script>
<script src="assets/lesson.js"></script>
</body>
</html>
`;
}

function indexHtml(site: string, tagline: string | undefined, lessons: LessonRender[], timings: Record<string, number> | undefined, at: Date): string {
  const items = lessons.map((r) => {
    const s = timings?.[path.basename(r.page.notebook)] ?? r.seconds;
    return `<li><a href="${r.page.file}"><span class="num">${r.page.number}</span><span class="text"><span class="title">${r.titleHtml}</span>${r.summaryHtml ? `<span class="summary">${r.summaryHtml}</span>` : ""}</span></a></li>`
      + (s !== undefined ? `<!-- ran in ${fmtSeconds(s)} -->` : "");
  });
  const total = lessons.reduce((acc, r) => acc + (timings?.[path.basename(r.page.notebook)] ?? r.seconds ?? 0), 0);
  const first = lessons[0].page;
  return `${head(site, tagline ?? `${lessons.length} lessons`)}
<body class="index-page">
<header class="site-header"><a class="site-name" href="index.html">${escapeHtml(site)}</a><span class="where">${lessons.length} lesson${lessons.length === 1 ? "" : "s"}</span></header>
<main class="index">
<h1>${escapeHtml(site)}</h1>
<p class="tagline">${escapeHtml(tagline ?? "Neural networks one step at a time, with every number computed: forward passes, backpropagation as the chain rule, convolution window by window, pooling, training.")}</p>
<ol class="chapters">
${items.join("\n")}
</ol>
<nav class="pager top" aria-label="lessons"><span class="prev none"></span><a class="next" rel="next" href="${first.file}"><span class="dir">Start →</span><span class="name">${first.number}. ${escapeHtml(first.title)}</span></a></nav>
</main>
<footer class="site-footer">Generated ${fmtDate(at)} by running the ${lessons.length} notebooks through the Jupyter kernel <code>dl-lessons</code> (tslab)${total > 0 ? ` in ${fmtSeconds(total)} of kernel time` : ""}. Works offline: charts, math and code highlighting need nothing but these files.</footer>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// The stylesheet and the one script of the site

const LESSON_JS = `// Turn each chart's Vega-Lite spec into an interactive view; its PNG stays if that fails.
(function () {
  var figures = document.querySelectorAll("figure.chart");
  if (typeof vegaEmbed !== "function") {
    figures.forEach(function (fig) { fig.classList.add("embed-failed"); });
    if (figures.length) console.error("vega-embed did not load: charts stay as images");
    return;
  }
  figures.forEach(function (fig) {
    var spec = JSON.parse(fig.querySelector("script.chart-spec").textContent);
    var big = JSON.stringify(spec).length > 200000;
    vegaEmbed(fig.querySelector(".chart-view"), spec, {
      mode: fig.getAttribute("data-mode"),
      renderer: big ? "canvas" : "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: fig.id
    }).then(function () {
      fig.classList.add("embedded");
    }).catch(function (err) {
      fig.classList.add("embed-failed");
      console.error("chart " + fig.id + " could not be drawn: " + err);
    });
  });
})();
`;

const STYLE_CSS = `/* dl-lessons site: a readable column of prose, code cells set apart from their outputs. */
:root {
  --text: #1f2328;
  --muted: #59636e;
  --accent: #0b5cad;
  --rule: #d8dee4;
  --code-bg: #f6f8fa;
  --out-bg: #ffffff;
  --out-rule: #e4e8ec;
  --warn-bg: #fff8e6;
  /* prose keeps a reading measure; code and outputs (charts, tables) get the whole page width */
  --column: 46rem;
  --page: 58rem;
}
.index-page { --page: var(--column); }
.markdown-cell, .lesson-title, .toc { max-width: var(--column); }
* { box-sizing: border-box; }
html { font-size: 17px; }
body {
  margin: 0;
  color: var(--text);
  background: #fff;
  font-family: "Source Sans 3", "Segoe UI", "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  line-height: 1.6;
  -webkit-text-size-adjust: 100%;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, kbd { font-family: "DejaVu Sans Mono", "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.82rem; }

.site-header {
  display: flex; justify-content: space-between; align-items: baseline;
  max-width: calc(var(--page) + 4rem); margin: 0 auto; padding: 1rem 2rem 0.6rem;
  border-bottom: 1px solid var(--rule);
}
.site-name { font-weight: 700; color: var(--text); letter-spacing: 0.01em; }
.site-header .where { color: var(--muted); font-size: 0.85rem; }

main { max-width: calc(var(--page) + 4rem); margin: 0 auto; padding: 0 2rem 2rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 0.8rem; font-weight: 650; }
h1 { font-size: 2rem; margin-top: 1.2rem; }
h2 { font-size: 1.45rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.15rem; }
.lesson-title .num { color: var(--muted); font-weight: 500; }
.anchor { margin-left: 0.4rem; color: var(--rule); font-weight: 400; visibility: hidden; }
h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
p, ul, ol { margin: 0.7rem 0; }
li { margin: 0.2rem 0; }
blockquote { margin: 1rem 0; padding: 0.2rem 1rem; border-left: 4px solid #9ec5ee; background: #f3f8fd; color: #24384d; }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
/* tables written in markdown; output tables (show()) bring their own styles */
.markdown-cell table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; display: block; overflow-x: auto; max-width: 100%; }
.markdown-cell th, .markdown-cell td { border: 1px solid var(--rule); padding: 0.3rem 0.6rem; text-align: left; }
.markdown-cell th { background: var(--code-bg); }
img { max-width: 100%; height: auto; }
:not(pre) > code { background: var(--code-bg); padding: 0.1rem 0.3rem; border-radius: 4px; }

.toc { margin: 1rem 0 1.5rem; padding: 0.6rem 1rem; background: #fafbfc; border: 1px solid var(--rule); border-radius: 6px; font-size: 0.9rem; }
.toc span { font-weight: 600; color: var(--muted); }
.toc ol { margin: 0.3rem 0 0; padding-left: 1.4rem; columns: 2; column-gap: 2.5rem; }
.toc li { margin: 0 0 0.15rem; break-inside: avoid; }

/* Math */
.math-display { overflow-x: auto; overflow-y: hidden; margin: 1rem 0; padding: 0.2rem 0; }
.katex { font-size: 1.08em; }
.math-error { color: #b3261e; }

/* Cells: code on grey with a left rule, outputs on white under it, slightly indented */
.cell { margin: 1rem 0; }
.code-cell { margin: 1.3rem 0; }
.code-cell .input { position: relative; }
.code-cell .input pre {
  margin: 0; padding: 0.75rem 1rem; overflow-x: auto;
  background: var(--code-bg); border: 1px solid var(--rule); border-left: 4px solid #8fb4dc; border-radius: 6px;
}
.code-cell .input pre code.hljs { background: transparent; padding: 0; }
.prompt { position: absolute; right: calc(100% + 0.5rem); top: 0.75rem; color: #8c959f; font-family: "DejaVu Sans Mono", monospace; font-size: 0.72rem; white-space: nowrap; }
.outputs { margin: 0.35rem 0 0 0; padding: 0.2rem 0 0.2rem 1rem; border-left: 4px solid var(--out-rule); }
.output { margin: 0.4rem 0; }
pre.output { margin: 0.4rem 0; padding: 0.45rem 0.7rem; white-space: pre-wrap; word-break: break-word; background: var(--out-bg); color: #24292f; font-size: 0.8rem; line-height: 1.45; }
pre.output.stderr { background: var(--warn-bg); border-left: 3px solid #e3b341; }
.output.html { overflow-x: auto; }
.output.image img, .output-image { display: block; }
pre.md-code { margin: 0.9rem 0; padding: 0.7rem 1rem; overflow-x: auto; background: var(--code-bg); border-radius: 6px; border: 1px solid var(--rule); }
pre.md-code code.hljs { background: transparent; padding: 0; }

/* Charts: the interactive view replaces the PNG once vega-embed has drawn it */
figure.chart { margin: 0.6rem 0; overflow-x: auto; }
figure.chart.embedded .chart-fallback { display: none; }
.chart-view:empty { display: none; }
.chart-fallback { display: block; }
.vega-embed { max-width: 100%; }
.vega-embed summary { opacity: 0.5; }

/* Lesson navigation */
.pager { display: grid; grid-template-columns: 1fr auto 1fr; align-items: center; gap: 1rem; max-width: calc(var(--page) + 4rem); margin: 0.8rem auto; padding: 0 2rem; font-size: 0.9rem; }
.pager .up { grid-column: 2; color: var(--muted); }
.pager .prev, .pager .next { display: flex; flex-direction: column; }
.pager .prev { grid-column: 1; }
.pager .next { grid-column: 3; text-align: right; }
.pager .dir { font-size: 0.78rem; color: var(--muted); }
.pager .name { font-weight: 600; }
.pager.bottom { grid-template-columns: 1fr 1fr; border-top: 1px solid var(--rule); padding-top: 1rem; margin-top: 2rem; }
.pager.bottom .next { grid-column: 2; }
.pager.bottom a { padding: 0.5rem 0.8rem; border: 1px solid var(--rule); border-radius: 6px; }
.pager.bottom a:hover { border-color: var(--accent); text-decoration: none; }

/* Index */
.index h1 { margin-top: 2rem; }
.tagline { color: var(--muted); font-size: 1.05rem; }
ol.chapters { list-style: none; padding: 0; margin: 1.5rem 0; }
ol.chapters li { margin: 0; border-top: 1px solid var(--rule); }
ol.chapters li:last-child { border-bottom: 1px solid var(--rule); }
ol.chapters a { display: flex; gap: 1rem; padding: 0.75rem 0.4rem; color: var(--text); }
ol.chapters a:hover { background: #f6f9fc; text-decoration: none; }
ol.chapters .num { flex: 0 0 2rem; font-size: 1.3rem; font-weight: 700; color: #8fb4dc; text-align: right; line-height: 1.3; }
ol.chapters .title { display: block; font-weight: 650; color: var(--accent); }
ol.chapters .summary { display: block; color: var(--muted); font-size: 0.92rem; }
.index .pager { padding: 0; grid-template-columns: 1fr 1fr; }
.index .pager .next { grid-column: 2; }

.site-footer { max-width: calc(var(--page) + 4rem); margin: 1rem auto 2rem; padding: 1rem 2rem 0; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.8rem; }

@media (max-width: 60rem) {
  .prompt { position: static; display: block; margin-bottom: 0.1rem; }
}
@media (max-width: 40rem) {
  html { font-size: 16px; }
  main, .site-header, .pager, .site-footer { padding-left: 1rem; padding-right: 1rem; }
  .toc ol { columns: 1; }
}
@media print {
  html { font-size: 11pt; }
  .pager, .anchor, .vega-embed summary, .vega-embed details, .toc { display: none !important; }
  .site-header, main, .site-footer { max-width: none; padding-left: 0; padding-right: 0; }
  .site-header { border: 0; padding-top: 0; }
  .code-cell, figure.chart, .math-display, table, img { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  .code-cell .input pre { white-space: pre-wrap; }
  a { color: inherit; }
  .prompt { position: static; display: block; }
}
`;
