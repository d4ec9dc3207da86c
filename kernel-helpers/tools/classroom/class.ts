/**
 * The class on one machine: the roster, the system accounts, the class runtime (a copy of the kit
 * that students' kernels use, without solutions or git history), the system-wide kernelspec, and
 * the class state folder (root only, 0700) that remembers all of it.
 *
 * Isolation design (why a student cannot reach another's work, the solutions or the teacher's files):
 *   - every student is a system user of their own; homes are 0700; each student's server runs as them
 *     (LocalProcessSpawner), and every write into a home is done by a process running AS that student
 *     (./userside.cjs), so a symlink planted in a home can never make root write or read elsewhere;
 *   - students' kernels run from the class runtime (`--runtime`, default /opt/dl-lessons-class): the
 *     built dist/, node_modules and the lesson notebooks, root-owned and read-only. It holds no
 *     notebooks/assignments/ (solutions, hidden tests) and no .git (whose objects hold them too);
 *   - `start` also closes the checkout's notebooks/assignments/ (0700) in case the checkout is readable;
 *   - the state folder (roster, collected submissions, grades, the hub's database and secrets) is 0700 root.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, describe } from "../../../src/errors";
import { KERNEL_NAME, kernelSpec } from "../kernel";
import { PROJECT_ROOT } from "../../shared/paths";

/** Where the class remembers itself unless --state says otherwise. */
export const DEFAULT_STATE = "/var/lib/dl-lessons-classroom";
export const DEFAULT_RUNTIME = "/opt/dl-lessons-class";
/** The system-wide Jupyter data dir (in every user's default search path). */
export const SYSTEM_JUPYTER = "/usr/local/share/jupyter";

export interface Student {
  name: string;
  /** from the roster; a generated one is printed once and never stored */
  password?: string;
}

/** What the state folder's class.json holds. */
export interface ClassConfig {
  kit: string;
  runtime: string;
  state: string;
  teacher: string;
  students: string[];
  ip: string;
  port: number;
  hubPort: number;
  apiPort: number;
  memoryMb: number;
  cpus: number;
  cullKernelS: number;
  cullServerS: number;
  /** token of the hub service "classroom" (admin), used by add-student while the hub runs */
  serviceToken: string;
  kernelDir: string;
  /** folders `start` closed (0700) and their modes before; `restoreClosed` puts them back */
  closed: { dir: string; mode: number }[];
}

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

export function checkUserName(fn: string, arg: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name)) throw new InputError(fn, arg, "a user name of lowercase letters, digits and '-', starting with a letter, at most 31 characters", describe(name));
}

/**
 * Parse a roster: a CSV with a header naming `username` (required) and `password` (optional);
 * other columns are ignored. Blank lines and lines starting with # are skipped.
 */
export function parseRoster(text: string): Student[] {
  if (typeof text !== "string") throw new InputError("parseRoster", "text", "the CSV text of a roster", describe(text));
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new InputError("parseRoster", "text", "a header line `username,password` and one line per student", "an empty roster");
  const head = lines[0].split(",").map((h) => h.trim().toLowerCase());
  const iu = head.indexOf("username");
  const ip = head.indexOf("password");
  if (iu < 0) throw new InputError("parseRoster", "text", "a header line naming a `username` column", JSON.stringify(lines[0]));
  const seen = new Set<string>();
  return lines.slice(1).map((line, k) => {
    const cols = line.split(",").map((c) => c.trim());
    const name = cols[iu];
    checkUserName("parseRoster", `line ${k + 2} username`, name);
    if (seen.has(name)) throw new InputError("parseRoster", `line ${k + 2} username`, "each student once", `${name} again`);
    seen.add(name);
    const password = ip >= 0 && cols[ip] ? cols[ip] : undefined;
    if (password !== undefined && /[:\n]/.test(password)) throw new InputError("parseRoster", `line ${k + 2} password`, "a password without ':'", "a password with ':'");
    return password === undefined ? { name } : { name, password };
  });
}

export const generatePassword = (): string => randomBytes(9).toString("base64url");

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`classroom: ${cmd} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim()}`);
  return r.stdout;
}

export const userExists = (name: string): boolean => spawnSync("id", ["-u", name], { stdio: "ignore" }).status === 0;

/** uid, gid and home of a system user. */
export function account(name: string): { uid: number; gid: number; home: string } {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`classroom: no system user ${name}`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
}

/**
 * Create the system user `s.name` (own group, home 0700, bash) unless it exists, and set its
 * password: the roster's, else a generated one, which is returned (to be printed once).
 */
