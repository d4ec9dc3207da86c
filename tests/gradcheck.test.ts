import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Tensor } from "../src/tensor";
import { gradCheck, gradCheckModel, numericalGradient, numericalGradientWithUpstream, relativeError } from "../src/gradcheck";
import type { Checkable } from "../src/gradcheck";
import { Dense } from "../src/layers/dense";
import { Sigmoid, Tanh } from "../src/layers/activations";
import { Dropout } from "../src/layers/dropout";
import { assertInputError, size } from "./layers/helpers";

test("numericalGradient of f = Σ (x³ + x) is 3x² + 1 (100 random shapes), and x is restored bit for bit", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(size(4)), { minLength: 1, maxLength: 3 }), fc.integer(), (shape, seed) => {
      const x = Tensor.randn(shape, seed);
      const before = x.data.slice();
      const g = numericalGradient(() => x.pow(3).add(x).sum().item(), x);
      assert.deepEqual(g.shape, shape);
      assert.ok(relativeError(g, x.pow(2).scale(3).add(1)) < 1e-7);
      assert.deepEqual(x.data, before);
    }),
    { numRuns: 100, seed: 61 },
  );
});

test("numericalGradientWithUpstream of f = sin(x) with dout is cos(x) ⊙ dout (the array version)", () => {
  const x = Tensor.randn([3, 4], 1);
  const dout = Tensor.randn([3, 4], 2);
  const g = numericalGradientWithUpstream(() => x.map(Math.sin), x, dout);
  assert.deepEqual(g.shape, [3, 4]);
  assert.ok(relativeError(g, x.map(Math.cos).mul(dout)) < 1e-7);
});

test("x is restored even when f throws halfway", () => {
  const x = Tensor.from([1, 2, 3]);
  let calls = 0;
  assert.throws(() =>
    numericalGradient(() => {
      if (++calls === 3) throw new Error("boom");
      return x.sum().item();
    }, x),
  );
  assert.deepEqual(x.toList(), [1, 2, 3]);
});

test("relativeError: max_i |a−b| / max(|a|+|b|, 1e-8); equal → 0; both zero → 0", () => {
  assert.equal(relativeError(Tensor.from([1, 2]), Tensor.from([1, 2])), 0);
  assert.equal(relativeError(Tensor.from([1, 2]), Tensor.from([3, 2])), 2 / 4);
  assert.equal(relativeError(Tensor.from([0, 0]), Tensor.from([0, 0])), 0);
  assert.equal(relativeError(Tensor.from([0]), Tensor.from([1e-10])), 1e-10 / 1e-8);
  assert.ok(Math.abs(relativeError(Tensor.from([1, 10]), Tensor.from([1.1, 10])) - 0.1 / 2.1) < 1e-15);
});

test("gradCheck: a right gradient is OK, a wrong one (3x² instead of 3x² + 1 for Σ (x³ + x)) is NOT OK", () => {
  const x = Tensor.randn([4], 3);
  const f = () => x.pow(3).add(x).sum().item();
  const good = gradCheck(f, x, x.pow(2).scale(3).add(1));
  assert.equal(good.ok, true);
  assert.ok(good.maxRelError < 1e-7);
  assert.match(good.summary, /: OK$/);
  assert.deepEqual(good.numeric.shape, [4]);
  const bad = gradCheck(f, x, x.pow(2).scale(3));
  assert.equal(bad.ok, false);
  assert.ok(bad.maxRelError > 1e-2);
  assert.match(bad.summary, /NOT OK$/);
  // a tensor-valued f: dout defaults to ones, i.e. the gradient of Σ f
  const t = gradCheck(() => x.map(Math.exp), x, x.map(Math.exp));
  assert.equal(t.ok, true);
});

