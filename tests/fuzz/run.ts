/**
 * The fuzz runner behind fuzz.test.ts (and harness.test.ts): enumerates the targets, runs their
 * calls in capped child processes (child.ts), and tallies the verdicts. See fuzz.test.ts for
 * what is checked.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { enumerate, ENTRIES, ROOT, type Target } from "./targets";
import type { Job } from "./child";

/** How a fuzz run is set up; the defaults come from the environment (see fuzz.test.ts). */
export interface Settings {
  /** the entry points to fuzz: import name → file relative to `root` (default: ENTRIES, those present) */
  entries?: Record<string, string>;
  root?: string;
  runs: number;
  seed: number;
  callMs: number;
  childCalls: number;
  /** only targets whose key contains this */
  only?: string;
}

export const DEFAULTS: Settings = {
  runs: Number(process.env.FUZZ_RUNS ?? 24),
  seed: Number(process.env.FUZZ_SEED ?? 1),
  callMs: Number(process.env.FUZZ_CALL_MS ?? 10_000),
  childCalls: Number(process.env.FUZZ_CHILD_CALLS ?? 400),
  only: process.env.FUZZ_ONLY,
};

export const VERDICTS = ["ok", "clear", "raw", "hang", "abort", "nonfinite", "harness"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Finding {
  i: number;
  target: string;
  module: string;
  verdict: Verdict;
  call: string;
  detail: string;
}

export interface Run {
  counts: Record<Verdict, number>;
  /** the slowest call that answered: how far under FUZZ_CALL_MS the suite runs */
  slowest: { ms: number; call: string };
  runs: number;
  callMs: number;
  findings: Finding[];
  targets: Target[];
}

const hasPrlimit = spawnSync("prlimit", ["--version"]).status === 0;

/** Run calls [from, end) in one child; resolves with the index to continue from. */
function runChild(job: Job, jobFile: string, CALL_MS: number, record: (i: number, v: Verdict, desc: string, detail: string, ms?: number) => void): Promise<number> {
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const node = [process.execPath, "--max-old-space-size=1536", "--import", "tsx", path.join(__dirname, "child.ts"), jobFile];
  const cmd = hasPrlimit ? ["prlimit", "--data=3000000000", "--", ...node] : node;
  return new Promise((resolve) => {
    // A user-level install (installKernel({ user: true })) lands in the sandbox too.
    const env = { ...process.env, HOME: job.sandbox, JUPYTER_DATA_DIR: path.join(job.sandbox, "jupyter"), XDG_DATA_HOME: job.sandbox };
    const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let started: { i: number; desc: string } | null = null;
    let next = job.from;
    let ended = false;
    let killedForHang = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      // A call gets CALL_MS; starting the child (loading the library) gets a generous minute.
      timer = setTimeout(() => {
        killedForHang = started !== null;
        child.kill("SIGKILL");
      }, started ? CALL_MS + 2000 : 60_000);
    };
    arm();
    let buf = "";
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.t === "start") {
          started = { i: msg.i, desc: msg.desc };
          arm();
        } else if (msg.t === "done") {
          record(msg.i, msg.v, started?.desc ?? "?", msg.d ?? "", msg.ms);
          next = msg.i + 1;
          started = null;
          arm();
        } else if (msg.t === "late") {
          record(msg.i, "raw", "(after the call returned)", msg.d);
        } else if (msg.t === "end") {
          ended = true;
        } else if (msg.t === "fatal") {
          record(job.from, "harness", "(child start)", msg.d);
        }
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (started) {
        const why = killedForHang ? "hang" : "abort";
        const detail = killedForHang ? `no answer within ${CALL_MS} ms` : `child died (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`;
        record(started.i, why, started.desc, detail);
        next = started.i + 1;
      } else if (!ended && next === job.from) {
        record(job.from, "harness", "(child start)", `child ended before its first call (${signal ?? code}): ${stderr.slice(-500)}`);
        next = job.from + job.count; // do not loop forever on a broken harness
      }
      resolve(next);
    });
  });
}

export async function fuzz(settings: Settings = DEFAULTS): Promise<Run> {
  const { runs: RUNS, seed: SEED, callMs: CALL_MS, childCalls: CHILD_CALLS, only } = settings;
  const root = settings.root ?? ROOT;
  const e = enumerate(root, settings.entries);
  const targets = only ? e.targets.filter((t) => t.key.includes(only)) : e.targets;
  const sandbox = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "dl-fuzz-")));
  const jobFile = path.join(os.tmpdir(), `dl-fuzz-job-${process.pid}.json`);
  // The library is always loaded: the fuzzer's values (tensors, networks) are made with it.
  const entryFiles: Record<string, string> = { "dl-lessons": path.join(ROOT, ENTRIES["dl-lessons"]) };
  for (const name of e.entries) entryFiles[name] = path.join(root, (settings.entries ?? ENTRIES)[name]);
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const findings: Finding[] = [];
  const total = targets.length * RUNS;
  const slowest = { ms: 0, call: "" };
  const record = (i: number, v: Verdict, call: string, detail: string, ms?: number) => {
    counts[v]++;
    if (ms !== undefined && ms > slowest.ms) Object.assign(slowest, { ms, call });
    if (v === "ok" || v === "clear") return;
    const t = targets[Math.floor(i / RUNS)] ?? targets[0];
    findings.push({ i, target: t.key, module: t.module, verdict: v, call, detail });
  };
  try {
    for (let from = 0; from < total; ) {
      const job: Job = { targets, entryFiles, errorClasses: e.errorClasses, runs: RUNS, seed: SEED, from, count: CHILD_CALLS, callMs: CALL_MS, sandbox };
      from = await runChild(job, jobFile, CALL_MS, record);
    }
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
    fs.rmSync(jobFile, { force: true });
  }
  return { counts, slowest, findings, targets, runs: RUNS, callMs: CALL_MS };
}

export function summary(run: Run): string {
  const c = run.counts;
  const tried = VERDICTS.reduce((s, v) => s + c[v], 0) - findingsAfterReturn(run);
  const lines = [
    `fuzz: ${run.targets.length} targets × ${run.runs} calls: ${tried} calls tried, ${c.clear} clear errors, ${c.ok} returned finite results, ` +
      `${c.raw} raw errors, ${c.hang} hangs, ${c.abort} aborts, ${c.nonfinite} non-finite results` + (c.harness ? `, ${c.harness} harness failures` : ""),
  ];
  lines.push(`  slowest call: ${run.slowest.ms} ms (bound ${run.callMs} ms): ${run.slowest.call.slice(0, 120)}`);
  const byFamily = new Map<string, Record<string, number>>();
  for (const f of run.findings) {
    const row = byFamily.get(f.module) ?? {};
    row[f.verdict] = (row[f.verdict] ?? 0) + 1;
    byFamily.set(f.module, row);
  }
  for (const [module, row] of [...byFamily].sort()) lines.push(`  ${module}: ${Object.entries(row).map(([k, n]) => `${n} ${k}`).join(", ")}`);
  const seen = new Set<string>();
  for (const f of run.findings) {
    const key = `${f.target} ${f.verdict} ${f.detail.replace(/\d+/g, "#")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  [${f.verdict}] ${f.call} → ${f.detail}`);
  }
  return lines.join("\n");
}

/** "late" errors are extra events, not extra calls. */
function findingsAfterReturn(run: Run): number {
  return run.findings.filter((f) => f.call === "(after the call returned)").length;
}

