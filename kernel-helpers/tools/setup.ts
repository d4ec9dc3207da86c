/**
 * The system part of `npm run lessons`: the Debian packages the kit needs, said up front with the
 * reason for each, installed without recommended packages, apt's output kept in build/setup.log,
 * one line per step. Without root (or with --no-system) it prints the exact command instead.
 *
 *   node --import tsx kernel-helpers/tools/setup.ts            # what is missing, and the command
 *   node --import tsx kernel-helpers/tools/setup.ts --measure  # download size with / without recommends
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, shortPath } from "../shared/paths";
import { findPython } from "./run";

/** A Debian package the kit needs, and why. */
export interface DebianPackage {
  name: string;
  why: string;
}

export const DEBIAN_PACKAGES: readonly DebianPackage[] = [
  { name: "python3-nbclient", why: "runs the lessons through the kernel (npm run lessons, the tests)" },
  { name: "jupyter-notebook", why: "the notebook server and UI of npm start" },
  { name: "jupyter-nbconvert", why: "exports one executed notebook to HTML (jupyter nbconvert --to html)" },
];

/** The log of apt's output. */
export const SETUP_LOG = path.join(PROJECT_ROOT, "build", "setup.log");

/** Package lists older than this are refreshed before installing (seconds). */
export const APT_LISTS_MAX_AGE_S = 24 * 3600;

export interface SystemOptions {
  /** only print the command (never run apt-get) */
  noSystem?: boolean;
  /** one line per step; default console.log */
  log?: (line: string) => void;
}

const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;
const has = (cmd: string): boolean => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;

/** The packages of `names` that dpkg does not list as installed. */
export function missingPackages(names: readonly string[]): string[] {
  return names.filter((n) => {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", n], { encoding: "utf8" });
    return r.status !== 0 || !/install ok installed/.test(r.stdout);
  });
}

/** Age of apt's package lists in seconds (the newest file in /var/lib/apt/lists), null when there are none. */
export function aptListsAge(dir = "/var/lib/apt/lists", now = Date.now()): number | null {
  let newest = -1;
  try {
    for (const f of fs.readdirSync(dir)) {
      if (!/_(Packages|InRelease|Release)(\.\w+)?$/.test(f)) continue;
      newest = Math.max(newest, fs.statSync(path.join(dir, f)).mtimeMs);
    }
  } catch {
    return null;
  }
  return newest < 0 ? null : Math.max(0, (now - newest) / 1000);
}

/** The commands that install `pkgs` (`sudo` in front when not root). */
export function installCommands(pkgs: readonly string[], root = isRoot(), listsAge: number | null = aptListsAge()): string[][] {
  const sudo = root ? [] : ["sudo"];
  const cmds: string[][] = [];
  if (listsAge === null || listsAge > APT_LISTS_MAX_AGE_S) cmds.push([...sudo, "apt-get", "update"]);
  cmds.push([...sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", ...pkgs]);
  return cmds;
}

/** A command as one shell line. */
export const shellLine = (cmd: readonly string[]): string => cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

/** Run a command with its output appended to the log; throws naming the log when it fails. */
function logged(cmd: string[], log: (l: string) => void, what: string): void {
  fs.mkdirSync(path.dirname(SETUP_LOG), { recursive: true });
  fs.appendFileSync(SETUP_LOG, `\n$ ${shellLine(cmd)}   # ${new Date().toISOString()}\n`);
  const fd = fs.openSync(SETUP_LOG, "a");
  const t0 = performance.now();
  try {
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ["ignore", fd, fd] });
    if (r.status !== 0) throw new Error(`lessons: ${what} failed (${shellLine(cmd)}, exit code ${r.status}); apt's output is in ${shortPath(SETUP_LOG)}`);
  } finally {
    fs.closeSync(fd);
  }
  log(`• ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s, output in ${shortPath(SETUP_LOG)})`);
}

/**
 * Make sure Jupyter's nbclient (and the notebook server) are there; returns the Python that has
 * them. Installs the missing Debian packages as root, else throws with the exact command.
 */
