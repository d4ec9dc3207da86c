/**
 * The offline HTML lesson site, built from executed notebooks: an index with the chapters in order
 * and one page per lesson with prev/next links. Everything is rendered at build time except the
 * interactive charts: markdown with `marked`, math with KaTeX, TypeScript with highlight.js, and
 * each Vega-Lite output as vega-embed over its PNG (the PNG stays when scripts are off or for
 * print). vega, vega-lite, vega-embed, KaTeX's CSS and fonts are copied into the site: no CDN, no
 * network; the pages work opened as file:// and served.
 *
 * Notebooks are untrusted (students write them): their HTML is sanitized (shared/sanitize.ts),
 * images come only from the notebook's own folder, chart specs that would load anything are
 * refused, and every page carries a strict Content-Security-Policy. What was refused or removed is
 * returned in `problems`, never fixed silently.
 *
 *   buildSite(["build/executed/01-what-is-deep-learning.ipynb", …], "site").problems
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, describe } from "../../../src/errors";
import { renderLesson, type SitePage } from "./lesson";
import { resetMath } from "./markdown";
import { SCRIPTS, indexHtml, pageHtml } from "./page";

export { firstSentence, plainText } from "./markdown";
export type { SitePage } from "./lesson";
export { CSP } from "./page";

export interface SiteOptions {
  /** The site's name in the header and the index. Default "Deep learning, step by step". */
  title?: string;
  /** One line under the index's title. */
  tagline?: string;
  /** Run time of each notebook in seconds, by file name (shown in the footer and the index). */
  timings?: Record<string, number>;
  /** Date printed in the footer. Default now. */
  generatedAt?: Date;
  /**
   * The folder that relative markdown images are read from, for every notebook (e.g. notebooks/
   * when the pages are built from executed copies elsewhere). Default: each notebook's own folder.
   * Never taken from the notebook itself.
   */
  imageDir?: string;
}

export interface SiteResult {
  outDir: string;
  /** absolute path of index.html */
  index: string;
  pages: SitePage[];
  /** untrusted content refused or removed (images, unsafe HTML, chart specs), one line each */
  problems: string[];
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

/**
 * Write the lesson site for `executedNotebooks` (in chapter order) into `outDir`: index.html, one
 * page per notebook, assets/ and img/. Throws a `SiteError` listing every problem found (an output
 * of type "error", math that does not render) before writing anything; returns what it refused
 * from the notebooks in `problems`.
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
  if (typeof outDir !== "string" || outDir === "") throw new InputError(fn, "outDir", "a folder path", describe(outDir));
  if (options === null || typeof options !== "object") throw new InputError(fn, "options", "an object of SiteOptions", describe(options));
  if (options.imageDir !== undefined && (typeof options.imageDir !== "string" || !fs.existsSync(options.imageDir) || !fs.statSync(options.imageDir).isDirectory())) {
    throw new InputError(fn, "options.imageDir", "an existing folder", describe(options.imageDir));
  }
  const names = executedNotebooks.map((p) => path.basename(p));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InputError(fn, "executedNotebooks", "distinct file names (one page each)", `${dup} twice`);
  const out = path.resolve(outDir);
  const site = options.title ?? "Deep learning, step by step";
  const at = options.generatedAt ?? new Date();

  // 1. Render every page in memory, collecting problems, so a broken lesson writes nothing.
  resetMath();
  const problems: string[] = [];
  const refused: string[] = [];
  const files = new Map<string, string | Buffer>(); // site-relative path → content
  const rendered = executedNotebooks.map((file, position) =>
    renderLesson({ file, position, imageDir: path.resolve(options.imageDir ?? path.dirname(file)), problems, refused, files }));
  if (problems.length > 0) throw new SiteError(problems);

  // 2. Wrap the pages with navigation, then the index.
  const pages: SitePage[] = rendered.map((r) => r.page);
  // "Lesson 7 of 12" even when a partial site holds fewer pages
  const total = Math.max(pages.length, ...pages.map((p) => p.number));
  rendered.forEach((lesson, i) => {
    const seconds = options.timings?.[path.basename(lesson.page.notebook)] ?? lesson.seconds;
    files.set(lesson.page.file, pageHtml({ site, lesson, prev: pages[i - 1], next: pages[i + 1], total, seconds, at }));
  });
  files.set("index.html", indexHtml({ site, tagline: options.tagline, lessons: rendered, timings: options.timings, at }));

  // 3. Write: clear a previous site (only one this function made), copy assets, write files.
  prepareOutDir(out);
  copyAssets(out);
  for (const [rel, content] of files) {
    const target = path.join(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return { outDir: out, index: path.join(out, "index.html"), pages, problems: refused, seconds: (performance.now() - t0) / 1000 };
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
  fs.writeFileSync(path.join(out, MARKER), "Built by kernel-helpers/tools/site; this folder is replaced on every build.\n");
}

// ---------------------------------------------------------------------------------------------
// Assets: copied from node_modules and from this folder, never fetched

/** A file inside an installed package (found on Node's module paths; "exports" maps hide some). */
function resolvePackageFile(pkg: string, rel: string): string {
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const file = path.join(dir, pkg, rel);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`buildSite: ${pkg}/${rel} not found in node_modules (run npm install)`);
}

/** site.css or site.js of this folder: beside this file under tsx, in the source tree when run from dist/. */
function ownFile(name: string): string {
  for (const dir of [__dirname, path.resolve(__dirname, "..", "..", "..", "..", "kernel-helpers", "tools", "site")]) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`buildSite: ${name} not found beside ${__dirname}`);
}

function copyAssets(out: string): void {
  const assets = path.join(out, "assets");
  fs.mkdirSync(path.join(assets, "katex"), { recursive: true });
  const copies: [string, string, string][] = [
    ["vega", "build/vega.min.js", "vega.min.js"],
    ["vega-interpreter", "build/vega-interpreter.min.js", "vega-interpreter.min.js"],
    ["vega-lite", "build/vega-lite.min.js", "vega-lite.min.js"],
    ["vega-embed", "build/vega-embed.min.js", "vega-embed.min.js"],
    ["katex", "dist/katex.min.css", "katex/katex.min.css"],
    ["highlight.js", "styles/github.min.css", "highlight.css"],
  ];
  for (const [pkg, rel, to] of copies) fs.copyFileSync(resolvePackageFile(pkg, rel), path.join(assets, to));
  fs.cpSync(resolvePackageFile("katex", "dist/fonts"), path.join(assets, "katex", "fonts"), { recursive: true });
  fs.copyFileSync(ownFile("site.css"), path.join(assets, "site.css"));
  fs.copyFileSync(ownFile("site.js"), path.join(assets, "site.js"));
  const missing = SCRIPTS.filter((s) => !fs.existsSync(path.join(assets, s)));
  if (missing.length > 0) throw new Error(`buildSite: scripts the pages load were not copied: ${missing.join(", ")}`);
}
