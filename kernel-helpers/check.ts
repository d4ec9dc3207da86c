/**
 * Lecture checks for lessons: a visible cell compares what the library computed with the number
 * the lecture printed, says so in one line, and throws when they disagree, so that the run of the
 * notebook (and CI) fails instead of teaching a wrong number.
 */
import { checkCount, checkString } from "../src/checks";
import { inspect, type InspectOptions } from "node:util";
import { Tensor } from "../src/tensor";
import { InputError, describe, text } from "../src/errors";
import { currentWriter, type WriteDisplayData } from "./display";
import { inTslabResultPrint, skipBareNewline } from "./tslab/cell";

export type Numbers = number | readonly number[] | readonly (readonly number[])[] | Tensor;

function flat(fn: string, arg: string, v: Numbers): number[] {
  if (v instanceof Tensor) return v.toList();
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return (v as unknown[]).flat(2) as number[];
  throw new InputError(fn, arg, "a number, an array of numbers or a Tensor", describe(v));
}

/**
 * A verdict already printed as one line under its cell, that prints as that line again (in a
 * template string, by console.log) except as the cell's last value, where tslab would repeat it.
 * LectureCheck and the instant checks of dl-lessons/grade share it.
 */
export abstract class PrintedVerdict {
  /** the cell whose output holds the printed line (tslab's writer), null outside a kernel */
  readonly #printedIn: WriteDisplayData | null = currentWriter();

  /** the one line printed under the cell */
  abstract readonly message: string;

  toString(): string {
    return this.message;
  }

  /**
   * console.log and tslab print the one line. When the verdict is the last line of a cell, tslab
   * prints it again right under the line already printed: that second print is left out (the
   * empty string it becomes, and its newline), so the cell shows the line once.
   */
  [inspect.custom](depth: number, options: InspectOptions): string {
    if (this.#printedIn !== null && this.#printedIn === currentWriter() && depth === options.depth && inTslabResultPrint()) {
      skipBareNewline();
      return "";
    }
    return this.message;
  }
}

/** What checkLecture returns: the comparison's fields, printed as its one-line message. */
export class LectureCheck extends PrintedVerdict {
  constructor(
    public label: string,
    public computed: number[],
    public lecture: number[],
    public decimals: number,
    public ok: boolean,
    /** the one line printed under the cell */
    public message: string,
  ) {
    super();
  }
}

/** A computed value that does not match the lecture's (the "✗ …" of checkLecture). */
export class LectureMismatchError extends Error {
  constructor(message: string) {
    super(text(message));
    this.name = "LectureMismatchError";
  }
}

/**
 * Compare `computed` with the lecture's `lecture` values after rounding both to `decimals` places
 * (the lecture prints rounded numbers); print "✓ …" and return the check, or throw "✗ …".
 */
export function checkLecture(label: string, computed: Numbers, lecture: Numbers, decimals = 2): LectureCheck {
  checkString("checkLecture", "label", label, "a label for the check");
  checkCount("checkLecture", "decimals", decimals, 0, 12);
  const c = flat("checkLecture", "computed", computed);
  const l = flat("checkLecture", "lecture", lecture);
  if (c.length !== l.length) throw new InputError("checkLecture", "computed", `${l.length} values (as many as the lecture's)`, `${c.length} values`);
  if (c.some((x) => !Number.isFinite(x))) throw new InputError("checkLecture", "computed", "finite numbers", c.join(", "));
  if (l.some((x) => !Number.isFinite(x))) throw new InputError("checkLecture", "lecture", "finite numbers", l.join(", "));
  const round = (x: number) => Number(x.toFixed(decimals)) + 0;
  const tol = 0.5 * 10 ** -decimals + 1e-12;
  const ok = c.every((x, i) => round(x) === round(l[i]) || Math.abs(x - l[i]) <= tol);
  const show = (xs: number[]) => `(${xs.map((x) => round(x).toFixed(decimals)).join(", ")})`;
  const message = ok
    ? `✓ ${label}: computed ${show(c)} matches the lecture's ${show(l)} to ${decimals} decimals`
    : `✗ ${label}: computed ${show(c)} but the lecture says ${show(l)}`;
  console.log(message);
  if (!ok) throw new LectureMismatchError(message);
  return new LectureCheck(label, c, l, decimals, ok, message);
}
