/**
 * Activation functions, chapters 2 and 5: sigmoid, tanh, ReLU (elementwise) and softmax
 * (along the last axis), with their derivatives.
 *
 *   sigmoid  a = σ(z) = 1 / (1 + e^(−z))        σ'(z) = a (1 − a)
 *   tanh     a = tanh(z)                        tanh'(z) = 1 − a²
 *   relu     a = max(0, z)                      relu'(z) = 1 if z > 0, else 0 (0 at z = 0, as in
 *                                               TensorFlow and PyTorch: any value in [0, 1] is a valid
 *                                               subgradient there, 0 keeps dead units dead)
 *   softmax  a_k = e^(z_k − m) / Σ_j e^(z_j − m), m = max_j z_j (subtracting m changes nothing but
 *            keeps e^… from overflowing); backward ∂C/∂z = a ⊙ (δ − Σ_k δ_k a_k) per row
 *
 * Backward of an elementwise activation is the chain rule with σ'(z) as the amplifier:
 * ∂C/∂z = δ ⊙ σ'(z), where δ = ∂C/∂a comes from the layer above.
 */
import { optionsOf } from "../checks";
import { checkFinite, describe, fmtShape, InputError } from "../errors";
import { checkTensor, Tensor } from "../tensor";
import type { ActivationTrace, ChainFactor } from "../trace";
import type { ForwardOptions, Layer, Param } from "./layer";
import { layerName } from "./names";

export type ActivationFn = "sigmoid" | "tanh" | "relu" | "softmax";

/** What the backward of an activation needs: its input z and output a (same shape). */
export interface ActivationCache {
  fn: ActivationFn;
  z: Tensor;
  a: Tensor;
}

// ------------------------------------------------------------------ kernels (no closures)

function sigmoidInto(z: Float64Array, a: Float64Array): void {
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    // both branches equal 1/(1+e^−v); each only exponentiates a non-positive number
    if (v >= 0) a[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      a[i] = e / (1 + e);
    }
  }
}

function tanhInto(z: Float64Array, a: Float64Array): void {
  for (let i = 0; i < z.length; i++) a[i] = Math.tanh(z[i]);
}

function reluInto(z: Float64Array, a: Float64Array): void {
  for (let i = 0; i < z.length; i++) a[i] = z[i] > 0 ? z[i] : 0;
}

/** Softmax of each row of length k, stable: exponentiate z − (row max). */
function softmaxInto(z: Float64Array, a: Float64Array, k: number): void {
  for (let r = 0; r < z.length; r += k) {
    let m = -Infinity;
    for (let j = r; j < r + k; j++) if (z[j] > m) m = z[j];
    let s = 0;
    for (let j = r; j < r + k; j++) {
      a[j] = Math.exp(z[j] - m);
      s += a[j];
    }
    for (let j = r; j < r + k; j++) a[j] /= s;
  }
}

/** σ'(z) of an elementwise activation, from the cached z and a. */
function primeOf(fn: "sigmoid" | "tanh" | "relu", z: Float64Array, a: Float64Array): Float64Array {
  const d = new Float64Array(z.length);
  if (fn === "sigmoid") for (let i = 0; i < d.length; i++) d[i] = a[i] * (1 - a[i]);
  else if (fn === "tanh") for (let i = 0; i < d.length; i++) d[i] = 1 - a[i] * a[i];
  else for (let i = 0; i < d.length; i++) d[i] = z[i] > 0 ? 1 : 0;
  return d;
}

function apply(fn: ActivationFn, z: Tensor): Tensor {
  const a = new Float64Array(z.size);
  if (fn === "sigmoid") sigmoidInto(z.data, a);
  else if (fn === "tanh") tanhInto(z.data, a);
  else if (fn === "relu") reluInto(z.data, a);
  else softmaxInto(z.data, a, z.shape[z.rank - 1]);
  return new Tensor(a, z.shape);
}

function checkInput(fn: string, z: unknown, arg = "z"): asserts z is Tensor {
  checkTensor(fn, arg, z);
  checkFinite(fn, arg, z.data);
}

/** A function of a number, or of every value of a Tensor (for plots and tables). */
export interface ElementwiseFn {
  (x: number): number;
  (x: Tensor): Tensor;
}

/** Wrap a Tensor kernel so that it also takes a single number; both reject non-finite input. */
function elementwise(fn: string, f: (t: Tensor) => Tensor): ElementwiseFn {
  function g(x: number): number;
  function g(x: Tensor): Tensor;
  function g(x: number | Tensor): number | Tensor {
    if (typeof x === "number") {
      if (!Number.isFinite(x)) throw new InputError(fn, "x", "a finite number or a Tensor", describe(x));
      return f(Tensor.full([1], x)).data[0];
    }
    checkInput(fn, x, "x");
    return f(x);
  }
  return g;
}

