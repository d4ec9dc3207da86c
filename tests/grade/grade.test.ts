/**
 * The autograder on its fixtures (tests/grade/fixtures/, written by fixtures/make.ts): every
 * submission gets the expected points per task and the expected reason; the bad ones (endless loop,
 * memory, process.exit, output flood, files, processes, sockets, reading solutions, cheating) cost
 * only their own task; nothing outside the temporary copies changes; nothing is left running; a
 * re-run skips unchanged work. Heavy (two kernels at once): run it through /work/scratch/heavy.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { compile } from "vega-lite";
import { installKernel, projectRoot } from "../../kernel-helpers/tools/kernel";
import { gradeFolder, type GradeFolderResult } from "../../kernel-helpers/tools/grade/index";
import type { SubmissionResult } from "../../kernel-helpers/tools/grade/submission";

const ROOT = projectRoot();
const FIXTURES = path.join(__dirname, "fixtures");
const SUBMISSIONS = path.join(FIXTURES, "submissions");
const ASSIGNMENT = path.join(FIXTURES, "assignment", "T1-fixture.ipynb");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "dl-grade-test-out-"));
const SENTINEL = "/tmp/dl-grade-sentinel"; // the file-vandal fixture tries to write and delete here
const CANARY = path.join(ROOT, "dist", "grade-canary.txt"); // … and here (../dist seen from the sandbox)

/** Expected points per task (relu 2, dense 4, softmax 4) and, for each task that loses points, the reason. */
const EXPECTED: Record<string, { relu: number; dense: number; softmax: number; why?: Partial<Record<"relu" | "dense" | "softmax", RegExp>> }> = {
  "full-marks": { relu: 2, dense: 4, softmax: 4 },
  "partial": { relu: 2, dense: 4, softmax: 0, why: { softmax: /result\[0, 0\]: expected 0\.52\d+, got 2\.9/ } },
  "not-implemented": { relu: 0, dense: 0, softmax: 0, why: { relu: /threw Error: not implemented yet: ReLU/, dense: /not implemented yet: Dense forward/ } },
  "syntax-error": { relu: 0, dense: 4, softmax: 4, why: { relu: /does not parse: 2:\d+ - '\)' expected/ } },
  "type-error": { relu: 2, dense: 0, softmax: 4, why: { dense: /does not type-check: 2:\d+ - Type 'string' is not assignable to type 'number'/ } },
  "throws": { relu: 2, dense: 4, softmax: 0, why: { softmax: /threw RangeError: softmax is/ } },
  "infinite-loop": { relu: 2, dense: 0, softmax: 4, why: { dense: /did not finish within 5 s \(an endless loop\?\)/ } },
  "memory-exhaustion": { relu: 0, dense: 4, softmax: 4, why: { relu: /ran out of memory/ } },
  "process-exit": { relu: 2, dense: 4, softmax: 0, why: { softmax: /the process ended \(exit code 0\) during this call/ } },
  "output-flood": { relu: 0, dense: 4, softmax: 4, why: { relu: /printed more than [\d,]+ bytes of output/ } },
  "file-vandal": { relu: 2, dense: 4, softmax: 4 },
  "fork-bomb": { relu: 2, dense: 4, softmax: 4 },
  "sockets": { relu: 0, dense: 4, softmax: 4, why: { relu: /expected 0\.9\d+, got 0/ } },
  "read-solutions": { relu: 2, dense: 4, softmax: 0, why: { softmax: /got 0\.333333/ } },
  "cheat-redefine-checks": { relu: 0, dense: 4, softmax: 4, why: { relu: /expected 0, got -0\.\d+/ } },
  "cheat-patch-globals": { relu: 2, dense: 0, softmax: 4, why: { dense: /expected shape \[2, 4\], got shape \[2, 3\]/ } },
  "cheat-print-pass": { relu: 2, dense: 4, softmax: 0, why: { softmax: /expected 0\.52\d+, got/ } },
  "cheat-forge-answers": { relu: 0, dense: 4, softmax: 4, why: { relu: /expected 0, got -0\.\d+/ } },
  "top-level-exit": { relu: 0, dense: 4, softmax: 4, why: { relu: /top-level code stopped your functions from loading: the process ended \(exit code 3\)/ } },
  "missing-task-cell": { relu: 2, dense: 0, softmax: 4, why: { dense: /no cell with grade_id "dense" in the submission/ } },
  "not-a-notebook": { relu: 0, dense: 0, softmax: 0, why: { relu: /the submission could not be read: .*JSON/ } },
};

