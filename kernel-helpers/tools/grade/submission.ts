/**
 * Grading one submission (the trusted side):
 *
 *   1. the notebook runs top to bottom through the real kernel (execute.py, errors allowed) in a
 *      sandbox, on a private copy: what ran, what failed, shown to the student as feedback;
 *   2. the student's task cells are compiled here into a module (./assignment.ts) and loaded by the
 *      harness (./harness.ts) in a second, fresh sandbox; every hidden case is a remote call: the
 *      arguments go in as JSON, the result comes back as JSON (tensors as {shape, data});
 *   3. the expected values are computed HERE, from the library (or the case's stored `expect`), and
 *      compared here (judgeCase). The student's code never sees the expected values, the hidden
 *      cases beyond their arguments, nor this process: redefining checks, patching
 *      Tensor.prototype, Math or JSON, or printing "all tests passed" changes only the student's
 *      own process and its answers.
 *
 * A call that hangs, exhausts memory, ends the process or floods the output loses that case; the
 * harness is started again for the calls after it.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { judgeCase, type CaseResult } from "../../grade/cases";
import { findPython } from "../run";
import { stripAnsi } from "../../shared/text";
import { buildStudentModule, type Assignment } from "./assignment";
import { DEFAULT_LIMITS, sandboxWorkPath, startSandboxed, type SandboxLimits, type SandboxResult } from "./sandbox";

export interface GradeOptions {
  projectRoot: string;
  slot: number;
  noSandbox: boolean;
  /** limits of the notebook's run through the kernel */
  notebookLimits: SandboxLimits;
  /** limits of the harness (all calls of one submission) */
  callLimits: SandboxLimits;
  /** wall seconds one call may take (a case's timeoutMs raises it) */
  callSec: number;
  /** seconds one cell of the notebook's run may take */
  cellSec: number;
}

export function defaultGradeOptions(projectRoot: string): GradeOptions {
  return {
    projectRoot, slot: 0, noSandbox: false, callSec: 10, cellSec: 60,
    notebookLimits: { ...DEFAULT_LIMITS, wallSec: 300, cpuSec: 300 },
    callLimits: { ...DEFAULT_LIMITS, wallSec: 120, cpuSec: 60, memoryMb: 1024, nproc: 64 },
  };
}

export interface TestResult {
  task: string;
  title: string;
  points: number;
  earned: number;
  cases: CaseResult[];
  /** why points were lost, in one sentence (empty at full marks) */
  reason: string;
}

export interface NotebookRunFeedback {
  ok: boolean;
  seconds: number;
  /** cells that failed: index (0-based), error name and message */
  errors: { cell: number; ename: string; evalue: string }[];
  /** why the run stopped early (time limit, memory, output, …), if it did */
  stopped: string;
}

export interface SubmissionResult {
  student: string;
  assignment: string;
  file: string;
  score: number;
  max: number;
  tests: TestResult[];
  notebook: NotebookRunFeedback;
  seconds: number;
  /** re-run key: hash of the submission and of the hidden tests */
  key: string;
  sandboxed: boolean;
}

/**
 * A fresh folder for the inputs of one sandboxed run (read-only inside, readable by the sandbox's
 * user). Unsandboxed, it is the run's cwd, in the project's build/ so that "dl-lessons" resolves
 * from it as it does inside the sandbox.
 */
