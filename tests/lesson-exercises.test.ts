/**
 * The lessons' "Try it" exercises, read from the notebooks (no kernel): every worked solution is a
 * code cell tagged "solution" and hidden in JupyterLab, fails the run when its check fails
 * (mustPass), and follows a starter cell that is not finished (a TODO) and runs the same check.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const dir = path.join(__dirname, "..", "notebooks");
type Cell = { cell_type: string; source: string | string[]; metadata?: { tags?: unknown; jupyter?: { source_hidden?: unknown } } };
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const isSolution = (c: Cell) => Array.isArray(c.metadata?.tags) && c.metadata!.tags.includes("solution");

/** exercises with code per lesson, as the lessons' author listed them (the rest of each lesson's "Try it" only observes) */
const EXPECTED: Record<string, number> = { "01": 2, "02": 4, "03": 4, "04": 4, "05": 4, "06": 1, "07": 4, "08": 4, "09": 4, "10": 1, "11": 3, "12": 2 };

for (const file of fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort()) {
  const cells = (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { cells: Cell[] }).cells;
  const solutions = cells.map((c, i) => ({ c, i })).filter(({ c }) => isSolution(c));
  const lesson = file.slice(0, 2);
  if (!(lesson in EXPECTED) && solutions.length === 0) continue;

  test(`${file}: ${EXPECTED[lesson] ?? solutions.length} worked solutions, hidden, checked, each after an unfinished starter`, () => {
    if (lesson in EXPECTED) assert.equal(solutions.length, EXPECTED[lesson]);
    for (const { c, i } of solutions) {
      const where = `${file}, cell ${i + 1}`;
      assert.equal(c.cell_type, "code", where);
      assert.equal(c.metadata?.jupyter?.source_hidden, true, `${where}: collapsed in JupyterLab`);
      const sol = text(c);
      const check = /(?:mustPass|solved)\((?:await )?(\w+)\(/.exec(sol);
      assert.ok(check, `${where}: the solution's check must fail the run (mustPass(check…(…)))`);
      const starter = cells[i - 1];
      assert.ok(starter && starter.cell_type === "code" && !isSolution(starter), `${where}: a starter cell right before`);
      const st = text(starter);
      assert.match(st, /TODO/, `${where}: the starter says what to do`);
      assert.ok(st.includes(`${check[1]}(`), `${where}: the starter runs the same check ${check[1]}`);
      assert.doesNotMatch(st, /mustPass\(/, `${where}: the starter's check must not stop the run`);
    }
  });
}
