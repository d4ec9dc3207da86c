/**
 * `npm run classroom -- <subcommand>`: a class on one machine with JupyterHub (run as root).
 *
 *   start <roster.csv> [--teacher NAME] [--ip 127.0.0.1] [--port 8000] [--memory-mb 3072] [--cpus 1]
 *                      [--cull-kernel-s 1200] [--cull-server-s 3600] [--runtime DIR] [--no-install]
 *   stop [--reopen: give notebooks/assignments and .git their modes back] | status | add-student NAME [--password P]
 *   release A2 | collect A2 [--deadline 2026-12-08T12:00Z] | grade A2 | return A2
 *   loadtest [--students 10] [--lesson 01] [--timeout-s 900] [--memory-mb 3072]    (./loadtest.ts)
 *   image-root <dir>       the Docker build context of the class image (./image.ts, ./k8s/)
 *   every subcommand takes --state DIR (default /var/lib/dl-lessons-classroom)
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
  readClass, restoreClosed, runtimeKernelSpec, writeClass, type ClassConfig,
} from "./class";
import { collect, grade, release, returnFeedback, syncLessons } from "./homes";
import { CLASS_PACKAGES, addUserToHub, classStatus, hubUrl, startHub, stopHub } from "./hub";

type Flags = Record<string, string | true>;

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

const num = (f: Flags, k: string, d: number): number => {
  if (f[k] === undefined) return d;
  const v = Number(f[k]);
  if (!(v > 0)) throw new Error(`classroom: --${k} wants a positive number, got ${f[k]}`);
  return v;
};
const str = (f: Flags, k: string, d: string): string => (typeof f[k] === "string" ? (f[k] as string) : d);

function ensurePackages(noInstall: boolean, log: (l: string) => void): void {
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

const requireRoot = (what: string) => {
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

export async function main(argv: readonly string[]): Promise<number> {
  const { pos, flags } = parseArgs(argv);
  const [cmd, arg] = pos;
  const state = path.resolve(str(flags, "state", DEFAULT_STATE));
  switch (cmd) {
    case "start":
      if (!arg) throw new Error("usage: npm run classroom -- start <roster.csv> [options]");
      await startClass(arg, flags);
      return 0;
    case "stop": {
      const c = readClass(state);
      console.log((await stopHub(c)) ? "• hub stopped" : "• the hub was not running");
      if (flags.reopen) {
        restoreClosed(c.closed);
        console.log(`• reopened: ${c.closed.map((d) => d.dir).join(", ")}`);
      }
      return 0;
    }
    case "status": {
      const s = classStatus(readClass(state));
      console.log(s.hub ? `• hub running (pid ${s.hub}) on ${hubUrl(readClass(state))}` : "• hub not running");
      for (const u of s.users) console.log(`    ${u.name.padEnd(20)} ${u.processes} processes, ${u.rssMb} MB`);
      return s.hub ? 0 : 3;
    }
    case "add-student":
      if (!arg) throw new Error("usage: npm run classroom -- add-student NAME [--password P]");
      await addStudent(state, arg, typeof flags.password === "string" ? flags.password : undefined);
      return 0;
    case "sync": {
      const r = await syncLessons(readClass(state), arg);
      console.log(`• ${arg}: lessons added ${r.added.length}, updated ${r.updated.length}, kept (teacher's beside) ${r.kept.length}`);
      return 0;
    }
    case "release":
      await release(state, arg);
      return 0;
    case "collect": {
      const d = typeof flags.deadline === "string" ? new Date(flags.deadline) : undefined;
      if (d && Number.isNaN(d.getTime())) throw new Error(`classroom: --deadline wants an ISO date, got ${flags.deadline}`);
      await collect(state, arg, d);
      return 0;
    }
    case "grade":
      console.log(`• reports in ${grade(state, arg, undefined, flags["no-sandbox"] ? ["--no-sandbox"] : [])}`);
      return 0;
    case "return":
      await returnFeedback(state, arg);
      return 0;
    case "image-root": {
      if (!arg) throw new Error("usage: npm run classroom -- image-root <dir>");
      const { imageRoot } = await import("./image");
      const r = imageRoot(PROJECT_ROOT, path.resolve(arg));
      console.log(`• image build context in ${arg} (runtime ${r.runtime}, kernelspec ${r.kernelDir}); docker build -t dl-lessons-class ${arg}`);
      return 0;
    }
    case "loadtest": {
      const { loadtestMain } = await import("./loadtest");
      return loadtestMain(flags);
    }
    default:
      console.error(fs.readFileSync(__filename, "utf8").split("*/")[0]);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
