/**
 * The TensorFlow.js side (chapters 10 and 11): the fastest backend that loads, conversions to and
 * from `Tensor`, the lecture's CNN, LeNet-5 and AlexNet with their summaries, training on digits,
 * and pictures of what a CNN learned.
 */
export { initBackend, ensureBackend, requireBackend, backendInfo, backendReport, wasmDir, BACKEND_ORDER, BACKEND_ENV } from "./backend";
export type { BackendName, BackendInfo, BackendAttempt, BackendOptions } from "./backend";
export { registerWasmGradients, wasmGradientKernels } from "./wasm-grads";
export type { WasmGradientKernel } from "./wasm-grads";
export { toTfTensor, fromTfTensor, viaTf, batchTensor, oneHotTf } from "./convert";
export {
  lectureCnn,
  lenet5,
  lenet5PaperTable,
  LENET5_C3_TABLE,
  alexnet,
  alexnetTable,
  ALEXNET_INPUT,
  modelSummary,
  modelRows,
  rowsFrame,
  inputShapeOf,
  checkModelInput,
} from "./models";
export type { ModelOptions, LectureCnnOptions, LeNet5Options, LeNet5PaperRow, LayerRow } from "./models";
export { fitDigits, evaluateModel, predictModel } from "./train";
export type { DigitData, FitOptions, Evaluation } from "./train";
export { layerFilters, firstLayerFilters, featureMaps, maximizeFilter, filterActivation } from "./visualize";
export type { FeatureMap, MaximizeOptions } from "./visualize";
