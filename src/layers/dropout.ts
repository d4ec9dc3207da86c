/**
 * Dropout, chapter 12: during training every unit is kept with probability 1 − rate and
 * zeroed otherwise, so that no unit can rely on any other; at evaluation it does nothing.
 *
 * Inverted dropout: the kept units are scaled by 1 / (1 − rate) during training, so the
 * expected value of each output equals its input and evaluation needs no rescaling (as in
 * Keras and TensorFlow.js).
 *
 *   training   out = x ⊙ mask / (1 − rate),  mask ~ Bernoulli(1 − rate), 0 or 1 per value
 *   evaluation out = x
 *   backward   ∂C/∂x = δ ⊙ mask / (1 − rate)   (evaluation: δ)
 */
import { optionsOf } from "../checks";
import { checkFinite, checkRange, describe, fmtShape, InputError } from "../errors";
import { Random, rng } from "../random";
import { checkOutputFinite, checkTensor, Tensor } from "../tensor";
import type { ChainFactor, DropoutTrace } from "../trace";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

export interface DropoutOptions {
  /** training mode: drop units; default false (evaluation: the identity) */
  training?: boolean;
  /** seed or shared generator for the mask; default 0 */
  seed?: number | Random;
  /** a fixed keep-mask of 0s and 1s (shape of x) instead of a random one, e.g. for gradient checks */
  mask?: Tensor;
}

/** What dropoutBackward needs. */
export interface DropoutCache {
  rate: number;
  training: boolean;
  /** 1 = kept, 0 = dropped, shape of x; null at evaluation */
  mask: Tensor | null;
  /** 1 / (1 − rate) */
  scale: number;
}

/** Inverted dropout of x (any shape) with drop probability rate in [0, 1) → { out, cache }. */
export function dropoutForward(x: Tensor, rate: number, opts: DropoutOptions = {}): { out: Tensor; cache: DropoutCache } {
  const fn = "dropoutForward";
  checkTensor(fn, "x", x);
  checkFinite(fn, "x", x.data);
  checkRange(fn, "rate", rate, 0, 1);
  opts = optionsOf(fn, "opts", opts);
  const training = opts.training ?? false;
  if (typeof training !== "boolean") throw new InputError(fn, "training", "true or false", describe(training));
  const scale = 1 / (1 - rate);
  if (!training) return { out: x.clone(), cache: { rate, training, mask: null, scale } };
  let mask: Tensor;
  if (opts.mask !== undefined) {
    const m = opts.mask;
    checkTensor(fn, "mask", m, x.shape);
    for (let i = 0; i < m.size; i++) {
      if (m.data[i] !== 0 && m.data[i] !== 1) throw new InputError(fn, "mask", "only 0s and 1s", `${describe(m.data[i])} at flat index ${i}`);
    }
    mask = m.clone();
  } else {
    const seed = opts.seed ?? 0;
    if (!(typeof seed === "number" && Number.isInteger(seed)) && !(seed instanceof Random)) {
      throw new InputError(fn, "seed", "an integer or a Random", describe(seed));
    }
    const r = rng(seed);
    const md = new Float64Array(x.size);
    for (let i = 0; i < md.length; i++) md[i] = r.next() >= rate ? 1 : 0; // kept with probability 1 − rate
    mask = new Tensor(md, x.shape);
  }
  const out = new Float64Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] * mask.data[i] * scale;
  const result = new Tensor(out, x.shape);
  checkOutputFinite(fn, result); // x / (1 − rate) can overflow near the largest float
  return { out: result, cache: { rate, training, mask, scale } };
}

/** ∂C/∂x = δ ⊙ mask / (1 − rate) in training, δ at evaluation; dout has the shape of x. */
export function dropoutBackward(dout: Tensor, cache: DropoutCache): { dx: Tensor } {
  const fn = "dropoutBackward";
  if (cache == null || typeof cache.scale !== "number" || typeof cache.training !== "boolean") {
    throw new InputError(fn, "cache", "the cache returned by dropoutForward", describe(cache));
  }
  checkTensor(fn, "dout", dout, cache.mask ? cache.mask.shape : undefined);
  checkFinite(fn, "dout", dout.data);
  if (!cache.training || cache.mask === null) return { dx: dout.clone() };
  const m = cache.mask.data;
  const dx = new Float64Array(dout.size);
  for (let i = 0; i < dx.length; i++) dx[i] = dout.data[i] * m[i] * cache.scale;
  return { dx: new Tensor(dx, dout.shape) };
}

/** A dropout layer: drops a fraction `rate` of its inputs in training, a new mask every call. */
export class Dropout implements Layer {
  readonly type = "Dropout";
  readonly name: string;
  private readonly random: Random;
  private cache: DropoutCache | null = null;
  private inShape: number[] | null = null;

  /** `new Dropout(0.5, { seed: 1 })`: rate in [0, 1); masks drawn from a generator seeded once (default 0). */
  constructor(readonly rate: number, opts: { seed?: number | Random; name?: string } = {}) {
    checkRange("Dropout", "rate", rate, 0, 1);
    if (opts === null || typeof opts !== "object") throw new InputError("Dropout", "opts", "an options object", describe(opts));
    const seed = opts.seed ?? 0;
    if (!(typeof seed === "number" && Number.isInteger(seed)) && !(seed instanceof Random)) {
      throw new InputError("Dropout", "seed", "an integer or a Random", describe(seed));
    }
    this.random = rng(seed);
    this.name = layerName("Dropout", "dropout", opts.name);
  }

  outputShape(inShape: readonly number[]): number[] {
    if (!Array.isArray(inShape) || inShape.length === 0 || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InputError(`${this.name}.outputShape`, "inShape", "a shape of positive integers", Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    return [...inShape];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: DropoutTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    checkTensor(`${this.name}.forward`, "x", x);
    const training = opts.training ?? false;
    const { out, cache } = dropoutForward(x, this.rate, { training, seed: this.random });
    this.cache = cache;
    this.inShape = [...x.shape];
    if (!opts.trace) return { out };
    return { out, trace: { kind: "dropout", layer: this.name, rate: this.rate, training, mask: cache.mask, out } };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    if (this.cache === null || this.inShape === null) throw new InputError(`${this.name}.backward`, "dout", "a forward pass first", "no forward yet");
    checkTensor(`${this.name}.backward`, "dout", dout, this.inShape);
    const { dx } = dropoutBackward(dout, this.cache);
    const factors: ChainFactor[] = this.cache.mask
      ? [
          { name: "mask / (1 − rate)", value: this.cache.mask.scale(this.cache.scale) },
          { name: "δ ⊙ mask / (1 − rate)", value: dx },
        ]
      : [{ name: "δ (evaluation: dropout is the identity)", value: dx }];
    return { dx, factors };
  }

  params(): Param[] {
    return [];
  }
}
