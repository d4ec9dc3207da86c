/**
 * Keras-style models of chapters 10 and 11 in TensorFlow.js, their summaries, and the parameter
 * tables of LeNet-5 (as the 1998 paper counts them) and AlexNet, computed from the layers'
 * definitions rather than typed in.
 *
 * Parameter counts follow Keras: a convolution with F filters KH × KW over C channels has
 * F·(KH·KW·C + 1) parameters (weights and one bias per filter); a dense layer from D to M has
 * M·(D + 1); pooling and flatten have none.
 *
 * Every builder is seeded: the kernel initializers get seeds derived from `seed`, biases start at 0,
 * so two builds with the same seed hold the same weights.
 */
import * as tf from "@tensorflow/tfjs";
import pl from "nodejs-polars";
import { checkInt, describe, fmtShape, InputError } from "../errors";
import { kerasShape, summaryFrame, type SummaryRow } from "../network";
import { Tensor } from "../tensor";
import { requireBackend } from "./backend";

/** Options shared by the model builders; defaults in brackets. */
export interface ModelOptions {
  /** seed of the weight initializers [0] */
  seed?: number;
}

/** Options of `lectureCnn`. */
export interface LectureCnnOptions extends ModelOptions {
  /** activation of the two convolutions ["linear": none, as the lecture's Keras code] */
  convActivation?: "linear" | "relu";
  /** activation of the 10 outputs ["softmax": probabilities; "linear": raw scores for a loss on logits] */
  output?: "softmax" | "linear";
}

/** Options of `lenet5`. */
export interface LeNet5Options extends ModelOptions {
  /** side of the input images: 32 as in the paper, or 28 (MNIST) with 'same' padding on C1 [28] */
  input?: 28 | 32;
  /** activation of C1, C3, C5 and F6 ["relu"; the paper used a scaled tanh] */
  activation?: "relu" | "tanh";
  /** activation of the 10 outputs ["softmax": probabilities; "linear": raw scores for a loss on logits] */
  output?: "softmax" | "linear";
}

/** The seed of a builder's options, checked (and a backend to hold the weights). */
function checkSeed(fn: string, opts: ModelOptions): number {
  requireBackend(fn);
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  const seed = opts.seed ?? 0;
  checkInt(fn, "opts.seed", seed, 0);
  return seed;
}

function checkChoice<T extends string>(fn: string, arg: string, v: unknown, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!choices.includes(v as T)) throw new InputError(fn, arg, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, describe(v));
  return v as T;
}

/** Glorot-uniform kernels seeded seed·1000 + layer index: reproducible, and different per layer. */
function initializer(seed: number, layer: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: seed * 1000 + layer });
}

/**
 * The lecture's Keras CNN for 28×28 digits (chapter 10):
 * 28×28×1 → Conv 25 3×3 → 26×26×25 → MaxPool 2 → 13×13×25 → Conv 50 3×3 → 11×11×50 →
 * MaxPool 2 → 5×5×50 → Flatten 1250 → Dense 100 ReLU → Dense 10 softmax.
 */
export function lectureCnn(opts: LectureCnnOptions = {}): tf.Sequential {
  const fn = "lectureCnn";
  const seed = checkSeed(fn, opts);
  const act = checkChoice(fn, "opts.convActivation", opts.convActivation, ["linear", "relu"] as const, "linear");
  const out = checkChoice(fn, "opts.output", opts.output, ["softmax", "linear"] as const, "softmax");
  const m = tf.sequential({ name: "lecture_cnn" });
  m.add(tf.layers.conv2d({ name: "conv1", inputShape: [28, 28, 1], filters: 25, kernelSize: 3, activation: act, kernelInitializer: initializer(seed, 1) }));
  m.add(tf.layers.maxPooling2d({ name: "pool1", poolSize: 2 }));
  m.add(tf.layers.conv2d({ name: "conv2", filters: 50, kernelSize: 3, activation: act, kernelInitializer: initializer(seed, 2) }));
  m.add(tf.layers.maxPooling2d({ name: "pool2", poolSize: 2 }));
  m.add(tf.layers.flatten({ name: "flatten" }));
  m.add(tf.layers.dense({ name: "dense1", units: 100, activation: "relu", kernelInitializer: initializer(seed, 3) }));
  m.add(tf.layers.dense({ name: "dense2", units: 10, activation: out, kernelInitializer: initializer(seed, 4) }));
  return m;
}

