/**
 * The fast path (src/fast: the WebAssembly SIMD matrix product behind src/linalg.ts's gemm, and
 * the convolution behind src/layers/im2col.ts's useConvKernels)
 * against the readable loops: the same numbers for products, dense and convolution forward and
 * backward on random shapes, and the same training history; DL_LESSONS_FAST=0 takes the
 * TypeScript loops. The products are compared value by value with ===, stronger than the 1e-9
 * relative agreement promised: the kernel adds in the loops' order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as fc from "fast-check";
import { gemm } from "../src/linalg";
import { fastPath, withFastKernels } from "../src/fast";
import { Random } from "../src/random";
import { Tensor } from "../src/tensor";
import { denseBackward, denseForward } from "../src/layers/dense";
import { conv2dBackwardIm2col, conv2dIm2col } from "../src/layers/im2col";

/** Random values with a share of exact zeros (blank pixels, padding). */
function values(n: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => (r.next() < 0.3 ? 0 : r.normal(0, 1)));
}

function assertSame(fast: ArrayLike<number>, plain: ArrayLike<number>, what: string): void {
  assert.equal(fast.length, plain.length, `${what}: length`);
  for (let i = 0; i < plain.length; i++) {
    if (fast[i] !== plain[i]) assert.fail(`${what}: value ${i} is ${fast[i]} on the fast path, ${plain[i]} in the loops`);
  }
}

function assertSameGrads(fast: Record<"dx" | "dW" | "db", Tensor>, plain: Record<"dx" | "dW" | "db", Tensor>): void {
  for (const k of ["dx", "dW", "db"] as const) assertSame(fast[k].data, plain[k].data, k);
}

test("the WebAssembly SIMD kernels are built and used by default", () => {
  const p = fastPath();
  assert.equal(p.engine, "wasm-simd", p.why);
});

test("gemm on the fast path: the loops' numbers for every transpose, start values, sizes across the tiles (4×4) and panels (256)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 13 }),
      fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 250, max: 600 })),
      fc.integer({ min: 1, max: 13 }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.integer(),
      (M, K, N, tA, tB, withStart, seed) => {
        const A = values(M * K, seed);
        const B = values(K * N, seed + 1);
        const into = withStart && !tB ? values(M * N, seed + 2) : undefined;
        const opts = { transA: tA, transB: tB, into };
        const plain = gemm(A, B, M, K, N, opts);
        const fast = withFastKernels(() => gemm(A, B, M, K, N, opts));
        assertSame(fast, plain, `${M}×${K}×${N} transA ${tA} transB ${tB}`);
        if (into) assertSame(into, values(M * N, seed + 2), "start values untouched");
      },
    ),
    { numRuns: 150 },
  );
});

test("dense forward and backward on the fast path: the step-by-step numbers (random shapes)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (n, d, m, seed) => {
      const x = new Tensor(values(n * d, seed), [n, d]);
      const W = new Tensor(values(d * m, seed + 1), [d, m]);
      const b = new Tensor(values(m, seed + 2), [m]);
      const dout = new Tensor(values(n * m, seed + 3), [n, m]);
      const plain = denseForward(x, W, b);
      const fast = withFastKernels(() => denseForward(x, W, b));
      assertSame(fast.out.data, plain.out.data, "z");
      assertSameGrads(withFastKernels(() => denseBackward(dout, fast.cache)), denseBackward(dout, plain.cache));
    }),
    { numRuns: 60 },
  );
});

test("im2col convolution forward and backward on the fast path: the step-by-step numbers (random shapes, stride, padding)", () => {
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 3 }), q: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 5 }), stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 2 }) }),
      fc.integer(),
      ({ n, q, c, f, k, stride, pad }, seed) => {
        const h = Math.max(1, k - 2 * pad + stride * q); // windows fit exactly (rounding "exact")
        if ((h + 2 * pad - k) % stride !== 0 || h + 2 * pad < k) return;
        const x = new Tensor(values(n * h * h * c, seed), [n, h, h, c]);
        const w = new Tensor(values(k * k * c * f, seed + 1), [k, k, c, f]);
        const b = new Tensor(values(f, seed + 2), [f]);
        const plain = conv2dIm2col(x, w, b, { stride, pad });
        const fast = withFastKernels(() => conv2dIm2col(x, w, b, { stride, pad }));
        assert.equal(fast.cache.cols, null, "the convolution ran in WebAssembly (its window matrix stayed there)");
        assertSame(fast.out.data, plain.out.data, "out");
        const dout = new Tensor(values(plain.out.size, seed + 3), plain.out.shape);
        assertSameGrads(withFastKernels(() => conv2dBackwardIm2col(dout, fast.cache)), conv2dBackwardIm2col(dout, plain.cache));
      },
    ),
    { numRuns: 40 },
  );
});

