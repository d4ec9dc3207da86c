/**
 * Hidden test cases of an assignment as plain JSON, the contract between a solution notebook and
 * the autograder (see notebooks/assignments/FORMAT.md): a case names a student function, its
 * arguments in a JSON encoding (tensors as nested arrays or as seeded random draws), and how the
 * result is judged (against the library's reference answer by default, or a threshold).
 *
 *   // hidden: {"name": "2×3 batch", "fn": "denseForward", "args": [{"$randn": [2, 3], "seed": 1}, …]}
 *
 * The same comparison serves the instant checks (./check.ts): one rule for "close enough", one
 * message for the first mismatch.
 */
import { InputError, describe, fmtShape } from "../../src/errors";
import { Random } from "../../src/random";
import { Tensor } from "../../src/tensor";
import { Value } from "../../src/autograd";
import { referenceFor } from "./references";

/** How a result is judged. */
export type CompareMode = "close" | "equal" | "atLeast" | "atMost";

/** One hidden test case, as written on a `// hidden: {…}` line. */
export interface HiddenCase {
  /** shown in feedback */
  name: string;
  /** the student function to call */
  fn: string;
  /** encoded arguments; default [] */
  args?: unknown[];
  /** encoded expected value; absent: the library's reference answer on the same arguments */
  expect?: unknown;
  /** default "close" */
  compare?: CompareMode;
  /** dotted path into the result before comparing, e.g. "testAccuracy" */
  path?: string;
  /** "close": |e − g| ≤ tol · max(1, |e|); default 1e-6 */
  tol?: number;
  /** a hint for cases that train */
  timeoutMs?: number;
}

/** The verdict on one value: ok, or the first mismatch in words. */
export interface Comparison {
  ok: boolean;
  message: string;
}

export const HIDDEN_BEGIN = "// BEGIN HIDDEN TESTS";
export const HIDDEN_END = "// END HIDDEN TESTS";
const HIDDEN_LINE = /^\s*\/\/\s*hidden:\s*(.*)$/;
const MODES: readonly CompareMode[] = ["close", "equal", "atLeast", "atMost"];

/**
 * The hidden cases of a test cell's source: every `// hidden: {…}` line between the HIDDEN
 * markers. Throws an InputError naming the line when a case is malformed.
 */
export function parseHiddenCases(source: string): HiddenCase[] {
  const fn = "parseHiddenCases";
  if (typeof source !== "string") throw new InputError(fn, "source", "a cell's source text", describe(source));
  const cases: HiddenCase[] = [];
  let inside = false;
  source.split("\n").forEach((line, i) => {
    const t = line.trim();
    if (t === HIDDEN_BEGIN) inside = true;
    else if (t === HIDDEN_END) inside = false;
    else if (inside) {
      const m = HIDDEN_LINE.exec(line);
      if (m === null) {
        if (t === "" || t.startsWith("//")) return;
        throw new InputError(fn, `source line ${i + 1}`, "only `// hidden: {…}` lines and comments between the HIDDEN markers", JSON.stringify(t.slice(0, 60)));
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(m[1]);
      } catch (e) {
        throw new InputError(fn, `source line ${i + 1}`, "one JSON object after `// hidden:`", `${(e as Error).message}`);
      }
      cases.push(checkCase(fn, `source line ${i + 1}`, parsed));
    }
  });
  return cases;
}

function checkCase(fn: string, where: string, c: unknown): HiddenCase {
  const bad = (what: string, got: unknown): never => {
    throw new InputError(fn, where, what, describe(got));
  };
  if (typeof c !== "object" || c === null || Array.isArray(c)) bad("a JSON object", c);
  const k = c as Record<string, unknown>;
  if (typeof k.name !== "string" || k.name === "") bad("a case with a non-empty \"name\"", k.name);
  if (typeof k.fn !== "string" || !/^[A-Za-z_$][\w$]*$/.test(k.fn)) bad("a case with \"fn\": a function name", k.fn);
  if (k.args !== undefined && !Array.isArray(k.args)) bad("\"args\": an array", k.args);
  if (k.compare !== undefined && !MODES.includes(k.compare as CompareMode)) bad(`"compare": one of ${MODES.join(", ")}`, k.compare);
  if (k.tol !== undefined && !(typeof k.tol === "number" && k.tol > 0)) bad("\"tol\": a number > 0", k.tol);
  if (k.path !== undefined && typeof k.path !== "string") bad("\"path\": a dotted path", k.path);
  if ((k.compare === "atLeast" || k.compare === "atMost") && typeof k.expect !== "number") bad(`"expect": a number for ${k.compare}`, k.expect);
  return k as unknown as HiddenCase;
}

// ------------------------------------------------------------------ encoding

