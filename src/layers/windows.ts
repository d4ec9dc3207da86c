/**
 * Window geometry, the one home for it (chapters 7 and 8): how many windows fit along an axis,
 * where each window starts, and the output-size formula as text. Convolution, max pooling,
 * their traces and both trace views (text and HTML) read it from here.
 *
 *   H' = (H + 2P − K)/S + 1            when the division is whole
 *   H' = ⌊(H + 2P − K)/S⌋ + 1          otherwise (rounding "floor": the last rows that cannot
 *                                      fill a window are left out)
 */

import { checkString } from "../checks";
import { checkInt, describe, InputError } from "../errors";

/** How an output size that does not come out whole is treated: "exact" refuses it, "floor" drops the rest. */
export type Rounding = "exact" | "floor";

/** The numbers of one axis of a sliding window. */
export interface WindowAxis {
  /** input size along the axis (H or W) */
  size: number;
  /** window size along the axis (KH, KW, or the pooling size) */
  kernel: number;
  /** step between neighbouring windows */
  stride: number;
  /** zeros added on each side; undefined for an operation without padding (max pooling) */
  pad?: number;
}

/** The output-size formula of one axis, symbolic and filled in, e.g. for pooling 11 by 2: ⌊(11 − 2)/2⌋ + 1 = 5. */
export interface SizeFormula {
  /** "H' = ⌊(H + 2P − KH)/S⌋ + 1" */
  symbolic: string;
  /** "⌊(11 + 2·0 − 2)/2⌋ + 1 = 5" */
  filled: string;
  /** the output size */
  value: number;
  /** true when the division was not whole and ⌊ ⌋ dropped a remainder */
  floored: boolean;
}

/**
 * The output-size formula of one axis with its numbers. ⌊ ⌋ appears exactly when
 * (size + 2·pad − kernel) is not a multiple of stride. `axis` names the axis ("H" or "W"),
 * `kernelName` the window's size symbol (default "K" + axis).
 */
export function sizeFormula(axis: "H" | "W", a: WindowAxis, kernelName = `K${axis}`): SizeFormula {
  if (axis !== "H" && axis !== "W") throw new InputError("sizeFormula", "axis", '"H" or "W"', describe(axis));
  if (typeof a !== "object" || a === null) throw new InputError("sizeFormula", "a", "{ size, kernel, stride, pad? }", describe(a));
  checkString("sizeFormula", "kernelName", kernelName);
  const { size, kernel, stride } = a;
  checkInt("sizeFormula", "a.size", size);
  checkInt("sizeFormula", "a.kernel", kernel);
  checkInt("sizeFormula", "a.stride", stride);
  if (a.pad !== undefined) checkInt("sizeFormula", "a.pad", a.pad, 0);
  const padded = a.pad === undefined ? size : size + 2 * a.pad;
  const span = padded - kernel;
  const floored = span % stride !== 0;
  const value = Math.floor(span / stride) + 1;
  const symBody = a.pad === undefined ? `${axis} − ${kernelName}` : `${axis} + 2P − ${kernelName}`;
  const numBody = a.pad === undefined ? `${size} − ${kernel}` : `${size} + 2·${a.pad} − ${kernel}`;
  const wrap = (body: string, s: string) => (floored ? `⌊(${body})/${s}⌋ + 1` : `(${body})/${s} + 1`);
  return {
    symbolic: `${axis}' = ${wrap(symBody, "S")}`,
    filled: `${wrap(numBody, String(stride))} = ${value}`,
    value,
    floored,
  };
}
