import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { showOutput } from "../../kernel-helpers/show";

/** A frame of n rows: name "layer_0" … and a number column, as a network summary. */
const frame = (n: number) =>
  pl.DataFrame({ name: Array.from({ length: n }, (_, i) => `layer_${i}`), parameters: Array.from({ length: n }, (_, i) => i * 1000) });
const plain = (df: unknown) => showOutput(df).data["text/plain"] as string;
const missing = (text: string, n: number) => Array.from({ length: n }, (_, i) => `layer_${i}`).filter((name) => !text.includes(name));

afterEach(() => {
  pl.Config.setTblRows(); // polars' default, whatever a test set
});

test("a 13-row frame (AlexNet's summary size): every row's name in text/plain, polars' row limit restored after", () => {
  const df = frame(13);
  const elided = String(df);
  assert.ok(missing(elided, 13).length > 0, "polars' own text elides middle rows: the test could fail");
  const text = plain(df);
  assert.deepEqual(missing(text, 13), []);
  assert.ok(text.includes("shape: (13, 2)"), "still polars' own table");
  assert.equal(process.env.POLARS_FMT_MAX_ROWS, undefined);
  assert.equal(String(df), elided, "toString elsewhere elides as before");
});

test("60 rows: every row; 61 rows: polars' own elided text, the HTML showing its own cap (40 rows: 39 and a ⋮ row)", () => {
  assert.deepEqual(missing(plain(frame(60)), 60), []);
  const big = frame(61);
  const out = showOutput(big);
  assert.equal(out.data["text/plain"], String(big));
  assert.ok(missing(out.data["text/plain"] as string, 61).length > 0);
  assert.ok((out.data["text/html"] as string).includes("61 rows × 2 columns (39 shown)"));
});

test("a row limit the user set is kept: setTblRows(3) stays 3 after a 13-row frame is shown whole; setTblRows(-1) (all) is left alone", () => {
  pl.Config.setTblRows(3);
  const df = frame(13);
  assert.deepEqual(missing(plain(df), 13), []);
  assert.equal(process.env.POLARS_FMT_MAX_ROWS, "3");
  assert.ok(missing(String(df), 13).length >= 10, "3 rows again");
  pl.Config.setTblRows(-1);
  assert.deepEqual(missing(plain(frame(100)), 100), []);
  assert.equal(process.env.POLARS_FMT_MAX_ROWS, "-1");
});
