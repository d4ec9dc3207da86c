/**
 * The page templates: the <head> with the site's Content-Security-Policy, the lesson page with its
 * navigation and table of contents, and the index. Every string that comes from a notebook arrives
 * here already sanitized (HTML) or is escaped here (text).
 */
import * as path from "node:path";
import { esc } from "../../shared/text";
import { TOC_MARK, type LessonRender, type SitePage } from "./lesson";

/**
 * The policy of every page (a <meta> as the first element of <head>): nothing from the network,
 * scripts only the site's own files (no inline script, no eval: vega runs with its expression
 * interpreter), images from the site or data: URLs, fonts and stylesheets from the site; inline
 * styles are allowed because KaTeX's layout and the trace tables use style attributes (their
 * values were sanitized at build time, and img-src/font-src stop any url() from loading).
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** The site's scripts, in load order (assets/…): only lesson pages load them. */
export const SCRIPTS = ["vega.min.js", "vega-interpreter.min.js", "vega-lite.min.js", "vega-embed.min.js", "site.js"];

const fmtSeconds = (s: number): string => (s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);
const fmtDate = (d: Date): string => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

function head(pageTitle: string, description: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${esc(description)}">
<title>${esc(pageTitle)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/highlight.css">
<link rel="stylesheet" href="assets/site.css">
</head>`;
}

function pager(prev: SitePage | undefined, next: SitePage | undefined, where: "top" | "bottom"): string {
  if (where === "bottom" && !prev && !next) return "";
  const link = (p: SitePage | undefined, rel: "prev" | "next") =>
    p
      ? `<a class="${rel}" rel="${rel}" href="${esc(p.file)}"><span class="dir">${rel === "prev" ? "← Previous" : "Next →"}</span><span class="name">${p.number}. ${esc(p.title)}</span></a>`
      : `<span class="${rel} none"></span>`;
  return `<nav class="pager ${where}" aria-label="lessons">${link(prev, "prev")}${where === "bottom" ? "" : `<a class="up" href="index.html">All lessons</a>`}${link(next, "next")}</nav>`;
}

export interface PageInput {
  site: string;
  lesson: LessonRender;
  prev: SitePage | undefined;
  next: SitePage | undefined;
  total: number;
  seconds: number | undefined;
  at: Date;
}

export function pageHtml({ site, lesson: r, prev, next, total, seconds, at }: PageInput): string {
  const toc = r.headings.filter((h) => h.depth === 2);
  const tocHtml = toc.length >= 3
    ? `<nav class="toc" aria-label="on this page"><span>On this page</span><ol>${toc.map((h) => `<li><a href="#${h.id}">${h.html}</a></li>`).join("")}</ol></nav>`
    : "";
  return `${head(`${r.page.number}. ${r.page.title} · ${site}`, r.page.summary)}
<body class="lesson-page">
<header class="site-header"><a class="site-name" href="index.html">${esc(site)}</a><span class="where">Lesson ${r.page.number} of ${total}</span></header>
${pager(prev, next, "top")}
<main class="lesson">
<h1 class="lesson-title"><span class="num">${r.page.number}.</span> ${r.titleHtml}</h1>
${r.body.includes(TOC_MARK) ? r.body.replace(TOC_MARK, tocHtml) : tocHtml + r.body}
</main>
${pager(prev, next, "bottom")}
<footer class="site-footer">Generated ${fmtDate(at)} by running <code>${esc(path.basename(r.page.notebook))}</code> through the Jupyter kernel <code>dl-lessons</code> (tslab)${seconds !== undefined ? ` in ${fmtSeconds(seconds)}` : ""}: every number and chart on this page was computed by that run.</footer>
${SCRIPTS.map((s) => `<script src="assets/${s}"></script>`).join("\n")}
</body>
</html>
`;
}

export interface IndexInput {
  site: string;
  tagline: string | undefined;
  lessons: LessonRender[];
  timings: Record<string, number> | undefined;
  at: Date;
}

export function indexHtml({ site, tagline, lessons, timings, at }: IndexInput): string {
  const seconds = (r: LessonRender): number | undefined => timings?.[path.basename(r.page.notebook)] ?? r.seconds;
  const items = lessons.map((r) => {
    const s = seconds(r);
    return `<li><a href="${esc(r.page.file)}"><span class="num">${r.page.number}</span><span class="text"><span class="title">${r.titleHtml}</span>${r.summaryHtml ? `<span class="summary">${r.summaryHtml}</span>` : ""}</span></a></li>`
      + (s !== undefined ? `<!-- ran in ${fmtSeconds(s)} -->` : "");
  });
  const total = lessons.reduce((acc, r) => acc + (seconds(r) ?? 0), 0);
  const first = lessons[0].page;
  return `${head(site, tagline ?? `${lessons.length} lessons`)}
<body class="index-page">
<header class="site-header"><a class="site-name" href="index.html">${esc(site)}</a><span class="where">${lessons.length} lesson${lessons.length === 1 ? "" : "s"}</span></header>
<main class="index">
<h1>${esc(site)}</h1>
<p class="tagline">${esc(tagline ?? "Neural networks one step at a time, with every number computed: forward passes, backpropagation as the chain rule, convolution window by window, pooling, training.")}</p>
<ol class="chapters">
${items.join("\n")}
</ol>
<nav class="pager top" aria-label="lessons"><span class="prev none"></span><a class="next" rel="next" href="${esc(first.file)}"><span class="dir">Start →</span><span class="name">${first.number}. ${esc(first.title)}</span></a></nav>
</main>
<footer class="site-footer">Generated ${fmtDate(at)} by running the ${lessons.length} notebooks through the Jupyter kernel <code>dl-lessons</code> (tslab)${total > 0 ? ` in ${fmtSeconds(total)} of kernel time` : ""}. Works offline: charts, math and code highlighting need nothing but these files.</footer>
</body>
</html>
`;
}
