/**
 * dl-lessons/tf: the TensorFlow.js side (chapters 10 and 11), behind its own entry point so that
 * lessons 1–9 and plain scripts never load TensorFlow.js.
 *
 *   import { initBackend, lectureCnn, fitDigits, featureMaps } from "dl-lessons/tf";
 *
 * The fastest backend that loads (node-gpu → node → wasm → cpu), conversions to and from
 * `Tensor`, the lecture's CNN, LeNet-5 and AlexNet with their summaries, training on digits, and
 * pictures of what a CNN learned.
 */
export { initBackend, ensureBackend, backendInfo, backendReport, BACKEND_ORDER } from "./backend";
export type { BackendName, BackendInfo, BackendAttempt, BackendOptions } from "./backend";
export { toTfTensor, fromTfTensor, viaTf } from "./convert";
export { lectureCnn, lenet5, lenet5PaperTable, LENET5_C3_TABLE, alexnet, alexnetTable, ALEXNET_INPUT, modelSummary, modelRows, rowsFrame } from "./models";
export type { ModelOptions, LectureCnnOptions, LeNet5Options, LeNet5PaperRow, LayerRow } from "./models";
export { fitDigits, evaluateModel, predictModel } from "./train";
export type { DigitData, FitOptions, Evaluation } from "./train";
export { layerFilters, firstLayerFilters, featureMaps, maximizeFilter, filterActivation, dream } from "./visualize";
export type { FeatureMap, MaximizeOptions, DreamOptions } from "./visualize";
