/** Shared by the tests of src/tf: seeded float32 data, backend switching, float32 comparisons. */
import assert from "node:assert/strict";
import { initBackend, type BackendName } from "../../src/tf/backend";
import { Random } from "../../src/random";

/** `n` normal values, seeded, already float32. */
export function randn32(n: number, seed: number, std = 1): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.normal(0, std));
}

/** `n` small integers in [0, levels), seeded: many ties for max pooling. */
export function ints32(n: number, seed: number, levels = 3): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.int(levels));
}

export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Switch TensorFlow.js to `name` (our backend.ts, so wasm gets its gradient kernels). */
export async function use(name: BackendName): Promise<void> {
  await initBackend({ backend: name });
}

/** The backends the CI runs the TensorFlow.js tests on. */
export const CI_BACKENDS: readonly BackendName[] = ["wasm", "cpu"];

/** Largest |a − b| over max(1, max |b|): float32 agreement independent of the values' scale. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "lengths differ");
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / scale;
}

/** Same length, relDiff ≤ tol, with the evidence in the message. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  const d = relDiff(a, b);
  assert.ok(d <= tol, `${what}: largest difference ${d.toExponential(2)} (relative to max(1, |values|)) > ${tol}`);
}
