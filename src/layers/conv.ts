/**
 * 2-D convolution, forward and backward, two ways side by side (chapter 7):
 * `conv2dNaive` is the loop a student writes; `conv2dIm2col` turns every window into a row of
 * a matrix and does one matrix product. Same signature, same cache, same numbers.
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
import type { ChainFactor, ConvTrace, ConvWindow } from "../trace";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

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

export type { Rounding } from "./windows";
import type { Rounding } from "./windows";

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

/** Gradients of a convolution: ∂C/∂x [N, H, W, C], ∂C/∂w [KH, KW, C, F], ∂C/∂b [F]. */
export interface ConvGrads {
  dx: Tensor;
  dw: Tensor;
  db: Tensor;
}

// ------------------------------------------------------------------ sizes and checks

/** Format the numbers of a padded size, e.g. "6 + 2·1". */
function paddedText(h: number, p: number): string {
  return `${h} + 2·${p}`;
}

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

function checkRounding(fn: string, rounding: unknown): asserts rounding is Rounding {
  if (rounding !== "exact" && rounding !== "floor") throw new InputError(fn, "rounding", '"exact" or "floor"', describe(rounding));
}

/** H' = (H + 2P − K)/S + 1 with errors that show the formula filled in; `names` says which argument is at fault. */
function outputSize(
  fn: string,
  H: number,
  K: number,
  S: number,
  P: number,
  names: { H: string; K: string; S: string; window: string },
  rounding: Rounding,
): number {
  if (K > H + 2 * P) {
    throw new InputError(
      fn,
      names.window,
      `${names.K} ≤ ${names.H} + 2P = ${paddedText(H, P)} = ${H + 2 * P} (the window must fit in the padded input)`,
      `${names.K} = ${K}`,
    );
  }
  const q = (H + 2 * P - K) / S + 1;
  if (rounding === "floor") return Math.floor(q);
  if (!Number.isInteger(q)) {
    throw new InputError(
      fn,
      names.S,
      `(${names.H} + 2P − ${names.K})/S + 1 to be a whole number (change the stride or the padding, ` +
        `or pass rounding: "floor" to leave out the windows that do not fit)`,
      `(${paddedText(H, P)} − ${K})/${S} + 1 = ${+q.toFixed(4)}`,
    );
  }
  return q;
}

