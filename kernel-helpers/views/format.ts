/**
 * How the views write a number, one rule for the text and the HTML of every trace, so that the
 * two agree on each number they show.
 */

/**
 * A number as the views write it: integers as such (or with `digits` decimals when `fixed`, so a
 * column of mixed numbers lines up), others with `digits` decimals, tiny or huge ones in e-notation.
 */
export function fmtNum(v: number, digits = 4, fixed = false): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return fixed ? (v === 0 ? 0 : v).toFixed(digits) : String(v === 0 ? 0 : v);
  const a = Math.abs(v);
  // below 1e-12 a value is rounding noise of float64 sums (an exact 0 computed as 3e-18): shown as 0
  if (a < 1e-12) return digits > 0 ? (0).toFixed(digits) : "0";
  if (a >= 1e9 || a < 0.5 * 10 ** -digits) return v.toExponential(Math.max(1, Math.min(digits, 3)));
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A number in parentheses when negative, so that sums of products read unambiguously. */
export function paren(v: number, digits: number): string {
  const s = fmtNum(v, digits);
  return s.startsWith("-") ? `(${s})` : s;
}

/** Every value an integer: such tensors (images of 0/1, labels, counts) print without decimals. */
export function allIntegers(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isInteger(data[i])) return false;
  return true;
}
