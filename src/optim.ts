/**
 * Optimizers: how a parameter moves once backprop has given its gradient (chapters 4 and 12).
 *
 * Notation: w a parameter, g = ∂C/∂w its gradient, lr the learning rate (α in the lecture).
 *
 *   SGD        w ← w − lr·g
 *   momentum   v ← μ·v − lr·g;  w ← w + v            (v: a velocity, μ: its friction)
 *   Nesterov   the same v, but w moves by −μ·v_old + (1 + μ)·v (the look-ahead form of CS231n)
 *   Adam       m ← β1·m + (1 − β1)·g;  s ← β2·s + (1 − β2)·g²
 *              m̂ = m / (1 − β1ᵗ);  ŝ = s / (1 − β2ᵗ)   (bias correction: m and s start at 0)
 *              w ← w − lr·m̂ / (√ŝ + ε)
 *
 * Weight decay (regularization, chapter 12) is added to the gradient of the parameters marked
 * `decay: true` (weights, not biases) before the update:
 *   L2 with λ adds λ·w, the gradient of the penalty (λ/2)·Σw²: every step shrinks w a little;
 *   L1 with λ adds λ·sign(w), the gradient of the penalty λ·Σ|w|: a constant push toward 0.
 * This is the classic "L2 regularization" (the penalty is part of the loss), also for Adam
 * (not AdamW's decoupled decay). The reported loss does not include the penalty.
 *
 * Every update is done in place on `param.value`, so the layer that owns the tensor sees it.
 * An optimizer keeps its state (velocities, moments) per parameter in a Map keyed by the
 * Param object; `reset()` forgets it.
 */
import { checkFinite, checkNumber, checkRange, describe, fmtShape, InputError } from "./errors";
import { Tensor } from "./tensor";
import type { Param } from "./layers/layer";

/** Regularization strengths λ (both default 0: no decay). */
export interface WeightDecay {
  /** λ of the L1 penalty λ·Σ|w|: adds λ·sign(w) to the gradient */
  l1?: number;
  /** λ of the L2 penalty (λ/2)·Σw²: adds λ·w to the gradient */
  l2?: number;
}

/** What the training loop needs from an optimizer. */
export interface Optimizer {
  /** "SGD", "SGD (momentum 0.9)", "Adam", … for tables and chart titles */
  readonly name: string;
  /** the learning rate; may be changed between steps (a schedule) */
  lr: number;
  /** One update of every parameter from its current `grad`, in place. */
  step(params: readonly Param[]): void;
  /** Forget the state kept per parameter (velocities, moments, step counts). */
  reset(): void;
}

export interface SGDOptions {
  /** learning rate, > 0 (required) */
  lr: number;
  /** momentum μ in [0, 1); default 0 (plain gradient descent) */
  momentum?: number;
  /** Nesterov's look-ahead momentum (needs momentum > 0); default false */
  nesterov?: boolean;
  /** L1 / L2 decay of the parameters with `decay: true`; default none */
  weightDecay?: WeightDecay;
}

export interface AdamOptions {
  /** learning rate, > 0; default 0.001 */
  lr?: number;
  /** decay of the first moment (mean of g), in [0, 1); default 0.9 */
  beta1?: number;
  /** decay of the second moment (mean of g²), in [0, 1); default 0.999 */
  beta2?: number;
  /** added to √ŝ so that a zero gradient never divides by zero, > 0; default 1e-8 */
  eps?: number;
  /** L1 / L2 decay of the parameters with `decay: true`; default none */
  weightDecay?: WeightDecay;
}

function checkOptions(fn: string, opts: unknown): void {
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "options", "an options object", describe(opts));
}

function checkLr(fn: string, lr: unknown): number {
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) throw new InputError(fn, "lr", "a finite number > 0", describe(lr));
  return lr;
}

function checkDecay(fn: string, wd: WeightDecay | undefined): Required<WeightDecay> {
  if (wd === undefined) return { l1: 0, l2: 0 };
  checkOptions(fn, wd);
  for (const k of ["l1", "l2"] as const) {
    const v = wd[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw new InputError(fn, `weightDecay.${k}`, "a finite number >= 0", describe(v));
    }
  }
  return { l1: wd.l1 ?? 0, l2: wd.l2 ?? 0 };
}

/** Shared by SGD and Adam: the learning rate, the decay, the per-parameter state, the checks. */
abstract class BaseOptimizer<S> implements Optimizer {
  abstract readonly name: string;
  protected readonly state = new Map<Param, S>();
  private _lr: number;

  protected constructor(
    protected readonly fn: string,
    lr: number,
    readonly weightDecay: Required<WeightDecay>,
  ) {
    this._lr = checkLr(fn, lr);
  }

  get lr(): number {
    return this._lr;
  }
  set lr(v: number) {
    this._lr = checkLr(`${this.fn}.lr`, v);
  }

  reset(): void {
    this.state.clear();
  }

