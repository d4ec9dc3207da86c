/**
 * The non-finite rule of the fuzz suite: a library function returns finite numbers or throws.
 *
 * Exempt: plain Tensor arithmetic (the Tensor class and `tensor()`): like NumPy, `t.log()` of a
 * negative number is NaN and `t.exp()` of 1000 is Infinity, and the NaN travels on to whatever
 * uses it; the layers, losses and training then refuse it with a NonFiniteError.
 * And `relativeError`, documented to return NaN when either gradient holds a NaN or an infinity:
 * NaN fails every `err < tolerance`, and gradCheck turns it into a failed verdict naming the value.
 *
 * Not results: error objects (new InputError(NaN, …) keeps what it was given), and the caller's
 * own objects handed back unchanged (Random#shuffle of [[1, NaN]] returns the caller's rows).
 */
export const NON_FINITE_EXEMPT = new Set(["Tensor", "tensor", "relativeError"]);

/** Where the first NaN/±Infinity sits in a returned value (depth-limited walk), or null. */
export function firstNonFinite(v: unknown, where = "result", depth = 0, seen = new Set<unknown>()): string | null {
  if (typeof v === "number") return Number.isFinite(v) ? null : `${v} at ${where}`;
  if (v === null || typeof v !== "object" || depth > 6 || seen.has(v) || v instanceof Error) return null;
  seen.add(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === "number" && !Number.isFinite(x)) return `${x} at ${where}[${i}]`;
    }
    return null;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      const bad = firstNonFinite(x, `${where}.get(${String(k)})`, depth + 1, seen);
      if (bad) return bad;
    }
    return null;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < Math.min(v.length, 100_000); i++) {
      const bad = firstNonFinite(v[i], `${where}[${i}]`, depth + 1, seen);
      if (bad) return bad;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const bad = firstNonFinite((v as Record<string, unknown>)[k], `${where}.${k}`, depth + 1, seen);
    if (bad) return bad;
  }
  return null;
}

/** The objects reachable from the arguments (a few levels deep): handed back, they are not results. */
export function reachable(args: readonly unknown[]): Set<unknown> {
  const out = new Set<unknown>();
  const walk = (v: unknown, depth: number) => {
    if (v === null || typeof v !== "object" || out.has(v) || depth > 3) return;
    out.add(v);
    if (ArrayBuffer.isView(v)) return;
    for (const x of Array.isArray(v) ? v.slice(0, 1000) : Object.values(v)) walk(x, depth + 1);
  };
  for (const a of args) walk(a, 0);
  return out;
}