test("gradCheckModel: a Dense layer and a hand-chained Dense → Tanh → Dropout (evaluation) → Dense → Sigmoid stack pass for dx and every parameter", () => {
  const dense = new Dense(4, 3, { seed: 1 });
  const r = gradCheckModel(dense, Tensor.randn([5, 4], 2));
  assert.deepEqual(Object.keys(r.results), ["dx", "W", "b"]);
  assert.ok(r.ok, r.summary);
  assert.deepEqual(r.results.W.analytic.shape, [4, 3]);

  // a tiny network in the shape of Network's API: backward returns a BackwardTrace-like object
  const layers = [new Dense(3, 4, { seed: 3 }), new Tanh(), new Dropout(0.5), new Dense(4, 2, { seed: 4 }), new Sigmoid()];
  const net: Checkable = {
    forward: (x, opts) => ({ out: layers.reduce((a, l) => l.forward(a, opts).out, x) }),
    backward: (dout) => {
      const steps: { dx: Tensor }[] = [];
      let d = dout;
      for (const l of [...layers].reverse()) {
        d = l.backward(d).dx;
        steps.push({ dx: d });
      }
      return { kind: "backward", loss: null, steps };
    },
    params: () => layers.flatMap((l) => l.params()),
  };
  const rn = gradCheckModel(net, Tensor.randn([2, 3], 5), { seed: 6, h: 1e-4 });
  assert.deepEqual(Object.keys(rn.results), ["dx", "0:W", "1:b", "2:W", "3:b"]);
  assert.ok(rn.ok, rn.summary);
  assert.ok(rn.maxRelError < 1e-7);
});

test("gradCheckModel catches a wrong backward", () => {
  const inner = new Dense(3, 2, { seed: 1 });
  const broken: Checkable = {
    forward: (x, o) => inner.forward(x, o),
    backward: (dout) => ({ dx: inner.backward(dout).dx.scale(2) }), // wrong by a factor 2
    params: () => [],
  };
  const r = gradCheckModel(broken, Tensor.randn([2, 3], 1));
  assert.equal(r.ok, false);
  assert.ok(Math.abs(r.results.dx.maxRelError - 1 / 3) < 1e-6, "|2g − g| / (|2g| + |g|) = 1/3");
});

test("bad input: gradcheck functions name the function and the argument", () => {
  const x = Tensor.randn([3], 1);
  assertInputError(() => numericalGradient(() => 1, x, 0), "numericalGradient", "h");
  assertInputError(() => numericalGradient(() => NaN, x), "numericalGradient", "f");
  assertInputError(() => numericalGradient("f" as never, x), "numericalGradient", "f");
  assertInputError(() => numericalGradient(() => 1, [1, 2] as never), "numericalGradient", "x");
  assertInputError(() => numericalGradientWithUpstream(() => x, x, Tensor.randn([4], 1)), "numericalGradientWithUpstream", "dout");
  assertInputError(() => relativeError(x, Tensor.randn([3, 1], 1)), "relativeError", "b");
  assertInputError(() => gradCheck(() => 1, x, Tensor.randn([2], 1)), "gradCheck", "analytic");
  assertInputError(() => gradCheck(() => 1, x, x, { tolerance: -1 }), "gradCheck", "tolerance");
  assertInputError(() => gradCheckModel({} as never, x), "gradCheckModel", "model");
  assertInputError(() => gradCheckModel(new Dense(3, 2), Tensor.randn([1, 3], 1), { dout: Tensor.randn([2, 2], 1) }), "gradCheckModel", "dout");
});

test("a gradient holding NaN or ±Infinity anywhere never passes: relativeError is NaN, the verdict names the first bad value", () => {
  const x = Tensor.from([1, 2]);
  // Tensor.from refuses NaN: a backward that produced one builds its tensor from raw data like this
  const raw = (a: number, b: number) => new Tensor(Float64Array.of(a, b), [2]);
  const f = () => x.data[0] * x.data[0] + x.data[1]; // ∂f/∂x = [2x₀, 1] = [2, 1]
  // the NaN first, then a finite element that used to overwrite it
  for (const [bad, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]] as const) {
    const analytic = raw(bad, 1);
    assert.ok(Number.isNaN(relativeError(analytic, Tensor.from([2, 1]))));
    assert.ok(Number.isNaN(relativeError(Tensor.from([2, 1]), analytic)));
    const r = gradCheck(f, x, analytic);
    assert.equal(r.ok, false);
    assert.equal(r.summary, `NOT OK: the analytic gradient is ${shown} at flat index 0`);
  }
  // the same check with the right gradient passes
  assert.equal(gradCheck(f, x, Tensor.from([2, 1])).ok, true);
  // a NaN in the last position too
  assert.equal(gradCheck(f, x, raw(2, NaN)).summary, "NOT OK: the analytic gradient is NaN at flat index 1");
});
