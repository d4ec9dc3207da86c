/**
 * kernel-helpers/run.ts: notebooks run through the real dl-lessons kernel (nbclient + tslab), and a
 * broken notebook is reported with its file, cell, first lines and error. Uses the fixtures in
 * tests/notebooks/fixtures/ (broken/ holds the ones that must fail).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../src/errors";
import { installKernel } from "../../kernel-helpers/tools/kernel";
import { NotebookError, executeNotebook, executeNotebooks, freshExecutedCopy, listLessons, stripAnsi } from "../../kernel-helpers/tools/run";

const FIXTURES = path.join(__dirname, "fixtures");
const BROKEN = path.join(FIXTURES, "broken");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-run-test-"));

type Cell = { cell_type: string; source: string | string[]; outputs?: { output_type: string; name?: string; text?: string | string[] }[]; execution_count?: number | null };
const readNb = (p: string): { cells: Cell[]; metadata: Record<string, unknown> } => JSON.parse(fs.readFileSync(p, "utf8"));
const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");

before(() => {
  installKernel();
});

describe("executeNotebook", () => {
  test("fixture 01-numbers-and-math: every code cell runs, outputs are the computed values", async () => {
    const outPath = path.join(tmp, "01.ipynb");
    const run = await executeNotebook(path.join(FIXTURES, "01-numbers-and-math.ipynb"), { outPath });
    const source = readNb(path.join(FIXTURES, "01-numbers-and-math.ipynb"));
    const codeCells = source.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === "code");
    assert.equal(run.cells.length, codeCells.length);
    assert.deepEqual(run.cells.map((c) => c.index), codeCells.map(([, i]) => i));
    assert.ok(run.seconds > 0 && run.kernelSeconds > 0 && run.kernelSeconds <= run.seconds);
    const executed = readNb(outPath);
    assert.equal(executed.cells.length, source.cells.length);
    // the first code cell prints σ(z) for z = -2..2: compare with the same numbers computed here
    const first = executed.cells[codeCells[0][1]];
    const expected = [-2, -1, 0, 1, 2].map((z) => (1 / (1 + Math.exp(-z))).toFixed(4)).join("  ");
    assert.equal(first.execution_count, 1);
    assert.equal(text(first.outputs?.find((o) => o.name === "stdout")?.text).trim(), expected);
    const meta = executed.metadata.dl_lessons as { ok: boolean; source: string };
    assert.equal(meta.ok, true);
    assert.equal(meta.source, path.join(FIXTURES, "01-numbers-and-math.ipynb"));
    // the lesson itself is left without outputs
    assert.ok(source.cells.every((c) => !c.outputs || c.outputs.length === 0));
  });

  test("broken/runtime-error: stops at cell 3 (code cell 2) with RangeError and its message", async () => {
    const outPath = path.join(tmp, "runtime-error.ipynb");
    const err = await executeNotebook(path.join(BROKEN, "runtime-error.ipynb"), { outPath }).then(
      () => assert.fail("the notebook should fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NotebookError, String(err));
    assert.equal(err.cell, 2);
    assert.equal(err.kind, "error");
    assert.equal(err.ename, "RangeError");
    assert.equal(err.evalue, "shape mismatch: 2 vs 3");
    assert.match(err.source, /^\/\/ the second code cell throws/);
    assert.ok(err.message.includes("runtime-error.ipynb failed in cell 3 (code cell 2)"), err.message);
    assert.ok(err.message.includes("| // the second code cell throws"), err.message);
    assert.ok(err.message.includes("RangeError: shape mismatch: 2 vs 3"), err.message);
    assert.ok(!/\u001b\[/.test(err.message), "no ANSI codes");
    assert.ok(!err.traceback.some((l) => l.includes("tslab/dist")), "kernel frames removed");
    // the executed copy holds the run up to the failure: cell 2 ran, cell 4 did not
    const executed = readNb(outPath);
    assert.equal(executed.cells[1].execution_count, 1);
    assert.equal(executed.cells[3].execution_count ?? null, null);
    assert.equal((executed.metadata.dl_lessons as { ok: boolean }).ok, false);
    assert.equal(freshExecutedCopy(path.join(BROKEN, "runtime-error.ipynb"), tmp), null);
  });

  test("broken/type-error: a TypeScript diagnostic is the error", async () => {
    const err = await executeNotebook(path.join(BROKEN, "type-error.ipynb"), { outPath: path.join(tmp, "type-error.ipynb") }).catch((e: unknown) => e);
    assert.ok(err instanceof NotebookError, String(err));
    assert.equal(err.cell, 1);
    assert.equal(err.ename, "TypeScriptError");
    assert.match(err.evalue, /Type 'string' is not assignable to type 'number'/);
  });

  test("broken/timeout: cellTimeoutSec=2 stops the endless cell as a timeout", async () => {
    const err = await executeNotebook(path.join(BROKEN, "timeout.ipynb"), { outPath: path.join(tmp, "timeout.ipynb"), cellTimeoutSec: 2 }).catch((e: unknown) => e);
    assert.ok(err instanceof NotebookError, String(err));
    assert.equal(err.kind, "timeout");
    assert.equal(err.cell, 2);
    assert.match(err.message, /time limit/);
  });

  test("allowErrors (stop_on_error: false): every cell runs, also the one right after a failure; failures listed", async () => {
    const outPath = path.join(tmp, "errors-allowed.ipynb");
    const run = await executeNotebook(path.join(BROKEN, "errors-allowed.ipynb"), { outPath, allowErrors: true });
    assert.deepEqual(run.errors.map((e) => [e.cell, e.ename]), [[2, "RangeError"], [4, "TypeScriptError"]]);
    assert.equal(run.errors[0].evalue, "planned failure");
    assert.match(run.errors[1].evalue, /not assignable to type 'number'/);
    const executed = readNb(outPath);
    const stdout = (i: number) => text(executed.cells[i].outputs?.find((o) => o.name === "stdout")?.text).trim();
    assert.equal(stdout(1), "first");
    assert.equal(stdout(3), "right after the failure", "the cell sent right after the failing one ran (tslab would answer 'aborted')");
    assert.equal(stdout(5), "last");
    assert.deepEqual(executed.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count), [1, 2, 3, 4, 5]);
    assert.equal((executed.metadata.dl_lessons as { ok: boolean }).ok, false, "a run with errors is not ok");
    // without allowErrors the first failure stops the run
    const err = await executeNotebook(path.join(BROKEN, "errors-allowed.ipynb"), { outPath: path.join(tmp, "errors-stop.ipynb") }).catch((e: unknown) => e);
    assert.ok(err instanceof NotebookError && err.cell === 2, String(err));
  });

  test("kernel=no-such-kernel: reported before the first cell", async () => {
    const err = await executeNotebook(path.join(FIXTURES, "01-numbers-and-math.ipynb"), { outPath: path.join(tmp, "nk.ipynb"), kernel: "no-such-kernel" }).catch((e: unknown) => e);
    assert.ok(err instanceof NotebookError, String(err));
    assert.equal(err.kind, "kernel");
    assert.equal(err.cell, -1);
    assert.match(err.message, /before its first cell/);
  });

  test("bad input: not a notebook, a missing file, timeoutSec 0 or NaN", async () => {
    await assert.rejects(executeNotebook("README.md"), InputError);
    await assert.rejects(executeNotebook(path.join(FIXTURES, "missing.ipynb")), /existing notebook/);
    await assert.rejects(executeNotebook(path.join(FIXTURES, "01-numbers-and-math.ipynb"), { timeoutSec: 0 }), /timeoutSec/);
    await assert.rejects(executeNotebook(path.join(FIXTURES, "01-numbers-and-math.ipynb"), { timeoutSec: NaN }), /timeoutSec/);
  });
});

describe("executeNotebooks", () => {
  test("3 fixtures, parallel=2: runs in the order given, executed copies are fresh", async () => {
    const paths = listLessons(FIXTURES);
    assert.equal(paths.length, 3);
    const done: string[] = [];
    const runs = await executeNotebooks(paths, { outDir: path.join(tmp, "many"), parallel: 2, onDone: (r) => done.push(r.notebook) });
    assert.deepEqual(runs.map((r) => r.notebook), paths);
    assert.deepEqual([...done].sort(), [...paths].sort());
    for (const p of paths) assert.equal(freshExecutedCopy(p, path.join(tmp, "many")), path.join(tmp, "many", path.basename(p)));
  });

  test("4 kernels started at once (parallel=4): every start succeeds, serialized by execute.py's start lock", async () => {
    const paths = [...listLessons(FIXTURES), path.join(FIXTURES, "01-numbers-and-math.ipynb")];
    const runs = await executeNotebooks(paths.slice(0, 4), { outDir: path.join(tmp, "four"), parallel: 4 });
    assert.equal(runs.length, 4);
    for (const r of runs) assert.ok(r.startAttempts === 1 || r.startAttempts === 2, String(r.startAttempts));
    assert.ok(fs.existsSync(path.join(os.tmpdir(), "dl-lessons-kernel-start.lock")), "the lock file of the kernel starts");
  });

  test("[ok, broken, ok], parallel=1: stops at the broken one, the third never starts", async () => {
    const paths = [path.join(FIXTURES, "03-outputs.ipynb"), path.join(BROKEN, "type-error.ipynb"), path.join(FIXTURES, "01-numbers-and-math.ipynb")];
    const started: string[] = [];
    const err = await executeNotebooks(paths, { outDir: path.join(tmp, "stop"), parallel: 1, onStart: (p) => started.push(p) }).catch((e: unknown) => e);
    assert.ok(err instanceof NotebookError, String(err));
    assert.equal(err.notebook, paths[1]);
    assert.deepEqual(started, paths.slice(0, 2));
  });

  test("bad input: parallel=0", async () => {
    await assert.rejects(executeNotebooks([], { parallel: 0 }), InputError);
  });
});

describe("helpers", () => {
  test("stripAnsi removes colour codes and keeps the text", () => {
    assert.equal(stripAnsi("\u001b[31mRangeError\u001b[39m: \u001b[1mbad\u001b[0m"), "RangeError: bad");
  });

  test("listLessons: NN-*.ipynb only, sorted; a missing folder gives none", () => {
    const names = listLessons(FIXTURES).map((p) => path.basename(p));
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.every((n) => /^\d{2}-.+\.ipynb$/.test(n)));
    assert.deepEqual(listLessons(path.join(tmp, "nowhere")), []);
  });
});
