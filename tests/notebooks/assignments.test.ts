/**
 * Every assignment through the real kernel (nbclient + tslab): the generated student notebook runs
 * with its stubs (every check reports "not implemented yet", only the stubs' errors are raised,
 * the run goes to the end) and the solution notebook runs with every check printing PASS.
 * Heavy: run through /work/scratch/heavy.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { installKernel } from "../../kernel-helpers/tools/kernel";
import { listAssignments, readNotebook, studentPath, tasksOf } from "../../kernel-helpers/tools/assignments";
import { executeNotebook, PROJECT_ROOT } from "../../kernel-helpers/tools/run";

const SOLUTIONS = listAssignments();

before(() => {
  installKernel();
});

for (const sol of SOLUTIONS) {
  const name = path.basename(sol, ".ipynb");
  const testCellOutputs = (executed: string) => {
    const nb = readNotebook(executed);
    return nb.cells
      .filter((c) => c.metadata.dl_lessons?.test !== undefined)
      .map((c) => ({ id: c.metadata.dl_lessons!.test!, text: outputText(c) }));
  };

  test(`${name} (kernel): the student notebook runs with its stubs; every check says "not implemented yet"`, { timeout: 300_000 }, async () => {
    const outPath = path.join(PROJECT_ROOT, "build", "executed", "assignments", `${name}-student.ipynb`);
    const run = await executeNotebook(studentPath(sol), { allowErrors: true, outPath, timeoutSec: 240, cellTimeoutSec: 120 });
    for (const { id, text } of testCellOutputs(outPath)) {
      assert.match(text, /^FAIL .*not implemented yet/m, `check of ${id} reports the stub`);
    }
    // only cells that call a student's function outside a check may throw, and only the stub's error
    for (const e of run.errors) assert.match(e.evalue, /not implemented yet/, `cell ${e.cell}: ${e.ename}: ${e.evalue}`);
  });

  test(`${name} (kernel): the solution notebook runs and every check prints PASS`, { timeout: 300_000 }, async () => {
    const outPath = path.join(PROJECT_ROOT, "build", "executed", "assignments", `${name}.ipynb`);
    await executeNotebook(sol, { outPath, timeoutSec: 240, cellTimeoutSec: 120 });
    const outputs = testCellOutputs(outPath);
    assert.equal(outputs.length, tasksOf(readNotebook(sol), name).length);
    for (const { id, text } of outputs) {
      assert.match(text, /^PASS /m, `check of ${id} passes`);
      assert.doesNotMatch(text, /^FAIL /m, `check of ${id}`);
    }
  });
}

function outputText(c: { outputs?: unknown[] }): string {
  return (c.outputs ?? []).map((o) => {
    const out = o as { text?: string | string[]; data?: Record<string, string | string[]> };
    const t = out.text ?? out.data?.["text/plain"] ?? "";
    return Array.isArray(t) ? t.join("") : t;
  }).join("");
}
