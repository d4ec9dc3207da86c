/**
 * The trace views, one per kind (views/<kind>.ts holds its text AND its HTML), and the two entry
 * points that dispatch on a trace's kind: `traceToText` and `traceHtml`. A new trace kind
 * added to src/trace.ts does not compile until it has an entry in VIEWS.
 */
import { optionsOf } from "../../src/checks";
import { checkInt, describe, InputError } from "../../src/errors";
import { isTrace, TRACE_KINDS, type BackwardStep, type Trace } from "../../src/trace";
import { backwardStepView, backwardView } from "./backward";
import { forwardView } from "./forward";
import type { HtmlOpts } from "./html";
import { LAYER_VIEWS } from "./layers";
import { lossView } from "./loss";
import type { TextOpts, TraceTextOptions } from "./text";
import type { TraceViews, View } from "./view";

export type { TraceTextOptions } from "./text";
export type { HtmlOpts } from "./html";

/** Every trace kind's view. */
export const VIEWS: TraceViews = { ...LAYER_VIEWS, loss: lossView, forward: forwardView, backward: backwardView };

/** A backward step (one layer of a BackwardTrace), which show and traceToText also accept alone. */
export function isBackwardStep(x: unknown): x is BackwardStep {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "backward-step";
}

function viewOf(t: Trace | BackwardStep): View<Trace | BackwardStep> {
  // the mapped type pairs each kind with its trace type; indexing by a union loses the pairing
  return (t.kind === "backward-step" ? backwardStepView : VIEWS[t.kind]) as View<Trace | BackwardStep>;
}

/** A trace as readable text: each step's formula and the numbers it used (cut to a few rows and windows). */
export function traceToText(trace: Trace | BackwardStep, opts: TraceTextOptions = {}): string {
  if (!isTrace(trace) && !isBackwardStep(trace)) throw new InputError("traceToText", "trace", `a trace (${TRACE_KINDS.join(", ")}) or a backward step`, describe(trace));
  opts = optionsOf("traceToText", "opts", opts);
  const o: TextOpts = { digits: opts.digits ?? 4, maxRows: opts.maxRows ?? 4, maxCols: opts.maxCols ?? 8, maxWindows: opts.maxWindows ?? 6 };
  for (const k of ["digits", "maxRows", "maxCols", "maxWindows"] as const) checkInt("traceToText", `opts.${k}`, o[k], k === "digits" ? 0 : 1);
  return viewOf(trace).text(trace, o).join("\n");
}

/** A trace as HTML step tables (not yet boxed), with show's options. */
export function traceHtml(trace: Trace | BackwardStep, o: HtmlOpts): string {
  return viewOf(trace).html(trace, o);
}
