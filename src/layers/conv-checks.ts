/**
 * What every conv2d function shares: its options, its cache and gradients, the checks of its
 * arguments (sizes from windows.ts, with the formula filled in when they do not fit), padding.
 * Notation: see src/layers/conv.ts.
 */
import { checkFits, optionsOf } from "../checks";
import { checkInt, describe, InputError } from "../errors";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import { checkRounding, outputSize, type Rounding } from "./windows";

export type { Rounding } from "./windows";

/** Options of every conv2d function. */
export interface Conv2DOptions {
  /** step between neighbouring windows, in pixels; default 1 */
  stride?: number;
  /** rows and columns of zeros added on every side of each image; default 0 */
  pad?: number;
  /**
   * when (H + 2P − KH)/S is not whole: "exact" throws (default), "floor" leaves out the last
   * rows/columns that cannot fill a window, H' = ⌊(H + 2P − KH)/S⌋ + 1
   */
  rounding?: Rounding;
}

/** Which implementation computes the convolution. */
export type ConvImpl = "naive" | "im2col";

/** What backward needs, as plain data. Both implementations make and accept the same cache. */
export interface ConvCache {
  /** the implementation that made the cache */
  impl: ConvImpl;
  x: Tensor;
  w: Tensor;
  b: Tensor;
  stride: number;
  pad: number;
  rounding: Rounding;
  /** H' and W' */
  outH: number;
  outW: number;
  /** im2col only: the patches matrix [N·H'·W', KH·KW·C], reused by backward (null for naive) */
  cols: Tensor | null;
}

/** Gradients of a convolution: dx = ∂C/∂x [N, H, W, C], dW = ∂C/∂w [KH, KW, C, F], db = ∂C/∂b [F]. */
export interface ConvGrads {
  dx: Tensor;
  dW: Tensor;
  db: Tensor;
}

/** The sizes of one convolution, checked. */
export interface ConvSizes {
  N: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  F: number;
  S: number;
  P: number;
  R: Rounding;
  OH: number;
  OW: number;
}

export function readOptions(fn: string, opts: unknown): { S: number; P: number; R: Rounding } {
  const { stride = 1, pad = 0, rounding = "exact" } = optionsOf(fn, "opts", opts as Conv2DOptions | null | undefined);
  checkInt(fn, "stride", stride, 1);
  checkInt(fn, "pad", pad, 0);
  checkRounding(fn, rounding);
  return { S: stride, P: pad, R: rounding };
}

/** Check x, w, b and the options of a conv2d call; return every size. */
export function checkConv(fn: string, x: unknown, w: unknown, b: unknown, opts: unknown): ConvSizes {
  checkTensor(fn, "x", x, ["N", "H", "W", "C"]);
  const [N, H, W, C] = x.shape;
  checkTensor(fn, "w", w, ["KH", "KW", C, "F"]);
  const [KH, KW, , F] = w.shape;
  checkTensor(fn, "b", b, [F]);
  checkTensorFinite(fn, "x", x);
  checkTensorFinite(fn, "w", w);
  checkTensorFinite(fn, "b", b);
  const { S, P, R } = readOptions(fn, opts);
  const OH = outputSize(fn, H, KH, S, P, { H: "H", K: "KH", S: "stride", window: "w" }, R);
  const OW = outputSize(fn, W, KW, S, P, { H: "W", K: "KW", S: "stride", window: "w" }, R);
  return { N, H, W, C, KH, KW, F, S, P, R, OH, OW };
}

/** Check a cache and the upstream gradient dout [N, H', W', F]; return every size. */
export function checkBackward(fn: string, dout: unknown, cache: unknown): ConvSizes {
  const c = cache as ConvCache;
  if (typeof cache !== "object" || cache === null || !(c.x instanceof Tensor) || !(c.w instanceof Tensor) || !(c.b instanceof Tensor)) {
    throw new InputError(fn, "cache", "the cache returned by a conv2d forward", describe(cache));
  }
  const s = checkConv(fn, c.x, c.w, c.b, { stride: c.stride, pad: c.pad, rounding: c.rounding });
  checkTensor(fn, "dout", dout, [s.N, s.OH, s.OW, s.F]);
  checkTensorFinite(fn, "dout", dout);
  return s;
}

// ------------------------------------------------------------------ padding

/** x [N, H, W, C] with `pad` rows and columns of zeros on every side: [N, H + 2P, W + 2P, C]. */
export function zeroPad(x: Tensor, pad: number): Tensor {
  checkTensor("zeroPad", "x", x, ["N", "H", "W", "C"]);
  checkInt("zeroPad", "pad", pad, 0);
  checkFits("zeroPad", "pad", [x.shape[0], x.shape[1] + 2 * pad, x.shape[2] + 2 * pad, x.shape[3]], "N × (H + 2P) × (W + 2P) × C");
  const [N, H, W, C] = x.shape;
  return new Tensor(padRaw(x.data, N, H, W, C, pad), [N, H + 2 * pad, W + 2 * pad, C]);
}

export function padRaw(x: Float64Array, N: number, H: number, W: number, C: number, P: number): Float64Array {
  if (P === 0) return x.slice();
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const xp = new Float64Array(N * Hp * Wp * C);
  // copy each image row (W·C contiguous values) to its place inside the frame of zeros
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const src = (n * H + h) * W * C;
      xp.set(x.subarray(src, src + W * C), ((n * Hp + h + P) * Wp + P) * C);
    }
  }
  return xp;
}

/** The inverse of padding for gradients: drop the frame of width P. */
export function cropRaw(xp: Float64Array, N: number, H: number, W: number, C: number, P: number): Float64Array {
  if (P === 0) return xp;
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const x = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const src = ((n * Hp + h + P) * Wp + P) * C;
      x.set(xp.subarray(src, src + W * C), (n * H + h) * W * C);
    }
  }
  return x;
}

