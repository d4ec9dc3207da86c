/**
 * Worked solutions on the site: a code cell tagged "solution" (cell metadata `tags`) renders folded
 * inside <details><summary>Solution</summary>…</details>, closed by default, with its code and its
 * outputs inside; other cells are not folded, and tags that are not a list of strings fold nothing.
 * No browser: the built HTML is read.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSite } from "../../kernel-helpers/tools/site";
import { isSolution } from "../../kernel-helpers/tools/site/lesson";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-site-solutions-"));

function writeNotebook(): string {
  const code = (source: string, text: string, metadata: Record<string, unknown> = {}) => ({
    cell_type: "code", source, metadata, execution_count: 1,
    outputs: [{ output_type: "stream", name: "stdout", text }],
  });
  const nb = {
    cells: [
      { cell_type: "markdown", source: "# 1. Exercises\n\nA lesson with one exercise.", metadata: {} },
      code("function double(x: number): number {\n  throw new Error(\"not implemented yet: double\");\n}\ncheck(double);", "STARTER-OUTPUT FAIL double\n"),
      code("function double(x: number): number {\n  return 2 * x;\n}\ncheck(double);", "SOLUTION-OUTPUT PASS double\n", { tags: ["solution"], jupyter: { source_hidden: true } }),
      code("const later = 1;", "AFTER-OUTPUT\n", { tags: "solution" }),
    ],
    metadata: { kernelspec: { name: "dl-lessons", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  };
  const file = path.join(tmp, "01-exercises.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

describe("cells tagged solution", () => {
  const out = path.join(tmp, "site");
  const result = buildSite([writeNotebook()], out);
  const html = fs.readFileSync(path.join(out, "01-exercises.html"), "utf8");

  test("the solution cell, code and outputs, sits in one <details> that is closed by default", () => {
    assert.deepEqual(result.problems, []);
    const blocks = [...html.matchAll(/<details\b([^>]*)>([\s\S]*?)<\/details>/g)].filter((m) => /class="solution"/.test(m[1]));
    assert.equal(blocks.length, 1, "one folded solution");
    const [, attrs, inner] = blocks[0];
    assert.doesNotMatch(attrs, /\bopen\b/, "closed by default");
    assert.match(inner, /^\s*<summary>Solution<\/summary>/);
    assert.ok(inner.includes("SOLUTION-OUTPUT PASS double"), "its output is folded with it");
    assert.match(inner, /return.*2.*\*.*x/, "its code is folded with it");
  });

  test("the starter cell and an untagged cell stay open; a tags field that is not a list folds nothing", () => {
    const outside = html.replace(/<details\b[\s\S]*?<\/details>/g, "");
    assert.ok(outside.includes("STARTER-OUTPUT FAIL double"));
    assert.ok(outside.includes("AFTER-OUTPUT"));
    assert.ok(!outside.includes("SOLUTION-OUTPUT"));
  });

  test("isSolution reads untrusted metadata without throwing", () => {
    assert.equal(isSolution({ tags: ["solution"] }), true);
    assert.equal(isSolution({ tags: ["other", "solution"] }), true);
    for (const m of [undefined, null, 3, "solution", {}, { tags: "solution" }, { tags: [{}] }, { tags: ["Solution"] }]) {
      assert.equal(isSolution(m), false, JSON.stringify(m));
    }
  });
});
