/**
 * The autograder: `npm run grade -- <submissions-dir> --out <report-dir>`.
 *
 *   npm run grade -- submitted/ --out feedback/                    # <student>/<A1-forward>.ipynb …
 *   npm run grade -- submitted/ --out feedback/ --assignment notebooks/assignments/A1-forward/A1-forward.ipynb
 *   options: --parallel N (default: cores)  --force (grade again)  --no-sandbox (trusted work only)
 *            --cell-timeout S (a notebook cell, default 60)  --call-timeout S (a hidden case's call, default 10)
 *
 * Design (why the hidden tests cannot be beaten from inside the submission):
 *   - Each submission runs top to bottom through the real kernel (execute.py, errors allowed) inside
 *     bubblewrap (./sandbox.ts), as a read-only copy in a size-limited tmpfs work folder: no network,
 *     a read-only view of /usr and of the project's node_modules, dist/ and .jupyter only (no
 *     notebooks/, no solution notebooks, no hidden tests, no tests/), an unprivileged user of its own,
 *     CPU / memory / process / file-size limits (prlimit), a wall-clock limit and an output cap; its
 *     report leaves through a pipe. That run is feedback ("cell 7 threw …"); it earns no points.
 *   - The points: the student's task cells, taken by grade_id from the submission and compiled here
 *     with the SOLUTION's setup cells (./assignment.ts), are loaded by a harness (./harness.ts) in a
 *     second fresh sandbox that answers calls over a pipe: arguments in as JSON, results out as JSON
 *     (tensors as {shape, data}). This process — which the student's code never touches — computes
 *     the expected value from the library or the case's stored answer and compares (./submission.ts).
 *     Redefining the check functions, patching Tensor.prototype / Math / JSON, printing "all tests
 *     passed" or reading files changes nothing here; the expected values never enter the sandbox.
 *   - A call that throws, hangs, runs out of memory, ends the process or floods the output loses its
 *     case with a reason; the harness starts again for the next call, so the other tasks still count.
 *     A task cell that does not parse or type-check, or whose top-level code stops the module from
 *     loading, is left out and loses only its own task.
 *   - Known limit: the library is mounted (student code imports it), so a task could call the
 *     library's own function instead of writing it; the hidden tests cannot tell. Say in the
 *     assignment which library functions a task may not use, and read the code.
 *   - Without bwrap (no user namespaces) the grader refuses, and says why, unless --no-sandbox.
 * A re-run skips a submission whose key (hash of the grader, the submission and the hidden tests)
 * matches the one in its report.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type pl from "nodejs-polars";
import { projectRoot } from "../../shared/paths";
import { loadAssignment, type Assignment } from "./assignment";
import { resultPaths, writeClass, writeSubmission } from "./report";
import { sandboxAvailable } from "./sandbox";
import { defaultGradeOptions, gradeSubmission, type GradeOptions, type SubmissionResult } from "./submission";

export interface GradeFolderOptions {
  submissions: string;
  out: string;
  /** one solution notebook for every submission; default: by file name in notebooks/assignments/ */
  assignment?: string;
  parallel?: number;
  noSandbox?: boolean;
  force?: boolean;
  projectRoot?: string;
  /** called as each submission starts and ends (the progress line) */
  onProgress?: (p: { done: number; total: number; running: string[]; last?: SubmissionResult; skipped?: boolean }) => void;
  /** overrides of the per-submission limits */
  tune?: (o: GradeOptions) => void;
}

export interface GradeFolderResult {
  results: SubmissionResult[];
  graded: number;
  skipped: number;
  seconds: number;
  /** the class table (also written as class.csv) */
  table: pl.DataFrame;
}

const GRADER_FILES = ["index.ts", "submission.ts", "assignment.ts", "harness.ts", "sandbox.ts", "protocol.ts", "report.ts"];

/** A submission: who, which file. `<dir>/<student>/<name>.ipynb`, or `<dir>/<student>.ipynb`. */
export function findSubmissions(dir: string): { student: string; file: string }[] {
  const out: { student: string; file: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".ipynb")) out.push({ student: e.name.slice(0, -6), file: p });
    if (e.isDirectory() && !e.name.startsWith(".")) {
      for (const f of fs.readdirSync(p).sort()) if (f.endsWith(".ipynb") && fs.statSync(path.join(p, f)).isFile()) out.push({ student: e.name, file: path.join(p, f) });
    }
  }
  return out;
}

function assignmentFor(file: string, root: string, fixed: Assignment | null, cache: Map<string, Assignment>): Assignment {
  if (fixed) return fixed;
  const name = path.basename(file, ".ipynb");
  const sol = path.join(root, "notebooks", "assignments", name, `${name}.ipynb`);
  if (!cache.has(sol)) {
    if (!fs.existsSync(sol)) throw new Error(`no assignment "${name}" (looked for ${sol}); name the solution notebook with --assignment`);
    cache.set(sol, loadAssignment(sol));
  }
  return cache.get(sol) as Assignment;
}

