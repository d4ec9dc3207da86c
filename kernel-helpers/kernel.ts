/**
 * The Jupyter kernel of the lessons: a kernelspec named `dl-lessons` ("Deep Learning (TypeScript)")
 * that starts this project's tslab by absolute path, installed next to the project (found through
 * `JUPYTER_PATH=<project>/.jupyter`, see `jupyterEnv`) or for the user (`--user`).
 *
 * It also makes `import { Tensor } from "dl-lessons"` and `import { show } from "dl-lessons/kernel"`
 * work in a notebook cell. tslab type-checks each cell with its own TypeScript 5.0 and the old
 * Node10 module resolution, which ignores `exports` maps and cannot import a package by its own
 * name; so `installNotebookImports` writes a small shim package `node_modules/dl-lessons/` that
 * forwards, for Node and for the type checker, to the compiled `dist/` (`npm run build`).
 *
 *   node --import tsx kernel-helpers/kernel.ts install [--user]   # kernelspec + notebook imports
 *   node --import tsx kernel-helpers/kernel.ts uninstall [--user]
 *   node --import tsx kernel-helpers/kernel.ts env                # `export JUPYTER_PATH=…` for a shell
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, describe } from "../src/errors";

/** The kernelspec's name (the folder under kernels/, and `kernel_name` in notebooks). */
export const KERNEL_NAME = "dl-lessons";
/** What Jupyter shows in its kernel menu. */
export const KERNEL_DISPLAY_NAME = "Deep Learning (TypeScript)";

/** The content of kernel.json. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  /** Jupyter interrupts the kernel with SIGINT (tslab and `liveTraining` handle it). */
  interrupt_mode: "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export interface KernelLocation {
  /** Install for the user (jupyter's user data dir) instead of the project. Default: false. */
  user?: boolean;
  /** The project whose `.jupyter/` receives the kernelspec. Default: this project (`projectRoot()`). */
  projectDir?: string;
}

/**
 * The root of this project: the nearest folder above this file holding the package.json of
 * `dl-lessons` (works from kernel-helpers/ under tsx and from dist/kernel-helpers/ once built).
 */
export function projectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && path.basename(path.dirname(dir)) !== "node_modules") {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "dl-lessons") return dir;
      } catch {
        // not JSON: keep climbing
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new InputError("projectRoot", "from", "a folder inside the dl-lessons project", from);
    dir = up;
  }
}

/** `<project>/.jupyter`: the project's own Jupyter data dir (kernels/dl-lessons lives below it). */
export function projectJupyterDir(projectDir: string = projectRoot()): string {
  return path.join(projectDir, ".jupyter");
}

/**
 * The environment in which `jupyter` finds the project's kernel: `JUPYTER_PATH` starts with
 * `<project>/.jupyter` (any earlier value is kept after it). Pass it to every child process that
 * runs Jupyter: `spawn("jupyter", args, { env: jupyterEnv() })`.
 */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env, projectDir: string = projectRoot()): NodeJS.ProcessEnv {
  const own = projectJupyterDir(projectDir);
  const rest = (base.JUPYTER_PATH ?? "").split(path.delimiter).filter((p) => p !== "" && path.resolve(p) !== own);
  // PYDEVD_DISABLE_FILE_VALIDATION only silences a debugger warning that python prints on start.
  return { PYDEVD_DISABLE_FILE_VALIDATION: "1", ...base, JUPYTER_PATH: [own, ...rest].join(path.delimiter) };
}

/**
 * Jupyter's per-user data dir, as jupyter_core computes it: $JUPYTER_DATA_DIR, else
 * ~/Library/Jupyter (macOS), %APPDATA%\jupyter (Windows), $XDG_DATA_HOME/jupyter or
 * ~/.local/share/jupyter (Linux).
 */
export function userJupyterDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** The folder of the kernelspec: `<data dir>/kernels/dl-lessons`. */
export function kernelDir(where: KernelLocation = {}): string {
  const base = where.user ? userJupyterDir() : projectJupyterDir(where.projectDir ?? projectRoot());
  return path.join(base, "kernels", KERNEL_NAME);
}

