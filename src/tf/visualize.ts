/**
 * What a trained CNN learned (chapter 10), as plain Tensors for ../charts to draw:
 *
 * - `layerFilters` / `firstLayerFilters`: a convolution's kernels [KH, KW, C, F] (an image grid of
 *   F small pictures);
 * - `featureMaps`: every layer's output for one digit (each filter's map, pooled, flattened, …);
 * - `maximizeFilter`: gradient ascent on the input image, x ← x + lr · g/‖g‖rms with g = ∂a/∂x and a
 *   the mean activation of one filter: the picture that excites that filter most;
 * - `dream`: the same climb started from a real image, on ½·mean(y²) of a whole layer: what the
 *   layer already sees in the image, amplified (Deep Dream).
 */
import * as tf from "@tensorflow/tfjs";
import { checkInt, checkNumber, describe, fmtShape, InputError } from "../errors";
import { Random } from "../random";
import { Tensor } from "../tensor";
import { requireBackend } from "./backend";
import { fromTfTensor } from "./convert";
import { checkModelInput, inputShapeOf } from "./models";

function checkModel(fn: string, model: unknown): asserts model is tf.LayersModel {
  requireBackend(fn);
  if (!(model instanceof tf.LayersModel)) throw new InputError(fn, "model", "a TensorFlow.js LayersModel (e.g. lectureCnn())", describe(model));
}

/** The layer called `name`, or an error listing the model's layers. */
function layerNamed(fn: string, model: tf.LayersModel, name: unknown): tf.layers.Layer {
  const names = model.layers.map((l) => l.name);
  const i = typeof name === "string" ? names.indexOf(name) : -1;
  if (i < 0) throw new InputError(fn, "layerName", `the name of one of the model's layers (${names.map((n) => JSON.stringify(n)).join(", ")})`, describe(name));
  return model.layers[i];
}

/** Check a filter (unit) index of `layer`. */
function checkFilter(fn: string, layer: tf.layers.Layer, filter: unknown): asserts filter is number {
  const outShape = layer.outputShape as (number | null)[];
  const units = outShape[outShape.length - 1] as number;
  checkInt(fn, "filter", filter, 0);
  if (filter >= units) throw new InputError(fn, "filter", `a filter index in [0, ${units - 1}] (layer "${layer.name}" has ${units})`, String(filter));
}

/** y[…, filter]: one filter's output at every position (the last axis is the filters'). */
function pickFilter(y: tf.Tensor, filter: number): tf.Tensor {
  const last = y.shape.length - 1;
  return tf.slice(y, y.shape.map((_, i) => (i === last ? filter : 0)), y.shape.map((d, i) => (i === last ? 1 : d)));
}

/** The kernels of the convolution `layerName`, as a Tensor [KH, KW, C, F]. */
export function layerFilters(model: tf.LayersModel, layerName: string): Tensor {
  const fn = "layerFilters";
  checkModel(fn, model);
  const layer = layerNamed(fn, model, layerName);
  if (layer.getClassName() !== "Conv2D") throw new InputError(fn, "layerName", "a Conv2D layer", `"${layerName}", a ${layer.getClassName()}`);
  return fromTfTensor(layer.getWeights()[0]);
}

/** The first convolution's kernels [KH, KW, C, F] (for a digit model [5, 5, 1, F] or [3, 3, 1, F]): what the first layer looks for. */
export function firstLayerFilters(model: tf.LayersModel): Tensor {
  const fn = "firstLayerFilters";
  checkModel(fn, model);
  const conv = model.layers.find((l) => l.getClassName() === "Conv2D");
  if (!conv) throw new InputError(fn, "model", "a model with a Conv2D layer", `layers ${model.layers.map((l) => l.getClassName()).join(", ")}`);
  return layerFilters(model, conv.name);
}

/** One layer's output for one image. */
export interface FeatureMap {
  /** the layer's name, e.g. "conv1" */
  layer: string;
  /** its type, e.g. "Conv2D", "MaxPooling2D", "Dense" */
  type: string;
  /** the output without the batch axis: [H', W', F] for images, [D] for vectors */
  maps: Tensor;
}