/** Turn an encoded argument into what the function receives (Tensors, seeded draws, labels). */
export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  if ("$tensor" in o) {
    const t = o.$tensor as { shape?: number[]; data?: number[] } | unknown[];
    if (Array.isArray(t)) return Tensor.from(t as never);
    return Tensor.fromArray((t.data ?? []).map(decodeNumber), t.shape ?? []);
  }
  if ("$randn" in o) return Tensor.randn(o.$randn as number[], num(o.seed, 0), 0, num(o.std, 1));
  if ("$rand" in o) return Tensor.rand(o.$rand as number[], num(o.seed, 0), num(o.low, 0), num(o.high, 1));
  if ("$labels" in o) {
    const r = new Random(num(o.seed, 0));
    return Array.from({ length: num(o.$labels, 0) }, () => r.int(num(o.classes, 2)));
  }
  if ("$num" in o) return decodeNumber(o);
  return Object.fromEntries(Object.entries(o).map(([key, x]) => [key, decodeValue(x)]));
}

function num(v: unknown, fallback: number): number {
  return typeof v === "number" ? v : fallback;
}

function decodeNumber(v: unknown): number {
  if (typeof v === "number") return v;
  const s = (v as { $num?: string } | null)?.$num;
  return s === "NaN" ? NaN : s === "Infinity" ? Infinity : s === "-Infinity" ? -Infinity : Number(v);
}

function encodeNumber(x: number): unknown {
  return Number.isFinite(x) ? x : { $num: String(x) };
}

/**
 * A result as JSON: Tensor → {"$tensor": {shape, data}}, typed arrays → arrays, Value → its
 * number, objects → their own enumerable keys, functions dropped. Cycles and depth > 8 → null.
 */
export function encodeValue(v: unknown, depth = 0): unknown {
  if (depth > 8) return null;
  if (typeof v === "number") return encodeNumber(v);
  if (typeof v === "string" || typeof v === "boolean" || v === null || v === undefined) return v ?? null;
  if (v instanceof Tensor) return { $tensor: { shape: [...v.shape], data: Array.from(v.data, encodeNumber) } };
  if (v instanceof Value) return encodeNumber(v.data);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, encodeNumber);
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, depth + 1));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) if (typeof x !== "function") out[k] = encodeValue(x, depth + 1);
    return out;
  }
  return null;
}

// ------------------------------------------------------------------ comparison

/** The value at a dotted path ("testAccuracy", "grads.dW"), undefined when absent. */
export function atPath(v: unknown, path: string | undefined): unknown {
  if (path === undefined || path === "") return v;
  let cur = v;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(6))) : x.toExponential(3);
}

