import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../../src/tensor";
import {
  relu, reluBackward, reluForward, reluPrime, ReLU, sigmoid, sigmoidBackward, sigmoidForward, sigmoidPrime, Sigmoid,
  softmax, softmaxBackward, softmaxForward, Softmax, tanh, tanhBackward, tanhForward, tanhPrime, Tanh,
} from "../../src/layers/activations";
import type { ActivationCache } from "../../src/layers/activations";
import { numericalGradient, numericalGradientWithUpstream, relativeError } from "../../src/gradcheck";
import { assertCloseF32, assertInputError, f32, size } from "./helpers";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";

type Pair = { name: string; forward: (z: Tensor) => { out: Tensor; cache: ActivationCache }; backward: (d: Tensor, c: ActivationCache) => { dx: Tensor } };
const pairs: Pair[] = [
  { name: "sigmoid", forward: sigmoidForward, backward: sigmoidBackward },
  { name: "tanh", forward: tanhForward, backward: tanhBackward },
  { name: "relu", forward: reluForward, backward: reluBackward },
  { name: "softmax", forward: softmaxForward, backward: softmaxBackward },
];

/** A random shape of rank 1 to 4, sizes 1 to 5. */
const shapeArb = fc.array(fc.integer(size(5)), { minLength: 1, maxLength: 4 });

/** ReLU's kink: keep every value at least 1e-3 away from 0, far beyond h = 1e-5. */
const awayFromZero = (t: Tensor) => t.map((v) => (Math.abs(v) < 1e-3 ? v + Math.sign(v || 1) * 1e-3 : v));

for (const p of pairs) {
  test(`${p.name}Backward matches centered differences (100 random shapes of rank 1–4, rel. error < 1e-7)`, () => {
    fc.assert(
      fc.property(shapeArb, fc.integer(), (shape, seed) => {
        let z = Tensor.randn(shape, seed);
        if (p.name === "relu") z = awayFromZero(z);
        const dout = Tensor.randn(shape, seed + 1);
        const { out, cache } = p.forward(z);
        const { dx } = p.backward(dout, cache);
        assert.deepEqual(out.shape, shape);
        assert.deepEqual(dx.shape, shape);
        // h = 1e-4 for the smooth three: where the slope is tiny (a saturated unit) rounding noise of
        // order 1e-16 / h dominates, and the truncation error h² is still far below 1e-7
        const num = numericalGradientWithUpstream(() => p.forward(z).out, z, dout, p.name === "relu" ? 1e-5 : 1e-4);
        const err = relativeError(dx, num);
        assert.ok(err < 1e-7, `relative error ${err}`);
      }),
      { numRuns: 100, seed: 21 },
    );
  });
}

test("sigmoid, tanh, relu, softmax forward and backward match TensorFlow.js (cpu backend, tf.grad)", async () => {
  await tf.setBackend("cpu");
  const ops: [Pair, (t: tf.Tensor) => tf.Tensor][] = [
    [pairs[0], (t) => tf.sigmoid(t)],
    [pairs[1], (t) => tf.tanh(t)],
    [pairs[2], (t) => tf.relu(t)],
    [pairs[3], (t) => tf.softmax(t)],
  ];
  for (const [p, op] of ops) {
    fc.assert(
      fc.property(fc.integer(size()), fc.integer(size()), fc.integer(), (n, k, seed) => {
        const z = f32(awayFromZero(Tensor.randn([n, k], seed, 0, 3)));
        const dout = f32(Tensor.randn([n, k], seed + 1));
        const { out, cache } = p.forward(z);
        const { dx } = p.backward(dout, cache);
        const tfOut = tf.tidy(() => {
          const tz = toTfTensor(z);
          const td = toTfTensor(dout);
          return [op(tz), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t), td)))(tz)];
        });
        const [a, g] = tfOut.map((t) => fromTfTensor(t));
        tf.dispose(tfOut);
        assertCloseF32(out, a);
        assertCloseF32(dx, g);
      }),
      { numRuns: 25, seed: 22 },
    );
  }
});

test("plain functions: sigmoid(0) = 0.5, tanh(0) = 0, relu(−2) = 0, relu(3) = 3; numbers and tensors agree", () => {
  assert.equal(sigmoid(0), 0.5);
  assert.equal(tanh(0), 0);
  assert.equal(relu(-2), 0);
  assert.equal(relu(3), 3);
  const z = Tensor.randn([3, 4], 5, 0, 3);
  for (const [fnum, ften] of [[sigmoid, sigmoid], [tanh, tanh], [relu, relu], [sigmoidPrime, sigmoidPrime], [tanhPrime, tanhPrime], [reluPrime, reluPrime]] as const) {
    const t = (ften as (x: Tensor) => Tensor)(z);
    assert.deepEqual(t.shape, [3, 4]);
    z.data.forEach((v, i) => assert.equal(t.data[i], (fnum as (x: number) => number)(v)));
  }
});

