/**
 * 2-D convolution as one matrix product (chapter 7): every window becomes a row of a matrix
 * (im2col), the filters a matrix, and src/linalg.ts multiplies them. Same signature, cache and
 * numbers as `conv2dNaive`. Notation: see src/layers/conv.ts.
 */
import { checkInt, describe, InputError } from "../errors";
import { gemm } from "../linalg";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import { checkBackward, checkConv, readOptions, type Conv2DOptions, type ConvCache, type ConvGrads, type ConvSizes } from "./conv-checks";
import { outputSize } from "./windows";

/**
 * A faster implementation of conv2dIm2col's two passes, with the same numbers (src/fast plugs the
 * WebAssembly one in around Network's training steps); null from either: use the loops here.
 */
export interface ConvKernels {
  /** out [N·H'·W'·F] = im2col(x) · w + b */
  forward(x: Float64Array, w: Float64Array, b: Float64Array, s: ConvSizes): Float64Array | null;
  /** dx = col2im(δ · wᵀ) and dW = im2col(x)ᵀ · δ (db stays here) */
  backward(x: Float64Array, w: Float64Array, dout: Float64Array, s: ConvSizes): { dx: Float64Array; dW: Float64Array } | null;
}

let convKernels: ConvKernels | null = null;

/** Plug in (or, with null, remove) the convolution kernels; returns the ones that were there. */
export function useConvKernels(kernels: ConvKernels | null): ConvKernels | null {
  if (kernels !== null && (typeof kernels !== "object" || typeof kernels.forward !== "function" || typeof kernels.backward !== "function")) {
    throw new InputError("useConvKernels", "kernels", "{ forward, backward } functions, or null", describe(kernels));
  }
  const before = convKernels;
  convKernels = kernels;
  return before;
}

/**
 * Unfold every window into a row: cols[r, k] with r = (n, i, j) and k = (di, dj, c), so that
 * cols [N·H'·W', KH·KW·C] · w reshaped [KH·KW·C, F] is the convolution. Padding is implicit:
 * positions outside the image stay 0.
 */
export function im2colRaw(x: Float64Array, s: ConvSizes): Float64Array {
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
  const fast = convKernels?.forward(x.data, w.data, b.data, s) ?? null;
  if (fast !== null) {
    // the window matrix stayed inside the kernel: the backward pass builds it again
    return { out: new Tensor(fast, [N, OH, OW, F]), cache: { impl: "im2col", x, w, b, stride: s.S, pad: s.P, rounding: s.R, outH: OH, outW: OW, cols: null } };
  }
  const cols = im2colRaw(x.data, s);
  // w [KH, KW, C, F] row-major is already the matrix [K, F]; its transpose [F, K] puts each
  // filter in one contiguous run
  const wd = w.data;
  const wT = new Float64Array(F * K);
  for (let k = 0; k < K; k++) for (let f = 0; f < F; f++) wT[f * K + k] = wd[k * F + f];
  // out[r, f] = Σ_k cols[r, k] · w[k, f] + b[f]
  const out = gemm(cols, wT, M, K, F, { transB: true });
  const bd = b.data;
  for (let r = 0; r < M; r++) for (let f = 0; f < F; f++) out[r * F + f] += bd[f];
  return {
    out: new Tensor(out, [N, OH, OW, F]),
    cache: { impl: "im2col", x, w, b, stride: s.S, pad: s.P, rounding: s.R, outH: OH, outW: OW, cols: new Tensor(cols, [M, K]) },
  };
}

/**
 * Backward of conv2d with matrices, δ = dout read as [N·H'·W', F]:
 * dW = colsᵀ · δ, db = Σ_rows δ, dx = col2im(δ · wᵀ).
 */
export function conv2dBackwardIm2col(dout: Tensor, cache: ConvCache): ConvGrads {
  const s = checkBackward("conv2dBackwardIm2col", dout, cache);
  const { N, H, W, C, KH, KW, F, OH, OW } = s;
  const M = N * OH * OW;
  const K = KH * KW * C;
  const g = dout.data;
  // term 1: db[f] = Σ_r δ[r, f]
  const db = new Float64Array(F);
  for (let r = 0; r < M; r++) for (let f = 0; f < F; f++) db[f] += g[r * F + f];
  const fast = convKernels?.backward(cache.x.data, cache.w.data, g, s) ?? null;
  if (fast !== null) return { dx: new Tensor(fast.dx, [N, H, W, C]), dW: new Tensor(fast.dW, [KH, KW, C, F]), db: new Tensor(db, [F]) };
  const cols = cache.cols instanceof Tensor && cache.cols.size === M * K ? cache.cols.data : im2colRaw(cache.x.data, s);
  // term 2: dW [K, F] = colsᵀ · δ (each weight collects input · δ over every window it touched,
  // window after window: the order of the naive loops, so the very same numbers)
  const dW = gemm(cols, g, K, M, F, { transA: true });
  // term 3: dcols [M, K] = δ · wᵀ (w is [K, F]), then fold the windows back onto the input
  const dcols = gemm(g, cache.w.data, M, F, K, { transB: true });
  return {
    dx: new Tensor(col2imRaw(dcols, s), [N, H, W, C]),
    dW: new Tensor(dW, [KH, KW, C, F]),
    db: new Tensor(db, [F]),
  };
}

