/**
 * The matrix product alone: GFLOP/s of src/linalg.ts's loops and of the fast path (src/fast,
 * WebAssembly SIMD f64x2) on the shapes training multiplies (the MLP's three products per batch,
 * the LeNet conv's three), and a square 256³, against the CPU's peak. Asserts nothing.
 *
 * Peaks on this machine (AVX2 with FMA, ~4 GHz): ~130 GFLOP/s per core in float32, ~65 in
 * float64. WebAssembly SIMD has no fused multiply-add (outside relaxed SIMD) and 128-bit vectors:
 * at most 2 f64x2 operations per cycle, a multiply and an add for 2 values → ~4 flops/cycle,
 * ~16 GFLOP/s per core in float64, a quarter of the f64 peak.
 *
 *   node --import tsx tests/bench/gemm.bench.ts      (or npm run bench -- gemm)
 */
import { gemm, type GemmOptions } from "../../src/linalg";
import { fastPath, withFastKernels } from "../../src/fast";
import { Random } from "../../src/random";
import { loadAverage, median } from "./python";

const F64_PEAK = 65;

type Case = { name: string; M: number; K: number; N: number; opts: GemmOptions };
const CASES: Case[] = [
  { name: "MLP forward x·W1", M: 10, K: 784, N: 30, opts: {} },
  { name: "MLP dx = δ·W1ᵀ", M: 10, K: 30, N: 784, opts: { transB: true } },
  { name: "MLP dW1 = xᵀ·δ", M: 784, K: 10, N: 30, opts: { transA: true } },
  { name: "conv forward cols·wᵀ", M: 36864, K: 25, N: 6, opts: { transB: true } },
  { name: "conv dW = colsᵀ·δ", M: 25, K: 36864, N: 6, opts: { transA: true } },
  { name: "conv dcols = δ·wᵀ", M: 36864, K: 6, N: 25, opts: { transB: true } },
  { name: "square 256³", M: 256, K: 256, N: 256, opts: {} },
];

function randomValues(n: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => r.normal(0, 1));
}

/** Median seconds of one call, over enough calls to last ~0.2 s, after warm-ups. */
function seconds(f: () => void): number {
  for (let k = 0; k < 3; k++) f();
  let reps = 1;
  for (let t = performance.now(); performance.now() - t < 20; reps++) f();
  const times: number[] = [];
  for (let run = 0; run < 9; run++) {
    const t = performance.now();
    for (let k = 0; k < reps; k++) f();
    times.push((performance.now() - t) / 1000 / reps);
  }
  return median(times);
}

/** Run the benchmark, print a table, return GFLOP/s per case (loops and fast path). */
export async function runGemmBench(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  console.log(`fast path: ${fastPath().engine} (${fastPath().why}); float64 peak ~${F64_PEAK} GFLOP/s per core (AVX2 FMA), ~16 for WebAssembly SIMD without FMA`);
  console.log(`${"product".padEnd(24)}${"M×K×N".padStart(16)}${"loops GF/s".padStart(12)}${"fast GF/s".padStart(12)}${"speed-up".padStart(10)}${"% f64 peak".padStart(12)}`);
  for (const c of CASES) {
    const A = randomValues(c.M * c.K, 1);
    const B = randomValues(c.K * c.N, 2);
    const flops = 2 * c.M * c.K * c.N;
    const plain = flops / seconds(() => void gemm(A, B, c.M, c.K, c.N, c.opts)) / 1e9;
    const fast = flops / seconds(() => void withFastKernels(() => gemm(A, B, c.M, c.K, c.N, c.opts))) / 1e9;
    figures[`${c.name} loops GFLOP/s`] = plain;
    figures[`${c.name} fast GFLOP/s`] = fast;
    const dims = `${c.M}×${c.K}×${c.N}`;
    console.log(`${c.name.padEnd(24)}${dims.padStart(16)}${plain.toFixed(2).padStart(12)}${fast.toFixed(2).padStart(12)}${(fast / plain).toFixed(1).padStart(9)}×${((100 * fast) / F64_PEAK).toFixed(1).padStart(11)}%`);
  }
  console.log(`${loadAverage()} (figures measured under this load)`);
  return figures;
}

if (require.main === module) {
  runGemmBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