/**
 * LeNet-5 in its modern form (chapter 11): max pooling instead of the paper's trainable
 * subsampling, ReLU instead of the scaled tanh, every C3 map connected to all six S2 maps, C5 as a
 * dense layer on the flattened 5×5×16 maps, softmax instead of the RBF outputs.
 *
 *   input 32: 32×32×1 → C1 6@5×5 → 28×28×6 → S2 max 2 → 14×14×6 → C3 16@5×5 → 10×10×16
 *             → S4 max 2 → 5×5×16 → flatten 400 → C5 120 → F6 84 → 10
 *   input 28: the same, with 'same' padding on C1 (2 pixels of zeros around each 28×28 digit keep
 *             it 28×28, as the paper's 32×32 frame held 28×28 digits)
 */
export function lenet5(opts: LeNet5Options = {}): tf.Sequential {
  const fn = "lenet5";
  const seed = checkSeed(fn, opts);
  const side = opts.input ?? 28;
  if (side !== 28 && side !== 32) throw new InputError(fn, "opts.input", "28 (MNIST, 'same' padding on C1) or 32 (the paper)", describe(opts.input));
  const act = checkChoice(fn, "opts.activation", opts.activation, ["relu", "tanh"] as const, "relu");
  const out = checkChoice(fn, "opts.output", opts.output, ["softmax", "linear"] as const, "softmax");
  const m = tf.sequential({ name: "lenet5" });
  m.add(
    tf.layers.conv2d({ name: "C1", inputShape: [side, side, 1], filters: 6, kernelSize: 5, padding: side === 28 ? "same" : "valid", activation: act, kernelInitializer: initializer(seed, 1) }),
  );
  m.add(tf.layers.maxPooling2d({ name: "S2", poolSize: 2 }));
  m.add(tf.layers.conv2d({ name: "C3", filters: 16, kernelSize: 5, activation: act, kernelInitializer: initializer(seed, 2) }));
  m.add(tf.layers.maxPooling2d({ name: "S4", poolSize: 2 }));
  m.add(tf.layers.flatten({ name: "flatten" }));
  m.add(tf.layers.dense({ name: "C5", units: 120, activation: act, kernelInitializer: initializer(seed, 3) }));
  m.add(tf.layers.dense({ name: "F6", units: 84, activation: act, kernelInitializer: initializer(seed, 4) }));
  m.add(tf.layers.dense({ name: "output", units: 10, activation: out, kernelInitializer: initializer(seed, 5) }));
  return m;
}

// ------------------------------------------------------------------ LeNet-5 as in the paper

/**
 * Table I of LeCun et al. (1998): which of the six S2 maps each of the 16 C3 maps reads. The paper
 * builds it by a rule: maps 0–5 read 3 neighbouring S2 maps, 6–11 read 4 neighbouring ones, 12–14
 * read 4 in two separated pairs, and map 15 reads all six (neighbours wrap around: 5 is next to 0).
 */
export const LENET5_C3_TABLE: readonly (readonly number[])[] = (() => {
  const ring = (start: number, offsets: number[]) => offsets.map((o) => (start + o) % 6).sort((a, b) => a - b);
  const rows: number[][] = [];
  for (let m = 0; m < 6; m++) rows.push(ring(m, [0, 1, 2])); // contiguous triples
  for (let m = 0; m < 6; m++) rows.push(ring(m, [0, 1, 2, 3])); // contiguous quadruples
  for (let m = 0; m < 3; m++) rows.push(ring(m, [0, 1, 3, 4])); // two pairs with a gap
  rows.push([0, 1, 2, 3, 4, 5]);
  return rows;
})();

/** One layer of LeNet-5 as the 1998 paper describes it. */
export interface LeNet5PaperRow {
  layer: "C1" | "S2" | "C3" | "S4" | "C5" | "F6" | "output";
  kind: "convolution" | "subsampling" | "full" | "RBF";
  /** feature maps (units for F6 and the output) */
  maps: number;
  /** side of each map (1 for C5, F6 and the output) */
  side: number;
  /** parameters of the layer (for the output: chosen by hand and kept fixed, not trained) */
  params: number;
  trainable: boolean;
  /** connections: multiply-adds of one forward pass, biases counted as one connection each */
  connections: number;
  /** how one unit is wired, in words */
  wiring: string;
}

/**
 * LeNet-5's layers with the paper's counts, computed from its rules: a convolution map has one
 * shared 5×5 kernel per input map it reads plus a bias; a subsampling map has one trainable
 * coefficient and one bias (the sum of a 2×2 window, times the coefficient, plus the bias); C3
 * reads the S2 maps of Table I; F6 is dense from 120 to 84; each of the 10 RBF outputs holds an
 * 84-value parameter vector. Connections = units × inputs per unit (bias included).
 */
