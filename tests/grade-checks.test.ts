import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor";
import * as g from "../kernel-helpers/grade";
import * as hidden from "../kernel-helpers/grade/cases";
import { referenceFor } from "../kernel-helpers/grade/references";
import { quiet } from "./quiet";


const SYNC_CHECKS: [string, (fn: unknown) => g.CheckResult][] = [
  ["relu", g.checkRelu], ["sigmoid", g.checkSigmoid], ["softmax", g.checkSoftmax], ["denseForward", g.checkDenseForward],
  ["networkForward", g.checkNetworkForward], ["reluBackward", g.checkReluBackward], ["sigmoidBackward", g.checkSigmoidBackward],
  ["denseBackward", g.checkDenseBackward], ["softmaxCrossEntropy", g.checkSoftmaxCrossEntropy], ["mlpLossAndGrads", g.checkMlpGradients],
  ["numericalGradient", g.checkNumericalGradient], ["convOutputSize", g.checkConvOutputSize], ["conv2dForward", g.checkConv2dForward],
  ["conv2dBackward", g.checkConv2dBackward], ["maxPoolForward", g.checkMaxPoolForward], ["maxPoolBackward", g.checkMaxPoolBackward],
  ["neuron", g.checkNeuron], ["convParams", g.checkConvParams],
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
  const cases = hidden.parseHiddenCases(src);
  assert.equal(cases.length, 1);
  assert.equal(cases[0].fn, "relu");
  assert.throws(() => hidden.parseHiddenCases("// BEGIN HIDDEN TESTS\nconsole.log(1)\n// END HIDDEN TESTS"), /parseHiddenCases.*line 2/);
  assert.throws(() => hidden.parseHiddenCases('// BEGIN HIDDEN TESTS\n// hidden: {"fn": "relu"}\n// END HIDDEN TESTS'), /non-empty "name"/);
  assert.throws(() => hidden.parseHiddenCases('// BEGIN HIDDEN TESTS\n// hidden: {"name": "x", "fn": "f", "compare": "atLeast"}\n// END HIDDEN TESTS'), /"expect": a number/);
});

test("runCase: the reference computes the expectation; a wrong answer, a throw and a missing function fail with reasons", async () => {
  const c: hidden.HiddenCase = { name: "r", fn: "relu", args: [{ $randn: [2, 3], seed: 4 }] };
  assert.equal((await hidden.runCase(c, { relu: referenceFor("relu")! })).ok, true);
  const wrong = await hidden.runCase(c, { relu: (z: Tensor) => z });
  assert.equal(wrong.ok, false);
  assert.match(wrong.message, /result\[\d, \d\]: expected 0, got -/);
  assert.match((await hidden.runCase(c, { relu: () => { throw new Error("boom"); } })).message, /relu threw: boom/);
  assert.match((await hidden.runCase(c, {})).message, /function relu not found/);
});

test("encode/decode: a tensor result survives JSON, NaN included, and judgeCase compares it", () => {
  const t = new Tensor(Float64Array.from([1, NaN, 3, 4]), [2, 2]);
  const json = JSON.parse(JSON.stringify(hidden.encodeValue({ out: t, n: 2 }))) as { out: unknown };
  assert.deepEqual(json.out, { $tensor: { shape: [2, 2], data: [1, { $num: "NaN" }, 3, 4] } });
  const verdict = hidden.judgeCase({ name: "x", fn: "f", expect: { $tensor: [[1, 2], [3, 4]] }, path: "out" }, json);
  assert.equal(verdict.ok, false);
  assert.match(verdict.message, /out\[0, 1\]: expected 2, got NaN \(not a number\)/);
});

/** A stand-in for a TensorFlow.js layers model, as the checks see one (duck-typed). */
function fakeModel(input: (number | null)[], output: (number | null)[], layers: string[], params: number) {
  return {
    getClassName: () => "Sequential", countParams: () => params,
    inputs: [{ shape: input }], outputs: [{ shape: output }], layers: layers.map((c) => ({ getClassName: () => c })),
  };
}

test("checkBuildCnn: shapes, a Conv2D layer and the parameter budget, read from the model", () => {
  const good = quiet(() => g.checkBuildCnn(() => fakeModel([null, 16, 16, 1], [null, 10], ["Conv2D", "MaxPooling2D", "Flatten", "Dense"], 6090)));
  assert.equal(good.result.ok, true, good.printed);
  const noConv = quiet(() => g.checkBuildCnn(() => fakeModel([null, 16, 16, 1], [null, 10], ["Flatten", "Dense"], 2570)));
  assert.match(noConv.printed, /case "at least one Conv2D layer": convLayers = 0, needs ≥ 1/);
  const wide = quiet(() => g.checkBuildCnn(() => fakeModel([null, 28, 28, 1], [null, 10], ["Conv2D"], 100)));
  assert.match(wide.printed, /input\[1\]: expected 16, got 28/);
  const big = quiet(() => g.checkBuildCnn(() => fakeModel([null, 16, 16, 1], [null, 10], ["Conv2D"], 1e6)));
  assert.match(big.printed, /params = 1000000, needs ≤ 20000/);
});

