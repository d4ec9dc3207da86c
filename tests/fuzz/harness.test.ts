/**
 * The fuzz suite can fail: run on a deliberately broken entry point (fixtures/bad-entry.ts) it
 * reports each kind of problem, attributed to the export that caused it. And the enumeration
 * finds the library's exports the way fuzz.test.ts relies on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { enumerate } from "./targets";
import { firstNonFinite } from "./verdicts";
import { fuzz } from "./run";
import { Tensor, InputError } from "../../src";

test("enumeration: functions, constructors, static and instance methods; no type-only exports; constants apart", () => {
  const e = enumerate();
  const keys = new Set(e.targets.map((t) => t.key));
  for (const k of ["dl-lessons:lineChart", "dl-lessons:Tensor.new", "dl-lessons:Tensor.zeros", "dl-lessons:Tensor#transpose", "dl-lessons:Network#forward", "dl-lessons/kernel:show"]) {
    assert.ok(keys.has(k), `missing ${k}`);
  }
  assert.ok(![...keys].some((k) => k.includes("TraceTextOptions") || k.includes("captureStackTrace")), "type-only exports or lib members listed");
  assert.ok(e.constants.includes("dl-lessons:TRACE_KINDS"));
  assert.ok(e.errorClasses.some((c) => c.name === "InputError"));
  const chart = e.targets.find((t) => t.key === "dl-lessons:lineChart")!;
  assert.ok(chart.params[1].props?.includes("title"), "options properties read from the type");
});

test("the non-finite rule: NaN deep in a result is found; error objects and the caller's own objects are not results", () => {
  const t = Tensor.zeros([2, 2]);
  t.data[3] = NaN;
  assert.equal(firstNonFinite({ a: [1, { out: t }] }), "NaN at result.a[1].out.data[3]");
  assert.equal(firstNonFinite({ b: -Infinity }), "-Infinity at result.b");
  assert.equal(firstNonFinite(new InputError("f", "x", "e", "g")), null);
  const mine = [NaN];
  assert.equal(firstNonFinite([mine], "result", 0, new Set([mine])), null);
});

test("a broken entry point: the fuzz reports a raw error, a hang, an abort, a never-settling promise and a NaN", { timeout: 120_000 }, async () => {
  const run = await fuzz({ entries: { bad: "tests/fuzz/fixtures/bad-entry.ts" }, runs: 2, seed: 1, callMs: 1500, childCalls: 400 });
  const by = (target: string, verdict: string) => run.findings.filter((f) => f.target === `bad:${target}` && f.verdict === verdict).length;
  assert.equal(run.targets.length, 6);
  assert.ok(by("raw", "raw") >= 1, "raw TypeError not reported");
  assert.equal(by("hangs", "hang"), 2, "each hanging call is one hang");
  assert.equal(by("aborts", "abort"), 2, "each aborting call is one abort");
  assert.equal(by("neverSettles", "hang"), 2);
  assert.equal(by("nan", "nonfinite"), 2);
  assert.equal(run.counts.clear >= 2, true, "refuses() gives clear errors");
  assert.equal(run.counts.harness, 0);
});