export function lenet5PaperTable(): LeNet5PaperRow[] {
  const k = 5 * 5; // a 5×5 kernel
  const conv = (layer: "C1" | "C3" | "C5", maps: number, side: number, inputsPerMap: readonly number[], wiring: string): LeNet5PaperRow => {
    // each map: (input maps read)·25 weights + 1 bias, shared by its side² units
    const params = inputsPerMap.reduce((s, n) => s + n * k + 1, 0);
    return { layer, kind: "convolution", maps, side, params, trainable: true, connections: params * side * side, wiring };
  };
  const sub = (layer: "S2" | "S4", maps: number, side: number): LeNet5PaperRow => ({
    layer,
    kind: "subsampling",
    maps,
    side,
    params: maps * 2, // one coefficient and one bias per map
    trainable: true,
    connections: maps * side * side * (2 * 2 + 1), // 4 inputs and the bias per unit
    wiring: "sum of a 2×2 window of one map, times a trainable coefficient, plus a trainable bias",
  });
  const c3Inputs = LENET5_C3_TABLE.map((r) => r.length);
  const f6 = 84 * (120 + 1);
  const rbf = 10 * 84;
  return [
    conv("C1", 6, 28, new Array(6).fill(1), "5×5 window of the 32×32 input"),
    sub("S2", 6, 14),
    conv("C3", 16, 10, c3Inputs, "5×5 windows at the same place in the S2 maps of Table I (3, 4 or 6 of them)"),
    sub("S4", 16, 5),
    conv("C5", 120, 1, new Array(120).fill(16), "5×5 windows of all 16 S4 maps (the whole 5×5 map: a 1×1 output)"),
    { layer: "F6", kind: "full", maps: 84, side: 1, params: f6, trainable: true, connections: f6, wiring: "all 120 C5 units and a bias" },
    { layer: "output", kind: "RBF", maps: 10, side: 1, params: rbf, trainable: false, connections: rbf, wiring: "Euclidean distance of the 84 F6 values to a fixed 84-value code" },
  ];
}

// ------------------------------------------------------------------ AlexNet

/** One layer of a model as a row: name, type, output shape (Keras notation), parameters — the step-by-step Network's SummaryRow. */
export type LayerRow = SummaryRow;

type AlexSpec =
  | { name: string; type: "Conv2D"; filters: number; kernel: number; stride: number; padding: "valid" | "same" }
  | { name: string; type: "MaxPooling2D"; size: number; stride: number }
  | { name: string; type: "Flatten" }
  | { name: string; type: "Dense"; units: number; activation: "relu" | "softmax" };

/** AlexNet as chapter 11 lists it (one tower, no local response normalization, no dropout). */
const ALEXNET: readonly AlexSpec[] = [
  { name: "conv1", type: "Conv2D", filters: 96, kernel: 11, stride: 4, padding: "valid" },
  { name: "pool1", type: "MaxPooling2D", size: 3, stride: 2 },
  { name: "conv2", type: "Conv2D", filters: 256, kernel: 5, stride: 1, padding: "same" },
  { name: "pool2", type: "MaxPooling2D", size: 3, stride: 2 },
  { name: "conv3", type: "Conv2D", filters: 384, kernel: 3, stride: 1, padding: "same" },
  { name: "conv4", type: "Conv2D", filters: 384, kernel: 3, stride: 1, padding: "same" },
  { name: "conv5", type: "Conv2D", filters: 256, kernel: 3, stride: 1, padding: "same" },
  { name: "pool3", type: "MaxPooling2D", size: 3, stride: 2 },
  { name: "flatten", type: "Flatten" },
  { name: "fc6", type: "Dense", units: 4096, activation: "relu" },
  { name: "fc7", type: "Dense", units: 4096, activation: "relu" },
  { name: "fc8", type: "Dense", units: 1000, activation: "softmax" },
];

/** AlexNet's input: 227×227 RGB images. */
export const ALEXNET_INPUT: readonly number[] = [227, 227, 3];

/**
 * AlexNet's layers, output shapes and parameter counts, computed without allocating a weight:
 * 'valid' H' = ⌊(H − K)/S⌋ + 1, 'same' H' = ⌈H/S⌉; Conv2D F·(K·K·C + 1); Dense M·(D + 1).
 */
export function alexnetTable(): LayerRow[] {
  let [h, w, c] = ALEXNET_INPUT;
  let flat = 0;
  return ALEXNET.map((s) => {
    let params = 0;
    let shape: number[];
    if (s.type === "Conv2D") {
      params = s.filters * (s.kernel * s.kernel * c + 1);
      const side = (x: number) => (s.padding === "same" ? Math.ceil(x / s.stride) : Math.floor((x - s.kernel) / s.stride) + 1);
      [h, w, c] = [side(h), side(w), s.filters];
      shape = [h, w, c];
    } else if (s.type === "MaxPooling2D") {
      const side = (x: number) => Math.floor((x - s.size) / s.stride) + 1;
      [h, w] = [side(h), side(w)];
      shape = [h, w, c];
    } else if (s.type === "Flatten") {
      flat = h * w * c;
      shape = [flat];
    } else {
      params = s.units * (flat + 1);
      flat = s.units;
      shape = [flat];
    }
    return { layer: s.name, type: s.type, output_shape: kerasShape([0, ...shape]), params };
  });
}