/** The sizes of one convolution, checked. */
interface ConvSizes {
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

function readOptions(fn: string, opts: unknown): { S: number; P: number; R: Rounding } {
  const { stride = 1, pad = 0, rounding = "exact" } = optionsOf(fn, "opts", opts as Conv2DOptions | null | undefined);
  checkInt(fn, "stride", stride, 1);
  checkInt(fn, "pad", pad, 0);
  checkRounding(fn, rounding);
  return { S: stride, P: pad, R: rounding };
}

/** Check x, w, b and the options of a conv2d call; return every size. */
function checkConv(fn: string, x: unknown, w: unknown, b: unknown, opts: unknown): ConvSizes {
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
function checkBackward(fn: string, dout: unknown, cache: unknown): ConvSizes {
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

function padRaw(x: Float64Array, N: number, H: number, W: number, C: number, P: number): Float64Array {
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
function cropRaw(xp: Float64Array, N: number, H: number, W: number, C: number, P: number): Float64Array {
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

// ------------------------------------------------------------------ naive

/**
 * 2-D convolution (cross-correlation, no filter flip) with the plain loops:
 * x [N, H, W, C], w [KH, KW, C, F], b [F] → out [N, H', W', F], H' = (H + 2P − KH)/S + 1.
 */
export function conv2dNaive(x: Tensor, w: Tensor, b: Tensor, opts: Conv2DOptions = {}): { out: Tensor; cache: ConvCache } {
  const { N, H, W, C, KH, KW, F, S, P, R, OH, OW } = checkConv("conv2dNaive", x, w, b, opts);
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const xp = padRaw(x.data, N, H, W, C, P);
  const wd = w.data;
  const out = new Float64Array(N * OH * OW * F);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        for (let f = 0; f < F; f++) {
          // the window's top-left corner is xp[n, i·S, j·S]; multiply it by filter f and add up
          let sum = 0;
          for (let di = 0; di < KH; di++) {
            for (let dj = 0; dj < KW; dj++) {
              for (let c = 0; c < C; c++) {
                const xv = xp[((n * Hp + i * S + di) * Wp + j * S + dj) * C + c]; // xp[n, i·S+di, j·S+dj, c]
                const wv = wd[((di * KW + dj) * C + c) * F + f]; // w[di, dj, c, f]
                sum += xv * wv;
              }
            }
          }
          out[((n * OH + i) * OW + j) * F + f] = sum + b.data[f];
        }
      }
    }
  }
  return {
    out: new Tensor(out, [N, OH, OW, F]),
    cache: { impl: "naive", x, w, b, stride: S, pad: P, rounding: R, outH: OH, outW: OW, cols: null },
  };
}

/**
 * Backward of conv2d with the plain loops: each output value out[n, i, j, f] got its window times
 * filter f, so its upstream gradient g = dout[n, i, j, f] goes back as
 * dw[di, dj, c, f] += window · g, dx(window) += w[·, ·, ·, f] · g, db[f] += g.
 */
export function conv2dBackwardNaive(dout: Tensor, cache: ConvCache): ConvGrads {
  const { N, H, W, C, KH, KW, F, S, P, OH, OW } = checkBackward("conv2dBackwardNaive", dout, cache);
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const xp = padRaw(cache.x.data, N, H, W, C, P);
  const wd = cache.w.data;
  const g = dout.data;
  const dxp = new Float64Array(N * Hp * Wp * C);
  const dw = new Float64Array(KH * KW * C * F);
  const db = new Float64Array(F);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        for (let f = 0; f < F; f++) {
          const d = g[((n * OH + i) * OW + j) * F + f]; // ∂C/∂out[n, i, j, f]
          db[f] += d; // ∂out/∂b[f] = 1
          for (let di = 0; di < KH; di++) {
            for (let dj = 0; dj < KW; dj++) {
              for (let c = 0; c < C; c++) {
                const xi = ((n * Hp + i * S + di) * Wp + j * S + dj) * C + c;
                const wi = ((di * KW + dj) * C + c) * F + f;
                dw[wi] += xp[xi] * d; // ∂out/∂w = the input under the weight
                dxp[xi] += wd[wi] * d; // ∂out/∂x = the weight over the input
              }
            }
          }
        }
      }
    }
  }
  return {
    dx: new Tensor(cropRaw(dxp, N, H, W, C, P), [N, H, W, C]),
    dw: new Tensor(dw, [KH, KW, C, F]),
    db: new Tensor(db, [F]),
  };
}

// ------------------------------------------------------------------ im2col

/**
 * Unfold every window into a row: cols[r, k] with r = (n, i, j) and k = (di, dj, c), so that
 * cols [N·H'·W', KH·KW·C] · w reshaped [KH·KW·C, F] is the convolution. Padding is implicit:
 * positions outside the image stay 0.
 */
function im2colRaw(x: Float64Array, s: ConvSizes): Float64Array {
  const cols = new Float64Array(s.N * s.OH * s.OW * s.KH * s.KW * s.C);
  walkWindows(x, cols, s, false);
  return cols;
}

/** The adjoint of im2col: add every row's values back to the input positions they came from. */
function col2imRaw(cols: Float64Array, s: ConvSizes): Float64Array {
  const x = new Float64Array(s.N * s.H * s.W * s.C);
  walkWindows(x, cols, s, true);
  return x;
}

/**
 * Visit every window row that lies inside the image and copy it between x and its place in
 * cols: cols ← x for im2col, x += cols for col2im (padding zeros are skipped both ways).
 */
function walkWindows(x: Float64Array, cols: Float64Array, s: ConvSizes, back: boolean): void {
  const { N, H, W, C, KH, KW, S, P, OH, OW } = s;
  const K = KH * KW * C;
  let base = 0; // start of row r = (n, i, j) in cols
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++, base += K) {
        const w0 = j * S - P; // input column under dj = 0
        // filter columns that land inside the image: dj in [dj0, dj1)
        const dj0 = w0 < 0 ? -w0 : 0;
        const dj1 = W - w0 < KW ? W - w0 : KW;
        if (dj1 <= dj0) continue;
        const len = (dj1 - dj0) * C;
        for (let di = 0; di < KH; di++) {
          const h = i * S - P + di;
          if (h < 0 || h >= H) continue;
          // window row di is one contiguous run of x: columns w0+dj0 … w0+dj1−1, all channels
          const xi = ((n * H + h) * W + w0 + dj0) * C;
          const ci = base + (di * KW + dj0) * C;
          if (back) for (let t = 0; t < len; t++) x[xi + t] += cols[ci + t];
          else for (let t = 0; t < len; t++) cols[ci + t] = x[xi + t];
        }
      }
    }
  }
}

