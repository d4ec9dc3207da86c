import { test } from "node:test";
import assert from "node:assert/strict";
import { circlesData, spiralData, twoBlobs, xorData } from "../../src/data/toy";
import type { Dataset } from "../../src/data/index";
import { InputError } from "../../src/errors";

const norm = (d: Dataset, i: number) => Math.hypot(d.x.get(i, 0), d.x.get(i, 1));
const count = (d: Dataset, k: number) => d.labels.filter((l) => l === k).length;

function assertWellFormed(d: Dataset, n: number, k: number): void {
  assert.deepEqual(d.x.shape, [n, 2]);
  assert.equal(d.labels.length, n);
  assert.equal(d.classes.length, k);
  assert.ok(d.labels.every((l) => Number.isInteger(l) && l >= 0 && l < k));
  assert.ok(d.x.data.every(Number.isFinite));
}

const makers: [string, (seed: number) => Dataset][] = [
  ["xorData(200, noise 0.1)", (seed) => xorData(200, { noise: 0.1, seed })],
  ["circlesData(200, noise 0.05)", (seed) => circlesData(200, { noise: 0.05, seed })],
  ["spiralData(50, 3)", (seed) => spiralData(50, 3, { seed })],
  ["twoBlobs(200)", (seed) => twoBlobs(200, { seed })],
];
for (const [name, make] of makers) {
  test(`${name}: same seed gives the same points and labels, seed 1 different ones`, () => {
    const a = make(0);
    const b = make(0);
    const c = make(1);
    assert.deepEqual(b.x.shape, a.x.shape);
    assert.ok(b.x.allClose(a.x, 0));
    assert.deepEqual(b.labels, a.labels);
    assert.ok(!c.x.allClose(a.x, 1e-9));
  });
}

test("xorData(400) noise 0: x [400, 2] in [−1, 1]², label 1 exactly when the coordinates have opposite signs", () => {
  const d = xorData(400);
  assertWellFormed(d, 400, 2);
  for (let i = 0; i < 400; i++) {
    const [a, b] = [d.x.get(i, 0), d.x.get(i, 1)];
    assert.ok(Math.abs(a) <= 1 && Math.abs(b) <= 1);
    assert.equal(d.labels[i], a > 0 !== b > 0 ? 1 : 0);
  }
  assert.ok(count(d, 0) > 150 && count(d, 1) > 150);
});

test("circlesData(101) noise 0: x [101, 2], 50 points on the unit circle (label 0), 51 on radius 0.5 (label 1); factor 0.3", () => {
  const d = circlesData(101);
  assertWellFormed(d, 101, 2);
  assert.equal(count(d, 0), 50);
  assert.equal(count(d, 1), 51);
  for (let i = 0; i < 101; i++) assert.ok(Math.abs(norm(d, i) - (d.labels[i] === 0 ? 1 : 0.5)) < 1e-12);
  const e = circlesData(10, { factor: 0.3 });
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(norm(e, i) - (e.labels[i] === 0 ? 1 : 0.3)) < 1e-12);
});

test("spiralData(40, 4) noise 0: x [160, 2], 40 points per arm, radii 0, 1/39, …, 1 in each arm", () => {
  const d = spiralData(40, 4, { noise: 0 });
  assertWellFormed(d, 160, 4);
  for (let k = 0; k < 4; k++) {
    assert.equal(count(d, k), 40);
    const radii = d.labels.flatMap((l, i) => (l === k ? [norm(d, i)] : [])).sort((a, b) => a - b);
    radii.forEach((r, i) => assert.ok(Math.abs(r - i / 39) < 1e-12, `arm ${k} point ${i}: radius ${r}`));
  }
  assertWellFormed(spiralData(100), 300, 3);
});

test("twoBlobs(2000, std 0.3, centres (−2, 0) and (2, 1)): x [2000, 2], each blob's mean near its centre", () => {
  const d = twoBlobs(2000, { std: 0.3, centers: [[-2, 0], [2, 1]] });
  assertWellFormed(d, 2000, 2);
  const centres = [[-2, 0], [2, 1]];
  for (const k of [0, 1]) {
    const rows = d.labels.flatMap((l, i) => (l === k ? [i] : []));
    assert.equal(rows.length, 1000);
    for (const axis of [0, 1]) {
      const mean = rows.reduce((s, i) => s + d.x.get(i, axis), 0) / rows.length;
      assert.ok(Math.abs(mean - centres[k][axis]) < 0.05, `blob ${k} axis ${axis}: mean ${mean}`);
    }
  }
});

test("rows come shuffled: the first ten rows of circles and spirals hold more than one class", () => {
  assert.ok(new Set(circlesData(200).labels.slice(0, 10)).size > 1);
  assert.ok(new Set(spiralData(50, 3).labels.slice(0, 10)).size > 1);
});

test("bad input: n = 0, n = 1 for two-class sets, negative noise, factor 1, NaN std, 2.5 classes, malformed centres", () => {
  const bad: (() => unknown)[] = [
    () => xorData(0),
    () => circlesData(1),
    () => twoBlobs(1),
    () => xorData(10, { noise: -0.1 }),
    () => circlesData(10, { factor: 1 }),
    () => twoBlobs(10, { std: NaN }),
    () => spiralData(10, 2.5),
    () => spiralData(10, 3, { seed: 0.5 }),
    () => twoBlobs(10, { centers: [[0, 0]] as unknown as [[number, number], [number, number]] }),
  ];
  for (const f of bad) assert.throws(f, InputError);
  assert.throws(() => xorData(10, { noise: -1 }), /xorData: argument 'opts.noise' expected a number >= 0, got -1/);
});
