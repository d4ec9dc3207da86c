/** show's charts: a Vega-Lite spec as one output (spec + PNG + a line of text). */
import type { VegaLiteSpec } from "../../src/charts/spec";
import { describe, InputError } from "../../src/errors";
import { renderPng } from "../render";
import { text, type Opts, type ShowOutput } from "./options";


/**
 * A Vega-Lite spec as one output: the spec (interactive in JupyterLab and VS Code), its PNG
 * rendered in Node (Notebook 6, nbconvert HTML, GitHub) and a one-line text description.
 */
export function chartOutput(spec: VegaLiteSpec, o: Opts, rich: boolean): ShowOutput {
  const description = describeSpec(spec);
  if (!rich) return text(description);
  const { png, width, height } = renderPng(spec, { scale: o.scale });
  return {
    data: {
      "application/vnd.vegalite.v5+json": spec,
      "image/png": png.toString("base64"),
      "text/plain": description,
    },
    // Shown at its CSS size: a PNG drawn at scale 2 stays sharp on high-density screens.
    metadata: { "image/png": { width: Math.round(width / o.scale), height: Math.round(height / o.scale) } },
  };
}

/** One line that says what a chart shows: its title, its marks and how many data rows it holds. */
export function describeSpec(spec: VegaLiteSpec): string {
  if (typeof spec !== "object" || spec === null) throw new InputError("describeSpec", "spec", "a Vega-Lite spec", describe(spec));
  const s = spec as unknown as Record<string, unknown>;
  const title = titleText(s.title);
  const marks = new Set<string>();
  let rows = 0;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.mark !== undefined) marks.add(typeof n.mark === "string" ? n.mark : String((n.mark as { type?: unknown }).type));
    const data = n.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) rows += data.values.length;
    for (const key of ["layer", "hconcat", "vconcat", "concat"]) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(visit);
    if (n.spec) visit(n.spec);
  };
  visit(s);
  const parts = [marks.size ? [...marks].join(" + ") : "chart", `${rows} data row${rows === 1 ? "" : "s"}`];
  return `[chart${title ? ` "${title}"` : ""}: ${parts.join(", ")}]`;
}

function titleText(t: unknown): string {
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.join(" ");
  if (t && typeof t === "object" && "text" in t) return titleText((t as { text: unknown }).text);
  return "";
}

