/**
 * The X-or-O images of chapter 9: 9×9 pictures of a drawn X or O, with pixels +1 (ink) and
 * −1 (paper). With ±1 pixels, the product of an image pixel and a filter pixel is +1 where
 * they agree and −1 where they differ, so the mean of the products — the match score — is 1
 * for a perfect match, −1 for the exact opposite, and (agree − disagree) / 9 in between for
 * a 3×3 filter.
 *
 * Besides the two canonical pictures, the set holds variants a computer must still
 * recognise: the same picture shifted by one pixel (up, down, left, right), drawn with a
 * thicker stroke, rotated by ±15° (redrawn, not resampled: on a 9×9 grid resampling
 * breaks the strokes), and a hand-drawn-looking deformed one.
 */
import { fmtShape, InputError } from "../errors";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import type { Dataset } from "./types";

/** The X-or-O set: labels 0 = X, 1 = O; `variants[i]` says how picture i was made. */
export interface XoDataset extends Dataset {
  variants: string[];
}

/** The three 3×3 filters a learner matches against X pictures. */
export interface XoFilters {
  /** the filters as one conv weight tensor [3, 3, 1, 3] ([KH, KW, C, F]) */
  w: Tensor;
  /** their names, in the order of the last axis of w */
  names: string[];
  /** each filter alone, [3, 3] */
  kernels: Tensor[];
}

const SIZE = 9;

// Pictures as text: '#' is ink (+1), '.' is paper (−1).
const X = [
  ".........",
  ".#.....#.",
  "..#...#..",
  "...#.#...",
  "....#....",
  "...#.#...",
  "..#...#..",
  ".#.....#.",
  ".........",
];
const O = [
  ".........",
  "...###...",
  "..#...#..",
  ".#.....#.",
  ".#.....#.",
  ".#.....#.",
  "..#...#..",
  "...###...",
  ".........",
];
// hand-drawn look: strokes that wobble, a crossing off centre, an O not quite closed
const X_DEFORMED = [
  ".........",
  "#......#.",
  ".#....#..",
  "..#..#...",
  "...##....",
  "...##....",
  "..#..#...",
  ".#....#..",
  "#.....#..",
];
const O_DEFORMED = [
  ".........",
  "..####...",
  ".#....#..",
  "#......#.",
  "#......#.",
  "#.....#..",
  ".#...#...",
  "..###....",
  ".........",
];

const FILTERS: { name: string; rows: string[] }[] = [
  { name: "diagonal \\", rows: ["#..", ".#.", "..#"] },
  { name: "crossing ×", rows: ["#.#", ".#.", "#.#"] },
  { name: "diagonal /", rows: ["..#", ".#.", "#.."] },
];

/** Text picture → ±1 values, row by row. */
function pixels(rows: string[]): number[] {
  return rows.flatMap((r) => Array.from(r, (ch) => (ch === "#" ? 1 : -1)));
}

/** Shift a 9×9 picture by (dy, dx), filling with paper. */
function shift(img: number[], dy: number, dx: number): number[] {
  const out = new Array<number>(SIZE * SIZE).fill(-1);
  for (let i = 0; i < SIZE; i++) {
    for (let j = 0; j < SIZE; j++) {
      const si = i - dy;
      const sj = j - dx;
      if (si >= 0 && si < SIZE && sj >= 0 && sj < SIZE) out[i * SIZE + j] = img[si * SIZE + sj];
    }
  }
  return out;
}

/** A thicker stroke: ink also on the right neighbour of every ink pixel. */
function thicken(img: number[]): number[] {
  return img.map((v, k) => (v > 0 || (k % SIZE > 0 && img[k - 1] > 0) ? 1 : -1));
}

/**
 * Ink a thin straight stroke from (y0, x0) to (y1, x1) (row, column; fractional allowed):
 * steps of at most one pixel along each axis, both coordinates rounded (a DDA line, 8-connected).
 */
function line(img: number[], y0: number, x0: number, y1: number, x1: number): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(y1 - y0), Math.abs(x1 - x0))));
  for (let s = 0; s <= steps; s++) {
    const i = Math.round(y0 + ((y1 - y0) * s) / steps);
    const j = Math.round(x0 + ((x1 - x0) * s) / steps);
    if (i >= 0 && i < SIZE && j >= 0 && j < SIZE) img[i * SIZE + j] = 1;
  }
}

const C = (SIZE - 1) / 2; // the centre pixel, (4, 4)
const blank = (): number[] => new Array<number>(SIZE * SIZE).fill(-1);

