/**
 * 2-D convolution, forward and backward, two ways side by side (chapter 7):
 * `conv2dNaive` is the loop a student writes; `conv2dIm2col` turns every window into a row of
 * a matrix and does one matrix product. Same signature, same cache, same numbers.
 * The family: conv-checks.ts (options, cache, checks, padding), conv-naive.ts, im2col.ts,
 * conv-trace.ts; window sizes from windows.ts, products from ../linalg.ts; this file holds the
 * dispatch (`conv2dForward`, `conv2dBackward`) and the Conv2D layer, which calls them.
 *
 * Notation, used throughout this file:
 *   x    [N, H, W, C]      N images, H rows, W columns, C channels (NHWC)
 *   w    [KH, KW, C, F]    F filters, each KH × KW × C
 *   b    [F]               one bias per filter
 *   out  [N, H', W', F]    H' = (H + 2P − KH)/S + 1,  W' = (W + 2P − KW)/S + 1
 *   S = stride, P = zero padding on every side, xp = x with P zeros around each image.
 * When (H + 2P − KH)/S is not whole, the functions throw an error that shows the formula with
 * its numbers, unless `rounding: "floor"` asks for H' = ⌊(H + 2P − KH)/S⌋ + 1: the last rows or
 * columns that cannot fill a window are left out. That is what TensorFlow.js's "valid" padding
 * does and what the lecture's stride-2 example does (6×6 image, 3×3 filter → 2×2 map).
 *
 * "Convolution" in deep learning is cross-correlation: the filter slides over the input as it
 * is, never flipped:
 *   out[n, i, j, f] = b[f] + Σ_{di, dj, c} xp[n, i·S + di, j·S + dj, c] · w[di, dj, c, f]
 */
import { checkFits, optionsOf } from "../checks";
import { checkInt, describe, fmtShape, InputError } from "../errors";
import { Random } from "../random";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import type { ChainFactor, ConvTrace } from "../trace";
import { type Conv2DOptions, type ConvCache, type ConvGrads, type ConvImpl } from "./conv-checks";
import { conv2dBackwardNaive, conv2dNaive } from "./conv-naive";
import { buildConvTrace, type ConvTraceOptions } from "./conv-trace";
import { conv2dBackwardIm2col, conv2dIm2col } from "./im2col";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";
import { checkRounding, checkTracePositions, outputSize, type Rounding } from "./windows";

// the convolution family, each part in its own file, read from here
export { zeroPad } from "./conv-checks";
export type { Conv2DOptions, ConvCache, ConvGrads, ConvImpl, Rounding } from "./conv-checks";
export { conv2dNaive, conv2dBackwardNaive } from "./conv-naive";
export { im2col, col2im, conv2dIm2col, conv2dBackwardIm2col } from "./im2col";
export { conv2dTrace } from "./conv-trace";
export type { ConvPosition, ConvTraceOptions } from "./conv-trace";

/**
 * Output size of a convolution along one axis, H' = (H + 2P − K)/S + 1; throws when the window
 * is bigger than the padded input or, unless `rounding` is "floor", when the division does not
 * come out whole.
 */
export function convOutputSize(H: number, K: number, S: number, P: number, rounding: Rounding = "exact"): number {
  const fn = "convOutputSize";
  checkInt(fn, "H", H);
  checkInt(fn, "K", K);
  checkInt(fn, "S", S);
  checkInt(fn, "P", P, 0);
  checkRounding(fn, rounding);
  return outputSize(fn, H, K, S, P, { H: "H", K: "K", S: "S", window: "K" }, rounding);
}

/** conv2d with a choice of implementation (default im2col): x [N, H, W, C] → out [N, H', W', F]. */
export function conv2dForward(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  opts: Conv2DOptions & { impl?: ConvImpl } = {},
): { out: Tensor; cache: ConvCache } {
  const impl = opts?.impl ?? "im2col";
  if (impl !== "naive" && impl !== "im2col") throw new InputError("conv2dForward", "impl", '"naive" or "im2col"', describe(impl));
  return impl === "naive" ? conv2dNaive(x, w, b, opts) : conv2dIm2col(x, w, b, opts);
}

/** Backward for the implementation that made the cache: dout [N, H', W', F] → { dx, dW, db }. */
export function conv2dBackward(dout: Tensor, cache: ConvCache): ConvGrads {
  return cache?.impl === "naive" ? conv2dBackwardNaive(dout, cache) : conv2dBackwardIm2col(dout, cache);
}

// ------------------------------------------------------------------ layer

/** Options of the Conv2D layer; defaults in brackets. */
export interface Conv2DLayerOptions {
  /** channels C of the input */
  inChannels: number;
  /** number of filters F = channels of the output */
  filters: number;
  /** KH = KW = kernelSize, or [KH, KW] */
  kernelSize: number | [number, number];
  /** [1] */
  stride?: number;
  /** zero padding on every side [0] */
  pad?: number;
  /** ["exact"]: see `Conv2DOptions.rounding` */
  rounding?: Rounding;
  /** seed of the He-normal initialization [0] */
  seed?: number;
  /** ["im2col"] */
  impl?: ConvImpl;
  /** ["conv2d_1", "conv2d_2", … in order of creation] */
  name?: string;
  /**
   * The output positions a forward trace records, as `conv2dTrace`'s `positions`. Default: every
   * position when the output holds at most 64 values, else for each filter the position of its
   * strongest response in example 0 (the largest output value; ties → the first in row-major order).
   */
  tracePositions?: ConvTraceOptions["positions"];
}

