/**
 * Benchmark of the main job: the whole `npm run lessons` (set-up, every lesson through the kernel
 * two at a time, the site) and each lesson. Prints a table and returns the figures; asserts
 * nothing. Goal on the 2-core machine (issue 12): all twelve lessons plus the site in under a minute.
 *
 *   npm run bench -- lessons
 *   node --import tsx tests/bench/lessons.bench.ts
 *
 * While notebooks/ is empty it times the fixture notebooks instead (and says so).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LessonsTimings } from "../../kernel-helpers/tools/lessons";
import { PROJECT_ROOT, listLessons } from "../../kernel-helpers/tools/run";

const GOAL_SEC = 60;

export async function runLessonsBench(): Promise<Record<string, number>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lessons-bench-"));
  const timingsFile = path.join(tmp, "timings.json");
  const fixtures = listLessons().length === 0;
  const extra = fixtures ? ["--notebooks", path.join(PROJECT_ROOT, "tests", "notebooks", "fixtures"), "--out", path.join(tmp, "site")] : [];
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  // `npm run lessons` itself when the script is wired, else the same command without npm
  const [cmd, args] = pkg.scripts?.lessons
    ? ["npm", ["run", "--silent", "lessons", "--", "--timings", timingsFile, ...extra]]
    : [process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "kernel-helpers", "tools", "lessons.ts"), "--timings", timingsFile, ...extra]];
  console.log(`lessons bench: ${fixtures ? "no lesson in notebooks/ yet: timing the fixture notebooks; " : ""}${cmd} ${(args as string[]).join(" ")}`);
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(cmd, args as string[], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", resolve);
  });
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`lessons bench: the job failed with exit code ${code} (run npm run lessons to see why)`);
  const t = JSON.parse(fs.readFileSync(timingsFile, "utf8")) as LessonsTimings;
  fs.rmSync(tmp, { recursive: true, force: true });

  const rows = Object.entries(t.notebooks).sort(([a], [b]) => a.localeCompare(b));
  const sum = rows.reduce((a, [, s]) => a + s, 0);
  const runPhase = t.total - t.setup - (t.site ?? 0);
  console.log(`\n${"lesson".padEnd(40)} ${"seconds".padStart(8)}`);
  for (const [name, s] of rows) console.log(`${name.replace(/\.ipynb$/, "").padEnd(40)} ${s.toFixed(1).padStart(8)}`);
  console.log(`${"".padEnd(49, "-")}`);
  console.log(`${"sum of lessons (kernel time)".padEnd(40)} ${sum.toFixed(1).padStart(8)}`);
  console.log(`${"running phase (2 kernels at a time)".padEnd(40)} ${runPhase.toFixed(1).padStart(8)}   speed-up ×${(sum / runPhase).toFixed(2)}`);
  console.log(`${"set-up (deps, tsc, Jupyter, kernelspec)".padEnd(40)} ${t.setup.toFixed(1).padStart(8)}`);
  console.log(`${"site".padEnd(40)} ${(t.site ?? 0).toFixed(1).padStart(8)}`);
  console.log(`${"whole job (process wall time)".padEnd(40)} ${wall.toFixed(1).padStart(8)}   goal < ${GOAL_SEC} s: ${wall < GOAL_SEC ? "met" : "NOT met"}${fixtures ? " (fixtures only)" : ""}`);

  const figures: Record<string, number> = { "whole job (s)": wall, "set-up (s)": t.setup, "running phase (s)": runPhase, "sum of lessons (s)": sum, "site (s)": t.site ?? 0, "lessons": rows.length };
  for (const [name, s] of rows) figures[`${name.replace(/\.ipynb$/, "")} (s)`] = s;
  return figures;
}

if (require.main === module) {
  runLessonsBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
