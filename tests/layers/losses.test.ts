import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor } from "../../src/tensor";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";
import { mseLoss, oneHot, softmaxCrossEntropy } from "../../src/layers/losses";
import { softmax } from "../../src/layers/activations";
import { numericalGradient, relativeError } from "../../src/gradcheck";
import { assertCloseF32, assertInputError, f32, size } from "./helpers";

/** Random logits [N, K] and N labels in [0, K). */
const logitsAndLabels = fc
  .tuple(fc.integer(size()), fc.integer({ min: 2, max: 6 }), fc.integer())
  .chain(([n, k, seed]) => fc.tuple(fc.constant(Tensor.randn([n, k], seed)), fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n })));

test("oneHot([2, 0, 1], 3) → [3, 3] with a single 1 per row at the label", () => {
  const t = oneHot([2, 0, 1], 3);
  assert.deepEqual(t.shape, [3, 3]);
  assert.deepEqual(t.argmax(), [2, 0, 1]);
  assert.deepEqual(t.sum(1).toList(), [1, 1, 1]);
});

test("softmaxCrossEntropy: probs = softmax(z), perExample = −log p[n, y_n], loss = their mean, dlogits = (p − y)/N", () => {
  fc.assert(
    fc.property(logitsAndLabels, ([z, labels]) => {
      const [n, k] = z.shape;
      const r = softmaxCrossEntropy(z, labels);
      assert.deepEqual([r.probs.shape, r.perExample.shape, r.dlogits.shape], [[n, k], [n], [n, k]]);
      assert.ok(r.probs.maxAbsDiff(softmax(z)) < 1e-14);
      labels.forEach((y, i) => assert.ok(Math.abs(r.perExample.get(i) + Math.log(r.probs.get(i, y))) < 1e-12));
      assert.ok(Math.abs(r.loss - r.perExample.mean().item()) < 1e-14);
      assert.ok(r.dlogits.maxAbsDiff(r.probs.sub(oneHot(labels, k)).scale(1 / n)) < 1e-15);
      assert.equal(r.trace.kind, "loss");
      assert.equal(r.trace.loss, r.loss);
      assert.ok(r.trace.target.allClose(oneHot(labels, k), 0));
    }),
    { numRuns: 50, seed: 31 },
  );
});

test("softmaxCrossEntropy gradient matches centered differences (100 random [N,K], rel. error < 1e-7)", () => {
  fc.assert(
    fc.property(logitsAndLabels, ([z, labels]) => {
      const { dlogits } = softmaxCrossEntropy(z, labels);
      // h = 1e-4: the loss is smooth, and the larger step keeps rounding noise away from small slopes
      const num = numericalGradient(() => softmaxCrossEntropy(z, labels).loss, z, 1e-4);
      const err = relativeError(dlogits, num);
      assert.ok(err < 1e-7, `relative error ${err}`);
    }),
    { numRuns: 100, seed: 32 },
  );
});

test("mseLoss gradient matches centered differences (100 random shapes of rank 1–3, rel. error < 1e-7)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(size(5)), { minLength: 1, maxLength: 3 }), fc.integer(), (shape, seed) => {
      const pred = Tensor.randn(shape, seed);
      const target = Tensor.randn(shape, seed + 1);
      const r = mseLoss(pred, target);
      assert.deepEqual(r.dpred.shape, shape);
      assert.deepEqual(r.perExample.shape, [shape[0]]);
      // the loss is quadratic, so centered differences are exact for any h; h = 1e-2 cuts rounding noise
      const err = relativeError(r.dpred, numericalGradient(() => mseLoss(pred, target).loss, pred, 1e-2));
      assert.ok(err < 1e-7, `relative error ${err}`);
      assert.ok(Math.abs(r.loss - pred.sub(target).pow(2).mean().item()) < 1e-14);
      assert.ok(Math.abs(r.perExample.mean().item() - r.loss) < 1e-14, "every example has the same size");
    }),
    { numRuns: 100, seed: 33 },
  );
});