/** A convolution layer: F filters [KH, KW, C], He-normal weights (std √(2 / (KH·KW·C))), zero biases. */
export class Conv2D implements Layer {
  readonly type = "Conv2D";
  readonly name: string;
  readonly stride: number;
  readonly pad: number;
  readonly rounding: Rounding;
  readonly impl: ConvImpl;
  /** the positions a forward trace records; undefined: the default of `Conv2DLayerOptions.tracePositions` */
  readonly tracePositions: ConvTraceOptions["positions"];
  /** the filters [KH, KW, C, F] (decayed) and biases [F] */
  readonly w: Param;
  readonly b: Param;
  private cache: ConvCache | null = null;

  constructor(opts: Conv2DLayerOptions) {
    const fn = "Conv2D";
    if (typeof opts !== "object" || opts === null) throw new InputError(fn, "opts", "{ inChannels, filters, kernelSize, … }", describe(opts));
    const { inChannels, filters, kernelSize, stride = 1, pad = 0, rounding = "exact", seed = 0, impl = "im2col", name, tracePositions } = opts;
    checkInt(fn, "inChannels", inChannels);
    checkInt(fn, "filters", filters);
    const [KH, KW] = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
    if (Array.isArray(kernelSize) && kernelSize.length !== 2) throw new InputError(fn, "kernelSize", "a number or [KH, KW]", describe(kernelSize));
    checkInt(fn, "kernelSize", KH);
    checkInt(fn, "kernelSize", KW);
    checkInt(fn, "stride", stride);
    checkInt(fn, "pad", pad, 0);
    checkFits(fn, "filters", [KH, KW, inChannels, filters], "KH × KW × inChannels × filters");
    checkRounding(fn, rounding);
    if (!Number.isInteger(seed)) throw new InputError(fn, "seed", "an integer", describe(seed));
    if (impl !== "naive" && impl !== "im2col") throw new InputError(fn, "impl", '"naive" or "im2col"', describe(impl));
    checkTracePositions(fn, tracePositions, "f");
    this.name = layerName(fn, "conv2d", name);
    this.stride = stride;
    this.pad = pad;
    this.rounding = rounding;
    this.impl = impl;
    this.tracePositions = tracePositions;
    // He-normal: keeps the variance of the pre-activations near 1 under ReLU
    const std = Math.sqrt(2 / (KH * KW * inChannels));
    const r = new Random(seed);
    const w = new Float64Array(KH * KW * inChannels * filters);
    for (let k = 0; k < w.length; k++) w[k] = r.normal(0, std);
    const shape = [KH, KW, inChannels, filters];
    this.w = { name: "w", value: new Tensor(w, shape), grad: Tensor.zeros(shape), decay: true };
    this.b = { name: "b", value: Tensor.zeros([filters]), grad: Tensor.zeros([filters]), decay: false };
  }

  /** A layer with the given filters w [KH, KW, C, F] and biases b [F] (copied). */
  static fromWeights(w: Tensor, b: Tensor, opts: Omit<Conv2DLayerOptions, "inChannels" | "filters" | "kernelSize" | "seed"> = {}): Conv2D {
    const fn = "Conv2D.fromWeights";
    checkTensor(fn, "w", w, ["KH", "KW", "C", "F"]);
    checkTensor(fn, "b", b, [w.shape[3]]);
    checkTensorFinite(fn, "w", w);
    checkTensorFinite(fn, "b", b);
    const [KH, KW, C, F] = w.shape;
    const layer = new Conv2D({ ...opts, inChannels: C, filters: F, kernelSize: [KH, KW] });
    layer.w.value.data.set(w.data);
    layer.b.value.data.set(b.data);
    return layer;
  }

  /** [N, H, W, C] → [N, H', W', F]. */
  outputShape(inShape: readonly number[]): number[] {
    const fn = `${this.name}.outputShape`;
    const [KH, KW, C, F] = this.w.value.shape;
    if (!Array.isArray(inShape) || inShape.length !== 4 || inShape.some((d) => !Number.isInteger(d) || d < 1) || inShape[3] !== C) {
      throw new InputError(fn, "inShape", `[N, H, W, ${C}]`, Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    const names = { H: "H", K: "KH", S: "stride", window: "inShape" };
    const OH = outputSize(fn, inShape[1], KH, this.stride, this.pad, names, this.rounding);
    const OW = outputSize(fn, inShape[2], KW, this.stride, this.pad, { ...names, H: "W", K: "KW" }, this.rounding);
    return [inShape[0], OH, OW, F];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: ConvTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    const C = this.w.value.shape[2];
    checkTensor(`${this.name}.forward`, "x", x, ["N", "H", "W", C]);
    const w = this.w.value;
    const b = this.b.value;
    const o = { stride: this.stride, pad: this.pad, rounding: this.rounding };
    const { out, cache } = conv2dForward(x, w, b, { ...o, impl: this.impl });
    this.cache = cache;
    if (!opts.trace) return { out };
    return { out, trace: buildConvTrace(`${this.name}.forward`, x, w, b, this.stride, this.pad, this.rounding, out, this.tracePositions, this.name, true) };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    const fn = `${this.name}.backward`;
    if (this.cache === null) throw new InputError(fn, "dout", "a forward pass before backward", "no forward pass yet");
    const { x, outH, outW } = this.cache;
    checkTensor(fn, "dout", dout, [x.shape[0], outH, outW, this.w.value.shape[3]]);
    const { dx, dW, db } = conv2dBackward(dout, this.cache);
    this.w.grad.data.set(dW.data);
    this.b.grad.data.set(db.data);
    return {
      dx,
      factors: [
        { name: "∂C/∂w = Σ over windows of window · δ", value: dW },
        { name: "∂C/∂b = Σ over positions of δ", value: db },
        { name: "∂C/∂x = full convolution of δ with w (each window gets filter · δ)", value: dx },
      ],
    };
  }

  params(): Param[] {
    return [this.w, this.b];
  }
}
