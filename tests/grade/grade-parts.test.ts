/**
 * The autograder's parts that need no kernel: the sandbox's command line (what is mounted, what is
 * not), the student module (task cells by grade_id, syntax and type errors left out per cell),
 * report escaping, file names and CSV. The whole grader on real submissions: grade.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../kernel-helpers/tools/kernel";
import { buildStudentModule, loadAssignment } from "../../kernel-helpers/tools/grade/assignment";
import { feedbackHtml, safeName, toCsv, classTable } from "../../kernel-helpers/tools/grade/report";
import { DEFAULT_LIMITS, sandboxArgv, userTasks } from "../../kernel-helpers/tools/grade/sandbox";
import type { SubmissionResult } from "../../kernel-helpers/tools/grade/submission";

const ROOT = projectRoot();
const FIXTURES = path.join(__dirname, "fixtures");
const ASSIGNMENT = path.join(FIXTURES, "assignment", "T1-fixture.ipynb");

describe("sandboxArgv", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dl-grade-parts-"));
  fs.writeFileSync(path.join(work, "submission.ipynb"), "{}");
  const argv = sandboxArgv(["/usr/bin/true"], { projectRoot: ROOT, workDir: work, limits: DEFAULT_LIMITS, slot: 1 });
  const binds = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
  fs.rmSync(work, { recursive: true });

  test("every namespace unshared, dies with the grader, clean environment", () => {
    for (const f of ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]) assert.ok(argv.includes(f), f);
    assert.ok(!argv.includes("--share-net"));
  });

  test("the project is an empty tmpfs with only node_modules, dist, .jupyter, package.json read-only", () => {
    assert.ok(binds("--tmpfs").includes(ROOT));
    const ro = binds("--ro-bind");
    for (const p of ["node_modules", "dist", ".jupyter", "package.json"]) assert.ok(ro.includes(path.join(ROOT, p)), p);
    for (const p of ro) {
      assert.ok(!p.startsWith(path.join(ROOT, "notebooks")) && !p.startsWith(path.join(ROOT, "tests")) && !p.startsWith(path.join(ROOT, "src")), `${p} is not mounted`);
    }
    assert.deepEqual(binds("--bind"), [], "nothing of the host is writable");
    assert.ok(ro.some((p) => p.endsWith("submission.ipynb")), "the input is bound read-only");
  });

  test("limits: CPU, data, processes, file size; an unprivileged uid when run as root", () => {
    const i = argv.indexOf("/usr/bin/prlimit");
    assert.ok(i > argv.indexOf("--"));
    for (const f of ["--cpu=", "--data=", "--nproc=", "--fsize="]) assert.ok(argv.some((a) => a.startsWith(f)), f);
    if (process.getuid?.() === 0) assert.ok(argv.includes("--reuid=61001"), argv.slice(0, 5).join(" "));
    else assert.notEqual(argv[0], "/usr/bin/setpriv");
  });

  test("userTasks counts this process's threads for its user (the allowance of a non-root teacher)", () => {
    assert.ok(userTasks(process.getuid?.() ?? 0) >= 1);
    assert.equal(userTasks(4_000_000_000), 0);
  });
});

describe("buildStudentModule", () => {
  const a = loadAssignment(ASSIGNMENT);
  const vf = path.join(ROOT, "work", "student.ts");

  test("the fixture assignment: three tasks, their points and hidden cases", () => {
    assert.deepEqual(a.tasks.map((t) => [t.id, t.points, t.calls, t.cases.length]), [["relu", 2, ["relu"], 2], ["dense", 4, ["denseForward"], 2], ["softmax", 4, ["softmax"], 2]]);
    assert.equal(a.setup.length, 1);
  });

  test("full marks: every function exported, nothing left out", () => {
    const m = buildStudentModule(a, path.join(FIXTURES, "submissions", "full-marks.ipynb"), vf);
    assert.deepEqual([...m.exported].sort(), ["denseForward", "relu", "softmax"]);
    assert.equal(m.excluded.size, 0);
    assert.match(m.js, /exports\.relu = relu/);
  });

  test("a syntax error and a type error leave out only their own cell, with the diagnostic", () => {
    const syn = buildStudentModule(a, path.join(FIXTURES, "submissions", "syntax-error.ipynb"), vf);
    assert.deepEqual([...syn.excluded.keys()], ["relu"]);
    assert.match(syn.excluded.get("relu") as string, /does not parse: 2:\d+ - '\)' expected/);
    const typ = buildStudentModule(a, path.join(FIXTURES, "submissions", "type-error.ipynb"), vf);
    assert.deepEqual([...typ.excluded.keys()], ["dense"]);
    assert.deepEqual([...typ.exported].sort(), ["relu", "softmax"]);
  });

  test("a missing task cell and an unreadable notebook are named", () => {
    const miss = buildStudentModule(a, path.join(FIXTURES, "submissions", "missing-task-cell.ipynb"), vf);
    assert.match(miss.excluded.get("dense") as string, /no cell with grade_id "dense"/);
    assert.throws(() => buildStudentModule(a, path.join(FIXTURES, "submissions", "not-a-notebook.ipynb"), vf), /JSON/);
  });
});

describe("reports", () => {
  const r: SubmissionResult = {
    student: "<img src=x onerror=alert(1)>", assignment: "T1", file: "x.ipynb", score: 1, max: 2, seconds: 1, key: "k", sandboxed: true,
    tests: [{ task: "t", title: "<b>title</b>", points: 2, earned: 1, reason: "1 of 2 failed: <script>x</script>", cases: [{ name: "<i>c</i>", ok: false, message: "got </td><script>" }] }],
    notebook: { ok: false, seconds: 1, errors: [{ cell: 0, ename: "<E>", evalue: "<script>alert(2)</script>" }], stopped: "" },
  };

  test("the feedback page escapes everything from the student and carries a CSP", () => {
    const html = feedbackHtml(r);
    assert.doesNotMatch(html, /<script|<img|<b>title|<i>c|<E>/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  test("file names: safe, and two different names never share one", () => {
    assert.equal(safeName("ada"), "ada");
    assert.match(safeName("../../etc/passwd"), /^[A-Za-z0-9._-]+$/);
    assert.ok(!safeName("../x").startsWith("."));
    assert.notEqual(safeName("a b"), safeName("a_b"));
    assert.notEqual(safeName("a/b"), safeName("a?b"));
  });

  test("CSV: quoted where needed, formulas defused", () => {
    const csv = toCsv(classTable([{ ...r, student: "=HYPERLINK(\"http://x\")" }, { ...r, student: "Smith, Jo" }]));
    const lines = csv.trim().split("\n");
    assert.equal(lines[0], "student,assignment,score,max,percent,notebook_ok,T1:t");
    assert.equal(lines[1], `"'=HYPERLINK(""http://x"")",T1,1,2,50,no,1`);
    assert.equal(lines[2], `"Smith, Jo",T1,1,2,50,no,1`);
  });
});