// ------------------------------------------------------------------ the face and its bad input

test('"dl-lessons/grade" shows what notebooks call, not the grader\'s hidden-case machinery', () => {
  const names = Object.keys(g);
  for (const n of ["runCheck", "CheckResult", "checkRelu", "checkTrainCnn", "A5_PARAMS_BUDGET", "lectureNetwork", "seededLabels", "mlpParams"]) assert.ok(names.includes(n), n);
  for (const n of ["parseHiddenCases", "decodeValue", "encodeValue", "runCase", "judgeCase", "referenceFor", "copyArgs", "mlpReference"]) assert.ok(!names.includes(n), n);
});

test("runCheck: a malformed spec (the author's mistake) is an InputError naming the field, before the student's function runs", () => {
  let calls = 0;
  const student = () => (calls++, 1);
  const bad: [unknown, RegExp][] = [
    [undefined, /runCheck.*spec.*a check spec/],
    [{ name: "f", cases: [{ name: "a", args: [] }] }, /spec\.title/],
    [{ title: "t", name: null, cases: [] }, /spec\.name/],
    [{ title: "t", name: "f", cases: [0, 1] }, /spec\.cases\[0\]/],
    [{ title: "t", name: "f", cases: [] }, /at least one case/],
    [{ title: "t", name: "f", cases: [{ name: "a" }] }, /spec\.cases\[0\]\.args/],
    [{ title: "t", name: "f", cases: [{ name: "a", args: [], expect: 1, compare: "near" }] }, /compare.*one of close/],
    [{ title: "t", name: "f", cases: [{ name: "a", args: [], expect: "x", compare: "atLeast" }] }, /expect.*a number for atLeast/],
    [{ title: "t", name: "noSuchTask", cases: [{ name: "a", args: [] }] }, /expect.*no reference answer for noSuchTask/],
    [{ title: "t", name: "relu", cases: [{ name: "a", args: ["abc"] }] }, /spec\.cases\[0\]\.args.*reference answer/],
  ];
  for (const [spec, msg] of bad) {
    assert.throws(() => quiet(() => g.runCheck(spec as g.CheckSpec, student)), (e: Error) => e.name === "InputError" && msg.test(e.message), String(msg));
  }
  assert.equal(calls, 0, "the student's function never ran");
});

test("runCheck: a student's non-function or unreadable result is a FAIL, never a throw", () => {
  const spec: g.CheckSpec = { title: "twice", name: "twice", cases: [{ name: "2", args: [2], expect: 4 }] };
  for (const answer of [undefined, null, "twice", 2, {}]) {
    const r = quiet(() => g.runCheck(spec, answer));
    assert.equal(r.result.ok, false);
    assert.match(r.printed, /FAIL twice: twice is .*not a function/);
  }
  const trap = quiet(() => g.runCheck(spec, () => ({ get x() { throw new Error("trap"); } })));
  assert.match(trap.printed, /FAIL twice: case "2": twice's result cannot be read: trap/);
  assert.equal(quiet(() => g.runCheck(spec, (x: number) => 2 * x)).result.ok, true);
});

test("CheckResult, seededLabels and mlpParams refuse bad arguments with InputErrors", () => {
  const isInput = (re: RegExp) => (e: Error) => e.name === "InputError" && re.test(e.message);
  assert.throws(() => new g.CheckResult("t", NaN as unknown as boolean, 0, 1, "m", []), isInput(/CheckResult.*ok/));
  assert.throws(() => new g.CheckResult("t", true, 3, 2, "m", []), isInput(/CheckResult.*passed/));
  assert.throws(() => new g.CheckResult("t", true, 1, 1, "m", [1 as unknown as string]), isInput(/details\[0\]/));
  assert.equal(String(new g.CheckResult("t", true, 1, 1, "PASS t", [])), "PASS t");
  assert.throws(() => g.seededLabels(3, 0, 1), isInput(/seededLabels.*k/));
  assert.throws(() => g.seededLabels(3, 2, 0.5), isInput(/seededLabels.*seed/));
  assert.throws(() => g.mlpParams(1n as unknown as number, 2, 2, 1), isInput(/mlpParams.*D/));
  assert.throws(() => g.mlpParams(4096, 4096, 10, 1), isInput(/mlpParams.*at most 4194304 weights/));
  assert.deepEqual(g.mlpParams(2, 3, 4, 1).W2.shape, [3, 4]);
});