test("im2col convolution on the fast path with rounding floor, rectangular images and filters: the step-by-step numbers", () => {
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 11 }), wd: fc.integer({ min: 1, max: 11 }), c: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 11 }), kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }), stride: fc.integer({ min: 1, max: 3 }), pad: fc.integer({ min: 0, max: 2 }) }),
      fc.integer(),
      ({ n, h, wd, c, f, kh, kw, stride, pad }, seed) => {
        if (h + 2 * pad < kh || wd + 2 * pad < kw) return;
        const opts = { stride, pad, rounding: "floor" as const };
        const x = new Tensor(values(n * h * wd * c, seed), [n, h, wd, c]);
        const w = new Tensor(values(kh * kw * c * f, seed + 1), [kh, kw, c, f]);
        const b = new Tensor(values(f, seed + 2), [f]);
        const plain = conv2dIm2col(x, w, b, opts);
        const fast = withFastKernels(() => conv2dIm2col(x, w, b, opts));
        assert.equal(fast.cache.cols, null, "the convolution ran in WebAssembly");
        assertSame(fast.out.data, plain.out.data, "out");
        const dout = new Tensor(values(plain.out.size, seed + 3), plain.out.shape);
        assertSameGrads(withFastKernels(() => conv2dBackwardIm2col(dout, fast.cache)), conv2dBackwardIm2col(dout, plain.cache));
      },
    ),
    { numRuns: 60 },
  );
});

/** A seeded dense + conv network trained for 2 epochs; prints its history (losses) as JSON. */
const TRAIN_SCRIPT = `
const { Network } = require("./src/network");
const { Dense } = require("./src/layers/dense");
const { Conv2D } = require("./src/layers/conv");
const { Flatten } = require("./src/layers/flatten");
const { Sigmoid, ReLU } = require("./src/layers/activations");
const { SGD } = require("./src/optim");
const { train } = require("./src/train");
const { Tensor } = require("./src/tensor");
const { fastPath } = require("./src/fast");
const x = Tensor.randn([40, 8, 8, 1], 7);
const labels = Array.from({ length: 40 }, (_, i) => (i * 7) % 3);
const net = new Network([new Conv2D({ inChannels: 1, filters: 4, kernelSize: 3, seed: 1 }), new ReLU(), new Flatten(), new Dense(144, 16, { seed: 2 }), new Sigmoid(), new Dense(16, 3, { seed: 3 })]);
train(net, { x, labels }, { epochs: 2, batchSize: 8, optimizer: new SGD({ lr: 0.1 }), seed: 5 }).then((h) => {
  console.log(JSON.stringify({ engine: fastPath().engine, batches: h.batches, rows: h.rows.map((r) => [r.loss, r.accuracy]) }));
});
`;

function trainIn(env: Record<string, string>): { engine: string; batches: number[]; rows: number[][] } {
  const root = path.join(__dirname, "..");
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", TRAIN_SCRIPT], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

test("a seeded network trains to the same history on the fast path and, with DL_LESSONS_FAST=0, on the TypeScript loops", () => {
  const fast = trainIn({ DL_LESSONS_FAST: "1" });
  const plain = trainIn({ DL_LESSONS_FAST: "0" });
  assert.equal(fast.engine, "wasm-simd");
  assert.equal(plain.engine, "typescript", "DL_LESSONS_FAST=0 takes the TypeScript fallback");
  assert.equal(fast.batches.length, 10);
  for (let i = 0; i < plain.batches.length; i++) {
    const [a, b] = [fast.batches[i], plain.batches[i]];
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `batch ${i}: loss ${a} fast, ${b} plain`);
  }
  assert.deepEqual(fast.rows, plain.rows);
});
