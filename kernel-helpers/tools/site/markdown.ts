/**
 * Markdown of the site: `marked` with $…$ and $$…$$ rendered by KaTeX at build time, code by
 * highlight.js, headings with ids (for the table of contents), images through ./images (only from
 * the notebook's own folder), links to other lessons turned into their pages. Every piece of HTML
 * it returns has been through the shared sanitizer; what that removed is reported in `ctx.refused`.
 */
import { Marked, type Tokens, type TokenizerAndRendererExtension } from "marked";
import { randomBytes } from "node:crypto";
import hljs from "highlight.js";
import { esc } from "../../shared/text";
import { sanitizeHtml } from "../../shared/sanitize";
import type { PageContext } from "./notebook";
import { imageSource } from "./images";

interface KatexOptions { displayMode: boolean; throwOnError: boolean; strict: "ignore" | "warn" | "error"; output: "html" | "mathml" | "htmlAndMathml"; trust: boolean; maxExpand: number }
// katex 0.16 ships no type declarations; this is the one function the site uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const katex = require("katex") as { renderToString(tex: string, options: KatexOptions): string };

/**
 * Math goes around the sanitizer: renderMath leaves a placeholder (a random word of this build)
 * and `clean` puts KaTeX's HTML back after sanitizing. KaTeX escapes the TeX it is given and, with
 * trust off, makes no links, styles or classes from it; its thousands of small styled spans made
 * sanitizing most of a page's cost.
 */
const NONCE = randomBytes(6).toString("hex");
const MATH_MARK = new RegExp(`dlmath${NONCE}x(\\d+)x`, "g");
const mathStore: string[] = [];

/** Forget the math of an earlier build. */
export function resetMath(): void {
  mathStore.length = 0;
}

/** `html` with the math placeholders replaced by KaTeX's HTML. */
export function restoreMath(html: string): string {
  return html.replace(MATH_MARK, (m, i: string) => mathStore[Number(i)] ?? m);
}

/** HTML from a notebook made safe; anything removed is reported for `ctx.where`. */
export function clean(html: string, ctx: PageContext): string {
  const r = sanitizeHtml(html);
  if (r.removed.length > 0) ctx.refused.push(`${ctx.where}: unsafe HTML removed: ${r.removed.join(", ")}`);
  return restoreMath(r.html);
}

export function renderMath(tex: string, displayMode: boolean, ctx: PageContext): string {
  ctx.math++;
  try {
    // trust: false keeps \href{javascript:…}, \url and \includegraphics out; maxExpand stops macro bombs
    const html = katex.renderToString(tex, { displayMode, throwOnError: true, strict: "ignore", output: "htmlAndMathml", trust: false, maxExpand: 1000 });
    mathStore.push(html);
    // a block of its own stays a block for the HTML parser inside the sanitizer
    return displayMode ? `<div class="math-display">dlmath${NONCE}x${mathStore.length - 1}x</div>` : `dlmath${NONCE}x${mathStore.length - 1}x`;
  } catch (e) {
    ctx.problems.push(`${ctx.where}: math does not render (${(e as Error).message.split("\n")[0]}): ${displayMode ? "$$" : "$"}${tex}${displayMode ? "$$" : "$"}`);
    return `<code class="math-error">${esc(tex)}</code>`;
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

function mathExtensions(ctx: () => PageContext): TokenizerAndRendererExtension[] {
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

export function highlight(code: string, lang: string): string {
  const language = hljs.getLanguage(lang) ? lang : "";
  if (!language) return esc(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** An id for a heading: its words in lower case joined by "-" (math as its TeX letters). */
function slugify(text: string): string {
  return text.toLowerCase().replace(/&#?[a-z0-9]+;|['’]/g, "").replace(/\\[a-z]+/g, " ").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "") || "section";
}

/** A `marked` that renders for the page of `ctx` (math, code, headings, images, links). */
export function makeMarked(ctx: () => PageContext): Marked {
  const marked = new Marked({ gfm: true });
  marked.use({
    extensions: mathExtensions(ctx),
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const l = (lang ?? "").trim().split(/\s+/)[0] || "typescript";
        return `<pre class="md-code"><code class="hljs language-${esc(l)}">${highlight(text.replace(/\n$/, ""), l)}</code></pre>\n`;
      },
      heading({ tokens, depth, text }: Tokens.Heading) {
        const c = ctx();
        const html = clean(this.parser.parseInline(tokens), c);
        const slug = slugify(plainText(text));
        let id = slug;
        for (let k = 2; c.usedIds.has(id); k++) id = `${slug}-${k}`;
        c.usedIds.add(id);
        c.headings.push({ depth, id, html });
        return `<h${depth} id="${id}">${html}<a class="anchor" href="#${id}" aria-label="link to this section">#</a></h${depth}>\n`;
      },
      image({ href, title, text }: Tokens.Image) {
        const src = imageSource(href, ctx());
        if (src === null) return `<span class="image-refused">[image not shown: ${esc(text || href)}]</span>`;
        return `<img src="${esc(src)}" alt="${esc(text)}"${title ? ` title="${esc(title)}"` : ""}>`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        // a link to another lesson notebook goes to its page
        const h = href.replace(/^(\.\/)?(\d{2}-[^/#?]+)\.ipynb(#.*)?$/, "$2.html$3");
        return `<a href="${esc(h)}"${title ? ` title="${esc(title)}"` : ""}>${inner}</a>`;
      },
    },
  });
  return marked;
}

/** Markdown of a cell or output as safe HTML. */
export function renderMarkdown(md: string, ctx: PageContext): string {
  return clean(makeMarked(() => ctx).parse(md) as string, ctx);
}

/** One line of markdown (a title, a summary) as safe inline HTML. */
export function renderInline(md: string, ctx: PageContext): string {
  return clean(makeMarked(() => ctx).parseInline(md) as string, ctx);
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
