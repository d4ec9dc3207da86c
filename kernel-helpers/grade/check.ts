/**
 * The engine of the instant checks: run a student's function on visible cases, compare with the
 * library's answer (and, for backward functions, with a numerical gradient), print one verdict
 * line plus what to look at, and return a CheckResult that prints as that one line.
 *
 *   PASS dense layer forward: 3 of 3 cases (out [2, 3] …)
 *   FAIL dense layer forward: case "2×3 batch": result[1, 2]: expected 0.25, got 0.5
 *        hint: …
 *
 * A check never throws for the student's mistakes (a failing check is feedback, not a crash): a
 * non-function, a throw, a wrong or unreadable result all print FAIL. A malformed spec (the
 * author's mistake: no title, a case without args, no expected value and no reference) is an
 * InputError, raised before the student's function runs on the case concerned.
 */
import { InputError, describe, fmtShape } from "../../src/errors";
import { checkArray, checkCount, checkString, MAX_LIST_LENGTH } from "../../src/checks";
import { relativeError } from "../../src/gradcheck";
import { Tensor } from "../../src/tensor";
import { PrintedVerdict } from "../check";
import { atPath, compareValues, encodeValue, COMPARE_MODES, type CompareMode } from "./cases";
import { referenceFor } from "./references";

/** One visible case of a check. */
export interface VisibleCase {
  name: string;
  /** live arguments (Tensors, numbers, objects); copied before each call */
  args: unknown[];
  /** expected value; default: the reference answer of the function on the same arguments */
  expect?: unknown;
  compare?: CompareMode;
  tol?: number;
  path?: string;
  /**
   * numerical gradients of the reference forward for some keys of the result ("dx", "dW"); the
   * student's gradient must agree within gradTol (relative error, src/gradcheck.ts)
   */
  numeric?: () => Record<string, Tensor>;
}

export interface CheckSpec {
  /** the task's title ("dense layer forward") */
  title: string;
  /** the student function's name in the notebook ("denseForward") */
  name: string;
  cases: VisibleCase[];
  /** largest relative error against a numerical gradient; default 1e-6 */
  gradTol?: number;
  /** a hint for a mismatch, by task (the generic ones cover throws, shapes and NaN) */
  hint?: string;
}

/** What a check found; prints as its one verdict line. */
export class CheckResult extends PrintedVerdict {
  constructor(
    readonly title: string,
    readonly ok: boolean,
    readonly passed: number,
    readonly total: number,
    /** the verdict line */
    readonly message: string,
    /** further lines printed under the verdict (mismatch, hint, gradient errors) */
    readonly details: readonly string[],
  ) {
    super();
    const fn = "CheckResult";
    checkString(fn, "title", title);
    if (typeof ok !== "boolean") throw new InputError(fn, "ok", "true or false", describe(ok));
    checkCount(fn, "total", total, 0, MAX_LIST_LENGTH);
    checkCount(fn, "passed", passed, 0, total);
    checkString(fn, "message", message);
    checkArray(fn, "details", details, "an array of strings");
    details.forEach((d, i) => checkString(fn, `details[${i}]`, d));
  }
}

/**
 * A deep copy of arguments, so that a function that writes into its inputs cannot spoil the next
 * call. Tensors, arrays and plain objects are copied (8 levels deep; below that, and for a
 * cycle, the value itself is passed).
 */
function copyArgs(args: readonly unknown[]): unknown[] {
  const copy = (v: unknown, depth: number): unknown => {
    if (v instanceof Tensor) return v.clone();
    if (depth > 8) return v;
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1));
    if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, depth + 1)]));
    }
    return v;
  };
  return args.map((a) => copy(a, 0));
}

