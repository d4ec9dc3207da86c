/**
 * Vega and Vega-Lite outputs. The spec goes into the page as JSON data (never as script) for
 * site.js to draw with vega-embed, over the chart's PNG, which stays when scripts are off, for
 * print, and alone when the spec is refused. A spec is refused when it would load anything (a
 * `url` anywhere, a string holding an address or another scheme) or carries `usermeta.embedOptions`
 * (options vega-embed would take from the spec instead of from the site).
 */
import { esc } from "../../shared/text";
import type { PageContext } from "./notebook";
import { imageTag } from "./images";

export const CHART_MIMES = ["application/vnd.vegalite.v5+json", "application/vnd.vegalite.v4+json", "application/vnd.vegalite.v3+json", "application/vnd.vega.v5+json"];

/** a string vega could load or follow: an address, a protocol-relative path or a script/file scheme */
const LOADS = /^\s*(https?:|ftp:|file:|javascript:|vbscript:|blob:|filesystem:|data:(?!image\/(png|jpeg|gif|webp)[;,])|\/\/|\\\\)/i;

/** Why `spec` may not be drawn in the site: one line per place, empty when it is safe. */
export function specProblems(spec: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, at: string, depth: number): void => {
    if (found.length >= 5) return;
    if (depth > 64) {
      found.push(`${at}: nested more than 64 levels`);
      return;
    }
    if (typeof v === "string") {
      if (LOADS.test(v)) found.push(`${at} = "${v.slice(0, 80)}" (an address: the site loads nothing)`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`, depth + 1));
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const here = at ? `${at}.${k}` : k;
        if (k === "$schema") continue; // names the format; vega-embed never fetches it
        if (k === "url" && x !== undefined && x !== null) found.push(`${here} = ${JSON.stringify(x).slice(0, 80)} (data from an address: the site loads nothing)`);
        else if (at === "usermeta" && k === "embedOptions") found.push(`${here} (options for vega-embed come from the site, not the spec)`);
        else walk(x, here, depth + 1);
      }
    }
  };
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return ["not a JSON object"];
  walk(spec, "", 0);
  return found;
}

/** A chart output: spec + PNG fallback, or only the PNG (or text) when the spec is refused. */
export function chartFigure(chartMime: string, data: Record<string, unknown>, meta: Record<string, unknown>, text: string, n: number, ctx: PageContext): string {
  const id = `chart-${n}`;
  const spec = data[chartMime];
  const png = typeof data["image/png"] === "string" ? (data["image/png"] as string) : null;
  const fallback = png
    ? imageTag(png, "image/png", meta, text || "chart", ctx, "chart-fallback")
    : `<pre class="output chart-text">${esc(text || "(an interactive chart: enable JavaScript to see it)")}</pre>`;
  const bad = specProblems(spec);
  if (bad.length > 0) {
    ctx.refused.push(`${ctx.where}: chart spec refused, shown as its picture only: ${bad.join("; ")}`);
    return `<figure class="output chart static" id="${id}">${fallback}</figure>`;
  }
  // JSON inside <script type="application/json">: "<" escaped so nothing can close the element
  const json = JSON.stringify(spec).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  const mode = chartMime.includes("vegalite") ? "vega-lite" : "vega";
  return `<figure class="output chart" id="${id}" data-mode="${mode}"><div class="chart-view"></div>${fallback}<script type="application/json" class="chart-spec">${json}</script></figure>`;
}
