/** View of an activation trace: a = σ(z), elementwise (softmax along each row). */
import { fmtShape } from "../../src/errors";
import type { ActivationTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { fmtNum } from "./format";
import { heading, note, op, row, step, tensorHtml, type HtmlOpts } from "./html";
import { block, num, shapeOf, type TextOpts } from "./text";
import type { LayerView } from "./view";

/** Each activation's formula, the one source for text and HTML (softmax shifted by the row's max, as computed). */
export const ACTIVATION_FORMULA: Record<ActivationTrace["fn"], { symbol: string; formula: string }> = {
  sigmoid: { symbol: "σ", formula: "a = σ(z) = 1 / (1 + e^(−z))" },
  tanh: { symbol: "tanh", formula: "a = tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))" },
  relu: { symbol: "relu", formula: "a = relu(z) = max(0, z)" },
  softmax: { symbol: "softmax", formula: "a = softmax(z), row by row: a_k = e^(z_k − max z) / Σ_j e^(z_j − max z)" },
};

/** Softmax: what example 0's probabilities add up to and where the largest is. */
export function softmaxSummary(t: ActivationTrace, digits: number): string {
  const k = t.z.shape[t.z.shape.length - 1];
  const p = Array.from(t.a.data.subarray(0, k));
  const s = p.reduce((a, b) => a + b, 0);
  const top = Math.max(...p);
  return `example 0: probabilities sum to ${fmtNum(s, digits)}; the largest, ${fmtNum(top, digits)}, at class ${p.indexOf(top)}`;
}

function activationText(t: ActivationTrace, o: TextOpts): string[] {
  const { symbol, formula } = ACTIVATION_FORMULA[t.fn];
  const lines = [`${t.layer} (${t.fn}): ${formula}    z ${shapeOf(t.z)} → a ${shapeOf(t.a)}`, ...block("z", t.z, o), ...block("a", t.a, o)];
  if (t.fn === "softmax") {
    lines.push(`  ${softmaxSummary(t, o.digits)}`);
  } else {
    const pairs: string[] = [];
    for (let i = 0; i < Math.min(t.z.data.length, o.maxCols); i++) pairs.push(`${symbol}(${num(t.z.data[i], o)}) = ${num(t.a.data[i], o)}`);
    lines.push(`  value by value: ${pairs.join(", ")}${t.z.data.length > o.maxCols ? ", …" : ""}`);
  }
  return lines;
}

/** a = σ(z); with `zFrom`, z is the output of that layer, drawn above, and only a is drawn. */
export function activationHtml(t: ActivationTrace, o: HtmlOpts, zFrom?: string): string {
  const z = zFrom ? note(esc(`z ${fmtShape(t.z.shape)}: the output of ${zFrom}, above`)) : tensorHtml(t.z, "z", o);
  let h = heading(`${esc(t.layer)}: a = ${esc(t.fn)}(z)`) + note(esc(ACTIVATION_FORMULA[t.fn].formula)) + row(z, op("→"), tensorHtml(t.a, "a", o));
  if (t.fn === "softmax") h += note(esc(softmaxSummary(t, o.digits)));
  return step(h);
}

export const activationView: LayerView<ActivationTrace> = {
  text: activationText,
  html: (t, o) => activationHtml(t, o),
  output: (t) => t.a,
};
