/**
 * The shapes every data set of the course shares: a `Dataset` (inputs, one label per example, the
 * class names), its three `Splits`, and the mini-batches `batches` cuts from it.
 */
import type { Random } from "../random";
import type { Tensor } from "../tensor";

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
