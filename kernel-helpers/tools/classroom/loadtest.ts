/**
 * `npm run classroom -- loadtest [--students 10] [--lesson 01] [--timeout-s 900]` (root): a class
 * of its own on loopback — N temporary system users, a temporary state folder and runtime, the
 * hub started by the classroom's own `startClass` — then N simulated students at once: the real
 * login form, spawn, the lesson's kernel through /api/sessions, every code cell over the websocket,
 * outputs checked (no error, every cell that printed in the stored notebook prints now).
 * Reports spawn time, time to finish, memory of hub / servers / kernels, CPU time of each kernel,
 * and the largest class this machine holds. Everything it created is removed at the end, also
 * after a failure or the time limit (at most 40 students, --timeout-s caps the whole run).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generatePassword, removeUser, restoreClosed } from "./class";
import { HubStudent, codeCells } from "./client";
import { hubPid, stopHub } from "./hub";
import { startClass } from "./commands";
import { freePort } from "../start";

export interface StudentResult {
  name: string;
  spawnS: number;
  finishS: number;
  cells: number;
  failed: string[];
  serverMb: number;
  kernelMb: number;
  kernelCpuS: number;
}

interface Proc {
  pid: number;
  rssMb: number;
  cpuS: number;
  args: string;
}

/** The processes of a user: RSS in MB and CPU seconds (utime+stime) from ps. */
export function processesOf(user: string): Proc[] {
  const r = spawnSync("ps", ["-u", user, "-o", "pid=,rss=,cputimes=,args="], { encoding: "utf8" });
  return (r.stdout ?? "").split("\n").filter((l) => l.trim()).map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l) as RegExpExecArray;
    return { pid: Number(m[1]), rssMb: Number(m[2]) / 1024, cpuS: Number(m[3]), args: m[4] };
  });
}

const rssOfPid = (pid: number | null): number => {
  if (!pid) return 0;
  const r = spawnSync("ps", ["-p", String(pid), "-o", "rss="], { encoding: "utf8" });
  return Number((r.stdout ?? "0").trim() || 0) / 1024;
};

export function lessonFile(root: string, n: string): string {
  const f = fs.readdirSync(path.join(root, "lessons")).find((x) => x.startsWith(`${n.padStart(2, "0")}-`) && x.endsWith(".ipynb"));
  if (!f) throw new Error(`loadtest: no lesson ${n}`);
  return f;
}

/** Which cells printed something in the stored notebook (their indices among code cells). */
function printingCells(file: string): Set<number> {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  const code = nb.cells.filter((c: any) => c.cell_type === "code");
  return new Set(code.map((c: any, i: number) => (c.outputs?.length ? i : -1)).filter((i: number) => i >= 0));
}

/** The sizing estimate from measured figures. */
export function sizing(r: { perStudentMb: number; hubMb: number; kernelCpuS: number }, totalMb = os.totalmem() / 2 ** 20, cores = os.cpus().length, targetS = 60) {
  const reserveMb = Math.min(2048, totalMb * 0.15);
  const byMemory = Math.max(0, Math.floor((totalMb - reserveMb - r.hubMb) / r.perStudentMb));
  // if everyone presses "Run all" at the same moment, all should finish within targetS
  const byCpu = Math.max(1, Math.floor((cores * targetS) / Math.max(0.1, r.kernelCpuS)));
  return { totalMb: Math.round(totalMb), cores, byMemory, byCpu, students: Math.min(byMemory, byCpu), reserveMb: Math.round(reserveMb) };
}

