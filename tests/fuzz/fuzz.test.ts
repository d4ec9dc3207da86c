/**
 * The fuzz suite (issue 9): every public function and class method of "dl-lessons",
 * "dl-lessons/kernel" (and "dl-lessons/grade" when present), enumerated from the export lists by
 * tests/fuzz/targets.ts, called with wrong types, null/undefined, NaN/±Infinity, empty arrays,
 * negative/fractional/huge sizes and wrong ranks (tests/fuzz/values.ts). Verdicts:
 *
 *   clear      an InputError or another exported library error (or the user's own callback error)
 *   ok         a return value with finite numbers only
 *   raw        any other throw (TypeError, RangeError, …)                         must be 0
 *   hang       no answer within FUZZ_CALL_MS (the child is killed)                 must be 0
 *   abort      the child process died during the call (out of memory, a crash)    must be 0
 *   nonfinite  NaN/±Infinity in a result (plain Tensor arithmetic exempt:         must be 0
 *              see tests/fuzz/verdicts.ts)
 *
 * The calls run in child processes under a memory cap (prlimit --data=3GB, V8 heap 1.5 GB), a
 * fresh child every FUZZ_CHILD_CALLS calls; writes outside a temporary folder are refused (each
 * child first proves it: installKernel() and uninstallKernel() must not touch the real project).
 * Environment: FUZZ_RUNS (calls per target, default 24), FUZZ_SEED (default 1), FUZZ_CALL_MS
 * (default 10000), FUZZ_ONLY (substring of target keys), FUZZ_REPORT (write the findings as JSON).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { fuzz, summary } from "./run";

test("fuzz: every public export answers bad input with a clear error or a finite result", { timeout: 30 * 60_000 }, async (t) => {
  const run = await fuzz();
  const text = summary(run);
  console.log(text);
  t.diagnostic(text.split("\n")[0]);
  if (process.env.FUZZ_REPORT) fs.writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ counts: run.counts, findings: run.findings }, null, 1));
  assert.ok(run.targets.length >= 200, `expected the export lists to give at least 200 targets, got ${run.targets.length}`);
  const bad = run.counts.raw + run.counts.hang + run.counts.abort + run.counts.nonfinite + run.counts.harness;
  assert.equal(bad, 0, `the fuzz found ${bad} problems:\n${text}`);
});