/** A spec as runCheck needs it, else an InputError naming the field (the author's mistake, not the student's). */
function checkSpec(spec: unknown): CheckSpec {
  const fn = "runCheck";
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new InputError(fn, "spec", "a check spec { title, name, cases }", describe(spec));
  }
  const s = spec as Record<string, unknown>;
  if (typeof s.title !== "string" || s.title === "") throw new InputError(fn, "spec.title", "a non-empty string", describe(s.title));
  if (typeof s.name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(s.name)) throw new InputError(fn, "spec.name", "the student function's name", describe(s.name));
  checkArray(fn, "spec.cases", s.cases, "an array of cases");
  if (s.cases.length === 0) throw new InputError(fn, "spec.cases", "at least one case", "an empty array");
  if (s.gradTol !== undefined && !(typeof s.gradTol === "number" && s.gradTol > 0 && Number.isFinite(s.gradTol))) {
    throw new InputError(fn, "spec.gradTol", "a finite number > 0", describe(s.gradTol));
  }
  if (s.hint !== undefined) checkString(fn, "spec.hint", s.hint);
  const hasReference = referenceFor(s.name) !== null;
  s.cases.forEach((c: unknown, k) => {
    const at = `spec.cases[${k}]`;
    if (typeof c !== "object" || c === null || Array.isArray(c)) throw new InputError(fn, at, "a case { name, args }", describe(c));
    const v = c as Record<string, unknown>;
    checkString(fn, `${at}.name`, v.name);
    checkArray(fn, `${at}.args`, v.args, "an array of arguments");
    if (v.compare !== undefined && !COMPARE_MODES.includes(v.compare as CompareMode)) {
      throw new InputError(fn, `${at}.compare`, `one of ${COMPARE_MODES.join(", ")}`, describe(v.compare));
    }
    if ((v.compare === "atLeast" || v.compare === "atMost") && !(typeof v.expect === "number" && !Number.isNaN(v.expect))) {
      throw new InputError(fn, `${at}.expect`, `a number for ${v.compare}`, describe(v.expect));
    }
    if (v.tol !== undefined && !(typeof v.tol === "number" && v.tol > 0 && Number.isFinite(v.tol))) {
      throw new InputError(fn, `${at}.tol`, "a finite number > 0", describe(v.tol));
    }
    if (v.path !== undefined) checkString(fn, `${at}.path`, v.path, "a dotted path");
    if (v.numeric !== undefined && typeof v.numeric !== "function") throw new InputError(fn, `${at}.numeric`, "a function", describe(v.numeric));
    if (v.expect === undefined && !hasReference) {
      throw new InputError(fn, `${at}.expect`, `an expected value (there is no reference answer for ${s.name})`, "undefined");
    }
  });
  return spec as CheckSpec;
}

/** The reference answer on a case's arguments; a throw is the spec's fault (arguments the reference refuses). */
function referenceAnswer(spec: CheckSpec, k: number): unknown {
  try {
    return referenceFor(spec.name)!(...copyArgs(spec.cases[k].args));
  } catch (e) {
    throw new InputError("runCheck", `spec.cases[${k}].args`, `arguments ${spec.name}'s reference answer accepts`, e instanceof Error ? e.message : describe(e));
  }
}

/** The numerical gradients of a case, checked: an object of Tensors (the spec's part, so an InputError if not). */
function numericOf(c: VisibleCase, k: number): [string, Tensor][] {
  let grads: unknown;
  try {
    grads = c.numeric!();
  } catch (e) {
    throw new InputError("runCheck", `spec.cases[${k}].numeric`, "a function returning numerical gradients", `a throw: ${e instanceof Error ? e.message : describe(e)}`);
  }
  const entries = typeof grads === "object" && grads !== null && !Array.isArray(grads) ? Object.entries(grads) : null;
  if (entries === null || !entries.every(([, t]) => t instanceof Tensor)) {
    throw new InputError("runCheck", `spec.cases[${k}].numeric`, "a function returning { key: Tensor }", describe(grads));
  }
  return entries as [string, Tensor][];
}

function errorHint(name: string, title: string, e: unknown): string[] {
  const msg = e instanceof Error ? e.message : String(e);
  if (/not implemented yet/.test(msg)) {
    return [`${name} is not implemented yet: replace the \`throw\` in its cell with your code for "${title}", run that cell, then this one.`];
  }
  const kind = e instanceof Error ? e.name : typeof e;
  const lines = [`${name} threw ${kind}: ${msg}`];
  if (e instanceof InputError) lines.push("hint: a library function refused its input; compare the shapes you pass with the ones in the task's description.");
  else if (/undefined|null/.test(msg)) lines.push("hint: something you read is undefined: a misspelt name, a missing `return` in a helper, or an index past the end.");
  else lines.push("hint: read the message above; run your function on the first case in a cell of its own to see where it fails.");
  return lines;
}

