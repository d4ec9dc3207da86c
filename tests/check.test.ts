import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import { checkLecture, LectureCheck } from "../kernel-helpers/check";
import { setDisplayWriter } from "../kernel-helpers/display";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";

test("checkLecture: 1/3 rounds to the lecture's 0.33 and passes; 0.36 against 0.33 fails loudly", () => {
  const r = checkLecture("third", [1 / 3, 2 / 3], [0.33, 0.67]);
  assert.equal(r.ok, true);
  assert.match(r.message, /^✓ third/);
  // A deliberate mismatch: its printed ✗ line is captured here (not left in the test output) and checked.
  const printed = capturingConsole(() =>
    assert.throws(() => checkLecture("wrong", [0.36], [0.33]), /✗ wrong: computed \(0\.36\) but the lecture says \(0\.33\)/),
  );
  assert.match(printed, /^✗ wrong: computed \(0\.36\) but the lecture says \(0\.33\)/);
});

/** Runs fn with console.log captured; returns what it printed. */
function capturingConsole(fn: () => void): string {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

test("checkLecture: Tensor and nested arrays compare element by element; sizes must agree", () => {
  const t = Tensor.from([[3, -1], [-3, 0]]);
  assert.equal(checkLecture("map", t, [[3, -1], [-3, 0]], 0).ok, true);
  assert.throws(() => checkLecture("map", t, [3, -1, -3], 0), InputError);
  assert.throws(() => checkLecture("nan", [NaN], [1]), InputError);
});

test("checkLecture returns a LectureCheck whose printout is its one line (template string, console.log, util.inspect)", () => {
  const r = checkLecture("half", 0.5, 0.5, 1);
  assert.ok(r instanceof LectureCheck);
  assert.deepEqual([r.label, r.computed, r.lecture, r.decimals, r.ok], ["half", [0.5], [0.5], 1, true]);
  assert.equal(`${r}`, r.message);
  assert.equal(inspect(r), r.message);
  assert.equal(inspect([r]), `[ ${r.message} ]`);
  assert.equal(r.message.split("\n").length, 1);
});

/**
 * tslab prints a cell's last value with console.log from tslab/dist/executor.js: a stand-in
 * module at such a path, with a stand-in cell writer, and stdout captured.
 */
function fakeTslabCell(): { printLast: (v: unknown) => void; stdout: () => string; done: () => void } {
  const dir = path.join(os.tmpdir(), `dl-lessons-check-${process.pid}`, "node_modules", "tslab", "dist");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "executor.js");
  fs.writeFileSync(file, "exports.printLast = (ret) => { if (ret != null) console.log(ret); };\n");
  const executor = require(file) as { printLast: (v: unknown) => void };
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  setDisplayWriter(() => {}); // a cell is running
  return {
    printLast: executor.printLast,
    stdout: () => chunks.join(""),
    done: () => {
      process.stdout.write = write;
      setDisplayWriter(null);
      delete require.cache[file];
      fs.rmSync(path.dirname(path.dirname(path.dirname(dir))), { recursive: true, force: true });
    },
  };
}

test("checkLecture as a cell's last line in tslab: the line once, not again as the cell's value; in a later cell it prints", () => {
  const cell = fakeTslabCell();
  let text: string;
  let later: string;
  try {
    const r = checkLecture("third", 1 / 3, 0.33);
    cell.printLast(r); // what tslab does with the cell's last value
    console.log("next"); // the next print is not swallowed
    text = cell.stdout();
    setDisplayWriter(() => {}); // another cell shows the check as its value
    cell.printLast(r);
    later = cell.stdout().slice(text.length);
  } finally {
    cell.done();
  }
  assert.equal(text, "✓ third: computed (0.33) matches the lecture's (0.33) to 2 decimals\nnext\n");
  assert.equal(later, "✓ third: computed (0.33) matches the lecture's (0.33) to 2 decimals\n");
});
