/**
 * Helpers for the chart tests: compile a spec with vega-lite collecting its warnings, and read the
 * inline data back out of a spec (top level and every layer / concat panel).
 */
import assert from "node:assert/strict";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { InputError } from "../../src/errors";

/** Compile with vega-lite; the warnings it logs, and the Vega spec. */
export function compileWarnings(spec: unknown): { warnings: string[]; vega: unknown } {
  const warnings: string[] = [];
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    error(...args: unknown[]) {
      throw new Error(args.map(String).join(" "));
    },
    info: () => logger,
    debug: () => logger,
  };
  const out = compile(spec as TopLevelSpec, { logger: logger as never });
  return { warnings, vega: out.spec };
}

/** A v5 spec that compiles with no warning. */
export function assertCleanSpec(spec: unknown): void {
  const s = spec as { $schema?: string; title?: unknown };
  assert.equal(s.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.ok(s.title, "the spec has a title");
  const { warnings } = compileWarnings(spec);
  assert.deepEqual(warnings, []);
}

/** Every inline `data.values` array in the spec, in document order. */
export function inlineData(spec: unknown): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  const walk = (s: unknown) => {
    if (s === null || typeof s !== "object") return;
    const o = s as Record<string, unknown>;
    const data = o.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) out.push(data.values as Record<string, unknown>[]);
    for (const k of ["layer", "hconcat", "vconcat", "concat"]) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach(walk);
    if (o.spec) walk(o.spec);
  };
  walk(spec);
  return out;
}

/** The call throws an InputError of `fn` about argument `arg` (and its message names both). */
export function assertInputError(call: () => unknown, fn: string, arg: string | RegExp, message?: RegExp): void {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.fn, fn);
    if (typeof arg === "string") assert.equal(e.arg, arg);
    else assert.match(e.arg, arg);
    assert.ok(e.message.startsWith(`${fn}: argument '${e.arg}'`), e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}
