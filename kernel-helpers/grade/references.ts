/**
 * Reference answers for the assignments' student functions, each built from the library (src/)
 * with the signature the assignment asks for, so that neither a check nor a hidden test stores
 * an answer as a literal. `referenceFor("denseForward")(x, W, b)` is what a correct
 * `denseForward(x, W, b)` returns.
 *
 * Signatures (NHWC images, dense W [D, M], see notebooks/assignments/FORMAT.md):
 *   A1  relu(z) sigmoid(z) softmax(z) denseForward(x, W, b) networkForward(x, [{W, b}, …])
 *   A2  reluBackward(dout, z) sigmoidBackward(dout, z) denseBackward(dout, x, W) → {dx, dW, db}
 *       softmaxCrossEntropy(logits, labels) → {loss, dlogits}
 *       mlpLossAndGrads(x, labels, {W1, b1, W2, b2}) → {loss, dW1, db1, dW2, db2}
 *       numericalGradient(x, labels, params, name, h?) → ∂loss/∂params[name]
 *   A3  convOutputSize(H, K, S, P) conv2dForward(x, w, b, stride, pad)
 *       conv2dBackward(dout, x, w, stride, pad) → {dx, dw, db}
 *       maxPoolForward(x, size, stride) maxPoolBackward(dout, x, size, stride) → dx
 *   A4  neuron(w[], b, x[]) → {out, dw[], db}   (tanh(w·x + b), gradients by Value.backward)
 */
import * as act from "../../src/layers/activations";
import * as dense from "../../src/layers/dense";
import * as conv from "../../src/layers/conv";
import * as pool from "../../src/layers/pool";
import { softmaxCrossEntropy } from "../../src/layers/losses";
import { numericalGradient } from "../../src/gradcheck";
import { Value } from "../../src/autograd";
import { InputError, describe } from "../../src/errors";
import { Tensor } from "../../src/tensor";

/** A reference function (the library, called with an assignment's signature). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reference = (...args: any[]) => unknown;

/** Parameters of A2's two-layer network x → dense → ReLU → dense → softmax. */
export interface MlpParams {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

/** A dense layer's parameters, as A1's networkForward takes them. */
export interface LayerParams {
  W: Tensor;
  b: Tensor;
}

/** Loss and gradients of A2's two-layer network, by the library's layers. */
export function mlpReference(x: Tensor, labels: readonly number[], p: MlpParams): { loss: number; dW1: Tensor; db1: Tensor; dW2: Tensor; db2: Tensor } {
  const h = dense.denseForward(x, p.W1, p.b1);
  const a = act.reluForward(h.out);
  const z = dense.denseForward(a.out, p.W2, p.b2);
  const { loss, dlogits } = softmaxCrossEntropy(z.out, labels);
  const g2 = dense.denseBackward(dlogits, z.cache);
  const da = act.reluBackward(g2.dx, a.cache);
  const g1 = dense.denseBackward(da.dx, h.cache);
  return { loss, dW1: g1.dW, db1: g1.db, dW2: g2.dW, db2: g2.db };
}

const REFERENCES: Record<string, Reference> = {
  // ---- A1 forward
  relu: (z: Tensor) => act.relu(z),
  sigmoid: (z: Tensor) => act.sigmoid(z),
  softmax: (z: Tensor) => act.softmax(z),
  denseForward: (x: Tensor, W: Tensor, b: Tensor) => dense.denseForward(x, W, b).out,
  networkForward: (x: Tensor, layers: LayerParams[]) => layers.reduce((a, l) => act.sigmoid(dense.denseForward(a, l.W, l.b).out), x),
  // ---- A2 backward
  reluBackward: (dout: Tensor, z: Tensor) => act.reluBackward(dout, act.reluForward(z).cache).dx,
  sigmoidBackward: (dout: Tensor, z: Tensor) => act.sigmoidBackward(dout, act.sigmoidForward(z).cache).dx,
  denseBackward: (dout: Tensor, x: Tensor, W: Tensor) => dense.denseBackward(dout, dense.denseForward(x, W, Tensor.zeros([W.shape[1]])).cache),
  softmaxCrossEntropy: (logits: Tensor, labels: number[]) => {
    const r = softmaxCrossEntropy(logits, labels);
    return { loss: r.loss, dlogits: r.dlogits };
  },
  mlpLossAndGrads: mlpReference,
  numericalGradient: (x: Tensor, labels: number[], p: MlpParams, name: keyof MlpParams, h = 1e-5) => {
    if (!(name in p)) throw new InputError("numericalGradient", "name", "W1, b1, W2 or b2", describe(name));
    const copy = { ...p, [name]: p[name].clone() };
    return numericalGradient(() => mlpReference(x, labels, copy).loss, copy[name], h);
  },
  // ---- A3 convolution and pooling
  convOutputSize: (H: number, K: number, S: number, P: number) => conv.convOutputSize(H, K, S, P),
  conv2dForward: (x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number) => conv.conv2dNaive(x, w, b, { stride, pad }).out,
  conv2dBackward: (dout: Tensor, x: Tensor, w: Tensor, stride: number, pad: number) => {
    const { cache } = conv.conv2dNaive(x, w, Tensor.zeros([w.shape[3]]), { stride, pad });
    return conv.conv2dBackwardNaive(dout, cache);
  },
  maxPoolForward: (x: Tensor, size: number, stride: number) => pool.maxPoolForward(x, { size, stride }).out,
  maxPoolBackward: (dout: Tensor, x: Tensor, size: number, stride: number) => pool.maxPoolBackward(dout, pool.maxPoolForward(x, { size, stride }).cache).dx,
  // ---- A4 from scratch
  neuron: (w: number[], b: number, x: number[]) => {
    const ws = w.map((v) => new Value(v));
    const bv = new Value(b);
    const out = ws.reduce((s, wi, i) => s.add(wi.mul(x[i])), bv).tanh();
    out.backward();
    return { out: out.data, dw: ws.map((v) => v.grad), db: bv.grad };
  },
};

/** The reference of a student function by name, or null when the function has none (training tasks). */
export function referenceFor(name: string): ((...args: unknown[]) => unknown) | null {
  if (typeof name !== "string") throw new InputError("referenceFor", "name", "a function name", describe(name));
  return Object.prototype.hasOwnProperty.call(REFERENCES, name) ? (REFERENCES[name] as (...args: unknown[]) => unknown) : null;
}

/** The names that have a reference answer. */
export function referenceNames(): string[] {
  return Object.keys(REFERENCES);
}
