/**
 * Reading an assignment (its solution notebook, trusted) and a submission (a student's notebook,
 * untrusted), and building the student's module: the solution's setup cells, then the student's
 * task cells matched by grade_id, then `export { … }` of the functions the hidden tests call.
 * The module is type-checked and compiled HERE (reading and compiling text runs none of it); only
 * the sandboxed harness runs it. Cell metadata: notebooks/assignments/FORMAT.md (dl_lessons.setup,
 * .task, .test) with nbgrader's grade_id as a fallback.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { parseHiddenCases, type HiddenCase } from "../../grade/cases";
import { CELL_MARK } from "./protocol";

/** One graded task: the task cell's id and title, its test cell's points, functions and cases. */
export interface Task {
  id: string;
  title: string;
  points: number;
  calls: string[];
  cases: HiddenCase[];
}

export interface Assignment {
  name: string;
  file: string;
  setup: string[];
  tasks: Task[];
  /** sha256 of the solution notebook (setup, tasks and hidden tests): part of the re-run key */
  hash: string;
}

interface Cell {
  cell_type?: unknown;
  source?: unknown;
  metadata?: { dl_lessons?: Record<string, unknown>; nbgrader?: Record<string, unknown> };
}

/** A cell's source as one string (nbformat allows a string or a list of lines). */
export function sourceOf(cell: Cell): string {
  const s = cell.source;
  if (typeof s === "string") return s;
  if (Array.isArray(s)) return s.filter((x) => typeof x === "string").join("");
  return "";
}

function metaOf(cell: Cell): Record<string, unknown> {
  const m = cell.metadata?.dl_lessons;
  return typeof m === "object" && m !== null ? m : {};
}

/** The grade_id of a task cell: dl_lessons.task, else nbgrader's grade_id of a solution cell. */
function taskIdOf(cell: Cell): string | null {
  const t = metaOf(cell).task;
  if (typeof t === "string") return t;
  const nb = cell.metadata?.nbgrader;
  if (nb && nb.solution === true && typeof nb.grade_id === "string") return nb.grade_id;
  return null;
}

function readNotebook(file: string, maxBytes: number): { cells: Cell[] } {
  const size = fs.statSync(file).size;
  if (size > maxBytes) throw new Error(`the notebook is ${(size / 1e6).toFixed(1)} MB, more than the ${(maxBytes / 1e6).toFixed(0)} MB a submission may be`);
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  if (typeof nb !== "object" || nb === null || !Array.isArray((nb as { cells?: unknown }).cells)) throw new Error("not a Jupyter notebook (no cells)");
  return nb as { cells: Cell[] };
}

/** Read a solution notebook: its setup cells, tasks and hidden cases. */
export function loadAssignment(file: string): Assignment {
  const text = fs.readFileSync(file);
  const nb = readNotebook(file, 50e6);
  const setup: string[] = [];
  const titles = new Map<string, string>();
  const tasks: Task[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const m = metaOf(cell);
    if (m.setup === true) setup.push(sourceOf(cell));
    const id = taskIdOf(cell);
    if (id !== null && m.test === undefined) titles.set(id, typeof m.title === "string" ? m.title : id);
    if (typeof m.test === "string") {
      const calls = Array.isArray(m.calls) ? m.calls.filter((c): c is string => typeof c === "string") : [];
      tasks.push({ id: m.test, title: m.test, points: typeof m.points === "number" ? m.points : 0, calls, cases: parseHiddenCases(sourceOf(cell)) });
    }
  }
  for (const t of tasks) t.title = titles.get(t.id) ?? t.id;
  if (tasks.length === 0) throw new Error(`${file}: no test cells (metadata.dl_lessons.test) — is this a solution notebook?`);
  return { name: path.basename(file, ".ipynb"), file, setup, tasks, hash: createHash("sha256").update(text).digest("hex") };
}

/** The student's module, compiled, with what could not be used and why. */
export interface StudentModule {
  /** CommonJS JavaScript for the harness */
  js: string;
  /** task id → why its code is not in the module (missing cell, syntax or type errors) */
  excluded: Map<string, string>;
  /** function names of `calls` that the module declares */
  exported: Set<string>;
}

// One compiler host for every submission: lib and dist .d.ts files are parsed once.
const sourceCache = new Map<string, ts.SourceFile | undefined>();
const OPTIONS: ts.CompilerOptions = {
  // as tslab checks a cell: not strict, ES2022, CommonJS-style resolution of "dl-lessons"
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true, skipLibCheck: true, strict: false, noEmit: true, lib: ["lib.es2022.d.ts"], types: ["node"],
};

