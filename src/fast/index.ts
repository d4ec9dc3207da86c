/**
 * The fast path of the from-scratch engine: `Network` runs its forward (without a trace) and its
 * `lossAndGrad` inside `withFastKernels`, so `train` uses the WebAssembly matrix product by
 * default; traces and the step-by-step functions called on their own (denseForward,
 * conv2dIm2col, Tensor.matmul, …) run the readable loops of src/linalg.ts.
 *
 * Off when the environment says DL_LESSONS_FAST=0, or when WebAssembly SIMD is missing (then the
 * TypeScript loops do the work; `fastPath()` says which and why).
 */
import { useGemmKernels, type GemmKernel } from "../linalg";
import { wasmGemmKernel } from "./wasm-gemm";

let loaded: { kernel: GemmKernel | null; why: string } | null = null;

function load(): { kernel: GemmKernel | null; why: string } {
  if (loaded) return loaded;
  if (process.env.DL_LESSONS_FAST === "0") return (loaded = { kernel: null, why: "DL_LESSONS_FAST=0" });
  const r = wasmGemmKernel();
  loaded = "error" in r ? { kernel: null, why: r.error } : { kernel: r.kernel, why: "WebAssembly SIMD (dist/wasm/kernels.wasm)" };
  return loaded;
}

/** Which matrix product `Network` uses: "wasm-simd" or "typescript", and why. */
export function fastPath(): { engine: "wasm-simd" | "typescript"; why: string } {
  const l = load();
  return { engine: l.kernel ? "wasm-simd" : "typescript", why: l.why };
}

/**
 * Run f with the fast matrix product plugged into `gemm` (unless another kernel is already
 * plugged in, which is kept), then restore what was there.
 */
export function withFastKernels<T>(f: () => T): T {
  const { kernel } = load();
  if (!kernel) return f();
  const before = useGemmKernels(null);
  useGemmKernels(before ?? kernel);
  try {
    return f();
  } finally {
    useGemmKernels(before);
  }
}
