/**
 * Max pooling, forward and backward side by side (chapter 8).
 *
 * Notation:
 *   x    [N, H, W, C]      N images, H rows, W columns, C channels (NHWC)
 *   out  [N, H', W', C]    H' = ⌊(H − size)/stride⌋ + 1,  W' = ⌊(W − size)/stride⌋ + 1
 *
 * Each channel is pooled on its own: out[n, i, j, c] = max of the size × size window of
 * x[n, ·, ·, c] whose top-left corner is (i·stride, j·stride). Forward records each window's
 * winner, so that backward is a scatter: the gradient of a max flows to the winner only.
 *
 * Ties: the FIRST maximum in row-major window order wins (scan the window row by row, keep a
 * value only if it is strictly larger). TensorFlow.js's cpu backend picks the same winner for
 * its maxPool gradient; its wasm backend picks the last maximum instead.
 *
 * Windows that do not fit: like TensorFlow.js and Keras with padding "valid", the last rows
 * or columns that cannot fill a whole window are left out (the floor in H'), so the lecture's
 * 11×11 maps pool to 5×5.
 */
import { optionsOf } from "../checks";
import { checkInt, describe, fmtShape, InputError } from "../errors";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import type { ChainFactor, PoolTrace, PoolWindow } from "../trace";
import { checkTracePositions, poolWindowCount, tracePositions } from "./windows";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

/** Options of max pooling; defaults in brackets. */
export interface MaxPoolOptions {
  /** side of the square window [2] */
  size?: number;
  /** step between windows [size: windows side by side, no overlap] */
  stride?: number;
}

/** What backward needs, as plain data. */
export interface MaxPoolCache {
  xShape: number[];
  size: number;
  stride: number;
  outH: number;
  outW: number;
  /** for each value of out (row-major), the flat index into x of its window's winner */
  argmax: Int32Array;
}

/**
 * Output size of max pooling along one axis, H' = ⌊(H − size)/stride⌋ + 1 (rows that cannot
 * fill a window are left out); throws when the window is bigger than the input.
 */
export function poolOutputSize(H: number, size: number, stride: number = size): number {
  const fn = "poolOutputSize";
  checkInt(fn, "H", H);
  checkInt(fn, "size", size);
  checkInt(fn, "stride", stride);
  return poolWindowCount(fn, H, size, stride, "H");
}

interface PoolSizes {
  N: number;
  H: number;
  W: number;
  C: number;
  size: number;
  stride: number;
  OH: number;
  OW: number;
}

function checkPool(fn: string, x: unknown, opts: unknown): PoolSizes {
  checkTensor(fn, "x", x, ["N", "H", "W", "C"]);
  checkTensorFinite(fn, "x", x);
  if (opts === undefined) opts = {};
  if (typeof opts !== "object" || opts === null) throw new InputError(fn, "opts", "an object { size?, stride? }", describe(opts));
  const { size = 2, stride = size } = opts as MaxPoolOptions;
  checkInt(fn, "size", size);
  checkInt(fn, "stride", stride);
  const [N, H, W, C] = x.shape;
  return { N, H, W, C, size, stride, OH: poolWindowCount(fn, H, size, stride, "H"), OW: poolWindowCount(fn, W, size, stride, "W") };
}

/** Max pooling: x [N, H, W, C] → out [N, H', W', C], H' = ⌊(H − size)/stride⌋ + 1; the cache records the winners. */
export function maxPoolForward(x: Tensor, opts: MaxPoolOptions = {}): { out: Tensor; cache: MaxPoolCache } {
  const { N, H, W, C, size, stride, OH, OW } = checkPool("maxPoolForward", x, opts);
  const xd = x.data;
  const out = new Float64Array(N * OH * OW * C);
  const argmax = new Int32Array(N * OH * OW * C);
  let o = 0; // flat index of out[n, i, j, c]
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++) {
        for (let c = 0; c < C; c++, o++) {
          // scan the window row by row; ">" keeps the first maximum
          let best = -Infinity;
          let win = -1;
          for (let di = 0; di < size; di++) {
            for (let dj = 0; dj < size; dj++) {
              const k = ((n * H + i * stride + di) * W + j * stride + dj) * C + c; // x[n, i·s+di, j·s+dj, c]
              if (xd[k] > best) {
                best = xd[k];
                win = k;
              }
            }
          }
          out[o] = best;
          argmax[o] = win;
        }
      }
    }
  }
  return { out: new Tensor(out, [N, OH, OW, C]), cache: { xShape: [N, H, W, C], size, stride, outH: OH, outW: OW, argmax } };
}