/** Absolute path of tslab's launcher in this project's node_modules. */
export function tslabBin(): string {
  const pkg = require.resolve("tslab/package.json", { paths: [projectRoot()] });
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/** The file, next to kernel.json, that node preloads before tslab (see PROTOCOL_FIXES). */
export const PROTOCOL_FIXES_FILE = "tslab-protocol-fixes.js";

/**
 * Two replies of tslab 1.0.22 miss fields that the Jupyter messaging protocol (5.x) requires and
 * that Debian's jupyter_kernel_test checks: kernel_info_reply has no `status`, and an
 * execute_reply with status "error" has no `ename`, `evalue`, `traceback` (so nbclient can only
 * say "<Error>"). This preload, given to node with --require before tslab starts, adds them:
 * the error fields come from what the failing cell wrote to stderr (tslab prints type errors and
 * exceptions there). It patches tslab's JupyterHandlerImpl when that module loads, whichever copy
 * of tslab the kernel ends up running; nothing else changes.
 */
export const PROTOCOL_FIXES = String.raw`"use strict";
// Written by dl-lessons kernel-helpers/kernel.ts: protocol fixes for tslab, preloaded by node.
const Module = require("module");
const load = Module._load;
const ANSI = /\u001b\[[0-9;]*m/g;
function errorFields(stderr) {
  const lines = stderr.replace(ANSI, "").split("\n").filter((l) => l.trim() !== "");
  const first = (lines[0] || "").trim();
  // an exception: Node prints "file:line", the source line and a caret before "Name: message"
  for (const line of lines) {
    const e = /^(\w*(?:Error|Exception))(?: \[[^\]]*\])?: ?(.*)$/.exec(line.trim());
    if (e) return { ename: e[1], evalue: e[2], traceback: lines };
  }
  const m = /^(?:\S+ )?\d+:\d+ - (.*)$/.exec(first);
  if (m) return { ename: "TSError", evalue: lines.map((l) => l.replace(/^(?:\S+ )?\d+:\d+ - /, "")).join("; "), traceback: lines };
  return { ename: "Error", evalue: first || "the cell failed", traceback: lines };
}
function patch(jupyter) {
  const H = jupyter.JupyterHandlerImpl.prototype;
  if (H.__dlLessonsPatched) return;
  H.__dlLessonsPatched = true;
  const handleKernel = H.handleKernel;
  H.handleKernel = function () {
    return Object.assign({ status: "ok" }, handleKernel.apply(this, arguments));
  };
  const handleExecute = H.handleExecute;
  H.handleExecute = async function (req, writeStream, writeDisplayData) {
    let stderr = "";
    const tee = (name, text) => {
      if (name === "stderr" && stderr.length < 20000) stderr += text;
      return writeStream(name, text);
    };
    const reply = await handleExecute.call(this, req, tee, writeDisplayData);
    if (reply && reply.status === "error" && reply.ename === undefined) Object.assign(reply, errorFields(stderr));
    return reply;
  };
}
Module._load = function () {
  const exp = load.apply(this, arguments);
  const H = exp && typeof exp.JupyterHandlerImpl === "function" ? exp.JupyterHandlerImpl.prototype : null;
  if (H && !H.__dlLessonsPatched) {
    try {
      patch(exp);
    } catch (e) {
      console.error("dl-lessons: tslab protocol fixes not applied:", e);
    }
  }
  return exp;
};
`;

/**
 * The kernel.json of the dl-lessons kernel: node and tslab by absolute path, so that Jupyter
 * starts the right versions whatever its PATH is, with the protocol fixes preloaded from the
 * kernelspec's folder `dir`.
 */
export function kernelSpec(dir: string = kernelDir()): KernelSpec {
  return {
    argv: [process.execPath, "--require", path.join(dir, PROTOCOL_FIXES_FILE), tslabBin(), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { "dl-lessons": { tslab: tslabVersion(), node: process.version } },
  };
}

function tslabVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(path.dirname(tslabBin()), "..", "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** What `installKernel` did. */
export interface InstallResult {
  /** the kernelspec folder (holding kernel.json) */
  dir: string;
  spec: KernelSpec;
  /** the shim package for notebook imports, or null for a --user install */
  imports: string | null;
}

/**
 * Install the kernelspec (and, for a project install, the notebook imports); replaces an older
 * install in the same place.
 */
export function installKernel(where: KernelLocation = {}): InstallResult {
  checkLocation("installKernel", where);
  const dir = kernelDir(where);
  const spec = kernelSpec(dir);
  fs.mkdirSync(dir, { recursive: true });
  writeIfChanged(path.join(dir, PROTOCOL_FIXES_FILE), PROTOCOL_FIXES);
  writeIfChanged(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 1) + "\n");
  const imports = where.user ? null : installNotebookImports(where.projectDir ?? projectRoot());
  return { dir, spec, imports };
}

/** Remove the kernelspec (and the notebook imports of a project install); false when nothing was installed. */
export function uninstallKernel(where: KernelLocation = {}): boolean {
  checkLocation("uninstallKernel", where);
  const dir = kernelDir(where);
  const existed = fs.existsSync(path.join(dir, "kernel.json"));
  fs.rmSync(dir, { recursive: true, force: true });
  if (!where.user) fs.rmSync(shimDir(where.projectDir ?? projectRoot()), { recursive: true, force: true });
  return existed;
}

function checkLocation(fn: string, where: KernelLocation): void {
  if (typeof where !== "object" || where === null) throw new InputError(fn, "where", "{ user?, projectDir? }", describe(where));
  if (where.projectDir !== undefined && (typeof where.projectDir !== "string" || !fs.existsSync(where.projectDir))) {
    throw new InputError(fn, "where.projectDir", "an existing folder", describe(where.projectDir));
  }
}

function shimDir(projectDir: string): string {
  return path.join(projectDir, "node_modules", KERNEL_NAME);
}

/**
 * Write `node_modules/dl-lessons/` in `projectDir`: `index.js` / `index.d.ts` forward to
 * dist/src/index, `kernel.js` / `kernel.d.ts` to dist/kernel-helpers/index, so that a notebook
 * anywhere below `projectDir` resolves `"dl-lessons"` and `"dl-lessons/kernel"`, with types, under
 * tslab's Node10 resolution. Returns the shim's folder.
 */
export function installNotebookImports(projectDir: string = projectRoot()): string {
  if (typeof projectDir !== "string" || !fs.existsSync(projectDir)) {
    throw new InputError("installNotebookImports", "projectDir", "an existing folder", describe(projectDir));
  }
  const dir = shimDir(projectDir);
  const dist = path.join(projectRoot(), "dist");
  // Relative targets keep the project movable; "./" keeps them relative for require.
  const rel = (target: string) => {
    const r = path.relative(dir, path.join(dist, target)).split(path.sep).join("/");
    return r.startsWith(".") ? r : `./${r}`;
  };
  const files: Record<string, string> = {
    "package.json": JSON.stringify(
      { name: KERNEL_NAME, version: "0.0.0-local", private: true, description: "Written by kernel-helpers/kernel.ts: forwards to the project's dist/.", main: "index.js", types: "index.d.ts" },
      null,
      1,
    ) + "\n",
    "index.js": `module.exports = require(${JSON.stringify(rel("src/index.js"))});\n`,
    "index.d.ts": `export * from ${JSON.stringify(rel("src/index"))};\n`,
    "kernel.js": `module.exports = require(${JSON.stringify(rel("kernel-helpers/index.js"))});\n`,
    "kernel.d.ts": `export * from ${JSON.stringify(rel("kernel-helpers/index"))};\n`,
    "tf.js": `module.exports = require(${JSON.stringify(rel("src/tf/index.js"))});\n`,
    "tf.d.ts": `export * from ${JSON.stringify(rel("src/tf/index"))};\n`,
    "grade.js": `module.exports = require(${JSON.stringify(rel("kernel-helpers/grade/index.js"))});\n`,
    "grade.d.ts": `export * from ${JSON.stringify(rel("kernel-helpers/grade/index"))};\n`,
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeIfChanged(path.join(dir, name), text);
  return dir;
}

// ------------------------------------------------------------------ command line

const USAGE = "usage: node --import tsx kernel-helpers/kernel.ts install [--user] | uninstall [--user] | env";

/** The command line: install [--user] | uninstall [--user] | env. Returns the exit code. */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  const [cmd, ...rest] = argv;
  const user = rest.includes("--user");
  const unknown = rest.filter((a) => a !== "--user");
  if (unknown.length > 0 || (cmd === "env" && user)) {
    console.error(`kernel: unexpected argument ${unknown[0] ?? "--user"}\n${USAGE}`);
    return 2;
  }
  switch (cmd) {
    case "install": {
      const r = installKernel({ user });
      console.log(`installed kernelspec "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}) in ${r.dir}`);
      if (r.imports) console.log(`notebook imports "dl-lessons" and "dl-lessons/kernel" in ${r.imports}`);
      if (!fs.existsSync(path.join(projectRoot(), "dist", "src", "index.js"))) {
        console.log("note: dist/ is not built yet; run `npm run build` before opening a notebook");
      }
      if (!user) console.log(`Jupyter finds it with JUPYTER_PATH=${projectJupyterDir()} (see \`kernel.ts env\`)`);
      return 0;
    }
    case "uninstall": {
      const existed = uninstallKernel({ user });
      console.log(existed ? `removed ${kernelDir({ user })}` : `nothing to remove at ${kernelDir({ user })}`);
      return 0;
    }
    case "env": {
      const v = jupyterEnv();
      console.log(`export JUPYTER_PATH=${shellQuote(v.JUPYTER_PATH ?? "")}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

if (require.main === module) process.exitCode = main();

/**
 * Write a file only when its content differs: a running tslab kernel watches the files its
 * cells import, and a rewrite with the same bytes still wakes its watcher mid-cell.
 */
function writeIfChanged(file: string, text: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === text) return;
  } catch {
    // absent: write it
  }
  fs.writeFileSync(file, text);
}
