import { test } from "node:test";
import assert from "node:assert/strict";
import { graphOf, value, Value } from "../src/autograd";
import { InputError } from "../src/errors";
import { denseBackward, denseForward } from "../src/layers/dense";
import { sigmoidBackward, sigmoidForward } from "../src/layers/activations";
import { mseLoss } from "../src/layers/losses";
import { Tensor } from "../src/tensor";

/** Centered difference ∂f/∂xᵢ, h = 1e-6, of a function of plain numbers. */
function centered(f: (xs: number[]) => number, xs: number[], i: number, h = 1e-6): number {
  const up = [...xs];
  const down = [...xs];
  up[i] += h;
  down[i] -= h;
  return (f(up) - f(down)) / (2 * h);
}

function close(got: number, want: number, tol: number, what: string): void {
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}, difference ${Math.abs(got - want)}`);
}

test("expression with every op, a=1.3 b=−0.7 c=2.1: values match plain numbers, grads match centered differences (h=1e-6) to 1e-6", () => {
  // L = ((a·b + c)^2 / (c − b) + exp(−a) · log(c) − tanh(a·c) + σ(b − a) · relu(c − a)) · (a + b + c)
  const plain = ([a, b, c]: number[]) =>
    (((a * b + c) ** 2 / (c - b) + Math.exp(-a) * Math.log(c) - Math.tanh(a * c) + (1 / (1 + Math.exp(-(b - a)))) * Math.max(0, c - a)) * (a + b + c));
  const xs = [1.3, -0.7, 2.1];
  const [a, b, c] = xs.map((v, i) => value(v, "abc"[i]));
  const L = a.mul(b).add(c).pow(2).div(c.sub(b))
    .add(a.neg().exp().mul(c.log()))
    .sub(a.mul(c).tanh())
    .add(b.sub(a).sigmoid().mul(c.sub(a).relu()))
    .mul(a.add(b).add(c));
  close(L.data, plain(xs), 1e-14, "L");
  L.backward();
  [a, b, c].forEach((v, i) => close(v.grad, centered(plain, xs, i), 1e-6, `∂L/∂${v.label}`));
  assert.equal(L.grad, 1);
});

// each op alone: [name, build, derivative of the result w.r.t. each operand in closed form]
const ops: { name: string; at: number[]; build: (v: Value[]) => Value; d: (x: number[]) => number[] }[] = [
  { name: "a + b", at: [1.5, -2], build: ([a, b]) => a.add(b), d: () => [1, 1] },
  { name: "a − b", at: [1.5, -2], build: ([a, b]) => a.sub(b), d: () => [1, -1] },
  { name: "a · b", at: [1.5, -2], build: ([a, b]) => a.mul(b), d: ([a, b]) => [b, a] },
  { name: "a / b", at: [1.5, -2], build: ([a, b]) => a.div(b), d: ([a, b]) => [1 / b, -a / (b * b)] },
  { name: "a^3", at: [-1.5], build: ([a]) => a.pow(3), d: ([a]) => [3 * a * a] },
  { name: "a^−0.5", at: [2.5], build: ([a]) => a.pow(-0.5), d: ([a]) => [-0.5 * a ** -1.5] },
  { name: "−a", at: [0.7], build: ([a]) => a.neg(), d: () => [-1] },
  { name: "exp(a)", at: [0.7], build: ([a]) => a.exp(), d: ([a]) => [Math.exp(a)] },
  { name: "log(a)", at: [0.7], build: ([a]) => a.log(), d: ([a]) => [1 / a] },
  { name: "tanh(a)", at: [0.7], build: ([a]) => a.tanh(), d: ([a]) => [1 - Math.tanh(a) ** 2] },
  { name: "σ(a)", at: [-0.4], build: ([a]) => a.sigmoid(), d: ([a]) => [Math.exp(-a) / (1 + Math.exp(-a)) ** 2] },
  { name: "relu(a), a > 0", at: [0.7], build: ([a]) => a.relu(), d: () => [1] },
  { name: "relu(a), a < 0", at: [-0.7], build: ([a]) => a.relu(), d: () => [0] },
  { name: "relu(a), a = 0 (subgradient 0)", at: [0], build: ([a]) => a.relu(), d: () => [0] },
  { name: "a · a (one operand used twice)", at: [-1.25], build: ([a]) => a.mul(a), d: ([a]) => [2 * a] },
];
for (const op of ops) {
  test(`grad of ${op.name} at ${op.at.join(", ")} = closed-form derivative${op.name.includes("= 0") ? "" : " = centered difference"}`, () => {
    const vs = op.at.map((x) => value(x));
    const out = op.build(vs);
    assert.deepEqual(out.children.length > 0, true);
    out.backward();
    const want = op.d(op.at);
    vs.forEach((v, i) => {
      close(v.grad, want[i], 1e-12, `operand ${i} closed form`);
      if (!op.name.includes("= 0")) close(v.grad, centered((xs) => op.build(xs.map((x) => value(x))).data, op.at, i), 1e-6, `operand ${i} numeric`);
    });
  });
}

test("numbers are accepted where a Value is expected: a·2 + 1, grad of a is 2; the constants become leaves", () => {
  const a = value(3, "a");
  const y = a.mul(2).add(1);
  assert.equal(y.data, 7);
  y.backward();
  assert.equal(a.grad, 2);
  assert.equal(y.children[1].op, "");
  assert.equal(y.children[1].data, 1);
});

test("neuron o = tanh(w1·x1 + w2·x2 + b), x=(1.5, −0.5) w=(0.8, −1.2) b=0.3: grads = (1 − o²)·(x1, x2, w1, w2, 1)", () => {
  const [x1, x2, w1, w2, b] = [1.5, -0.5, 0.8, -1.2, 0.3];
  const X1 = value(x1, "x1");
  const X2 = value(x2, "x2");
  const W1 = value(w1, "w1");
  const W2 = value(w2, "w2");
  const B = value(b, "b");
  const o = W1.mul(X1).add(W2.mul(X2)).add(B).tanh();
  const oo = Math.tanh(w1 * x1 + w2 * x2 + b);
  close(o.data, oo, 1e-15, "o");
  o.backward();
  const local = 1 - oo * oo; // tanh'(n) = 1 − tanh²(n)
  close(W1.grad, local * x1, 1e-15, "∂o/∂w1");
  close(W2.grad, local * x2, 1e-15, "∂o/∂w2");
  close(X1.grad, local * w1, 1e-15, "∂o/∂x1");
  close(X2.grad, local * w2, 1e-15, "∂o/∂x2");
  close(B.grad, local, 1e-15, "∂o/∂b");
});

test("y = 3a², a=2: a second backward adds 12 again to the leaf a (24), not to the intermediate a²; zeroGrad resets the whole graph", () => {
  const a = value(2);
  const a2 = a.mul(a);
  const y = a2.mul(3); // 3a², dy/da = 6a = 12
  y.backward();
  assert.equal(a.grad, 12);
  y.backward();
  assert.equal(a2.grad, 3);
  assert.equal(a.grad, 24);
  y.zeroGrad();
  assert.equal(a.grad, 0);
  assert.equal(y.grad, 0);
  y.backward();
  assert.equal(a.grad, 12);
});

test("graphOf e = (a·b + c)·a: 6 values + 3 op nodes, 3 op→result + 6 operand edges; without op nodes 6 nodes, 6 edges", () => {
  const a = value(2, "a");
  const b = value(-3, "b");
  const c = value(10, "c");
  const ab = a.mul(b);
  const d = ab.add(c);
  const e = d.mul(a);
  e.label = "e";
  e.backward();
  // values: a, b, c, a·b, d, e = 6; operations: ·, +, · = 3; operand uses: 2 + 2 + 2 = 6
  const g = graphOf(e);
  assert.equal(g.nodes.length, 6 + 3);
  assert.equal(g.edges.length, 3 + 6);
  assert.equal(g.nodes.filter((n) => n.kind === "value").length, 6);
  assert.deepEqual(g.nodes.filter((n) => n.kind === "op").map((n) => n.op).sort(), ["*", "*", "+"]);
  const ids = g.nodes.map((n) => n.id);
  assert.equal(new Set(ids).size, ids.length);
  const pos = new Map(ids.map((id, i) => [id, i]));
  for (const ed of g.edges) {
    assert.ok(pos.has(ed.from) && pos.has(ed.to), `edge ${ed.from} → ${ed.to}`);
    assert.ok((pos.get(ed.from) as number) < (pos.get(ed.to) as number), "operands listed before results");
  }
  // a feeds two operations: two edges leave it
  const aNode = g.nodes.find((n) => n.label === "a");
  assert.equal(g.edges.filter((ed) => ed.from === aNode?.id).length, 2);
  // data and grad are the Values'
  const eNode = g.nodes.find((n) => n.label === "e");
  assert.deepEqual([eNode?.data, eNode?.grad], [e.data, 1]);
  assert.deepEqual([aNode?.data, aNode?.grad], [2, a.grad]);
  assert.ok(g.nodes.filter((n) => n.kind === "op").every((n) => n.data === null && n.grad === null));

  const flat = graphOf(e, { opNodes: false });
  assert.equal(flat.nodes.length, 6);
  assert.equal(flat.edges.length, 6);
  // a·a: one value, one op node, two operand edges + one op→result edge
  const sq = graphOf(a.mul(a));
  assert.deepEqual([sq.nodes.length, sq.edges.length], [3, 3]);
});

test("a chain of 100,000 tanh ops: backward, zeroGrad and graphOf run without stack overflow; grad = Π (1 − yₖ²)", () => {
  const x = value(0.9, "x");
  let y = x;
  let want = 1;
  for (let k = 0; k < 100000; k++) {
    y = y.tanh();
    want *= 1 - y.data * y.data; // dyₖ/dyₖ₋₁ = 1 − yₖ²
  }
  y.backward();
  close(x.grad, want, 1e-9, "∂y/∂x");
  assert.ok(x.grad > 0);
  const g = graphOf(y);
  assert.equal(g.nodes.length, 100001 + 100000);
  assert.equal(g.edges.length, 2 * 100000);
  y.zeroGrad();
  assert.equal(x.grad, 0);
});

test("bad input throws InputError: NaN/Infinity data, NaN or string operand, log of 0 and −1, division by 0, Value exponent, non-finite results", () => {
  const a = value(2);
  const bad: [() => unknown, RegExp][] = [
    [() => value(NaN), /Value: argument 'data' expected a finite number, got NaN/],
    [() => new Value(Infinity), /finite number/],
    [() => a.add(NaN), /Value.add: argument 'other' expected a finite number or a Value, got NaN/],
    [() => a.mul("3" as unknown as number), /Value.mul: argument 'other' expected a number or a Value/],
    [() => value(0).log(), /Value.log: argument 'this' expected a positive value, got 0/],
    [() => value(-1).log(), /got -1/],
    [() => a.div(0), /Value.div: argument 'other' expected a non-zero divisor/],
    [() => a.div(value(0)), /non-zero divisor/],
    [() => a.pow(value(2) as unknown as number), /Value.pow: argument 'p' expected a constant number exponent/],
    [() => a.pow(NaN), /Value.pow: argument 'p'/],
    [() => value(0).pow(-1), /Value.pow.*Infinity/],
    [() => value(-8).pow(0.5), /Value.pow.*NaN/],
    [() => value(1000).exp(), /Value.exp.*Infinity/],
    [() => graphOf(3 as unknown as Value), /graphOf: argument 'root' expected a Value/],
  ];
  for (const [f, msg] of bad) {
    assert.throws(f, InputError);
    assert.throws(f, msg);
  }
});

test("autograd agrees with the layers: x=[2,3] → dense 3→4 → sigmoid → dense 4→2 → sigmoid → MSE; loss, dW, db, dx to 1e-12", () => {
  const x = Tensor.randn([2, 3], 1);
  const W1 = Tensor.randn([3, 4], 2);
  const b1 = Tensor.randn([4], 3);
  const W2 = Tensor.randn([4, 2], 4);
  const b2 = Tensor.randn([2], 5);
  const t = Tensor.rand([2, 2], 6);

  // with the layers: forward, then backward in reverse order
  const z1 = denseForward(x, W1, b1);
  const a1 = sigmoidForward(z1.out);
  const z2 = denseForward(a1.out, W2, b2);
  const a2 = sigmoidForward(z2.out);
  const L = mseLoss(a2.out, t);
  const dz2 = sigmoidBackward(L.dpred, a2.cache).dx;
  const g2 = denseBackward(dz2, z2.cache);
  const dz1 = sigmoidBackward(g2.dx, a1.cache).dx;
  const g1 = denseBackward(dz1, z1.cache);

  // with Values: one scalar per number
  const vals = (t: Tensor, name: string) => Array.from(t.data, (v, i) => value(v, `${name}${i}`));
  const [X, V1, c1, V2, c2] = [vals(x, "x"), vals(W1, "W1_"), vals(b1, "b1_"), vals(W2, "W2_"), vals(b2, "b2_")];
  const dense = (inp: Value[], n: number, d: number, W: Value[], b: Value[], m: number): Value[] => {
    const out: Value[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let z = b[j];
        for (let k = 0; k < d; k++) z = z.add(inp[i * d + k].mul(W[k * m + j])); // z[i,j] = b[j] + Σ_k x[i,k]·W[k,j]
        out.push(z);
      }
    return out;
  };
  const A1 = dense(X, 2, 3, V1, c1, 4).map((z) => z.sigmoid());
  const A2 = dense(A1, 2, 4, V2, c2, 2).map((z) => z.sigmoid());
  let sum = value(0);
  A2.forEach((p, k) => (sum = sum.add(p.sub(t.data[k]).pow(2))));
  const loss = sum.div(A2.length); // mean over all values, as mseLoss

  close(loss.data, L.loss, 1e-14, "loss");
  loss.backward();
  const grads = (vs: Value[], shape: number[]) => Tensor.fromArray(vs.map((v) => v.grad), shape);
  for (const [name, got, want] of [
    ["dW1", grads(V1, [3, 4]), g1.dW],
    ["db1", grads(c1, [4]), g1.db],
    ["dW2", grads(V2, [4, 2]), g2.dW],
    ["db2", grads(c2, [2]), g2.db],
    ["dx", grads(X, [2, 3]), g1.dx],
  ] as const) {
    assert.deepEqual(got.shape, want.shape, name);
    const diff = got.maxAbsDiff(want);
    assert.ok(diff < 1e-12, `${name}: largest difference ${diff}`);
  }
});
