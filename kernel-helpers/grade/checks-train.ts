/**
 * The instant checks of tasks that build or train a model (A2's digits, A4, A5): the target each
 * run must reach is a named constant here, the one the assignments state and the hidden tests use.
 */
import { runCheck, type CheckResult } from "./check";

/** A2: test accuracy the two-layer network must reach on digits. */
export const A2_DIGITS_TARGET = 0.85;
/** A4: training accuracy of the scalar (Value) network on the XOR toy set. */
export const A4_SCALAR_TARGET = 0.9;
/** A4: training accuracy of the layer network on the circles toy set. */
export const A4_LAYERS_TARGET = 0.95;
/** A5: test accuracy of the TensorFlow.js CNN on digits. */
export const A5_CNN_TARGET = 0.9;

export function checkNeuron(neuron: unknown): CheckResult {
  return runCheck({
    title: "one neuron with Value", name: "neuron",
    cases: [
      { name: "2 inputs", args: [[2, -3], 1, [0.5, 1]] },
      { name: "3 inputs", args: [[0.1, -0.4, 0.3], -0.2, [1, 2, -1]] },
    ],
    hint: "build out = tanh(Σ wᵢ·xᵢ + b) from Values, call out.backward(), then read each w's and b's .grad.",
  }, neuron);
}

function trainingCheck(title: string, name: string, field: string, target: number, seed: number, fn: unknown): CheckResult {
  return runCheck({
    title, name,
    cases: [{ name: `seed ${seed}`, args: [seed], expect: target, compare: "atLeast", path: field }],
    hint: "if the loss does not fall, try a smaller learning rate; if it falls slowly, more epochs or a larger one.",
  }, fn);
}

export function checkTrainDigits(trainDigits: unknown): CheckResult {
  return trainingCheck(`training on digits to ${A2_DIGITS_TARGET * 100}% test accuracy`, "trainDigits", "testAccuracy", A2_DIGITS_TARGET, 1, trainDigits);
}

export function checkTrainScalar(trainScalarModel: unknown): CheckResult {
  return trainingCheck(`a Value network on XOR to ${A4_SCALAR_TARGET * 100}% accuracy`, "trainScalarModel", "accuracy", A4_SCALAR_TARGET, 1, trainScalarModel);
}

export function checkTrainLayers(trainLayerModel: unknown): CheckResult {
  return trainingCheck(`a layer network on circles to ${A4_LAYERS_TARGET * 100}% accuracy`, "trainLayerModel", "accuracy", A4_LAYERS_TARGET, 1, trainLayerModel);
}

/** A5 trains asynchronously (TensorFlow.js): await the student's promise, then check. */
export async function checkTrainCnn(trainCnn: unknown): Promise<CheckResult> {
  if (typeof trainCnn !== "function") return trainingCheck("", "trainCnn", "testAccuracy", A5_CNN_TARGET, 1, trainCnn);
  let settled: unknown;
  let failure: unknown = null;
  try {
    settled = await (trainCnn as (seed: number) => Promise<unknown>)(1);
  } catch (e) {
    failure = e;
  }
  const replay = () => {
    if (failure !== null) throw failure;
    return settled;
  };
  return trainingCheck(`a CNN on digits to ${A5_CNN_TARGET * 100}% test accuracy`, "trainCnn", "testAccuracy", A5_CNN_TARGET, 1, replay);
}
