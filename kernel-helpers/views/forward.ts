/** View of a forward pass: the input, each layer's step (drawn by its own view), the output. */
import { fmtShape } from "../../src/errors";
import type { Tensor } from "../../src/tensor";
import type { ForwardTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { activationHtml } from "./activation";
import { denseHtml } from "./dense";
import { heading, isWhole, note, row, sameTensor, tensorHtml, type HtmlOpts } from "./html";
import { layerView } from "./layers";
import { block, numbered, shapeOf, type TextOpts } from "./text";
import type { View } from "./view";

function forwardText(t: ForwardTrace, o: TextOpts): string[] {
  const lines = [`forward pass, input ${shapeOf(t.input)} → output ${shapeOf(t.output)}`, ...block("input", t.input, o)];
  t.steps.forEach((s, i) => lines.push(...numbered(i + 1, layerView(s).text(s, o))));
  return [...lines, ...block("output", t.output, o)];
}

function forwardHtml(t: ForwardTrace, fo: HtmlOpts): string {
  // the layers of a network: one window per convolution or pooling unless asked for more
  const o = fo.windowsGiven ? fo : { ...fo, maxWindows: 1 };
  let h = heading("forward pass") + note(esc(`input ${fmtShape(t.input.shape)} → ${t.steps.length} layer${t.steps.length === 1 ? "" : "s"} → output ${fmtShape(t.output.shape)}`));
  h += row(tensorHtml(t.input, "input", o));
  let above: { layer: string; out: Tensor } | null = null;
  for (let k = 0; k < t.steps.length; k++) {
    const s = t.steps[k];
    const next = t.steps[k + 1];
    // a dense layer and the activation right after it read as one layer: a = σ(x·W + b)
    if (s.kind === "dense" && next?.kind === "activation" && next.z.size === s.z.size) {
      h += denseHtml(s, next, o);
      above = { layer: next.layer, out: next.a };
      k++;
    } else if (s.kind === "activation" && above && !isWhole(s.z, o) && sameTensor(s.z, above.out)) {
      // a large z that is the output just drawn above is not drawn again
      h += activationHtml(s, o, above.layer);
      above = { layer: s.layer, out: s.a };
    } else {
      const view = layerView(s);
      h += view.html(s, o);
      const out = view.output(s);
      above = out ? { layer: s.layer, out } : null;
    }
  }
  // a large output is the last layer's, drawn just above
  const last = above && !isWhole(t.output, o) && sameTensor(t.output, above.out);
  h += heading("output") + (last ? note(esc(`${fmtShape(t.output.shape)}: the output of ${above!.layer}, above`)) : row(tensorHtml(t.output, "output", o)));
  return h;
}

export const forwardView: View<ForwardTrace> = { text: forwardText, html: forwardHtml };
