/**
 * The engine of the instant checks: run a student's function on visible cases, compare with the
 * library's answer (and, for backward functions, with a numerical gradient), print one verdict
 * line plus what to look at, and return a CheckResult that prints as that one line.
 *
 *   PASS dense layer forward: 3 of 3 cases (out [2, 3] …)
 *   FAIL dense layer forward: case "2×3 batch": result[1, 2]: expected 0.25, got 0.5
 *        hint: …
 *
 * A check never throws for the student's mistakes (a failing check is feedback, not a crash);
 * it throws an InputError only when called wrongly (not a function).
 */
import { InputError, describe, fmtShape } from "../../src/errors";
import { relativeError } from "../../src/gradcheck";
import { Tensor } from "../../src/tensor";
import { PrintedVerdict } from "../check";
import { atPath, compareValues, encodeValue, type CompareMode } from "./cases";
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
  }
}

/** A deep copy of arguments, so that a function that writes into its inputs cannot spoil the next call. */
export function copyArgs(args: readonly unknown[]): unknown[] {
  const copy = (v: unknown): unknown => {
    if (v instanceof Tensor) return v.clone();
    if (Array.isArray(v)) return v.map(copy);
    if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    }
    return v;
  };
  return args.map(copy);
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
    let got: unknown;
    try {
      got = fn(...copyArgs(c.args));
    } catch (e) {
      const [first, ...rest] = errorHint(name, title, e);
      return fail(rest, first);
    }
    let expected = c.expect;
    if (expected === undefined) {
      const ref = referenceFor(name);
      if (ref === null) throw new InputError("runCheck", "spec", `an expected value or a reference for ${name}`, "neither");
      expected = ref(...copyArgs(c.args));
    }
    const label = c.path ?? "result";
    const cmp = compareValues(encodeValue(c.expect === undefined ? atPath(expected, c.path) : expected), encodeValue(atPath(got, c.path)), { compare: c.compare, tol: c.tol, label });
    if (!cmp.ok) return fail([mismatchHint(atPath(got, c.path), cmp.message, spec)], cmp.message);
    lastMessage = cmp.message;
    if (c.numeric !== undefined) {
      for (const [key, numeric] of Object.entries(c.numeric())) {
        const mine = key === "" ? got : (got as Record<string, unknown>)[key];
        if (!(mine instanceof Tensor)) return fail([], `${key || "result"}: expected a Tensor, got ${describe(mine)}`);
        const err = relativeError(mine, numeric);
        const line = `${key || "gradient"} ${fmtShape(mine.shape)} vs numerical gradient: relative error ${err.toExponential(1)}`;
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
