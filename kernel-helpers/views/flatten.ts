/** View of a flatten trace: the shapes before and after. */
import { fmtShape } from "../../src/errors";
import type { FlattenTrace } from "../../src/trace";
import { esc } from "../shared/text";
import { heading, note, step } from "./html";
import type { LayerView } from "./view";

/** "each example's 5·5·3 = 75 values in one row, in row-major order": one sentence for text and HTML. */
function flattenSentence(t: FlattenTrace): string {
  const size = t.inShape.slice(1).reduce((a, b) => a * b, 1);
  return `each example's ${t.inShape.slice(1).join("·")} = ${size} values in one row, in row-major (h, w, c) order`;
}

export const flattenView: LayerView<FlattenTrace> = {
  text: (t) => [`${t.layer} (flatten): ${fmtShape(t.inShape)} → ${fmtShape(t.outShape)}: ${flattenSentence(t)}`],
  html: (t) => step(heading(`${esc(t.layer)}: flatten`) + note(esc(`${fmtShape(t.inShape)} → ${fmtShape(t.outShape)}: ${flattenSentence(t)}`))),
  // the trace keeps shapes only: the values are the layer below's, in one row
  output: () => null,
};