/** Sizes for im2col/col2im from an input shape, a kernel size and options. */
function im2colSizes(fn: string, xShape: readonly number[], kh: number, kw: number, opts: unknown): ConvSizes {
  checkInt(fn, "kh", kh);
  checkInt(fn, "kw", kw);
  const [N, H, W, C] = xShape;
  const { S, P, R } = readOptions(fn, opts);
  const OH = outputSize(fn, H, kh, S, P, { H: "H", K: "kh", S: "stride", window: "kh" }, R);
  const OW = outputSize(fn, W, kw, S, P, { H: "W", K: "kw", S: "stride", window: "kw" }, R);
  return { N, H, W, C, KH: kh, KW: kw, F: 1, S, P, R, OH, OW };
}

/** Every kh×kw window of x [N, H, W, C] as a row: cols [N·H'·W', kh·kw·C], columns ordered (di, dj, c). */
export function im2col(x: Tensor, kh: number, kw: number, opts: Conv2DOptions = {}): Tensor {
  checkTensor("im2col", "x", x, ["N", "H", "W", "C"]);
  checkTensorFinite("im2col", "x", x);
  const s = im2colSizes("im2col", x.shape, kh, kw, opts);
  return new Tensor(im2colRaw(x.data, s), [s.N * s.OH * s.OW, kh * kw * s.C]);
}

/** Fold rows back, adding where windows overlap: cols [N·H'·W', kh·kw·C] → [N, H, W, C] (the adjoint of im2col). */
export function col2im(cols: Tensor, xShape: readonly number[], kh: number, kw: number, opts: Conv2DOptions = {}): Tensor {
  const fn = "col2im";
  if (!Array.isArray(xShape) || xShape.length !== 4 || xShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InputError(fn, "xShape", "[N, H, W, C] of positive integers", describe(xShape));
  }
  const s = im2colSizes(fn, xShape, kh, kw, opts);
  checkTensor(fn, "cols", cols, [s.N * s.OH * s.OW, kh * kw * s.C]);
  checkTensorFinite(fn, "cols", cols);
  return new Tensor(col2imRaw(cols.data, s), [s.N, s.H, s.W, s.C]);
}

// The two matrix products of im2col, on flat row-major Float64Arrays. Each output value is a
// sum over the inner index in ascending order (so im2col gives the very numbers of the naive
// loops); blocks of 2 rows × 4 columns share their loads, which is what makes them fast in JS.

/** out [M, N] = A [M, I] · Bᵀ for B [N, I]: out[r, n] = Σ_k A[r, k] · B[n, k]. */
function gemmABt(A: Float64Array, B: Float64Array, M: number, I: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  let r = 0;
  for (; r + 1 < M; r += 2) {
    const a0 = r * I;
    const a1 = a0 + I;
    const o0 = r * N;
    const o1 = o0 + N;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = n * I;
      const b1 = b0 + I;
      const b2 = b1 + I;
      const b3 = b2 + I;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // row r, columns n … n + 3
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0; // row r + 1
      for (let k = 0; k < I; k++) {
        const u = A[a0 + k];
        const v = A[a1 + k];
        const c0 = B[b0 + k];
        const c1 = B[b1 + k];
        const c2 = B[b2 + k];
        const c3 = B[b3 + k];
        s0 += u * c0;
        s1 += u * c1;
        s2 += u * c2;
        s3 += u * c3;
        t0 += v * c0;
        t1 += v * c1;
        t2 += v * c2;
        t3 += v * c3;
      }
      out[o0 + n] = s0;
      out[o0 + n + 1] = s1;
      out[o0 + n + 2] = s2;
      out[o0 + n + 3] = s3;
      out[o1 + n] = t0;
      out[o1 + n + 1] = t1;
      out[o1 + n + 2] = t2;
      out[o1 + n + 3] = t3;
    }
    for (; n < N; n++) {
      const b = n * I;
      let s0 = 0;
      let t0 = 0;
      for (let k = 0; k < I; k++) {
        s0 += A[a0 + k] * B[b + k];
        t0 += A[a1 + k] * B[b + k];
      }
      out[o0 + n] = s0;
      out[o1 + n] = t0;
    }
  }
  for (; r < M; r++) {
    for (let n = 0; n < N; n++) {
      let s0 = 0;
      for (let k = 0; k < I; k++) s0 += A[r * I + k] * B[n * I + k];
      out[r * N + n] = s0;
    }
  }
  return out;
}

