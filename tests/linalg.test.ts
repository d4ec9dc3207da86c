import { test } from "node:test";
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { gemm, useGemmKernels, type GemmKernel } from "../src/linalg";
import { InputError } from "../src/errors";
import { Random } from "../src/random";

/** op(A)[i, k] and op(B)[k, j] read by hand, and the textbook sum in k order (from `start`). */
function reference(A: Float64Array, B: Float64Array, M: number, K: number, N: number, tA: boolean, tB: boolean, start?: Float64Array): Float64Array {
  const out = start ? start.slice() : new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = out[i * N + j];
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
      out[i * N + j] = s;
    }
  }
  return out;
}

/** Random values with a share of exact zeros (blank pixels, padding). */
function values(n: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => (r.next() < 0.3 ? 0 : r.normal(0, 1)));
}

test("gemm M×K·K×N, all four transposes, random sizes 1–9: the very numbers of the textbook loop (bitwise)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (M, K, N, seed) => {
      const A = values(M * K, seed);
      const B = values(K * N, seed + 1);
      for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        const got = gemm(A, B, M, K, N, { transA: tA, transB: tB });
        assert.deepEqual(Array.from(got), Array.from(reference(A, B, M, K, N, tA, tB)), `M=${M} K=${K} N=${N} transA=${tA} transB=${tB}`);
      }
      // start values: the products are added to them in order
      const start = values(M * N, seed + 2);
      assert.deepEqual(Array.from(gemm(A, B, M, K, N, { into: start })), Array.from(reference(A, B, M, K, N, false, false, start)));
      assert.deepEqual(Array.from(gemm(A, B, M, K, N, { transA: true, into: start })), Array.from(reference(A, B, M, K, N, true, false, start)));
    }),
    { numRuns: 200, seed: 3 },
  );
});

test("gemm refuses sizes that do not match and start values with transB", () => {
  const A = new Float64Array(6);
  assert.throws(() => gemm(A, new Float64Array(6), 2, 3, 3), (e: unknown) => e instanceof InputError && /gemm/.test(e.message) && /B/.test(e.message));
  assert.throws(() => gemm(A, new Float64Array(6), 3, 3, 2), (e: unknown) => e instanceof InputError && /A/.test(e.message));
  assert.throws(() => gemm(A, new Float64Array(6), 2, 3, 2, { transB: true, into: new Float64Array(4) }), InputError);
  assert.throws(() => useGemmKernels(42 as never), InputError);
});

test("useGemmKernels: a plugged-in kernel answers the products it takes; null hands them back; the old one is returned", () => {
  const calls: string[] = [];
  const fast: GemmKernel = (_A, _B, M, K, N, o) => {
    calls.push(`${M}×${K}·${K}×${N}${o.transB ? " (Bᵀ)" : ""}`);
    return o.transB ? new Float64Array(M * N).fill(7) : null;
  };
  const before = useGemmKernels(fast);
  try {
    const A = Float64Array.from([1, 2, 3, 4]);
    assert.deepEqual(Array.from(gemm(A, A, 2, 2, 2, { transB: true })), [7, 7, 7, 7]);
    assert.deepEqual(Array.from(gemm(A, A, 2, 2, 2)), [7, 10, 15, 22], "null: the built-in loops");
    assert.deepEqual(calls, ["2×2·2×2 (Bᵀ)", "2×2·2×2"]);
  } finally {
    assert.equal(useGemmKernels(before), fast);
  }
  assert.deepEqual(Array.from(gemm(Float64Array.from([1, 2]), Float64Array.from([3, 4]), 1, 2, 1, { transB: true })), [11]);
});
