/**
 * Shared argument checks that keep a call from hanging or killing the process: sizes that cannot
 * fit in memory, options objects, callbacks. Each throws an InputError naming the function and
 * the argument (see ./errors for the rest).
 *
 * The limits: a tensor holds at most MAX_TENSOR_SIZE = 2^27 numbers (1 GiB of float64, already more
 * than a notebook kernel can spare twice), and a generated list (samples, classes, labels) at most
 * MAX_LIST_LENGTH = 2^20 items (a toy data set of 2^20 points takes a few seconds; 2^24 took a
 * minute and could exhaust the heap). Larger requests are refused up front instead of aborting the kernel
 * with "JavaScript heap out of memory" or running for hours.
 */
import { describe, InputError } from "./errors";

export const MAX_TENSOR_SIZE = 2 ** 27;
export const MAX_LIST_LENGTH = 2 ** 20;
/** Data rows of one chart (a heatmap's cells, a plot's samples): more cannot be drawn or rendered. */
export const MAX_CHART_VALUES = 2 ** 20;
/** Nodes of a laid-out graph chart. */
export const MAX_GRAPH_NODES = 10_000;
/** Pixels along one side of a chart. */
export const MAX_CHART_PIXELS = 10_000;

/** An integer count in [min, max] (default [1, MAX_LIST_LENGTH]): samples, classes, a size. */
export function checkCount(fn: string, arg: string, v: unknown, min = 1, max = MAX_LIST_LENGTH): asserts v is number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const why = typeof v === "number" && v > max && Number.isInteger(v) ? " (larger ones take too much memory or time)" : "";
    throw new InputError(fn, arg, `an integer in [${min}, ${max}]${why}`, describe(v));
  }
}

/**
 * The product of `sizes` (numbers of a tensor or table about to be made) is at most
 * MAX_TENSOR_SIZE, else an InputError showing the product: `what` says what the sizes are.
 */
export function checkFits(fn: string, arg: string, sizes: readonly number[], what?: string | (() => string)): void {
  let n = 1;
  for (let i = 0; i < sizes.length; i++) n *= sizes[i];
  if (!(n <= MAX_TENSOR_SIZE)) {
    // the description is only built here: checkFits runs for every Tensor made
    const named = typeof what === "function" ? what() : what ?? sizes.join(" × ");
    throw new InputError(fn, arg, `at most 2^27 = ${MAX_TENSOR_SIZE} values in all (more cannot fit in memory)`, `${named} = ${n} values`);
  }
}

/**
 * An options object: `null` and `undefined` mean "all defaults" ({}); anything else that is not a
 * plain object (a number, a string, an array, a function) is an InputError.
 */
export function optionsOf<T extends object>(fn: string, arg: string, v: T | null | undefined): Partial<T> {
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new InputError(fn, arg, "an options object (or null/undefined for the defaults)", describe(v));
  }
  return v;
}

/** A function (a callback the caller passes). */
export function checkFunction(fn: string, arg: string, v: unknown): asserts v is (...a: never[]) => unknown {
  if (typeof v !== "function") throw new InputError(fn, arg, "a function", describe(v));
}

/** An array (of anything; element checks are the caller's). */
export function checkArray(fn: string, arg: string, v: unknown, what = "an array"): asserts v is unknown[] {
  if (!Array.isArray(v)) throw new InputError(fn, arg, what, describe(v));
}

/** A string. */
export function checkString(fn: string, arg: string, v: unknown, what = "a string"): asserts v is string {
  if (typeof v !== "string") throw new InputError(fn, arg, what, describe(v));
}
