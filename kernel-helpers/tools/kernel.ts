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
 *   npm run kernel -- install [--user] [--memory MB]   # kernelspec + notebook imports
 *   npm run kernel -- uninstall [--user]
 *   npm run kernel -- env                              # `export JUPYTER_PATH=…` for a shell
 */
import { checkString } from "../../src/checks";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, checkInt, describe } from "../../src/errors";
import { projectRoot } from "../shared/paths";

/** The kernelspec's name (the folder under kernels/, and `kernel_name` in notebooks). */
export const KERNEL_NAME = "dl-lessons";
/** What Jupyter shows in its kernel menu. */
export const KERNEL_DISPLAY_NAME = "Deep Learning (TypeScript)";

/** The content of kernel.json. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  /** Jupyter interrupts the kernel with SIGINT (tslab, and through the adapter the library, handle it). */
  interrupt_mode: "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export interface KernelLocation {
  /** Install for the user (jupyter's user data dir) instead of the project. Default: false. */
  user?: boolean;
  /** The project whose `.jupyter/` receives the kernelspec. Default: this project (`projectRoot()`). */
  projectDir?: string;
  /** The kernel's heap limit in MB. Default: $DL_LESSONS_KERNEL_MEMORY_MB, else `defaultMemoryMb()`. */
  memoryMb?: number;
}

export { projectRoot };

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
  if (typeof base !== "object" || base === null || Array.isArray(base)) throw new InputError("jupyterEnv", "base", "an environment object such as process.env", describe(base));
  checkString("jupyterEnv", "projectDir", projectDir, "a folder path");
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
  checkLocation("kernelDir", where);
  const base = where.user ? userJupyterDir() : projectJupyterDir(where.projectDir ?? projectRoot());
  return path.join(base, "kernels", KERNEL_NAME);
}

/** Absolute path of tslab's launcher in this project's node_modules. */
export function tslabBin(): string {
  const pkg = require.resolve("tslab/package.json", { paths: [projectRoot()] });
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/**
 * The tslab adapter's kernel side (kernel-helpers/tslab/preload.ts, compiled to dist/), which
 * node preloads with --require before tslab starts: protocol fixes, stop_on_error, Interrupt
 * handed to the library, and the memory watchdog.
 */
export function preloadFile(projectDir: string = projectRoot()): string {
  return path.join(projectDir, "dist", "kernel-helpers", "tslab", "preload.js");
}

/** Default heap limit of the kernel in MB: 4096, or half of the machine's memory when that is smaller. */
export function defaultMemoryMb(totalBytes: number = os.totalmem()): number {
  return Math.max(256, Math.min(4096, Math.floor(totalBytes / 2 / 2 ** 20)));
}

/**
 * The heap limit asked for: `memoryMb` when given, else $DL_LESSONS_KERNEL_MEMORY_MB, else the
 * default. An InputError for anything but a whole number of MB >= 128.
 */
export function kernelMemoryMb(memoryMb?: number, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.DL_LESSONS_KERNEL_MEMORY_MB;
  const v = memoryMb ?? (fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : defaultMemoryMb());
  if (typeof v !== "number" || !Number.isInteger(v) || v < 128) {
    throw new InputError("installKernel", memoryMb !== undefined ? "where.memoryMb" : "DL_LESSONS_KERNEL_MEMORY_MB", "a whole number of MB >= 128", describe(memoryMb ?? fromEnv));
  }
  return v;
}

/**
 * The kernel.json of the dl-lessons kernel: node and tslab by absolute path, so that Jupyter
 * starts the right versions whatever its PATH is, with the tslab adapter preloaded from dist/ and
 * a heap limit of `memoryMb` (the watchdog restarts the kernel near it, with a message in the cell).
 */
export function kernelSpec(memoryMb: number = kernelMemoryMb()): KernelSpec {
  checkInt("kernelSpec", "memoryMb", memoryMb, 128);
  return {
    argv: [process.execPath, `--max-old-space-size=${memoryMb}`, "--require", preloadFile(), tslabBin(), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { "dl-lessons": { tslab: tslabVersion(), node: process.version, memoryMb } },
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
  /** the kernel's heap limit in MB (--max-old-space-size) */
  memoryMb: number;
}

/**
 * Install the kernelspec (and, for a project install, the notebook imports); replaces an older
 * install in the same place.
 */
export function installKernel(where: KernelLocation = {}): InstallResult {
  checkLocation("installKernel", where);
  const dir = kernelDir(where);
  const memoryMb = kernelMemoryMb(where.memoryMb);
  const spec = kernelSpec(memoryMb);
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, "tslab-protocol-fixes.js"), { force: true }); // the preload of older installs
  writeIfChanged(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 1) + "\n");
  const imports = where.user ? null : installNotebookImports(where.projectDir ?? projectRoot());
  return { dir, spec, imports, memoryMb };
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
  if (where.memoryMb !== undefined) kernelMemoryMb(where.memoryMb);
}

function shimDir(projectDir: string): string {
  return path.join(projectDir, "node_modules", KERNEL_NAME);
}

/**
 * Write `node_modules/dl-lessons/` in `projectDir`: `index.js` / `index.d.ts` forward to
 * dist/src/index, `kernel.*` to dist/kernel-helpers/index, `tf.*` to dist/src/tf/index and
 * `grade.*` to dist/kernel-helpers/grade/index, so that a notebook anywhere below `projectDir`
 * resolves "dl-lessons", "dl-lessons/kernel", "dl-lessons/tf" and "dl-lessons/grade", with
 * types, under tslab's Node10 resolution. Returns the shim's folder.
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
      { name: KERNEL_NAME, version: "0.0.0-local", private: true, description: "Written by kernel-helpers/tools/kernel.ts: forwards to the project's dist/.", main: "index.js", types: "index.d.ts" },
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

const USAGE = "usage: npm run kernel -- install [--user] [--memory MB] | uninstall [--user] | env";

/** The command line: install [--user] [--memory MB] | uninstall [--user] | env. Returns the exit code. */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  const [cmd, ...args] = argv;
  const rest = [...args];
  let memoryMb: number | undefined;
  const m = rest.findIndex((a) => a === "--memory" || a.startsWith("--memory="));
  if (m >= 0) {
    const raw = rest[m].includes("=") ? rest[m].slice("--memory=".length) : rest[m + 1];
    rest.splice(m, rest[m].includes("=") ? 1 : 2);
    memoryMb = Number(raw);
    if (cmd !== "install" || !Number.isInteger(memoryMb) || memoryMb < 128) {
      console.error(`kernel: --memory expects a whole number of MB >= 128 with install, got ${raw ?? "nothing"}\n${USAGE}`);
      return 2;
    }
  }
  const user = rest.includes("--user");
  const unknown = rest.filter((a) => a !== "--user");
  if (unknown.length > 0 || (cmd === "env" && user)) {
    console.error(`kernel: unexpected argument ${unknown[0] ?? "--user"}\n${USAGE}`);
    return 2;
  }
  switch (cmd) {
    case "install": {
      const r = installKernel({ user, memoryMb });
      console.log(`installed kernelspec "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}) in ${r.dir}`);
      console.log(`kernel heap limit ${r.memoryMb} MB (change it with --memory MB or DL_LESSONS_KERNEL_MEMORY_MB)`);
      if (r.imports) console.log(`notebook imports "dl-lessons", "dl-lessons/kernel", "dl-lessons/tf" and "dl-lessons/grade" in ${r.imports}`);
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