export function ensureSystem(opts: SystemOptions = {}): string {
  const log = opts.log ?? ((l: string) => console.log(l));
  const found = findPython();
  const missing = has("dpkg-query") ? missingPackages(DEBIAN_PACKAGES.map((p) => p.name)) : [];
  if (found && missing.length === 0) {
    log(`• Jupyter: nbclient found in ${found}`);
    return found;
  }
  if (!has("apt-get")) {
    if (found) return found;
    throw new Error(
      "lessons: Jupyter's nbclient is missing and this machine has no apt-get. Install it with pip in a virtual environment\n" +
        "  python3 -m venv .venv && .venv/bin/pip install nbclient nbconvert notebook\n" +
        "and set DL_LESSONS_PYTHON=$PWD/.venv/bin/python3",
    );
  }
  const wanted = DEBIAN_PACKAGES.filter((p) => missing.includes(p.name));
  log(`• Debian packages needed (${wanted.length}):`);
  for (const p of wanted) log(`    ${p.name.padEnd(18)} ${p.why}`);
  const cmds = installCommands(wanted.map((p) => p.name));
  if (opts.noSystem || !isRoot()) {
    const why = opts.noSystem ? "--no-system: not installing system packages" : "not root: apt-get needs root";
    const line = cmds.map(shellLine).join(" && ");
    if (found) {
      log(`• ${why}; to add them later: ${line}`);
      return found;
    }
    throw new Error(`lessons: ${why}. Run this, then npm run lessons again:\n  ${line}`);
  }
  for (const cmd of cmds) logged(cmd, log, cmd.includes("update") ? "apt-get update (package lists older than a day)" : `apt-get install --no-install-recommends ${wanted.map((p) => p.name).join(" ")}`);
  const py = findPython(true);
  if (!py) throw new Error("lessons: Jupyter was installed but no python3 can import nbclient; set DL_LESSONS_PYTHON to the python that has it");
  log(`• Jupyter: nbclient now in ${py}`);
  return py;
}

// ------------------------------------------------------------------ measuring the download

/** Packages and bytes apt would download for `pkgs`. */
export interface AptDownload {
  packages: number;
  bytes: number;
}

/**
 * What `apt-get install [--no-install-recommends] pkgs` downloads on this machine as it was
 * before `pkgs`: dpkg's status without `pkgs` and what only they pulled in (apt-get -s
 * autoremove), and an empty archive cache; sizes from apt-get --print-uris.
 */
export function measureAptDownload(pkgs: readonly string[], recommends: boolean): AptDownload {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-apt-"));
  try {
    const sim = spawnSync("apt-get", ["-s", "autoremove", "--purge", ...pkgs], { encoding: "utf8" });
    const removed = new Set([...(sim.stdout ?? "").matchAll(/^Purg (\S+)/gm)].map((m) => m[1]));
    for (const p of pkgs) removed.add(p);
    const status = fs.readFileSync("/var/lib/dpkg/status", "utf8").split("\n\n").filter((para) => {
      const name = /^Package: (\S+)/m.exec(para)?.[1];
      return name !== undefined && !removed.has(name.split(":")[0]);
    });
    fs.writeFileSync(path.join(tmp, "status"), status.join("\n\n") + "\n");
    fs.mkdirSync(path.join(tmp, "archives", "partial"), { recursive: true });
    const r = spawnSync("apt-get", [
      "install", "--print-uris", "-qq", "-o", `Dir::State::status=${path.join(tmp, "status")}`, "-o", `Dir::Cache::archives=${path.join(tmp, "archives")}/`,
      recommends ? "--install-recommends" : "--no-install-recommends", ...pkgs,
    ], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`measureAptDownload: apt-get --print-uris failed: ${r.stderr}`);
    const sizes = [...r.stdout.matchAll(/^'\S+' \S+ (\d+) /gm)].map((m) => Number(m[1]));
    return { packages: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): number {
  if (argv.includes("--measure")) {
    const pkgs = DEBIAN_PACKAGES.map((p) => p.name);
    for (const rec of [false, true]) {
      const d = measureAptDownload(pkgs, rec);
      console.log(`${rec ? "with recommends   " : "--no-install-recommends"}: ${d.packages} packages, ${(d.bytes / 1e6).toFixed(1)} MB`);
    }
    return 0;
  }
  ensureSystem({ noSystem: argv.includes("--no-system") });
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
