/**
 * The assignments: student notebooks generated from the solution notebooks leak nothing and
 * carry valid nbgrader metadata; every solution passes its hidden cases. (Their runs through the
 * kernel: tests/notebooks/assignments.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  listAssignments, readNotebook, studentNotebook, studentPath, tasksOf, secretLines, leakedLines, sourceOf, generateAll,
  type Notebook,
} from "../kernel-helpers/tools/assignments";
import { PROJECT_ROOT } from "../kernel-helpers/tools/run";

const SOLUTIONS = listAssignments();

test("five assignments, A1 to A5, each a solution notebook with its generated student notebook", () => {
  assert.deepEqual(SOLUTIONS.map((s) => path.basename(s).slice(0, 2)), ["A1", "A2", "A3", "A4", "A5"].slice(0, SOLUTIONS.length));
  assert.ok(SOLUTIONS.length >= 1);
  assert.deepEqual(generateAll({ check: true }), [], "student notebooks are up to date (npm run assignments)");
});

for (const sol of SOLUTIONS) {
  const name = path.basename(sol, ".ipynb");
  const solution = readNotebook(sol);
  const student = readNotebook(studentPath(sol));

  test(`${name}: no solution or hidden-test line of the solution appears in the student notebook`, () => {
    const secrets = secretLines(solution);
    assert.ok(secrets.length > 10, "the solution has secrets to hide");
    assert.deepEqual(leakedLines(solution, student), []);
    const text = JSON.stringify(student);
    assert.ok(!text.includes("BEGIN SOLUTION") && !text.includes("HIDDEN TESTS") && !text.includes("// hidden:"));
  });

  test(`${name}: the leak detector notices a solution line copied into a student cell`, () => {
    const tampered = JSON.parse(JSON.stringify(student)) as Notebook;
    const secret = secretLines(solution).find((l) => l.length > 20 && !l.startsWith("// hidden:"))!;
    tampered.cells[0].source = [`${secret}\n`];
    assert.deepEqual(leakedLines(solution, tampered), [secret]);
  });

  test(`${name}: every task cell is a stub with nbgrader solution metadata, every test cell graded and locked`, () => {
    const tasks = tasksOf(solution, name);
    assert.ok(tasks.length >= 3, "at least three tasks");
    const ids = new Set<string>();
    for (const c of student.cells) {
      const nbg = c.metadata.nbgrader;
      if (nbg === undefined) continue;
      assert.equal(nbg.schema_version, 3);
      assert.ok(!ids.has(nbg.grade_id), `grade_id ${nbg.grade_id} unique`);
      ids.add(nbg.grade_id);
      for (const k of ["grade", "solution", "locked"] as const) assert.equal(typeof nbg[k], "boolean");
      if (c.cell_type === "code") assert.deepEqual(c.outputs, []);
    }
    for (const t of tasks) {
      const cell = student.cells.find((c) => c.metadata.dl_lessons?.task === t.id)!;
      assert.deepEqual(cell.metadata.nbgrader, { grade: false, grade_id: t.id, locked: false, points: 0, solution: true, schema_version: 3 });
      assert.ok(sourceOf(cell).includes(`throw new Error("not implemented yet: ${t.title}");`), `${t.id} has its stub`);
      const testCell = student.cells.find((c) => c.metadata.dl_lessons?.test === t.id)!;
      assert.deepEqual(testCell.metadata.nbgrader, { grade: true, grade_id: `${t.id}-tests`, locked: true, points: t.points, solution: false, schema_version: 3 });
    }
    assert.equal(JSON.stringify(studentNotebook(solution, name)), JSON.stringify(student), "generation is deterministic");
  });

  test(`${name}: the solution passes every hidden case`, { timeout: 240_000 }, async () => {
    const fns = await loadTaskFunctions(solution, name);
    // the notebook's module imports the built library through the "dl-lessons" shim: decode the
    // cases with that same library (one Tensor class), not with src/ loaded by tsx
    const { runCase } = (await import("dl-lessons/grade")) as typeof import("../kernel-helpers/grade");
    const tasks = tasksOf(solution, name);
    const failures: string[] = [];
    let n = 0;
    for (const t of tasks) {
      for (const c of t.hidden) {
        n++;
        const r = await runCase(c, fns);
        if (!r.ok) failures.push(`${t.id} / ${r.name}: ${r.message}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(n >= tasks.length);
  });
}

/**
 * The functions of a notebook's task cells, as a module: setup cells, then task cells, then an
 * export list (written under build/ so that "dl-lessons" resolves to the project's shim).
 */
async function loadTaskFunctions(nb: Notebook, name: string): Promise<Record<string, unknown>> {
  const tasks = tasksOf(nb, name);
  const names = [...new Set(tasks.flatMap((t) => t.functions))];
  const code = nb.cells
    .filter((c) => c.metadata.dl_lessons?.setup === true || c.metadata.dl_lessons?.task !== undefined)
    .map(sourceOf)
    .join("\n\n");
  const dir = path.join(PROJECT_ROOT, "build", "assignment-modules");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.ts`);
  fs.writeFileSync(file, `${code}\n\nexport { ${names.join(", ")} };\n`);
  try {
    return (await import(file)) as Record<string, unknown>;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
