/**
 * The course's own assignments through the autograder, end to end (sandboxed kernel run, sandboxed
 * calls, judging here): every solution notebook in notebooks/assignments/ scores full marks, and a
 * generated student notebook (stubs only) scores 0 with "not implemented yet" for every task.
 * Heavy: run it through /work/scratch/heavy.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installKernel, projectRoot } from "../../kernel-helpers/tools/kernel";
import { gradeFolder, type GradeFolderResult } from "../../kernel-helpers/tools/grade/index";

const ROOT = projectRoot();
const ASSIGNMENTS = path.join(ROOT, "notebooks", "assignments");
const names = fs.existsSync(ASSIGNMENTS)
  ? fs.readdirSync(ASSIGNMENTS).filter((d) => fs.existsSync(path.join(ASSIGNMENTS, d, `${d}.ipynb`))).sort()
  : [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-grade-assignments-"));
let run: GradeFolderResult;

before(async () => {
  installKernel();
  assert.equal(spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" }).status, 0, "npm run build");
  // a class: one "solution" student per assignment, one "stub" student with the first student notebook
  for (const n of names) {
    fs.mkdirSync(path.join(tmp, "in", `solution-${n}`), { recursive: true });
    fs.copyFileSync(path.join(ASSIGNMENTS, n, `${n}.ipynb`), path.join(tmp, "in", `solution-${n}`, `${n}.ipynb`));
  }
  const first = names[0];
  fs.mkdirSync(path.join(tmp, "in", "stubs"), { recursive: true });
  fs.copyFileSync(path.join(ASSIGNMENTS, first, "student", `${first}.ipynb`), path.join(tmp, "in", "stubs", `${first}.ipynb`));
  run = await gradeFolder({ submissions: path.join(tmp, "in"), out: path.join(tmp, "out"), force: true });
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("there are assignments to grade", () => {
  assert.ok(names.length >= 1, `solution notebooks in ${ASSIGNMENTS}`);
});

test("every solution notebook scores full marks through the sandboxed grader", () => {
  for (const n of names) {
    const r = run.results.find((x) => x.student === `solution-${n}`);
    assert.ok(r, n);
    assert.ok(r.max > 0, `${n} has points`);
    assert.equal(r.score, r.max, `${n}: ${r.tests.filter((t) => t.reason).map((t) => `${t.task}: ${t.reason}`).join("; ")}`);
  }
});

test("a generated student notebook scores 0, each task 'not implemented yet'", () => {
  const r = run.results.find((x) => x.student === "stubs");
  assert.ok(r);
  assert.equal(r.score, 0);
  for (const t of r.tests) assert.match(t.reason, /not implemented yet/, t.task);
});
