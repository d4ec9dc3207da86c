/** Assertions shared by the layer, gradcheck and trace tests. */
import assert from "node:assert/strict";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";

/** f throws an InputError that names the function `fn` and the argument `arg`, in its fields and its message. */
export function assertInputError(f: () => unknown, fn: string, arg: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.fn, fn);
    assert.equal(e.arg, arg);
    assert.ok(e.message.startsWith(`${fn}: argument '${arg}'`), e.message);
    return true;
  });
}

/** The same values rounded to float32, so that TensorFlow.js and we start from identical inputs. */
export function f32(t: Tensor): Tensor {
  return t.map(Math.fround);
}

/** Same shape, values within `rel` of the larger of 1 and the largest magnitude (float32 tolerance). */
export function assertCloseF32(ours: Tensor, theirs: Tensor, rel = 1e-5): void {
  assert.deepEqual(ours.shape, theirs.shape);
  let scale = 1;
  for (const v of theirs.data) scale = Math.max(scale, Math.abs(v));
  const diff = ours.maxAbsDiff(theirs);
  assert.ok(diff <= rel * scale, `largest difference ${diff} > ${rel} × ${scale}`);
}

/** Random sizes for property tests. */
export const size = (max = 6) => ({ min: 1, max });
