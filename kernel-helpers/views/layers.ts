/** The views of the layer traces, by kind (a forward pass draws its steps with these). */
import { activationView } from "./activation";
import { convView } from "./conv2d";
import { denseView } from "./dense";
import { dropoutView } from "./dropout";
import { flattenView } from "./flatten";
import { maxPoolView } from "./maxpool";
import type { LayerView, LayerViews } from "./view";
import type { LayerTrace } from "../../src/trace";

export const LAYER_VIEWS: LayerViews = {
  dense: denseView,
  activation: activationView,
  conv2d: convView,
  maxpool: maxPoolView,
  flatten: flattenView,
  dropout: dropoutView,
};

/** The view of one layer trace (the registry's entry for its kind). */
export function layerView(t: LayerTrace): LayerView<LayerTrace> {
  // the mapped type pairs each kind with its trace type; indexing by a union loses the pairing
  return LAYER_VIEWS[t.kind] as LayerView<LayerTrace>;
}
