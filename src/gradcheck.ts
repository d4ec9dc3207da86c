/**
 * Gradient checking, chapter 5: every analytic gradient (backprop) is compared with a
 * numerical one from centered differences,
 *
 *   ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h      (error O(h²), h = 1e-5 by default)
 *
 * For a function with a tensor output, the scalar checked is Σ f(x) ⊙ dout for a given upstream
 * gradient dout, whose gradient is exactly what a backward pass returns for that dout.
 *
 * Choosing h: the error of a centered difference is about h²·|f‴|/6 (truncation) plus
 * 1e-16·|f|/h (rounding). h = 1e-5 balances the two for values of order 1. Where a slope is tiny
 * next to the values it comes from (a saturated sigmoid), rounding dominates the relative error
 * and h = 1e-4 helps. For functions linear or quadratic in x (dense, dropout, flatten, MSE) the
 * truncation error is zero, so a larger h only removes rounding noise.
 */
import { optionsOf } from "./checks";
import { describe, fmtShape, InputError } from "./errors";
import type { ForwardOptions, Param } from "./layers/layer";
import { Random } from "./random";
import { checkTensor, Tensor } from "./tensor";

function checkH(fn: string, h: unknown): asserts h is number {
  if (typeof h !== "number" || !Number.isFinite(h) || h <= 0) throw new InputError(fn, "h", "a number > 0", describe(h));
}

function callScalar(fn: string, f: () => number): number {
  const v = f();
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(fn, "f", "a function returning a finite number", describe(v));
  return v;
}

/** f() checked to be a finite Tensor shaped like dout. */
function callTensor(fn: string, f: () => Tensor, dout: Tensor): Tensor {
  const y = f();
  if (!(y instanceof Tensor)) throw new InputError(fn, "f", "a function returning a Tensor", describe(y));
  if (y.rank !== dout.rank || y.shape.some((d, i) => d !== dout.shape[i])) {
    throw new InputError(fn, "dout", `shape ${fmtShape(y.shape)} (the shape of f())`, fmtShape(dout.shape));
  }
  return y;
}

/** Centered differences of any scalar g with respect to every value of x (x is perturbed in place, then restored). */
function centered(x: Tensor, h: number, g: () => number): Tensor {
  const grad = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const old = x.data[i];
    try {
      x.data[i] = old + h;
      const plus = g();
      x.data[i] = old - h;
      const minus = g();
      grad[i] = (plus - minus) / (2 * h); // the slope of the secant through x − h and x + h
    } finally {
      x.data[i] = old;
    }
  }
  return new Tensor(grad, x.shape);
}

/**
 * Centered differences of Σ f() ⊙ dout. The difference f(x + h) − f(x − h) is taken value by
 * value before the sum (as CS231n does): outputs that x_i does not touch then cancel exactly
 * instead of adding rounding noise to a large sum.
 */
function centeredUpstream(fn: string, x: Tensor, h: number, f: () => Tensor, dout: Tensor): Tensor {
  const grad = new Float64Array(x.size);
  const D = dout.data;
  for (let i = 0; i < x.size; i++) {
    const old = x.data[i];
    try {
      x.data[i] = old + h;
      const plus = callTensor(fn, f, dout).data;
      x.data[i] = old - h;
      const minus = callTensor(fn, f, dout).data;
      let s = 0;
      for (let j = 0; j < D.length; j++) s += (plus[j] - minus[j]) * D[j];
      if (!Number.isFinite(s)) throw new InputError(fn, "f", "finite outputs", String(s));
      grad[i] = s / (2 * h);
    } finally {
      x.data[i] = old;
    }
  }
  return new Tensor(grad, x.shape);
}

/** ∂f/∂x by centered differences for a scalar function f() that reads x; returns a Tensor shaped like x. */
export function numericalGradient(f: () => number, x: Tensor, h = 1e-5): Tensor {
  const fn = "numericalGradient";
  if (typeof f !== "function") throw new InputError(fn, "f", "a function () => number", describe(f));
  checkTensor(fn, "x", x);
  checkH(fn, h);
  return centered(x, h, () => callScalar(fn, f));
}

/**
 * ∂(Σ f() ⊙ dout)/∂x by centered differences, for f() returning a Tensor shaped like dout:
 * the numerical counterpart of a backward pass given dout (CS231n's eval_numerical_gradient_array).
 */
