/**
 * A cell that fills the kernel's memory: the kernelspec's heap limit (here 512 MB, in a temporary
 * project), the watchdog's message in the cell, exit code 75, and a kernel that runs the next
 * cell once restarted (as Jupyter's restarter does). Once for synchronous code (the watchdog's
 * worker breaks it), once for an async loop (the kernel's own timer).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installKernel } from "../../kernel-helpers/tools/kernel";
import { ARTIFACTS, PYTHON, ensureBuilt, testEnv } from "./setup";

type Fill = { text: string; idle: boolean; dead: boolean; exit_code: number | null; seconds: number; after: string };

describe("memory exhaustion in a cell", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lessons-memory-"));
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  test("512 MB heap: the cell says the memory is full, the kernel exits 75, restarts and answers", () => {
    ensureBuilt();
    installKernel({ projectDir: project, memoryMb: 512 });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const reportPath = path.join(ARTIFACTS, "memory.json");
    fs.rmSync(reportPath, { force: true });
    const r = spawnSync(PYTHON, [path.join(__dirname, "fixtures", "memory.py"), reportPath], {
      cwd: path.join(__dirname, "fixtures"), env: testEnv({ JUPYTER_PATH: path.join(project, ".jupyter") }), encoding: "utf8", timeout: 600_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(fs.readFileSync(reportPath, "utf8")) as { before: string; sync: Fill; async: Fill };
    assert.equal(report.before.trim(), "2");
    for (const name of ["sync", "async"] as const) {
      const f = report[name];
      assert.match(f.text, /MemoryError: this cell filled the kernel's memory \(\d+ MB of its \d+ MB heap limit\)/, `${name}: ${JSON.stringify(f)}`);
      assert.match(f.text, /npm run kernel -- install --memory \d+/);
      assert.doesNotMatch(f.text, /never printed/);
      assert.equal(f.dead, true, `${name}: the kernel went`);
      assert.equal(f.exit_code, 75, `${name}: exit code`);
      assert.ok(f.seconds < 60, `${name}: took ${f.seconds.toFixed(1)} s`);
      assert.equal(f.after.trim(), "42", `${name}: the restarted kernel answers`);
    }
  });
});
