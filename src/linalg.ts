/**
 * Matrix products, the one home for them: `Tensor.matmul`, the dense layer (forward and
 * backward) and im2col convolution all multiply here, so a faster kernel (WebAssembly, SIMD)
 * plugs in at one place: `useGemmKernels`.
 *
 *   out [M, N] = op(A) [M, K] · op(B) [K, N]      op(A) = A, or Aᵀ when transA (A stored [K, M])
 *                                                  op(B) = B, or Bᵀ when transB (B stored [N, K])
 *
 * Every output value is a sum over k in ascending order, so each product gives the very numbers
 * of the textbook loop (and im2col's dW those of the naive convolution):
 *   A · B     out[i, :] += A[i, k] · B[k, :]            k = 0, 1, …  (a zero A[i, k] is skipped)
 *   A · Bᵀ    out[i, j]  = Σ_k A[i, k] · B[j, k]         a dot product per value
 *   Aᵀ · B    out[k', :] += A[r, k'] · B[r, :]          r = 0, 1, …  (zeros skipped)
 * Flat row-major Float64Arrays in and out; shapes are the caller's to check.
 */
import { describe, InputError } from "./errors";

/** Options of `gemm`. */
export interface GemmOptions {
  /** A is stored [K, M] and used transposed; default false */
  transA?: boolean;
  /** B is stored [N, K] and used transposed; default false */
  transB?: boolean;
  /**
   * Start values of out [M, N] (not modified), for A · B and Aᵀ · B: the products are added to
   * them in order (the dense layer starts each row at its bias). Not allowed with transB.
   */
  into?: Float64Array;
}

/**
 * A faster implementation of some products: return out [M, N], or null to leave this product
 * to the built-in loops. It must return the same numbers (the tests compare them bitwise).
 */
export type GemmKernel = (A: Float64Array, B: Float64Array, M: number, K: number, N: number, opts: GemmOptions) => Float64Array | null;

let fastKernel: GemmKernel | null = null;

/** Plug in (or, with null, remove) a faster kernel for `gemm`; returns the one it replaces. */
export function useGemmKernels(kernel: GemmKernel | null): GemmKernel | null {
  if (kernel !== null && typeof kernel !== "function") throw new InputError("useGemmKernels", "kernel", "a function or null", describe(kernel));
  const before = fastKernel;
  fastKernel = kernel;
  return before;
}

/** out [M, N] = op(A) · op(B) (see the head of src/linalg.ts). */
export function gemm(A: Float64Array, B: Float64Array, M: number, K: number, N: number, opts: GemmOptions = {}): Float64Array {
  const { transA = false, transB = false, into } = opts;
  if (A.length !== M * K) throw new InputError("gemm", "A", `${M * K} values (${M}×${K})`, `${A.length}`);
  if (B.length !== K * N) throw new InputError("gemm", "B", `${K * N} values (${K}×${N})`, `${B.length}`);
  if (into !== undefined && (transB || into.length !== M * N)) {
    throw new InputError("gemm", "into", transB ? "no start values with transB" : `${M * N} values`, transB ? "start values" : `${into.length}`);
  }
  const fast = fastKernel?.(A, B, M, K, N, opts);
  if (fast) return fast;
  if (transA && transB) return gemmTT(A, B, M, K, N);
  if (transB) return gemmABt(A, B, M, K, N);
  if (transA) return gemmAtB(A, B, M, K, N, into);
  return gemmAB(A, B, M, K, N, into);
}

/** out[i, :] += A[i, k] · B[k, :], k ascending: row i of out is a sum of rows of B. */
function gemmAB(A: Float64Array, B: Float64Array, M: number, K: number, N: number, into?: Float64Array): Float64Array {
  const out = into ? into.slice() : new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    const oi = i * N;
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      if (a === 0) continue; // blank pixels add nothing
      const bk = k * N;
      for (let j = 0; j < N; j++) out[oi + j] += a * B[bk + j];
    }
  }
  return out;
}

