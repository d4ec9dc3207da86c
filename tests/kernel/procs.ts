/**
 * Test helper: the processes that carry a marker in their environment (a test starts `npm …` with
 * DL_LESSONS_TEST_MARK=<id>; every child, Jupyter's kernels included, inherits it).
 */
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";

export const newMark = (): string => `dl-test-${randomBytes(6).toString("hex")}`;

/** pid and command line of each live process whose environment holds DL_LESSONS_TEST_MARK=mark. */
export function marked(mark: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = fs.readFileSync(`/proc/${d}/environ`, "utf8");
      if (!env.split("\0").includes(`DL_LESSONS_TEST_MARK=${mark}`)) continue;
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      if (/\) Z /.test(stat)) continue; // a zombie is gone already
      out.push({ pid: Number(d), cmd: fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ").trim() });
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return out;
}

/** Wait until `check()` is true (polling), or fail after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