/**
 * Backward of max pooling: dout [N, H', W', C] → dx [N, H, W, C]. ∂max/∂x is 1 for the winner and
 * 0 for the rest, so each upstream gradient goes to its window's winner (added up when
 * overlapping windows share a winner).
 */
export function maxPoolBackward(dout: Tensor, cache: MaxPoolCache): { dx: Tensor } {
  const fn = "maxPoolBackward";
  const c = cache as Partial<MaxPoolCache> | null;
  if (typeof c !== "object" || c === null || !(c.argmax instanceof Int32Array) || !Array.isArray(c.xShape) || c.xShape.length !== 4) {
    throw new InputError(fn, "cache", "the cache returned by maxPoolForward", describe(cache));
  }
  const [N, , , C] = c.xShape;
  checkTensor(fn, "dout", dout, [N, c.outH as number, c.outW as number, C]);
  checkTensorFinite(fn, "dout", dout);
  const dx = Tensor.zeros(c.xShape);
  const g = dout.data;
  const win = c.argmax;
  for (let o = 0; o < win.length; o++) dx.data[win[o]] += g[o]; // route δ to the winner
  return { dx };
}

// ------------------------------------------------------------------ trace

/** An output position to trace: example n (default 0), row i, column j, channel c (default: all channels). */
export interface PoolPosition {
  n?: number;
  i: number;
  j: number;
  c?: number;
}

/** Options of `maxPoolTrace`. */
export interface MaxPoolTraceOptions extends MaxPoolOptions {
  /**
   * Which windows to record. Default: all of them when the output holds at most 64 values,
   * else the first output row (i = 0) of every channel of example 0.
   * (the MaxPool2D layer's forward trace picks each channel's largest output instead).
   */
  positions?: "all" | PoolPosition[];
  /** the layer name written in the trace; default "maxpool" */
  layer?: string;
}

/** A step-by-step record of max pooling: each window's values, its winner and the value kept. */
export function maxPoolTrace(x: Tensor, opts: MaxPoolTraceOptions = {}): PoolTrace {
  const { out, cache } = maxPoolForward(x, opts);
  return buildPoolTrace("maxPoolTrace", x, out, cache, opts?.positions, opts?.layer ?? "maxpool");
}

/**
 * Build a PoolTrace from what a forward pass computed (the winners come from its cache);
 * `strongest`: the default positions are each channel's largest output (see tracePositions).
 */
function buildPoolTrace(
  fn: string,
  x: Tensor,
  out: Tensor,
  cache: MaxPoolCache,
  positions: MaxPoolTraceOptions["positions"],
  layer: string,
  strongest = false,
): PoolTrace {
  const [N, H, W, C] = x.shape;
  const { size, stride, outH: OH, outW: OW, argmax } = cache;
  const windows: PoolWindow[] = tracePositions(fn, positions, { N, OH, OW, F: C }, "c", strongest ? out : undefined).map(({ n, i, j, f: c }) => {
    const row = i * stride;
    const col = j * stride;
    const vals = new Float64Array(size * size);
    for (let di = 0; di < size; di++) {
      for (let dj = 0; dj < size; dj++) vals[di * size + dj] = x.data[((n * H + row + di) * W + col + dj) * C + c];
    }
    const o = ((n * OH + i) * OW + j) * C + c;
    const pixel = Math.floor(argmax[o] / C); // flat (n, h, w) of the winner
    return {
      n,
      i,
      j,
      c,
      row,
      col,
      window: new Tensor(vals, [size, size]),
      winRow: (Math.floor(pixel / W) % H) - row,
      winCol: (pixel % W) - col,
      value: out.data[o],
    };
  });
  return { kind: "maxpool", layer, x, size, stride, out, windows };
}

