/**
 * Window geometry, the one home for it (chapters 7 and 8): how many windows fit along an axis,
 * where each window starts, which windows a trace records (the strongest response by default),
 * and the output-size formula as text. Convolution (naive and im2col), max pooling, their traces
 * and both trace views (text and HTML) read it from here.
 *
 *   H' = (H + 2P − K)/S + 1            when the division is whole
 *   H' = ⌊(H + 2P − K)/S⌋ + 1          otherwise (rounding "floor": the last rows that cannot
 *                                      fill a window are left out)
 */
import { checkString } from "../checks";
import { checkInt, describe, InputError } from "../errors";
import type { Tensor } from "../tensor";

/** How an output size that does not come out whole is treated: "exact" refuses it, "floor" drops the rest. */
export type Rounding = "exact" | "floor";

/** The numbers of one axis of a sliding window. */
export interface WindowAxis {
  /** input size along the axis (H or W) */
  size: number;
  /** window size along the axis (KH, KW, or the pooling size) */
  kernel: number;
  /** step between neighbouring windows */
  stride: number;
  /** zeros added on each side; undefined for an operation without padding (max pooling) */
  pad?: number;
}

/** The output-size formula of one axis, symbolic and filled in, e.g. for pooling 11 by 2: ⌊(11 − 2)/2⌋ + 1 = 5. */
export interface SizeFormula {
  /** "H' = ⌊(H + 2P − KH)/S⌋ + 1" */
  symbolic: string;
  /** "⌊(11 + 2·0 − 2)/2⌋ + 1 = 5" */
  filled: string;
  /** the output size */
  value: number;
  /** true when the division was not whole and ⌊ ⌋ dropped a remainder */
  floored: boolean;
}

/**
 * The output-size formula of one axis with its numbers. ⌊ ⌋ appears exactly when
 * (size + 2·pad − kernel) is not a multiple of stride. `axis` names the axis ("H" or "W"),
 * `kernelName` the window's size symbol (default "K" + axis).
 */
export function sizeFormula(axis: "H" | "W", a: WindowAxis, kernelName = `K${axis}`): SizeFormula {
  if (axis !== "H" && axis !== "W") throw new InputError("sizeFormula", "axis", '"H" or "W"', describe(axis));
  if (typeof a !== "object" || a === null) throw new InputError("sizeFormula", "a", "{ size, kernel, stride, pad? }", describe(a));
  checkString("sizeFormula", "kernelName", kernelName);
  const { size, kernel, stride } = a;
  checkInt("sizeFormula", "a.size", size);
  checkInt("sizeFormula", "a.kernel", kernel);
  checkInt("sizeFormula", "a.stride", stride);
  if (a.pad !== undefined) checkInt("sizeFormula", "a.pad", a.pad, 0);
  const padded = a.pad === undefined ? size : size + 2 * a.pad;
  const span = padded - kernel;
  const floored = span % stride !== 0;
  const value = Math.floor(span / stride) + 1;
  const symBody = a.pad === undefined ? `${axis} − ${kernelName}` : `${axis} + 2P − ${kernelName}`;
  const numBody = a.pad === undefined ? `${size} − ${kernel}` : `${size} + 2·${a.pad} − ${kernel}`;
  const wrap = (body: string, s: string) => (floored ? `⌊(${body})/${s}⌋ + 1` : `(${body})/${s} + 1`);
  return {
    symbolic: `${axis}' = ${wrap(symBody, "S")}`,
    filled: `${wrap(numBody, String(stride))} = ${value}`,
    value,
    floored,
  };
}

// ------------------------------------------------------------------ output sizes, checked

/** Format the numbers of a padded size, e.g. "6 + 2·1". */
function paddedText(h: number, p: number): string {
  return `${h} + 2·${p}`;
}

export function checkRounding(fn: string, rounding: unknown): asserts rounding is Rounding {
  if (rounding !== "exact" && rounding !== "floor") throw new InputError(fn, "rounding", '"exact" or "floor"', describe(rounding));
}

/** H' = (H + 2P − K)/S + 1 with errors that show the formula filled in; `names` says which argument is at fault. */
export function outputSize(
  fn: string,
  H: number,
  K: number,
  S: number,
  P: number,
  names: { H: string; K: string; S: string; window: string },
  rounding: Rounding,
): number {
  if (K > H + 2 * P) {
    throw new InputError(
      fn,
      names.window,
      `${names.K} ≤ ${names.H} + 2P = ${paddedText(H, P)} = ${H + 2 * P} (the window must fit in the padded input)`,
      `${names.K} = ${K}`,
    );
  }
  const q = (H + 2 * P - K) / S + 1;
  if (rounding === "floor") return Math.floor(q);
  if (!Number.isInteger(q)) {
    throw new InputError(
      fn,
      names.S,
      `(${names.H} + 2P − ${names.K})/S + 1 to be a whole number (change the stride or the padding, ` +
        `or pass rounding: "floor" to leave out the windows that do not fit)`,
      `(${paddedText(H, P)} − ${K})/${S} + 1 = ${+q.toFixed(4)}`,
    );
  }
  return q;
}