function check(file: string, source: string): readonly ts.Diagnostic[] {
  const host = ts.createCompilerHost(OPTIONS);
  const base = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => {
    if (name === file) return ts.createSourceFile(name, source, lang, true);
    if (!sourceCache.has(name)) sourceCache.set(name, base(name, lang));
    return sourceCache.get(name);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || exists(name);
  const program = ts.createProgram([file], OPTIONS, host);
  return [...program.getSyntacticDiagnostics(program.getSourceFile(file)), ...program.getSemanticDiagnostics(program.getSourceFile(file))];
}

/** Top-level declared names of a module's source. */
function declaredNames(source: string): Set<string> {
  const sf = ts.createSourceFile("m.ts", source, ts.ScriptTarget.ES2022);
  const names = new Set<string>();
  for (const st of sf.statements) {
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
  }
  return names;
}

const flat = (d: ts.Diagnostic): string => ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];

/**
 * Build the student's module from a submission. A task cell that does not parse or type-check is
 * left out (as the kernel would not run it) and named in `excluded` with the first diagnostic;
 * cells that stop type-checking once another is left out are left out too.
 */
export function buildStudentModule(a: Assignment, submission: string, virtualFile: string, leaveOut: ReadonlyMap<string, string> = new Map()): StudentModule {
  const nb = readNotebook(submission, 20e6);
  const byId = new Map<string, string>();
  for (const cell of nb.cells) {
    const id = cell.cell_type === "code" ? taskIdOf(cell) : null;
    if (id !== null && !byId.has(id)) byId.set(id, sourceOf(cell));
  }
  const excluded = new Map<string, string>(leaveOut);
  for (const t of a.tasks) if (!byId.has(t.id)) excluded.set(t.id, `no cell with grade_id "${t.id}" in the submission (was its cell deleted or its metadata changed?)`);
  const wanted = [...new Set(a.tasks.flatMap((t) => t.calls))];
  for (let round = 0; round <= a.tasks.length; round++) {
    const parts: { id: string | null; text: string }[] = [
      ...a.setup.map((text) => ({ id: null, text })),
      // before each task cell, a line that tells the harness which cell is loading (./harness.ts)
      ...a.tasks.filter((t) => !excluded.has(t.id)).flatMap((t) => [
        { id: null, text: `(globalThis as any)[Symbol.for(${JSON.stringify(CELL_MARK)})]?.(${JSON.stringify(t.id)});` },
        { id: t.id, text: byId.get(t.id) as string },
      ]),
    ];
    // each part on its own lines; remember where each task's lines start and end
    let source = "";
    const ranges: { id: string | null; start: number; end: number }[] = [];
    for (const p of parts) {
      const start = source.length;
      source += `${p.text}\n;\n`;
      ranges.push({ id: p.id, start, end: source.length });
    }
    const declared = declaredNames(source);
    const exported = new Set(wanted.filter((n) => declared.has(n)));
    source += `export { ${[...exported].join(", ")} };\n`;
    const diags = check(virtualFile, source).filter((d) => d.category === ts.DiagnosticCategory.Error);
    let newlyExcluded = false;
    for (const d of diags) {
      const r = ranges.find((x) => d.start !== undefined && d.start >= x.start && d.start < x.end);
      if (r?.id && !excluded.has(r.id)) {
        const { line, character } = ts.getLineAndCharacterOfPosition(ts.createSourceFile("x.ts", source.slice(r.start, r.end), ts.ScriptTarget.ES2022), (d.start as number) - r.start);
        excluded.set(r.id, `the task cell does not ${d.code < 2000 ? "parse" : "type-check"}: ${line + 1}:${character + 1} - ${flat(d)}`);
        newlyExcluded = true;
      }
    }
    if (!newlyExcluded) {
      if (diags.length > 0) {
        // an error outside the task cells (the setup itself): nothing of the module can run
        const msg = `the assignment's setup does not compile with this submission: ${flat(diags[0])}`;
        for (const t of a.tasks) if (!excluded.has(t.id)) excluded.set(t.id, msg);
        return { js: "", excluded, exported: new Set() };
      }
      const js = ts.transpileModule(source, { compilerOptions: { ...OPTIONS, noEmit: false, module: ts.ModuleKind.CommonJS } }).outputText;
      return { js, excluded, exported };
    }
  }
  return { js: "", excluded, exported: new Set() };
}
