/**
 * The sandbox every piece of student code runs in: Debian's bubblewrap (`bwrap`) with
 *
 *   - every namespace unshared (`--unshare-all`): no network (only the sandbox's own loopback, which
 *     the Jupyter kernel's ZeroMQ sockets need), its own PIDs, no view of the host's processes;
 *   - a read-only view of /usr and of the few pieces of the project that running a notebook needs
 *     (node_modules, dist, .jupyter, package.json, the runner script) mounted at their own paths on
 *     an empty tmpfs, so the rest of the project (notebooks/, solution notebooks, tests/, the hidden
 *     tests, the other students' work) does not exist inside;
 *   - one writable folder, `<project>/work` (the cwd), and /tmp: size-limited tmpfs that vanish with
 *     the sandbox; the inputs (the submission's copy, the compiled task cells) are read-only files
 *     in it, bound from a temporary folder of the grader's; results leave through a pipe (fd 3),
 *     never through a file, so nothing the student leaves behind is read or can fill the disk;
 *   - a user of its own: when the grader runs as root, the sandbox runs as an unprivileged uid
 *     (one per worker slot) so that the process limit means something (root is exempt from it);
 *   - `prlimit`: CPU seconds, data size (memory), processes, file size; plus a wall-clock timeout
 *     and a cap on what it may print, enforced here by killing the whole sandbox.
 *
 * `--die-with-parent` and the PID namespace mean that killing bwrap kills everything inside.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Limits of one sandboxed process tree. */
export interface SandboxLimits {
  /** CPU seconds per process (RLIMIT_CPU). */
  cpuSec: number;
  /** Wall-clock seconds before the sandbox is killed. */
  wallSec: number;
  /** Data segment per process in MiB (RLIMIT_DATA: heap, typed arrays; not address-space reservations). */
  memoryMb: number;
  /** Processes and threads of the sandbox's user (RLIMIT_NPROC). */
  nproc: number;
  /** Largest file a process may write, MiB (RLIMIT_FSIZE). */
  fileMb: number;
  /** Bytes of stdout + stderr kept; more kills the sandbox. */
  outputBytes: number;
  /** Size of the writable work folder and of /tmp (tmpfs), MiB each. */
  diskMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { cpuSec: 60, wallSec: 90, memoryMb: 2048, nproc: 256, fileMb: 16, outputBytes: 1_000_000, diskMb: 64 };

export interface SandboxOptions {
  /** The project root whose node_modules, dist and .jupyter are mounted read-only. */
  projectRoot: string;
  /**
   * Host folder whose files appear read-only in the sandbox's work folder `<projectRoot>/work`
   * (a tmpfs, the cwd). Unsandboxed: the cwd itself, writable.
   */
  workDir: string;
  limits: SandboxLimits;
  /** Extra environment (PATH, HOME, ... are set here). */
  env?: Record<string, string>;
  /** Worker slot: selects the unprivileged uid when running as root. */
  slot?: number;
  /** Run without bwrap (the teacher's explicit `--no-sandbox`): limits still apply. */
  noSandbox?: boolean;
  /** Extra files (absolute host paths) mounted read-only at the same path. */
  roFiles?: string[];
}

/** The bubblewrap binary: Debian's, or $DL_LESSONS_BWRAP. */
export function bwrapPath(): string {
  return process.env.DL_LESSONS_BWRAP || "/usr/bin/bwrap";
}

/** Where the submission's copy appears inside the sandbox. */
export function sandboxWorkPath(projectRoot: string): string {
  return path.join(projectRoot, "work");
}

/** The uid a sandbox of `slot` runs as when the grader is root (never a real account). */
export function sandboxUid(slot: number): number | null {
  return process.getuid?.() === 0 ? 61000 + slot : null;
}

/** Whether bwrap can make a sandbox here, and if not, why (shown to the teacher). */
export function sandboxAvailable(): { ok: true } | { ok: false; why: string } {
  const probe = spawnSync(bwrapPath(), ["--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/true"], { encoding: "utf8", timeout: 20_000 });
  if (probe.error) {
    const missing = (probe.error as NodeJS.ErrnoException).code === "ENOENT";
    return { ok: false, why: missing ? "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)" : `bwrap did not start: ${probe.error.message}` };
  }
  if (probe.status !== 0) {
    return { ok: false, why: `bwrap cannot create a sandbox here (${(probe.stderr || "").trim() || `exit code ${probe.status}`}); user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces) or this is a container without them` };
  }
  if (spawnSync("prlimit", ["--version"], { timeout: 10_000 }).error) return { ok: false, why: "prlimit (util-linux) is not installed" };
  return { ok: true };
}

/**
 * Tasks (processes and threads) that user `uid` runs now: RLIMIT_NPROC counts all of them, so a
 * sandbox that runs as the teacher's own user gets its allowance on top of these.
 */
export function userTasks(uid: number): number {
  let n = 0;
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid) n += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // the process ended meanwhile
    }
  }
  return n;
}

