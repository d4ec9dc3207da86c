/**
 * Execute notebooks through the real Jupyter kernel, as a learner's Jupyter would: nbclient (Python)
 * starts the `dl-lessons` kernelspec (tslab) in the notebook's folder and runs the code cells in
 * order. The first failing cell stops the run with a `NotebookError` that names the notebook, the
 * cell, its first lines and the error. Executed copies go to build/executed/; the lessons in
 * notebooks/ stay without outputs.
 *
 *   const run = await executeNotebook("notebooks/03-feedforward.ipynb");
 *   run.seconds   // wall time, kernel start included
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, checkNumber, describe } from "../../src/errors";
import { jupyterEnv } from "./kernel";
import { PROJECT_ROOT, shortPath } from "../shared/paths";
import { stripAnsi } from "../shared/text";
import { cleanTraceback } from "../tslab/stderr";

export { PROJECT_ROOT, shortPath };

/** Where executed copies of notebooks go (ignored by git). */
export const EXECUTED_DIR = path.join(PROJECT_ROOT, "build", "executed");

/** The Python script that drives nbclient. */
const EXECUTE_PY = path.join(PROJECT_ROOT, "kernel-helpers", "tools", "execute.py");

export interface ExecuteOptions {
  /** Limit for the whole notebook in seconds, kernel start excluded. Default 90. */
  timeoutSec?: number;
  /** Limit for one cell in seconds. Default: `timeoutSec`. */
  cellTimeoutSec?: number;
  /** Where the executed copy is written. Default `build/executed/<file name>`. */
  outPath?: string;
  /** Kernelspec name. Default "dl-lessons". */
  kernel?: string;
  /** Environment of the run. Default `jupyterEnv()` (JUPYTER_PATH = the project's .jupyter). */
  env?: NodeJS.ProcessEnv;
  /** A Python with nbclient. Default `findPython()`. */
  python?: string;
  /** Run the notebook again (up to 3 runs) when tslab's compiler glitches (see TSLAB_GLITCH). Default true. */
  retryGlitch?: boolean;
  /**
   * Run every cell even after one fails (nbclient's allow_errors; the kernel honours the
   * protocol's stop_on_error: false): failures are listed in `errors` instead of thrown. Default false.
   */
  allowErrors?: boolean;
}

/** A cell that failed in a run with `allowErrors`. */
export interface CellFailure {
  /** 0-based index of the cell in the notebook */
  cell: number;
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What one notebook's run took. */
export interface NotebookRun {
  notebook: string;
  outPath: string;
  /** wall time of the whole run, Python and kernel start included */
  seconds: number;
  /** time to start the kernel */
  kernelSeconds: number;
  /** time per code cell, by index in the notebook (0-based) */
  cells: { index: number; seconds: number }[];
  /** true when a tslab glitch made an earlier run fail and this one is a repeat */
  retried: boolean;
  /** the cells that failed (only with `allowErrors`; empty otherwise) */
  errors: CellFailure[];
  /** kernel starts it took: 2 when the first start failed and was tried again */
  startAttempts: number;
}

/** A notebook that did not run through: where and why. */
export class NotebookError extends Error {
  constructor(
    readonly notebook: string,
    /** 0-based index of the failing cell in the notebook, -1 when the kernel itself failed */
    readonly cell: number,
    readonly source: string,
    readonly ename: string,
    readonly evalue: string,
    /** traceback lines without ANSI codes nor the kernel's own frames */
    readonly traceback: string[],
    /** "error", "timeout", "dead-kernel" or "kernel" (did not start) */
    readonly kind: string,
    readonly outPath: string,
    readonly seconds: number,
    codeCell = -1,
  ) {
    super(formatFailure(notebook, cell, codeCell, source, ename, evalue, traceback, kind, outPath));
    this.name = "NotebookError";
  }
}

export { stripAnsi };

function formatFailure(
  notebook: string, cell: number, codeCell: number, source: string, ename: string, evalue: string,
  traceback: string[], kind: string, outPath: string,
): string {
  const rel = shortPath(notebook);
  const where = cell < 0 ? "before its first cell" : `in cell ${cell + 1}${codeCell > 0 ? ` (code cell ${codeCell})` : ""}`;
  const lines = source.split("\n");
  const shown = lines.slice(0, 6).map((l) => `    | ${l}`);
  if (lines.length > 6) shown.push(`    | … (${lines.length - 6} more lines)`);
  // the traceback without what the "ename: evalue" line already says
  const tb = traceback.filter((l) => l.trim() !== "" && !evalue.includes(l.trim()) && !l.includes(`${ename}: ${evalue}`));
  const out = [
    `${rel} failed ${where}${kind === "timeout" ? " (time limit)" : ""}:`,
    ...(cell >= 0 ? shown : []),
    `  ${ename}: ${evalue.length > 500 ? `${evalue.slice(0, 500)} … (${evalue.length - 500} more characters)` : evalue}`,
    ...(kind === "error" ? tb.map((l) => `    ${l}`) : []),
    `  executed copy (outputs up to the failure): ${shortPath(outPath)}`,
  ];
  return out.join("\n");
}

let cachedPython: string | null | undefined;

/**
 * The first Python that can import nbclient, nbformat and jupyter_client: $DL_LESSONS_PYTHON,
 * then Debian's /usr/bin/python3 (the `python3` first on PATH may be another one), then `python3`.
 */
export function findPython(refresh = false): string | null {
  if (cachedPython !== undefined && !refresh) return cachedPython;
  const candidates = [process.env.DL_LESSONS_PYTHON, "/usr/bin/python3", "python3", "/usr/local/bin/python3"];
  cachedPython = null;
  for (const py of candidates) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import nbclient, nbformat, jupyter_client"], { stdio: "ignore", timeout: 20_000 });
    if (r.status === 0) {
      cachedPython = py;
      break;
    }
  }
  return cachedPython;
}

