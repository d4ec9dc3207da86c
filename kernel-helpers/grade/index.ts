/**
 * "dl-lessons/grade": instant checks for assignments and "Try it" cells, and the hidden-case
 * format the autograder shares with the solution notebooks (notebooks/assignments/FORMAT.md).
 *
 *   import { checkDenseForward } from "dl-lessons/grade";
 *   checkDenseForward(denseForward);   // PASS dense layer forward: 2 of 2 cases (…)
 */
export { runCheck, CheckResult, copyArgs } from "./check";
export { checkAnswer, mustPass, type AnswerOptions } from "./exercise";
export type { CheckSpec, VisibleCase } from "./check";
export {
  checkRelu, checkSigmoid, checkSoftmax, checkDenseForward, checkNetworkForward,
  checkReluBackward, checkSigmoidBackward, checkDenseBackward, checkSoftmaxCrossEntropy, checkMlpGradients, checkNumericalGradient,
  checkConvOutputSize, checkConv2dForward, checkConv2dBackward, checkMaxPoolForward, checkMaxPoolBackward,
  lectureNetwork, seededLabels, mlpParams,
} from "./checks";
export {
  checkNeuron, checkTrainDigits, checkTrainScalar, checkTrainLayers, checkTrainCnn, checkConvParams, checkBuildCnn,
  A2_DIGITS_TARGET, A4_SCALAR_TARGET, A4_LAYERS_TARGET, A5_CNN_TARGET, A5_PARAMS_BUDGET,
} from "./checks-train";
export {
  parseHiddenCases, decodeValue, encodeValue, compareValues, atPath, runCase, judgeCase, HIDDEN_BEGIN, HIDDEN_END,
} from "./cases";
export type { HiddenCase, CompareMode, Comparison, CaseResult } from "./cases";
export { referenceFor, referenceNames, mlpReference } from "./references";
export type { MlpParams, LayerParams } from "./references";
