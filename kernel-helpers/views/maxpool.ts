/** View of a max-pooling trace: the output-size formula, each recorded window and its winner. */
import { fmtShape } from "../../src/errors";
import { sizeFormula } from "../../src/layers/windows";
import type { PoolTrace, PoolWindow } from "../../src/trace";
import { esc } from "../shared/text";
import { fmtNum } from "./format";
import { code, gridHtml, heading, isWhole, note, op, outPlane, planeFits, row, S, step, tensorHtml, windowPlane, type HtmlOpts } from "./html";
import { num, shapeOf, type TextOpts } from "./text";
import type { LayerView } from "./view";

/** H' and W' with their numbers (⌊ ⌋ exactly when a division is not whole): the one source for text and HTML. */
export function poolSizes(t: PoolTrace): [string, string] {
  const [, H, W] = t.x.shape;
  const h = sizeFormula("H", { size: H, kernel: t.size, stride: t.stride }, "K");
  const w = sizeFormula("W", { size: W, kernel: t.size, stride: t.stride }, "K");
  return [`${h.symbolic} = ${h.filled}`, `${w.symbolic} = ${w.filled}`];
}

function poolText(t: PoolTrace, o: TextOpts): string[] {
  const [hSize, wSize] = poolSizes(t);
  const lines = [
    `${t.layer} (max pooling): out[n, i, j, c] = max of the ${t.size}×${t.size} window, stride ${t.stride}    x ${shapeOf(t.x)} → out ${shapeOf(t.out)}`,
    `  ${hSize};  ${wSize}`,
  ];
  for (const win of t.windows.slice(0, o.maxWindows)) {
    const [rows, cols] = win.window.shape;
    // the winner in brackets: where backward will send the gradient
    const cells = Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => {
        const s = num(win.window.data[r * cols + c], o);
        return r === win.winRow && c === win.winCol ? `[${s}]` : ` ${s} `;
      }),
    );
    const width = Math.max(...cells.flat().map((s) => s.length));
    lines.push(`  window n=${win.n} i=${win.i} j=${win.j} channel ${win.c}: rows ${win.row}..${win.row + rows - 1}, cols ${win.col}..${win.col + cols - 1}`);
    cells.forEach((row) => lines.push(("    " + row.map((s) => s.padStart(width)).join(" ")).trimEnd()));
    lines.push(`    max = ${num(win.value, o)} at (${win.winRow}, ${win.winCol}) of the window = out[${win.n}, ${win.i}, ${win.j}, ${win.c}]`);
  }
  if (t.windows.length > o.maxWindows) lines.push(`  … ${t.windows.length - o.maxWindows} more windows recorded`);
  return lines;
}

function poolHtml(t: PoolTrace, o: HtmlOpts): string {
  const [hSize, wSize] = poolSizes(t);
  let h =
    heading(`${esc(t.layer)}: max pooling ${t.size}×${t.size}, stride ${t.stride}`) +
    note(esc(`x ${fmtShape(t.x.shape)} → out ${fmtShape(t.out.shape)};  `) + code(hSize) + ", " + code(wSize)) +
    note("each output keeps the largest value of its window (the winner, in orange); backprop sends the gradient to the winner only");
  const shown = t.windows.slice(0, o.maxWindows);
  for (const w of shown) h += poolWindowHtml(t, w, o);
  if (t.windows.length > shown.length) h += note(`… ${t.windows.length - shown.length} more recorded windows (show(trace, { maxWindows }) draws more)`);
  h += heading("output") + tensorHtml(t.out, "out", o);
  return step(h);
}

function poolWindowHtml(t: PoolTrace, w: PoolWindow, o: HtmlOpts): string {
  const digits = o.digits;
  const [, OH, OW] = t.out.shape;
  const title = `out[${w.n}, ${w.i}, ${w.j}, ${w.c}] = max of the window at rows ${w.row}–${w.row + t.size - 1}, columns ${w.col}–${w.col + t.size - 1}`;
  const big = !planeFits(t.x.shape[1], t.x.shape[2], o) || !isWhole(t.x, o);
  const win = gridHtml(t.size, t.size, (i, j) => w.window.data[i * t.size + j], {
    caption: "window",
    digits,
    indices: false,
    cell: (i, j) => (i === w.winRow && j === w.winCol ? S.win : undefined),
  });
  const parts = big ? [win] : [windowPlane(t.x, w.n, w.c, 0, w.row, w.col, t.size, t.size, [w.winRow, w.winCol], digits), op("→"), win];
  parts.push(op("→"), `<div style="${S.eq}"><b>${esc(`max = ${fmtNum(w.value, digits)}`)}</b> (at window row ${w.winRow}, column ${w.winCol})</div>`);
  if (planeFits(OH, OW, o) && isWhole(t.out, o)) parts.push(outPlane(t.out, w.n, w.c, w.i, w.j, "out", digits));
  return `<div style="margin:6px 0 10px 0"><div style="${S.h};font-size:13px">${esc(title)}</div>${row(...parts)}</div>`;
}

export const maxPoolView: LayerView<PoolTrace> = {
  text: poolText,
  html: poolHtml,
  output: (t) => t.out,
};
