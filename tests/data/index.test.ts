import { test } from "node:test";
import assert from "node:assert/strict";
import { batches } from "../../src/data/index";
import { InputError } from "../../src/errors";
import { Random } from "../../src/random";
import { Tensor } from "../../src/tensor";

// ten examples of shape [2, 1]: row i holds (i, 100 + i); label i mod 3
const data = {
  x: Tensor.fromArray(Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 + (k - 1) / 2)), [10, 2, 1]),
  labels: Array.from({ length: 10 }, (_, i) => i % 3),
};

test("batches N=10 batchSize=4 shuffle: sizes 4, 4, 2 (last partial kept); every row once; rows and labels match the indices", () => {
  const bs = [...batches(data, 4, { seed: 5 })];
  assert.deepEqual(bs.map((b) => b.x.shape), [[4, 2, 1], [4, 2, 1], [2, 2, 1]]);
  const all = bs.flatMap((b) => b.indices);
  assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  assert.notDeepEqual(all, Array.from({ length: 10 }, (_, i) => i), "shuffled");
  for (const b of bs) {
    b.indices.forEach((src, r) => {
      assert.equal(b.x.get(r, 0, 0), src);
      assert.equal(b.x.get(r, 1, 0), 100 + src);
      assert.equal(b.labels[r], src % 3);
    });
  }
});

test("batches N=10 batchSize=4 shuffle=false: rows in order; dropLast leaves out the partial batch; batchSize 20 gives one batch", () => {
  assert.deepEqual([...batches(data, 4, { shuffle: false })].map((b) => b.indices), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual([...batches(data, 4, { shuffle: false, dropLast: true })].map((b) => b.indices), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.deepEqual([...batches(data, 20)].map((b) => b.x.shape), [[10, 2, 1]]);
});

test("batches: the same seed gives the same order; a shared Random gives a new order at each epoch", () => {
  const order = (seed: number | Random) => [...batches(data, 3, { seed })].flatMap((b) => b.indices);
  assert.deepEqual(order(7), order(7));
  const r = new Random(7);
  const first = order(r);
  assert.deepEqual(first, order(7));
  assert.notDeepEqual(order(r), first);
});

test("batches are copies: writing into a batch leaves the data set unchanged", () => {
  const [b] = batches(data, 10, { shuffle: false });
  b.x.data.fill(-1);
  b.labels[0] = 99;
  assert.equal(data.x.get(0, 0, 0), 0);
  assert.equal(data.labels[0], 0);
});

test("bad input, rejected at the call (before iterating): batchSize 0 or 2.5, labels of the wrong length, x not a tensor, seed 0.5", () => {
  assert.throws(() => batches(data, 0), /batches: argument 'batchSize' expected an integer >= 1, got 0/);
  assert.throws(() => batches(data, 2.5), InputError);
  assert.throws(() => batches({ x: data.x, labels: [1, 2] }, 2), /expected 10 labels/);
  assert.throws(() => batches({ x: [[1]] as unknown as Tensor, labels: [0] }, 1), InputError);
  assert.throws(() => batches(data, 2, { seed: 0.5 }), InputError);
});
