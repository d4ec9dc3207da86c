/**
 * A view: how one kind of trace is shown, as text (lines, for `traceToText` and text/plain) and
 * as HTML (step tables, for `show`). Both renderers of a kind live in one file,
 * views/<kind>.ts, and read their formulas and sentences from the same functions there, so
 * the two cannot drift apart. The registry (views/index.ts) is typed by the trace kinds: a kind
 * without a view does not compile.
 */
import type { Tensor } from "../../src/tensor";
import type { LayerTrace, Trace } from "../../src/trace";
import type { HtmlOpts } from "./html";
import type { TextOpts } from "./text";

export interface View<T> {
  /** the trace as lines of text (the first line names the step) */
  text(t: T, o: TextOpts): string[];
  /** the trace as self-contained HTML (inline styles only) */
  html(t: T, o: HtmlOpts): string;
}

/** A layer's view also says which tensor the layer hands to the next one (null: none worth drawing). */
export interface LayerView<T> extends View<T> {
  output(t: T): Tensor | null;
}

/** The trace type of a kind: TraceOf<"conv2d"> is ConvTrace. */
export type TraceOf<K extends Trace["kind"]> = Extract<Trace, { kind: K }>;

/** One view per layer kind. */
export type LayerViews = { [K in LayerTrace["kind"]]: LayerView<TraceOf<K>> };

/** One view per trace kind: leaving a kind out is a compile error. */
export type TraceViews = { [K in Trace["kind"]]: View<TraceOf<K>> };