// ------------------------------------------------------------------ layer

/** Options of the MaxPool2D layer; defaults in brackets. */
export interface MaxPool2DLayerOptions extends MaxPoolOptions {
  /** ["max_pooling2d_1", "max_pooling2d_2", … in order of creation, as in Keras] */
  name?: string;
  /**
   * The windows a forward trace records, as `maxPoolTrace`'s `positions`. Default: every window
   * when the output holds at most 64 values, else for each channel the window with the largest
   * output in example 0 (ties → the first in row-major order).
   */
  tracePositions?: MaxPoolTraceOptions["positions"];
}

/** A max-pooling layer: no parameters; keeps the winners of its last forward for backward. */
export class MaxPool2D implements Layer {
  readonly type = "MaxPool2D";
  readonly name: string;
  readonly size: number;
  readonly stride: number;
  /** the windows a forward trace records; undefined: the default of `MaxPool2DLayerOptions.tracePositions` */
  readonly tracePositions: MaxPoolTraceOptions["positions"];
  private cache: MaxPoolCache | null = null;

  constructor(opts: MaxPool2DLayerOptions = {}) {
    const fn = "MaxPool2D";
    if (typeof opts !== "object" || opts === null) throw new InputError(fn, "opts", "{ size?, stride?, name?, tracePositions? }", describe(opts));
    const { size = 2, stride = size, name, tracePositions } = opts;
    checkInt(fn, "size", size);
    checkInt(fn, "stride", stride);
    checkTracePositions(fn, tracePositions, "c");
    this.name = layerName(fn, "max_pooling2d", name);
    this.size = size;
    this.stride = stride;
    this.tracePositions = tracePositions;
  }

  /** [N, H, W, C] → [N, H', W', C]. */
  outputShape(inShape: readonly number[]): number[] {
    const fn = `${this.name}.outputShape`;
    if (!Array.isArray(inShape) || inShape.length !== 4 || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InputError(fn, "inShape", "[N, H, W, C]", Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    const [N, H, W, C] = inShape;
    return [N, poolWindowCount(fn, H, this.size, this.stride, "H"), poolWindowCount(fn, W, this.size, this.stride, "W"), C];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: PoolTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    checkTensor(`${this.name}.forward`, "x", x, ["N", "H", "W", "C"]);
    const { out, cache } = maxPoolForward(x, { size: this.size, stride: this.stride });
    this.cache = cache;
    if (!opts.trace) return { out };
    return { out, trace: buildPoolTrace(`${this.name}.forward`, x, out, cache, this.tracePositions, this.name, true) };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    const fn = `${this.name}.backward`;
    const cache = this.cache;
    if (cache === null) throw new InputError(fn, "dout", "a forward pass before backward", "no forward pass yet");
    checkTensor(fn, "dout", dout, [cache.xShape[0], cache.outH, cache.outW, cache.xShape[3]]);
    const { dx } = maxPoolBackward(dout, cache);
    // ∂out/∂x: 1 at each winner (more where overlapping windows share it), 0 elsewhere
    const winners = Tensor.zeros(cache.xShape);
    for (let o = 0; o < cache.argmax.length; o++) winners.data[cache.argmax[o]] += 1;
    return {
      dx,
      factors: [
        { name: "∂out/∂x: 1 at each window's winner, 0 elsewhere", value: winners },
        { name: "∂C/∂x = δ routed to each window's winner", value: dx },
      ],
    };
  }

  params(): Param[] {
    return [];
  }
}
