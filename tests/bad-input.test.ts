/**
 * One table of bad inputs across the whole public API. Each row must throw an InputError whose
 * message names the function and the argument (and says what was expected and what came);
 * none may return garbage.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Tensor, Random, InputError,
  denseForward, denseBackward, Dense, sigmoidForward, softmaxForward, reluBackward, reluForward,
  softmaxCrossEntropy, mseLoss, oneHot, flattenForward, dropoutForward, Dropout,
  conv2dNaive, conv2dIm2col, conv2dBackwardNaive, conv2dTrace, convOutputSize, Conv2D,
  maxPoolForward, maxPoolBackward, MaxPool2D, poolOutputSize,
  numericalGradient, gradCheck, relativeError,
  Value, value, zeroPad, Sigmoid, graphOf,
  Network, SGD, Adam, train, evaluate, confusionMatrix,
  loadDigits, loadFashionMnist, batches, resizeArea, xorData, spiralData, matchScore, circlesData, twoBlobs,
  predictedClasses, sizeFormula, graphLayout, DivergenceError, DataFileError, MissingDataError,
  lineChart, historyChart, functionPlot, heatmap, confusionChart, imageGrid, barChart, graphChart, networkDiagram, isVegaLiteSpec,
} from "../src";
import { MAX_CHART_VALUES, MAX_LIST_LENGTH, MAX_TENSOR_SIZE } from "../src/checks";
import { checkLecture, LectureMismatchError, displayBundle, DisplayHandle, describeSpec } from "../kernel-helpers";
import { kernelDir, kernelSpec, jupyterEnv } from "../kernel-helpers/tools/kernel";

const x23 = Tensor.randn([2, 3], 1);
const img = Tensor.randn([1, 6, 6, 1], 2);
const w331 = Tensor.randn([3, 3, 1, 2], 3);
const b2 = Tensor.zeros([2]);
const nan23 = Tensor.fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
nan23.data[4] = NaN;
const inf = Tensor.fromArray([1, 2], [1, 2]);
inf.data[1] = Infinity;
const tinyNet = () => new Network([new Dense(3, 2, { seed: 1, name: "hidden" })]);

// [function named in the message, argument named in the message, the call]
const rows: [string, string, () => unknown][] = [
  // Tensor
  ["Tensor.from", "nested", () => Tensor.from([[1, 2], [3]] as number[][])],
  ["Tensor.fromArray", "values", () => Tensor.fromArray([1, 2, 3], [2, 2])],
  ["Tensor.zeros", "shape", () => Tensor.zeros([0, 3])],
  ["Tensor.reshape", "shape", () => x23.reshape([4, -1])],
  ["matmul", "b", () => x23.matmul(x23)],
  ["Tensor.add", "b", () => x23.add(Tensor.zeros([4]))],
  ["Tensor.sum", "axis", () => x23.sum(5)],
  ["Tensor.take", "indices", () => x23.take([0, 2])],
  ["Random", "seed", () => new Random(0.5)],
  // dense
  ["denseForward", "W", () => denseForward(x23, Tensor.zeros([4, 2]), b2)],
  ["denseForward", "b", () => denseForward(x23, Tensor.zeros([3, 2]), Tensor.zeros([3]))],
  ["denseForward", "x", () => denseForward(nan23, Tensor.zeros([3, 2]), b2)],
  ["denseBackward", "dout", () => denseBackward(Tensor.zeros([2, 5]), denseForward(x23, Tensor.zeros([3, 2]), b2).cache)],
  ["Dense", "inDim", () => new Dense(0, 3)],
  // activations
  ["sigmoidForward", "z", () => sigmoidForward(nan23)],
  ["softmaxForward", "z", () => softmaxForward(inf)],
  ["reluBackward", "dout", () => reluBackward(Tensor.zeros([3, 2]), reluForward(x23).cache)],
  // losses
  ["softmaxCrossEntropy", "labels", () => softmaxCrossEntropy(x23, [0, 3])],
  ["softmaxCrossEntropy", "labels", () => softmaxCrossEntropy(x23, [0])],
  ["softmaxCrossEntropy", "labels", () => softmaxCrossEntropy(x23, [0, 1.5])],
  ["mseLoss", "target", () => mseLoss(x23, Tensor.zeros([3, 2]))],
  ["oneHot", "labels", () => oneHot([0, -1], 3)],
  ["oneHot", "labels", () => oneHot([], 3)],
  // flatten, dropout
  ["flattenForward", "x", () => flattenForward(nan23)],
  ["dropoutForward", "rate", () => dropoutForward(x23, 1, { training: true })],
  ["Dropout", "rate", () => new Dropout(-0.1)],
  // convolution
  ["conv2dNaive", "w", () => conv2dNaive(img, Tensor.zeros([3, 3, 2, 2]), b2)],
  ["conv2dNaive", "stride", () => conv2dNaive(img, w331, b2, { stride: 2 })],
  ["conv2dIm2col", "stride", () => conv2dIm2col(img, w331, b2, { stride: 0 })],
  ["conv2dIm2col", "x", () => conv2dIm2col(Tensor.zeros([6, 6, 1]), w331, b2)],
  ["conv2dNaive", "b", () => conv2dNaive(img, w331, Tensor.zeros([3]))],
  ["conv2dNaive", "pad", () => conv2dNaive(img, w331, b2, { pad: -1 })],
  ["conv2dNaive", "w", () => conv2dNaive(Tensor.zeros([1, 2, 2, 1]), w331, b2)],
  ["conv2dBackwardNaive", "dout", () => conv2dBackwardNaive(Tensor.zeros([1, 3, 3, 2]), conv2dNaive(img, w331, b2).cache)],
  ["conv2dTrace", "x", () => conv2dTrace(img.map((v, i) => (i === 7 ? NaN : v)), w331, b2)],
  ["convOutputSize", "S", () => convOutputSize(6, 3, 0, 0)],
  ["Conv2D", "filters", () => new Conv2D({ inChannels: 1, filters: 0, kernelSize: 3 })],
  // pooling
  ["maxPoolForward", "size", () => maxPoolForward(img, { size: 0 })],
  ["maxPoolForward", "size", () => maxPoolForward(img, { size: 7 })],
  ["maxPoolForward", "x", () => maxPoolForward(x23, { size: 2 })],
  ["maxPoolBackward", "dout", () => maxPoolBackward(Tensor.zeros([1, 2, 2, 1]), maxPoolForward(img, { size: 2 }).cache)],
  ["MaxPool2D", "stride", () => new MaxPool2D({ size: 2, stride: -1 })],
  ["poolOutputSize", "size", () => poolOutputSize(4, 5)],
  // gradient checking
  ["numericalGradient", "h", () => numericalGradient(() => 0, x23, 0)],
  ["gradCheck", "analytic", () => gradCheck(() => 0, x23, Tensor.zeros([3, 2]))],
  ["relativeError", "b", () => relativeError(x23, Tensor.zeros([6]))],
  // autograd
  ["Value", "data", () => value(NaN)],
  ["Value.log", "this", () => value(-1).log()],
  ["Value.div", "other", () => value(1).div(0)],
  ["Value.pow", "p", () => value(2).pow(value(3) as unknown as number)],
  // networks, optimizers, training
  ["Network", "layers", () => new Network([])],
  ["hidden.forward", "x", () => tinyNet().forward(Tensor.zeros([2, 4]))],
  ["SGD", "lr", () => new SGD({ lr: 0 })],
  ["SGD", "momentum", () => new SGD({ lr: 0.1, momentum: 1 })],
  ["Adam", "beta1", () => new Adam({ beta1: 1 })],
  ["evaluate", "targets", () => evaluate(tinyNet(), { x: x23, labels: [0, 5] })],
  ["confusionMatrix", "labels", () => confusionMatrix([0, 1], [0], 2)],
  // data
  ["loadDigits", "opts.size", () => loadDigits({ size: 20 as 28 })],
  ["loadFashionMnist", "opts.trainSize", () => loadFashionMnist({ trainSize: 0 })],
  ["batches", "batchSize", () => batches({ x: x23, labels: [0, 1] }, 0)],
  ["resizeArea", "height", () => resizeArea(img, 0, 3)],
  ["xorData", "n", () => xorData(0)],
  ["spiralData", "classes", () => spiralData(10, 0)],
  ["matchScore", "filter", () => matchScore(Tensor.zeros([3, 3]), Tensor.zeros([2, 2]))],
  // sizes that cannot fit: refused up front (issue 9), not an out-of-memory abort or a hang
  ["confusionMatrix", "k", () => confusionMatrix([0], [0], 1e6)],
  ["xorData", "n", () => xorData(1e9)],
  ["circlesData", "n", () => circlesData(2 ** 31)],
  ["twoBlobs", "n", () => twoBlobs(1e300)],
  ["spiralData", "nPerClass", () => spiralData(2 ** 20, 2 ** 10)],
  ["spiralData", "nPerClass", () => spiralData(2 ** 10, 2 ** 10 + 1)],
  ["Random.permutation", "n", () => new Random(1).permutation(1e9)],
  ["zeroPad", "pad", () => zeroPad(img, 1e6)],
  ["Conv2D", "filters", () => new Conv2D({ inChannels: 1e4, filters: 1e4, kernelSize: 3 })],
  ["functionPlot", "options.samples", () => functionPlot({ f: (v: number) => v }, { samples: 1e9 })],
  ["heatmap", "matrix", () => heatmap(Tensor.zeros([2048, 1024]))],
  ["heatmap", "options.decimals", () => heatmap([[1.5]], { decimals: 1e9 })],
  ["graphLayout", "ids", () => graphLayout(Array.from({ length: 10_001 }, (_, i) => String(i)), [])],
  ["Tensor.row", "i", () => x23.row(Symbol() as unknown as number)],
  ["s.forward", "opts", () => new Sigmoid({ name: "s" }).forward(x23, 5 as never)],
  ["Tensor.get", "index", () => x23.get(Symbol() as unknown as number)],
  ["Tensor.allClose", "tol", () => x23.allClose(x23, Symbol() as unknown as number)],
  ["net.forward", "opts", () => new Network([new Dense(3, 2)], { name: "net" }).forward(x23, 5 as never)],
  ["d.forward", "opts", () => new Dense(3, 2, { name: "d" }).forward(x23, 5 as never)],
  ["c.forward", "opts", () => new Conv2D({ inChannels: 1, filters: 2, kernelSize: 3, name: "c" }).forward(img, 5 as never)],
  ["p.forward", "opts", () => new MaxPool2D({ size: 2, name: "p" }).forward(img, 5 as never)],
  ["Tensor.zeros", "shape", () => Tensor.zeros([1e5, 1e5])],
  ["Tensor.randn", "shape", () => Tensor.randn([2 ** 14, 2 ** 14])],
  ["Tensor.eye", "n", () => Tensor.eye(2 ** 16)],
  ["Tensor.arange", "n", () => Tensor.arange(2 ** 31)],
  ["oneHot", "k", () => oneHot([0, 1], 2 ** 27)],
  ["Dense", "outDim", () => new Dense(2 ** 16, 2 ** 16)],
  // wrong types where a raw TypeError used to come out
  ["Tensor.transpose", "perm", () => x23.transpose(Infinity as unknown as number[])],
  ["Tensor.map", "f", () => x23.map(undefined as unknown as (v: number) => number)],
  ["Tensor.sum", "axis", () => x23.sum(Symbol() as unknown as number)],
  ["Tensor.toString", "digits", () => x23.toString(-2.5)],
  ["Tensor.stack", "items[0]", () => Tensor.stack([0, 1] as unknown as Tensor[])],
  ["Tensor.get", "index", () => x23.offset("mse" as unknown as number[])],
  ["predictedClasses", "out", () => predictedClasses(null as unknown as Tensor)],
  ["network.restore", "saved", () => new Network([new Dense(3, 2)]).restore(null as never)],
  ["sizeFormula", "a", () => sizeFormula("H", null as never)],
  ["sizeFormula", "a.stride", () => sizeFormula("H", { size: 5, kernel: 3, stride: NaN })],
  ["graphLayout", "ids", () => graphLayout(null as never, [])],
  ["graphLayout", "edges[0]", () => graphLayout(["a"], [{ from: "a", to: "b" }])],
  ["lineChart", "options", () => lineChart({ x: [1, 2], series: { y: [1, 2] } }, 5 as never)],
  ["checkLecture", "label", () => checkLecture(undefined as never, 1, 1)],
  ["checkLecture", "lecture", () => checkLecture("w", 1, Infinity)],
  ["displayBundle", "bundle", () => displayBundle(null as never)],
  ["DisplayHandle", "id", () => new DisplayHandle(5 as never)],
  ["DisplayHandle.update", "bundle", () => new DisplayHandle("fuzz-id", false).update(undefined as never)],
  ["describeSpec", "spec", () => describeSpec(undefined as never)],
  ["kernelDir", "where", () => kernelDir(null as never)],
  ["kernelSpec", "memoryMb", () => kernelSpec(64)],
  ["jupyterEnv", "base", () => jupyterEnv(null as never)],
];

test(`the bad-input table has at least 40 rows (${rows.length})`, () => {
  assert.ok(rows.length >= 40);
});

for (const [fn, arg, call] of rows) {
  test(`bad input → ${fn}: argument '${arg}'`, () => {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
      assert.equal(e.fn, fn, e.message);
      assert.equal(e.arg, arg, e.message);
      assert.ok(e.message.startsWith(`${fn}: argument '${arg}' expected `), e.message);
      assert.ok(e.expected.length > 0 && e.got.length > 0, e.message);
      return true;
    });
  });
}

test("bad input → train: a rejected option arrives as a rejected promise naming train", async () => {
  await assert.rejects(
    train(tinyNet(), { x: x23, labels: [0, 1] }, { epochs: 0, batchSize: 2, optimizer: new SGD({ lr: 0.1 }) }),
    (e: unknown) => e instanceof InputError && e.fn === "train" && e.arg === "epochs",
  );
});

test("the size limits: 2^27 values per tensor, 2^20 items per list, 2^20 rows per chart; the refusal says why and is immediate", () => {
  assert.equal(MAX_TENSOR_SIZE, 2 ** 27);
  assert.equal(MAX_LIST_LENGTH, 2 ** 20);
  assert.equal(MAX_CHART_VALUES, 2 ** 20);
  assert.throws(() => confusionMatrix([0], [0], 1e6), /confusionMatrix: argument 'k' expected at most 2\^27 = 134217728 values in all \(more cannot fit in memory\), got 1000000 × 1000000 cells = 1000000000000 values/);
  assert.throws(() => xorData(1e9), /xorData: argument 'n' expected an integer in \[1, 1048576\] \(larger ones take too much memory or time\), got 1000000000/);
  assert.throws(() => Tensor.zeros([1e5, 1e5]), /at most 2\^27 = 134217728 values in all .*got \[100000, 100000\] = 10000000000 values/);
  // the largest allowed still works
  assert.deepEqual(confusionMatrix([0], [0], 2), [[1, 0], [0, 0]]);
  assert.equal(Tensor.zeros([2 ** 13, 2 ** 14]).size, MAX_TENSOR_SIZE);
});

const emptyOpts = [null, undefined];
test("chart builders: options null or undefined mean the defaults (same spec as {})", () => {
  const builders: [string, (o: unknown) => unknown][] = [
    ["lineChart", (o) => lineChart({ x: [1, 2], series: { y: [1, 2] } }, o as never)],
    ["historyChart", (o) => historyChart([{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }], o as never)],
    ["functionPlot", (o) => functionPlot({ f: (x: number) => x * x }, o as never)],
    ["heatmap", (o) => heatmap([[1, 2], [3, 4]], o as never)],
    ["confusionChart", (o) => confusionChart([[1, 0], [0, 1]], ["a", "b"], o as never)],
    ["imageGrid", (o) => imageGrid(Tensor.rand([2, 3, 3, 1], 1), o as never)],
    ["barChart", (o) => barChart({ category: ["a", "b"], value: [1, 2] } as never, o as never)],
    ["graphChart", (o) => graphChart({ nodes: [{ id: "a", label: "a" }], edges: [] } as never, o as never)],
    ["networkDiagram", (o) => networkDiagram({ layers: [2, 1] } as never, o as never)],
  ];
  for (const [name, build] of builders) {
    const base = JSON.stringify(build({}));
    for (const o of emptyOpts) {
      const spec = build(o);
      assert.ok(isVegaLiteSpec(spec), `${name}(…, ${o})`);
      assert.equal(JSON.stringify(spec), base, `${name}(…, ${o}) differs from ${name}(…, {})`);
    }
    assert.throws(() => build(7), (e: unknown) => e instanceof InputError && e.fn === name && e.arg === "options", name);
  }
});

test("gradCheck, gradCheckModel, loadFashionMnist: options null mean the defaults", () => {
  const x = Tensor.fromArray([0.5, -1], [2]);
  const f = () => x.data[0] ** 2 + 3 * x.data[1];
  const analytic = Tensor.fromArray([1, 3], [2]);
  assert.equal(gradCheck(f, x, analytic, null as never).ok, true);
  assert.equal(gradCheck(f, x, analytic, undefined).ok, true);
  assert.throws(() => gradCheck(f, x, analytic, 3 as never), (e: unknown) => e instanceof InputError && e.fn === "gradCheck" && e.arg === "opts");
  assert.throws(() => loadFashionMnist({ dir: "/no/such/folder" }), MissingDataError);
});

test("optional options objects everywhere: null is the defaults, a number is an InputError naming 'opts'", () => {
  const same = (a: unknown, b: unknown, what: string) => assert.equal(JSON.stringify(a), JSON.stringify(b), what);
  same(xorData(4, null as never).labels, xorData(4).labels, "xorData");
  same(spiralData(2, 2, null as never).labels, spiralData(2, 2).labels, "spiralData");
  same(dropoutForward(x23, 0.5, null as never).out.data, dropoutForward(x23, 0.5).out.data, "dropoutForward");
  same(conv2dIm2col(img, w331, b2, null as never).out.data, conv2dIm2col(img, w331, b2).out.data, "conv2dIm2col");
  const a = value(2), b = a.mul(3);
  same(graphOf(b, null as never), graphOf(b), "graphOf");
  const net = tinyNet();
  assert.equal(net.lossOf(x23, [0, 1], "cross-entropy", null as never).loss, net.lossOf(x23, [0, 1]).loss);
  same(net.forward(x23, null as never).out.data, net.forward(x23).out.data, "Network.forward");
  same(new MaxPool2D({ size: 2 }).forward(img, null as never).out.data, maxPoolForward(img, { size: 2 }).out.data, "MaxPool2D.forward");
  for (const [fn, call] of [
    ["xorData", () => xorData(4, 5 as never)],
    ["dropoutForward", () => dropoutForward(x23, 0.5, 5 as never)],
    ["conv2dIm2col", () => conv2dIm2col(img, w331, b2, 5 as never)],
    ["graphOf", () => graphOf(b, 5 as never)],
    [`${net.name}.lossOf`, () => net.lossOf(x23, [0, 1], "cross-entropy", 5 as never)],
  ] as [string, () => unknown][]) {
    assert.throws(call, (e: unknown) => e instanceof InputError && e.fn === fn && e.arg === "opts", fn);
  }
});

test("library errors built from odd arguments still build their message (no TypeError while reporting)", () => {
  assert.match(new InputError(Symbol() as never, 1 as never, null as never, undefined as never).message, /^symbol: argument '1' expected null, got undefined$/);
  assert.match(new DivergenceError("train", null as never, 1, 2, 0.1, "x").message, /0 finished epochs and 0 batch losses/);
  assert.match(new DataFileError("f", Symbol() as never, "is odd", "pkg").message, /^f: symbol is odd/);
  assert.throws(() => checkLecture("w", 1.2345, 1.5), LectureMismatchError);
});
