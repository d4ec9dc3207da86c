/**
 * The fast matrix product: assembly/gemm.ts compiled to WebAssembly with SIMD by `npm run build`
 * (dist/wasm/kernels.wasm), plugged in behind src/linalg.ts's `gemm`. It returns the numbers of
 * the loops in src/linalg.ts (the same additions in the same order); the loops stay the readable
 * reference and the fallback when WebAssembly SIMD is missing.
 *
 * Memory: one WebAssembly memory, grown when a product needs more and then reused: A, B, the
 * transposed B and out are copied into it at fixed places, nothing is allocated in the module.
 */
import type { GemmKernel, GemmOptions } from "../linalg";
import { growTo, instantiate, next } from "./wasm";

/** A GemmKernel on the WebAssembly module, or the reason it is not available. */
export function wasmGemmKernel(): { kernel: GemmKernel } | { error: string } {
  const inst = instantiate();
  if ("error" in inst) return inst;
  const wasm = inst.exports;
  const base = wasm.heapBase();
  let heap: Float64Array = new Float64Array(wasm.memory.buffer);

  const kernel: GemmKernel = (A, B, M, K, N, opts: GemmOptions) => {
    const { transA = false, transB = false, into } = opts;
    if (M === 0 || K === 0 || N === 0) return null;
    // layout in f64 units: A | B | Bᵀ (when transB) | out
    const a = base / 8;
    const b = next(a, M * K);
    const t = transB ? next(b, K * N) : b;
    const o = next(t, K * N);
    const end = (o + M * N) * 8;
    if (end > wasm.memory.buffer.byteLength) heap = growTo(wasm, end);
    heap.set(A, a);
    heap.set(B, b);
    if (transB) wasm.transpose(b * 8, t * 8, N, K);
    if (into) heap.set(into, o);
    else heap.fill(0, o, o + M * N);
    if (transA) wasm.gemm(a * 8, 1, M, t * 8, o * 8, M, K, N);
    else wasm.gemm(a * 8, K, 1, t * 8, o * 8, M, K, N);
    return heap.slice(o, o + M * N);
  };
  return { kernel };
}