function hashTree(dir: string): Record<string, string> {
  const h: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h[path.relative(dir, p)] = createHash("sha256").update(fs.readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return h;
}

/** Processes running `sleep 60` (what the fork-bomb fixture starts). */
function strayBombs(): number[] {
  return fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, "utf8") === "/usr/bin/sleep\u000060\u0000";
    } catch {
      return false;
    }
  }).map(Number);
}

const ourTemps = (): string[] => fs.readdirSync(os.tmpdir()).filter((f) => /^dl-grade-(nb|calls)-/.test(f));

let run: GradeFolderResult;
let fixturesBefore: Record<string, string>;
let packageBefore: string;
let tempsBefore: string[];
let connections = 0;
let server: net.Server;
const byName = new Map<string, SubmissionResult>();

before(async () => {
  installKernel();
  assert.equal(spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" }).status, 0, "npm run build");
  fs.mkdirSync(SENTINEL, { recursive: true });
  fs.writeFileSync(path.join(SENTINEL, "keep.txt"), "keep");
  fs.rmSync(path.join(SENTINEL, "owned.txt"), { force: true });
  fs.writeFileSync(CANARY, "canary");
  fixturesBefore = hashTree(FIXTURES);
  packageBefore = fs.readFileSync(path.join(ROOT, "package.json"), "utf8");
  tempsBefore = ourTemps();
  // the sockets fixture is rewarded only if it reaches this server from inside the sandbox
  server = net.createServer((s) => {
    connections++;
    s.end("open");
  });
  await new Promise<void>((resolve) => server.listen(47219, "127.0.0.1", resolve));
  run = await gradeFolder({ submissions: SUBMISSIONS, out, assignment: ASSIGNMENT, force: true, tune: (o) => {
    o.cellSec = 10;
    o.callSec = 5;
  } });
  for (const r of run.results) byName.set(r.student, r);
});

after(() => {
  server?.close();
  fs.rmSync(CANARY, { force: true });
  fs.rmSync(SENTINEL, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

describe("grading the fixture submissions", () => {
  test("at least 15 fixtures, all graded", () => {
    assert.ok(Object.keys(EXPECTED).length >= 15);
    assert.deepEqual([...byName.keys()].sort(), Object.keys(EXPECTED).sort());
    assert.equal(run.graded, Object.keys(EXPECTED).length);
  });

  for (const [name, exp] of Object.entries(EXPECTED)) {
    test(`${name}: relu ${exp.relu}/2, dense ${exp.dense}/4, softmax ${exp.softmax}/4`, () => {
      const r = byName.get(name) as SubmissionResult;
      assert.ok(r, `${name} was graded`);
      const earned = Object.fromEntries(r.tests.map((t) => [t.task, t.earned]));
      assert.deepEqual(earned, { relu: exp.relu, dense: exp.dense, softmax: exp.softmax }, JSON.stringify(r.tests.map((t) => t.reason)));
      assert.equal(r.score, exp.relu + exp.dense + exp.softmax);
      assert.equal(r.max, 10);
      assert.equal(r.sandboxed, true);
      for (const t of r.tests) {
        if (t.earned === t.points) assert.equal(t.reason, "", `${t.task} at full marks has no reason`);
        else assert.notEqual(t.reason, "", `${t.task} says why it lost points`);
        const why = exp.why?.[t.task as "relu"];
        if (why) assert.match(t.reason, why);
      }
      assert.ok(r.seconds < 120, `graded in ${r.seconds.toFixed(1)} s`);
    });
  }

  test("the notebook's own run is reported: full marks ran clean, a syntax error names its cell, garbage is not started", () => {
    assert.equal(byName.get("full-marks")?.notebook.ok, true);
    const syn = byName.get("syntax-error")?.notebook;
    assert.equal(syn?.ok, false);
    assert.ok(syn?.errors.some((e) => e.cell === 2 && e.ename === "TypeScriptError"), JSON.stringify(syn));
    assert.match(byName.get("not-a-notebook")?.notebook.stopped ?? "", /was not started/);
    assert.equal(byName.get("cheat-print-pass")?.score, 6, "printing 'all tests passed' earns nothing");
  });
});

describe("nothing outside the temporary copies changed", () => {
  test("fixtures, package.json, the project's dist/ canary and the host's /tmp are untouched", () => {
    assert.deepEqual(hashTree(FIXTURES), fixturesBefore);
    assert.equal(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"), packageBefore);
    assert.equal(fs.readFileSync(CANARY, "utf8"), "canary");
    assert.ok(!fs.existsSync(path.join(ROOT, "dist", "grade-owned.txt")));
    assert.ok(!fs.existsSync(path.join(ROOT, "package.json.bak")));
    assert.equal(fs.readFileSync(path.join(SENTINEL, "keep.txt"), "utf8"), "keep");
    assert.ok(!fs.existsSync(path.join(SENTINEL, "owned.txt")));
  });

  test("no socket reached the host; no process is left running; temporary copies are removed", () => {
    assert.equal(connections, 0);
    assert.deepEqual(strayBombs(), []);
    assert.deepEqual(ourTemps().filter((t) => !tempsBefore.includes(t)), []);
  });
});

describe("reports", () => {
  test("per student: JSON and an escaped HTML page with a CSP", () => {
    const r = JSON.parse(fs.readFileSync(path.join(out, "throws", "T1-fixture.json"), "utf8")) as SubmissionResult;
    assert.equal(r.score, 6);
    const html = fs.readFileSync(path.join(out, "throws", "T1-fixture.html"), "utf8");
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /softmax is &lt;b&gt;hard&lt;\/b&gt; &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script|<b>hard/);
  });

  test("class table: CSV, polars DataFrame, Vega-Lite score distribution that compiles", () => {
    const csv = fs.readFileSync(path.join(out, "class.csv"), "utf8").trim().split("\n");
    assert.equal(csv[0], "student,assignment,score,max,percent,notebook_ok,T1-fixture:relu,T1-fixture:dense,T1-fixture:softmax");
    assert.equal(csv.length, 1 + Object.keys(EXPECTED).length);
    assert.ok(csv.includes("partial,T1-fixture,6,10,60,yes,2,4,0"), csv.join("\n"));
    assert.equal(run.table.height, Object.keys(EXPECTED).length);
    assert.deepEqual(run.table.getColumn("score").toArray().map(Number).sort((a, b) => a - b),
      Object.values(EXPECTED).map((e) => e.relu + e.dense + e.softmax).sort((a, b) => a - b));
    const spec = JSON.parse(fs.readFileSync(path.join(out, "scores.vl.json"), "utf8"));
    assert.equal(spec.data.values.length, Object.keys(EXPECTED).length);
    assert.ok(compile(spec).spec, "Vega-Lite compiles the spec");
  });

  test("a re-run skips every unchanged submission", async () => {
    const again = await gradeFolder({ submissions: SUBMISSIONS, out, assignment: ASSIGNMENT });
    assert.equal(again.graded, 0);
    assert.equal(again.skipped, Object.keys(EXPECTED).length);
    assert.deepEqual(again.results.map((r) => r.score), run.results.map((r) => r.score));
  });
});

describe("without a sandbox", () => {
  test("the grader refuses, says why, and names --no-sandbox", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "kernel-helpers", "tools", "grade", "index.ts"), SUBMISSIONS, "--out", path.join(out, "refused")],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, DL_LESSONS_BWRAP: "/nonexistent/bwrap" }, timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to grade untrusted notebooks without a sandbox: bubblewrap \(bwrap\) is not installed.*--no-sandbox/);
    assert.ok(!fs.existsSync(path.join(out, "refused", "class.csv")));
  });

  test("--no-sandbox grades (trusted work only) and says so in the result", async () => {
    const one = fs.mkdtempSync(path.join(os.tmpdir(), "dl-grade-test-one-"));
    fs.copyFileSync(path.join(SUBMISSIONS, "full-marks.ipynb"), path.join(one, "teacher.ipynb"));
    const r = await gradeFolder({ submissions: one, out: path.join(out, "unsandboxed"), assignment: ASSIGNMENT, noSandbox: true });
    assert.equal(r.results[0].score, 10);
    assert.equal(r.results[0].sandboxed, false);
    fs.rmSync(one, { recursive: true, force: true });
  });
});