/** One image as a batch of one, checked against the model: [H, W, C] or [1, H, W, C]. */
function oneImage(fn: string, model: tf.LayersModel, image: unknown): Float32Array {
  if (!(image instanceof Tensor)) throw new InputError(fn, "image", `a Tensor [${inputShapeOf(model).join(", ")}]`, describe(image));
  const want = inputShapeOf(model);
  const shape = image.rank === want.length ? [1, ...image.shape] : image.shape;
  if (shape.length === want.length + 1 && shape[0] !== 1) throw new InputError(fn, "image", `ONE image [${want.join(", ")}] or [1, ${want.join(", ")}]`, `${fmtShape(image.shape)}; pick one with x.row(i)`);
  checkModelInput(fn, "image", model, shape);
  return Float32Array.from(image.data);
}

/**
 * Every layer's output for one image [H, W, C] (or [1, H, W, C]): for a convolution, one map per
 * filter [H', W', F]; for pooling the shrunk maps; for flatten and dense layers a vector [D].
 */
export function featureMaps(model: tf.LayersModel, image: Tensor): FeatureMap[] {
  const fn = "featureMaps";
  checkModel(fn, model);
  const values = oneImage(fn, model, image);
  const want = inputShapeOf(model);
  // one model with every layer's output as an output; it shares the layers (and weights) of `model`
  const all = tf.model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output as tf.SymbolicTensor) });
  const x = tf.tensor(values, [1, ...want], "float32");
  const outs = all.predict(x) as tf.Tensor | tf.Tensor[];
  x.dispose();
  const list = Array.isArray(outs) ? outs : [outs];
  return list.map((o, i) => {
    const t = fromTfTensor(o, { dispose: true });
    return { layer: model.layers[i].name, type: model.layers[i].getClassName(), maps: t.reshape(t.shape.slice(1).length ? t.shape.slice(1) : [1]) };
  });
}

/** Options of `maximizeFilter`; defaults in brackets. */
export interface MaximizeOptions {
  /** gradient-ascent steps [100] */
  steps?: number;
  /** step size on the normalized gradient [0.05] */
  lr?: number;
  /** seed of the starting noise [0] */
  seed?: number;
  /** keep pixels in [0, 1] after each step, as digits are [true] */
  clip?: boolean;
}

/**
 * The input that most excites filter `filter` of layer `layerName` (a unit, for a dense layer),
 * found by gradient ascent from grey noise (0.5 ± 0.1): a = mean over positions of the filter's
 * output, g = ∂a/∂x, x ← x + lr · g / (√mean(g²) + 1e-5). Returns the image [1, H, W, C].
 */
export function maximizeFilter(model: tf.LayersModel, layerName: string, filter: number, opts: MaximizeOptions = {}): Tensor {
  const fn = "maximizeFilter";
  checkModel(fn, model);
  const layer = layerNamed(fn, model, layerName);
  checkFilter(fn, layer, filter);
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  const steps = opts.steps ?? 100;
  const lr = opts.lr ?? 0.05;
  const seed = opts.seed ?? 0;
  const clip = opts.clip ?? true;
  checkInt(fn, "opts.steps", steps);
  checkNumber(fn, "opts.lr", lr);
  if (lr <= 0) throw new InputError(fn, "opts.lr", "a number > 0", String(lr));
  checkInt(fn, "opts.seed", seed, 0);

  const shape = [1, ...inputShapeOf(model)];
  const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const r = new Random(seed);
  const start = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.5 + 0.1 * r.normal());
  // a = the filter's mean activation over all positions
  const activation = (x: tf.Tensor): tf.Scalar => tf.mean(pickFilter(sub.apply(x) as tf.Tensor, filter)) as tf.Scalar;
  const grad = tf.grad(activation);
  let x = tf.tensor(start, shape, "float32");
  for (let s = 0; s < steps; s++) {
    const next = tf.tidy(() => {
      const g = grad(x);
      const rms = tf.sqrt(tf.mean(tf.square(g)));
      const stepped = tf.add(x, tf.mul(lr, tf.div(g, tf.add(rms, 1e-5))));
      return clip ? tf.clipByValue(stepped, 0, 1) : stepped;
    });
    x.dispose();
    x = next;
  }
  return fromTfTensor(x, { dispose: true });
}