export function numericalGradientWithUpstream(f: () => Tensor, x: Tensor, dout: Tensor, h = 1e-5): Tensor {
  const fn = "numericalGradientWithUpstream";
  if (typeof f !== "function") throw new InputError(fn, "f", "a function () => Tensor", describe(f));
  checkTensor(fn, "x", x);
  checkTensor(fn, "dout", dout);
  checkH(fn, h);
  return centeredUpstream(fn, x, h, f, dout);
}

/**
 * The largest relative difference between two tensors of the same shape:
 * max_i |a_i − b_i| / max(|a_i| + |b_i|, tiny), with tiny = 1e-8 by default so that two
 * gradients that are both (nearly) zero count as agreeing. In float64 a correct backward
 * gives about 1e-8 or less; 1e-2 or more means a bug. NaN when either tensor holds a NaN or
 * an infinity anywhere: a gradient that is not finite never agrees with anything.
 */
export function relativeError(a: Tensor, b: Tensor, tiny = 1e-8): number {
  const fn = "relativeError";
  checkTensor(fn, "a", a);
  checkTensor(fn, "b", b, a.shape);
  if (typeof tiny !== "number" || !(tiny > 0)) throw new InputError(fn, "tiny", "a number > 0", describe(tiny));
  let worst = 0;
  for (let i = 0; i < a.size; i++) {
    if (!Number.isFinite(a.data[i]) || !Number.isFinite(b.data[i])) return NaN;
    const d = Math.abs(a.data[i] - b.data[i]);
    const r = d / Math.max(Math.abs(a.data[i]) + Math.abs(b.data[i]), tiny);
    if (r > worst) worst = r;
  }
  return worst;
}

/** "the analytic gradient is NaN at flat index 0", or null when both gradients are finite. */
function nonFinite(analytic: Tensor, numeric: Tensor): string | null {
  for (const [name, t] of [["analytic", analytic], ["numerical", numeric]] as const) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) return `the ${name} gradient is ${t.data[i]} at flat index ${i}`;
  }
  return null;
}

/** The verdict of one gradient check. */
export interface GradCheckResult {
  /** relativeError(analytic, numeric); NaN when either gradient is not finite somewhere */
  maxRelError: number;
  analytic: Tensor;
  numeric: Tensor;
  /** both gradients finite everywhere and maxRelError < tolerance */
  ok: boolean;
  tolerance: number;
  /** one line: "max relative error 3.1e-10 < 1e-7: OK" */
  summary: string;
}

export interface GradCheckOptions {
  /** upstream gradient when f returns a Tensor; default all ones (the gradient of Σ f) */
  dout?: Tensor;
  /** step of the centered differences; default 1e-5 */
  h?: number;
  /** largest relative error that passes; default 1e-7 */
  tolerance?: number;
}

function verdict(analytic: Tensor, numeric: Tensor, tolerance: number): GradCheckResult {
  const maxRelError = relativeError(analytic, numeric);
  const bad = nonFinite(analytic, numeric);
  const ok = bad === null && maxRelError < tolerance;
  const summary = bad !== null
    ? `NOT OK: ${bad}`
    : `max relative error ${maxRelError.toExponential(1)} ${ok ? "<" : ">="} ${tolerance}: ${ok ? "OK" : "NOT OK"}`;
  return { maxRelError, analytic, numeric, ok, tolerance, summary };
}

function checkTolerance(fn: string, tolerance: unknown): asserts tolerance is number {
  if (typeof tolerance !== "number" || !(tolerance > 0)) throw new InputError(fn, "tolerance", "a number > 0", describe(tolerance));
}

/**
 * Compare an analytic gradient with the numerical one of f at x. f returns a number (the
 * gradient of f) or a Tensor (the gradient of Σ f ⊙ dout).
 *
 *   const { out, cache } = sigmoidForward(z);
 *   gradCheck(() => sigmoidForward(z).out, z, sigmoidBackward(dout, cache).dx, { dout })
 */
