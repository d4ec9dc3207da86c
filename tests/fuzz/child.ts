/**
 * One fuzz worker (a child process of fuzz.test.ts, started under a memory cap): runs a slice of
 * the calls and reports each on file descriptor 3, one JSON line per event:
 *
 *   {"t":"start","i":17,"desc":"lineChart(null, { width: NaN })"}   before the call
 *   {"t":"done","i":17,"v":"clear"}                                  after it: ok | clear | raw | nonfinite | hang
 *
 * A call that never reports "done" (the process died, or the parent killed it for taking too
 * long) is an abort or a hang of that call. Stdout and stderr belong to the library (show()
 * prints there); the parent ignores them.
 *
 * Usage: node --import tsx tests/fuzz/child.ts <job.json>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import type { Target } from "./targets";
import { argsArb, describeArgs, HarnessError, makeInstance, materialize, UserCallbackError, type ArgSpec, type Modules } from "./values";
import { firstNonFinite, NON_FINITE_EXEMPT, reachable } from "./verdicts";

export interface Job {
  targets: Target[];
  /** entry name → absolute path of its source file */
  entryFiles: Record<string, string>;
  errorClasses: { entry: string; name: string }[];
  runs: number;
  seed: number;
  /** global call index to start at, and how many calls at most */
  from: number;
  count: number;
  callMs: number;
  /** the only folder the library may write to */
  sandbox: string;
}

/** Writes outside the sandbox throw this (installKernel() must not touch the real project). */
class SandboxRefusal extends Error {
  constructor(p: string) {
    super(`fuzz sandbox: refused a write to ${p}`);
    this.name = "SandboxRefusal";
  }
}

function guardWrites(sandbox: string): void {
  const inside = (p: unknown) => {
    if (typeof p !== "string" && !(p instanceof URL) && !Buffer.isBuffer(p)) return true; // a file descriptor
    const abs = path.resolve(String(p instanceof URL ? p.pathname : p));
    if (abs !== sandbox && !abs.startsWith(sandbox + path.sep)) throw new SandboxRefusal(abs);
    return true;
  };
  // The builtin module object itself (an `import * as fs` namespace is a read-only copy under tsx).
  const mod = require("node:fs") as Record<string, (...a: unknown[]) => unknown>;
  const two = new Set(["renameSync", "copyFileSync", "cpSync", "symlinkSync", "linkSync"]);
  for (const name of ["writeFileSync", "appendFileSync", "mkdirSync", "rmSync", "rmdirSync", "unlinkSync", "renameSync", "copyFileSync", "cpSync", "symlinkSync", "linkSync", "mkdtempSync", "truncateSync"]) {
    const orig = mod[name];
    mod[name] = (...a: unknown[]) => {
      inside(a[0]);
      if (two.has(name)) inside(a[1]);
      return orig.apply(mod, a);
    };
  }
  const openSync = mod.openSync;
  mod.openSync = (...a: unknown[]) => {
    if (typeof a[1] === "string" && /[wa+]/.test(a[1])) inside(a[0]);
    return openSync.apply(mod, a);
  };
}

function send(msg: object): void {
  fs.writeSync(3, JSON.stringify(msg) + "\n");
}

function callOf(t: Target, m: Modules): { call: (args: unknown[]) => unknown; label: string } {
  const exp = m[t.entry][t.exportName];
  const label = t.kind === "method" ? `${t.exportName}#${t.member}` : t.kind === "static" ? `${t.exportName}.${t.member}` : t.kind === "construct" ? `new ${t.exportName}` : t.exportName;
  switch (t.kind) {
    case "function":
      return { label, call: (args) => exp(...args) };
    case "construct":
      return { label, call: (args) => new exp(...args) };
    case "static":
      return { label, call: (args) => exp[t.member!](...args) };
    case "method":
      return {
        label,
        call: (args) => {
          const inst = makeInstance(exp, t.exportName, m) as Record<string, (...a: unknown[]) => unknown>;
          return inst[t.member!](...args);
        },
      };
  }
}

