/**
 * What a CNN learned: filters as Tensors, every layer's maps for one digit (checked against the
 * step-by-step conv2d and max pooling with the same weights), and gradient ascent on the input.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { loadDigits } from "../../src/data";
import { InputError } from "../../src/errors";
import { conv2dNaive } from "../../src/layers/conv";
import { maxPoolForward } from "../../src/layers/pool";
import { Tensor } from "../../src/tensor";
import { lectureCnn } from "../../src/tf/models";
import { dream, featureMaps, filterActivation, firstLayerFilters, layerFilters, maximizeFilter } from "../../src/tf/visualize";
import { assertClose, use } from "./helpers";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";

const digit = loadDigits().test.x.row(0); // [28, 28, 1]

before(async () => use("wasm"));

test("firstLayerFilters(lectureCnn) = conv1's kernel [3, 3, 1, 25]; layerFilters(conv2) [3, 3, 25, 50]", () => {
  const m = lectureCnn({ seed: 2 });
  const f = firstLayerFilters(m);
  assert.deepEqual(f.shape, [3, 3, 1, 25]);
  assert.deepEqual(Array.from(f.data), Array.from(m.getLayer("conv1").getWeights()[0].dataSync()));
  assert.deepEqual(layerFilters(m, "conv2").shape, [3, 3, 25, 50]);
  assert.throws(() => layerFilters(m, "pool1"), /layerFilters: argument 'layerName' expected a Conv2D layer, got "pool1", a MaxPooling2D/);
  m.dispose();
});

test("featureMaps of one digit: a [H', W', F] map per layer, conv1 = conv2dNaive and pool1 = maxPoolForward with the same weights", () => {
  const m = lectureCnn({ seed: 2 });
  const maps = featureMaps(m, digit);
  assert.deepEqual(
    maps.map((f) => `${f.layer}:${f.type}:[${f.maps.shape}]`),
    ["conv1:Conv2D:[26,26,25]", "pool1:MaxPooling2D:[13,13,25]", "conv2:Conv2D:[11,11,50]", "pool2:MaxPooling2D:[5,5,50]", "flatten:Flatten:[1250]", "dense1:Dense:[100]", "dense2:Dense:[10]"],
  );
  const [w, b] = m.getLayer("conv1").getWeights().map((t) => fromTfTensor(t));
  const x = digit.reshape([1, 28, 28, 1]).map(Math.fround);
  const ours = conv2dNaive(x, w, b.reshape([25])).out;
  assertClose(maps[0].maps.data, ours.data, 1e-6, "conv1 maps vs conv2dNaive");
  const pooled = maxPoolForward(ours, { size: 2 }).out;
  assertClose(maps[1].maps.data, pooled.data, 1e-6, "pool1 maps vs maxPoolForward");
  const probs = maps[6].maps;
  assert.ok(Math.abs(probs.sum().item() - 1) < 1e-5, "the last layer's output is a probability vector");
  // a batch of one gives the same maps
  assert.deepEqual(featureMaps(m, digit.reshape([1, 28, 28, 1]))[2].maps.data, maps[2].maps.data);
  m.dispose();
});

test("maximizeFilter(conv2, filter 7): an image [1, 28, 28, 1] in [0, 1] that excites the filter far more than its noisy start; seeded", () => {
  const m = lectureCnn({ seed: 2, convActivation: "relu" });
  const img = maximizeFilter(m, "conv2", 7, { steps: 40, seed: 3 });
  assert.deepEqual(img.shape, [1, 28, 28, 1]);
  assert.ok(img.min().item() >= 0 && img.max().item() <= 1, "clipped to [0, 1]");
  const start = maximizeFilter(m, "conv2", 7, { steps: 1, lr: 1e-9, seed: 3 }); // one negligible step: the start
  const [a0] = filterActivation(m, "conv2", 7, start);
  const [a1] = filterActivation(m, "conv2", 7, img);
  assert.ok(a1 > a0 + 0.1, `activation ${a0.toFixed(4)} → ${a1.toFixed(4)}`);
  assert.deepEqual(maximizeFilter(m, "conv2", 7, { steps: 40, seed: 3 }).data, img.data, "same seed, same image");
  m.dispose();
});

test("bad input: unknown layer (the names are listed), filter out of range, a batch of images where one is expected", () => {
  const m = lectureCnn();
  assert.throws(() => maximizeFilter(m, "conv9", 0), (e: unknown) => e instanceof InputError && /expected the name of one of the model's layers \("conv1", "pool1", "conv2"/.test(e.message));
  assert.throws(() => maximizeFilter(m, "conv1", 25), /maximizeFilter: argument 'filter' expected a filter index in \[0, 24\] \(layer "conv1" has 25\), got 25/);
  assert.throws(() => featureMaps(m, loadDigits().test.x.slice0(0, 2)), /featureMaps: argument 'image' expected ONE image \[28, 28, 1\].*x\.row\(i\)/);
  assert.throws(() => featureMaps(m, digit.reshape([28, 28])), /featureMaps: argument 'image'.*x\.reshape\(\[1, 28, 28, 1\]\)/);
  m.dispose();
});

test("dream(conv2) from a digit: the layer's ½·mean(y²) rises step by step, the image stays in [0, 1], the digit's shape [1, 28, 28, 1]; steps 0 returns the digit", () => {
  const m = lectureCnn({ seed: 2, convActivation: "relu" });
  const { image, objective } = dream(m, "conv2", digit, { steps: 10, lr: 0.02 });
  assert.deepEqual(image.shape, [1, 28, 28, 1]);
  assert.equal(objective.length, 11);
  assert.ok(image.min().item() >= 0 && image.max().item() <= 1, "clipped to [0, 1]");
  assert.ok(objective[10] > objective[0] * 1.05, `objective ${objective[0]} → ${objective[10]}`);
  const unchanged = dream(m, "conv2", digit, { steps: 0 });
  assert.deepEqual(unchanged.image.shape, [1, 28, 28, 1]);
  assert.deepEqual(Array.from(unchanged.image.data), Array.from(digit.data).map(Math.fround));
  assert.throws(() => dream(m, "conv2", digit, { lr: 0 }), /dream: argument 'opts.lr' expected a number > 0, got 0/);
  assert.throws(() => dream(m, "conv9", digit), (e: unknown) => e instanceof InputError && /dream: argument 'layerName'/.test(e.message));
  m.dispose();
});
