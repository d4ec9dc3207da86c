/**
 * Tensor: a shape and a Float64Array, row-major. Small, explicit and float64 throughout, so
 * that every number a lesson shows can be checked by hand and every gradient check is exact
 * to 1e-7 or better.
 *
 * Elementwise ops broadcast like NumPy and TensorFlow.js: shapes are aligned on the right and
 * an axis of size 1 stretches to match.
 */
import { checkFinite, checkInt, checkNumber, describe, fmtShape, InputError, NonFiniteError } from "./errors";
import { gemm } from "./linalg";
import { checkArray, checkFits, checkFunction } from "./checks";
import { Random, rng } from "./random";
import { broadcastShapes, broadcastZip, checkShape, formatGrid, parseNested, sizeOf, stridesOf, type NestedArray } from "./shape";

export { broadcastShapes, type NestedArray } from "./shape";

export class Tensor {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly strides: number[];

  /** Wrap `data` (not copied) with `shape`; sizes must agree. */
  constructor(data: Float64Array, shape: readonly number[]) {
    const s = checkShape("Tensor", shape as number[]);
    if (!(data instanceof Float64Array)) throw new InputError("Tensor", "data", "a Float64Array", describe(data));
    if (data.length !== sizeOf(s)) {
      throw new InputError("Tensor", "data", `${sizeOf(s)} values for shape ${fmtShape(s)}`, `${data.length} values`);
    }
    this.shape = s;
    this.data = data;
    this.strides = stridesOf(s);
  }

  // ---------------------------------------------------------------- creation

  static zeros(shape: readonly number[]): Tensor {
    const s = checkShape("Tensor.zeros", shape as number[]);
    return new Tensor(new Float64Array(sizeOf(s)), s);
  }

  static ones(shape: readonly number[]): Tensor {
    return Tensor.full(shape, 1);
  }

  static full(shape: readonly number[], value: number): Tensor {
    const s = checkShape("Tensor.full", shape as number[]);
    checkNumber("Tensor.full", "value", value);
    return new Tensor(new Float64Array(sizeOf(s)).fill(value), s);
  }

  /** From nested arrays: `Tensor.from([[1, 2], [3, 4]])` has shape [2, 2]. Ragged arrays are rejected. */
  static from(nested: NestedArray): Tensor {
    const { data, shape } = parseNested("Tensor.from", nested);
    return new Tensor(data, shape);
  }

  /** From flat values and a shape. The values are copied and checked finite. */
  static fromArray(values: ArrayLike<number>, shape: readonly number[]): Tensor {
    const s = checkShape("Tensor.fromArray", shape as number[]);
    if (values == null || typeof values.length !== "number") throw new InputError("Tensor.fromArray", "values", "an array of numbers", describe(values));
    if (values.length !== sizeOf(s)) {
      throw new InputError("Tensor.fromArray", "values", `${sizeOf(s)} values for shape ${fmtShape(s)}`, `${values.length} values`);
    }
    checkFinite("Tensor.fromArray", "values", values);
    return new Tensor(Float64Array.from(values), s);
  }

  /** Normal random values, seeded: `Tensor.randn([2, 3], 7)` or with a shared `Random`. */
  static randn(shape: readonly number[], seed: number | Random = 42, mean = 0, std = 1): Tensor {
    const s = checkShape("Tensor.randn", shape as number[]);
    const r = rng(seed);
    const out = new Float64Array(sizeOf(s));
    for (let i = 0; i < out.length; i++) out[i] = r.normal(mean, std);
    return new Tensor(out, s);
  }

  /** Uniform random values in [low, high), seeded. */
  static rand(shape: readonly number[], seed: number | Random = 42, low = 0, high = 1): Tensor {
    const s = checkShape("Tensor.rand", shape as number[]);
    const r = rng(seed);
    const out = new Float64Array(sizeOf(s));
    for (let i = 0; i < out.length; i++) out[i] = r.uniform(low, high);
    return new Tensor(out, s);
  }

  /** 0, 1, …, n−1 as a vector. */
  static arange(n: number): Tensor {
    checkInt("Tensor.arange", "n", n);
    checkFits("Tensor.arange", "n", [n]);
    return new Tensor(Float64Array.from({ length: n }, (_, i) => i), [n]);
  }