function hashKey(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The argument lists of one target: the same on every run with the same seed. */
const samples = new Map<string, ArgSpec[][]>();
function argsFor(t: Target, job: Job, k: number): ArgSpec[] {
  let s = samples.get(t.key);
  if (!s) {
    s = fc.sample(argsArb(t.params), { seed: (job.seed ^ hashKey(t.key)) | 0, numRuns: job.runs });
    samples.set(t.key, s);
  }
  return s[k];
}

async function main(): Promise<void> {
  const job: Job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  process.chdir(job.sandbox);
  const m: Modules = {};
  for (const [entry, file] of Object.entries(job.entryFiles)) m[entry] = require(file);
  guardWrites(job.sandbox);
  // Prove the guard holds before any call: a write outside the sandbox must be refused.
  const probe = path.join(path.dirname(job.sandbox), `dl-fuzz-guard-${process.pid}`);
  let refused = false;
  try {
    require("node:fs").writeFileSync(probe, "x");
  } catch (e) {
    refused = e instanceof SandboxRefusal;
  }
  if (!refused) throw new Error(`fuzz: the write guard let a write to ${probe} through`);
  // The exported error classes, and always the library's InputError (the one way to refuse input).
  const documented = [...job.errorClasses.map((c) => m[c.entry][c.name] as new (...a: unknown[]) => Error), m["dl-lessons"].InputError];
  const isClear = (e: unknown) => e instanceof UserCallbackError || e instanceof SandboxRefusal || documented.some((C) => e instanceof C);

  let current = -1;
  // An error thrown later by something a call started (a timer, a stray promise) is raw too.
  const late = (e: unknown) => {
    if (isClear(e)) return;
    send({ t: "late", i: current, d: String((e as Error)?.stack ?? e).split("\n").slice(0, 3).join(" | ") });
  };
  process.on("uncaughtException", late);
  process.on("unhandledRejection", late);

  const total = job.targets.length * job.runs;
  for (let i = job.from; i < Math.min(total, job.from + job.count); i++) {
    const t = job.targets[Math.floor(i / job.runs)];
    const specs = argsFor(t, job, i % job.runs);
    const { call, label } = callOf(t, m);
    current = i;
    send({ t: "start", i, desc: `${t.entry === "dl-lessons" ? "" : t.entry + ": "}${label}(${describeArgs(specs)})` });
    const t0 = performance.now();
    let verdict = "ok";
    let detail = "";
    let args: unknown[];
    try {
      args = specs.map((s) => materialize(s, m));
    } catch (e) {
      send({ t: "done", i, v: "harness", d: `making the arguments failed: ${String(e)}` });
      continue;
    }
    try {
      const given = reachable(args);
      let out = call(args);
      if (out && typeof (out as PromiseLike<unknown>).then === "function") {
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise((resolve) => (timer = setTimeout(resolve, job.callMs, HANG)));
        out = await Promise.race([out, hang]);
        clearTimeout(timer);
        if (out === HANG) {
          send({ t: "done", i, v: "hang", d: `the promise did not settle within ${job.callMs} ms` });
          process.exit(0); // whatever it started may still run: start a fresh child
        }
      }
      const bad = NON_FINITE_EXEMPT.has(t.exportName) ? null : firstNonFinite(out, "result", 0, given);
      if (bad) {
        verdict = "nonfinite";
        detail = `returned ${bad}`;
      }
    } catch (e) {
      if (e instanceof HarnessError) {
        verdict = "harness";
        detail = e.message;
      } else if (isClear(e)) verdict = "clear";
      else {
        verdict = "raw";
        detail = `${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).split("\n")[0].slice(0, 200)}`;
      }
    }
    send({ t: "done", i, v: verdict, d: detail, ms: Math.round(performance.now() - t0) });
  }
  send({ t: "end" });
  process.exit(0);
}

const HANG = Symbol("hang");

main().catch((e) => {
  send({ t: "fatal", d: String((e as Error)?.stack ?? e) });
  process.exit(2);
});
