/** View of a dense trace: z = x·W + b, every sum written out while it stays readable. */
import { fmtShape } from "../../src/errors";
import type { ActivationTrace, DenseTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { ACTIVATION_FORMULA } from "./activation";
import { fmtNum, paren } from "./format";
import { eq, heading, note, op, row, step, tensorHtml, type HtmlOpts } from "./html";
import { block, num, shapeOf, term, type TextOpts } from "./text";
import type { LayerView } from "./view";

function denseText(t: DenseTrace, o: TextOpts): string[] {
  const [n, d] = t.x.shape;
  const m = t.W.shape[1];
  const lines = [
    `${t.layer} (dense): z = x·W + b    x ${shapeOf(t.x)} · W ${shapeOf(t.W)} + b ${shapeOf(t.b)} → z ${shapeOf(t.z)}`,
    ...block("x", t.x, o),
    ...block("W", t.W, o),
    ...block("b", t.b, o),
    ...block("z", t.z, o),
    `  example 0, unit by unit: z[0, j] = Σ_k x[0, k]·W[k, j] + b[j]`,
  ];
  for (let j = 0; j < Math.min(m, o.maxCols); j++) {
    const terms: string[] = [];
    for (let k = 0; k < Math.min(d, o.maxCols); k++) terms.push(`${term(t.x.data[k], o)}·${term(t.W.data[k * m + j], o)}`);
    if (d > o.maxCols) terms.push("…");
    lines.push(`    z[0, ${j}] = ${terms.join(" + ")} + ${term(t.b.data[j], o)} = ${num(t.z.data[j], o)}`);
  }
  if (m > o.maxCols) lines.push(`    … ${m - o.maxCols} more units`);
  if (n > 1) lines.push(`  (the other ${n - 1} example${n > 2 ? "s" : ""} of the batch: the same formula, row by row)`);
  return lines;
}

/** z = x·W + b with the numbers, and a = σ(z) when the activation that follows is given (a forward pass). */
export function denseHtml(t: DenseTrace, act: ActivationTrace | null, o: HtmlOpts): string {
  const [N, D] = t.x.shape;
  const M = t.W.shape[1];
  const title = act ? `${esc(t.layer)} + ${esc(act.layer)}: a = ${act.fn === "relu" ? "ReLU" : act.fn === "sigmoid" ? "σ" : act.fn}(x·W + b)` : `${esc(t.layer)}: z = x·W + b`;
  const parts = [tensorHtml(t.x, "x", o), op("·"), tensorHtml(t.W, "W", o), op("+"), tensorHtml(t.b, "b", o), op("="), tensorHtml(t.z, "z", o)];
  if (act) parts.push(op("→"), tensorHtml(act.a, `a = ${act.fn}(z)`, o));
  let h = heading(title) + note(`x [N, D] = ${esc(fmtShape(t.x.shape))}, W [D, M] = ${esc(fmtShape(t.W.shape))}, b [M] = ${esc(fmtShape(t.b.shape))} → z [N, M] = ${esc(fmtShape(t.z.shape))}`) + row(...parts);
  // every sum written out with its numbers while it stays readable
  if (D <= 8 && M <= 8) {
    const lines: string[] = [];
    for (let n = 0; n < Math.min(N, 4); n++) {
      for (let m = 0; m < M; m++) {
        const terms = Array.from({ length: D }, (_, d) => `${paren(t.x.data[n * D + d], o.digits)}·${paren(t.W.data[d * M + m], o.digits)}`);
        const z = t.z.data[n * M + m];
        let line = `z[${n},${m}] = ${terms.join(" + ")} + ${paren(t.b.data[m], o.digits)} = ${fmtNum(z, o.digits)}`;
        if (act && act.fn !== "softmax") line += `   →  ${act.fn}(${fmtNum(z, o.digits)}) = ${fmtNum(act.a.data[n * M + m], o.digits)}`;
        lines.push(line);
      }
    }
    if (act?.fn === "softmax") lines.push(ACTIVATION_FORMULA.softmax.formula);
    h += eq(lines.join("\n"));
    if (N > 4) h += note(`(the sums of the first 4 of ${N} examples)`);
  }
  return step(h);
}

export const denseView: LayerView<DenseTrace> = {
  text: denseText,
  html: (t, o) => denseHtml(t, null, o),
  output: (t) => t.z,
};