/** Index of flat position i in a shape, as "[1, 2]". */
export function indexOf(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(", ")}]`;
}

/** A tensor's shape and values, live or encoded; NaN allowed (a student's result may hold it). */
interface TensorView {
  shape: number[];
  data: ArrayLike<number>;
  size: number;
}

function asTensor(v: unknown): TensorView | null {
  if (v instanceof Tensor) return { shape: [...v.shape], data: v.data, size: v.size };
  if (typeof v === "object" && v !== null && "$tensor" in v) {
    const t = (v as { $tensor: unknown }).$tensor;
    if (Array.isArray(t)) {
      const live = Tensor.from(t as never);
      return { shape: [...live.shape], data: live.data, size: live.size };
    }
    const { shape, data } = t as { shape?: unknown; data?: unknown };
    if (!Array.isArray(shape) || !Array.isArray(data)) return null;
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (data.length !== size) return null;
    return { shape: shape as number[], data: data.map(decodeNumber), size };
  }
  return null;
}

function describeGot(v: unknown): string {
  const t = asTensor(v);
  return t !== null ? `a Tensor of shape ${fmtShape(t.shape)}` : describe(v);
}

/**
 * Compare a result with the expected value (either may be encoded or live). Tensors: shape
 * first, then every element; objects: every key of `expected`; numbers: within `tol`.
 */
export function compareValues(expected: unknown, got: unknown, opts: { compare?: CompareMode; tol?: number; label?: string } = {}): Comparison {
  const mode = opts.compare ?? "close";
  const tol = opts.tol ?? 1e-6;
  const label = opts.label ?? "result";
  if (mode === "atLeast" || mode === "atMost") {
    const g = typeof got === "number" ? got : decodeNumber(got);
    const e = expected as number;
    if (typeof got !== "number" && !(typeof got === "object" && got !== null && "$num" in got)) {
      return { ok: false, message: `${label}: expected a number, got ${describeGot(got)}` };
    }
    const ok = mode === "atLeast" ? g >= e : g <= e;
    return { ok, message: ok ? `${label} = ${fmt(g)} ${mode === "atLeast" ? "≥" : "≤"} ${fmt(e)}` : `${label} = ${fmt(g)}, needs ${mode === "atLeast" ? "≥" : "≤"} ${fmt(e)}` };
  }
  return compareDeep(expected, got, label, mode, tol);
}

function compareDeep(expected: unknown, got: unknown, label: string, mode: CompareMode, tol: number): Comparison {
  const et = asTensor(expected);
  if (et !== null) {
    const gt = asTensor(got);
    if (gt === null) return { ok: false, message: `${label}: expected a Tensor of shape ${fmtShape(et.shape)}, got ${describeGot(got)}` };
    if (et.shape.length !== gt.shape.length || et.shape.some((d, i) => d !== gt.shape[i])) {
      return { ok: false, message: `${label}: expected shape ${fmtShape(et.shape)}, got shape ${fmtShape(gt.shape)}` };
    }
    for (let i = 0; i < et.size; i++) {
      const bad = numberMismatch(et.data[i], gt.data[i], mode, tol);
      if (bad) return { ok: false, message: `${label}${indexOf(i, et.shape)}: expected ${fmt(et.data[i])}, got ${fmt(gt.data[i])}${bad === "nan" ? " (not a number)" : ""}` };
    }
    return { ok: true, message: `${label}: shape ${fmtShape(et.shape)}, all ${et.size} values match` };
  }
  const en = typeof expected === "number" || (typeof expected === "object" && expected !== null && "$num" in expected);
  if (en) {
    const e = decodeNumber(expected);
    const gn = typeof got === "number" || (typeof got === "object" && got !== null && "$num" in got);
    if (!gn) return { ok: false, message: `${label}: expected the number ${fmt(e)}, got ${describeGot(got)}` };
    const g = decodeNumber(got);
    const bad = numberMismatch(e, g, mode, tol);
    return bad ? { ok: false, message: `${label}: expected ${fmt(e)}, got ${fmt(g)}${bad === "nan" ? " (not a number)" : ""}` } : { ok: true, message: `${label} = ${fmt(g)}` };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return { ok: false, message: `${label}: expected an array of ${expected.length}, got ${describeGot(got)}` };
    if (got.length !== expected.length) return { ok: false, message: `${label}: expected ${expected.length} items, got ${got.length}` };
    for (let i = 0; i < expected.length; i++) {
      const c = compareDeep(expected[i], got[i], `${label}[${i}]`, mode, tol);
      if (!c.ok) return c;
    }
    return { ok: true, message: `${label}: all ${expected.length} items match` };
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof got !== "object" || got === null) return { ok: false, message: `${label}: expected an object with ${Object.keys(expected).join(", ")}, got ${describeGot(got)}` };
    const parts: string[] = [];
    for (const [k, e] of Object.entries(expected)) {
      if (!(k in got)) return { ok: false, message: `${label}.${k}: missing (the result has ${Object.keys(got).join(", ") || "no fields"})` };
      const c = compareDeep(e, (got as Record<string, unknown>)[k], label === "result" ? k : `${label}.${k}`, mode, tol);
      if (!c.ok) return c;
      parts.push(c.message);
    }
    return { ok: true, message: parts.join("; ") };
  }
  const ok = Object.is(expected, got);
  return { ok, message: ok ? `${label} = ${String(got)}` : `${label}: expected ${JSON.stringify(expected)}, got ${describeGot(got)}` };
}

/** "" when e and g agree, "nan" when g is not a number, "off" otherwise. */
function numberMismatch(e: number, g: number, mode: CompareMode, tol: number): "" | "nan" | "off" {
  if (Number.isNaN(g) && !Number.isNaN(e)) return "nan";
  if (mode === "equal") return Object.is(e, g) || e === g ? "" : "off";
  if (!Number.isFinite(e) || !Number.isFinite(g)) return e === g ? "" : "off";
  return Math.abs(e - g) <= tol * Math.max(1, Math.abs(e)) ? "" : "off";
}

// ------------------------------------------------------------------ running

/** A case's outcome. */
export interface CaseResult {
  name: string;
  ok: boolean;
  message: string;
}

/**
 * Run one case in this process: decode its arguments, call `fns[case.fn]`, compare with
 * `case.expect` or the reference answer. A Promise result is awaited (A5 trains asynchronously).
 * Errors of the student's function become a failed case.
 */
export async function runCase(c: HiddenCase, fns: Record<string, unknown>): Promise<CaseResult> {
  const f = fns[c.fn];
  if (typeof f !== "function") return { name: c.name, ok: false, message: `function ${c.fn} not found` };
  let got: unknown;
  try {
    got = encodeValue(await (f as (...a: unknown[]) => unknown)(...((c.args ?? []).map(decodeValue))));
  } catch (e) {
    return { name: c.name, ok: false, message: `${c.fn} threw: ${(e as Error)?.message ?? String(e)}` };
  }
  return judgeCase(c, got);
}

/**
 * Judge an already encoded result (from a sandboxed run) against the case; the expected value is
 * computed here, by the library, when the case gives none.
 */
export function judgeCase(c: HiddenCase, encodedResult: unknown): CaseResult {
  let expected: unknown = c.expect;
  if (expected === undefined) {
    const ref = referenceFor(c.fn);
    if (ref === null) return { name: c.name, ok: false, message: `no "expect" and no reference for ${c.fn} (a broken case)` };
    expected = encodeValue(ref(...(c.args ?? []).map(decodeValue)));
  }
  const cmp = compareValues(atPath(expected, c.expect === undefined ? c.path : undefined), atPath(encodedResult, c.path), {
    compare: c.compare, tol: c.tol, label: c.path ?? "result",
  });
  return { name: c.name, ok: cmp.ok, message: cmp.message };
}
