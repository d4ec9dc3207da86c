/**
 * "dl-lessons/grade": instant checks for assignments and "Try it" cells: what a notebook calls.
 *
 *   import { checkDenseForward } from "dl-lessons/grade";
 *   checkDenseForward(denseForward);   // PASS dense layer forward: 2 of 2 cases (…)
 *
 * A lesson's exercise writes its own check with runCheck({ title, name, cases }, fn).
 *
 * The hidden-case machinery the autograder shares with the solution notebooks (parseHiddenCases,
 * decodeValue, encodeValue, runCase, judgeCase; notebooks/assignments/FORMAT.md) is NOT part of
 * this face: it lives in ./cases.ts (references in ./references.ts). The grader imports it by
 * relative path (so the sandboxed harness, compiled to dist/, uses dist's one Tensor class), and
 * code outside the grader that needs the built copy requires dist/kernel-helpers/grade/cases.js.
 */
export { runCheck, CheckResult } from "./check";
export { checkAnswer, mustPass, type AnswerOptions } from "./exercise";
export type { CheckSpec, VisibleCase } from "./check";
export type { CompareMode } from "./cases";
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
export type { MlpParams, LayerParams } from "./references";