/** The lessons of a folder: NN-slug.ipynb, in chapter order. */
export function listLessons(dir = path.join(PROJECT_ROOT, "notebooks")): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{2}-.+\.ipynb$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * The executed copy of `notebook` in `outDir` when it is newer than the notebook and its run went
 * through without error, else null: what a site build can reuse instead of running it again.
 */
export function freshExecutedCopy(notebook: string, outDir: string = EXECUTED_DIR): string | null {
  const copy = path.join(outDir, path.basename(notebook));
  try {
    if (fs.statSync(copy).mtimeMs < fs.statSync(notebook).mtimeMs) return null;
    const nb = JSON.parse(fs.readFileSync(copy, "utf8")) as { metadata?: { dl_lessons?: { ok?: boolean } } };
    return nb.metadata?.dl_lessons?.ok === true ? copy : null;
  } catch {
    return null;
  }
}

interface Report {
  ok: boolean;
  seconds: number;
  kernel_seconds: number;
  cells: { index: number; seconds: number }[];
  error?: { cell: number; source: string; ename: string; evalue: string; traceback: string[]; kind: string };
  errors?: { cell: number; ename: string; evalue: string; traceback: string[] }[];
  start_attempts?: number;
}

/**
 * Run every code cell of the notebook at `notebookPath` through the kernel (cwd = its folder) and
 * write the executed copy; resolve with the timings or reject with a `NotebookError`.
 */
export async function executeNotebook(notebookPath: string, options: ExecuteOptions = {}): Promise<NotebookRun> {
  const attempts = options.retryGlitch === false ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await executeOnce(notebookPath, options)), retried: attempt > 1 };
    } catch (e) {
      if (!(e instanceof NotebookError) || !TSLAB_GLITCH.test(e.evalue) || attempt >= attempts) throw e;
      console.warn(`${shortPath(e.notebook)}: cell ${e.cell + 1} hit a tslab glitch ("${e.evalue}": the kernel's incremental compiler got a file-watch event at the wrong moment, not an error of the lesson); running the notebook again (${attempt + 1} of ${attempts})`);
    }
  }
}

/**
 * tslab's own compiler state breaking, not the lesson: its TypeScript watch program keeps one
 * timer slot and throws these when a file-watch event (seen while other processes rebuild dist/
 * or write into the project) schedules a second update. Rare on a quiet machine.
 */
const TSLAB_GLITCH = /Unexpected pending rebuildTimer|rebuildTimer is not set properly|clearing unexpected tiemr/;

