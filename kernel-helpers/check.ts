/**
 * Lecture checks for lessons: a visible cell compares what the library computed with the number
 * the lecture printed, says so in one line, and throws when they disagree, so that the run of the
 * notebook (and CI) fails instead of teaching a wrong number.
 */
import { inspect, type InspectOptions } from "node:util";
import { Tensor } from "../src/tensor";
import { InputError, describe } from "../src/errors";
import { currentWriter, type WriteDisplayData } from "./display";

export type Numbers = number | readonly number[] | readonly (readonly number[])[] | Tensor;

function flat(fn: string, arg: string, v: Numbers): number[] {
  if (v instanceof Tensor) return v.toList();
  if (typeof v === "number") return [v];
  if (Array.isArray(v)) return (v as unknown[]).flat(2) as number[];
  throw new InputError(fn, arg, "a number, an array of numbers or a Tensor", describe(v));
}

/** tslab's executor: it prints a cell's last value with console.log once the cell has run. */
const TSLAB_EXECUTOR = /[\\/]tslab[\\/]dist[\\/]executor\.js/;

/**
 * A verdict already printed as one line under its cell, that prints as that line again (in a
 * template string, by console.log) except as the cell's last value, where tslab would repeat it.
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
    if (this.#printedIn !== null && this.#printedIn === currentWriter() && depth === options.depth && byTslabResultPrint()) {
      dropNextNewline();
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

/** The inspection runs inside tslab's print of a cell's last value. */
function byTslabResultPrint(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  try {
    return TSLAB_EXECUTOR.test(new Error().stack ?? "");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The next write to stdout is console.log's: skip it if it is the bare newline of an empty print. */
function dropNextNewline(): void {
  const out = process.stdout;
  const write = out.write;
  out.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    out.write = write;
    if (chunk === "\n") return true;
    return (write as (...a: unknown[]) => boolean).call(out, chunk, ...rest);
  } as typeof out.write;
}

/**
 * Compare `computed` with the lecture's `lecture` values after rounding both to `decimals` places
 * (the lecture prints rounded numbers); print "✓ …" and return the check, or throw "✗ …".
 */
export function checkLecture(label: string, computed: Numbers, lecture: Numbers, decimals = 2): LectureCheck {
  const c = flat("checkLecture", "computed", computed);
  const l = flat("checkLecture", "lecture", lecture);
  if (c.length !== l.length) throw new InputError("checkLecture", "computed", `${l.length} values (as many as the lecture's)`, `${c.length} values`);
  if (c.some((x) => !Number.isFinite(x))) throw new InputError("checkLecture", "computed", "finite numbers", c.join(", "));
  const round = (x: number) => Number(x.toFixed(decimals)) + 0;
  const tol = 0.5 * 10 ** -decimals + 1e-12;
  const ok = c.every((x, i) => round(x) === round(l[i]) || Math.abs(x - l[i]) <= tol);
  const show = (xs: number[]) => `(${xs.map((x) => round(x).toFixed(decimals)).join(", ")})`;
  const message = ok
    ? `✓ ${label}: computed ${show(c)} matches the lecture's ${show(l)} to ${decimals} decimals`
    : `✗ ${label}: computed ${show(c)} but the lecture says ${show(l)}`;
  console.log(message);
  if (!ok) throw new Error(message);
  return new LectureCheck(label, c, l, decimals, ok, message);
}
