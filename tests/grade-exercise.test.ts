import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";
import { checkAnswer, mustPass, runCheck } from "../kernel-helpers/grade";
import { quiet } from "./quiet";


test("checkAnswer: a right value passes, a wrong one fails with the mismatch, both print one verdict", () => {
  const right = quiet(() => checkAnswer("sum", 3, 1 + 2));
  assert.equal(right.result.ok, true);
  assert.match(right.printed, /^PASS sum: 1 of 1 cases pass/);
  const wrong = quiet(() => checkAnswer("sum", 4, 3));
  assert.equal(wrong.result.ok, false);
  assert.match(wrong.printed, /^FAIL sum: case "the answer": .*expected 3, got 4/);
});

test("checkAnswer: tensors and arrays compare element by element within tol; \"equal\" is exact", () => {
  const t = Tensor.from([[1, 2], [3, 4]]);
  assert.equal(quiet(() => checkAnswer("t", t.add(1e-9), t)).result.ok, true);
  assert.equal(quiet(() => checkAnswer("t", t.add(1e-3), t)).result.ok, false);
  assert.equal(quiet(() => checkAnswer("t", t.add(1e-3), t, { tol: 1e-2 })).result.ok, true);
  assert.equal(quiet(() => checkAnswer("n", 0.30000000000000004, 0.3, { compare: "equal" })).result.ok, false);
  assert.equal(quiet(() => checkAnswer("arr", [1, 2, 3], [1, 2])).result.ok, false);
});

test("checkAnswer: a function is called; a stub that throws \"not implemented yet\" gets the plain hint, never a throw", () => {
  assert.equal(quiet(() => checkAnswer("f", () => 6, 6)).result.ok, true);
  const stub = quiet(() => checkAnswer("count", () => {
    throw new Error("not implemented yet: count");
  }, 6));
  assert.equal(stub.result.ok, false);
  assert.match(stub.printed, /not implemented yet/);
  const missing = quiet(() => checkAnswer("count", undefined, 6, { hint: "count the weights" }));
  assert.equal(missing.result.ok, false);
});

test("checkAnswer rejects a missing title or expected value with an InputError", () => {
  assert.throws(() => checkAnswer("", 1, 1), (e: unknown) => e instanceof InputError && /checkAnswer/.test(e.message) && /title/.test(e.message));
  assert.throws(() => checkAnswer("x", 1, undefined), (e: unknown) => e instanceof InputError && /expected/.test(e.message));
});

test("mustPass returns a passing result and throws on a failing one or on a non-result", () => {
  const ok = quiet(() => checkAnswer("a", 1, 1)).result;
  assert.equal(mustPass(ok), ok);
  const bad = quiet(() => runCheck({ title: "double", name: "double", cases: [{ name: "2", args: [2], expect: 4 }] }, (x: number) => x)).result;
  assert.throws(() => mustPass(bad), /does not pass its own check: FAIL double/);
  assert.throws(() => mustPass({} as never), InputError);
});
