/**
 * Tensor ⇄ tf.Tensor: values (rounded to float32) and shapes survive, and nothing leaks —
 * tf.memory().numTensors is the same after 1,000 round trips, on wasm and on cpu.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";
import { batchTensor, fromTfTensor, oneHotTf, toTfTensor, viaTf } from "../../src/tf/convert";
import { CI_BACKENDS, use } from "./helpers";

for (const backend of CI_BACKENDS) {
  test(`${backend}: x=[2,3,4] → tf → Tensor keeps the shape and the float32-rounded values`, async () => {
    await use(backend);
    const x = Tensor.randn([2, 3, 4], 1);
    const t = toTfTensor(x);
    assert.deepEqual(t.shape, [2, 3, 4]);
    assert.equal(t.dtype, "float32");
    const back = fromTfTensor(t, { dispose: true });
    assert.ok(t.isDisposed);
    assert.deepEqual(back.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(back.data), Array.from(x.data, Math.fround));
  });

  test(`${backend}: 1,000 round trips (toTfTensor/fromTfTensor, viaTf) leave tf.memory().numTensors unchanged`, async () => {
    await use(backend);
    const x = Tensor.randn([8, 5, 5, 2], 2);
    const w = Tensor.randn([3, 3, 2, 4], 3);
    const before = tf.memory().numTensors;
    let y: Tensor | null = null;
    for (let i = 0; i < 1000; i++) {
      fromTfTensor(toTfTensor(x), { dispose: true });
      y = viaTf([x, w], (tx, tw) => tf.relu(tf.conv2d(tx as tf.Tensor4D, tw as tf.Tensor4D, 1, "same")));
    }
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(y?.shape, [8, 5, 5, 4]);
  });
}

test("viaTf with several outputs returns Tensors in order and disposes all", async () => {
  await use("wasm");
  const before = tf.memory().numTensors;
  const [s, p] = viaTf([Tensor.from([[1, 2], [3, 4]])], (a) => [tf.sum(a, 0), tf.prod(a, 1)]);
  assert.deepEqual(s.toList(), [4, 6]);
  assert.deepEqual(p.toList(), [2, 12]);
  assert.equal(tf.memory().numTensors, before);
});

test("batchTensor x=[5,2,2,1] rows [3,0] (gathered) and rows 1..2 (contiguous); oneHotTf labels [2,0] k=3", async () => {
  await use("wasm");
  const values = Float32Array.from({ length: 20 }, (_, i) => i);
  const gathered = batchTensor(values, [2, 2, 1], [4, 3, 0, 1, 2], 1, 3);
  assert.deepEqual(gathered.shape, [2, 2, 2, 1]);
  assert.deepEqual(Array.from(gathered.dataSync()), [12, 13, 14, 15, 0, 1, 2, 3]);
  const rows = batchTensor(values, [2, 2, 1], null, 1, 3);
  assert.deepEqual(Array.from(rows.dataSync()), [4, 5, 6, 7, 8, 9, 10, 11]);
  const y = oneHotTf([2, 0], 3);
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 1, 1, 0, 0]);
  tf.dispose([gathered, rows, y]);
});

test("bad input: fromTfTensor of a non-tensor or a disposed one; toTfTensor of an array; labels out of range", async () => {
  await use("wasm");
  assert.throws(() => fromTfTensor([1, 2] as unknown as tf.Tensor), (e: unknown) => e instanceof InputError && /fromTfTensor: argument 't' expected a TensorFlow.js tensor, got an array of length 2/.test(e.message));
  const t = tf.tensor([1]);
  t.dispose();
  assert.throws(() => fromTfTensor(t), /expected a live TensorFlow.js tensor, got a disposed one/);
  assert.throws(() => toTfTensor([1] as unknown as Tensor), /toTfTensor: argument 't' expected a Tensor/);
  assert.throws(() => oneHotTf([0, 3], 3), /oneHotTf: argument 'labels' expected integers in \[0, 2\], got 3 at 1/);
  assert.throws(() => batchTensor(new Float32Array(8), [2, 2], null, 1, 3), /batchTensor: argument 'start\/end' expected 0 <= start < end <= 2/);
});
