/** View of a conv2d trace: the output-size formula, then each recorded window ⊙ filter, Σ + b = out. */
import { fmtShape } from "../../src/errors";
import { sizeFormula } from "../../src/layers/windows";
import type { Tensor } from "../../src/tensor";
import type { ConvTrace, ConvWindow } from "../../src/trace";
import { esc } from "../shared/text";
import { fmtNum, paren } from "./format";
import { code, gridHtml, heading, isWhole, note, op, outPlane, planeFits, row, S, step, tensorHtml, windowPlane, type HtmlOpts } from "./html";
import { block, num, shapeOf, sideBySide, term, windowGrids, type TextOpts } from "./text";
import type { LayerView } from "./view";

/** H' and W' with their numbers (⌊ ⌋ exactly when a division is not whole): the one source for text and HTML. */
export function convSizes(t: ConvTrace): [string, string] {
  const [, H, W] = t.x.shape;
  const [KH, KW] = t.w.shape;
  const h = sizeFormula("H", { size: H, kernel: KH, stride: t.stride, pad: t.pad });
  const w = sizeFormula("W", { size: W, kernel: KW, stride: t.stride, pad: t.pad });
  return [`${h.symbolic} = ${h.filled}`, `${w.symbolic} = ${w.filled}`];
}

/** "rows 0..2, cols 1..3": where a window sits in the padded input. */
const span = (w: ConvWindow, kh: number, kw: number, dots: string, cols: string): string => `rows ${w.row}${dots}${w.row + kh - 1}, ${cols} ${w.col}${dots}${w.col + kw - 1}`;

function convText(t: ConvTrace, o: TextOpts): string[] {
  const [kh, kw] = t.w.shape;
  const [hSize, wSize] = convSizes(t);
  const lines = [
    `${t.layer} (conv2d): out[n, i, j, f] = Σ (window ⊙ filter f) + b[f]    x ${shapeOf(t.x)} * w ${shapeOf(t.w)}, stride ${t.stride}, pad ${t.pad} → out ${shapeOf(t.out)}`,
    `  ${hSize};  ${wSize}`,
    ...block("b", t.b, o),
  ];
  for (const win of t.windows.slice(0, o.maxWindows)) {
    lines.push(`  window n=${win.n} i=${win.i} j=${win.j}, filter ${win.f}: ${span(win, kh, kw, "..", "cols")} of the padded input`);
    const wg = windowGrids(win.window, o);
    const fg = windowGrids(win.filter, o);
    const pg = windowGrids(win.products, o);
    wg.forEach((_, ch) => {
      const suffix = wg.length > 1 ? ` (channel ${ch})` : "";
      lines.push(...sideBySide([`window${suffix}`, "filter", "window ⊙ filter"], [wg[ch], fg[ch], pg[ch]]).map((l) => "    " + l));
    });
    lines.push(`    Σ products = ${num(win.sum, o)}; + bias ${term(win.bias, o)} = ${num(win.out, o)} = out[${win.n}, ${win.i}, ${win.j}, ${win.f}]`);
  }
  if (t.windows.length > o.maxWindows) lines.push(`  … ${t.windows.length - o.maxWindows} more windows recorded`);
  return lines;
}

function convHtml(t: ConvTrace, o: HtmlOpts): string {
  const C = t.x.shape[3];
  const [KH, KW, , F] = t.w.shape;
  const [hSize, wSize] = convSizes(t);
  let h =
    heading(`${esc(t.layer)}: convolution, ${F} filter${F === 1 ? "" : "s"} ${KH}×${KW}×${C}, stride ${t.stride}, padding ${t.pad}`) +
    note(esc(`x ${fmtShape(t.x.shape)} ⊛ w ${fmtShape(t.w.shape)} + b ${fmtShape(t.b.shape)} → out ${fmtShape(t.out.shape)};  `) + code(hSize) + ", " + code(wSize)) +
    note(esc(`each output value: out[n, i, j, f] = Σ (window of x at rows i·S…, columns j·S…) ⊙ w[:, :, :, f] + b[f]`)) +
    row(tensorHtml(t.b, "b", o));
  const shown = t.windows.slice(0, o.maxWindows);
  for (const w of shown) h += convWindowHtml(t, w, o);
  if (t.windows.length > shown.length) h += note(`… ${t.windows.length - shown.length} more recorded windows (show(trace, { maxWindows }) draws more)`);
  if (t.windows.length === 0) h += note("no window was recorded");
  h += heading("output") + tensorHtml(t.out, "out", o);
  return step(h);
}

/** The channels of a window drawn one by one (2 in a large input); Σ products adds them all. */
const MAX_WINDOW_CHANNELS = 4;

/** A [KH, KW, C] tensor's channel c as a small table (capped like every tensor of a trace). */
function channel(t: Tensor, c: number, caption: string, o: HtmlOpts, cell?: (i: number, j: number) => string | undefined): string {
  const [A, B, C] = t.shape;
  return gridHtml(A, B, (i, j) => t.data[(i * B + j) * C + c], { caption: esc(caption), digits: o.digits, indices: false, cell, rows: o.rows, cols: o.cols });
}

function convWindowHtml(t: ConvTrace, w: ConvWindow, o: HtmlOpts): string {
  const digits = o.digits;
  const C = t.x.shape[3];
  const [KH, KW] = t.w.shape;
  const [, OH, OW] = t.out.shape;
  const title = `out[${w.n}, ${w.i}, ${w.j}, ${w.f}]: window at ${span(w, KH, KW, "–", "columns")}${t.pad ? " of the padded input" : ""}`;
  let h = "";
  const bigInput = !planeFits(t.x.shape[1] + 2 * t.pad, t.x.shape[2] + 2 * t.pad, o) || !isWhole(t.x, o);
  const channels = Math.min(C, bigInput ? 2 : MAX_WINDOW_CHANNELS);
  for (let c = 0; c < channels; c++) {
    const input = bigInput ? channel(w.window, c, `window, channel ${c}`, o) : windowPlane(t.x, w.n, c, t.pad, w.row, w.col, KH, KW, undefined, digits);
    h += row(
      input,
      bigInput ? "" : op("→"),
      bigInput ? "" : channel(w.window, c, `window[:, :, ${c}]`, o),
      op("⊙"),
      channel(w.filter, c, `w[:, :, ${c}, ${w.f}]`, o),
      op("="),
      channel(w.products, c, "products", o, (i, j) => {
        const v = w.products.data[(i * KW + j) * C + c];
        return v > 0 ? S.pos : v < 0 ? S.neg : undefined;
      }),
    );
  }
  if (C > channels) h += note(esc(`channels ${channels}–${C - 1} are not drawn; Σ products adds the products of all ${C} channels`));
  const eqText = `Σ products = ${fmtNum(w.sum, digits)}\n+ b[${w.f}] = ${paren(w.bias, digits)}\n= ${fmtNum(w.out, digits)}`;
  const target = planeFits(OH, OW, o) && isWhole(t.out, o) ? outPlane(t.out, w.n, w.f, w.i, w.j, "out", digits) : `<div style="${S.eq}">${esc(`out[${w.n}, ${w.i}, ${w.j}, ${w.f}]`)}</div>`;
  h += row(`<div style="${S.eq}"><b>${esc(eqText)}</b></div>`, op("→"), target);
  return `<div style="margin:6px 0 10px 0"><div style="${S.h};font-size:13px">${esc(title)}</div>${h}</div>`;
}

export const convView: LayerView<ConvTrace> = {
  text: convText,
  html: convHtml,
  output: (t) => t.out,
};