/**
 * out[i, j] = Σ_k A[i, k] · B[j, k] for B stored [N, K]: each value one dot product, k ascending.
 * Blocks of 2 rows × 4 columns share their loads, which is what makes it fast in JS.
 */
function gemmABt(A: Float64Array, B: Float64Array, M: number, I: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  let r = 0;
  for (; r + 1 < M; r += 2) {
    const a0 = r * I;
    const a1 = a0 + I;
    const o0 = r * N;
    const o1 = o0 + N;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = n * I;
      const b1 = b0 + I;
      const b2 = b1 + I;
      const b3 = b2 + I;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // row r, columns n … n + 3
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0; // row r + 1
      for (let k = 0; k < I; k++) {
        const u = A[a0 + k];
        const v = A[a1 + k];
        const c0 = B[b0 + k];
        const c1 = B[b1 + k];
        const c2 = B[b2 + k];
        const c3 = B[b3 + k];
        s0 += u * c0;
        s1 += u * c1;
        s2 += u * c2;
        s3 += u * c3;
        t0 += v * c0;
        t1 += v * c1;
        t2 += v * c2;
        t3 += v * c3;
      }
      out[o0 + n] = s0;
      out[o0 + n + 1] = s1;
      out[o0 + n + 2] = s2;
      out[o0 + n + 3] = s3;
      out[o1 + n] = t0;
      out[o1 + n + 1] = t1;
      out[o1 + n + 2] = t2;
      out[o1 + n + 3] = t3;
    }
    for (; n < N; n++) {
      const b = n * I;
      let s0 = 0;
      let t0 = 0;
      for (let k = 0; k < I; k++) {
        s0 += A[a0 + k] * B[b + k];
        t0 += A[a1 + k] * B[b + k];
      }
      out[o0 + n] = s0;
      out[o1 + n] = t0;
    }
  }
  for (; r < M; r++) {
    for (let n = 0; n < N; n++) {
      let s0 = 0;
      for (let k = 0; k < I; k++) s0 += A[r * I + k] * B[n * I + k];
      out[r * N + n] = s0;
    }
  }
  return out;
}

/**
 * out[k, :] += A[r, k] · G[r, :] for A stored [R, M] (R = the inner size K here), r ascending.
 * Four rows r at a time share the loads of out, adding one after the other (the same order as
 * the plain loop, so the same numbers); four zeros in a row of A (blank pixels, padding) are
 * skipped. Adding a zero product changes nothing: sums that start at +0 never become −0.
 */
function gemmAtB(A: Float64Array, G: Float64Array, M: number, R: number, N: number, into?: Float64Array): Float64Array {
  const out = into ? into.slice() : new Float64Array(M * N);
  let r = 0;
  for (; r + 3 < R; r += 4) {
    const a = r * M;
    const g0 = r * N;
    const g1 = g0 + N;
    const g2 = g1 + N;
    const g3 = g2 + N;
    for (let k = 0; k < M; k++) {
      const x0 = A[a + k];
      const x1 = A[a + M + k];
      const x2 = A[a + 2 * M + k];
      const x3 = A[a + 3 * M + k];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const o = k * N;
      for (let n = 0; n < N; n++) {
        let s = out[o + n];
        s += x0 * G[g0 + n];
        s += x1 * G[g1 + n];
        s += x2 * G[g2 + n];
        s += x3 * G[g3 + n];
        out[o + n] = s;
      }
    }
  }
  for (; r < R; r++) {
    const g = r * N;
    for (let k = 0; k < M; k++) {
      const x0 = A[r * M + k];
      if (x0 === 0) continue;
      const o = k * N;
      for (let n = 0; n < N; n++) out[o + n] += x0 * G[g + n];
    }
  }
  return out;
}

/** out[i, j] = Σ_k A[k, i] · B[j, k]: rarely needed, the plain loop. */
function gemmTT(A: Float64Array, B: Float64Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[k * M + i] * B[j * K + k];
      out[i * N + j] = s;
    }
  }
  return out;
}
