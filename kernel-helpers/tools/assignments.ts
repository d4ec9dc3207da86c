/**
 * Student notebooks from solution notebooks (notebooks/assignments/FORMAT.md):
 *
 *   npm run assignments            # write notebooks/assignments/<id>/student/<id>.ipynb for each assignment
 *   npm run assignments -- --check # exit 1 when a student notebook is missing or stale
 *
 * Solution regions become a stub that throws "not implemented yet: <task>", hidden-test regions
 * are removed, outputs are cleared, and nbgrader's cell metadata is written so that nbgrader
 * recognises the cells. The solution notebook is the only one a teacher edits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, describe } from "../../src/errors";
import { parseHiddenCases, HIDDEN_BEGIN, HIDDEN_END, type HiddenCase } from "../grade/cases";
import { projectRoot } from "../shared/paths";

export const SOLUTION_BEGIN = "// BEGIN SOLUTION";
export const SOLUTION_END = "// END SOLUTION";
/** Where the assignments live. */
export const ASSIGNMENTS_DIR = path.join(projectRoot(), "notebooks", "assignments");

/** A notebook as JSON (the fields this tool reads and writes). */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { dl_lessons?: CellRole; nbgrader?: NbgraderMeta; [k: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
}

/** metadata.dl_lessons of an assignment's cell. */
export interface CellRole {
  setup?: boolean;
  task?: string;
  title?: string;
  test?: string;
  points?: number;
  calls?: string[];
}

/** nbgrader's cell metadata, schema 3. */
export interface NbgraderMeta {
  grade: boolean;
  grade_id: string;
  locked: boolean;
  points?: number;
  solution: boolean;
  schema_version: 3;
}

/** One task with its test: what the grader needs to find the student's code and the hidden cases. */
export interface TaskInfo {
  id: string;
  title: string;
  points: number;
  calls: string[];
  /** names declared at top level of the task cell as `function name(` */
  functions: string[];
  hidden: HiddenCase[];
}

export const sourceOf = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** Source text as Jupyter stores it: lines with their newlines. */
function toLines(text: string): string[] {
  const parts = text.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== "");
}

/** The solution notebooks: notebooks/assignments/<dir>/<dir>.ipynb, sorted. */
export function listAssignments(dir = ASSIGNMENTS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, `${d.name}.ipynb`)))
    .map((d) => path.join(dir, d.name, `${d.name}.ipynb`))
    .sort();
}

/** Where the student version of a solution notebook goes. */
export function studentPath(solutionPath: string): string {
  return path.join(path.dirname(solutionPath), "student", path.basename(solutionPath));
}

export function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

/**
 * Split a source on region markers: `keep` gets the lines outside, `inside` the lines between
 * (markers excluded), `stub(indent)` replaces each region. Throws on unbalanced markers.
 */
function replaceRegions(fn: string, where: string, text: string, begin: string, end: string, stub: (indent: string) => string[]): { out: string; inside: string[] } {
  const out: string[] = [];
  const inside: string[] = [];
  let open: string | null = null;
  text.split("\n").forEach((line, i) => {
    const t = line.trim();
    if (t === begin) {
      if (open !== null) throw new InputError(fn, where, `${end} before the next ${begin}`, `a second ${begin} at line ${i + 1}`);
      open = line.slice(0, line.length - line.trimStart().length);
    } else if (t === end) {
      if (open === null) throw new InputError(fn, where, `${begin} before ${end}`, `${end} alone at line ${i + 1}`);
      out.push(...stub(open));
      open = null;
    } else if (open !== null) inside.push(line);
    else out.push(line);
  });
  if (open !== null) throw new InputError(fn, where, `${end} after ${begin}`, "a region left open");
  return { out: out.join("\n"), inside };
}

