/**
 * The outputs of a code cell: streams as text (ANSI codes removed), charts (./charts), images,
 * HTML and markdown (sanitized), LaTeX (KaTeX), plain text. An output of type "error" is a
 * problem: the site shows only notebooks that ran through.
 */
import { esc, stripAnsi } from "../../shared/text";
import { joinText, type NbOutput, type PageContext } from "./notebook";
import { CHART_MIMES, chartFigure } from "./charts";
import { imageTag } from "./images";
import { clean, renderMarkdown, renderMath, restoreMath } from "./markdown";

export function renderOutputs(outputs: NbOutput[], ctx: PageContext, nextChart: () => number): string {
  const html: string[] = [];
  let stream: { name: string; text: string } | null = null;
  const flush = () => {
    if (stream && stream.text) html.push(`<pre class="output stream ${stream.name === "stderr" ? "stderr" : "stdout"}">${esc(stream.text.replace(/\n$/, ""))}</pre>`);
    stream = null;
  };
  for (const o of outputs) {
    if (!o || typeof o !== "object") continue;
    if (o.output_type === "stream") {
      const text = stripAnsi(joinText(o.text)).replace(/\r\n/g, "\n");
      const name = o.name === "stderr" ? "stderr" : "stdout";
      if (stream && stream.name === name) stream.text += text;
      else {
        flush();
        stream = { name, text };
      }
      continue;
    }
    flush();
    if (o.output_type === "error") {
      ctx.problems.push(`${ctx.where}: the executed notebook holds an error output: ${String(o.ename)}: ${stripAnsi(String(o.evalue ?? ""))}`);
      continue;
    }
    if (o.output_type === "display_data" || o.output_type === "execute_result") {
      const data = o.data && typeof o.data === "object" ? o.data : {};
      const meta = o.metadata && typeof o.metadata === "object" ? o.metadata : {};
      html.push(renderBundle(data, meta, ctx, nextChart));
    }
  }
  flush();
  return html.filter(Boolean).join("\n");
}

const isText = (v: unknown): boolean => typeof v === "string" || Array.isArray(v);

function renderBundle(data: Record<string, unknown>, meta: Record<string, unknown>, ctx: PageContext, nextChart: () => number): string {
  const text = isText(data["text/plain"]) ? stripAnsi(joinText(data["text/plain"])) : "";
  const chartMime = CHART_MIMES.find((m) => m in data);
  if (chartMime) return chartFigure(chartMime, data, meta, text, nextChart(), ctx);
  if (isText(data["text/html"])) return `<div class="output html">${clean(joinText(data["text/html"]), ctx)}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/svg+xml"]) {
    if (isText(data[mime])) return `<div class="output image">${imageTag(joinText(data[mime]), mime, meta, text || "output image", ctx, "output-image")}</div>`;
  }
  if (isText(data["text/markdown"])) return `<div class="output markdown">${renderMarkdown(joinText(data["text/markdown"]), ctx)}</div>`;
  if (isText(data["text/latex"])) {
    const tex = joinText(data["text/latex"]).trim().replace(/^\$\$?|\$\$?$/g, "");
    return `<div class="output latex">${restoreMath(renderMath(tex, true, ctx))}</div>`;
  }
  if (text) return `<pre class="output text">${esc(text)}</pre>`;
  return "";
}
