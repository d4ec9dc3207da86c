/**
 * Small 2-D data sets for tiny networks and for charts of decision boundaries: points
 * x [N, 2] with integer labels, seeded. A straight line separates `twoBlobs`; `xorData`
 * and `circlesData` need one hidden layer; `spiralData` needs a few units more.
 *
 * The rows come in a random order (seeded), so that any slice of them holds every class.
 */
import { checkCount, MAX_LIST_LENGTH, optionsOf } from "../checks";
import { checkInt, checkNumber, describe, InputError } from "../errors";
import { Random } from "../random";
import { Tensor } from "../tensor";
import type { Dataset } from "./types";

/** Options shared by the toy sets. */
export interface ToyOptions {
  /** standard deviation of the Gaussian noise (see each set for where it goes); default 0 (0.2 for spirals) */
  noise?: number;
  /** default 0 */
  seed?: number;
}

/** Options of `circlesData`. */
export interface CirclesOptions extends ToyOptions {
  /** radius of the inner circle, the outer one having radius 1; default 0.5 */
  factor?: number;
}

/** Options of `twoBlobs`. */
export interface BlobsOptions {
  /** the two centres; default [[−1, −1], [1, 1]] */
  centers?: [[number, number], [number, number]];
  /** standard deviation of each blob; default 0.5 */
  std?: number;
  /** default 0 */
  seed?: number;
}

/** Shared checks: returns the seeded generator. */
function start(fn: string, opts: { noise?: number; seed?: number } | null | undefined, noise: number): Random {
  opts = optionsOf(fn, "opts", opts);
  checkNumber(fn, "opts.noise", noise);
  if (noise < 0) throw new InputError(fn, "opts.noise", "a number >= 0", String(noise));
  const seed = opts?.seed ?? 0;
  checkInt(fn, "opts.seed", seed, Number.MIN_SAFE_INTEGER);
  return new Random(seed);
}

/** Points and labels in a seeded random row order → a Dataset. */
function finish(points: [number, number][], labels: number[], classes: string[], name: string, r: Random): Dataset {
  const order = r.permutation(points.length);
  return {
    x: Tensor.fromArray(order.flatMap((i) => points[i]), [points.length, 2]),
    labels: order.map((i) => labels[i]),
    classes,
    name,
  };
}

/**
 * XOR: n points uniform in the square [−1, 1]², label 1 when exactly one coordinate is
 * positive (x₁ > 0 xor x₂ > 0), else 0; then `noise` (std) is added to each coordinate, so
 * that noisy points may cross the axes. x [n, 2].
 */
export function xorData(n: number, opts?: ToyOptions): Dataset {
  const fn = "xorData";
  checkCount(fn, "n", n);
  const noise = opts?.noise ?? 0;
  const r = start(fn, opts, noise);
  const points: [number, number][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = r.uniform(-1, 1);
    const b = r.uniform(-1, 1);
    labels.push(a > 0 !== b > 0 ? 1 : 0);
    points.push([a + noise * r.normal(), b + noise * r.normal()]);
  }
  return finish(points, labels, ["0", "1"], "XOR", r);
}

/**
 * Two circles around the origin: ⌊n/2⌋ points on the outer one (radius 1, label 0), the rest
 * on the inner one (radius `factor`, label 1), at uniformly random angles; `noise` (std) is
 * added to each coordinate. x [n, 2].
 */
export function circlesData(n: number, opts?: CirclesOptions): Dataset {
  const fn = "circlesData";
  checkCount(fn, "n", n, 2);
  const noise = opts?.noise ?? 0;
  const r = start(fn, opts, noise);
  const factor = opts?.factor ?? 0.5;
  checkNumber(fn, "opts.factor", factor);
  if (!(factor > 0 && factor < 1)) throw new InputError(fn, "opts.factor", "a radius in (0, 1) (the outer circle has radius 1)", String(factor));
  const points: [number, number][] = [];
  const labels: number[] = [];
  const nOuter = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const label = i < nOuter ? 0 : 1;
    const radius = label === 0 ? 1 : factor;
    const t = r.uniform(0, 2 * Math.PI);
    labels.push(label);
    points.push([radius * Math.cos(t) + noise * r.normal(), radius * Math.sin(t) + noise * r.normal()]);
  }
  return finish(points, labels, ["outer", "inner"], "circles", r);
}

/**
 * Spirals (as in CS231n): `classes` arms of `nPerClass` points each. Point i of arm k sits
 * at radius r = i/(nPerClass − 1) and angle θ = 2πk/classes + 4r + noise·z (z standard
 * normal: here the noise jitters the angle, in radians; default 0.2). x [nPerClass·classes, 2].
 */
export function spiralData(nPerClass: number, classes = 3, opts?: ToyOptions): Dataset {
  const fn = "spiralData";
  checkCount(fn, "nPerClass", nPerClass);
  checkCount(fn, "classes", classes);
  if (nPerClass * classes > MAX_LIST_LENGTH) {
    throw new InputError(fn, "nPerClass", `at most ${MAX_LIST_LENGTH} points in all (larger sets take too much memory or time)`, `${nPerClass} per class × ${classes} classes`);
  }
  const noise = opts?.noise ?? 0.2;
  const r = start(fn, opts, noise);
  const points: [number, number][] = [];
  const labels: number[] = [];
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < nPerClass; i++) {
      const radius = nPerClass > 1 ? i / (nPerClass - 1) : 0;
      const theta = (2 * Math.PI * k) / classes + 4 * radius + noise * r.normal();
      labels.push(k);
      points.push([radius * Math.sin(theta), radius * Math.cos(theta)]);
    }
  }
  return finish(points, labels, Array.from({ length: classes }, (_, k) => String(k)), "spiral", r);
}

/**
 * Two Gaussian blobs, linearly separable when far apart: ⌊n/2⌋ points around the first
 * centre (label 0), the rest around the second (label 1), each coordinate with std `std`. x [n, 2].
 */
export function twoBlobs(n: number, opts?: BlobsOptions): Dataset {
  const fn = "twoBlobs";
  checkCount(fn, "n", n, 2);
  const r = start(fn, opts, 0);
  const std = opts?.std ?? 0.5;
  checkNumber(fn, "opts.std", std);
  if (std < 0) throw new InputError(fn, "opts.std", "a number >= 0", String(std));
  const centers = opts?.centers ?? [
    [-1, -1],
    [1, 1],
  ];
  if (!Array.isArray(centers) || centers.length !== 2 || centers.some((c) => !Array.isArray(c) || c.length !== 2 || !c.every(Number.isFinite))) {
    throw new InputError(fn, "opts.centers", "two points [[x, y], [x, y]] of finite numbers", JSON.stringify(centers));
  }
  const points: [number, number][] = [];
  const labels: number[] = [];
  const nFirst = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const label = i < nFirst ? 0 : 1;
    const [cx, cy] = centers[label];
    labels.push(label);
    points.push([cx + std * r.normal(), cy + std * r.normal()]);
  }
  return finish(points, labels, ["0", "1"], "two blobs", r);
}
