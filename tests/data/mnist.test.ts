import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadDigits, resizeArea } from "../../src/data/mnist";
import type { Dataset } from "../../src/data/index";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";

/** The package's raw digits, read here independently of the loader: per digit, a flat array of 784 values per image. */
const digitsDir = path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
const raw: number[][] = Array.from({ length: 10 }, (_, d) => JSON.parse(fs.readFileSync(path.join(digitsDir, `${d}.json`), "utf8")).data);
const perDigit = raw.map((r) => r.length / 784);

function imageHashes(d: Dataset): string[] {
  const px = d.x.size / d.x.shape[0];
  return Array.from({ length: d.x.shape[0] }, (_, i) =>
    createHash("sha1").update(Buffer.from(d.x.data.buffer, d.x.data.byteOffset + i * px * 8, px * 8)).digest("hex"),
  );
}

const splits28 = loadDigits();
const names = ["train", "validation", "test"] as const;

test("loadDigits() seed 0: x shapes [8000, 28, 28, 1], [1000, 28, 28, 1], [1000, 28, 28, 1], one label per image", () => {
  assert.deepEqual(splits28.train.x.shape, [8000, 28, 28, 1]);
  assert.deepEqual(splits28.validation.x.shape, [1000, 28, 28, 1]);
  assert.deepEqual(splits28.test.x.shape, [1000, 28, 28, 1]);
  for (const s of names) {
    assert.equal(splits28[s].labels.length, splits28[s].x.shape[0]);
    assert.equal(splits28[s].sourceIndex?.length, splits28[s].x.shape[0]);
    assert.deepEqual(splits28[s].classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  }
});

test("loadDigits() seed 0: the three splits are disjoint by source index and by pixel hash, and cover all 10,000 digits", () => {
  const all = names.flatMap((s) => splits28[s].sourceIndex as number[]);
  assert.equal(new Set(all).size, 10000);
  assert.ok(all.every((i) => Number.isInteger(i) && i >= 0 && i < 10000));
  const hashes = names.flatMap((s) => imageHashes(splits28[s]));
  assert.equal(new Set(hashes).size, 10000);
});

test("loadDigits() seed 0: labels are integers 0..9, every digit in every split, in proportion (stratified to within one)", () => {
  const total = perDigit.reduce((a, b) => a + b, 0);
  for (const s of names) {
    const d = splits28[s];
    assert.ok(d.labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9));
    const counts = Array.from({ length: 10 }, (_, k) => d.labels.filter((l) => l === k).length);
    counts.forEach((c, k) => {
      assert.ok(c > 0, `${s}: digit ${k} missing`);
      const share = (perDigit[k] * d.labels.length) / total;
      assert.ok(Math.abs(c - share) < 1, `${s}: digit ${k} ${c} vs proportional ${share}`);
    });
  }
});

test("loadDigits() seed 0: every image and label is the package's, pixels in [0, 1]", () => {
  const offsets = perDigit.map((_, d) => perDigit.slice(0, d).reduce((a, b) => a + b, 0));
  for (const s of names) {
    const d = splits28[s];
    assert.ok(d.x.data.every((v) => v >= 0 && v <= 1));
    d.sourceIndex?.forEach((src, i) => {
      const digit = offsets.filter((o) => o <= src).length - 1; // the file the image comes from
      assert.equal(d.labels[i], digit);
      if (i % 97 === 0) {
        const within = src - offsets[digit];
        assert.deepEqual(Array.from(d.x.data.subarray(i * 784, (i + 1) * 784)), raw[digit].slice(within * 784, (within + 1) * 784));
      }
    });
  }
});

test("loadDigits: same seed gives identical splits; seed 1 gives different ones", () => {
  const again = loadDigits({ seed: 0 });
  const other = loadDigits({ seed: 1 });
  for (const s of names) {
    assert.deepEqual(again[s].sourceIndex, splits28[s].sourceIndex);
    assert.deepEqual(again[s].labels, splits28[s].labels);
    assert.ok(again[s].x.allClose(splits28[s].x, 0));
    assert.notDeepEqual(other[s].sourceIndex, splits28[s].sourceIndex);
  }
  assert.notDeepEqual(new Set(other.test.sourceIndex), new Set(splits28.test.sourceIndex));
});

