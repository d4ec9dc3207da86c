/**
 * Errors for bad input. Every public function of the library checks its arguments and
 * throws an `InputError` whose message names the function, the argument, what was
 * expected and what came, e.g.
 *   "conv2d: argument 'w' expected shape [KH, KW, 3, F] (channels of x), got [3, 3, 1, 2]"
 */

/** An argument that the function cannot work with. */
export class InputError extends Error {
  constructor(
    readonly fn: string,
    readonly arg: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${text(fn)}: argument '${text(arg)}' expected ${text(expected)}, got ${text(got)}`);
    this.name = "InputError";
  }
}

/**
 * An InputError about numbers that are not finite (NaN, ±Infinity): one poisoned value spoils a
 * whole network. `train` recognises it: once the weights have moved, it means training diverged.
 */
export class NonFiniteError extends InputError {
  constructor(fn: string, arg: string, expected: string, got: string) {
    super(fn, arg, expected, got);
    this.name = "NonFiniteError";
  }
}

/** Throw an InputError unless `ok`. */
export function check(ok: boolean, fn: string, arg: string, expected: string, got: string | (() => string)): asserts ok {
  if (!ok) throw new InputError(fn, arg, expected, typeof got === "function" ? got() : got);
}

/** A string as is, anything else described: error messages never throw while being built. */
export function text(v: unknown): string {
  return typeof v === "string" ? v : describe(v);
}

/** Format a shape as `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Describe any value briefly for an error message. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object" && v !== null && "shape" in v && Array.isArray((v as { shape: unknown }).shape)) {
    return `a tensor of shape ${fmtShape((v as { shape: number[] }).shape)}`;
  }
  return typeof v;
}

/** A finite number. */
export function checkNumber(fn: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(fn, arg, "a finite number", describe(v));
}

/** An integer >= min (default 1): sizes, strides, counts. */
export function checkInt(fn: string, arg: string, v: unknown, min = 1): asserts v is number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new InputError(fn, arg, `an integer >= ${min}`, describe(v));
  }
}

/** A probability-like number in [lo, hi) or [lo, hi]. */
export function checkRange(fn: string, arg: string, v: unknown, lo: number, hi: number, hiInclusive = false): asserts v is number {
  const ok = typeof v === "number" && Number.isFinite(v) && v >= lo && (hiInclusive ? v <= hi : v < hi);
  if (!ok) throw new InputError(fn, arg, `a number in [${lo}, ${hi}${hiInclusive ? "]" : ")"}`, describe(v));
}

/** Every value finite (no NaN, no ±Infinity), else a NonFiniteError naming the first bad one. */
export function checkFinite(fn: string, arg: string, data: ArrayLike<number>, expected = "finite numbers only"): void {
  if (data instanceof Float64Array && allFinite(data)) return; // the common case, on a loop V8 keeps monomorphic
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (!Number.isFinite(x)) throw new NonFiniteError(fn, arg, expected, `${Number.isNaN(x) ? "NaN" : x} at flat index ${i}`);
  }
}

/** True when no value is NaN or ±Infinity (x − x is 0 exactly for finite x). */
function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x - x !== 0) return false;
  }
  return true;
}
