import { test } from "node:test";
import assert from "node:assert/strict";
import { Random, rng } from "../src/random";
import { InputError } from "../src/errors";

test("seed 42: two generators give the same stream; forks are independent but reproducible", () => {
  const a = new Random(42);
  const b = new Random(42);
  const xs = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.deepEqual(new Random(1).fork().next(), new Random(1).fork().next());
});

test("permutation(1000) holds each index once; shuffle is seeded", () => {
  const p = new Random(7).permutation(1000);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(rng(7).permutation(1000), p);
  assert.notDeepEqual(rng(8).permutation(1000), p);
});

test("uniform(−2, 3) and int(6) stay in range; normal(5, 2) has mean ≈ 5 and std ≈ 2", () => {
  const r = new Random(3);
  for (let i = 0; i < 1000; i++) {
    const u = r.uniform(-2, 3);
    assert.ok(u >= -2 && u < 3);
    const k = r.int(6);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
  }
  const n = Array.from({ length: 20000 }, () => r.normal(5, 2));
  const mean = n.reduce((a, b) => a + b, 0) / n.length;
  const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
  assert.ok(Math.abs(mean - 5) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
});

test("bad input: non-integer seed, empty range, negative std, n = 0", () => {
  for (const f of [() => new Random(1.5), () => rng(1).uniform(1, 1), () => rng(1).normal(0, -1), () => rng(1).int(0)]) {
    assert.throws(f, InputError);
  }
});