export function createUser(s: Student): { created: boolean; password?: string } {
  checkUserName("createUser", "s.name", s.name);
  const created = !userExists(s.name);
  if (created) run("useradd", ["--create-home", "--user-group", "--shell", "/bin/bash", "--comment", "dl-lessons class", s.name]);
  const { home } = account(s.name);
  fs.chmodSync(home, 0o700);
  if (!created && s.password === undefined) return { created };
  const password = s.password ?? generatePassword();
  run("chpasswd", [], `${s.name}:${password}\n`);
  return { created, password: s.password === undefined ? password : undefined };
}

/** Remove a class user, its home and its processes (used by the tests' cleanup and `remove-student`). */
export function removeUser(name: string): void {
  checkUserName("removeUser", "name", name);
  if (!userExists(name)) return;
  spawnSync("pkill", ["-KILL", "-u", name], { stdio: "ignore" });
  spawnSync("userdel", ["--remove", name], { stdio: "ignore" });
}

/**
 * Assemble the class runtime in `root`: dist/, package.json, node_modules (hard links when on the
 * same file system, a copy otherwise) and the lesson notebooks (notebooks/*.ipynb only: never
 * notebooks/assignments/). Everything root-owned, world-readable, nothing world-writable.
 */
export function assembleRuntime(kit: string, root: string): void {
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  for (const sub of ["dist", "node_modules"]) {
    fs.rmSync(path.join(root, sub), { recursive: true, force: true });
    const r = spawnSync("cp", ["-al", path.join(kit, sub), path.join(root, sub)]);
    if (r.status !== 0) run("cp", ["-a", path.join(kit, sub), path.join(root, sub)]);
  }
  fs.copyFileSync(path.join(kit, "package.json"), path.join(root, "package.json"));
  const lessons = path.join(root, "lessons");
  fs.rmSync(lessons, { recursive: true, force: true });
  fs.mkdirSync(lessons, { mode: 0o755 });
  for (const f of fs.readdirSync(path.join(kit, "notebooks"))) {
    if (f.endsWith(".ipynb")) fs.copyFileSync(path.join(kit, "notebooks", f), path.join(lessons, f));
  }
  spawnSync("chmod", ["-R", "a+rX,go-w", root]);
}

/** The kernelspec of the runtime: kernelSpec() with the checkout's paths moved into `root`. */
export function runtimeKernelSpec(kit: string, root: string, memoryMb: number): ReturnType<typeof kernelSpec> {
  const spec = kernelSpec(memoryMb);
  spec.argv = spec.argv.map((a) => (a.startsWith(kit + path.sep) ? path.join(root, a.slice(kit.length + 1)) : a));
  return spec;
}

/** Write `<jupyterDir>/kernels/dl-lessons/kernel.json` (0755 folder, 0644 file); returns the folder. */
export function installSystemKernel(spec: ReturnType<typeof kernelSpec>, jupyterDir = SYSTEM_JUPYTER): string {
  const dir = path.join(jupyterDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(dir, "kernel.json"), `${JSON.stringify(spec, null, 1)}\n`, { mode: 0o644 });
  return dir;
}

/**
 * Close the checkout's solutions to everyone but their owner (the hub and the grader run as root):
 * notebooks/assignments/ and the git repository (its objects hold every solution too) become 0700.
 * Returns the folders closed with their previous modes.
 */
export function closeSolutions(kit: string = PROJECT_ROOT): { dir: string; mode: number }[] {
  const git = spawnSync("git", ["-C", kit, "rev-parse", "--path-format=absolute", "--git-common-dir"], { encoding: "utf8" });
  const dirs = [path.join(kit, "notebooks", "assignments"), ...(git.status === 0 ? [git.stdout.trim()] : [])];
  return dirs.filter((d) => fs.existsSync(d)).map((dir) => {
    const mode = fs.statSync(dir).mode & 0o7777;
    fs.chmodSync(dir, 0o700);
    return { dir, mode };
  });
}

/** Give the folders closed by `closeSolutions` their modes back (the load test's cleanup, `stop --reopen`). */
export function restoreClosed(closed: readonly { dir: string; mode: number }[]): void {
  for (const { dir, mode } of closed) if (fs.existsSync(dir)) fs.chmodSync(dir, mode);
}

export function readClass(state: string): ClassConfig {
  const file = path.join(state, "class.json");
  if (!fs.existsSync(file)) throw new Error(`classroom: no class in ${state} (run \`npm run classroom -- start <roster.csv>\` first)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as ClassConfig;
}

export function writeClass(c: ClassConfig): void {
  fs.mkdirSync(c.state, { recursive: true, mode: 0o700 });
  fs.chmodSync(c.state, 0o700);
  fs.writeFileSync(path.join(c.state, "class.json"), `${JSON.stringify(c, null, 1)}\n`, { mode: 0o600 });
}