  /** The n×n identity matrix. */
  static eye(n: number): Tensor {
    checkInt("Tensor.eye", "n", n);
    checkFits("Tensor.eye", "n", [n, n]);
    const t = Tensor.zeros([n, n]);
    for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
    return t;
  }

  // ---------------------------------------------------------------- basics

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The flat offset of an index, checked. */
  offset(index: readonly number[], fn = "Tensor.get"): number {
    if (typeof fn !== "string") fn = "Tensor.offset";
    checkArray(fn, "index", index, "an array of indices");
    for (const k of index) if (typeof k !== "number") throw new InputError(fn, "index", "integer indices", describe(k));
    if (index.length !== this.rank) {
      throw new InputError(fn, "index", `${this.rank} indices for shape ${fmtShape(this.shape)}`, `${index.length} (${fmtShape(index)})`);
    }
    let off = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new InputError(fn, "index", `index ${i} in [0, ${this.shape[i] - 1}] for shape ${fmtShape(this.shape)}`, String(k));
      }
      off += k * this.strides[i];
    }
    return off;
  }

  /** One value: `t.get(i, j)`. */
  get(...index: number[]): number {
    return this.data[this.offset(index)];
  }

  /** Set one value in place: `t.set(v, i, j)`. */
  set(value: number, ...index: number[]): this {
    checkNumber("Tensor.set", "value", value);
    this.data[this.offset(index, "Tensor.set")] = value;
    return this;
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** Same values, new shape; one size may be -1 (inferred). Shares the data. */
  reshape(shape: readonly number[]): Tensor {
    if (!Array.isArray(shape)) throw new InputError("Tensor.reshape", "shape", "an array", describe(shape));
    const s = [...shape];
    const neg = s.filter((d) => d === -1).length;
    if (neg > 1) throw new InputError("Tensor.reshape", "shape", "at most one -1", fmtShape(s));
    const known = s.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (neg === 1) {
      if (known <= 0 || this.size % known !== 0) {
        throw new InputError("Tensor.reshape", "shape", `sizes whose product divides ${this.size} (from ${fmtShape(this.shape)})`, fmtShape(s));
      }
      s[s.indexOf(-1)] = this.size / known;
    }
    checkShape("Tensor.reshape", s);
    if (sizeOf(s) !== this.size) {
      throw new InputError("Tensor.reshape", "shape", `${this.size} values in all (from ${fmtShape(this.shape)})`, `${fmtShape(s)} = ${sizeOf(s)} values`);
    }
    return new Tensor(this.data, s);
  }

  /** Permute the axes; the default reverses them (the matrix transpose for 2-D). */
  transpose(perm?: readonly number[]): Tensor {
    if (perm !== undefined && perm !== null) checkArray("Tensor.transpose", "perm", perm, `a permutation of 0..${this.rank - 1}`);
    const r = this.rank;
    const p = perm ? [...perm] : Array.from({ length: r }, (_, i) => r - 1 - i);
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== r || sorted.some((v, i) => v !== i)) {
      throw new InputError("Tensor.transpose", "perm", `a permutation of 0..${r - 1}`, fmtShape(p));
    }
    const outShape = p.map((i) => this.shape[i]);
    const out = new Float64Array(this.size);
    const inStrides = p.map((i) => this.strides[i]);
    const idx = new Array<number>(r).fill(0);
    for (let k = 0; k < out.length; k++) {
      let off = 0;
      for (let i = 0; i < r; i++) off += idx[i] * inStrides[i];
      out[k] = this.data[off];
      for (let i = r - 1; i >= 0; i--) {
        if (++idx[i] < outShape[i]) break;
        idx[i] = 0;
      }
    }
    return new Tensor(out, outShape);
  }

  /** The matrix transpose of a 2-D tensor. */
  get T(): Tensor {
    if (this.rank !== 2) throw new InputError("Tensor.T", "this", "a 2-D tensor", `shape ${fmtShape(this.shape)}`);
    return this.transpose();
  }

  // ---------------------------------------------------------------- elementwise

  /** f applied to every value: a new tensor. */
  map(f: (v: number, i: number) => number): Tensor {
    checkFunction("Tensor.map", "f", f);
    const out = new Float64Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = f(this.data[i], i);
    return new Tensor(out, this.shape);
  }

  /** f applied pairwise, with broadcasting. */
  zip(other: Tensor | number, f: (a: number, b: number) => number, fn = "Tensor.zip"): Tensor {
    if (typeof fn !== "string") fn = "Tensor.zip";
    checkFunction(fn, "f", f);
    const b = typeof other === "number" ? Tensor.full([1], other) : other;
    if (!(b instanceof Tensor)) throw new InputError(fn, "b", "a Tensor or a number", describe(other));
    if (b.shape.length === this.shape.length && b.shape.every((d, i) => d === this.shape[i])) {
      const out = new Float64Array(this.size);
      for (let i = 0; i < out.length; i++) out[i] = f(this.data[i], b.data[i]);
      return new Tensor(out, this.shape);
    }
    const shape = broadcastShapes(fn, this.shape, b.shape);
    const out = broadcastZip(this.data, this.shape, b.data, b.shape, shape, f);
    return new Tensor(out, shape);
  }

  add(b: Tensor | number): Tensor {
    return this.zip(b, (x, y) => x + y, "Tensor.add");
  }
  sub(b: Tensor | number): Tensor {
    return this.zip(b, (x, y) => x - y, "Tensor.sub");
  }
  mul(b: Tensor | number): Tensor {
    return this.zip(b, (x, y) => x * y, "Tensor.mul");
  }
  div(b: Tensor | number): Tensor {
    return this.zip(b, (x, y) => x / y, "Tensor.div");
  }
  neg(): Tensor {
    return this.map((v) => -v);
  }
  scale(k: number): Tensor {
    checkNumber("Tensor.scale", "k", k);
    return this.map((v) => v * k);
  }
  pow(p: number): Tensor {
    checkNumber("Tensor.pow", "p", p);
    return this.map((v) => v ** p);
  }
  exp(): Tensor {
    return this.map(Math.exp);
  }
  log(): Tensor {
    return this.map(Math.log);
  }
  abs(): Tensor {
    return this.map(Math.abs);
  }
  sqrt(): Tensor {
    return this.map(Math.sqrt);
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product of 2-D tensors: [N, D] · [D, M] → [N, M]. */
  matmul(b: Tensor): Tensor {
    if (!(b instanceof Tensor)) throw new InputError("matmul", "b", "a Tensor", describe(b));
    if (this.rank !== 2) throw new InputError("matmul", "a", "a 2-D tensor [N, D]", fmtShape(this.shape));
    if (b.rank !== 2 || b.shape[0] !== this.shape[1]) {
      throw new InputError("matmul", "b", `shape [${this.shape[1]}, M] (rows = columns of a ${fmtShape(this.shape)})`, fmtShape(b.shape));
    }
    const [n, d] = this.shape;
    const m = b.shape[1];
    // out[i, :] += a[i, k] · b[k, :], k = 0, 1, … (src/linalg.ts, the one home of matrix products)
    const out = gemm(this.data, b.data, n, d, m);
    return new Tensor(out, [n, m]);
  }

  /** Inner product of all values (same shapes). */
  dot(b: Tensor): Tensor {
    if (!(b instanceof Tensor) || b.size !== this.size) {
      throw new InputError("dot", "b", `a tensor with ${this.size} values`, describe(b));
    }
    let s = 0;
    for (let i = 0; i < this.size; i++) s += this.data[i] * b.data[i];
    return Tensor.full([1], s);
  }

  // ---------------------------------------------------------------- reductions

  private reduce(fn: string, axis: number | undefined, keepDims: boolean, init: number, f: (acc: number, v: number) => number): Tensor {
    if (axis === undefined) {
      let acc = init;
      for (let i = 0; i < this.size; i++) acc = f(acc, this.data[i]);
      return new Tensor(Float64Array.of(acc), keepDims ? this.shape.map(() => 1) : [1]);
    }
    const ax = this.axis(fn, axis);
    const outer = this.shape.slice(0, ax).reduce((a, b) => a * b, 1);
    const len = this.shape[ax];
    const inner = this.strides[ax];
    const out = new Float64Array(outer * inner).fill(init);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len; k++) {
        const base = o * len * inner + k * inner;
        for (let i = 0; i < inner; i++) out[o * inner + i] = f(out[o * inner + i], this.data[base + i]);
      }
    }
    let shape = keepDims ? this.shape.map((d, i) => (i === ax ? 1 : d)) : this.shape.filter((_, i) => i !== ax);
    if (shape.length === 0) shape = [1];
    return new Tensor(out, shape);
  }

  /** A checked axis; negative counts from the end. */
  axis(fn: string, axis: number): number {
    if (typeof fn !== "string") fn = "Tensor.axis";
    if (typeof axis !== "number") throw new InputError(fn, "axis", `an axis in [${-this.rank}, ${this.rank - 1}]`, describe(axis));
    const ax = axis < 0 ? this.rank + axis : axis;
    if (!Number.isInteger(axis) || ax < 0 || ax >= this.rank) {
      throw new InputError(fn, "axis", `an axis in [${-this.rank}, ${this.rank - 1}] for shape ${fmtShape(this.shape)}`, String(axis));
    }
    return ax;
  }

  /** Sum of all values, or along one axis. */
  sum(axis?: number, keepDims = false): Tensor {
    return this.reduce("Tensor.sum", axis, keepDims, 0, (a, v) => a + v);
  }
  /** Mean of all values, or along one axis. */
  mean(axis?: number, keepDims = false): Tensor {
    const n = axis === undefined ? this.size : this.shape[this.axis("Tensor.mean", axis)];
    return this.sum(axis, keepDims).scale(1 / n);
  }
  /** Largest value overall, or along one axis. */
  max(axis?: number, keepDims = false): Tensor {
    return this.reduce("Tensor.max", axis, keepDims, -Infinity, (a, v) => (v > a ? v : a));
  }
  /** Smallest value overall, or along one axis. */
  min(axis?: number, keepDims = false): Tensor {
    return this.reduce("Tensor.min", axis, keepDims, Infinity, (a, v) => (v < a ? v : a));
  }

  /** Index of the largest value along `axis` (default last); the first one wins a tie. */
  argmax(axis = -1): number[] {
    const ax = this.axis("Tensor.argmax", axis);
    const outer = this.shape.slice(0, ax).reduce((a, b) => a * b, 1);
    const len = this.shape[ax];
    const inner = this.strides[ax];
    const res: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = 0;
        let bv = -Infinity;
        for (let k = 0; k < len; k++) {
          const v = this.data[o * len * inner + k * inner + i];
          if (v > bv) {
            bv = v;
            best = k;
          }
        }
        res.push(best);
      }
    }
    return res;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new InputError("Tensor.item", "this", "a tensor with one value", `shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  // ---------------------------------------------------------------- slicing along the first axis

  /** Rows start..end−1 along axis 0 (a copy): a mini-batch. */
  slice0(start: number, end: number): Tensor {
    if (typeof start !== "number" || typeof end !== "number") throw new InputError("Tensor.slice0", "start/end", "two integers", `${describe(start)}, ${describe(end)}`);
    const n = this.shape[0];
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start >= end) {
      throw new InputError("Tensor.slice0", "start/end", `0 <= start < end <= ${n}`, `start ${start}, end ${end}`);
    }
    const row = this.strides[0];
    return new Tensor(this.data.slice(start * row, end * row), [end - start, ...this.shape.slice(1)]);
  }

  /** The rows at the given indices along axis 0 (a copy): a shuffled mini-batch. */
  take(indices: readonly number[]): Tensor {
    const n = this.shape[0];
    if (!Array.isArray(indices) || indices.length === 0) throw new InputError("Tensor.take", "indices", "a non-empty array of row indices", describe(indices));
    const row = this.strides[0];
    const out = new Float64Array(indices.length * row);
    indices.forEach((r, i) => {
      if (!Number.isInteger(r) || r < 0 || r >= n) throw new InputError("Tensor.take", "indices", `row indices in [0, ${n - 1}]`, String(r));
      out.set(this.data.subarray(r * row, (r + 1) * row), i * row);
    });
    return new Tensor(out, [indices.length, ...this.shape.slice(1)]);
  }

  /** Row i along axis 0, without the first axis. */
  row(i: number): Tensor {
    checkInt("Tensor.row", "i", i, 0);
    return this.slice0(i, i + 1).reshape(this.shape.length > 1 ? this.shape.slice(1) : [1]);
  }

  /** Stack equal-shaped tensors along a new first axis. */
  static stack(items: readonly Tensor[]): Tensor {
    if (!Array.isArray(items) || items.length === 0) throw new InputError("Tensor.stack", "items", "a non-empty array of tensors", describe(items));
    if (!(items[0] instanceof Tensor)) throw new InputError("Tensor.stack", "items[0]", "a Tensor", describe(items[0]));
    checkFits("Tensor.stack", "items", [items.length, items[0].size], `${items.length} × ${items[0].size}`);
    const s = items[0].shape;
    const out = new Float64Array(items.length * items[0].size);
    items.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.shape.length !== s.length || t.shape.some((d, j) => d !== s[j])) {
        throw new InputError("Tensor.stack", `items[${i}]`, `shape ${fmtShape(s)}`, describe(t));
      }
      out.set(t.data, i * t.size);
    });
    return new Tensor(out, [items.length, ...s]);
  }

  // ---------------------------------------------------------------- comparison and output

  /** True when shapes are equal and every value is within `tol`. */
  allClose(b: Tensor, tol = 1e-9): boolean {
    checkNumber("Tensor.allClose", "tol", tol);
    if (!(b instanceof Tensor) || b.rank !== this.rank || b.shape.some((d, i) => d !== this.shape[i])) return false;
    for (let i = 0; i < this.size; i++) if (!(Math.abs(this.data[i] - b.data[i]) <= tol)) return false;
    return true;
  }

  /** Largest absolute difference from another tensor of the same shape. */
  maxAbsDiff(b: Tensor): number {
    if (!(b instanceof Tensor) || b.size !== this.size || b.shape.some((d, i) => d !== this.shape[i])) {
      throw new InputError("Tensor.maxAbsDiff", "b", `shape ${fmtShape(this.shape)}`, describe(b));
    }
    let m = 0;
    for (let i = 0; i < this.size; i++) m = Math.max(m, Math.abs(this.data[i] - b.data[i]));
    return m;
  }

  /** Nested arrays of the values. */
  toArray(): NestedArray {
    const build = (dim: number, off: number): NestedArray => {
      if (dim === this.rank) return this.data[off];
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, off + i * this.strides[dim]));
      return out;
    };
    return build(0, 0);
  }

  /** Plain number array of all values. */
  toList(): number[] {
    return Array.from(this.data);
  }

  /**
   * A readable grid: 2-D as rows and columns, higher ranks as a sequence of 2-D slices
   * named by their leading indices, numbers aligned with `digits` decimals.
   */
  toString(digits = 4): string {
    checkInt("Tensor.toString", "digits", digits, 0);
    if (digits > 20) throw new InputError("Tensor.toString", "digits", "an integer in [0, 20]", String(digits));
    return formatGrid(this.data, this.shape, digits);
  }
}

/** Shorthand for `Tensor.from`. */
export function tensor(nested: NestedArray): Tensor {
  return Tensor.from(nested);
}

/** Throw unless `t` is a Tensor of the given pattern; `null` in the pattern matches any size. */
export function checkTensor(fn: string, arg: string, t: unknown, pattern?: readonly (number | null | string)[]): asserts t is Tensor {
  // the expected shape is only written out for an error: checkTensor runs in every layer call
  const want = () => (pattern ? `shape [${pattern.map((d) => (d === null ? "_" : String(d))).join(", ")}]` : "a Tensor");
  if (!(t instanceof Tensor)) throw new InputError(fn, arg, `a Tensor${pattern ? " of " + want() : ""}`, describe(t));
  if (!pattern) return;
  let ok = t.rank === pattern.length;
  for (let i = 0; ok && i < pattern.length; i++) ok = typeof pattern[i] !== "number" || pattern[i] === t.shape[i];
  if (!ok) throw new InputError(fn, arg, want(), fmtShape(t.shape));
}

/** Throw unless every value of `t` is finite. */
export function checkTensorFinite(fn: string, arg: string, t: Tensor): void {
  checkFinite(fn, arg, t.data);
}

/**
 * The one rule for results (see README, "Numbers"): a forward pass whose output holds NaN or
 * ±Infinity — finite inputs and weights so large that a product or a sum overflowed — throws a
 * NonFiniteError naming the function and the first bad position, instead of handing the
 * poison on. Plain Tensor arithmetic (add, mul, matmul, …) propagates NaN and Infinity as NumPy does.
 */
export function checkOutputFinite(fn: string, out: Tensor, arg = "x"): void {
  for (let i = 0; i < out.data.length; i++) {
    const v = out.data[i];
    if (!Number.isFinite(v)) {
      throw new NonFiniteError(fn, arg, "values small enough for a finite output (the output overflowed)", `${Number.isNaN(v) ? "NaN" : v} at flat index ${i} of the output ${fmtShape(out.shape)}`);
    }
  }
}
