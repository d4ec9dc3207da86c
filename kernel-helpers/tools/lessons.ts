/**
 * The main job, `npm run lessons`: set up what is missing, execute every lesson through the real
 * kernel, and write the offline HTML lesson site.
 *
 *   npm run lessons                   # set up, run notebooks/NN-*.ipynb in order, write site/
 *   npm run lessons -- --only 03      # one lesson (the site keeps the other up-to-date pages)
 *   npm run lessons -- --no-site      # run only
 *   npm start                         # (tools/start.ts) Jupyter on notebooks/ with the kernel ready
 *
 * Options: --only NN[,NN…] | --no-site | --parallel N (default 2) | --timeout S (per lesson,
 * default 300: a hang guard; lessons take 10–70 s each) | --out DIR (site folder, default site/) | --timings FILE (JSON of the timings) |
 * --skip-setup (no npm install / build / Jupyter check; the kernelspec is still written) |
 * --no-system (never run apt-get: print the command that installs the missing Debian packages) |
 * --notebooks DIR (another folder of NN-*.ipynb, e.g. the test fixtures).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { installKernel, KERNEL_NAME } from "./kernel";
import { EXECUTED_DIR, NotebookError, freshExecutedCopy, PROJECT_ROOT, executeNotebooks, findPython, listLessons, shortPath, stopRuns, type NotebookRun } from "./run";
import { ensureSystem } from "./setup";
import { SiteError, buildSite } from "./site";

const log = (s = ""): void => console.log(s);
const step = (s: string): void => console.log(`• ${s}`);
const fmt = (s: number): string => `${s.toFixed(1)} s`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export interface LessonsOptions {
  /** lesson numbers ("03") or file names to run; all when empty */
  only: string[];
  site: boolean;
  parallel: number;
  timeoutSec: number;
  outDir: string;
  timingsFile: string | null;
  setup: boolean;
  /** folder of the lessons. Default notebooks/ */
  notebooksDir: string;
  /** never install system packages; print the command instead */
  noSystem: boolean;
}

/** What one `npm run lessons` took, in seconds; written by --timings. */
export interface LessonsTimings {
  total: number;
  setup: number;
  notebooks: Record<string, number>;
  site: number | null;
}

/** Parse the command line of `npm run lessons`; throws on an unknown option. */
export function parseArgs(argv: readonly string[]): LessonsOptions {
  const o: LessonsOptions = { only: [], site: true, parallel: 2, timeoutSec: 300, outDir: path.join(PROJECT_ROOT, "site"), timingsFile: null, setup: true, notebooksDir: path.join(PROJECT_ROOT, "notebooks"), noSystem: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined || v === "") throw new Error(`lessons: ${a} needs a value`);
      return v;
    };
    const name = a.split("=")[0];
    if (name === "--only") o.only.push(...value().split(",").filter(Boolean));
    else if (name === "--no-site") o.site = false;
    else if (name === "--skip-setup") o.setup = false;
    else if (name === "--no-system") o.noSystem = true;
    else if (name === "--parallel") o.parallel = positive(name, value(), true);
    else if (name === "--timeout") o.timeoutSec = positive(name, value(), false);
    else if (name === "--out") o.outDir = path.resolve(value());
    else if (name === "--timings") o.timingsFile = path.resolve(value());
    else if (name === "--notebooks") o.notebooksDir = path.resolve(value());
    else throw new Error(`lessons: unknown option ${a}\n${usage()}`);
  }
  return o;
}

function positive(name: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`lessons: ${name} expects a ${integer ? "whole " : ""}number > 0, got ${v}`);
  return n;
}

function usage(): string {
  return "usage: npm run lessons [-- --only 03[,04] --no-site --parallel 2 --timeout 300 --out site --timings t.json --skip-setup --no-system --notebooks DIR]\n       npm start   (tools/start.ts: Jupyter on notebooks/)";
}

// ---------------------------------------------------------------------------------------------
// Set-up: each step checks first and only acts when something is missing

function run(cmd: string, args: string[], what: string): void {
  step(`${what}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (r.error) throw new Error(`lessons: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`lessons: ${cmd} ${args.join(" ")} failed with exit code ${r.status}`);
}

/** npm dependencies: each one of package.json present in node_modules, else `npm install`. */
function ensureNodeDeps(): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  const missing = names.filter((n) => !fs.existsSync(path.join(PROJECT_ROOT, "node_modules", n, "package.json")));
  if (missing.length === 0) return step(`npm dependencies: all ${names.length} present`);
  run("npm", ["install", "--no-audit", "--no-fund"], `npm dependencies missing (${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", …" : ""}), installing`);
}

/** Compile src/ and kernel-helpers/ to dist/, which the notebooks import (incremental: fast when nothing changed). */
export function buildDist(): void {
  const t0 = performance.now();
  const tsc = path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", path.join("dist", ".tsbuildinfo")], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? "");
    process.stderr.write(r.stderr ?? "");
    throw new Error("lessons: the TypeScript build (tsc -p tsconfig.json) failed; the notebooks import dist/, fix the errors above first");
  }
  step(`built dist/ with tsc (${fmt((performance.now() - t0) / 1000)})`);
}

/** The kernelspec and the notebook import shim (cheap: rewritten on every run so paths stay right). */
function ensureKernel(): void {
  const r = installKernel();
  step(`kernel "${KERNEL_NAME}": ${shortPath(r.dir)}${r.imports ? `; notebook imports in ${shortPath(r.imports)}` : ""}`);
}

