/**
 * Benchmark of the autograder: the fixture submissions of tests/grade/fixtures/ (full marks,
 * partial, every bad kind, the cheating attempts) graded from scratch with the limits the test uses
 * (10 s per notebook cell, 5 s per call), as many at once as there are cores. Prints the time per
 * submission (whole, its notebook's run through the kernel, the rest: compile, sandboxed calls,
 * judging) and returns the figures; asserts nothing. Goal on the 2-core machine: the whole set
 * in under 3 minutes.
 *
 *   npm run bench -- grade
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeFolder } from "../../kernel-helpers/tools/grade/index";

const GOAL_SEC = 180;
const FIXTURES = path.join(__dirname, "..", "grade", "fixtures");

export async function runGradeBench(): Promise<Record<string, number>> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "dl-grade-bench-"));
  const load = os.loadavg()[0];
  const r = await gradeFolder({
    submissions: path.join(FIXTURES, "submissions"), out, force: true,
    assignment: path.join(FIXTURES, "assignment", "T1-fixture.ipynb"),
    tune: (o) => {
      o.cellSec = 10;
      o.callSec = 5;
    },
  });
  fs.rmSync(out, { recursive: true, force: true });
  const rows = [...r.results].sort((a, b) => b.seconds - a.seconds);
  console.log(`\n${"submission".padEnd(24)} ${"score".padStart(6)} ${"total s".padStart(8)} ${"notebook s".padStart(11)} ${"calls s".padStart(8)}`);
  for (const s of rows) {
    console.log(`${s.student.padEnd(24)} ${`${s.score}/${s.max}`.padStart(6)} ${s.seconds.toFixed(1).padStart(8)} ${s.notebook.seconds.toFixed(1).padStart(11)} ${(s.seconds - s.notebook.seconds).toFixed(1).padStart(8)}`);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const perSub = mean(r.results.map((s) => s.seconds));
  console.log(`${"".padEnd(61, "-")}`);
  console.log(`${r.results.length} submissions, ${os.availableParallelism()} at a time: ${r.seconds.toFixed(1)} s (goal < ${GOAL_SEC} s: ${r.seconds < GOAL_SEC ? "met" : "NOT met"}); `
    + `per submission ${perSub.toFixed(1)} s mean; load average at the start ${load.toFixed(1)}${load > 1.5 ? " (measured under load)" : ""}`);
  return {
    "whole fixture set (s)": r.seconds,
    "submissions": r.results.length,
    "per submission, mean (s)": perSub,
    "notebook run, mean (s)": mean(r.results.map((s) => s.notebook.seconds)),
    "compile + calls + judging, mean (s)": mean(r.results.map((s) => s.seconds - s.notebook.seconds)),
    "slowest submission (s)": rows[0]?.seconds ?? 0,
    "load average at start": load,
  };
}

if (require.main === module) {
  runGradeBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
