/**
 * Every lesson, notebooks/NN-*.ipynb, executes through the real kernel (nbclient + the dl-lessons
 * tslab kernelspec) without error. The 900 s limit is a hang guard, not a speed target (speed is
 * in `npm run bench`). One test per lesson, named by file, two kernels at a time. The executed copies stay in build/executed/ for tests/site/site.test.ts.
 *
 * While notebooks/ holds no lesson yet, the fixture notebooks of tests/notebooks/fixtures/ stand
 * in (their copies go to build/executed-fixtures/); once any lesson exists, notebooks/ must hold
 * exactly the twelve chapters 01…12.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { installKernel, installNotebookImports } from "../../kernel-helpers/tools/kernel";
import { buildDist } from "../../kernel-helpers/tools/lessons";
import { EXECUTED_DIR, PROJECT_ROOT, executeNotebook, listLessons } from "../../kernel-helpers/tools/run";

const LESSONS = listLessons();
const FIXTURES = path.join(__dirname, "fixtures");
const fixtureMode = LESSONS.length === 0;
const notebooks = fixtureMode ? listLessons(FIXTURES) : LESSONS;
const outDir = fixtureMode ? path.join(PROJECT_ROOT, "build", "executed-fixtures") : EXECUTED_DIR;
const LIMIT_SEC = 900; // hang guard only: on 2 cores beside other kernels a lesson can take minutes

type Nb = { cells: { cell_type: string; outputs?: { output_type: string }[]; execution_count?: number | null }[]; metadata: { kernelspec?: { name?: string } } };
const read = (p: string): Nb => JSON.parse(fs.readFileSync(p, "utf8")) as Nb;

before(() => {
  // The lessons import the compiled library (dist/) through the notebook import shim.
  if (!fixtureMode) buildDist();
  installKernel();
  installNotebookImports();
});

if (!fixtureMode) {
  test("notebooks/ holds exactly the twelve chapter lessons 01…12", () => {
    const numbers = LESSONS.map((p) => path.basename(p).slice(0, 2));
    assert.deepEqual(numbers, Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, "0")));
    assert.equal(path.basename(LESSONS[0]), "01-what-is-deep-learning.ipynb");
    assert.equal(path.basename(LESSONS[11]), "12-regularization.ipynb");
  });
}

describe(fixtureMode ? "fixture notebooks (no lesson in notebooks/ yet)" : "lessons", { concurrency: 2 }, () => {
  for (const nb of notebooks) {
    const name = path.relative(PROJECT_ROOT, nb);
    test(`${name} executes through the kernel without error within ${LIMIT_SEC} s`, async () => {
      const source = read(nb);
      assert.equal(source.metadata.kernelspec?.name, "dl-lessons", "the notebook asks for the dl-lessons kernel");
      const withOutputs = source.cells.findIndex((c) => c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null));
      assert.equal(withOutputs, -1, `lessons are committed without outputs (cell ${withOutputs + 1} has some)`);
      const run = await executeNotebook(nb, { timeoutSec: LIMIT_SEC, outPath: path.join(outDir, path.basename(nb)) });
      const executed = read(run.outPath);
      const codeCells = executed.cells.filter((c) => c.cell_type === "code");
      assert.equal(run.cells.length, codeCells.filter((c) => c.execution_count != null).length);
      assert.ok(codeCells.every((c) => (c.outputs ?? []).every((o) => o.output_type !== "error")), "no error output");
    });
  }
});
