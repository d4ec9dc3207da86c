/**
 * Set-up shared by the tests that run the real kernel: compile dist/ when it is older than the
 * sources (notebooks import "dl-lessons" from dist/ through the shim package), install the
 * dl-lessons kernelspec into the project's .jupyter, and give the environment and the Python
 * with Jupyter. `npm test` on a fresh clone works with nothing built or installed beforehand.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installKernel, jupyterEnv, projectRoot } from "../../kernel-helpers/tools/kernel";

export const ROOT = projectRoot(__dirname);

/** Debian's Python, the one with Jupyter (the `python3` first on PATH may be another). */
export const PYTHON = process.env.DL_LESSONS_PYTHON ?? "/usr/bin/python3";

/** Where tests write executed notebooks and other leftovers (ignored by git). */
export const ARTIFACTS = path.join(ROOT, "test-artifacts", "kernel");

/** The environment in which Jupyter finds the project's kernel, without the debugger's start-up warning. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...jupyterEnv(), PYDEVD_DISABLE_FILE_VALIDATION: "1", ...extra };
}

/** Every .ts source of the build (src/ and kernel-helpers/), with the .js it compiles to. */
function sources(): { ts: string; js: string }[] {
  const out: { ts: string; js: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push({ ts: p, js: path.join(ROOT, "dist", path.relative(ROOT, p)).replace(/\.ts$/, ".js") });
    }
  };
  for (const d of ["src", "kernel-helpers"]) walk(path.join(ROOT, d));
  return out;
}

/** True when some source has no compiled .js or is newer than it. */
export function distIsStale(): boolean {
  return sources().some(({ ts, js }) => !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compile dist/ with the project's tsc when it is stale. A lock folder keeps two test files from
 * compiling at once; type errors elsewhere in the project do not stop the emit (tsc still
 * writes every file), so only a missing entry point fails here.
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  const lock = path.join(ROOT, "test-artifacts", ".build-lock");
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // another test file is compiling: wait for it (a lock older than 5 min is left over)
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - t0 > 300_000) throw new Error("ensureBuilt: waited 5 minutes for test-artifacts/.build-lock");
      sleep(250);
    }
  }
  try {
    if (!distIsStale()) return;
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.json")], { cwd: ROOT, encoding: "utf8" });
    for (const entry of ["dist/src/index.js", "dist/kernel-helpers/index.js"]) {
      if (!fs.existsSync(path.join(ROOT, entry))) throw new Error(`ensureBuilt: tsc did not write ${entry}\n${r.stdout}${r.stderr}`);
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Build when needed and install the kernelspec and the notebook imports into the project. */
export function setupKernel(): void {
  ensureBuilt();
  installKernel();
}
