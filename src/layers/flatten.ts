/**
 * Flatten, chapter 8: the last feature maps [N, H, W, C] become one vector per example
 * [N, H·W·C], so that fully connected layers can follow. The values are laid out in
 * row-major (NHWC) order, as Keras's Flatten does for channels-last data; backward only puts
 * the gradient back into the input's shape.
 */
import { optionsOf } from "../checks";
import { checkFinite, describe, fmtShape, InputError } from "../errors";
import { checkTensor, Tensor } from "../tensor";
import type { ChainFactor, FlattenTrace } from "../trace";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

/** What flattenBackward needs: the input's shape. */
export interface FlattenCache {
  inShape: number[];
}

/** x [N, ...] → [N, product of the other sizes] (a copy). */
export function flattenForward(x: Tensor): { out: Tensor; cache: FlattenCache } {
  checkTensor("flattenForward", "x", x);
  checkFinite("flattenForward", "x", x.data);
  const n = x.shape[0];
  return { out: new Tensor(x.data.slice(), [n, x.size / n]), cache: { inShape: [...x.shape] } };
}

/** dout [N, D] → dx in the input's shape [N, ...] (a copy). */
export function flattenBackward(dout: Tensor, cache: FlattenCache): { dx: Tensor } {
  const fn = "flattenBackward";
  if (cache == null || !Array.isArray(cache.inShape) || cache.inShape.length === 0) {
    throw new InputError(fn, "cache", "the cache returned by flattenForward", describe(cache));
  }
  const n = cache.inShape[0];
  const d = cache.inShape.reduce((a, b) => a * b, 1) / n;
  checkTensor(fn, "dout", dout, [n, d]);
  checkFinite(fn, "dout", dout.data);
  return { dx: new Tensor(dout.data.slice(), cache.inShape) };
}

/** A layer that flattens every example to a vector: [N, H, W, C] → [N, H·W·C]. */
export class Flatten implements Layer {
  readonly type = "Flatten";
  readonly name: string;
  private cache: FlattenCache | null = null;

  constructor(opts: { name?: string } = {}) {
    if (opts === null || typeof opts !== "object") throw new InputError("Flatten", "opts", "an options object", describe(opts));
    this.name = layerName("Flatten", "flatten", opts.name);
  }

  outputShape(inShape: readonly number[]): number[] {
    if (!Array.isArray(inShape) || inShape.length === 0 || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InputError(`${this.name}.outputShape`, "inShape", "a shape [N, ...] of positive integers", Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    return [inShape[0], inShape.slice(1).reduce((a, b) => a * b, 1)];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: FlattenTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    checkTensor(`${this.name}.forward`, "x", x);
    const { out, cache } = flattenForward(x);
    this.cache = cache;
    if (!opts.trace) return { out };
    return { out, trace: { kind: "flatten", layer: this.name, inShape: [...cache.inShape], outShape: [...out.shape] } };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    if (this.cache === null) throw new InputError(`${this.name}.backward`, "dout", "a forward pass first", "no forward yet");
    const { dx } = flattenBackward(dout, this.cache);
    return { dx, factors: [{ name: `δ reshaped to ${fmtShape(this.cache.inShape)}`, value: dx }] };
  }

  params(): Param[] {
    return [];
  }
}
