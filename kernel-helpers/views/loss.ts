/** View of a loss trace: softmax cross-entropy (p[n, y_n], −log p, the mean) or mean squared error. */
import type { LossTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { fmtNum } from "./format";
import { eq, heading, note, op, row, S, step, tensorHtml, type HtmlOpts } from "./html";
import { block, num, shapeOf, type TextOpts } from "./text";
import type { View } from "./view";

/** The label of example n: where its one-hot target row is largest. */
function labelOf(t: LossTrace, n: number): number {
  const K = t.probs.shape[1];
  let y = 0;
  for (let k = 0; k < K; k++) if (t.target.data[n * K + k] > t.target.data[n * K + y]) y = k;
  return y;
}

function lossText(t: LossTrace, o: TextOpts): string[] {
  const n = t.perExample.data.length;
  const lines: string[] = [];
  if (t.fn === "softmax-cross-entropy") {
    const k = t.probs.shape[1];
    lines.push(
      `loss (softmax cross-entropy): p = softmax(z); loss_n = −log p[n, y_n]; L = (1/N) Σ_n loss_n    z ${shapeOf(t.input)}, N = ${n}`,
      ...block("z (logits)", t.input, o),
      ...block("p = softmax(z)", t.probs, o),
    );
    for (let i = 0; i < Math.min(n, o.maxRows); i++) {
      const y = labelOf(t, i);
      lines.push(`  example ${i}: label y = ${y}, p[${i}, ${y}] = ${num(t.probs.data[i * k + y], o)}, loss = −log p = ${num(t.perExample.data[i], o)}`);
    }
  } else {
    lines.push(
      `loss (mean squared error): L = mean over all values of (ŷ − y)²    ŷ ${shapeOf(t.input)}, N = ${n}`,
      ...block("ŷ (prediction)", t.input, o),
      ...block("y (target)", t.target, o),
    );
    for (let i = 0; i < Math.min(n, o.maxRows); i++) lines.push(`  example ${i}: mean (ŷ − y)² = ${num(t.perExample.data[i], o)}`);
  }
  if (n > o.maxRows) lines.push(`  … ${n - o.maxRows} more examples`);
  const parts = Array.from(t.perExample.data.subarray(0, Math.min(n, o.maxCols)), (v) => num(v, o)).join(" + ");
  const mean = t.fn === "mse" ? `L = ${num(t.loss, o)} (the mean of the per-example errors)` : `L = (${parts}${n > o.maxCols ? " + …" : ""}) / ${n} = ${num(t.loss, o)}`;
  lines.push(`  ${mean}`);
  return lines;
}

export function lossHtml(t: LossTrace, o: HtmlOpts): string {
  const ce = t.fn === "softmax-cross-entropy";
  let h = heading(ce ? "loss: softmax cross-entropy" : "loss: mean squared error");
  if (ce) {
    h += note(esc("p = softmax(logits) along each row; the loss of example n is −log p[n, y_n] (y_n its label); the loss is their mean"));
    h += row(tensorHtml(t.input, "logits", o), op("→"), tensorHtml(t.probs, "p = softmax(logits)", o), tensorHtml(t.target, "one-hot targets", o));
    const [N, K] = t.probs.shape;
    const lines: string[] = [];
    for (let n = 0; n < Math.min(N, 8); n++) {
      const y = labelOf(t, n);
      lines.push(`example ${n}: label ${y}, −log p[${n},${y}] = −log ${fmtNum(t.probs.data[n * K + y], o.digits)} = ${fmtNum(t.perExample.data[n], o.digits)}`);
    }
    if (N > 8) lines.push(`… ${N - 8} more examples`);
    lines.push(`loss = mean over ${N} example${N === 1 ? "" : "s"} = ${fmtNum(t.loss, o.digits)}`);
    h += eq(lines.join("\n"));
  } else {
    h += note(esc("loss = mean of (prediction − target)² over every value"));
    h += row(tensorHtml(t.input, "prediction", o), op("−"), tensorHtml(t.target, "target", o));
    h += row(tensorHtml(t.perExample, "per example", o), `<div style="${S.eq}"><b>${esc(`loss = ${fmtNum(t.loss, o.digits)}`)}</b></div>`);
  }
  return step(h);
}

export const lossView: View<LossTrace> = { text: lossText, html: lossHtml };
