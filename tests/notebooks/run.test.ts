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
import { installKernel } from "../../kernel-helpers/kernel";
import { NotebookError, executeNotebook, executeNotebooks, freshExecutedCopy, listLessons, stripAnsi } from "../../kernel-helpers/run";

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

  test("broken/runtime-error with allowErrors: the error is recorded and the next cell still runs (tslab's cancel window waited out)", async () => {
    const outPath = path.join(tmp, "runtime-error-allowed.ipynb");
    const run = await executeNotebook(path.join(BROKEN, "runtime-error.ipynb"), { outPath, allowErrors: true });
    assert.deepEqual(run.cellErrors, [{ cell: 2, ename: "RangeError", evalue: "shape mismatch: 2 vs 3" }]);
    const executed = readNb(outPath);
    const last = executed.cells[3];
    assert.equal(typeof last.execution_count, "number");
    assert.equal(text(last.outputs?.[0]?.text), "never reached\n");
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