function primeTensor(fn: "sigmoid" | "tanh" | "relu", t: Tensor): Tensor {
  return new Tensor(primeOf(fn, t.data, apply(fn, t).data), t.shape);
}

// ------------------------------------------------------------------ plain functions and derivatives

/** σ(x) = 1 / (1 + e^(−x)), of a number or elementwise of a Tensor. */
export const sigmoid = elementwise("sigmoid", (t) => apply("sigmoid", t));
/** σ'(x) = σ(x)(1 − σ(x)). */
export const sigmoidPrime = elementwise("sigmoidPrime", (t) => primeTensor("sigmoid", t));
/** tanh(x), of a number or elementwise of a Tensor. */
export const tanh = elementwise("tanh", (t) => apply("tanh", t));
/** tanh'(x) = 1 − tanh²(x). */
export const tanhPrime = elementwise("tanhPrime", (t) => primeTensor("tanh", t));
/** max(0, x), of a number or elementwise of a Tensor. */
export const relu = elementwise("relu", (t) => apply("relu", t));
/** relu'(x) = 1 for x > 0, else 0 (we take 0 at x = 0). */
export const reluPrime = elementwise("reluPrime", (t) => primeTensor("relu", t));

/** Softmax along the last axis of z [..., K]: every row becomes probabilities summing to 1. */
export function softmax(z: Tensor): Tensor {
  checkInput("softmax", z);
  return apply("softmax", z);
}

// ------------------------------------------------------------------ forward / backward pairs

function activationForward(name: string, fn: ActivationFn, z: Tensor): { out: Tensor; cache: ActivationCache } {
  checkInput(name, z);
  const a = apply(fn, z);
  return { out: a, cache: { fn, z, a } };
}

function checkBackward(name: string, fn: ActivationFn, dout: unknown, cache: ActivationCache): asserts dout is Tensor {
  if (cache == null || cache.fn !== fn || !(cache.a instanceof Tensor) || !(cache.z instanceof Tensor)) {
    throw new InputError(name, "cache", `the cache returned by ${fn}Forward`, describe(cache));
  }
  checkTensor(name, "dout", dout, cache.a.shape);
  checkFinite(name, "dout", dout.data);
}

/** δ ⊙ σ'(z) for an elementwise activation; returns the derivative too (for the trace). */
function elementwiseBackward(name: string, fn: "sigmoid" | "tanh" | "relu", dout: Tensor, cache: ActivationCache): { dx: Tensor; prime: Tensor } {
  checkBackward(name, fn, dout, cache);
  const d = primeOf(fn, cache.z.data, cache.a.data);
  const g = dout.data;
  const dx = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) dx[i] = g[i] * d[i];
  return { dx: new Tensor(dx, dout.shape), prime: new Tensor(d, dout.shape) };
}

/** a = σ(z), elementwise, any shape → { out: a, cache }. */
export function sigmoidForward(z: Tensor): { out: Tensor; cache: ActivationCache } {
  return activationForward("sigmoidForward", "sigmoid", z);
}
/** ∂C/∂z = δ ⊙ σ(z)(1 − σ(z)), dout = δ = ∂C/∂a (shape of z). */
export function sigmoidBackward(dout: Tensor, cache: ActivationCache): { dx: Tensor } {
  return { dx: elementwiseBackward("sigmoidBackward", "sigmoid", dout, cache).dx };
}

/** a = tanh(z), elementwise, any shape → { out: a, cache }. */
export function tanhForward(z: Tensor): { out: Tensor; cache: ActivationCache } {
  return activationForward("tanhForward", "tanh", z);
}
/** ∂C/∂z = δ ⊙ (1 − tanh²(z)). */
export function tanhBackward(dout: Tensor, cache: ActivationCache): { dx: Tensor } {
  return { dx: elementwiseBackward("tanhBackward", "tanh", dout, cache).dx };
}

/** a = max(0, z), elementwise, any shape → { out: a, cache }. */
export function reluForward(z: Tensor): { out: Tensor; cache: ActivationCache } {
  return activationForward("reluForward", "relu", z);
}
/** ∂C/∂z = δ where z > 0, else 0 (also at z = 0). */
export function reluBackward(dout: Tensor, cache: ActivationCache): { dx: Tensor } {
  return { dx: elementwiseBackward("reluBackward", "relu", dout, cache).dx };
}

