/**
 * The fast path of the from-scratch engine: `Network` runs its forward (without a trace) and its
 * `lossAndGrad` inside `withFastKernels`, so `train` uses the WebAssembly matrix product and
 * im2col convolution by default; traces and the step-by-step functions called on their own (denseForward,
 * conv2dIm2col, Tensor.matmul, …) run the readable loops of src/linalg.ts.
 *
 * Off when the environment says DL_LESSONS_FAST=0, or when WebAssembly SIMD is missing (then the
 * TypeScript loops do the work; `fastPath()` says which and why).
 */
import { useConvKernels, type ConvKernels } from "../layers/im2col";
import { useGemmKernels, type GemmKernel } from "../linalg";
import { wasmConvKernels } from "./wasm-conv";
import { wasmGemmKernel } from "./wasm-gemm";

type Loaded = { kernel: GemmKernel | null; conv: ConvKernels | null; why: string };
let loaded: Loaded | null = null;

function load(): Loaded {
  if (loaded) return loaded;
  if (process.env.DL_LESSONS_FAST === "0") return (loaded = { kernel: null, conv: null, why: "DL_LESSONS_FAST=0" });
  const r = wasmGemmKernel();
  if ("error" in r) return (loaded = { kernel: null, conv: null, why: r.error });
  const c = wasmConvKernels();
  if ("error" in c) return (loaded = { kernel: null, conv: null, why: c.error });
  return (loaded = { kernel: r.kernel, conv: c.kernels, why: "WebAssembly SIMD (dist/wasm/kernels.wasm)" });
}

/** Which matrix product `Network` uses: "wasm-simd" or "typescript", and why. */
export function fastPath(): { engine: "wasm-simd" | "typescript"; why: string } {
  const l = load();
  return { engine: l.kernel ? "wasm-simd" : "typescript", why: l.why };
}

/**
 * Run f with the fast matrix product plugged into `gemm` and the fast convolution into
 * conv2dIm2col (unless others are already plugged in, which are kept), then restore what was there.
 */
export function withFastKernels<T>(f: () => T): T {
  const { kernel, conv } = load();
  if (!kernel || !conv) return f();
  const before = useGemmKernels(null);
  useGemmKernels(before ?? kernel);
  const convBefore = useConvKernels(null);
  useConvKernels(convBefore ?? conv);
  try {
    return f();
  } finally {
    useGemmKernels(before);
    useConvKernels(convBefore);
  }
}