export function gradCheck(f: () => number | Tensor, x: Tensor, analytic: Tensor, opts: GradCheckOptions = {}): GradCheckResult {
  opts = optionsOf("gradCheck", "opts", opts);
  const fn = "gradCheck";
  if (typeof f !== "function") throw new InputError(fn, "f", "a function returning a number or a Tensor", describe(f));
  checkTensor(fn, "x", x);
  checkTensor(fn, "analytic", analytic, x.shape);
  const h = opts.h ?? 1e-5;
  const tolerance = opts.tolerance ?? 1e-7;
  checkH(fn, h);
  checkTolerance(fn, tolerance);
  const probe = f();
  let numeric: Tensor;
  if (typeof probe === "number") {
    numeric = centered(x, h, () => callScalar(fn, f as () => number));
  } else if (probe instanceof Tensor) {
    const dout = opts.dout ?? Tensor.ones(probe.shape);
    checkTensor(fn, "dout", dout, probe.shape);
    numeric = centeredUpstream(fn, x, h, f as () => Tensor, dout);
  } else {
    throw new InputError(fn, "f", "a function returning a number or a Tensor", describe(probe));
  }
  return verdict(analytic, numeric, tolerance);
}

/** Anything with forward, backward and params: a Layer, or a Network. */
export interface Checkable {
  forward(x: Tensor, opts?: ForwardOptions): { out: Tensor };
  /** a Layer returns { dx }; a Network returns a BackwardTrace whose last step holds dx */
  backward(dout: Tensor): unknown;
  params(): Param[];
}

export interface ModelGradCheckOptions {
  /** upstream gradient ∂C/∂out; default random normal values (seeded) */
  dout?: Tensor;
  /** seed for the default dout; default 0 */
  seed?: number;
  h?: number;
  tolerance?: number;
}

/** The checks of a layer or network: one for the input (dx, if backward returns it) and one per parameter. */
export interface ModelGradCheckResult {
  /** "dx" and each parameter's name (prefixed by its index when names repeat: "0:W", "2:W") */
  results: Record<string, GradCheckResult>;
  maxRelError: number;
  ok: boolean;
  /** one line per check */
  summary: string;
}

/** The gradient with respect to the input from what a Layer's or a Network's backward returned. */
function inputGradient(back: unknown): Tensor | null {
  if (typeof back !== "object" || back === null) return null;
  const b = back as { dx?: unknown; kind?: unknown; steps?: unknown };
  if (b.dx instanceof Tensor) return b.dx;
  if (b.kind === "backward" && Array.isArray(b.steps) && b.steps.length > 0) {
    const last = b.steps[b.steps.length - 1] as { dx?: unknown }; // steps run top-down: the last one reaches the input
    if (last.dx instanceof Tensor) return last.dx;
  }
  return null;
}

/**
 * Gradient-check a layer or a network at input x: C = Σ forward(x) ⊙ dout, backward(dout)
 * against centered differences, for the input and for every parameter. Forward runs in
 * evaluation mode (dropout off) so that every call computes the same function.
 */
export function gradCheckModel(model: Checkable, x: Tensor, opts: ModelGradCheckOptions = {}): ModelGradCheckResult {
  opts = optionsOf("gradCheckModel", "opts", opts);
  const fn = "gradCheckModel";
  if (model == null || typeof model.forward !== "function" || typeof model.backward !== "function" || typeof model.params !== "function") {
    throw new InputError(fn, "model", "a layer or network (forward, backward, params)", describe(model));
  }
  checkTensor(fn, "x", x);
  const h = opts.h ?? 1e-5;
  const tolerance = opts.tolerance ?? 1e-7;
  checkH(fn, h);
  checkTolerance(fn, tolerance);
  const forward = () => model.forward(x, { training: false }).out;
  const out = forward();
  const dout = opts.dout ?? Tensor.randn(out.shape, new Random(opts.seed ?? 0));
  checkTensor(fn, "dout", dout, out.shape);
  const back = model.backward(dout);
  const results: Record<string, GradCheckResult> = {};
  const dx = inputGradient(back);
  if (dx) results.dx = verdict(dx.clone(), centeredUpstream(fn, x, h, forward, dout), tolerance);
  const params = model.params();
  const names = params.map((p) => p.name);
  params.forEach((p, i) => {
    const key = names.indexOf(p.name) === names.lastIndexOf(p.name) ? p.name : `${i}:${p.name}`;
    const analytic = p.grad.clone(); // before the numerical pass runs forward again
    results[key] = verdict(analytic, centeredUpstream(fn, p.value, h, forward, dout), tolerance);
  });
  const all = Object.values(results);
  const maxRelError = all.reduce((m, r) => Math.max(m, r.maxRelError), 0); // NaN if any check saw a NaN
  const ok = all.length > 0 && all.every((r) => r.ok);
  const summary = Object.entries(results)
    .map(([k, r]) => `${k.padEnd(8)} ${r.summary}`)
    .join("\n");
  return { results, maxRelError, ok, summary };
}