function tempDir(tag: string, o: GradeOptions): string {
  const parent = o.noSandbox ? path.join(o.projectRoot, "build", "grade-tmp") : os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, `dl-grade-${tag}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Everything a stream sends, up to `max` bytes (more: the rest is dropped). */
function collect(stream: NodeJS.ReadableStream, max: number): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    stream.on("data", (d: Buffer) => {
      if (text.length < max) text += d.toString("utf8");
    });
    stream.on("error", () => resolve(text));
    stream.on("end", () => resolve(text));
    stream.on("close", () => resolve(text));
  });
}

/** Why a sandboxed process stopped, in plain words, or "" when it ended by itself. */
export function stopReason(r: SandboxResult, limits: SandboxLimits): string {
  if (r.flooded) return `printed more than ${limits.outputBytes.toLocaleString("en")} bytes of output, so it was stopped`;
  if (r.timedOut) return `did not finish within ${limits.wallSec} s (an endless loop?), so it was stopped`;
  if (r.signal === "SIGXCPU" || r.code === 128 + 24) return `used more than ${limits.cpuSec} s of CPU time, so it was stopped`;
  if (/File too large|EFBIG/.test(r.output)) {
    return `wrote more than ${limits.fileMb} MiB to one file (when it is the executed notebook: its outputs were that big — a flood of printing?)`;
  }
  if (/No space left on device|ENOSPC/.test(r.output)) return `filled its ${limits.diskMb} MiB work folder`;
  if (OUT_OF_MEMORY.test(r.output)) {
    return `ran out of memory (limit ${limits.memoryMb} MiB per process)`;
  }
  return "";
}

const REPORT = ".dl-lessons-report.json";
/** The runner script: kernel-helpers/tools/execute.py, or kernel-helpers/execute.py before the move to tools/. */
const EXECUTE_PY = (root: string): string =>
  [path.join(root, "kernel-helpers", "tools", "execute.py"), path.join(root, "kernel-helpers", "execute.py")].find((p) => fs.existsSync(p)) as string;

/** Step 1: run the notebook through the kernel in a sandbox; feedback only, no points. */
async function runNotebook(file: string, o: GradeOptions): Promise<NotebookRunFeedback> {
  const dir = tempDir("nb", o);
  try {
    const inside = o.noSandbox ? dir : sandboxWorkPath(o.projectRoot);
    fs.copyFileSync(file, path.join(dir, "submission.ipynb"));
    fs.chmodSync(path.join(dir, "submission.ipynb"), 0o644);
    const python = findPython() ?? "/usr/bin/python3";
    const l = o.notebookLimits;
    // the report is written in the sandbox's own work folder, then copied to fd 3 by the shell (the
    // kernel, started with close_fds, does not have fd 3); nothing is read back from a folder
    const sb = startSandboxed(["/bin/sh", "-c", `"$0" "$@"; exec cat ${REPORT} >&3`, python, EXECUTE_PY(o.projectRoot), `${inside}/submission.ipynb`, "/dev/null", REPORT,
      "--timeout", String(Math.max(5, l.wallSec - 20)), "--cell-timeout", String(o.cellSec), "--allow-errors"], {
      projectRoot: o.projectRoot, workDir: dir, limits: l, slot: o.slot, noSandbox: o.noSandbox,
      roFiles: [EXECUTE_PY(o.projectRoot)],
      env: { JUPYTER_PATH: path.join(o.projectRoot, ".jupyter"), JUPYTER_RUNTIME_DIR: "/tmp/jupyter-runtime", NODE_OPTIONS: `--max-old-space-size=${Math.floor(l.memoryMb * 0.75)}` },
    }, 1);
    sb.child.stdin?.end();
    const reportText = collect(sb.child.stdio[3] as NodeJS.ReadableStream, 10e6);
    const r = await sb.done;
    let report: { ok?: boolean; seconds?: number; errors?: { cell: number; ename: string; evalue: string; kind?: string }[]; error?: { cell: number; ename: string; evalue: string; kind?: string } } = {};
    try {
      report = JSON.parse(await reportText);
    } catch {
      // no report: the run was stopped (below says why)
    }
    // every cell that threw, then what stopped the run (a cell's time limit, a dead kernel) if anything did
    const failures = [...(report.errors ?? []), ...(report.error && report.error.kind !== "error" ? [report.error] : [])];
    if (failures.length === 0 && report.error) failures.push(report.error);
    const errors = failures.slice(0, 50).map((e) => ({
      cell: Number(e.cell), ename: String(e.ename ?? "").slice(0, 200), evalue: stripAnsi(String(e.evalue ?? "")).slice(0, 2000),
    }));
    const stopped = stopReason(r, l) || (report.ok === undefined ? `the kernel run ended without a report (exit code ${r.code}): ${stripAnsi(r.output).trim().split("\n").slice(-3).join(" ").slice(0, 500)}` : "");
    return { ok: report.ok === true && !stopped, seconds: r.seconds, errors, stopped };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const OUT_OF_MEMORY = /heap out of memory|Array buffer allocation failed|Cannot allocate memory|MemoryError|std::bad_alloc|Invalid typed array length|Invalid array length/i;

interface CallAnswer {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Loading the module failed: while which task cell's top-level code ran (null: unknown), and why. */
interface LoadFailure {
  cell: string | null;
  why: string;
}

/**
 * Step 2: every call in a sandboxed harness; a crash or hang costs that call, the rest go on. If the
 * module does not even load, nothing is called and the failure says during which task cell.
 */
async function callStudent(js: string, calls: { fn: string; args: unknown[]; sec: number }[], o: GradeOptions): Promise<{ answers: CallAnswer[]; loadFailure?: LoadFailure }> {
  const answers: CallAnswer[] = [];
  const dir = tempDir("calls", o);
  try {
    fs.writeFileSync(path.join(dir, "student.js"), js);
    fs.writeFileSync(path.join(dir, "calls.json"), JSON.stringify(calls.map(({ fn, args }) => ({ fn, args }))));
    const inside = o.noSandbox ? dir : sandboxWorkPath(o.projectRoot);
    const harness = path.join(o.projectRoot, "dist", "kernel-helpers", "tools", "grade", "harness.js");
    let starts = 0;
    while (answers.length < calls.length && starts++ <= calls.length) {
      const first = answers.length;
      // the process's CPU and wall budget grows with the calls it still has to make (cases that train)
      const budget = calls.slice(first).reduce((t, c) => t + c.sec, 0);
      const l = { ...o.callLimits, cpuSec: o.callLimits.cpuSec + budget, wallSec: o.callLimits.wallSec + budget };
      const sb = startSandboxed(["/usr/bin/node", `--max-old-space-size=${Math.floor(l.memoryMb * 0.75)}`, harness, `${inside}/student.js`, `${inside}/calls.json`, String(first)],
        { projectRoot: o.projectRoot, workDir: dir, limits: l, slot: o.slot, noSandbox: o.noSandbox }, 1);
      const key = randomBytes(24).toString("hex");
      sb.child.stdin?.end(`${key}\n`);
      let buf = "";
      let current = -1;
      let loadError = "";
      let loaded = false;
      let loadingCell: string | null = null;
      let callTimer: NodeJS.Timeout | undefined;
      let callTimedOut = false;
      const arm = (sec: number): void => {
        clearTimeout(callTimer);
        callTimer = setTimeout(() => {
          callTimedOut = true;
          sb.kill();
        }, sec * 1000);
      };
      arm(o.callSec); // loading the module
      const answersPipe = sb.child.stdio[3] as NodeJS.ReadableStream;
      answersPipe.on("data", (d: Buffer) => {
        buf += d.toString("utf8");
        if (buf.length > 50e6) sb.kill();
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.startsWith(`${key} `)) continue; // not the harness's: whatever the student wrote to fd 3
          let ev: Record<string, unknown>;
          try {
            ev = JSON.parse(line.slice(key.length + 1)) as Record<string, unknown>;
          } catch {
            continue;
          }
          if (typeof ev.loadError === "string") loadError = ev.loadError;
          if (typeof ev.cell === "string" && !loaded) loadingCell = ev.cell;
          if (ev.loaded === true) loaded = true;
          if (typeof ev.start === "number" && ev.start === answers.length) {
            current = ev.start;
            arm(calls[current].sec);
          }
          if (typeof ev.i === "number" && ev.i === answers.length && ev.i === current) {
            const error = String(ev.error ?? "failed");
            answers.push(ev.ok === true ? { ok: true, value: ev.value }
              : { ok: false, error: OUT_OF_MEMORY.test(error) ? `ran out of memory (${error}; limit ${l.memoryMb} MiB)` : `threw ${error}` });
            arm(o.callSec);
          }
        }
      });
      const r = await sb.done;
      clearTimeout(callTimer);
      if (answers.length >= calls.length) break;
      if (loadError) return { answers: [], loadFailure: { cell: loadingCell, why: `it threw ${loadError}` } };
      const why = callTimedOut ? `did not finish within ${current >= 0 ? calls[current].sec : o.callSec} s (an endless loop?), so it was stopped`
        : stopReason(r, l) || (r.signal ? `the process was killed (${r.signal})` : `the process ended (exit code ${r.code})${loaded ? " during this call" : ""} — process.exit()?`);
      if (!loaded) return { answers: [], loadFailure: { cell: loadingCell, why } };
      if (current < 0 || current !== answers.length) {
        // died between calls (cannot happen: the harness announces each call first): stop here
        while (answers.length < calls.length) answers.push({ ok: false, error: why });
        break;
      }
      answers.push({ ok: false, error: why });
      if (callTimedOut) {
        // the next calls of the same function would most likely hang too: not worth their time limit
        const fn = calls[current].fn;
        while (answers.length < calls.length && calls[answers.length].fn === fn) {
          answers.push({ ok: false, error: `not run: an earlier call of ${fn} did not finish within ${calls[current].sec} s` });
        }
      }
      if (answers.length === first) break; // no progress (cannot happen, but never loop)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { answers };
}

/** Grade one submission of one assignment. */
export async function gradeSubmission(a: Assignment, student: string, file: string, key: string, o: GradeOptions): Promise<SubmissionResult> {
  const t0 = performance.now();
  let mod: ReturnType<typeof buildStudentModule>;
  let notebook: NotebookRunFeedback;
  const virtualFile = path.join(o.projectRoot, "work", "student.ts");
  try {
    mod = buildStudentModule(a, file, virtualFile);
    notebook = await runNotebook(file, o).catch((e: Error) => ({ ok: false, seconds: 0, errors: [], stopped: `could not run: ${e.message}` }));
  } catch (e) {
    const reason = `the submission could not be read: ${(e as Error).message}`;
    mod = { js: "", excluded: new Map(a.tasks.map((t) => [t.id, reason])), exported: new Set() };
    notebook = { ok: false, seconds: 0, errors: [], stopped: `was not started: ${reason}` };
  }
  // the calls: every hidden case of every task whose code compiled
  let calls: { task: number; caseIndex: number; fn: string; args: unknown[]; sec: number }[] = [];
  let answers: CallAnswer[] = [];
  const leaveOut = new Map<string, string>();
  for (let attempt = 0; attempt <= a.tasks.length; attempt++) {
    if (attempt > 0) mod = buildStudentModule(a, file, virtualFile, leaveOut);
    calls = [];
    a.tasks.forEach((t, ti) => {
      if (mod.excluded.has(t.id)) return;
      t.cases.forEach((c, ci) => {
        if (mod.exported.has(c.fn)) calls.push({ task: ti, caseIndex: ci, fn: c.fn, args: c.args ?? [], sec: Math.max(o.callSec, (c.timeoutMs ?? 0) / 1000 * 2) });
      });
    });
    const r = calls.length > 0 && mod.js ? await callStudent(mod.js, calls, o) : { answers: [] };
    answers = r.answers;
    const failure = r.loadFailure;
    if (!failure) break;
    if (failure.cell !== null && !leaveOut.has(failure.cell)) {
      // that task cell's top-level code broke the loading: leave it out and load the others again
      leaveOut.set(failure.cell, `the task cell's top-level code stopped your functions from loading: ${failure.why}`);
      continue;
    }
    answers = calls.map(() => ({ ok: false, error: `loading your task cells: ${failure.why}` }));
    break;
  }
  const tests: TestResult[] = a.tasks.map((t, ti) => {
    const excluded = mod.excluded.get(t.id);
    const cases: CaseResult[] = t.cases.map((c, ci) => {
      if (excluded) return { name: c.name, ok: false, message: excluded };
      if (!mod.exported.has(c.fn)) return { name: c.name, ok: false, message: `function ${c.fn} not found (declare it at the top level of the task cell)` };
      const k = calls.findIndex((x) => x.task === ti && x.caseIndex === ci);
      const ans = answers[k];
      if (!ans) return { name: c.name, ok: false, message: "not run" };
      if (!ans.ok) return { name: c.name, ok: false, message: `${c.fn}: ${ans.error}` };
      try {
        return judgeCase(c, ans.value);
      } catch (e) {
        return { name: c.name, ok: false, message: `the result could not be judged: ${(e as Error).message}` };
      }
    });
    const passed = cases.filter((c) => c.ok).length;
    const earned = cases.length > 0 ? Math.round((t.points * passed) / cases.length * 100) / 100 : 0;
    const firstFail = cases.find((c) => !c.ok);
    const reason = excluded ?? (firstFail ? `${cases.length - passed} of ${cases.length} hidden cases failed; first: ${firstFail.name} — ${firstFail.message}` : "");
    return { task: t.id, title: t.title, points: t.points, earned, cases, reason };
  });
  const score = Math.round(tests.reduce((s, t) => s + t.earned, 0) * 100) / 100;
  const max = tests.reduce((s, t) => s + t.points, 0);
  return { student, assignment: a.name, file, score, max, tests, notebook, seconds: (performance.now() - t0) / 1000, key, sandboxed: !o.noSandbox };
}