/** The mean activation of filter `filter` of layer `layerName` for images x [N, …], one value per image. */
export function filterActivation(model: tf.LayersModel, layerName: string, filter: number, x: Tensor): number[] {
  const fn = "filterActivation";
  checkModel(fn, model);
  const layer = layerNamed(fn, model, layerName);
  if (!(x instanceof Tensor)) throw new InputError(fn, "x", `a Tensor [N, ${inputShapeOf(model).join(", ")}]`, describe(x));
  checkModelInput(fn, "x", model, x.shape);
  checkFilter(fn, layer, filter);
  const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const means = tf.tidy(() => {
    const y = sub.predict(tf.tensor(Float32Array.from(x.data), x.shape, "float32")) as tf.Tensor;
    return tf.mean(tf.reshape(pickFilter(y, filter), [y.shape[0], -1]), 1);
  });
  return Array.from(fromTfTensor(means, { dispose: true }).data);
}

/** Options of `dream`; defaults in brackets. */
export interface DreamOptions {
  /** gradient-ascent steps [20] */
  steps?: number;
  /** step size on the normalized gradient [0.02] */
  lr?: number;
  /** keep pixels in [0, 1] after each step, as digits are [true] */
  clip?: boolean;
}

/**
 * Deep-Dream-style amplification: start from `image` ([H, W, C] or [1, H, W, C]) and climb
 * a = ½·mean(y²), y the whole output of layer `layerName` (every filter, every position):
 * x ← x + lr · g / (√mean(g²) + 1e-5), g = ∂a/∂x. Patterns the layer already responds to in the
 * image grow stronger. Returns the image [1, H, W, C] and a before each step and after the last
 * (a[0] = the start); steps = 0 returns the image as given (in float32).
 */
export function dream(model: tf.LayersModel, layerName: string, image: Tensor, opts: DreamOptions = {}): { image: Tensor; objective: number[] } {
  const fn = "dream";
  checkModel(fn, model);
  const layer = layerNamed(fn, model, layerName);
  const values = oneImage(fn, model, image);
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  const steps = opts.steps ?? 20;
  const lr = opts.lr ?? 0.02;
  const clip = opts.clip ?? true;
  checkInt(fn, "opts.steps", steps, 0);
  checkNumber(fn, "opts.lr", lr);
  if (lr <= 0) throw new InputError(fn, "opts.lr", "a number > 0", String(lr));
  if (typeof clip !== "boolean") throw new InputError(fn, "opts.clip", "true or false", describe(clip));

  const shape = [1, ...inputShapeOf(model)];
  const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  // a = ½ · mean of the squared activations of the whole layer
  const objective = (x: tf.Tensor): tf.Scalar => tf.mul(0.5, tf.mean(tf.square(sub.apply(x) as tf.Tensor))) as tf.Scalar;
  const valueAndGrad = tf.valueAndGrad(objective);
  const trail: number[] = [];
  let x = tf.tensor(values, shape, "float32");
  for (let s = 0; s <= steps; s++) {
    const { value, grad } = valueAndGrad(x);
    trail.push(value.dataSync()[0]);
    value.dispose();
    if (s === steps) { grad.dispose(); break; }
    const next = tf.tidy(() => {
      const rms = tf.sqrt(tf.mean(tf.square(grad)));
      const stepped = tf.add(x, tf.mul(lr, tf.div(grad, tf.add(rms, 1e-5))));
      return clip ? tf.clipByValue(stepped, 0, 1) : stepped;
    });
    grad.dispose();
    x.dispose();
    x = next;
  }
  return { image: fromTfTensor(x, { dispose: true }), objective: trail };
}