/** out [I, N] = Aᵀ · G for A [M, I], G [M, N]: out[k, n] = Σ_r A[r, k] · G[r, n], 4 rows of A at a time. */
function gemmAtB(A: Float64Array, G: Float64Array, M: number, I: number, N: number): Float64Array {
  const out = new Float64Array(I * N);
  let r = 0;
  for (; r + 3 < M; r += 4) {
    const a = r * I;
    const g = r * N;
    for (let k = 0; k < I; k++) {
      const x0 = A[a + k];
      const x1 = A[a + I + k];
      const x2 = A[a + 2 * I + k];
      const x3 = A[a + 3 * I + k];
      const o = k * N;
      for (let n = 0; n < N; n++) out[o + n] += x0 * G[g + n] + x1 * G[g + N + n] + x2 * G[g + 2 * N + n] + x3 * G[g + 3 * N + n];
    }
  }
  for (; r < M; r++) {
    for (let k = 0; k < I; k++) {
      const x0 = A[r * I + k];
      for (let n = 0; n < N; n++) out[k * N + n] += x0 * G[r * N + n];
    }
  }
  return out;
}

/**
 * 2-D convolution (cross-correlation, no filter flip) as one matrix product:
 * out = im2col(x) [N·H'·W', KH·KW·C] · w [KH·KW·C, F] + b, read as [N, H', W', F].
 * Same signature, cache and numbers as `conv2dNaive`.
 */
export function conv2dIm2col(x: Tensor, w: Tensor, b: Tensor, opts: Conv2DOptions = {}): { out: Tensor; cache: ConvCache } {
  const s = checkConv("conv2dIm2col", x, w, b, opts);
  const { N, KH, KW, C, F, OH, OW } = s;
  const M = N * OH * OW;
  const K = KH * KW * C;
  const cols = im2colRaw(x.data, s);
  // w [KH, KW, C, F] row-major is already the matrix [K, F]; its transpose [F, K] puts each
  // filter in one contiguous run
  const wd = w.data;
  const wT = new Float64Array(F * K);
  for (let k = 0; k < K; k++) for (let f = 0; f < F; f++) wT[f * K + k] = wd[k * F + f];
  // out[r, f] = Σ_k cols[r, k] · w[k, f] + b[f]
  const out = gemmABt(cols, wT, M, K, F);
  const bd = b.data;
  for (let r = 0; r < M; r++) for (let f = 0; f < F; f++) out[r * F + f] += bd[f];
  return {
    out: new Tensor(out, [N, OH, OW, F]),
    cache: { impl: "im2col", x, w, b, stride: s.S, pad: s.P, rounding: s.R, outH: OH, outW: OW, cols: new Tensor(cols, [M, K]) },
  };
}

/**
 * Backward of conv2d with matrices, δ = dout read as [N·H'·W', F]:
 * dw = colsᵀ · δ, db = Σ_rows δ, dx = col2im(δ · wᵀ).
 */
