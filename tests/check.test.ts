import { test } from "node:test";
import assert from "node:assert/strict";
import { checkLecture } from "../kernel-helpers/check";
import { Tensor } from "../src/tensor";
import { InputError } from "../src/errors";

test("checkLecture: 1/3 rounds to the lecture's 0.33 and passes; 0.36 against 0.33 fails loudly", () => {
  const r = checkLecture("third", [1 / 3, 2 / 3], [0.33, 0.67]);
  assert.equal(r.ok, true);
  assert.match(r.message, /^✓ third/);
  assert.throws(() => checkLecture("wrong", [0.36], [0.33]), /✗ wrong: computed \(0\.36\) but the lecture says \(0\.33\)/);
});

test("checkLecture: Tensor and nested arrays compare element by element; sizes must agree", () => {
  const t = Tensor.from([[3, -1], [-3, 0]]);
  assert.equal(checkLecture("map", t, [[3, -1], [-3, 0]], 0).ok, true);
  assert.throws(() => checkLecture("map", t, [3, -1, -3], 0), InputError);
  assert.throws(() => checkLecture("nan", [NaN], [1]), InputError);
});