  step(params: readonly Param[]): void {
    const fn = `${this.fn}.step`;
    if (!Array.isArray(params)) throw new InputError(fn, "params", "an array of Param (net.params())", describe(params));
    params.forEach((p: Param, i: number) => {
      const arg = `params[${i}]`;
      if (p === null || typeof p !== "object" || !(p.value instanceof Tensor) || !(p.grad instanceof Tensor)) {
        throw new InputError(fn, arg, "a Param { name, value, grad, decay }", describe(p));
      }
      if (p.grad.size !== p.value.size || p.grad.shape.some((d, k) => d !== p.value.shape[k])) {
        throw new InputError(fn, `${arg}.grad`, `shape ${fmtShape(p.value.shape)} (that of ${p.name})`, fmtShape(p.grad.shape));
      }
      checkFinite(fn, `${arg}.grad`, p.grad.data, `finite gradients (of ${p.name}; a learning rate too large makes training diverge)`);
    });
    const { l1, l2 } = this.weightDecay;
    for (const p of params) {
      const w = p.value.data;
      let g = p.grad.data;
      if (p.decay && (l1 > 0 || l2 > 0)) {
        // g + λ2·w + λ1·sign(w): the gradient of the regularized loss (p.grad itself is left as backprop set it)
        const gd = new Float64Array(g.length);
        for (let k = 0; k < g.length; k++) gd[k] = g[k] + l2 * w[k] + l1 * Math.sign(w[k]);
        g = gd;
      }
      let s = this.state.get(p);
      if (s === undefined) {
        s = this.initState(w.length);
        this.state.set(p, s);
      }
      this.update(w, g, s);
    }
  }

  protected abstract initState(size: number): S;
  /** Move w (in place) given the (decayed) gradient g and this parameter's state. */
  protected abstract update(w: Float64Array, g: Float64Array, s: S): void;
}

/** Stochastic gradient descent, with optional (Nesterov) momentum and weight decay. */
export class SGD extends BaseOptimizer<Float64Array | null> {
  readonly momentum: number;
  readonly nesterov: boolean;

  /** `new SGD({ lr: 0.5 })`, `new SGD({ lr: 0.1, momentum: 0.9, weightDecay: { l2: 1e-4 } })`. */
  constructor(opts: SGDOptions) {
    checkOptions("SGD", opts);
    super("SGD", opts.lr, checkDecay("SGD", opts.weightDecay));
    const momentum = opts.momentum ?? 0;
    checkRange("SGD", "momentum", momentum, 0, 1);
    if (opts.nesterov !== undefined && typeof opts.nesterov !== "boolean") throw new InputError("SGD", "nesterov", "true or false", describe(opts.nesterov));
    if (opts.nesterov && momentum === 0) throw new InputError("SGD", "nesterov", "momentum > 0 with nesterov: true", "momentum 0");
    this.momentum = momentum;
    this.nesterov = opts.nesterov ?? false;
  }

  get name(): string {
    if (this.momentum === 0) return "SGD";
    return `SGD (${this.nesterov ? "Nesterov " : ""}momentum ${this.momentum})`;
  }

  protected initState(size: number): Float64Array | null {
    return this.momentum > 0 ? new Float64Array(size) : null;
  }

  protected update(w: Float64Array, g: Float64Array, v: Float64Array | null): void {
    const lr = this.lr;
    if (v === null) {
      for (let k = 0; k < w.length; k++) w[k] -= lr * g[k]; // w ← w − lr·g
      return;
    }
    const mu = this.momentum;
    for (let k = 0; k < w.length; k++) {
      const vOld = v[k];
      v[k] = mu * vOld - lr * g[k]; // v ← μ·v − lr·g
      w[k] += this.nesterov ? -mu * vOld + (1 + mu) * v[k] : v[k];
    }
  }
}

interface AdamState {
  m: Float64Array;
  s: Float64Array;
  /** steps taken by this parameter, for the bias correction */
  t: number;
}

/** Adam (Kingma & Ba, 2015): momentum on g and a per-weight step size from the running mean of g². */
export class Adam extends BaseOptimizer<AdamState> {
  readonly name = "Adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  /** `new Adam()` uses lr 0.001, β1 0.9, β2 0.999, ε 1e-8 (the paper's and Keras's defaults). */
  constructor(opts: AdamOptions = {}) {
    checkOptions("Adam", opts);
    super("Adam", opts.lr ?? 0.001, checkDecay("Adam", opts.weightDecay));
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    checkRange("Adam", "beta1", this.beta1, 0, 1);
    checkRange("Adam", "beta2", this.beta2, 0, 1);
    checkNumber("Adam", "eps", this.eps);
    if (this.eps <= 0) throw new InputError("Adam", "eps", "a number > 0", String(this.eps));
  }

  protected initState(size: number): AdamState {
    return { m: new Float64Array(size), s: new Float64Array(size), t: 0 };
  }

  protected update(w: Float64Array, g: Float64Array, st: AdamState): void {
    const { beta1: b1, beta2: b2, eps, lr } = this;
    st.t += 1;
    const c1 = 1 - b1 ** st.t; // bias corrections: m and s started at 0
    const c2 = 1 - b2 ** st.t;
    for (let k = 0; k < w.length; k++) {
      st.m[k] = b1 * st.m[k] + (1 - b1) * g[k]; // first moment: a running mean of g
      st.s[k] = b2 * st.s[k] + (1 - b2) * g[k] * g[k]; // second moment: a running mean of g²
      w[k] -= (lr * (st.m[k] / c1)) / (Math.sqrt(st.s[k] / c2) + eps);
    }
  }
}
