import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor";
import * as g from "../kernel-helpers/grade";
import { referenceFor } from "../kernel-helpers/grade/references";

/** Run a check with console.log captured: the result and the printed lines. */
function quiet<T>(f: () => T): { result: T; printed: string } {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    return { result: f(), printed: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

const SYNC_CHECKS: [string, (fn: unknown) => g.CheckResult][] = [
  ["relu", g.checkRelu], ["sigmoid", g.checkSigmoid], ["softmax", g.checkSoftmax], ["denseForward", g.checkDenseForward],
  ["networkForward", g.checkNetworkForward], ["reluBackward", g.checkReluBackward], ["sigmoidBackward", g.checkSigmoidBackward],
  ["denseBackward", g.checkDenseBackward], ["softmaxCrossEntropy", g.checkSoftmaxCrossEntropy], ["mlpLossAndGrads", g.checkMlpGradients],
  ["numericalGradient", g.checkNumericalGradient], ["convOutputSize", g.checkConvOutputSize], ["conv2dForward", g.checkConv2dForward],
  ["conv2dBackward", g.checkConv2dBackward], ["maxPoolForward", g.checkMaxPoolForward], ["maxPoolBackward", g.checkMaxPoolBackward],
  ["neuron", g.checkNeuron],
];

for (const [name, check] of SYNC_CHECKS) {
  test(`check for ${name}: the library's reference passes, a stub gets "not implemented yet"`, () => {
    const ref = referenceFor(name);
    assert.ok(ref, `a reference for ${name}`);
    const pass = quiet(() => check(ref));
    assert.equal(pass.result.ok, true, pass.printed);
    assert.match(pass.printed, /^PASS /);
    assert.equal(String(pass.result), pass.result.message);
    assert.equal(pass.result.message.includes("\n"), false, "the result prints as one line");
    const stub = quiet(() => check(() => {
      throw new Error(`not implemented yet: ${name}`);
    }));
    assert.equal(stub.result.ok, false);
    assert.equal(stub.result.passed, 0);
    assert.match(stub.printed, /^FAIL .*not implemented yet/);
  });
}

test("denseForward with W·x instead of x·W: FAIL names the shapes and hints at the product's order", () => {
  const wrong = (x: Tensor, W: Tensor, b: Tensor) => W.T.matmul(x.T).T.add(b).T;
  const r = quiet(() => g.checkDenseForward(wrong));
  assert.equal(r.result.ok, false);
  assert.match(r.printed, /expected shape \[1, 2\], got shape \[2, 1\]/);
  assert.match(r.printed, /hint: the shape is off/);
});

test("denseForward without the bias: FAIL names the first wrong element, expected vs got", () => {
  const noBias = (x: Tensor, W: Tensor) => x.matmul(W);
  const r = quiet(() => g.checkDenseForward(noBias));
  // x = (1, −1), W = [[1, −1], [−2, 1]], b = (1, 0): out = (3, −2) + (1, 0) = (4, −2); without b 3
  assert.match(r.printed, /case "one example, 2 → 2": result\[0, 0\]: expected 4, got 3/);
});

test("softmax without the max subtracted: NaN on large logits gets the NaN hint", () => {
  const naive = (z: Tensor) => {
    const e = z.exp();
    return e.div(e.sum(1, true));
  };
  const r = quiet(() => g.checkSoftmax(naive));
  assert.equal(r.result.ok, false);
  assert.equal(r.result.passed, 2, "the first two cases pass");
  assert.match(r.printed, /not a number/);
  assert.match(r.printed, /hint: NaN comes from/);
});

test("a function that returns nothing, or is not a function, gets a plain-English hint", () => {
  const none = quiet(() => g.checkRelu(() => undefined));
  assert.match(none.printed, /returned nothing: is the `return` missing\?/);
  const notFn = quiet(() => g.checkRelu(42));
  assert.match(notFn.printed, /FAIL ReLU: relu is 42, not a function/);
});

test("denseBackward with db not summed: FAIL; with a wrong dW it fails the numerical-gradient comparison", () => {
  const ref = referenceFor("denseBackward")!;
  const badDb = (dout: Tensor, x: Tensor, W: Tensor) => ({ ...(ref(dout, x, W) as object), db: dout.row(0) });
  assert.equal(quiet(() => g.checkDenseBackward(badDb)).result.ok, false);
  const r = quiet(() => g.checkDenseBackward(ref));
  assert.match(r.printed, /dx \[2, 3\] vs numerical gradient: relative error \d/);
});

test("maxPoolBackward sending dout to every element of the window fails", () => {
  const spread = (dout: Tensor, x: Tensor) => Tensor.full(x.shape, dout.data[0]);
  const r = quiet(() => g.checkMaxPoolBackward(spread));
  assert.equal(r.result.ok, false);
  assert.match(r.printed, /result\[0, 0, 0, 0\]: expected/);
});

test("a function that writes into its input cannot spoil the reference answer", () => {
  const inPlace = (z: Tensor) => {
    for (let i = 0; i < z.size; i++) z.data[i] = Math.max(0, z.data[i]);
    return z;
  };
  assert.equal(quiet(() => g.checkRelu(inPlace)).result.ok, true);
});

test("training checks: atLeast against the stated target", () => {
  const good = quiet(() => g.checkTrainScalar(() => ({ accuracy: 0.95 })));
  assert.equal(good.result.ok, true, good.printed);
  const bad = quiet(() => g.checkTrainScalar(() => ({ accuracy: 0.5 })));
  assert.match(bad.printed, /accuracy = 0.5, needs ≥ 0.9/);
});

test("checkTrainCnn awaits the promise and reports a rejection as the throw", async () => {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    assert.equal((await g.checkTrainCnn(async () => ({ testAccuracy: 0.97 }))).ok, true);
    const r = await g.checkTrainCnn(async () => {
      throw new Error("not implemented yet: train");
    });
    assert.equal(r.ok, false);
  } finally {
    console.log = log;
  }
  assert.match(lines.join("\n"), /not implemented yet/);
});

// ------------------------------------------------------------------ hidden cases

test("parseHiddenCases reads // hidden: lines between the markers and refuses malformed ones", () => {
  const src = [
    "checkRelu(relu);",
    "// BEGIN HIDDEN TESTS",
    '// hidden: {"name": "a", "fn": "relu", "args": [{"$randn": [2, 3], "seed": 4}]}',
    "// a comment",
    "// END HIDDEN TESTS",
  ].join("\n");
  const cases = g.parseHiddenCases(src);
  assert.equal(cases.length, 1);
  assert.equal(cases[0].fn, "relu");
  assert.throws(() => g.parseHiddenCases("// BEGIN HIDDEN TESTS\nconsole.log(1)\n// END HIDDEN TESTS"), /parseHiddenCases.*line 2/);
  assert.throws(() => g.parseHiddenCases('// BEGIN HIDDEN TESTS\n// hidden: {"fn": "relu"}\n// END HIDDEN TESTS'), /non-empty "name"/);
  assert.throws(() => g.parseHiddenCases('// BEGIN HIDDEN TESTS\n// hidden: {"name": "x", "fn": "f", "compare": "atLeast"}\n// END HIDDEN TESTS'), /"expect": a number/);
});

test("runCase: the reference computes the expectation; a wrong answer, a throw and a missing function fail with reasons", async () => {
  const c: g.HiddenCase = { name: "r", fn: "relu", args: [{ $randn: [2, 3], seed: 4 }] };
  assert.equal((await g.runCase(c, { relu: referenceFor("relu")! })).ok, true);
  const wrong = await g.runCase(c, { relu: (z: Tensor) => z });
  assert.equal(wrong.ok, false);
  assert.match(wrong.message, /result\[\d, \d\]: expected 0, got -/);
  assert.match((await g.runCase(c, { relu: () => { throw new Error("boom"); } })).message, /relu threw: boom/);
  assert.match((await g.runCase(c, {})).message, /function relu not found/);
});

test("encode/decode: a tensor result survives JSON, NaN included, and judgeCase compares it", () => {
  const t = new Tensor(Float64Array.from([1, NaN, 3, 4]), [2, 2]);
  const json = JSON.parse(JSON.stringify(g.encodeValue({ out: t, n: 2 }))) as { out: unknown };
  assert.deepEqual(json.out, { $tensor: { shape: [2, 2], data: [1, { $num: "NaN" }, 3, 4] } });
  const verdict = g.judgeCase({ name: "x", fn: "f", expect: { $tensor: [[1, 2], [3, 4]] }, path: "out" }, json);
  assert.equal(verdict.ok, false);
  assert.match(verdict.message, /out\[0, 1\]: expected 2, got NaN \(not a number\)/);
});
