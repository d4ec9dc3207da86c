/**
 * The step-by-step record of a convolution (chapter 7): for each recorded output position, its
 * window of the padded input, the filter, the products, the sum, the bias and the output.
 * Which positions: windows.ts (`tracePositions`, the strongest response by default in a network).
 */
import { Tensor } from "../tensor";
import type { ConvTrace, ConvWindow } from "../trace";
import { checkConv, padRaw, type Conv2DOptions } from "./conv-checks";
import { conv2dNaive } from "./conv-naive";
import { tracePositions, type Rounding } from "./windows";

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
 * Build a ConvTrace from the output a forward pass computed (used by conv2dTrace and Conv2D);
 * `strongest`: the default positions are each filter's strongest response (see tracePositions).
 */
export function buildConvTrace(
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