test("softmax cross-entropy and MSE match TensorFlow.js (tf.losses, mean reduction) forward and via tf.grad", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(logitsAndLabels, fc.integer(), ([z0, labels], seed) => {
      const z = f32(z0);
      const k = z.shape[1];
      const target = f32(Tensor.randn(z.shape, seed));
      const sce = softmaxCrossEntropy(z, labels);
      const mse = mseLoss(z, target);
      const tfOut = tf.tidy(() => {
        const tz = toTfTensor(z);
        const y = toTfTensor(oneHot(labels, k));
        const tt = toTfTensor(target);
        const lossSce = (t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, t) as tf.Scalar;
        const lossMse = (t: tf.Tensor) => tf.losses.meanSquaredError(tt, t) as tf.Scalar;
        return [lossSce(tz), tf.grad(lossSce)(tz), lossMse(tz), tf.grad(lossMse)(tz)];
      });
      const theirs = tfOut.map((t) => fromTfTensor(t));
      tf.dispose(tfOut);
      assertCloseF32(Tensor.full([1], sce.loss), theirs[0]);
      assertCloseF32(sce.dlogits, theirs[1]);
      assertCloseF32(Tensor.full([1], mse.loss), theirs[2]);
      assertCloseF32(mse.dpred, theirs[3]);
    }),
    { numRuns: 30, seed: 34 },
  );
});

test("stability: logits (1000, −1000, 0) and (−1000, −1000, 1000) give finite loss and the exact gradient", () => {
  const z = Tensor.from([[1000, -1000, 0], [-1000, -1000, 1000]]);
  const r = softmaxCrossEntropy(z, [0, 1]);
  assert.ok(Number.isFinite(r.loss) && r.dlogits.data.every(Number.isFinite));
  // row 0: label 0 holds all the probability, loss 0; row 1: p = (0, 0, 1), loss = 1000 − (−1000)
  assert.deepEqual(r.perExample.toList(), [0, 2000]);
  assert.equal(r.loss, 1000);
  assert.deepEqual(r.probs.toList(), [1, 0, 0, 0, 0, 1]);
  const exact = Tensor.from([[1, 0, 0], [0, 0, 1]]).sub(oneHot([0, 1], 3)).scale(1 / 2);
  assert.equal(r.dlogits.maxAbsDiff(exact), 0);
});

test("stability: shifting every row of random logits by ±1000 changes neither loss nor gradient", () => {
  fc.assert(
    fc.property(logitsAndLabels, fc.constantFrom(1000, -1000), ([z, labels], c) => {
      const a = softmaxCrossEntropy(z, labels);
      const b = softmaxCrossEntropy(z.add(c), labels);
      assert.ok(Number.isFinite(b.loss));
      assert.ok(Math.abs(a.loss - b.loss) < 1e-9);
      assert.ok(a.dlogits.maxAbsDiff(b.dlogits) < 1e-12);
    }),
    { numRuns: 50, seed: 35 },
  );
});

test("bad input: losses name the function and the argument", () => {
  const z = Tensor.randn([2, 3], 1);
  assertInputError(() => softmaxCrossEntropy(z, [0, 3]), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(z, [0, -1]), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(z, [0, 1.5]), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(z, [0]), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(z, []), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(z, Tensor.from([0, 1]) as unknown as number[]), "softmaxCrossEntropy", "labels");
  assertInputError(() => softmaxCrossEntropy(Tensor.randn([2, 3, 1], 1), [0, 1]), "softmaxCrossEntropy", "logits");
  assertInputError(() => softmaxCrossEntropy(z.map((v, i) => (i === 2 ? NaN : v)), [0, 1]), "softmaxCrossEntropy", "logits");
  assertInputError(() => mseLoss(z, Tensor.randn([3, 2], 1)), "mseLoss", "target");
  assertInputError(() => mseLoss(z.map((v, i) => (i === 0 ? -Infinity : v)), z), "mseLoss", "pred");
  assertInputError(() => mseLoss(z, [1, 2] as unknown as Tensor), "mseLoss", "target");
  assertInputError(() => oneHot([0, 4], 3), "oneHot", "labels");
  assertInputError(() => oneHot([], 3), "oneHot", "labels");
  assertInputError(() => oneHot([0], 0), "oneHot", "k");
});