test("sigmoid(±800) is 1 and 0 without NaN; σ(−x) = 1 − σ(x)", () => {
  assert.equal(sigmoid(800), 1);
  assert.equal(sigmoid(-800), 0);
  for (const v of [-5, -0.3, 0.7, 4]) assert.ok(Math.abs(sigmoid(-v) - (1 - sigmoid(v))) < 1e-15);
});

test("derivatives equal the numerical slope: sigmoidPrime, tanhPrime, reluPrime (away from 0); reluPrime(0) = 0", () => {
  for (const [f, fp] of [[sigmoid, sigmoidPrime], [tanh, tanhPrime], [relu, reluPrime]] as const) {
    for (const v of [-3.1, -0.4, 0.25, 2.2]) {
      const x = Tensor.full([1], v);
      const num = numericalGradient(() => (f as (x: number) => number)(x.data[0]), x).item();
      assert.ok(Math.abs(num - (fp as (x: number) => number)(v)) < 1e-8, `derivative at ${v}`);
    }
  }
  assert.equal(reluPrime(0), 0);
  assert.deepEqual(reluBackward(Tensor.ones([3]), reluForward(Tensor.from([-1, 0, 1])).cache).dx.toList(), [0, 0, 1]);
});

test("softmax z=[2,3,4]: rows along the last axis sum to 1; z and z + 1000 give the same probabilities", () => {
  const z = Tensor.randn([2, 3, 4], 7);
  const p = softmax(z);
  assert.deepEqual(p.shape, [2, 3, 4]);
  const sums = p.sum(-1);
  assert.deepEqual(sums.shape, [2, 3]);
  sums.data.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-12));
  const shifted = softmax(z.add(1000));
  assert.ok(shifted.maxAbsDiff(p) < 1e-12);
  assert.ok(softmax(z.scale(1000)).data.every(Number.isFinite));
});

test("layers Sigmoid/Tanh/ReLU/Softmax: forward = the function, trace, backward factors σ'(z) and δ ⊙ σ'(z)", () => {
  const z = Tensor.randn([2, 3], 9);
  const dout = Tensor.randn([2, 3], 10);
  const layers = [new Sigmoid(), new Tanh(), new ReLU(), new Softmax({ name: "probs" })];
  const plain = [sigmoid(z), tanh(z), relu(z), softmax(z)];
  const symbols = ["σ", "tanh", "relu"];
  layers.forEach((layer, i) => {
    assert.deepEqual(layer.outputShape([2, 3]), [2, 3]);
    assert.deepEqual(layer.params(), []);
    const { out, trace } = layer.forward(z, { trace: true });
    assert.ok(out.allClose(plain[i], 0));
    assert.ok(trace && trace.kind === "activation" && trace.layer === layer.name && trace.a.allClose(out, 0) && trace.z.allClose(z, 0));
    const { dx, factors } = layer.backward(dout);
    assert.ok(dx.allClose(pairs[i].backward(dout, pairs[i].forward(z).cache).dx, 0));
    if (i < 3) {
      assert.deepEqual(factors.map((f) => f.name), [`${symbols[i]}'(z)`, `δ ⊙ ${symbols[i]}'(z)`]);
      assert.ok(factors[0].value.mul(dout).allClose(dx, 1e-15), "δ ⊙ σ'(z) is the product of δ and σ'(z)");
    } else {
      assert.equal(factors[1].value, dx);
    }
  });
  assert.equal(layers[3].name, "probs");
  assert.match(layers[0].name, /^sigmoid_\d+$/);
  assert.deepEqual(layers.map((l) => l.type), ["Sigmoid", "Tanh", "ReLU", "Softmax"]);
});

test("bad input: activations name the function and the argument", () => {
  const nan = Tensor.randn([2, 2], 1).map((v, i) => (i === 1 ? NaN : v));
  assertInputError(() => sigmoid(NaN), "sigmoid", "x");
  assertInputError(() => tanh(Infinity), "tanh", "x");
  assertInputError(() => relu("3" as unknown as number), "relu", "x");
  assertInputError(() => sigmoidPrime(nan), "sigmoidPrime", "x");
  assertInputError(() => softmax(nan), "softmax", "z");
  for (const p of pairs) {
    assertInputError(() => p.forward(nan), `${p.name}Forward`, "z");
    assertInputError(() => p.forward([1, 2] as unknown as Tensor), `${p.name}Forward`, "z");
    const { cache } = p.forward(Tensor.randn([2, 2], 1));
    assertInputError(() => p.backward(Tensor.randn([2, 3], 1), cache), `${p.name}Backward`, "dout");
    assertInputError(() => p.backward(nan, cache), `${p.name}Backward`, "dout");
  }
  assertInputError(() => sigmoidBackward(Tensor.randn([2, 2], 1), tanhForward(Tensor.randn([2, 2], 1)).cache), "sigmoidBackward", "cache");
  const layer = new ReLU({ name: "r" });
  assertInputError(() => layer.backward(Tensor.randn([2, 2], 1)), "r.backward", "dout");
  assertInputError(() => layer.forward(nan), "r.forward", "z");
  assertInputError(() => layer.outputShape([2, 0]), "r.outputShape", "inShape");
});
