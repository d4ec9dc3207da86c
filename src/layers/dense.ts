/**
 * Dense (fully connected) layer, chapters 3 and 5.
 *
 * Notation: a batch x [N, D] (one example per row), weights W [D, M] (column j holds the
 * D incoming weights of unit j), biases b [M]; out z [N, M].
 *
 *   forward   z = x·W + b
 *   backward  given δ = ∂C/∂z [N, M]:
 *             ∂C/∂x = δ·Wᵀ   [N, D]   (sent to the layer below)
 *             ∂C/∂W = xᵀ·δ   [D, M]   (the input of a weight times the δ of its unit)
 *             ∂C/∂b = Σ_n δ  [M]      (summed over the batch)
 *
 * The lecture (and Nielsen) write one example as a column, z = W x + b with W [M, D]; the
 * batched row form here is the same computation transposed, as in TensorFlow.js and Keras.
 */
import { checkFits, optionsOf } from "../checks";
import { gemm } from "../linalg";
import { checkFinite, checkInt, describe, fmtShape, InputError } from "../errors";
import { Random, rng } from "../random";
import { checkTensor, Tensor } from "../tensor";
import type { ChainFactor, DenseTrace } from "../trace";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

/** What denseBackward needs: the forward's inputs. */
export interface DenseCache {
  x: Tensor;
  W: Tensor;
  b: Tensor;
}

function checkDenseArgs(fn: string, x: unknown, W: unknown, b: unknown): void {
  checkTensor(fn, "x", x, ["N", "D"]);
  checkTensor(fn, "W", W, ["D", "M"]);
  checkTensor(fn, "b", b, ["M"]);
  if (W.shape[0] !== x.shape[1]) {
    throw new InputError(fn, "W", `shape [${x.shape[1]}, M] (rows = columns of x ${fmtShape(x.shape)})`, fmtShape(W.shape));
  }
  if (b.shape[0] !== W.shape[1]) {
    throw new InputError(fn, "b", `shape [${W.shape[1]}] (one bias per column of W ${fmtShape(W.shape)})`, fmtShape(b.shape));
  }
  checkFinite(fn, "x", x.data);
  checkFinite(fn, "W", W.data);
  checkFinite(fn, "b", b.data);
}

/** z = x·W + b for x [N, D], W [D, M], b [M] → { out: z [N, M], cache }. */
export function denseForward(x: Tensor, W: Tensor, b: Tensor): { out: Tensor; cache: DenseCache } {
  checkDenseArgs("denseForward", x, W, b);
  const [n, d] = x.shape;
  const m = W.shape[1];
  // start each row at b, then z[i,:] += x[i,k] · W[k,:] for k = 0, 1, … (src/linalg.ts)
  const start = new Float64Array(n * m);
  for (let i = 0; i < n; i++) start.set(b.data, i * m);
  const z = gemm(x.data, W.data, n, d, m, { into: start });
  return { out: new Tensor(z, [n, m]), cache: { x, W, b } };
}

/** Backward of denseForward: dout = ∂C/∂z [N, M] → { dx [N, D], dW [D, M], db [M] }. */
export function denseBackward(dout: Tensor, cache: DenseCache): { dx: Tensor; dW: Tensor; db: Tensor } {
  const fn = "denseBackward";
  if (cache == null || !(cache.x instanceof Tensor) || !(cache.W instanceof Tensor)) {
    throw new InputError(fn, "cache", "the cache returned by denseForward", describe(cache));
  }
  const { x, W } = cache;
  const [n, d] = x.shape;
  const m = W.shape[1];
  checkTensor(fn, "dout", dout, [n, m]);
  checkFinite(fn, "dout", dout.data);
  const D = dout.data;
  // dx = δ·Wᵀ: dx[i,k] = Σ_j δ[i,j] W[k,j]
  const dx = gemm(D, W.data, n, m, d, { transB: true });
  // dW = xᵀ·δ: dW[k,:] += x[i,k] · δ[i,:], one example at a time
  const dW = gemm(x.data, D, d, n, m, { transA: true });
  // db = Σ_i δ[i,:]
  const db = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) db[j] += D[i * m + j];
  return { dx: new Tensor(dx, [n, d]), dW: new Tensor(dW, [d, m]), db: new Tensor(db, [m]) };
}

/**
 * How Dense draws its initial weights (biases start at 0):
 * - "xavier": Glorot uniform, U(−l, l) with l = √(6 / (D + M)); Keras's default for Dense, and the
 *   classic choice for sigmoid and tanh networks. **The default.**
 * - "he": He normal, N(0, 2 / D); keeps the variance of ReLU activations steady through depth.
 * - "normal": N(0, std²) with `std` (default 0.01), CS231n's small random numbers.
 * - "zeros": all weights 0 (every unit then learns the same thing: a lesson in symmetry).
 */
export type DenseInit = "xavier" | "he" | "normal" | "zeros";

export interface DenseOptions {
  /** seed (or shared generator) for the initial weights; default 0 */
  seed?: number | Random;
  /** weight initialization; default "xavier" */
  init?: DenseInit;
  /** standard deviation for init "normal"; default 0.01 */
  std?: number;
  /** layer name; default "dense_1", "dense_2", … */
  name?: string;
}