async function executeOnce(notebookPath: string, options: ExecuteOptions): Promise<NotebookRun> {
  const fn = "executeNotebook";
  if (typeof notebookPath !== "string" || !notebookPath.endsWith(".ipynb")) {
    throw new InputError(fn, "path", "a path to an .ipynb file", describe(notebookPath));
  }
  const notebook = path.resolve(notebookPath);
  if (!fs.existsSync(notebook)) throw new InputError(fn, "path", "an existing notebook", notebook);
  const timeoutSec = options.timeoutSec ?? 90;
  const cellTimeoutSec = options.cellTimeoutSec ?? timeoutSec;
  checkNumber(fn, "timeoutSec", timeoutSec);
  checkNumber(fn, "cellTimeoutSec", cellTimeoutSec);
  if (timeoutSec <= 0) throw new InputError(fn, "timeoutSec", "a number of seconds > 0", String(timeoutSec));
  if (cellTimeoutSec <= 0) throw new InputError(fn, "cellTimeoutSec", "a number of seconds > 0", String(cellTimeoutSec));
  const python = options.python ?? findPython();
  if (!python) {
    throw new InputError(fn, "python", "a Python with nbclient (Debian: apt-get install python3-nbclient; or pip install nbclient)", "none found");
  }
  const outPath = path.resolve(options.outPath ?? path.join(EXECUTED_DIR, path.basename(notebook)));
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const resultPath = path.join(os.tmpdir(), `dl-lessons-run-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const args = [
    EXECUTE_PY, notebook, outPath, resultPath,
    "--kernel", options.kernel ?? "dl-lessons",
    "--timeout", String(timeoutSec),
    "--cell-timeout", String(cellTimeoutSec),
    ...(options.allowErrors ? ["--allow-errors"] : []),
  ];
  const t0 = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(python, args, { env: options.env ?? jupyterEnv(), cwd: path.dirname(notebook), stdio: ["ignore", "ignore", "pipe"] });
    running.add(child);
    child.on("close", () => running.delete(child));
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, stderr: err }));
  });
  const seconds = (performance.now() - t0) / 1000;
  let report: Report;
  try {
    report = JSON.parse(fs.readFileSync(resultPath, "utf8")) as Report;
    fs.rmSync(resultPath, { force: true });
  } catch {
    throw new NotebookError(notebook, -1, "", "RunnerError", `${python} ${path.basename(EXECUTE_PY)} exited with code ${code} and no report`,
      stripAnsi(stderr).trim().split("\n").slice(-15), "kernel", outPath, seconds);
  }
  if (report.error) {
    const e = report.error;
    const traceback = cleanTraceback(e.traceback);
    const nb = JSON.parse(fs.readFileSync(notebook, "utf8")) as { cells: { cell_type: string }[] };
    const codeCell = e.cell < 0 ? -1 : nb.cells.slice(0, e.cell + 1).filter((c) => c.cell_type === "code").length;
    const evalue = stripAnsi(e.evalue);
    const hint = e.kind === "kernel" && /No such kernel|NoSuchKernel/i.test(e.ename + evalue)
      ? " (install the kernelspec: npm run lessons sets it up)" : "";
    throw new NotebookError(notebook, e.cell, e.source, e.ename, evalue + hint, traceback, e.kind, outPath, seconds, codeCell);
  }
  const errors = (report.errors ?? []).map((e) => ({ cell: e.cell, ename: e.ename, evalue: stripAnsi(e.evalue), traceback: cleanTraceback(e.traceback) }));
  return { notebook, outPath, seconds, kernelSeconds: report.kernel_seconds, cells: report.cells, retried: false, errors, startAttempts: report.start_attempts ?? 1 };
}

/** The execute.py processes running now. */
const running = new Set<ChildProcess>();

/**
 * Stop every notebook run of this process: each execute.py gets `signal`, shuts its kernel down
 * and exits; resolves when all have exited (those still there after `graceMs` are killed).
 */
export async function stopRuns(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
  const children = [...running];
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const timer = setTimeout(() => c.kill("SIGKILL"), graceMs);
    c.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    c.kill(signal);
  })));
}

export interface ExecuteManyOptions extends Omit<ExecuteOptions, "outPath"> {
  /** Folder of the executed copies. Default build/executed/. */
  outDir?: string;
  /** How many notebooks run at once (one kernel each). Default 2. */
  parallel?: number;
  /** Called as each notebook finishes, in completion order. */
  onDone?: (run: NotebookRun) => void;
  /** Called as each notebook starts. */
  onStart?: (notebook: string) => void;
}

/**
 * Execute notebooks with up to `parallel` kernels at once; after the first failure no new notebook
 * starts, the running ones finish, and the failure that comes first in `paths` order is thrown.
 * Resolves with the runs in `paths` order.
 */
export async function executeNotebooks(paths: string[], options: ExecuteManyOptions = {}): Promise<NotebookRun[]> {
  const parallel = options.parallel ?? 2;
  if (!Number.isInteger(parallel) || parallel < 1) throw new InputError("executeNotebooks", "parallel", "an integer >= 1", describe(parallel));
  const outDir = options.outDir ?? EXECUTED_DIR;
  const runs: (NotebookRun | undefined)[] = new Array(paths.length);
  const failures: { i: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length && failures.length === 0) {
      const i = next++;
      options.onStart?.(paths[i]);
      try {
        runs[i] = await executeNotebook(paths[i], { ...options, outPath: path.join(outDir, path.basename(paths[i])) });
        options.onDone?.(runs[i] as NotebookRun);
      } catch (error) {
        failures.push({ i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, paths.length) }, worker));
  if (failures.length > 0) throw failures.sort((a, b) => a.i - b.i)[0].error;
  return runs as NotebookRun[];
}
