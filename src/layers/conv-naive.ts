/**
 * 2-D convolution with the plain loops, the one a student writes (chapter 7). Notation: see
 * src/layers/conv.ts. `conv2dIm2col` (im2col.ts) keeps this signature and gives the same numbers.
 */
import { Tensor } from "../tensor";
import { checkBackward, checkConv, cropRaw, padRaw, type Conv2DOptions, type ConvCache, type ConvGrads } from "./conv-checks";

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
 * dW[di, dj, c, f] += window · g, dx(window) += w[·, ·, ·, f] · g, db[f] += g.
 */
export function conv2dBackwardNaive(dout: Tensor, cache: ConvCache): ConvGrads {
  const { N, H, W, C, KH, KW, F, S, P, OH, OW } = checkBackward("conv2dBackwardNaive", dout, cache);
  const Hp = H + 2 * P;
  const Wp = W + 2 * P;
  const xp = padRaw(cache.x.data, N, H, W, C, P);
  const wd = cache.w.data;
  const g = dout.data;
  const dxp = new Float64Array(N * Hp * Wp * C);
  const dW = new Float64Array(KH * KW * C * F);
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
                dW[wi] += xp[xi] * d; // ∂out/∂w = the input under the weight
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
    dW: new Tensor(dW, [KH, KW, C, F]),
    db: new Tensor(db, [F]),
  };
}

