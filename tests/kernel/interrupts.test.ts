/**
 * Interrupt means stop, through the real dl-lessons kernel (Jupyter's interrupt: SIGINT to the
 * kernel): a plain `await train(...)` and a `fitDigits` stop after the current batch and resolve
 * with the history so far (`stopped: "interrupt"`), the cell ending normally; an async loop of
 * the user's that watches `interruptSignal()` stops too; and the kernel answers the next cell.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ARTIFACTS, PYTHON, setupKernel, testEnv } from "./setup";

type Run = { status: string; ename: string | null; stdout: string; stderr: string; interrupted_at: number | null; seconds: number };
type After = { stopped?: string; batches?: number; count: number; atInterrupt: number; hookSaid: boolean; aborted?: boolean; fresh?: boolean };
type Report = Record<"train" | "fit" | "loop", Run & { check: Run; after: After }> & { setup: Run; next: Run };

describe("Interrupt in the real kernel", () => {
  test("train(), fitDigits and an async loop each stop within one batch; the kernel answers the next cell", () => {
    setupKernel();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const reportPath = path.join(ARTIFACTS, "interrupts.json");
    fs.rmSync(reportPath, { force: true });
    const r = spawnSync(PYTHON, [path.join(__dirname, "fixtures", "interrupts.py"), reportPath], {
      cwd: path.join(__dirname, "fixtures"), env: testEnv(), encoding: "utf8", timeout: 600_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(fs.readFileSync(reportPath, "utf8")) as Report;
    assert.equal(report.setup.status, "ok", report.setup.stderr);
    assert.match(report.setup.stdout, /function/, "dl-lessons installed its interrupt hook");

    for (const name of ["train", "fit"] as const) {
      const run = report[name];
      assert.ok(run.interrupted_at !== null, `${name}: the interrupt was sent`);
      // the loop took the interrupt: the cell ends normally and returns the history
      assert.equal(run.status, "ok", `${name}: ${run.stderr}`);
      assert.match(run.stdout, /RETURNED/);
      const a = run.after;
      assert.equal(a.hookSaid, true, `${name}: the library said a loop would stop`);
      assert.equal(a.stopped, "interrupt");
      assert.ok(a.count - a.atInterrupt <= 1, `${name}: ${a.count - a.atInterrupt} batches after the interrupt`);
      assert.equal(a.batches, a.count, `${name}: the history keeps every batch trained`);
      assert.ok(a.count >= 20, `${name}: trained ${a.count} batches before the interrupt`);
    }
    // the async loop: tslab stops waiting for the cell, and the loop sees the signal
    const loop = report.loop;
    assert.ok(loop.interrupted_at !== null);
    assert.equal(loop.status, "error");
    assert.equal(loop.ename, "KeyboardInterrupt", "the reply names the interrupt");
    assert.doesNotMatch(loop.stdout, /RETURNED/);
    assert.equal(loop.after.hookSaid, false, "no training loop was running: tslab handles the cell");
    assert.equal(loop.after.aborted, true);
    assert.equal(loop.after.fresh, false, "interruptSignal() gives a fresh signal after an interrupt");
    assert.ok(loop.after.count - loop.after.atInterrupt <= 1, `loop: ${loop.after.count - loop.after.atInterrupt} steps after the interrupt`);
    // and the kernel goes on
    assert.equal(report.next.status, "ok");
    assert.equal(report.next.stdout.trim(), "42");
  });
});
