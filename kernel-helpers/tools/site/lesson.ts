/**
 * One lesson page's content: the notebook read (as untrusted data), its title and summary, its
 * cells rendered in order, what the index and the page template need.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { esc } from "../../shared/text";
import { joinText, type Notebook, type PageContext } from "./notebook";
import { firstSentence, highlight, plainText, renderInline, renderMarkdown } from "./markdown";
import { renderOutputs } from "./outputs";

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

export interface LessonRender {
  page: SitePage;
  body: string;
  titleHtml: string;
  summaryHtml: string;
  headings: { depth: number; id: string; html: string }[];
  seconds: number | undefined;
}

export const TOC_MARK = "<!-- table of contents -->";

export interface LessonInput {
  file: string;
  position: number;
  /** the folder relative images may come from */
  imageDir: string;
  problems: string[];
  refused: string[];
  files: Map<string, string | Buffer>;
}

export function renderLesson({ file, position, imageDir, problems, refused, files }: LessonInput): LessonRender {
  const base = path.basename(file, ".ipynb");
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
    if (!nb || !Array.isArray(nb.cells)) throw new Error("no cells array");
  } catch (e) {
    problems.push(`${file}: not a notebook (${(e as Error).message})`);
    return emptyRender(file, base, position);
  }
  const meta = nb.metadata && typeof nb.metadata === "object" ? nb.metadata : {};
  if (meta.dl_lessons?.ok === false) problems.push(`${file}: its run stopped at an error (executed copy of a failed run)`);
  const langRaw = meta.language_info?.name ?? meta.kernelspec?.language;
  const lang = typeof langRaw === "string" && /^[a-z0-9+#-]{1,20}$/i.test(langRaw) ? langRaw : "typescript";
  const ctx: PageContext = {
    where: file, problems, refused, math: 0, attachments: {}, imageDir,
    files, imagePrefix: base, images: 0, headings: [], usedIds: new Set(),
  };
  const number = /^(\d+)-/.test(base) ? Number(/^(\d+)-/.exec(base)![1]) : position + 1;
  const parts: string[] = [];
  let charts = 0;
  let titleHtml = "";
  let titleText = "";
  let summaryMd = "";

  nb.cells.forEach((cell, i) => {
    if (!cell || typeof cell !== "object") return;
    const src = joinText(cell.source);
    ctx.where = `${path.basename(file)}, cell ${i + 1}`;
    if (cell.cell_type === "markdown") {
      ctx.attachments = cell.attachments && typeof cell.attachments === "object" ? cell.attachments : {};
      let md = src;
      if (!titleHtml) {
        // The first heading is the page title (shown in the page header), the first paragraph after it the summary.
        const m = /^\s*#{1,2}\s+(.+?)\s*#*\s*$/m.exec(md);
        if (m) {
          // "# 3. Fully connected…" → "Fully connected…": the page shows the number itself
          const heading = m[1].replace(new RegExp(`^(?:(?:chapter|lesson)\\s+)?0*${number}\\s*[.:—–-]\\s*`, "i"), "") || m[1];
          titleHtml = renderInline(heading, ctx);
          titleText = plainText(heading);
          md = md.slice(0, m.index) + md.slice(m.index + m[0].length);
          const para = md.trim().split(/\n\s*\n/).find((b) => b.trim() && !/^\s*([#>|`$-]|\d+\.|\*|!\[)/.test(b));
          summaryMd = typeof meta.summary === "string" ? meta.summary : para ? firstSentence(para) : "";
        }
      }
      if (md.trim()) parts.push(`<section class="cell markdown-cell">\n${renderMarkdown(md, ctx)}</section>`);
      // the table of contents goes after the lesson's introduction (the cell of the title)
      if (titleHtml && !parts.includes(TOC_MARK)) parts.push(TOC_MARK);
    } else if (cell.cell_type === "code") {
      const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
      if (!src.trim() && !outputs.length) return;
      const n = cell.execution_count;
      const count = typeof n === "number" && Number.isInteger(n) && n > 0 ? `[${n}]` : "[ ]";
      const input = `<div class="input"><span class="prompt" aria-hidden="true">${count}</span><pre><code class="hljs language-${esc(lang)}">${highlight(src, lang)}</code></pre></div>`;
      const outs = renderOutputs(outputs, ctx, () => ++charts);
      const body = `${input}\n${outs ? `<div class="outputs">\n${outs}\n</div>\n` : ""}`;
      // a worked solution (cell tagged "solution") is folded away until the reader opens it
      parts.push(isSolution(cell.metadata)
        ? `<section class="cell code-cell solution">\n<details class="solution"><summary>Solution</summary>\n${body}</details>\n</section>`
        : `<section class="cell code-cell">\n${body}</section>`);
    } else if (src.trim()) {
      parts.push(`<section class="cell raw-cell"><pre>${esc(src)}</pre></section>`);
    }
  });

  if (!titleHtml) {
    titleText = base.replace(/^\d+-/, "").replace(/-/g, " ");
    titleHtml = esc(titleText);
  }
  const math = ctx.math; // pieces of math on the page itself (the summary appears on the index)
  ctx.where = `${path.basename(file)}, summary`;
  const summaryHtml = summaryMd ? renderInline(summaryMd, ctx) : "";
  const seconds = meta.dl_lessons?.seconds;
  return {
    page: { notebook: file, file: `${base}.html`, number, title: titleText, summary: plainText(summaryMd), charts, images: ctx.images, math },
    body: parts.join("\n"),
    titleHtml,
    summaryHtml,
    headings: ctx.headings,
    seconds: typeof seconds === "number" && Number.isFinite(seconds) ? seconds : undefined,
  };
}

/** Whether a cell's (untrusted) metadata tags it "solution". */
export function isSolution(metadata: unknown): boolean {
  if (!metadata || typeof metadata !== "object") return false;
  const tags = (metadata as { tags?: unknown }).tags;
  return Array.isArray(tags) && tags.includes("solution");
}

function emptyRender(file: string, base: string, position: number): LessonRender {
  return {
    page: { notebook: file, file: `${base}.html`, number: position + 1, title: base, summary: "", charts: 0, images: 0, math: 0 },
    body: "", titleHtml: esc(base), summaryHtml: "", headings: [], seconds: undefined,
  };
}