/** Grade every submission of a folder; write the reports; resolve with the results. */
export async function gradeFolder(o: GradeFolderOptions): Promise<GradeFolderResult> {
  const t0 = performance.now();
  const root = o.projectRoot ?? projectRoot();
  if (!o.noSandbox) {
    const sb = sandboxAvailable();
    if (!sb.ok) throw new Error(`refusing to grade untrusted notebooks without a sandbox: ${sb.why}. Pass --no-sandbox to grade anyway (only work you trust: it runs with your rights, under resource limits only).`);
  }
  const harness = path.join(root, "dist", "kernel-helpers", "tools", "grade", "harness.js");
  if (!fs.existsSync(harness)) throw new Error(`${harness} is missing: run npm run build first`);
  const graderHash = createHash("sha256");
  for (const f of GRADER_FILES) graderHash.update(fs.readFileSync(path.join(__dirname, f)));
  graderHash.update(fs.readFileSync(harness));
  const fixed = o.assignment ? loadAssignment(path.resolve(o.assignment)) : null;
  const cache = new Map<string, Assignment>();
  const subs = findSubmissions(o.submissions);
  const assignments = subs.map((s) => assignmentFor(s.file, root, fixed, cache)); // a missing one stops here, before any grading
  fs.mkdirSync(o.out, { recursive: true });
  const results: SubmissionResult[] = new Array(subs.length);
  const running = new Set<string>();
  let next = 0;
  let done = 0;
  let skipped = 0;
  const parallel = o.parallel ?? os.availableParallelism();
  const worker = async (slot: number): Promise<void> => {
    while (next < subs.length) {
      const i = next++;
      const { student, file } = subs[i];
      const a = assignments[i];
      const key = createHash("sha256").update(graderHash.copy().digest()).update(a.hash).update(fs.readFileSync(file)).update(o.noSandbox ? "unsandboxed" : "sandboxed").digest("hex");
      const prev = resultPaths(o.out, student, a.name).json;
      if (!o.force && fs.existsSync(prev)) {
        try {
          const old = JSON.parse(fs.readFileSync(prev, "utf8")) as SubmissionResult;
          if (old.key === key) {
            results[i] = old;
            done++;
            skipped++;
            o.onProgress?.({ done, total: subs.length, running: [...running], last: old, skipped: true });
            continue;
          }
        } catch {
          // unreadable: grade again
        }
      }
      running.add(student);
      o.onProgress?.({ done, total: subs.length, running: [...running] });
      const opts = { ...defaultGradeOptions(root), slot, noSandbox: o.noSandbox === true };
      o.tune?.(opts);
      try {
        results[i] = await gradeSubmission(a, student, file, key, opts);
      } catch (e) {
        // a fault of the grader itself: this submission gets a clear entry, the others go on
        results[i] = graderFailed(a, student, file, `the grader failed on this submission (${(e as Error).message}); please report it`);
      }
      writeSubmission(o.out, results[i]);
      running.delete(student);
      done++;
      o.onProgress?.({ done, total: subs.length, running: [...running], last: results[i] });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, subs.length)) }, (_, slot) => worker(slot)));
  const table = writeClass(o.out, results);
  return { results, graded: subs.length - skipped, skipped, seconds: (performance.now() - t0) / 1000, table };
}

function graderFailed(a: Assignment, student: string, file: string, reason: string): SubmissionResult {
  const tests = a.tasks.map((t) => ({ task: t.id, title: t.title, points: t.points, earned: 0, cases: [], reason }));
  return {
    student, assignment: a.name, file, score: 0, max: tests.reduce((s, t) => s + t.points, 0), tests, seconds: 0, key: "", sandboxed: true,
    notebook: { ok: false, seconds: 0, errors: [], stopped: reason },
  };
}

function usage(): never {
  console.error("usage: npm run grade -- <submissions-dir> --out <report-dir> [--assignment <solution.ipynb>] [--parallel N] [--force] [--no-sandbox] [--cell-timeout S] [--call-timeout S]");
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const o: Partial<GradeFolderOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") o.out = argv[++i];
    else if (a === "--assignment") o.assignment = argv[++i];
    else if (a === "--parallel") o.parallel = Number(argv[++i]);
    else if (a === "--force") o.force = true;
    else if (a === "--no-sandbox") o.noSandbox = true;
    else if (a === "--cell-timeout" || a === "--call-timeout") {
      const sec = Number(argv[++i]);
      if (!(sec > 0)) usage();
      const prev = o.tune;
      o.tune = (g) => {
        prev?.(g);
        if (a === "--cell-timeout") g.cellSec = sec;
        else g.callSec = sec;
      };
    }
    else if (a.startsWith("--")) usage();
    else o.submissions = a;
  }
  if (!o.submissions || !o.out || (o.parallel !== undefined && !(Number.isInteger(o.parallel) && o.parallel >= 1))) usage();
  if (o.noSandbox) console.error("grade: --no-sandbox: submissions run with your rights (resource limits only); grade only work you trust");
  const tty = process.stderr.isTTY;
  o.onProgress = (p) => {
    const line = `graded ${p.done}/${p.total}${p.running.length ? ` · running: ${p.running.join(", ")}` : ""}${p.last ? ` · last: ${p.last.student} ${p.last.score}/${p.last.max}${p.skipped ? " (unchanged)" : ""}` : ""}`;
    if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
    else if (p.last) process.stderr.write(`${line}\n`);
  };
  const r = await gradeFolder(o as GradeFolderOptions);
  if (tty) process.stderr.write("\n");
  console.log(`${r.results.length} submissions (${r.graded} graded, ${r.skipped} unchanged) in ${r.seconds.toFixed(1)} s → ${path.join(o.out as string, "index.html")}, class.csv, scores.vl.json`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`grade: ${e.message}`);
    process.exit(1);
  });
}
