/**
 * The fast matrix product: assembly/gemm.ts compiled to WebAssembly with SIMD by `npm run build`
 * (dist/wasm/kernels.wasm), plugged in behind src/linalg.ts's `gemm`. It returns the numbers of
 * the loops in src/linalg.ts (the same additions in the same order); the loops stay the readable
 * reference and the fallback when WebAssembly SIMD is missing.
 *
 * Memory: one WebAssembly memory, grown when a product needs more and then reused: A, B, the
 * transposed B and out are copied into it at fixed places, nothing is allocated in the module.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GemmKernel, GemmOptions } from "../linalg";

interface Exports {
  memory: WebAssembly.Memory;
  gemm(a: number, sai: number, sak: number, b: number, o: number, M: number, K: number, N: number): void;
  transpose(src: number, dst: number, R: number, C: number): void;
  heapBase(): number;
}

/** Where the compiled kernels are looked for: next to dist/src (the build) or, from src/ under tsx, in dist/. */
const CANDIDATES = [path.join(__dirname, "..", "..", "wasm", "kernels.wasm"), path.join(__dirname, "..", "..", "dist", "wasm", "kernels.wasm")];

const PAGE = 65536;

/** The compiled module, or why there is none. */
function instantiate(): { exports: Exports } | { error: string } {
  if (typeof WebAssembly !== "object") return { error: "no WebAssembly in this JavaScript engine" };
  const file = CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) return { error: `dist/wasm/kernels.wasm not built (run npm run build)` };
  const bytes = fs.readFileSync(file);
  if (!WebAssembly.validate(bytes)) return { error: "this engine has no WebAssembly SIMD (the kernels do not validate)" };
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return { exports: instance.exports as unknown as Exports };
  } catch (e) {
    return { error: `the kernels did not load: ${(e as Error).message}` };
  }
}

/** A GemmKernel on the WebAssembly module, or the reason it is not available. */
export function wasmGemmKernel(): { kernel: GemmKernel } | { error: string } {
  const inst = instantiate();
  if ("error" in inst) return inst;
  const wasm = inst.exports;
  const base = wasm.heapBase();
  let heap = new Float64Array(wasm.memory.buffer);

  /** 16-byte aligned offset (in f64 units) after `at` + `n` values. */
  const next = (at: number, n: number) => at + ((n + 1) & ~1);

  const kernel: GemmKernel = (A, B, M, K, N, opts: GemmOptions) => {
    const { transA = false, transB = false, into } = opts;
    if (M === 0 || K === 0 || N === 0) return null;
    // layout in f64 units: A | B | Bᵀ (when transB) | out
    const a = base / 8;
    const b = next(a, M * K);
    const t = transB ? next(b, K * N) : b;
    const o = next(t, K * N);
    const end = (o + M * N) * 8;
    if (end > wasm.memory.buffer.byteLength) {
      wasm.memory.grow(Math.ceil((end - wasm.memory.buffer.byteLength) / PAGE));
      heap = new Float64Array(wasm.memory.buffer);
    }
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