export async function loadtest(n: number, lesson: string, timeoutS: number, log = console.log, memoryMb = 3072) {
  if (!(Number.isInteger(n) && n >= 1 && n <= 40)) throw new Error(`loadtest: --students wants 1..40, got ${n}`);
  const tag = `dlld${process.pid % 1000}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-classroom-load-"));
  const names = Array.from({ length: n }, (_, i) => `${tag}s${i + 1}`);
  const teacher = `${tag}t`;
  const pw = Object.fromEntries(names.map((s) => [s, generatePassword()]));
  fs.writeFileSync(path.join(tmp, "roster.csv"), `username,password\n${names.map((s) => `${s},${pw[s]}`).join("\n")}\n`);
  fs.chmodSync(tmp, 0o711); // the runtime below it must be reachable by the students' kernels
  let cls: Awaited<ReturnType<typeof startClass>> | undefined;
  const guard = setTimeout(() => {
    log(`loadtest: time limit ${timeoutS} s reached, stopping`);
    cleanup().finally(() => process.exit(4));
  }, timeoutS * 1000);
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    if (cls) await stopHub(cls).catch(() => undefined);
    if (cls) restoreClosed(cls.closed);
    for (const u of [...names, teacher]) removeUser(u);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  try {
    cls = await startClass(path.join(tmp, "roster.csv"), {
      state: path.join(tmp, "state"), runtime: path.join(tmp, "runtime"), teacher, port: String(await freePort()), "no-install": true, "memory-mb": String(memoryMb),
      "jupyter-dir": path.join(tmp, "jupyter"), // a kernelspec of its own: a running class keeps its
    }, () => undefined);
    const hub = `http://127.0.0.1:${cls.port}`;
    const nbName = lessonFile(cls.runtime, lesson);
    const sources = codeCells(path.join(cls.runtime, "lessons", nbName));
    const printing = printingCells(path.join(cls.runtime, "lessons", nbName));
    log(`loadtest: ${n} students, lesson ${nbName} (${sources.length} code cells), hub ${hub}, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    const t0 = performance.now();
    const results = await Promise.all(names.map(async (name): Promise<StudentResult> => {
      const s = new HubStudent(hub, name);
      await s.login(pw[name]);
      const spawnS = await s.spawn();
      const kernel = await s.openSession(`lessons/${nbName}`);
      const runs = await s.runCells(kernel, sources);
      const finishS = (performance.now() - t0) / 1000;
      const failed = runs.filter((r) => !r.ok || (printing.has(r.index) && r.outputs === 0)).map((r) => `cell ${r.index}: ${r.error ?? "no output"}`);
      const procs = processesOf(name);
      const kernels = procs.filter((p) => p.args.includes("tslab"));
      const server = procs.filter((p) => !p.args.includes("tslab"));
      return {
        name, spawnS, finishS, cells: runs.length, failed,
        serverMb: server.reduce((a, p) => a + p.rssMb, 0), kernelMb: kernels.reduce((a, p) => a + p.rssMb, 0), kernelCpuS: kernels.reduce((a, p) => a + p.cpuS, 0),
      };
    }));
    const hubMb = rssOfPid(hubPid(cls)) + rssOfPid(Number(fs.readFileSync(path.join(cls.state, "proxy.pid"), "utf8")) || null);
    const mean = (k: keyof StudentResult) => results.reduce((a, r) => a + (r[k] as number), 0) / results.length;
    const perStudentMb = mean("serverMb") + mean("kernelMb");
    const est = sizing({ perStudentMb, hubMb, kernelCpuS: mean("kernelCpuS") });
    for (const r of results) {
      log(`  ${r.name.padEnd(12)} spawn ${r.spawnS.toFixed(1)} s, done at ${r.finishS.toFixed(1)} s, ${r.cells - r.failed.length}/${r.cells} cells ok, server ${r.serverMb.toFixed(0)} MB, kernel ${r.kernelMb.toFixed(0)} MB, kernel CPU ${r.kernelCpuS} s${r.failed.length ? `; FAILED ${r.failed.slice(0, 3).join("; ")}` : ""}`);
    }
    log(`  hub + proxy ${hubMb.toFixed(0)} MB; per student ${perStudentMb.toFixed(0)} MB; machine ${est.totalMb} MB, ${est.cores} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    log(`  largest class for this lesson: ${est.students} (memory allows ${est.byMemory} after ${est.reserveMb} MB reserve; CPU allows ${est.byCpu} if all run every cell within 60 s)`);
    return { results, hubMb, perStudentMb, sizing: est, ok: results.every((r) => r.failed.length === 0) };
  } finally {
    clearTimeout(guard);
    await cleanup();
  }
}

export async function loadtestMain(flags: Record<string, string | true>): Promise<number> {
  const n = flags.students === undefined ? 10 : Number(flags.students);
  const lesson = typeof flags.lesson === "string" ? flags.lesson : "01";
  const timeoutS = flags["timeout-s"] === undefined ? 900 : Number(flags["timeout-s"]);
  const r = await loadtest(n, lesson, timeoutS, console.log, flags["memory-mb"] === undefined ? 3072 : Number(flags["memory-mb"]));
  if (typeof flags.json === "string") fs.writeFileSync(flags.json, `${JSON.stringify(r, null, 1)}\n`);
  return r.ok ? 0 : 1;
}
