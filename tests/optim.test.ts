import { test } from "node:test";
import assert from "node:assert/strict";
import { Adam, SGD } from "../src/optim";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";
import type { Param } from "../src/layers/layer";

function param(name: string, values: number[], grads: number[], decay = true): Param {
  return { name, value: Tensor.fromArray(values, [values.length]), grad: Tensor.fromArray(grads, [grads.length]), decay };
}

test("SGD lr=0.1, no momentum, w=[1,-2,3] g=[0.5,-1,0]: w moves by exactly −lr·g", () => {
  const p = param("W", [1, -2, 3], [0.5, -1, 0]);
  const before = p.value.clone();
  const valueObject = p.value;
  new SGD({ lr: 0.1 }).step([p]);
  assert.deepEqual(p.value.shape, [3]);
  assert.equal(p.value, valueObject, "updated in place");
  assert.deepEqual(p.value.toList(), before.toList().map((w, i) => w - 0.1 * p.grad.data[i]));
});

test("SGD lr=0.1 momentum=0.9 with a constant g=[1]: steps −lr·g, −lr·g·(1+μ), −lr·g·(1+μ+μ²)", () => {
  const p = param("W", [0], [1]);
  const opt = new SGD({ lr: 0.1, momentum: 0.9 });
  const moves: number[] = [];
  for (let t = 0; t < 3; t++) {
    const w0 = p.value.data[0];
    opt.step([p]);
    moves.push(p.value.data[0] - w0);
  }
  const mu = 0.9;
  const expected = [1, 1 + mu, 1 + mu + mu * mu].map((k) => -0.1 * k);
  moves.forEach((m, i) => assert.ok(Math.abs(m - expected[i]) < 1e-15, `step ${i + 1}: ${m} vs ${expected[i]}`));
  opt.reset();
  const w0 = p.value.data[0];
  opt.step([p]);
  assert.ok(Math.abs(p.value.data[0] - w0 - -0.1) < 1e-15, "reset forgets the velocity");
});

test("SGD Nesterov lr=0.1 μ=0.9, constant g=[1]: first step −lr·g·(1+μ), and it minimizes f(w)=w²", () => {
  const p = param("W", [0], [1]);
  new SGD({ lr: 0.1, momentum: 0.9, nesterov: true }).step([p]);
  assert.ok(Math.abs(p.value.data[0] - -0.1 * 1.9) < 1e-15);
  const q = param("W", [5], [0]);
  const opt = new SGD({ lr: 0.05, momentum: 0.9, nesterov: true });
  for (let t = 0; t < 300; t++) {
    q.grad.data[0] = 2 * q.value.data[0];
    opt.step([q]);
  }
  assert.ok(Math.abs(q.value.data[0]) < 1e-6);
});

test("Adam lr=0.01, first step on g=[3,-0.2,1e-3,0]: each weight moves by ≈ −lr·sign(g) (bias correction), 0 stays", () => {
  const g = [3, -0.2, 1e-3, 0];
  const p = param("W", [1, 1, 1, 1], g);
  new Adam({ lr: 0.01 }).step([p]);
  p.value.toList().forEach((w, i) => {
    const move = w - 1;
    // m̂ = g, ŝ = g² after one step: the move is −lr·g/(|g| + ε)
    assert.ok(Math.abs(move - (-0.01 * g[i]) / (Math.abs(g[i]) + 1e-8)) < 1e-15, `weight ${i}: ${move}`);
    if (g[i] !== 0) assert.ok(Math.abs(move + 0.01 * Math.sign(g[i])) < 1e-6, `weight ${i}: ${move}`);
  });
});

test("Adam lr=0.1 minimizes the quadratic f(w) = Σ a_i (w_i − c_i)² from w=0 (gradient 2a(w − c))", () => {
  const a = [1, 10, 0.1];
  const c = [3, -2, 0.5];
  const p = param("W", [0, 0, 0], [0, 0, 0]);
  const opt = new Adam({ lr: 0.1 });
  const f = () => p.value.toList().reduce((s, w, i) => s + a[i] * (w - c[i]) ** 2, 0);
  const f0 = f();
  for (let t = 0; t < 2000; t++) {
    p.value.data.forEach((w, i) => (p.grad.data[i] = 2 * a[i] * (w - c[i])));
    opt.step([p]);
  }
  assert.ok(f() < 1e-6 * f0, `f went from ${f0} to ${f()}`);
  p.value.toList().forEach((w, i) => assert.ok(Math.abs(w - c[i]) < 1e-3, `w${i} = ${w}, c = ${c[i]}`));
});

