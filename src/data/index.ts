/**
 * Data sets of the course: real handwritten digits (chapters 3 and 10), Fashion-MNIST,
 * the X-or-O images of chapter 9 and small 2-D toy sets for tiny networks and charts;
 * plus `batches`, the mini-batch iterator the training loop uses.
 *
 * Every set is a `Dataset`: inputs `x` (images NHWC [N, H, W, C], or points [N, 2]), one
 * integer label per example and the class names.
 */
import { checkInt, describe, InputError } from "../errors";
import { Random, rng } from "../random";
import { checkTensor, Tensor } from "../tensor";

/** Inputs with one class label each. */
export interface Dataset {
  /** images [N, H, W, C] (values in [0, 1]; ±1 for X-or-O) or points [N, 2] */
  x: Tensor;
  /** class index of each example, in 0..classes.length − 1 */
  labels: number[];
  /** class names, `classes[label]` */
  classes: string[];
  /** e.g. "MNIST digits 28×28 (train)" */
  name: string;
  /** position of each example in the source collection, when it has one (to check that splits are disjoint) */
  sourceIndex?: number[];
}

/** The three disjoint parts of a data set. */
export interface Splits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** Options of `batches`. */
export interface BatchOptions {
  /** visit the examples in a random order; default true */
  shuffle?: boolean;
  /** seed of that order, or a `Random` to draw a new order at every call (one per epoch); default 0 */
  seed?: number | Random;
  /** drop the last batch when it is smaller than `batchSize`; default false (it is kept) */
  dropLast?: boolean;
}

/** One mini-batch: copies of the rows, so that changing them leaves the data set intact. */
export interface Batch {
  /** [B, …] rows of the data set's x */
  x: Tensor;
  labels: number[];
  /** the rows' positions in the data set */
  indices: number[];
}

/**
 * Mini-batches of `batchSize` examples covering the data set once (one epoch). The last batch
 * holds the remainder (N mod batchSize examples) unless `dropLast`.
 *
 *   for (const { x, labels } of batches(train, 32, { seed: epoch })) { … }
 */
export function batches(
  data: { x: Tensor; labels: readonly number[] },
  batchSize: number,
  opts: BatchOptions = {},
): Generator<Batch, void, undefined> {
  // checked here, at the call, not at the first step of the iteration
  const fn = "batches";
  if (data === null || typeof data !== "object") throw new InputError(fn, "data", "a Dataset { x, labels }", describe(data));
  checkTensor(fn, "data.x", data.x);
  const n = data.x.shape[0];
  if (!Array.isArray(data.labels) || data.labels.length !== n) {
    throw new InputError(fn, "data.labels", `${n} labels (one per row of x)`, describe(data.labels));
  }
  checkInt(fn, "batchSize", batchSize);
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  const { shuffle = true, seed = 0, dropLast = false } = opts;
  if (!(seed instanceof Random)) checkInt(fn, "opts.seed", seed, Number.MIN_SAFE_INTEGER);
  const order = shuffle ? rng(seed).permutation(n) : Array.from({ length: n }, (_, i) => i);
  const { x, labels } = data;
  return (function* () {
    for (let start = 0; start < n; start += batchSize) {
      const indices = order.slice(start, start + batchSize);
      if (dropLast && indices.length < batchSize) return;
      yield { x: x.take(indices), labels: indices.map((i) => labels[i]), indices };
    }
  })();
}

export { loadDigits, resizeArea, DIGIT_CLASSES } from "./mnist";
export type { DigitOptions } from "./mnist";
export { loadFashionMnist, FASHION_CLASSES, FASHION_DIR, MissingDataError } from "./fashion";
export type { FashionOptions } from "./fashion";
export { xoImages, xoFilters, matchScore } from "./xo";
export type { XoDataset, XoFilters } from "./xo";
export { xorData, circlesData, spiralData, twoBlobs } from "./toy";
export type { ToyOptions, CirclesOptions, BlobsOptions } from "./toy";
