import { test } from "node:test";
import assert from "node:assert/strict";
import { matchScore, xoFilters, xoImages } from "../../src/data/xo";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";

const d = xoImages();
const picture = (variant: string): Tensor => {
  const i = d.variants.indexOf(variant);
  assert.ok(i >= 0, `variant ${variant}`);
  return d.x.row(i).reshape([9, 9]);
};
const ink = (t: Tensor) => t.data.filter((v) => v > 0).length;
/** The 3×3 window of a 9×9 picture with top-left corner (i, j). */
const window3 = (img: Tensor, i: number, j: number) => Tensor.from([0, 1, 2].map((a) => [0, 1, 2].map((b) => img.get(i + a, j + b))));

test("xoImages(): x [18, 9, 9, 1] with pixels ±1, nine X (label 0) and nine O (label 1)", () => {
  assert.deepEqual(d.x.shape, [18, 9, 9, 1]);
  assert.ok(d.x.data.every((v) => v === 1 || v === -1));
  assert.deepEqual(d.classes, ["X", "O"]);
  assert.equal(d.labels.length, 18);
  assert.equal(d.labels.filter((l) => l === 0).length, 9);
  assert.equal(d.labels.filter((l) => l === 1).length, 9);
  assert.equal(d.variants.length, 18);
  d.variants.forEach((v, i) => assert.ok(v.startsWith(d.classes[d.labels[i]] + " "), v));
  assert.equal(new Set(d.variants).size, 18);
});

test("all 18 pictures differ; the canonical X and O leave a blank border, so one-pixel shifts keep all their ink", () => {
  const keys = Array.from({ length: 18 }, (_, i) => d.x.row(i).toList().join(","));
  assert.equal(new Set(keys).size, 18);
  for (const c of ["X", "O"]) {
    const canon = picture(`${c} canonical`);
    for (let k = 0; k < 9; k++) {
      for (const [i, j] of [[0, k], [8, k], [k, 0], [k, 8]]) assert.equal(canon.get(i, j), -1, `${c} border (${i}, ${j})`);
    }
    assert.ok(ink(canon) > 10);
  }
});

test("shifted variants: differ from the canonical picture and are it moved by one pixel, same ink", () => {
  const moves: [string, number, number][] = [["up", -1, 0], ["down", 1, 0], ["left", 0, -1], ["right", 0, 1]];
  for (const c of ["X", "O"]) {
    const canon = picture(`${c} canonical`);
    for (const [name, dy, dx] of moves) {
      const s = picture(`${c} shifted ${name}`);
      assert.ok(s.maxAbsDiff(canon) > 0, `${c} shifted ${name} differs`);
      assert.equal(ink(s), ink(canon));
      for (let i = 0; i < 9; i++)
        for (let j = 0; j < 9; j++) {
          const si = i - dy;
          const sj = j - dx;
          const want = si >= 0 && si < 9 && sj >= 0 && sj < 9 ? canon.get(si, sj) : -1;
          assert.equal(s.get(i, j), want, `${c} shifted ${name} (${i}, ${j})`);
        }
    }
  }
});

test("thicker, rotated and deformed variants differ from the canonical picture; thicker keeps its ink and adds more", () => {
  for (const c of ["X", "O"]) {
    const canon = picture(`${c} canonical`);
    const thick = picture(`${c} thicker`);
    assert.ok(ink(thick) > ink(canon));
    canon.data.forEach((v, k) => v > 0 && assert.equal(thick.data[k], 1));
    for (const v of ["rotated +15°", "rotated −15°", "deformed"]) assert.ok(picture(`${c} ${v}`).maxAbsDiff(canon) > 0, `${c} ${v}`);
  }
  // the two rotations of the X mirror each other left to right (the X is symmetric)
  const plus = picture("X rotated +15°");
  const minus = picture("X rotated −15°");
  for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.equal(plus.get(i, j), minus.get(i, 8 - j));
});

test("xoFilters(): w [3, 3, 1, 3]; each kernel ±1, its slice of w; the diagonals mirror each other, the crossing is their union", () => {
  const f = xoFilters();
  assert.deepEqual(f.w.shape, [3, 3, 1, 3]);
  assert.equal(f.names.length, 3);
  assert.equal(f.kernels.length, 3);
  f.kernels.forEach((k, n) => {
    assert.deepEqual(k.shape, [3, 3]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(f.w.get(i, j, 0, n), k.get(i, j));
    assert.ok(k.data.every((v) => v === 1 || v === -1));
  });
  const [back, cross, fwd] = f.kernels;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      assert.equal(back.get(i, j), fwd.get(i, 2 - j));
      assert.equal(cross.get(i, j), Math.max(back.get(i, j), fwd.get(i, j)));
    }
  assert.equal(back.get(0, 0), 1);
  assert.equal(back.get(0, 2), -1);
});

test("matchScore = mean of pixel-by-pixel products, on random 3×3 and 2×4 tensors", () => {
  for (const [shape, seed] of [[[3, 3], 1], [[2, 4], 2]] as const) {
    const a = Tensor.randn([...shape], seed);
    const b = Tensor.randn([...shape], seed + 10);
    let sum = 0;
    for (let k = 0; k < a.size; k++) sum += a.data[k] * b.data[k];
    assert.ok(Math.abs(matchScore(a, b) - sum / a.size) < 1e-15);
  }
});

test("matchScore on the canonical X: 1 on a diagonal stroke, −1 against its negative; the crossing window scores (agree − disagree)/9 = 0.55… against a diagonal", () => {
  const X = picture("X canonical");
  const [back, cross] = xoFilters().kernels;
  // the top-left arm of the X, rows 1..3 and columns 1..3, is the "\" diagonal exactly
  assert.equal(matchScore(window3(X, 1, 1), back), 1);
  assert.equal(matchScore(window3(X, 1, 1), back.neg()), -1);
  // the centre of the X, rows 3..5 and columns 3..5, is the crossing
  const centre = window3(X, 3, 3);
  assert.equal(matchScore(centre, cross), 1);
  let agree = 0;
  for (let k = 0; k < 9; k++) if (centre.data[k] === back.data[k]) agree++;
  assert.equal(agree, 7);
  const score = matchScore(centre, back);
  assert.ok(Math.abs(score - (agree - (9 - agree)) / 9) < 1e-15);
  assert.equal(Math.floor(score * 100) / 100, 0.55); // the lecture's partial match
});

test("bad input: shapes that differ, NaN in the window, not a tensor", () => {
  assert.throws(() => matchScore(Tensor.zeros([3, 3]), Tensor.zeros([2, 2])), /matchScore: argument 'filter' expected shape \[3, 3\]/);
  assert.throws(() => matchScore(Tensor.zeros([9]), Tensor.zeros([3, 3])), InputError);
  const nan = Tensor.zeros([3, 3]);
  nan.data[4] = NaN;
  assert.throws(() => matchScore(nan, Tensor.zeros([3, 3])), /NaN/);
  assert.throws(() => matchScore([[1]] as unknown as Tensor, Tensor.zeros([1, 1])), InputError);
});