/** The argv that runs `command` inside the sandbox (or, with noSandbox, only under prlimit). */
export function sandboxArgv(command: string[], o: SandboxOptions): string[] {
  const l = o.limits;
  const mib = 1024 * 1024;
  const uid = sandboxUid(o.slot ?? 0);
  // as root the sandbox has a uid of its own (root is exempt from the limit); else the user's tasks count too
  const nproc = uid !== null ? l.nproc : l.nproc + userTasks(process.getuid?.() ?? -1);
  const prlimit = ["/usr/bin/prlimit", `--cpu=${Math.ceil(l.cpuSec)}`, `--data=${l.memoryMb * mib}`, `--nproc=${nproc}`,
    `--fsize=${l.fileMb * mib}`, `--core=0`, "--"];
  if (o.noSandbox) return [...prlimit, ...command];
  const root = o.projectRoot;
  const ro = (p: string): string[] => (fs.existsSync(p) ? ["--ro-bind", p, p] : []);
  const argv = [
    ...(uid !== null ? ["/usr/bin/setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all"] : []),
    bwrapPath(), "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
    "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
    ...ro("/etc/alternatives"), ...ro("/etc/ld.so.cache"), ...ro("/etc/localtime"), ...ro("/etc/python3"),
    "--proc", "/proc", "--dev", "/dev", "--size", String(l.diskMb * mib), "--tmpfs", "/tmp",
    // the project: an empty tmpfs with only what running a notebook needs, read-only
    "--tmpfs", root,
    ...ro(path.join(root, "package.json")), ...ro(path.join(root, "node_modules")), ...ro(path.join(root, "dist")), ...ro(path.join(root, ".jupyter")),
    ...(o.roFiles ?? []).flatMap(ro),
    "--size", String(l.diskMb * mib), "--tmpfs", sandboxWorkPath(root),
    ...fs.readdirSync(o.workDir).flatMap((f) => ["--ro-bind", path.join(o.workDir, f), path.join(sandboxWorkPath(root), f)]),
    "--chdir", sandboxWorkPath(root),
  ];
  const env: Record<string, string> = { PATH: "/usr/bin", HOME: "/tmp", LANG: "C.UTF-8", ...o.env };
  for (const [k, v] of Object.entries(env)) argv.push("--setenv", k, v);
  return [...argv, "--", ...prlimit, ...command];
}

/** What a sandboxed run did. */
export interface SandboxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout + stderr, at most `limits.outputBytes` */
  output: string;
  timedOut: boolean;
  /** killed for printing more than `limits.outputBytes` */
  flooded: boolean;
  seconds: number;
}

/** A running sandbox: its process and a way to kill everything inside. */
export interface Sandbox {
  child: ChildProcess;
  kill(): void;
  done: Promise<SandboxResult>;
}

/**
 * Start `command` in a sandbox. Extra pipes: `extraFds` > 0 opens fds 3.. as pipes (the harness's
 * answers come back on fd 3, apart from whatever the student prints on stdout).
 */
export function startSandboxed(command: string[], o: SandboxOptions, extraFds = 0): Sandbox {
  const argv = sandboxArgv(command, o);
  const t0 = performance.now();
  const env = o.noSandbox ? { PATH: "/usr/bin:/bin", HOME: o.workDir, LANG: "C.UTF-8", ...o.env } : {};
  const child = spawn(argv[0], argv.slice(1), {
    cwd: o.noSandbox ? o.workDir : "/", env, detached: true,
    stdio: ["pipe", "pipe", "pipe", ...Array.from({ length: extraFds }, () => "pipe" as const)],
  });
  let output = "";
  let flooded = false;
  let timedOut = false;
  let exited = false;
  const kill = (): void => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL"); // the process group: bwrap (and with it the sandbox) or, unsandboxed, the tree
    } catch {
      // already gone
    }
  };
  const take = (d: Buffer): void => {
    if (output.length >= o.limits.outputBytes) return;
    output += d.toString("utf8");
    if (output.length >= o.limits.outputBytes) {
      output = output.slice(0, o.limits.outputBytes);
      flooded = true;
      kill();
    }
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  child.stdin?.on("error", () => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, o.limits.wallSec * 1000);
  const done = new Promise<SandboxResult>((resolve) => {
    child.on("error", (e) => {
      output += `\n${e.message}`;
    });
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      exited = true;
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut, flooded, seconds: (performance.now() - t0) / 1000 });
    };
    child.on("close", finish);
    // unsandboxed, a process the student detached may hold the pipes open: do not wait for it
    child.on("exit", (code, signal) => setTimeout(() => {
      for (const s of child.stdio) s?.destroy();
      finish(code, signal);
    }, 5000).unref());
  });
  return { child, kill, done };
}
