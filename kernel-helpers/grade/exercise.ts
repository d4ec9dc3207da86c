/**
 * Two small helpers for the lessons' "Try it" cells, on top of runCheck:
 *
 *   checkAnswer("outputs of the 4-hidden-layer network", () => myAnswer, expected);
 *     // PASS … or FAIL … with the first mismatch; a stub that throws "not implemented yet" gets a plain hint
 *   mustPass(checkSomething(solution));   // in a solution cell: throws when the worked solution fails
 */
import { InputError, describe } from "../../src/errors";
import type { CompareMode } from "./cases";
import { runCheck, type CheckResult } from "./check";

export interface AnswerOptions {
  /** "close" (default, within tol · max(1, |expected|)), "equal", "atLeast", "atMost" */
  compare?: CompareMode;
  /** for "close"; default 1e-6 */
  tol?: number;
  /** printed under a mismatch */
  hint?: string;
}

/**
 * Check an answer that is a value rather than a function: `got` is the value, or a function of no
 * arguments that returns it (so that a stub throwing "not implemented yet" gets the plain hint).
 * `expected` is computed by the library in the check cell. Prints the verdict, returns it.
 */
export function checkAnswer(title: string, got: unknown, expected: unknown, opts: AnswerOptions = {}): CheckResult {
  if (typeof title !== "string" || !title.trim()) throw new InputError("checkAnswer", "title", "a non-empty string", describe(title));
  if (expected === undefined) throw new InputError("checkAnswer", "expected", "the library's value", "undefined");
  const answer = typeof got === "function" ? (got as () => unknown) : () => got;
  return runCheck({
    title, name: "answer",
    cases: [{ name: "the answer", args: [], expect: expected, compare: opts.compare, tol: opts.tol }],
    hint: opts.hint,
  }, answer);
}

/** For a solution cell: the check's result when it passed; otherwise an Error, so the lesson run fails. */
export function mustPass(result: CheckResult): CheckResult {
  if (!result || typeof result !== "object" || typeof (result as CheckResult).ok !== "boolean") {
    throw new InputError("mustPass", "result", "a CheckResult (what a check returns)", describe(result));
  }
  if (!result.ok) throw new Error(`the worked solution does not pass its own check: ${result.message}`);
  return result;
}