/** a = softmax(z) along the last axis of z [..., K] → { out: a, cache }. */
export function softmaxForward(z: Tensor): { out: Tensor; cache: ActivationCache } {
  return activationForward("softmaxForward", "softmax", z);
}
/** ∂C/∂z = a ⊙ (δ − Σ_k δ_k a_k), row by row: the softmax Jacobian (diag(a) − a aᵀ) times δ. */
export function softmaxBackward(dout: Tensor, cache: ActivationCache): { dx: Tensor } {
  checkBackward("softmaxBackward", "softmax", dout, cache);
  const a = cache.a.data;
  const D = dout.data;
  const k = cache.a.shape[cache.a.rank - 1];
  const dx = new Float64Array(a.length);
  for (let r = 0; r < a.length; r += k) {
    let s = 0; // ⟨δ, a⟩ of this row
    for (let j = r; j < r + k; j++) s += D[j] * a[j];
    for (let j = r; j < r + k; j++) dx[j] = a[j] * (D[j] - s);
  }
  return { dx: new Tensor(dx, dout.shape) };
}

// ------------------------------------------------------------------ layers

const SYMBOL: Record<ActivationFn, string> = { sigmoid: "σ", tanh: "tanh", relu: "relu", softmax: "softmax" };

export interface ActivationOptions {
  /** layer name; default "sigmoid_1", "relu_2", … */
  name?: string;
}

/** The common skeleton of the four activation layers: no parameters, output shape = input shape. */
export abstract class ActivationLayer implements Layer {
  readonly name: string;
  abstract readonly type: string;
  private cache: ActivationCache | null = null;

  protected constructor(readonly fn: ActivationFn, opts: ActivationOptions = {}) {
    const typeName = { sigmoid: "Sigmoid", tanh: "Tanh", relu: "ReLU", softmax: "Softmax" }[fn];
    if (opts === null || typeof opts !== "object") throw new InputError(typeName, "opts", "an options object", describe(opts));
    this.name = layerName(typeName, fn, opts.name);
  }

  outputShape(inShape: readonly number[]): number[] {
    if (!Array.isArray(inShape) || inShape.length === 0 || inShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new InputError(`${this.name}.outputShape`, "inShape", "a shape of positive integers", Array.isArray(inShape) ? fmtShape(inShape) : describe(inShape));
    }
    return [...inShape];
  }

  forward(x: Tensor, opts: ForwardOptions = {}): { out: Tensor; trace?: ActivationTrace } {
    checkInput(`${this.name}.forward`, x);
    opts = optionsOf(`${this.name}.forward`, "opts", opts);
    const a = apply(this.fn, x);
    this.cache = { fn: this.fn, z: x, a };
    if (!opts.trace) return { out: a };
    return { out: a, trace: { kind: "activation", layer: this.name, fn: this.fn, z: x, a } };
  }

  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] } {
    const where = `${this.name}.backward`;
    if (this.cache === null) throw new InputError(where, "dout", "a forward pass first", "no forward yet");
    if (this.fn === "softmax") {
      const { dx } = softmaxBackward(dout, this.cache);
      return {
        dx,
        factors: [
          { name: "a = softmax(z)", value: this.cache.a },
          { name: "a ⊙ (δ − Σ_k δ_k a_k) = ∂C/∂z", value: dx },
        ],
      };
    }
    const { dx, prime } = elementwiseBackward(where, this.fn, dout, this.cache);
    const s = SYMBOL[this.fn];
    return {
      dx,
      factors: [
        { name: `${s}'(z)`, value: prime },
        { name: `δ ⊙ ${s}'(z)`, value: dx },
      ],
    };
  }

  params(): Param[] {
    return [];
  }
}

/** a = σ(z) elementwise. */
export class Sigmoid extends ActivationLayer {
  readonly type = "Sigmoid";
  constructor(opts: ActivationOptions = {}) {
    super("sigmoid", opts);
  }
}

/** a = tanh(z) elementwise. */
export class Tanh extends ActivationLayer {
  readonly type = "Tanh";
  constructor(opts: ActivationOptions = {}) {
    super("tanh", opts);
  }
}

/** a = max(0, z) elementwise. */
export class ReLU extends ActivationLayer {
  readonly type = "ReLU";
  constructor(opts: ActivationOptions = {}) {
    super("relu", opts);
  }
}

/** a = softmax(z) along the last axis: class probabilities. */
export class Softmax extends ActivationLayer {
  readonly type = "Softmax";
  constructor(opts: ActivationOptions = {}) {
    super("softmax", opts);
  }
}