/** Top-level `function name(` declarations of a cell. */
export function declaredFunctions(source: string): string[] {
  return [...source.matchAll(/^(?:export\s+)?(?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*[(<]/gm)].map((m) => m[1]);
}

/** The tasks of a solution notebook, checked: each task has one test, calls name declared functions, cases parse. */
export function tasksOf(nb: Notebook, where = "notebook"): TaskInfo[] {
  const fn = "tasksOf";
  const tasks = new Map<string, TaskInfo>();
  const tests = new Map<string, Cell>();
  nb.cells.forEach((c, i) => {
    const role = c.metadata?.dl_lessons;
    if (role?.task !== undefined) {
      if (!/^[a-z0-9-]+$/.test(role.task)) throw new InputError(fn, `${where} cell ${i}`, "a task id of [a-z0-9-]", describe(role.task));
      if (tasks.has(role.task)) throw new InputError(fn, `${where} cell ${i}`, "a task id used once", role.task);
      if (typeof role.title !== "string" || role.title === "") throw new InputError(fn, `${where} cell ${i}`, "a task with a title", describe(role.title));
      const src = sourceOf(c);
      if (!src.includes(SOLUTION_BEGIN)) throw new InputError(fn, `${where} cell ${i}`, `a task cell with a ${SOLUTION_BEGIN} region`, "none");
      tasks.set(role.task, { id: role.task, title: role.title, points: 0, calls: [], functions: declaredFunctions(src), hidden: [] });
    }
    if (role?.test !== undefined) {
      if (tests.has(role.test)) throw new InputError(fn, `${where} cell ${i}`, "one test cell per task", `a second test of ${role.test}`);
      tests.set(role.test, c);
    }
  });
  for (const [id, c] of tests) {
    const t = tasks.get(id);
    const role = c.metadata.dl_lessons as CellRole;
    if (t === undefined) throw new InputError(fn, `${where} test ${id}`, "a task cell with the same id", "none");
    if (!(typeof role.points === "number" && role.points > 0)) throw new InputError(fn, `${where} test ${id}`, "points > 0", describe(role.points));
    if (!Array.isArray(role.calls) || role.calls.length === 0) throw new InputError(fn, `${where} test ${id}`, "calls: the functions the hidden cases call", describe(role.calls));
    t.points = role.points;
    t.calls = role.calls;
    t.hidden = parseHiddenCases(sourceOf(c));
    if (t.hidden.length === 0) throw new InputError(fn, `${where} test ${id}`, "at least one hidden case", "none");
    const bad = t.hidden.find((h) => !role.calls!.includes(h.fn));
    if (bad) throw new InputError(fn, `${where} test ${id}`, `hidden cases calling only ${role.calls.join(", ")}`, `case "${bad.name}" calls ${bad.fn}`);
  }
  const declared = new Set([...tasks.values()].flatMap((t) => t.functions));
  for (const t of tasks.values()) {
    if (t.points === 0) throw new InputError(fn, `${where} task ${t.id}`, "a test cell", "none");
    const missing = t.calls.find((n) => !declared.has(n));
    if (missing) throw new InputError(fn, `${where} test ${t.id}`, "calls of functions declared in task cells", missing);
  }
  return [...tasks.values()];
}

/** The student version of a solution notebook (a new object; the solution is not changed). */
export function studentNotebook(solution: Notebook, where = "notebook"): Notebook {
  const fn = "studentNotebook";
  tasksOf(solution, where);
  let readOnly = 0;
  const cells = solution.cells.map((c, i): Cell => {
    const role = c.metadata?.dl_lessons;
    const src = sourceOf(c);
    const meta: Cell["metadata"] = { ...c.metadata };
    delete meta.nbgrader;
    let text = src;
    if (role?.task !== undefined) {
      const title = role.title as string;
      text = replaceRegions(fn, `${where} cell ${i}`, src, SOLUTION_BEGIN, SOLUTION_END, (indent) => [
        `${indent}// YOUR CODE HERE`,
        `${indent}throw new Error(${JSON.stringify(`not implemented yet: ${title}`)});`,
      ]).out;
      meta.nbgrader = { grade: false, grade_id: role.task, locked: false, points: 0, solution: true, schema_version: 3 };
    } else {
      if (src.includes(SOLUTION_BEGIN)) throw new InputError(fn, `${where} cell ${i}`, "solution regions only in task cells", "a region in another cell");
      if (role?.test !== undefined) {
        text = replaceRegions(fn, `${where} cell ${i}`, src, HIDDEN_BEGIN, HIDDEN_END, () => []).out.replace(/\n+$/, "");
        meta.nbgrader = { grade: true, grade_id: `${role.test}-tests`, locked: true, points: role.points as number, solution: false, schema_version: 3 };
      } else if (src.includes(HIDDEN_BEGIN)) {
        throw new InputError(fn, `${where} cell ${i}`, "hidden tests only in test cells", "a hidden region in another cell");
      } else if (role?.setup === true || c.cell_type === "markdown") {
        meta.nbgrader = { grade: false, grade_id: `read-only-${++readOnly}`, locked: true, solution: false, schema_version: 3 };
      }
    }
    const out: Cell = { cell_type: c.cell_type, metadata: meta, source: toLines(text) };
    if (c.id !== undefined) out.id = c.id;
    if (c.cell_type === "code") {
      out.execution_count = null;
      out.outputs = [];
    }
    return out;
  });
  return { cells, metadata: { ...solution.metadata }, nbformat: solution.nbformat, nbformat_minor: solution.nbformat_minor };
}

/** The text a student must never see: every line inside a solution or hidden region (trimmed, non-empty). */
export function secretLines(solution: Notebook): string[] {
  const lines: string[] = [];
  for (const c of solution.cells) {
    const src = sourceOf(c);
    for (const [b, e] of [[SOLUTION_BEGIN, SOLUTION_END], [HIDDEN_BEGIN, HIDDEN_END]]) {
      lines.push(...replaceRegions("secretLines", "cell", src, b, e, () => []).inside);
    }
  }
  return lines.map((l) => l.trim()).filter((l) => l !== "");
}

/**
 * Secret lines that appear in a student notebook although the solution has them nowhere outside
 * its regions: a leak. Empty for a correct generation.
 */
export function leakedLines(solution: Notebook, student: Notebook): string[] {
  const outside = new Set<string>();
  for (const c of solution.cells) {
    let src = sourceOf(c);
    for (const [b, e] of [[SOLUTION_BEGIN, SOLUTION_END], [HIDDEN_BEGIN, HIDDEN_END]]) src = replaceRegions("leakedLines", "cell", src, b, e, () => []).out;
    for (const l of src.split("\n")) outside.add(l.trim());
  }
  const studentText = JSON.stringify(student);
  const studentLines = new Set(student.cells.flatMap((c) => sourceOf(c).split("\n").map((l) => l.trim())));
  return secretLines(solution).filter((l) => !outside.has(l) && (studentLines.has(l) || (l.length >= 12 && studentText.includes(JSON.stringify(l).slice(1, -1)))));
}

function serialize(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** Write (or, with check, compare) every student notebook; returns the paths that were stale. */
export function generateAll(opts: { check?: boolean; dir?: string; log?: (line: string) => void } = {}): string[] {
  const log = opts.log ?? (() => {});
  const stale: string[] = [];
  for (const sol of listAssignments(opts.dir)) {
    const where = path.relative(projectRoot(), sol);
    const text = serialize(studentNotebook(readNotebook(sol), where));
    const out = studentPath(sol);
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : null;
    if (current === text) {
      log(`up to date  ${path.relative(projectRoot(), out)}`);
      continue;
    }
    stale.push(out);
    if (opts.check) log(`STALE       ${path.relative(projectRoot(), out)} (run npm run assignments)`);
    else {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text);
      log(`wrote       ${path.relative(projectRoot(), out)}`);
    }
  }
  return stale;
}

/** The command line; returns the exit code. */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`assignments: unexpected argument ${unknown[0]}\nusage: npm run assignments [-- --check]`);
    return 2;
  }
  try {
    const stale = generateAll({ check, log: (l) => console.log(l) });
    return check && stale.length > 0 ? 1 : 0;
  } catch (e) {
    console.error(`assignments: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main();