test("loadDigits({ size: 16 }) seed 0: x [8000, 16, 16, 1] of the same digits, mean brightness of each image preserved", () => {
  const s16 = loadDigits({ size: 16 });
  assert.deepEqual(s16.train.x.shape, [8000, 16, 16, 1]);
  assert.deepEqual(s16.validation.x.shape, [1000, 16, 16, 1]);
  assert.deepEqual(s16.test.x.shape, [1000, 16, 16, 1]);
  for (const s of names) {
    assert.deepEqual(s16[s].sourceIndex, splits28[s].sourceIndex);
    assert.deepEqual(s16[s].labels, splits28[s].labels);
    assert.ok(s16[s].x.data.every((v) => v >= -1e-12 && v <= 1 + 1e-12));
  }
  const mean28 = splits28.test.x.mean(1).mean(1).reshape([1000]);
  const mean16 = s16.test.x.mean(1).mean(1).reshape([1000]);
  const diff = mean16.maxAbsDiff(mean28);
  assert.ok(diff < 1e-9, `largest difference of per-image means ${diff}`);
  assert.ok(mean16.data.some((v) => v > 0.05), "images are not blank");
});

test("resizeArea x=[1,4,4,1] → 2×2: each output pixel is the mean of its 2×2 block", () => {
  const x = Tensor.arange(16).reshape([1, 4, 4, 1]);
  const y = resizeArea(x, 2, 2);
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  const block = (i: number, j: number) => (x.get(0, 2 * i, 2 * j, 0) + x.get(0, 2 * i, 2 * j + 1, 0) + x.get(0, 2 * i + 1, 2 * j, 0) + x.get(0, 2 * i + 1, 2 * j + 1, 0)) / 4;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(Math.abs(y.get(0, i, j, 0) - block(i, j)) < 1e-12);
});

test("resizeArea x=[1,3,3,2] → 2×2: a cell covers 1.5×1.5 pixels, the shared middle row/column weighted by half", () => {
  const x = Tensor.randn([1, 3, 3, 2], 5);
  const y = resizeArea(x, 2, 2);
  assert.deepEqual(y.shape, [1, 2, 2, 2]);
  // weights along one axis: cell 0 = (1, 0.5, 0) / 1.5, cell 1 = (0, 0.5, 1) / 1.5
  const w = [
    [1 / 1.5, 0.5 / 1.5, 0],
    [0, 0.5 / 1.5, 1 / 1.5],
  ];
  for (let o = 0; o < 2; o++)
    for (let p = 0; p < 2; p++)
      for (let c = 0; c < 2; c++) {
        let want = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) want += w[o][i] * w[p][j] * x.get(0, i, j, c);
        assert.ok(Math.abs(y.get(0, o, p, c) - want) < 1e-12, `out[0, ${o}, ${p}, ${c}]`);
      }
});

test("bad input: size 20, seed 1.5, options not an object (null means the defaults); resizeArea upsampling or rank 2", () => {
  assert.throws(() => loadDigits({ size: 20 as 28 }), /loadDigits: argument 'opts.size' expected 28 or 16, got 20/);
  assert.throws(() => loadDigits({ seed: 1.5 }), InputError);
  assert.throws(() => loadDigits(5 as unknown as {}), /loadDigits: argument 'opts' expected an options object \(or null\/undefined for the defaults\), got 5/);
  assert.deepEqual(loadDigits(null as unknown as {}).test.labels.slice(0, 20), loadDigits().test.labels.slice(0, 20));
  assert.throws(() => resizeArea(Tensor.zeros([1, 4, 4, 1]), 8, 8), /at most the input's 4×4/);
  assert.throws(() => resizeArea(Tensor.zeros([4, 4]), 2, 2), InputError);
  assert.throws(() => resizeArea(Tensor.zeros([1, 4, 4, 1]), 0, 2), InputError);
});
