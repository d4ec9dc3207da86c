/** show's DataFrames: an HTML table (first and last rows) and polars' own text. */
import { inspect } from "node:util";
import pl from "nodejs-polars";
import type { FrameLike } from "../../src/charts/spec";
import { esc } from "../shared/text";
import { fmtNum } from "../views/format";
import { box, note, S } from "../views/html";
import type { Opts, ShowOutput } from "./options";

/** Indices 0..n-1, or the first and last ones with -1 marking the gap when n > max (DataFrame rows). */
function pick(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil((max - 1) * 0.75);
  const tail = max - 1 - head;
  return [...Array.from({ length: head }, (_, i) => i), -1, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}


export function frameOutput(df: FrameLike, o: Opts): ShowOutput {
  const cols = df.columns;
  const data = cols.map((c) => df.getColumn(c).toArray());
  const n = data.length ? data[0].length : 0;
  const idx = pick(n, o.maxRows);
  const cell = (v: unknown): string => {
    // counts read best with separators: 105,705,600 parameters
    if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) >= 10000) return v.toLocaleString("en-US");
    if (typeof v === "number") return fmtNum(v, o.digits);
    if (typeof v === "bigint") return v.toString();
    if (v === null || v === undefined) return `<span style="color:#aaa">null</span>`;
    return esc(typeof v === "string" ? v : inspect(v, { breakLength: Infinity, depth: 1 }));
  };
  const numeric = data.map((col) => col.every((v) => typeof v === "number" || typeof v === "bigint" || v === null));
  let h = `<table style="${S.table}">`;
  if (o.title) h += `<caption style="${S.caption}">${esc(o.title)}</caption>`;
  h += `<tr>${cols.map((c, k) => `<th style="${S.td};background:#f3f6fa;color:#222;font-weight:bold;text-align:${numeric[k] ? "right" : "left"}">${esc(c)}</th>`).join("")}</tr>`;
  for (const i of idx) {
    if (i < 0) {
      h += `<tr style="${S.tr}">${cols.map(() => `<td style="${S.td};text-align:center;color:#999">⋮</td>`).join("")}</tr>`;
      continue;
    }
    h += `<tr style="${S.tr}">${cols.map((_, k) => `<td style="${S.td};text-align:${numeric[k] ? "right" : "left"}">${cell(data[k][i])}</td>`).join("")}</tr>`;
  }
  h += "</table>";
  const shape = `${n} row${n === 1 ? "" : "s"} × ${cols.length} column${cols.length === 1 ? "" : "s"}`;
  const foot = note(esc(n > o.maxRows ? `${shape} (${o.maxRows - 1} shown)` : shape));
  const plain = typeof (df as { toString?: unknown }).toString === "function" ? frameText(df, n) : "";
  return { data: { "text/html": box(h + foot), "text/plain": plain.startsWith("[object") || !plain ? `DataFrame: ${shape}` : plain }, metadata: {} };
}

/** Frames up to this many rows get every row in their text/plain (polars' own default elides past ~10). */
const FRAME_TEXT_ROWS = 60;

/**
 * polars' text of a frame of n rows: every row when n ≤ FRAME_TEXT_ROWS (its row limit raised for
 * this one toString, then restored), else polars' own (elided) text.
 */
function frameText(df: FrameLike, n: number): string {
  // pl.Config.setTblRows(n) sets POLARS_FMT_MAX_ROWS, which polars reads when it formats
  const prev = process.env.POLARS_FMT_MAX_ROWS;
  const limit = prev === undefined ? NaN : Number(prev);
  if (n > FRAME_TEXT_ROWS || limit < 0 || limit >= n) return String(df); // too long, or already whole
  pl.Config.setTblRows(n);
  try {
    return String(df);
  } finally {
    if (prev === undefined) pl.Config.setTblRows(); // back to polars' default
    else process.env.POLARS_FMT_MAX_ROWS = prev; // exactly as it was
  }
}