test("L2 decay λ=0.1, lr=0.5, zero gradients: weights shrink by (1 − lr·λ) each step, biases (decay: false) stay", () => {
  const W = param("W", [2, -4], [0, 0], true);
  const b = param("b", [2, -4], [0, 0], false);
  const opt = new SGD({ lr: 0.5, weightDecay: { l2: 0.1 } });
  opt.step([W, b]);
  opt.step([W, b]);
  assert.deepEqual(b.value.toList(), [2, -4]);
  const k = (1 - 0.5 * 0.1) ** 2;
  W.value.toList().forEach((w, i) => assert.ok(Math.abs(w - [2, -4][i] * k) < 1e-15));
  assert.deepEqual(W.grad.toList(), [0, 0], "the decay does not write into grad");
});

test("L1 decay λ=0.1, lr=0.5, zero gradients: weights move toward 0 by lr·λ per step, whatever their size", () => {
  const W = param("W", [2, -4, 0], [0, 0, 0]);
  const opt = new SGD({ lr: 0.5, weightDecay: { l1: 0.1 } });
  for (let t = 0; t < 4; t++) opt.step([W]);
  const expected = [2 - 4 * 0.05, -4 + 4 * 0.05, 0];
  W.value.toList().forEach((w, i) => assert.ok(Math.abs(w - expected[i]) < 1e-14, `${w} vs ${expected[i]}`));
});

test("Adam with L2 decay shrinks a weight with zero gradient toward 0, not a bias", () => {
  const W = param("W", [1], [0]);
  const b = param("b", [1], [0], false);
  const opt = new Adam({ lr: 0.01, weightDecay: { l2: 0.5 } });
  for (let t = 0; t < 10; t++) opt.step([W, b]);
  assert.ok(W.value.data[0] < 1 && W.value.data[0] > 0);
  assert.equal(b.value.data[0], 1);
});

test("rejected: lr ≤ 0 or NaN, momentum outside [0,1), Nesterov without momentum, bad betas/eps/decay, NaN gradients, mismatched grad shape", () => {
  const bad: [string, () => unknown, RegExp][] = [
    ["lr 0", () => new SGD({ lr: 0 }), /SGD: argument 'lr'/],
    ["lr -1", () => new SGD({ lr: -1 }), /lr/],
    ["lr NaN", () => new Adam({ lr: NaN }), /Adam: argument 'lr'/],
    ["momentum 1", () => new SGD({ lr: 0.1, momentum: 1 }), /momentum.*\[0, 1\)/],
    ["momentum -0.1", () => new SGD({ lr: 0.1, momentum: -0.1 }), /momentum/],
    ["nesterov without momentum", () => new SGD({ lr: 0.1, nesterov: true }), /nesterov/],
    ["beta1 1", () => new Adam({ beta1: 1 }), /beta1/],
    ["beta2 -0.5", () => new Adam({ beta2: -0.5 }), /beta2/],
    ["eps 0", () => new Adam({ eps: 0 }), /eps/],
    ["l2 negative", () => new SGD({ lr: 0.1, weightDecay: { l2: -1 } }), /weightDecay\.l2/],
    ["no options", () => new SGD(undefined as unknown as { lr: number }), /options/],
    ["lr set to 0 later", () => (new SGD({ lr: 0.1 }).lr = 0), /lr/],
  ];
  for (const [what, f, msg] of bad) assert.throws(f, (e: unknown) => e instanceof InputError && msg.test(e.message), what);
  const opt = new SGD({ lr: 0.1 });
  const nan = param("W", [1, 2], [0, 0]);
  nan.grad.data[1] = NaN;
  assert.throws(() => opt.step([nan]), (e: unknown) => e instanceof InputError && /finite gradients/.test(e.message));
  assert.deepEqual(nan.value.toList(), [1, 2], "nothing moved");
  const wrong: Param = { name: "W", value: Tensor.zeros([2]), grad: Tensor.zeros([3]), decay: true };
  assert.throws(() => opt.step([wrong]), /shape \[2\]/);
  assert.throws(() => opt.step("W" as unknown as Param[]), InputError);
});
