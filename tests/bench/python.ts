/**
 * Reference runs in Python for the benchmarks (numpy, PyTorch from Debian: python3-numpy,
 * python3-torch, run with /usr/bin/python3). Each script lives in tests/bench/py/ and prints one
 * line of JSON; a missing module is reported, not thrown, so the bench says what is missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const PYTHON = "/usr/bin/python3";

/** null when `import <mod>` works with /usr/bin/python3, else why not (e.g. "apt-get install python3-torch"). */
export function pythonMissing(mod: string, debianPackage: string): string | null {
  const probe = spawnSync(PYTHON, ["-c", `import ${mod}`], { encoding: "utf8" });
  if (probe.status === 0) return null;
  const why = (probe.stderr || probe.error?.message || "").trim().split("\n").pop();
  return `${mod} not importable with ${PYTHON} (${why}); install Debian's ${debianPackage}`;
}

/** A temporary directory with the given files (name → bytes), removed after `f`. */
export function withFiles<T>(files: Record<string, ArrayBufferView>, f: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dl-bench-"));
  try {
    for (const [name, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    return f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run tests/bench/py/<script> with args and extra environment; the parsed last line of its output, or { error }. */
export function runPython<T>(script: string, args: string[], env: Record<string, string> = {}): T | { error: string } {
  const r = spawnSync(PYTHON, [path.join(__dirname, "py", script), ...args], { encoding: "utf8", maxBuffer: 1 << 22, env: { ...process.env, ...env } });
  if (r.status !== 0) return { error: `${script} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}` };
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as T;
}

/** Labels as int64 bytes for the Python side. */
export const int64Labels = (labels: readonly number[]): BigInt64Array => BigInt64Array.from(labels, (v) => BigInt(v));

/** Median of a non-empty list (mean of the middle two for an even count). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The load average now, to print next to every figure ("load 3.1 2.8 2.5"). */
export const loadAverage = (): string => `load ${os.loadavg().map((v) => v.toFixed(1)).join(" ")}`;
