/**
 * Shapes of row-major arrays: checking them, sizes and strides, broadcasting, reading nested
 * arrays, and printing a grid of values. The parts of `Tensor` that need no Tensor.
 */
import { checkFits } from "./checks";
import { describe, fmtShape, InputError } from "./errors";

/** Nested arrays of numbers of any depth: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];

export function checkShape(fn: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new InputError(fn, "shape", "an array of positive integers", describe(shape));
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1) {
      throw new InputError(fn, "shape", "positive integer sizes", JSON.stringify(shape));
    }
  }
  checkFits(fn, "shape", shape, () => fmtShape(shape));
  return [...shape];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** The shape two shapes broadcast to, or an error naming `fn`. */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new InputError(fn, "b", `a shape that broadcasts with ${fmtShape(a)}`, fmtShape(b));
    }
    out[i] = Math.max(da, db);
  }
  return out;
}

/** The values and shape of nested arrays (`[[1, 2], [3, 4]]`: shape [2, 2]); ragged arrays are rejected, naming `fn`. */
export function parseNested(fn: string, nested: NestedArray): { data: Float64Array; shape: number[] } {
    const shape: number[] = [];
    let cur: NestedArray = nested;
    while (Array.isArray(cur)) {
      if (cur.length === 0) throw new InputError(fn, "nested", "non-empty arrays", "an empty array");
      shape.push(cur.length);
      cur = cur[0];
    }
    if (shape.length === 0) shape.push(1);
    const out = new Float64Array(sizeOf(shape));
    let k = 0;
    const walk = (v: NestedArray, depth: number, path: string): void => {
      if (depth === shape.length || (!Array.isArray(nested) && depth === 0)) {
        if (typeof v !== "number") throw new InputError(fn, "nested", `a number at ${path || "top"}`, describe(v));
        if (!Number.isFinite(v)) throw new InputError(fn, "nested", `a finite number at ${path || "top"}`, String(v));
        out[k++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) {
        throw new InputError(fn, "nested", `an array of length ${shape[depth]} at ${path || "top"} (arrays must not be ragged)`, describe(v));
      }
      v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
    };
    walk(nested, 0, "");
  return { data: out, shape };
}

/**
 * A readable grid: 2-D as rows and columns, higher ranks as a sequence of 2-D slices
 * named by their leading indices, numbers aligned with `digits` decimals.
 */
export function formatGrid(data: Float64Array, shape: readonly number[], digits: number): string {
    const fmt = (v: number) => {
      const s = Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : v.toFixed(digits);
      return s === "-0" ? "0" : s;
    };
    const header = `Tensor ${fmtShape(shape)}`;
    if (shape.length === 1) return `${header}\n[ ${Array.from(data, fmt).join("  ")} ]`;
    const [h, w] = shape.slice(-2);
    const planes = data.length / (h * w);
    const cells = Array.from(data, fmt);
    const width = Math.max(...cells.map((c) => c.length));
    const lines: string[] = [header];
    const lead = shape.slice(0, -2);
    const maxPlanes = 16;
    for (let p = 0; p < Math.min(planes, maxPlanes); p++) {
      if (lead.length > 0) {
        const idx: number[] = [];
        let r = p;
        for (let i = lead.length - 1; i >= 0; i--) {
          idx.unshift(r % lead[i]);
          r = Math.floor(r / lead[i]);
        }
        lines.push(`[${idx.join(", ")}, :, :]`);
      }
      for (let i = 0; i < h; i++) {
        const row = cells.slice(p * h * w + i * w, p * h * w + (i + 1) * w).map((c) => c.padStart(width));
        lines.push("  " + row.join("  "));
      }
    }
    if (planes > maxPlanes) lines.push(`… ${planes - maxPlanes} more slices`);
  return lines.join("\n");
}

/**
 * f applied pairwise to a [aShape] and b [bShape] broadcast to `shape` (from broadcastShapes):
 * an axis of size 1, or a missing leading axis, repeats its values. Row-major data in and out.
 */
export function broadcastZip(
  a: Float64Array, aShape: readonly number[], b: Float64Array, bShape: readonly number[], shape: readonly number[],
  f: (x: number, y: number) => number,
): Float64Array {
  const n = shape.length;
  const stepsOf = (s: readonly number[]): number[] => {
    const strides = stridesOf(s);
    return shape.map((_, i) => {
      const j = i - (n - s.length);
      return j < 0 || s[j] === 1 ? 0 : strides[j];
    });
  };
  const sa = stepsOf(aShape);
  const sb = stepsOf(bShape);
  const out = new Float64Array(sizeOf(shape));
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < out.length; k++) {
    let oa = 0;
    let ob = 0;
    for (let i = 0; i < n; i++) {
      oa += idx[i] * sa[i];
      ob += idx[i] * sb[i];
    }
    out[k] = f(a[oa], b[ob]);
    for (let i = n - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}
