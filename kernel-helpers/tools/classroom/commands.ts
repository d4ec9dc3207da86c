/**
 * The classroom commands that start a class and add a student (used by the command line in
 * ./index.ts and by the load test in ./loadtest.ts).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../shared/paths";
import { installCommands, missingPackages, shellLine } from "../setup";
import { freePort } from "../start";
import {
  DEFAULT_RUNTIME, DEFAULT_STATE, assembleRuntime, checkUserName, closeSolutions, createUser, installSystemKernel, parseRoster,
  readClass, runtimeKernelSpec, writeClass, type ClassConfig,
} from "./class";
import { CLASS_PACKAGES, addUserToHub, classStatus, hubUrl, startHub } from "./hub";

export type Flags = Record<string, string | true>;

export function parseArgs(argv: readonly string[]): { pos: string[]; flags: Flags } {
  const pos: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) pos.push(a);
    else if (a.includes("=")) flags[a.slice(2, a.indexOf("="))] = a.slice(a.indexOf("=") + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--") && !["no-install"].includes(a.slice(2))) flags[a.slice(2)] = argv[++i];
    else flags[a.slice(2)] = true;
  }
  return { pos, flags };
}

export const num = (f: Flags, k: string, d: number): number => {
  if (f[k] === undefined) return d;
  const v = Number(f[k]);
  if (!(v > 0)) throw new Error(`classroom: --${k} wants a positive number, got ${f[k]}`);
  return v;
};
export const str = (f: Flags, k: string, d: string): string => (typeof f[k] === "string" ? (f[k] as string) : d);

export function ensurePackages(noInstall: boolean, log: (l: string) => void): void {
  const missing = CLASS_PACKAGES.filter((p) => missingPackages([p.name]).length > 0);
  if (missing.length === 0) return log("• Debian packages: jupyterhub, configurable-http-proxy, notebook present");
  log(`• Debian packages needed (${missing.length}):`);
  for (const p of missing) log(`    ${p.name.padEnd(30)} ${p.why}`);
  const cmds = installCommands(missing.map((p) => p.name));
  if (noInstall) throw new Error(`classroom: --no-install; install them with: ${cmds.map(shellLine).join(" && ")}`);
  for (const cmd of cmds) {
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`classroom: ${shellLine(cmd)} failed (exit ${r.status})`);
  }
}

export const requireRoot = (what: string) => {
  if (process.getuid?.() !== 0) throw new Error(`classroom: ${what} needs root (it creates system users and runs the hub as root)`);
};

/** `start <roster.csv>`: packages, users, runtime, kernelspec, config, hub. Returns the class. */
export async function startClass(roster: string, f: Flags, log = console.log): Promise<ClassConfig> {
  requireRoot("start");
  const students = parseRoster(fs.readFileSync(roster, "utf8"));
  const teacher = str(f, "teacher", "teacher");
  checkUserName("start", "--teacher", teacher);
  if (students.some((s) => s.name === teacher)) throw new Error(`classroom: the teacher ${teacher} is also in the roster`);
  ensurePackages(f["no-install"] === true, log);
  const state = path.resolve(str(f, "state", DEFAULT_STATE));
  const runtime = path.resolve(str(f, "runtime", DEFAULT_RUNTIME));
  log(`• class runtime (dist, node_modules, lessons; no solutions) → ${runtime}`);
  assembleRuntime(PROJECT_ROOT, runtime);
  const closed = closeSolutions(PROJECT_ROOT);
  log(`• closed to students (0700): ${closed.map((d) => d.dir).join(", ")}`);
  const memoryMb = num(f, "memory-mb", 3072);
  const kernelDir = installSystemKernel(runtimeKernelSpec(PROJECT_ROOT, runtime, Math.max(256, Math.floor(memoryMb * 0.8))), typeof f["jupyter-dir"] === "string" ? f["jupyter-dir"] : undefined);
  log(`• kernelspec dl-lessons (system-wide) → ${kernelDir}`);
  const c: ClassConfig = {
    kit: PROJECT_ROOT, runtime, state, teacher, students: students.map((s) => s.name),
    ip: str(f, "ip", "127.0.0.1"), port: num(f, "port", 8000), hubPort: await freePort(), apiPort: await freePort(),
    memoryMb, cpus: num(f, "cpus", 1), cullKernelS: num(f, "cull-kernel-s", 1200), cullServerS: num(f, "cull-server-s", 3600),
    serviceToken: randomBytes(24).toString("hex"), kernelDir, closed,
  };
  writeClass(c);
  const printed: string[] = [];
  for (const s of [{ name: teacher, password: typeof f["teacher-password"] === "string" ? (f["teacher-password"] as string) : undefined }, ...students]) {
    const r = createUser(s);
    if (r.password) printed.push(`    ${s.name.padEnd(20)} ${r.password}`);
  }
  log(`• ${students.length} students and the teacher ${teacher} have system accounts (homes 0700)`);
  if (printed.length) log(`• first-login passwords (shown once, not stored):\n${printed.join("\n")}`);
  const pid = await startHub(c);
  log(`• JupyterHub (pid ${pid}) on ${hubUrl(c)} — log in as a student, or as ${teacher} (admin) for ${hubUrl(c)}/hub/admin`);
  return c;
}

export async function addStudent(state: string, name: string, password: string | undefined, log = console.log): Promise<void> {
  requireRoot("add-student");
  checkUserName("add-student", "NAME", name);
  const c = readClass(state);
  const r = createUser(password ? { name, password } : { name });
  if (!c.students.includes(name)) c.students.push(name);
  writeClass(c);
  if (classStatus(c).hub) await addUserToHub(c, name);
  log(`• ${name} added${r.password ? `; first-login password (shown once): ${r.password}` : ""}`);
}

