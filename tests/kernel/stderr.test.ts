/**
 * kernel-helpers/tslab/stderr.ts, the one parser of what tslab prints for a failed cell: the
 * kernel preload fills the execute_reply's ename/evalue/traceback from it, and the runner
 * (run.ts, execute.py) reads that parsed form. The rules are pinned by fixtures/stderr-cases.json.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanTraceback, isKernelFrame, parseCellError } from "../../kernel-helpers/tslab/stderr";

type Case = { name: string; stderr: string; ename: string; evalue: string; traceback_excludes?: string };
const CASES = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "stderr-cases.json"), "utf8")) as Case[];

describe("parseCellError (fixtures/stderr-cases.json)", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const e = parseCellError(c.stderr);
      assert.equal(e.ename, c.ename);
      assert.equal(e.evalue, c.evalue);
      for (const l of e.traceback) {
        assert.doesNotMatch(l, /\u001b\[/, "no ANSI codes");
        assert.notEqual(l.trim(), "", "no blank lines");
        if (c.traceback_excludes) assert.ok(!l.includes(c.traceback_excludes), l);
      }
    });
  }
});

describe("kernel frames", () => {
  test("frames of node:vm, node:internal and tslab are the kernel's; the cell's own are kept", () => {
    assert.equal(isKernelFrame("    at sigintHandlersWrap (node:vm:280:12)"), true);
    assert.equal(isKernelFrame("    at Object.execute (/p/node_modules/tslab/dist/executor.js:160:38)"), true);
    assert.equal(isKernelFrame("    at evalmachine.<anonymous>:3:9"), false);
    assert.equal(isKernelFrame("RangeError: at node:vm"), false, "not a frame line");
    assert.deepEqual(cleanTraceback(["a\n    at x (node:internal/y:1:1)\n", "", "b"]), ["a", "b"]);
  });
});
