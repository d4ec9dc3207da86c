/** Mini-batches: the iterator the training loop uses to visit a data set once per epoch. */
import { checkInt, describe, InputError } from "../errors";
import { Random, rng } from "../random";
import { checkTensor, type Tensor } from "../tensor";
import type { Batch, BatchOptions } from "./types";

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

