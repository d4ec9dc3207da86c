/**
 * The compiled kernels (assembly/gemm.ts → dist/wasm/kernels.wasm, built by `npm run build`):
 * loading them, and the little the two users (./wasm-gemm.ts, ./wasm-conv.ts) share about their
 * memory. Each user has its own instance, so each owns its memory's layout.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Exports {
  memory: WebAssembly.Memory;
  gemm(a: number, sai: number, sak: number, b: number, o: number, M: number, K: number, N: number): void;
  transpose(src: number, dst: number, R: number, C: number): void;
  windows(x: number, cols: number, N: number, H: number, W: number, C: number, KH: number, KW: number, S: number, P: number, OH: number, OW: number, back: number): void;
  convForward(x: number, w: number, b: number, o: number, N: number, H: number, W: number, C: number, KH: number, KW: number, F: number, S: number, P: number, OH: number, OW: number): void;
  heapBase(): number;
}

/** Where the compiled kernels are looked for: next to dist/src (the build) or, from src/ under tsx, in dist/. */
const CANDIDATES = [path.join(__dirname, "..", "..", "wasm", "kernels.wasm"), path.join(__dirname, "..", "..", "dist", "wasm", "kernels.wasm")];

const PAGE = 65536;

let compiled: { module: WebAssembly.Module } | { error: string } | null = null;

/** The module, read and compiled once for both users; or why there is none. */
function compile(): { module: WebAssembly.Module } | { error: string } {
  if (compiled) return compiled;
  if (typeof WebAssembly !== "object") return (compiled = { error: "no WebAssembly in this JavaScript engine" });
  const file = CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) return (compiled = { error: `dist/wasm/kernels.wasm not built (run npm run build)` });
  const bytes = fs.readFileSync(file);
  if (!WebAssembly.validate(bytes)) return (compiled = { error: "this engine has no WebAssembly SIMD (the kernels do not validate)" });
  try {
    return (compiled = { module: new WebAssembly.Module(bytes) });
  } catch (e) {
    return (compiled = { error: `the kernels did not load: ${(e as Error).message}` });
  }
}

/** A fresh instance (its own memory) of the compiled module, or why there is none. */
export function instantiate(): { exports: Exports } | { error: string } {
  const c = compile();
  if ("error" in c) return c;
  try {
    return { exports: new WebAssembly.Instance(c.module, {}).exports as unknown as Exports };
  } catch (e) {
    return { error: `the kernels did not load: ${(e as Error).message}` };
  }
}

/** Grow the instance's memory to hold `end` bytes; the new view of it. */
export function growTo(wasm: Exports, end: number): Float64Array {
  if (end > wasm.memory.buffer.byteLength) wasm.memory.grow(Math.ceil((end - wasm.memory.buffer.byteLength) / PAGE));
  return new Float64Array(wasm.memory.buffer);
}

/** 16-byte aligned offset (in f64 units) after `at` + `n` values. */
export const next = (at: number, n: number): number => at + ((n + 1) & ~1);