/**
 * The X's four arms, from the centre to the corners of the 7×7 box around it, turned
 * clockwise by `degrees` (angles go from the column axis towards the row axis, which points down).
 */
function rotatedX(degrees: number): number[] {
  const img = blank();
  const r = 3 * Math.SQRT2; // centre to corner
  for (const angle of [45, 135, 225, 315]) {
    const a = ((angle + degrees) * Math.PI) / 180;
    line(img, C, C, C + r * Math.sin(a), C + r * Math.cos(a));
  }
  return img;
}

/** The O as an oval (half-axes 3.4 and 2.6 pixels, a 12-sided polygon), its long axis turned clockwise by `degrees` from vertical. */
function tiltedO(degrees: number): number[] {
  const img = blank();
  const a = (degrees * Math.PI) / 180;
  const at = (k: number): [number, number] => {
    const u = 3.4 * Math.cos((2 * Math.PI * k) / 12); // along the long axis
    const v = 2.6 * Math.sin((2 * Math.PI * k) / 12);
    return [C + u * Math.cos(a) + v * Math.sin(a), C - u * Math.sin(a) + v * Math.cos(a)];
  };
  for (let k = 0; k < 12; k++) line(img, ...at(k), ...at(k + 1));
  return img;
}

/**
 * The X-or-O pictures: x [N, 9, 9, 1] with pixels ±1, labels 0 = X and 1 = O, and for each
 * class: canonical, shifted up/down/left/right by one pixel, thicker, rotated clockwise by
 * +15° and −15°, deformed (N = 18).
 */
export function xoImages(): XoDataset {
  const images: number[][] = [];
  const labels: number[] = [];
  const variants: string[] = [];
  const add = (img: number[], label: number, variant: string) => {
    images.push(img);
    labels.push(label);
    variants.push(`${label === 0 ? "X" : "O"} ${variant}`);
  };
  [
    { base: pixels(X), deformed: pixels(X_DEFORMED) },
    { base: pixels(O), deformed: pixels(O_DEFORMED) },
  ].forEach(({ base, deformed }, label) => {
    add(base, label, "canonical");
    add(shift(base, -1, 0), label, "shifted up");
    add(shift(base, 1, 0), label, "shifted down");
    add(shift(base, 0, -1), label, "shifted left");
    add(shift(base, 0, 1), label, "shifted right");
    add(thicken(base), label, "thicker");
    add(label === 0 ? rotatedX(15) : tiltedO(15), label, "rotated +15°");
    add(label === 0 ? rotatedX(-15) : tiltedO(-15), label, "rotated −15°");
    add(deformed, label, "deformed");
  });
  return {
    x: new Tensor(Float64Array.from(images.flat()), [images.length, SIZE, SIZE, 1]),
    labels,
    classes: ["X", "O"],
    name: "X or O (9×9, ±1 pixels)",
    variants,
  };
}

/** The three 3×3 ±1 filters of chapter 9: diagonal \, crossing ×, diagonal /; w is [3, 3, 1, 3]. */
export function xoFilters(): XoFilters {
  const kernels = FILTERS.map((f) => new Tensor(Float64Array.from(pixels(f.rows)), [3, 3]));
  const w = new Float64Array(9 * FILTERS.length);
  // w[kh, kw, 0, f] = kernel_f[kh, kw]
  kernels.forEach((k, f) => k.data.forEach((v, p) => (w[p * FILTERS.length + f] = v)));
  return { w: new Tensor(w, [3, 3, 1, FILTERS.length]), names: FILTERS.map((f) => f.name), kernels };
}

/**
 * The match score of a window and a filter of the same shape: the mean of their
 * pixel-by-pixel products, (1/K) Σ_k window_k · filter_k. With ±1 pixels it is 1 for a
 * perfect match and (agree − disagree) / K in general.
 */
export function matchScore(window: Tensor, filter: Tensor): number {
  const fn = "matchScore";
  checkTensor(fn, "window", window);
  checkTensor(fn, "filter", filter);
  if (window.rank !== filter.rank || window.shape.some((d, i) => d !== filter.shape[i])) {
    throw new InputError(fn, "filter", `shape ${fmtShape(window.shape)} (the window's)`, fmtShape(filter.shape));
  }
  checkTensorFinite(fn, "window", window);
  checkTensorFinite(fn, "filter", filter);
  let sum = 0;
  for (let k = 0; k < window.size; k++) sum += window.data[k] * filter.data[k];
  return sum / window.size;
}
