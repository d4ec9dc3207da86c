/** View of a dropout trace: the mask and the scale while training; nothing dropped in evaluation. */
import type { DropoutTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { fmtNum } from "./format";
import { heading, note, row, step, tensorHtml } from "./html";
import { block, type TextOpts } from "./text";
import type { LayerView } from "./view";

/** What the layer did, in one sentence for text and HTML. */
function dropoutSentence(t: DropoutTrace, digits: number): string {
  if (!t.training || t.mask === null) return "evaluation mode, out = x (nothing dropped; inverted dropout scales during training instead)";
  let kept = 0;
  for (let i = 0; i < t.mask.data.length; i++) kept += t.mask.data[i] === 0 ? 0 : 1;
  return `out = x ⊙ mask / (1 − ${t.rate}); kept ${kept} of ${t.mask.data.length} values, scaled by ${fmtNum(1 / (1 - t.rate), digits)}`;
}

function dropoutText(t: DropoutTrace, o: TextOpts): string[] {
  const lines = [`${t.layer} (dropout, rate ${t.rate}): ${dropoutSentence(t, o.digits)}`];
  if (t.training && t.mask) lines.push(...block("mask", t.mask, o));
  return [...lines, ...block("out", t.out, o)];
}

export const dropoutView: LayerView<DropoutTrace> = {
  text: dropoutText,
  html: (t, o) => {
    let h = heading(`${esc(t.layer)}: dropout, rate ${t.rate}`) + note(esc(dropoutSentence(t, o.digits)));
    if (t.training && t.mask) h += row(tensorHtml(t.mask, "mask", o));
    return step(h + row(tensorHtml(t.out, "out", o)));
  },
  output: (t) => t.out,
};