export function conv2dBackwardIm2col(dout: Tensor, cache: ConvCache): ConvGrads {
  const s = checkBackward("conv2dBackwardIm2col", dout, cache);
  const { N, H, W, C, KH, KW, F, OH, OW } = s;
  const M = N * OH * OW;
  const K = KH * KW * C;
  const cols = cache.cols instanceof Tensor && cache.cols.size === M * K ? cache.cols.data : im2colRaw(cache.x.data, s);
  const g = dout.data;
  // term 1: db[f] = Σ_r δ[r, f]
  const db = new Float64Array(F);
  for (let r = 0; r < M; r++) for (let f = 0; f < F; f++) db[f] += g[r * F + f];
  // term 2: dw [K, F] = colsᵀ · δ (each weight collects input · δ over every window it touched)
  const dw = gemmAtB(cols, g, M, K, F);
  // term 3: dcols [M, K] = δ · wᵀ (w is [K, F]), then fold the windows back onto the input
  const dcols = gemmABt(g, cache.w.data, M, F, K);
  return {
    dx: new Tensor(col2imRaw(dcols, s), [N, H, W, C]),
    dw: new Tensor(dw, [KH, KW, C, F]),
    db: new Tensor(db, [F]),
  };
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

/** Backward for the implementation that made the cache: dout [N, H', W', F] → { dx, dw, db }. */
export function conv2dBackward(dout: Tensor, cache: ConvCache): ConvGrads {
  return cache?.impl === "naive" ? conv2dBackwardNaive(dout, cache) : conv2dBackwardIm2col(dout, cache);
}

// ------------------------------------------------------------------ trace

/** An output position to trace: example n (default 0), row i, column j, filter f (default: all filters). */
export interface ConvPosition {
  n?: number;
  i: number;
  j: number;
  f?: number;
}

/** Options of `conv2dTrace`. */
export interface ConvTraceOptions extends Conv2DOptions {
  /**
   * Which output values to explain. Default: all of them when the output holds at most 64
   * values (N·H'·W'·F ≤ 64), else the first output row (i = 0) of every filter of example 0
   * (the Conv2D layer's forward trace picks each filter's strongest response instead).
   */
  positions?: "all" | ConvPosition[];
  /** the layer name written in the trace; default "conv2d" */
  layer?: string;
}

/**
 * A step-by-step record of a convolution: for each requested output position, the window of
 * the padded input, the filter, their products, the sum, the bias and the output value.
 */
export function conv2dTrace(x: Tensor, w: Tensor, b: Tensor, opts: ConvTraceOptions = {}): ConvTrace {
  checkConv("conv2dTrace", x, w, b, opts);
  const { out } = conv2dNaive(x, w, b, opts);
  return buildConvTrace("conv2dTrace", x, w, b, opts.stride ?? 1, opts.pad ?? 0, opts.rounding ?? "exact", out, opts.positions, opts.layer ?? "conv2d");
}

/**
 * The output positions a trace explains, checked, in (n, i, j, f) order; `last` names the fourth
 * index ("f" for filters, "c" for the channels of max pooling). The default rule (positions
 * undefined): every position when the output holds at most 64 values; else, with `out` (the
 * output [N, H', W', F], as the Conv2D and MaxPool2D layers pass it), the strongest response of
 * each filter or channel of example 0 (its largest output value; ties → the first in row-major
 * order), and without `out` (`conv2dTrace`, `maxPoolTrace`) the first output row (i = 0) of every
 * filter or channel of example 0.
 */
export function tracePositions(
  fn: string,
  positions: unknown,
  dims: { N: number; OH: number; OW: number; F: number },
  last: "f" | "c",
  out?: Tensor,
): { n: number; i: number; j: number; f: number }[] {
  const { N, OH, OW, F } = dims;
  const all: { n: number; i: number; j: number; f: number }[] = [];
  if (positions === undefined && out !== undefined && N * OH * OW * F > 64) {
    // the strongest response of each filter in example 0: on a digit the first rows are blank paper
    for (let f = 0; f < F; f++) {
      let best = 0; // flat i·W' + j of the largest value so far (strict > keeps the first of ties)
      for (let p = 1; p < OH * OW; p++) if (out.data[p * F + f] > out.data[best * F + f]) best = p;
      all.push({ n: 0, i: Math.floor(best / OW), j: best % OW, f });
    }
    return all;
  }
  if (positions === undefined || positions === "all") {
    const everything = positions === "all" || N * OH * OW * F <= 64;
    const ns = everything ? N : 1; // else example 0 only …
    const rows = everything ? OH : 1; // … and its first output row
    for (let n = 0; n < ns; n++) for (let i = 0; i < rows; i++) for (let j = 0; j < OW; j++) for (let f = 0; f < F; f++) all.push({ n, i, j, f });
    return all;
  }
  if (!Array.isArray(positions)) throw new InputError(fn, "positions", `"all" or an array of { n?, i, j, ${last}? }`, describe(positions));
  positions.forEach((p: Record<string, unknown>, k) => {
    const where = `positions[${k}]`;
    if (typeof p !== "object" || p === null) throw new InputError(fn, where, `{ n?, i, j, ${last}? }`, describe(p));
    const n = p.n ?? 0;
    const f = p[last];
    const ok = (v: unknown, size: number) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < size;
    if (!ok(n, N)) throw new InputError(fn, `${where}.n`, `an integer in [0, ${N - 1}]`, describe(n));
    if (!ok(p.i, OH)) throw new InputError(fn, `${where}.i`, `an integer in [0, ${OH - 1}] (output rows)`, describe(p.i));
    if (!ok(p.j, OW)) throw new InputError(fn, `${where}.j`, `an integer in [0, ${OW - 1}] (output columns)`, describe(p.j));
    if (f !== undefined && !ok(f, F)) throw new InputError(fn, `${where}.${last}`, `an integer in [0, ${F - 1}]`, describe(f));
    const fs = f === undefined ? Array.from({ length: F }, (_, ff) => ff) : [f as number]; // no f: every filter
    for (const ff of fs) all.push({ n: n as number, i: p.i as number, j: p.j as number, f: ff });
  });
  return all;
}

/**
 * Reject a layer's `tracePositions` that is neither undefined, "all" nor an array; the positions
 * themselves are checked against the output size at each traced forward pass.
 */
export function checkTracePositions(fn: string, positions: unknown, last: "f" | "c"): void {
  if (positions !== undefined && positions !== "all" && !Array.isArray(positions)) {
    throw new InputError(fn, "tracePositions", `"all" or an array of { n?, i, j, ${last}? }`, describe(positions));
  }
}

/**
 * Build a ConvTrace from the output a forward pass computed (used by conv2dTrace and Conv2D);
 * `strongest`: the default positions are each filter's strongest response (see tracePositions).
 */
function buildConvTrace(
  fn: string,
  x: Tensor,
  w: Tensor,
  b: Tensor,
  S: number,
  P: number,
  rounding: Rounding,
  out: Tensor,
  positions: ConvTraceOptions["positions"],
  layer: string,
  strongest = false,
): ConvTrace {
  const [N, H, W, C] = x.shape;
  const [KH, KW, , F] = w.shape;
  const [, OH, OW] = out.shape;
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const xp = padRaw(x.data, N, H, W, C, P);
  const windows: ConvWindow[] = tracePositions(fn, positions, { N, OH, OW, F }, "f", strongest ? out : undefined).map(({ n, i, j, f }) => {
    const K = KH * KW * C;
    const win = new Float64Array(K);
    const fil = new Float64Array(K);
    const prod = new Float64Array(K);
    let sum = 0;
    let k = 0;
    for (let di = 0; di < KH; di++) {
      for (let dj = 0; dj < KW; dj++) {
        for (let c = 0; c < C; c++, k++) {
          win[k] = xp[((n * Hp + i * S + di) * Wp + j * S + dj) * C + c];
          fil[k] = w.data[((di * KW + dj) * C + c) * F + f];
          prod[k] = win[k] * fil[k];
          sum += prod[k];
        }
      }
    }
    return {
      n,
      i,
      j,
      f,
      row: i * S,
      col: j * S,
      window: new Tensor(win, [KH, KW, C]),
      filter: new Tensor(fil, [KH, KW, C]),
      products: new Tensor(prod, [KH, KW, C]),
      sum,
      bias: b.data[f],
      out: out.data[((n * OH + i) * OW + j) * F + f],
    };
  });
  return { kind: "conv2d", layer, x, w, b, stride: S, pad: P, rounding, out, windows };
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
    const { out, cache } = this.impl === "naive" ? conv2dNaive(x, w, b, o) : conv2dIm2col(x, w, b, o);
    this.cache = cache;
    if (!opts.trace) return { out };
    return { out, trace: buildConvTrace(`${this.name}.forward`, x, w, b, this.stride, this.pad, this.rounding, out, this.tracePositions, this.name, true) };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    const fn = `${this.name}.backward`;
    if (this.cache === null) throw new InputError(fn, "dout", "a forward pass before backward", "no forward pass yet");
    const { x, outH, outW } = this.cache;
    checkTensor(fn, "dout", dout, [x.shape[0], outH, outW, this.w.value.shape[3]]);
    const { dx, dw, db } = this.impl === "naive" ? conv2dBackwardNaive(dout, this.cache) : conv2dBackwardIm2col(dout, this.cache);
    this.w.grad.data.set(dw.data);
    this.b.grad.data.set(db.data);
    return {
      dx,
      factors: [
        { name: "∂C/∂w = Σ over windows of window · δ", value: dw },
        { name: "∂C/∂b = Σ over positions of δ", value: db },
        { name: "∂C/∂x = full convolution of δ with w (each window gets filter · δ)", value: dx },
      ],
    };
  }

  params(): Param[] {
    return [this.w, this.b];
  }
}