/**
 * Output size of max pooling along one axis, H' = ⌊(H − size)/stride⌋ + 1 (rows that cannot fill
 * a window are left out); throws when the window is bigger than the input.
 */
export function poolWindowCount(fn: string, H: number, size: number, stride: number, axis: "H" | "W"): number {
  if (size > H) throw new InputError(fn, "size", `size ≤ ${axis} = ${H} (the window must fit in the input)`, String(size));
  return Math.floor((H - size) / stride) + 1;
}

// ------------------------------------------------------------------ which windows a trace records

/**
 * The strongest response of channel f in example 0 of out [N, H', W', F]: the position (i, j) of
 * its largest value, ties → the first in row-major order. On a digit the first rows are blank
 * paper: this is the window worth showing.
 */
export function strongestWindow(out: Tensor, f: number): { i: number; j: number } {
  const [, OH, OW, F] = out.shape;
  let best = 0; // flat i·W' + j of the largest value so far (strict > keeps the first of ties)
  for (let p = 1; p < OH * OW; p++) if (out.data[p * F + f] > out.data[best * F + f]) best = p;
  return { i: Math.floor(best / OW), j: best % OW };
}

/**
 * The output positions a trace explains, checked, in (n, i, j, f) order; `last` names the fourth
 * index ("f" for filters, "c" for the channels of max pooling). The default rule (positions
 * undefined): every position when the output holds at most 64 values; else, with `out` (the
 * output [N, H', W', F], as the Conv2D and MaxPool2D layers pass it), the strongest response of
 * each filter or channel of example 0 (its largest output value; ties → the first in row-major
 * order), and without `out` (`conv2dTrace`, `maxPoolTrace`) the first output row (i = 0) of every
 * filter or channel of example 0.
 */
export function tracePositions(
  fn: string,
  positions: unknown,
  dims: { N: number; OH: number; OW: number; F: number },
  last: "f" | "c",
  out?: Tensor,
): { n: number; i: number; j: number; f: number }[] {
  const { N, OH, OW, F } = dims;
  const all: { n: number; i: number; j: number; f: number }[] = [];
  if (positions === undefined && out !== undefined && N * OH * OW * F > 64) {
    for (let f = 0; f < F; f++) all.push({ n: 0, ...strongestWindow(out, f), f });
    return all;
  }
  if (positions === undefined || positions === "all") {
    const everything = positions === "all" || N * OH * OW * F <= 64;
    const ns = everything ? N : 1; // else example 0 only …
    const rows = everything ? OH : 1; // … and its first output row
    for (let n = 0; n < ns; n++) for (let i = 0; i < rows; i++) for (let j = 0; j < OW; j++) for (let f = 0; f < F; f++) all.push({ n, i, j, f });
    return all;
  }
  if (!Array.isArray(positions)) throw new InputError(fn, "positions", `"all" or an array of { n?, i, j, ${last}? }`, describe(positions));
  positions.forEach((p: Record<string, unknown>, k) => {
    const where = `positions[${k}]`;
    if (typeof p !== "object" || p === null) throw new InputError(fn, where, `{ n?, i, j, ${last}? }`, describe(p));
    const n = p.n ?? 0;
    const f = p[last];
    const ok = (v: unknown, size: number) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < size;
    if (!ok(n, N)) throw new InputError(fn, `${where}.n`, `an integer in [0, ${N - 1}]`, describe(n));
    if (!ok(p.i, OH)) throw new InputError(fn, `${where}.i`, `an integer in [0, ${OH - 1}] (output rows)`, describe(p.i));
    if (!ok(p.j, OW)) throw new InputError(fn, `${where}.j`, `an integer in [0, ${OW - 1}] (output columns)`, describe(p.j));
    if (f !== undefined && !ok(f, F)) throw new InputError(fn, `${where}.${last}`, `an integer in [0, ${F - 1}]`, describe(f));
    const fs = f === undefined ? Array.from({ length: F }, (_, ff) => ff) : [f as number]; // no f: every filter
    for (const ff of fs) all.push({ n: n as number, i: p.i as number, j: p.j as number, f: ff });
  });
  return all;
}

/**
 * Reject a layer's `tracePositions` that is neither undefined, "all" nor an array; the positions
 * themselves are checked against the output size at each traced forward pass.
 */
export function checkTracePositions(fn: string, positions: unknown, last: "f" | "c"): void {
  if (positions !== undefined && positions !== "all" && !Array.isArray(positions)) {
    throw new InputError(fn, "tracePositions", `"all" or an array of { n?, i, j, ${last}? }`, describe(positions));
  }
}