function mismatchHint(got: unknown, message: string, spec: CheckSpec): string {
  if (got === undefined || got === null) return `hint: ${spec.name} returned nothing: is the \`return\` missing?`;
  if (/not a number|NaN/.test(message)) return "hint: NaN comes from 0/0, ∞ − ∞, log of 0 or a negative number, or exp overflowing; check divisions and exponentials.";
  if (/shape/.test(message)) return "hint: the shape is off: check the order of a matrix product (x·W, not W·x), a missing transpose, or a sum over the wrong axis.";
  return `hint: ${spec.hint ?? "the first wrong element is above; compute it by hand on the case's numbers and compare."}`;
}

/** Run a check: every visible case, stop at the first failure, print the verdict, return it. */
export function runCheck(spec: CheckSpec, fn: unknown): CheckResult {
  checkSpec(spec);
  const details: string[] = [];
  let result: CheckResult;
  if (typeof fn !== "function") {
    const msg = `FAIL ${spec.title}: ${spec.name} is ${describe(fn)}, not a function`;
    details.push(`hint: pass the function itself: check${spec.name[0].toUpperCase()}${spec.name.slice(1)}(${spec.name}).`);
    result = new CheckResult(spec.title, false, 0, spec.cases.length, msg, details);
  } else {
    result = runCases(spec, fn as (...a: unknown[]) => unknown);
  }
  console.log([result.message, ...result.details.map((d) => `     ${d}`)].join("\n"));
  return result;
}

function runCases(spec: CheckSpec, fn: (...a: unknown[]) => unknown): CheckResult {
  const { title, name, cases } = spec;
  const gradTol = spec.gradTol ?? 1e-6;
  const notes: string[] = [];
  let worstGrad = -1;
  let lastMessage = "";
  for (let k = 0; k < cases.length; k++) {
    const c = cases[k];
    const fail = (lines: string[], first: string) => new CheckResult(title, false, k, cases.length, `FAIL ${title}: case "${c.name}": ${first}`, lines);
    const label = c.path ?? "result";
    // the reference first: arguments it refuses are the spec's fault, raised before the student's function runs
    const expected = c.expect === undefined ? atPath(encodeValue(referenceAnswer(spec, k)), c.path) : encodeValue(c.expect);
    let got: unknown;
    try {
      got = fn(...copyArgs(c.args));
    } catch (e) {
      const [first, ...rest] = errorHint(name, title, e);
      return fail(rest, first);
    }
    let mine: unknown;
    try {
      mine = atPath(encodeValue(got), c.path); // a student's object may have getters that throw
    } catch (e) {
      return fail(["hint: return plain values: Tensors, numbers, arrays or objects of them."], `${name}'s result cannot be read: ${e instanceof Error ? e.message : describe(e)}`);
    }
    const cmp = compareValues(expected, mine, { compare: c.compare, tol: c.tol, label });
    if (!cmp.ok) return fail([mismatchHint(got === undefined ? undefined : mine, cmp.message, spec)], cmp.message);
    lastMessage = cmp.message;
    if (c.numeric !== undefined) {
      for (const [key, numeric] of numericOf(c, k)) {
        const grad = key === "" ? got : typeof got === "object" && got !== null ? (got as Record<string, unknown>)[key] : undefined;
        if (!(grad instanceof Tensor)) return fail([], `${key || "result"}: expected a Tensor, got ${describe(grad)}`);
        if (fmtShape(grad.shape) !== fmtShape(numeric.shape)) return fail([], `${key || "result"}: expected shape ${fmtShape(numeric.shape)}, got shape ${fmtShape(grad.shape)}`);
        const err = relativeError(grad, numeric);
        const line = `${key || "gradient"} ${fmtShape(grad.shape)} vs numerical gradient: relative error ${err.toExponential(1)}`;
        if (!(err < gradTol)) return fail(["hint: the analytic gradient disagrees with centered differences; check each factor of the chain rule."], `${line} (needs < ${gradTol})`);
        if (k === 0) notes.push(line); // the first case's gradients as evidence; the headline has the worst
        worstGrad = Math.max(worstGrad, err);
      }
    }
  }
  const answers = cases.some((c) => c.expect === undefined) ? " match the library's answers" : " pass";
  const grads = worstGrad >= 0 ? `; gradients agree with a numerical gradient (largest relative error ${worstGrad.toExponential(1)})` : "";
  const only = cases.length === 1 && cases[0].expect !== undefined ? ` (${lastMessage})` : "";
  return new CheckResult(title, true, cases.length, cases.length, `PASS ${title}: ${cases.length} of ${cases.length} cases${answers}${grads}${only}`, notes);
}