/** Initial weights W [inDim, outDim] drawn as `init` says (see DenseInit). */
export function initWeights(inDim: number, outDim: number, init: DenseInit = "xavier", seed: number | Random = 0, std = 0.01): Tensor {
  const fn = "initWeights";
  checkInt(fn, "inDim", inDim);
  checkInt(fn, "outDim", outDim);
  checkFits(fn, "outDim", [inDim, outDim], "inDim × outDim");
  if (!(typeof seed === "number" && Number.isInteger(seed)) && !(seed instanceof Random)) {
    throw new InputError(fn, "seed", "an integer or a Random", describe(seed));
  }
  const r = rng(seed);
  const w = new Float64Array(inDim * outDim);
  switch (init) {
    case "xavier": {
      const limit = Math.sqrt(6 / (inDim + outDim));
      for (let i = 0; i < w.length; i++) w[i] = (2 * r.next() - 1) * limit;
      break;
    }
    case "he": {
      const s = Math.sqrt(2 / inDim);
      for (let i = 0; i < w.length; i++) w[i] = r.normal(0, s);
      break;
    }
    case "normal": {
      if (typeof std !== "number" || !Number.isFinite(std) || std <= 0) throw new InputError(fn, "std", "a number > 0", describe(std));
      for (let i = 0; i < w.length; i++) w[i] = r.normal(0, std);
      break;
    }
    case "zeros":
      break;
    default:
      throw new InputError(fn, "init", `"xavier", "he", "normal" or "zeros"`, describe(init));
  }
  return new Tensor(w, [inDim, outDim]);
}

/** A fully connected layer z = x·W + b with trainable W [inDim, outDim] and b [outDim]. */
export class Dense implements Layer {
  readonly type = "Dense";
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  /** W [inDim, outDim]; decays under L1/L2 regularization */
  readonly W: Param;
  /** b [outDim]; never decays */
  readonly b: Param;
  private cache: DenseCache | null = null;

  /** `new Dense(784, 30, { seed: 1 })`: weights drawn by `init` (default "xavier"), biases 0. */
  constructor(inDim: number, outDim: number, opts: DenseOptions = {}) {
    checkInt("Dense", "inDim", inDim);
    checkInt("Dense", "outDim", outDim);
    checkFits("Dense", "outDim", [inDim, outDim], "inDim × outDim");
    if (opts === null || typeof opts !== "object") throw new InputError("Dense", "opts", "an options object", describe(opts));
    this.inDim = inDim;
    this.outDim = outDim;
    this.name = layerName("Dense", "dense", opts.name);
    const W = initWeights(inDim, outDim, opts.init ?? "xavier", opts.seed ?? 0, opts.std ?? 0.01);
    this.W = { name: "W", value: W, grad: Tensor.zeros([inDim, outDim]), decay: true };
    this.b = { name: "b", value: Tensor.zeros([outDim]), grad: Tensor.zeros([outDim]), decay: false };
  }

  /**
   * A Dense layer with the given weights (copied): W [D, M], column j = the incoming weights of
   * unit j, b [M]. The lecture lists each unit's weights as a row: pass `Tensor.from(rows).T`.
   */
  static fromWeights(W: Tensor, b: Tensor, name?: string): Dense {
    const fn = "Dense.fromWeights";
    checkTensor(fn, "W", W, ["D", "M"]);
    checkTensor(fn, "b", b, [W.shape[1]]);
    checkFinite(fn, "W", W.data);
    checkFinite(fn, "b", b.data);
    const layer = new Dense(W.shape[0], W.shape[1], { init: "zeros", name });
    layer.W.value.data.set(W.data);
    layer.b.value.data.set(b.data);
    return layer;
  }

  outputShape(inShape: readonly number[]): number[] {
    if (!Array.isArray(inShape) || inShape.length !== 2 || inShape[1] !== this.inDim) {
      throw new InputError(`${this.name}.outputShape`, "inShape", `[N, ${this.inDim}]`, Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    return [inShape[0], this.outDim];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: DenseTrace } {
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    checkTensor(`${this.name}.forward`, "x", x, ["N", this.inDim]);
    const { out, cache } = denseForward(x, this.W.value, this.b.value);
    this.cache = cache;
    if (!opts.trace) return { out };
    // copies of W and b: an optimizer step later must not change what the trace shows
    return { out, trace: { kind: "dense", layer: this.name, x, W: this.W.value.clone(), b: this.b.value.clone(), z: out } };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    if (this.cache === null) throw new InputError(`${this.name}.backward`, "dout", "a forward pass first", "no forward yet");
    const { dx, dW, db } = denseBackward(dout, this.cache);
    this.W.grad.data.set(dW.data);
    this.b.grad.data.set(db.data);
    return {
      dx,
      factors: [
        { name: "δ·Wᵀ = ∂C/∂a_in (to the layer below)", value: dx },
        { name: "a_inᵀ·δ = ∂C/∂W", value: dW },
        { name: "Σδ = ∂C/∂b", value: db },
      ],
    };
  }

  params(): Param[] {
    return [this.W, this.b];
  }
}
