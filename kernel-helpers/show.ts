/**
 * `show(x)`: the richest view of anything the library returns, as ONE output of the cell.
 *
 * | x                                  | output (MIME types)                                        |
 * |------------------------------------|------------------------------------------------------------|
 * | a Vega-Lite spec                   | vegalite v5 (interactive) + image/png (static) + text/plain |
 * | a Tensor, small (2-D ≤ 12×12, ≤ 100 values; 1-D ≤ 24) | text/html table of the numbers + text/plain grid |
 * | a Tensor, larger 2-D / 1-D / 4-D NHWC | a chart: heatmap / bar chart / image grid               |
 * | a trace (dense, activation, conv2d, maxpool, flatten, dropout, loss, forward, backward) | text/html step tables + text/plain (`traceToText`) |
 * |                                    |   (small tensors whole; a large one by a 6 × 6 glimpse, see ShowOptions.maxRows) |
 * | a nodejs-polars DataFrame          | text/html table + text/plain (every row up to 60 rows)     |
 * | an autograd graph `{ nodes, edges }` (graphOf) or a `Value` | a chart of the graph (no graphviz)  |
 * | numbers, strings, arrays, objects  | text/plain                                                 |
 * | anything else                      | a one-line text/plain description, never an exception      |
 *
 * A chart never comes with text/html or image/svg+xml: JupyterLab ranks HTML above Vega-Lite and
 * nbconvert prefers SVG and then strips it. The HTML is self-contained (inline styles, no scripts)
 * so it reads the same in JupyterLab, Notebook 6 and exported HTML.
 *
 * `show` is synchronous: called without await, in the middle or at the end of a cell, its output
 * lands in that cell. Outside a kernel (plain Node) it prints the text/plain view.
 *
 * This file only dispatches: trace views are in views/ (one file per kind, text and HTML), the
 * other views in show/ (tensors, charts, DataFrames, plain values).
 */
import { isTrace, type BackwardStep, type Trace } from "../src/trace";
import { isFrameLike, isVegaLiteSpec } from "../src/charts/spec";
import { currentWriter, displayBundle, plainText } from "./display";
import { esc } from "./shared/text";
import { fmtNum } from "./views/format";
import { box, TENSOR_CAP } from "./views/html";
import { isBackwardStep, traceHtml, traceToText } from "./views";
import { chartOutput, describeSpec } from "./show/chart";
import { frameOutput } from "./show/frame";
import { checkOptions, text, type Opts, type ShowOptions, type ShowOutput } from "./show/options";
import { asGraph, firstLine, graphSpec, oneLine, plainView } from "./show/plain";
import { asTensor, tensorOutput } from "./show/tensor";

export type { ShowOptions, ShowOutput, ShowView } from "./show/options";
export { describeSpec, esc, fmtNum };

/**
 * Show `x` in the cell that calls it, as one output with the richest view (see the table at
 * the top of kernel-helpers/show.ts); outside a kernel, print its text. Never throws for `x`.
 */
export function show(x: unknown, opts?: ShowOptions): void {
  const o = checkOptions("show", opts);
  if (currentWriter() === null) {
    // Plain Node: only the text is printed, so no chart is rendered.
    console.log(plainText(outputOf(x, o, false).data));
    return;
  }
  const out = outputOf(x, o, true);
  displayBundle(out.data, out.metadata);
}

/**
 * The output `show(x)` would send, without sending it: `{ data: { mime: content }, metadata }`.
 * Useful for tests and for other front ends.
 */
export function showOutput(x: unknown, opts?: ShowOptions): ShowOutput {
  return outputOf(x, checkOptions("showOutput", opts), true);
}

function outputOf(x: unknown, o: Opts, rich: boolean): ShowOutput {
  try {
    return dispatch(x, o, rich);
  } catch (e) {
    // Whatever went wrong while drawing, the cell gets a line of text, not an exception.
    const why = firstLine(e instanceof Error ? e.message : String(e));
    try {
      const t = asTensor(x);
      return text(t ? `${t.toString()}\n(show could not draw it: ${why})` : `${oneLine(x)} (show could not draw it: ${why})`);
    } catch {
      // even reading the value throws (a hostile Proxy, a getter that fails)
      return text(`[a value show cannot read] (${why})`);
    }
  }
}

function dispatch(x: unknown, o: Opts, rich: boolean): ShowOutput {
  if (isVegaLiteSpec(x)) return chartOutput(x, o, rich);
  const t = asTensor(x);
  if (t) return tensorOutput(t, o, rich);
  if (isTrace(x) || isBackwardStep(x)) return traceOutput(x, o);
  if (isFrameLike(x)) return frameOutput(x, o);
  const graph = asGraph(x);
  if (graph) return chartOutput(graphSpec(graph, o), o, rich);
  return text(plainView(x));
}


/** A trace as HTML step tables and as text, both from its kind's view (kernel-helpers/views/). */
function traceOutput(t: Trace | BackwardStep, o: Opts): ShowOutput {
  // the text follows the HTML: one window per layer of a forward pass, the rows and columns asked for
  const textOpts = {
    digits: o.digits,
    maxWindows: t.kind === "forward" && !o.windowsGiven ? 1 : o.maxWindows,
    ...(o.rows !== TENSOR_CAP ? { maxRows: o.rows.keep } : {}),
    ...(o.cols !== TENSOR_CAP ? { maxCols: o.cols.keep } : {}),
  };
  return { data: { "text/html": box(traceHtml(t, o)), "text/plain": traceToText(t, textOpts) }, metadata: {} };
}
