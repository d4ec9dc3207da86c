/**
 * The fast im2col convolution: the passes of src/layers/im2col.ts (`conv2dIm2col`,
 * `conv2dBackwardIm2col`) run inside the WebAssembly module. The forward reads every window in
 * place (assembly/gemm.ts `convForward`: the product's sums without building the window matrix
 * cols [N·H'·W', KH·KW·C], 7.4 MB for a batch of 64 digits and 5×5 filters); the backward builds
 * cols where its products run instead of in JavaScript. The same sums in the same order as the
 * TypeScript path, so the same numbers (tests/fast.test.ts).
 *
 * Memory: one WebAssembly memory of its own, grown when a batch needs more and then reused.
 */
import type { ConvKernels } from "../layers/im2col";
import type { ConvSizes } from "../layers/conv-checks";
import { growTo, instantiate, next } from "./wasm";

/** ConvKernels on the WebAssembly module, or the reason they are not available. */
export function wasmConvKernels(): { kernels: ConvKernels } | { error: string } {
  const inst = instantiate();
  if ("error" in inst) return inst;
  const wasm = inst.exports;
  const base = wasm.heapBase() / 8;
  let heap: Float64Array = new Float64Array(wasm.memory.buffer);
  const room = (endF64: number): void => {
    if (endF64 * 8 > heap.byteLength || heap.buffer !== wasm.memory.buffer) heap = growTo(wasm, endF64 * 8);
  };
  const walk = (xAt: number, colsAt: number, s: ConvSizes, back: number): void =>
    wasm.windows(xAt * 8, colsAt * 8, s.N, s.H, s.W, s.C, s.KH, s.KW, s.S, s.P, s.OH, s.OW, back);
  /** x copied in at the start of free memory and unfolded into cols right after it; the sizes. */
  const unfold = (x: Float64Array, s: ConvSizes): { M: number; K: number; F: number; ca: number } | null => {
    const M = s.N * s.OH * s.OW;
    const K = s.KH * s.KW * s.C;
    if (M === 0 || K === 0 || s.F === 0) return null;
    const xa = base;
    const ca = next(xa, x.length);
    room(next(ca, M * K));
    heap.set(x, xa);
    if (s.P > 0) heap.fill(0, ca, ca + M * K); // windows reaching into the padding keep zeros there
    walk(xa, ca, s, 0);
    return { M, K, F: s.F, ca };
  };

  const kernels: ConvKernels = {
    forward(x, w, b, s) {
      const M = s.N * s.OH * s.OW;
      const K = s.KH * s.KW * s.C;
      if (M === 0 || K === 0 || s.F === 0) return null;
      // layout (f64 units): x | w [K, F] | b | out [M, F]; the windows are read in place
      const xa = base;
      const wa = next(xa, x.length);
      const ba = next(wa, K * s.F);
      const oa = next(ba, s.F);
      room(oa + M * s.F);
      heap.set(x, xa);
      heap.set(w, wa);
      heap.set(b, ba);
      wasm.convForward(xa * 8, wa * 8, ba * 8, oa * 8, s.N, s.H, s.W, s.C, s.KH, s.KW, s.F, s.S, s.P, s.OH, s.OW);
      return heap.slice(oa, oa + M * s.F);
    },
    backward(x, w, dout, s) {
      const u = unfold(x, s);
      if (u === null) return null;
      const { M, K, F, ca } = u;
      // layout (f64 units): x | cols | δ [M, F] | w [K, F] | wᵀ [F, K] | dW [K, F] | dcols [M, K] | dx
      const ga = next(ca, M * K);
      const wa = next(ga, M * F);
      const ta = next(wa, K * F);
      const dwa = next(ta, K * F);
      const dca = next(dwa, K * F);
      const dxa = next(dca, M * K);
      room(dxa + x.length);
      heap.set(dout, ga);
      heap.set(w, wa);
      // dW [K, F] = colsᵀ · δ
      heap.fill(0, dwa, dwa + K * F);
      wasm.gemm(ca * 8, 1, K, ga * 8, dwa * 8, K, M, F);
      // dcols [M, K] = δ · wᵀ, then folded back onto the input
      wasm.transpose(wa * 8, ta * 8, K, F);
      heap.fill(0, dca, dca + M * K);
      wasm.gemm(ga * 8, F, 1, ta * 8, dca * 8, M, F, K);
      heap.fill(0, dxa, dxa + x.length);
      walk(dxa, dca, s, 1);
      return { dx: heap.slice(dxa, dxa + x.length), dW: heap.slice(dwa, dwa + K * F) };
    },
  };
  return { kernels };
}