/**
 * AlexNet as a tf.Sequential. It allocates about 62 million weights (250 MB): build it only to
 * look at it (`modelSummary`); `alexnetTable()` gives the same table without allocating anything.
 */
export function alexnet(opts: ModelOptions = {}): tf.Sequential {
  const seed = checkSeed("alexnet", opts);
  const m = tf.sequential({ name: "alexnet" });
  ALEXNET.forEach((s, i) => {
    const first = i === 0 ? { inputShape: [...ALEXNET_INPUT] } : {};
    if (s.type === "Conv2D") {
      m.add(tf.layers.conv2d({ ...first, name: s.name, filters: s.filters, kernelSize: s.kernel, strides: s.stride, padding: s.padding, activation: "relu", kernelInitializer: initializer(seed, i + 1) }));
    } else if (s.type === "MaxPooling2D") {
      m.add(tf.layers.maxPooling2d({ name: s.name, poolSize: s.size, strides: s.stride }));
    } else if (s.type === "Flatten") {
      m.add(tf.layers.flatten({ name: s.name }));
    } else {
      m.add(tf.layers.dense({ name: s.name, units: s.units, activation: s.activation, kernelInitializer: initializer(seed, i + 1) }));
    }
  });
  return m;
}

// ------------------------------------------------------------------ summaries and input checks

function checkModel(fn: string, model: unknown): asserts model is tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) throw new InputError(fn, "model", "a TensorFlow.js LayersModel (e.g. lectureCnn())", describe(model));
}

/** One row per layer: name, type, output shape "(None, 26, 26, 25)", parameters (Keras's countParams). */
export function modelRows(model: tf.LayersModel): LayerRow[] {
  checkModel("modelRows", model);
  return model.layers.map((l) => {
    const s = l.outputShape as (number | null)[];
    return { layer: l.name, type: l.getClassName(), output_shape: kerasShape([0, ...s.slice(1).map((d) => d ?? 0)]), params: l.countParams() };
  });
}

/**
 * The Keras-style summary as a DataFrame: columns layer, type, output_shape, params, and a "Total"
 * row (the same columns as the step-by-step Network's summary).
 */
export function modelSummary(model: tf.LayersModel): pl.DataFrame {
  checkModel("modelSummary", model);
  return rowsFrame(modelRows(model));
}

/** LayerRow[] (e.g. alexnetTable()) as a DataFrame with a "Total" row, as Network.summary builds it. */
export const rowsFrame = summaryFrame;

/** The shape of one example the model takes, e.g. [28, 28, 1]. */
export function inputShapeOf(model: tf.LayersModel): number[] {
  checkModel("inputShapeOf", model);
  return (model.inputs[0].shape as (number | null)[]).slice(1).map((d) => d ?? -1);
}

/**
 * Throw unless `shape` (a batch [N, …]) fits the model; the message says what the model expects and
 * how to reshape, e.g. "images [N, 28, 28, 1] … x.reshape([100, 28, 28, 1])".
 */
export function checkModelInput(fn: string, arg: string, model: tf.LayersModel, shape: readonly number[]): void {
  const want = inputShapeOf(model);
  const ok = shape.length === want.length + 1 && want.every((d, i) => d === -1 || d === shape[i + 1]);
  if (ok) return;
  const n = shape[0];
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const perWant = want.reduce((a, b) => a * b, 1);
  const what = want.length === 3 ? `images [N, ${want.join(", ")}] (NHWC: N examples, rows, columns, channels)` : `inputs [N, ${want.join(", ")}]`;
  const total = shape.reduce((a, b) => a * b, 1);
  let got = fmtShape(shape);
  if (shape.length >= 2 && per === perWant) {
    got += `; the values fit: x.reshape([${[n, ...want].join(", ")}])`;
    if (want.length === 3 && shape.length === 3) got += " adds the missing channel axis";
  } else if (total === perWant) {
    got += `: one example without the batch axis; x.reshape([1, ${want.join(", ")}])`;
  } else {
    got += ` (${per} values per example where the model takes ${perWant})`;
  }
  throw new InputError(fn, arg, what, got);
}

/** Throw unless `x` is a Tensor that fits the model (see checkModelInput). */
export function checkModelTensor(fn: string, arg: string, model: tf.LayersModel, x: unknown): asserts x is Tensor {
  checkModel(fn, model);
  if (!(x instanceof Tensor)) throw new InputError(fn, arg, `a Tensor [N, ${inputShapeOf(model).join(", ")}]`, describe(x));
  checkModelInput(fn, arg, model, x.shape);
}
