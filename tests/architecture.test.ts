/**
 * The house rules, checked on the sources (README, "How the house is built"):
 * - no import circle between the .ts files of src/ and kernel-helpers/ (type-only imports count:
 *   they are a dependency of the design even when the compiler erases them);
 * - src/ (the library) never imports kernel-helpers/ (the notebook side);
 * - the in-cell room of kernel-helpers/ never imports the command-line room, kernel-helpers/tools/;
 * - only src/tf/ loads TensorFlow.js (lessons 1–9 and plain scripts never do);
 * - no .ts file in src/ or kernel-helpers/ is over 500 lines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const MAX_LINES = 500;

/** Every .ts file under a folder of the project, as a path relative to the root with "/". */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

const FILES = [...tsFiles("src"), ...tsFiles("kernel-helpers")];

/** The module names a file imports: import/export … from, bare import, import(), require(); comments removed. */
function specifiers(file: string): string[] {
  const src = fs
    .readFileSync(path.join(ROOT, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of src.matchAll(re)) found.push(m[1]);
  return found;
}

/** A relative specifier resolved to a project file (x.ts or x/index.ts), or null for a package. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const c of [`${base}.ts`, `${base}/index.ts`, base]) if (FILES.includes(c)) return c;
  return null;
}

const GRAPH = new Map(FILES.map((f) => [f, specifiers(f).map((s) => resolve(f, s)).filter((x): x is string => x !== null)]));

/** The first import circle found (a list of files, the first repeated at the end), or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const pathNow: string[] = [];
  const visit = (f: string): string[] | null => {
    state.set(f, 1);
    pathNow.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 1) return [...pathNow.slice(pathNow.indexOf(g)), g];
      if (state.get(g) === undefined) {
        const c = visit(g);
        if (c) return c;
      }
    }
    pathNow.pop();
    state.set(f, 2);
    return null;
  };
  for (const f of graph.keys()) {
    if (state.get(f) === undefined) {
      const c = visit(f);
      if (c) return c;
    }
  }
  return null;
}

test("the checker reads every kind of import and finds a circle when there is one", () => {
  assert.ok(FILES.length > 50, `${FILES.length} files read`);
  // the views import each other through the registry: their edges must be seen
  assert.ok(GRAPH.get("kernel-helpers/views/index.ts")!.includes("kernel-helpers/views/forward.ts"));
  assert.ok(GRAPH.get("kernel-helpers/views/view.ts")!.includes("kernel-helpers/views/html.ts"), "type-only imports count");
  assert.ok(GRAPH.get("src/tensor.ts")!.includes("src/linalg.ts"));
  assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), ["a", "b", "c", "a"]);
  assert.equal(findCycle(new Map([["a", ["b"]], ["b", []], ["c", ["a", "b"]]])), null);
});

test("no import circle in src/ and kernel-helpers/ (type-only imports included)", () => {
  const cycle = findCycle(GRAPH);
  assert.equal(cycle, null, `import circle: ${cycle?.join(" → ")}`);
});

test("src/ never imports kernel-helpers/", () => {
  const bad = FILES.filter((f) => f.startsWith("src/")).flatMap((f) => GRAPH.get(f)!.filter((g) => g.startsWith("kernel-helpers/")).map((g) => `${f} → ${g}`));
  assert.deepEqual(bad, []);
});

test("the in-cell room of kernel-helpers/ never imports the command-line room (kernel-helpers/tools/)", () => {
  const inCell = FILES.filter((f) => f.startsWith("kernel-helpers/") && !f.startsWith("kernel-helpers/tools/"));
  const bad = inCell.flatMap((f) => GRAPH.get(f)!.filter((g) => g.startsWith("kernel-helpers/tools/")).map((g) => `${f} → ${g}`));
  assert.deepEqual(bad, []);
});

test("only src/tf/ imports @tensorflow/*", () => {
  const bad = FILES.filter((f) => !f.startsWith("src/tf/")).flatMap((f) => specifiers(f).filter((s) => s.startsWith("@tensorflow/")).map((s) => `${f} → ${s}`));
  assert.deepEqual(bad, []);
  assert.ok(FILES.some((f) => f.startsWith("src/tf/") && specifiers(f).some((s) => s.startsWith("@tensorflow/"))), "the check sees src/tf's imports");
});

test(`no .ts file in src/ or kernel-helpers/ over ${MAX_LINES} lines`, () => {
  const lines = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8").replace(/\n$/, "").split("\n").length;
  const over = FILES.map((f) => ({ f, n: lines(f) })).filter(({ n }) => n > MAX_LINES).map(({ f, n }) => `${f}: ${n} lines`);
  assert.deepEqual(over, []);
});
