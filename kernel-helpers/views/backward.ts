/** Views of backprop: one layer's backward step (δ, the chain-rule factors, dx, dW …) and the whole pass. */
import { fmtShape } from "../../src/errors";
import type { Tensor } from "../../src/tensor";
import type { BackwardStep, BackwardTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { heading, isWhole, note, row, sameTensor, step, tensorHtml, type HtmlOpts } from "./html";
import { lossView } from "./loss";
import { block, numbered, type TextOpts } from "./text";
import type { View } from "./view";

/** The title of a parameter gradient: "dW = ∂C/∂W", or "∂C/∂W" when the name does not start with d. */
const gradName = (name: string): string => (name.startsWith("d") ? `${name} = ∂C/∂${name.slice(1)}` : `∂C/∂${name}`);

function stepText(s: BackwardStep, o: TextOpts): string[] {
  const lines = [`${s.layer}: δ = ∂C/∂out arrives`, ...block("δ", s.delta, o)];
  for (const f of s.factors) lines.push(...block(f.name, f.value, o));
  // dx and the parameter gradients, unless a factor above already showed the same numbers
  const shown = (t: Tensor) => s.factors.some((f) => sameTensor(f.value, t));
  if (!shown(s.dx)) lines.push(...block("∂C/∂x (sent down)", s.dx, o));
  for (const [k, g] of Object.entries(s.grads)) if (!shown(g)) lines.push(...block(gradName(k), g, o));
  return lines;
}

/** One step; with `deltaFrom`, δ is what that layer sent down, drawn just above, and is not drawn again. */
function stepHtml(s: BackwardStep, o: HtmlOpts, deltaFrom: string | null = null): string {
  let h = heading(`${esc(s.layer)}: backward`);
  // a tensor already drawn (δ, a factor: dx, dW, db often are one) is not drawn twice
  const drawn: Tensor[] = [s.delta];
  const seen = (t: Tensor) => drawn.some((d) => sameTensor(d, t));
  const parts = [deltaFrom ? note(esc(`δ = ∂C/∂out ${fmtShape(s.delta.shape)}: what ${deltaFrom} sent down, above`)) : tensorHtml(s.delta, "δ = ∂C/∂out", o)];
  for (const f of s.factors) {
    parts.push(tensorHtml(f.value, f.name, o));
    drawn.push(f.value);
  }
  h += row(...parts);
  const grads = Object.entries(s.grads).filter(([, g]) => !seen(g));
  if (grads.length) h += row(...grads.map(([name, g]) => tensorHtml(g, gradName(name), o)));
  const down = s.factors.find((f) => sameTensor(f.value, s.dx));
  if (down) h += note(esc(`sent to the layer below: ${down.name}`));
  else h += row(tensorHtml(s.dx, "∂C/∂x (sent to the layer below)", o));
  return step(h);
}

export const backwardStepView: View<BackwardStep> = { text: stepText, html: (s, o) => stepHtml(s, o) };

function backwardText(t: BackwardTrace, o: TextOpts): string[] {
  const lines = ["backward pass: δ flows from the loss down, each layer multiplying by its chain-rule factors"];
  if (t.loss) lines.push(...numbered(0, lossView.text(t.loss, o)));
  t.steps.forEach((s, i) => lines.push(...numbered(i + 1, stepText(s, o))));
  return lines;
}

function backwardHtml(t: BackwardTrace, o: HtmlOpts): string {
  let h = heading("backward pass: the chain rule, layer by layer from the top");
  h += note(esc("δ = ∂C/∂(layer output) arrives from above; the layer multiplies it by its local factors and sends ∂C/∂(layer input) down"));
  if (t.loss) h += lossView.html(t.loss, o);
  t.steps.forEach((s, k) => {
    // a large δ is the ∂C/∂x the layer above sent down, drawn just above: not drawn again
    const above = t.steps[k - 1];
    h += stepHtml(s, o, above && !isWhole(s.delta, o) && sameTensor(s.delta, above.dx) ? above.layer : null);
  });
  return h;
}

export const backwardView: View<BackwardTrace> = { text: backwardText, html: backwardHtml };
