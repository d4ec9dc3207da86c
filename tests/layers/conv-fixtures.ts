/** Fixtures shared by the conv and pool tests: the lecture's worked example and an InputError assertion. */
import assert from "node:assert/strict";
import { InputError } from "../../src/errors";
import { Tensor } from "../../src/tensor";

/** Chapter 7: the lecture's 6×6 binary image and its two 3×3 filters, as x [1, 6, 6, 1], w [3, 3, 1, 2], b = 0. */
export function lectureExample(): { x: Tensor; w: Tensor; b: Tensor } {
  const rows = ["100001", "010010", "001100", "100010", "010010", "001010"];
  const x = Tensor.from(rows.map((r) => [...r].map((ch) => [Number(ch)]))).reshape([1, 6, 6, 1]);
  const filter1 = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]];
  const filter2 = [[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]];
  // w[di, dj, 0, f]
  const w = Tensor.from(filter1.map((row, di) => row.map((v, dj) => [[v, filter2[di][dj]]])));
  return { x, w, b: Tensor.zeros([2]) };
}

/** Channel c of out [1, H', W', C] as rows. */
export function featureMap(out: Tensor, c: number): number[][] {
  const [, oh, ow] = out.shape;
  return Array.from({ length: oh }, (_, i) => Array.from({ length: ow }, (_, j) => out.get(0, i, j, c)));
}

/** f throws an InputError naming the function `fn` and the argument `arg`, its message containing `inMessage`. */
export function throwsInputError(f: () => unknown, fn: string, arg: string, inMessage?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.fn, fn);
    assert.equal(e.arg, arg);
    if (inMessage) assert.ok(e.message.includes(inMessage), `"${e.message}" should contain "${inMessage}"`);
    return true;
  });
}
