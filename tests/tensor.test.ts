import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { Tensor, tensor, checkTensor } from "../src/tensor";
import { InputError } from "../src/errors";
import { fromTfTensor, toTfTensor } from "../src/tf/convert";

test("from nested [[1,2,3],[4,5,6]]: shape [2,3], row-major values", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.toList(), [1, 2, 3, 4, 5, 6]);
  assert.equal(t.get(1, 0), 4);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
});

test("reshape [2,3] → [3,-1] shares data; transpose [2,3] → [3,2]", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  const r = t.reshape([3, -1]);
  assert.deepEqual(r.shape, [3, 2]);
  assert.equal(r.data, t.data);
  const tt = t.T;
  assert.deepEqual(tt.shape, [3, 2]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) assert.equal(tt.get(j, i), t.get(i, j));
});

test("transpose of random 4-D tensors matches tf.transpose (any permutation)", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
      fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
      fc.integer(),
      (shape, perm, seed) => {
        const t = Tensor.randn(shape, seed);
        const ours = t.transpose(perm);
        const theirs = tf.tidy(() => fromTfTensor(tf.transpose(toTfTensor(t), perm)));
        assert.deepEqual(ours.shape, theirs.shape);
        assert.ok(ours.maxAbsDiff(theirs) < 1e-6);
      },
    ),
    { numRuns: 50, seed: 1 },
  );
});

test("matmul [N,D]·[D,M] matches tf.matMul on random shapes", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer(), (n, d, m, seed) => {
      const a = Tensor.randn([n, d], seed);
      const b = Tensor.randn([d, m], seed + 1);
      const ours = a.matmul(b);
      const theirs = tf.tidy(() => fromTfTensor(tf.matMul(toTfTensor(a), toTfTensor(b))));
      assert.deepEqual(ours.shape, [n, m]);
      assert.ok(ours.maxAbsDiff(theirs) < 1e-4);
    }),
    { numRuns: 50, seed: 2 },
  );
});

test("broadcasting add [2,3] + [3] and [2,1] + [1,3]", () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const row = tensor([10, 20, 30]);
  const s = a.add(row);
  assert.deepEqual(s.shape, [2, 3]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) assert.equal(s.get(i, j), a.get(i, j) + row.get(j));
  const outer = tensor([[1], [2]]).mul(tensor([[1, 10, 100]]));
  assert.deepEqual(outer.shape, [2, 3]);
  assert.equal(outer.get(1, 2), 2 * 100);
});

test("reductions along axes agree with tf.sum / tf.max / tf.argMax", async () => {
  await tf.setBackend("cpu");
  const t = Tensor.randn([3, 4, 5], 9);
  const x = toTfTensor(t);
  for (const axis of [0, 1, 2, -1]) {
    assert.ok(t.sum(axis).maxAbsDiff(fromTfTensor(tf.sum(x, axis))) < 1e-5, `sum axis ${axis}`);
    assert.ok(t.max(axis).maxAbsDiff(fromTfTensor(tf.max(x, axis))) < 1e-6, `max axis ${axis}`);
    assert.deepEqual(t.argmax(axis), Array.from(tf.argMax(x, axis).dataSync()), `argmax axis ${axis}`);
  }
  assert.ok(Math.abs(t.mean().item() - t.toList().reduce((a, b) => a + b, 0) / t.size) < 1e-12);
  x.dispose();
});

test("seeded random: same seed same numbers, different seed different numbers", () => {
  assert.deepEqual(Tensor.randn([5], 3).toList(), Tensor.randn([5], 3).toList());
  assert.notDeepEqual(Tensor.randn([5], 3).toList(), Tensor.randn([5], 4).toList());
  const big = Tensor.randn([20000], 1);
  assert.ok(Math.abs(big.mean().item()) < 0.03);
  const variance = big.pow(2).mean().item();
  assert.ok(Math.abs(variance - 1) < 0.05);
});

test("slice0/take/stack build mini-batches", () => {
  const t = Tensor.arange(12).reshape([4, 3]);
  assert.deepEqual(t.slice0(1, 3).toArray(), [[3, 4, 5], [6, 7, 8]]);
  assert.deepEqual(t.take([3, 0]).toArray(), [[9, 10, 11], [0, 1, 2]]);
  assert.deepEqual(Tensor.stack([t.row(0), t.row(1)]).shape, [2, 3]);
});

test("toString prints a grid with the shape", () => {
  const s = tensor([[1, -2], [3.5, 4]]).toString(2);
  assert.match(s, /Tensor \[2, 2\]/);
  assert.match(s, /3\.50/);
  assert.equal(s.split("\n").length, 3);
});

const bad: [string, () => unknown, RegExp][] = [
  ["from ragged", () => tensor([[1, 2], [3]] as number[][]), /Tensor\.from: argument 'nested'/],
  ["from NaN", () => tensor([1, NaN]), /Tensor\.from: argument 'nested'.*finite/],
  ["fromArray wrong size", () => Tensor.fromArray([1, 2, 3], [2, 2]), /Tensor\.fromArray: argument 'values' expected 4 values/],
  ["zeros negative size", () => Tensor.zeros([2, -1]), /Tensor\.zeros: argument 'shape'/],
  ["reshape wrong size", () => Tensor.zeros([2, 3]).reshape([4, 2]), /Tensor\.reshape: argument 'shape' expected 6 values/],
  ["matmul mismatch", () => Tensor.zeros([2, 3]).matmul(Tensor.zeros([2, 3])), /matmul: argument 'b' expected shape \[3, M\].*got \[2, 3\]/],
  ["add no broadcast", () => Tensor.zeros([2, 3]).add(Tensor.zeros([2])), /Tensor\.add: argument 'b'/],
  ["get out of range", () => Tensor.zeros([2, 3]).get(2, 0), /Tensor\.get: argument 'index'/],
  ["sum bad axis", () => Tensor.zeros([2, 3]).sum(2), /Tensor\.sum: argument 'axis'/],
  ["transpose bad perm", () => Tensor.zeros([2, 3]).transpose([0, 0]), /Tensor\.transpose: argument 'perm'/],
  ["checkTensor pattern", () => checkTensor("dense", "x", Tensor.zeros([2, 3]), ["N", 4]), /dense: argument 'x' expected shape \[N, 4\], got \[2, 3\]/],
];
for (const [name, f, re] of bad) {
  test(`bad input: ${name}`, () => {
    assert.throws(f, (e: unknown) => e instanceof InputError && re.test(e.message));
  });
}