/** Everything `npm run lessons` and `npm start` need; returns the Python with Jupyter. */
export function setup(full = true, noSystem = false): string {
  if (full) {
    ensureNodeDeps();
    buildDist();
  }
  const py = full ? ensureSystem({ noSystem, log: (l) => console.log(l) }) : findPython();
  if (!py) throw new Error("lessons: no python3 with nbclient (run without --skip-setup to install it)");
  ensureKernel();
  return py;
}

// ---------------------------------------------------------------------------------------------
// The job

function selectLessons(all: string[], only: string[]): string[] {
  if (only.length === 0) return all;
  const picked = only.map((o) => {
    const hit = all.filter((f) => {
      const b = path.basename(f);
      return b.startsWith(`${o.padStart(2, "0")}-`) || b === o || b === `${o}.ipynb`;
    });
    if (hit.length !== 1) throw new Error(`lessons: --only ${o} matches ${hit.length === 0 ? "no lesson" : hit.map((f) => path.basename(f)).join(", ")}; lessons: ${all.map((f) => path.basename(f, ".ipynb")).join(", ")}`);
    return hit[0];
  });
  return all.filter((f) => picked.includes(f));
}

/** `npm run lessons`: resolves with the timings, or throws (NotebookError, SiteError, set-up errors). */
export async function lessons(options: LessonsOptions): Promise<LessonsTimings> {
  const t0 = performance.now();
  log("dl-lessons: set-up");
  setup(options.setup, options.noSystem);
  const tSetup = (performance.now() - t0) / 1000;

  const all = listLessons(options.notebooksDir);
  if (all.length === 0) throw new Error(`lessons: no lesson found (NN-*.ipynb in ${options.notebooksDir})`);
  const chosen = selectLessons(all, options.only);
  log(`\ndl-lessons: running ${chosen.length} lesson${chosen.length === 1 ? "" : "s"} through the kernel (${options.parallel} at a time, ${options.timeoutSec} s each at most)`);
  const timings: Record<string, number> = {};
  // executed copies: build/executed/ for notebooks/, build/executed-<folder>/ for another folder
  const outDir = path.resolve(options.notebooksDir) === path.join(PROJECT_ROOT, "notebooks") ? EXECUTED_DIR : `${EXECUTED_DIR}-${path.basename(options.notebooksDir)}`;
  const runs: NotebookRun[] = await executeNotebooks(chosen, {
    outDir,
    parallel: options.parallel,
    timeoutSec: options.timeoutSec,
    onDone: (r) => {
      timings[path.basename(r.notebook)] = r.seconds;
      log(`  ✓ ${path.basename(r.notebook, ".ipynb").padEnd(36)} ${fmt(r.seconds).padStart(7)}   (kernel start ${fmt(r.kernelSeconds)}, ${r.cells.length} code cells)${r.retried ? ", run again after a tslab glitch" : ""}`);
    },
  });

  let siteSeconds: number | null = null;
  let siteProblems: string[] = [];
  if (options.site) {
    const t = performance.now();
    const pages = options.only.length === 0 ? runs.map((r) => r.outPath) : all.map((f) => freshExecutedCopy(f, outDir)).filter((c): c is string => c !== null);
    const result = buildSite(pages, options.outDir, { timings, imageDir: options.notebooksDir });
    siteProblems = result.problems;
    siteSeconds = (performance.now() - t) / 1000;
    log(`\ndl-lessons: site written in ${fmt(siteSeconds)}: ${plural(result.pages.length, "lesson page")}, ${plural(result.pages.reduce((a, p) => a + p.charts, 0), "chart")}`);
    if (result.pages.length < all.length) log(`  (${all.length - result.pages.length} lesson(s) left out: never run, or changed since their last run; run them without --only)`);
    log(`  open ${pathToFileURL(result.index).href}`);
    log(`  or serve it: python3 -m http.server -d ${shortPath(result.outDir)} 8000`);
  }
  const total = (performance.now() - t0) / 1000;
  const kernelTime = Object.values(timings).reduce((a, b) => a + b, 0);
  log(`\ndl-lessons: done in ${fmt(total)} (set-up ${fmt(tSetup)}, lessons ${fmt(kernelTime)} of kernel time${siteSeconds !== null ? `, site ${fmt(siteSeconds)}` : ""})`);
  if (siteProblems.length > 0) log(`\ndl-lessons: ${plural(siteProblems.length, "problem")} in the notebooks, refused or cleaned in the site:\n${siteProblems.map((p) => `  - ${p}`).join("\n")}`);
  const out: LessonsTimings = { total, setup: tSetup, notebooks: timings, site: siteSeconds };
  if (options.timingsFile) fs.writeFileSync(options.timingsFile, JSON.stringify(out, null, 1) + "\n");
  return out;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    log(usage());
    return 0;
  }
  await lessons(parseArgs(argv));
  return 0;
}

if (require.main === module) {
  // Ctrl-C or a supervisor's SIGTERM: end the notebook runs (each shuts its kernel down), then exit
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\ndl-lessons: ${signal}, stopping the running notebooks and their kernels`);
      void stopRuns(signal).then(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      if (e instanceof NotebookError) console.error(`\n✗ ${e.message}\n\ndl-lessons: stopped; fix the cell above and run again (npm run lessons -- --only ${path.basename(e.notebook).slice(0, 2)})`);
      else if (e instanceof SiteError) console.error(`\n✗ ${e.message}`);
      else console.error(`\n✗ ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
