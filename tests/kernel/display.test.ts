/**
 * display.ts: a whole MIME bundle in one output through tslab's own writer (found in Node's
 * require cache, as the running kernel loaded it), outputs replaced by display id, each output
 * kept in the cell that created it, and plain text outside a kernel.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { DisplayHandle, currentWriter, displayBundle, inKernel, plainText, setDisplayWriter, type DisplayContent } from "../../kernel-helpers/display";
import { show } from "../../kernel-helpers/show";
import { Tensor } from "../../src/tensor";

/** A stand-in for tslab/dist/jupyter.js as a running kernel holds it: its module in require.cache. */
function fakeTslab(): { file: string; cell: (name: string) => { content: DisplayContent; update: boolean }[]; remove: () => void } {
  const file = path.join(os.tmpdir(), "dl-lessons-fake", "node_modules", "tslab", "dist", "jupyter.js");
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  const exportsObj: { lastWriteDisplayData: ((c: DisplayContent, u?: boolean) => void) | null } = { lastWriteDisplayData: null };
  mod.exports = exportsObj;
  require.cache[file] = mod;
  const cells = new Map<string, { content: DisplayContent; update: boolean }[]>();
  return {
    file,
    // tslab sets the writer when a cell starts: here a writer per named cell
    cell: (name) => {
      const log: { content: DisplayContent; update: boolean }[] = [];
      cells.set(name, log);
      exportsObj.lastWriteDisplayData = (content, update) => log.push({ content, update: update === true });
      return log;
    },
    remove: () => {
      exportsObj.lastWriteDisplayData = null;
      delete require.cache[file];
    },
  };
}

describe("display through tslab's writer", () => {
  const tslab = fakeTslab();
  after(() => tslab.remove());

  test("no cell running yet: not in a kernel; a cell starts: its writer is found in the require cache", () => {
    assert.equal(currentWriter(), null);
    assert.equal(inKernel(), false);
    const cell1 = tslab.cell("cell 1");
    assert.equal(inKernel(), true);
    displayBundle({ "text/plain": "x", "text/html": "<b>x</b>" }, { "text/html": { isolated: false } });
    assert.deepEqual(cell1, [{ content: { data: { "text/plain": "x", "text/html": "<b>x</b>" }, metadata: { "text/html": { isolated: false } } }, update: false }]);
  });

  test("show(Tensor) in cell 2 sends ONE display_data holding text/html and text/plain", () => {
    const cell2 = tslab.cell("cell 2");
    show(Tensor.eye(2));
    assert.equal(cell2.length, 1);
    assert.equal(cell2[0].update, false);
    assert.deepEqual(Object.keys(cell2[0].content.data).sort(), ["text/html", "text/plain"]);
  });

  test("a DisplayHandle made in cell 3 keeps writing to cell 3 while cell 4 runs; updates carry its display id", () => {
    const cell3 = tslab.cell("cell 3");
    const h = new DisplayHandle();
    assert.match(h.id, /^[0-9a-f]{16}$/);
    h.display({ "text/plain": "epoch 1" });
    const cell4 = tslab.cell("cell 4");
    h.update({ "text/plain": "epoch 2" });
    h.display({ "text/plain": "epoch 3" }); // already shown: an update
    assert.equal(cell4.length, 0, "nothing in cell 4");
    assert.deepEqual(cell3.map((m) => [m.update, m.content.transient?.display_id, m.content.data["text/plain"]]), [
      [false, h.id, "epoch 1"],
      [true, h.id, "epoch 2"],
      [true, h.id, "epoch 3"],
    ]);
    // update before display creates the output
    const h2 = new DisplayHandle();
    h2.update({ "text/plain": "first" });
    assert.deepEqual(cell4.map((m) => m.update), [false]);
  });

  test("setDisplayWriter takes precedence over tslab, null gives tslab back", () => {
    const cell5 = tslab.cell("cell 5");
    const mine: DisplayContent[] = [];
    setDisplayWriter((c) => mine.push(c));
    displayBundle({ "text/plain": "to mine" });
    setDisplayWriter(null);
    displayBundle({ "text/plain": "to tslab" });
    assert.deepEqual(mine.map((c) => c.data["text/plain"]), ["to mine"]);
    assert.deepEqual(cell5.map((m) => m.content.data["text/plain"]), ["to tslab"]);
  });
});

describe("outside a kernel", () => {
  test("displayBundle prints text/plain; a DisplayHandle prints its updates unless told not to", () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => printed.push(a.join(" "));
    try {
      assert.equal(inKernel(), false);
      displayBundle({ "text/plain": "plain", "text/html": "<i>rich</i>" });
      const h = new DisplayHandle();
      assert.equal(h.live, false);
      h.display({ "text/plain": "a" });
      h.update({ "text/plain": "b" });
      const quiet = new DisplayHandle(undefined, false);
      quiet.display({ "text/plain": "c" });
      quiet.update({ "text/plain": "d" });
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, ["plain", "a", "b", "c"]);
  });

  test("plainText: the bundle's text/plain, else the list of its MIME types", () => {
    assert.equal(plainText({ "text/plain": "t" }), "t");
    assert.equal(plainText({ "image/png": "…", "text/html": "…" }), "<output: image/png, text/html>");
  });
});
