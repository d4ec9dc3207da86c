/**
 * Fashion-MNIST (Zalando): 28×28 grey pictures of clothes in ten classes, 60,000 for
 * training and 10,000 for testing, a harder drop-in replacement for the digits. The files
 * come with the Debian package `dataset-fashion-mnist` (in /usr/share/datasets/fashion-mnist),
 * in the IDX format, gzipped:
 *
 *   images: magic 0x00000803 (unsigned bytes, 3 dims), N, rows, cols (big-endian int32), then N·rows·cols bytes
 *   labels: magic 0x00000801 (unsigned bytes, 1 dim), N, then N bytes
 *
 * `loadFashionMnist` draws seeded random subsets (not stratified: the ten classes are equally
 * frequent in the files): train and validation from the training file (disjoint), test from
 * the test file. Pixels are scaled from 0..255 to [0, 1].
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checkInt, describe, InputError } from "../errors";
import { Random } from "../random";
import { Tensor } from "../tensor";
import type { Dataset, Splits } from "./types";

/** Where Debian's `dataset-fashion-mnist` puts the files. */
export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";

/** The ten class names, `FASHION_CLASSES[label]`. */
export const FASHION_CLASSES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** A data file that is not on this machine; the message says which package brings it. */
export class MissingDataError extends Error {
  constructor(
    readonly fn: string,
    readonly file: string,
    readonly debianPackage: string,
  ) {
    super(
      `${fn}: ${file} not found. The Fashion-MNIST files come with the Debian package ` +
        `${debianPackage}; install it with: sudo apt-get install ${debianPackage}`,
    );
    this.name = "MissingDataError";
  }
}

/** Options of `loadFashionMnist`, with their defaults. */
export interface FashionOptions {
  /** training examples, from the 60,000 of the training file; default 8,000 */
  trainSize?: number;
  /** validation examples, also from the training file, disjoint from train; default 1,000 */
  validationSize?: number;
  /** test examples, from the 10,000 of the test file; default 1,000 */
  testSize?: number;
  /** seed of the subsets; default 0 */
  seed?: number;
  /** directory holding the four IDX files (gzipped or not); default FASHION_DIR */
  dir?: string;
}

/** One IDX file pair: images [n, rows, cols] as bytes and their labels. */
interface IdxPart {
  images: Uint8Array;
  labels: Uint8Array;
  rows: number;
  cols: number;
}

const cache = new Map<string, IdxPart>();

/** Read `<dir>/<base>.gz` or `<dir>/<base>`, gunzipping when the bytes start with the gzip magic 1f 8b. */
function readMaybeGz(fn: string, dir: string, base: string): Buffer {
  for (const name of [`${base}.gz`, base]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      const buf = fs.readFileSync(file);
      return buf[0] === 0x1f && buf[1] === 0x8b ? zlib.gunzipSync(buf) : buf;
    }
  }
  throw new MissingDataError(fn, path.join(dir, `${base}(.gz)`), "dataset-fashion-mnist");
}

/** Parse an IDX file of unsigned bytes with `rank` dimensions → its dims and its bytes (a view, not a copy). */
function parseIdx(buf: Buffer, rank: number, what: string): { dims: number[]; bytes: Uint8Array } {
  const bad = (why: string) => new Error(`loadFashionMnist: ${what} is not an IDX file of unsigned bytes with ${rank} dimension(s): ${why}`);
  if (buf.length < 4 + 4 * rank) throw bad(`only ${buf.length} bytes`);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08 || buf[3] !== rank) throw bad(`magic ${buf.subarray(0, 4).toString("hex")}`);
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * rank;
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length - start !== count) throw bad(`${buf.length - start} data bytes for dims ${dims.join("×")} (${count})`);
  return { dims, bytes: new Uint8Array(buf.buffer, buf.byteOffset + start, count) };
}

function loadPart(fn: string, dir: string, prefix: "train" | "t10k"): IdxPart {
  const key = `${path.resolve(dir)}|${prefix}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const img = parseIdx(readMaybeGz(fn, dir, `${prefix}-images-idx3-ubyte`), 3, `${prefix}-images-idx3-ubyte`);
  const lab = parseIdx(readMaybeGz(fn, dir, `${prefix}-labels-idx1-ubyte`), 1, `${prefix}-labels-idx1-ubyte`);
  if (lab.dims[0] !== img.dims[0]) throw new Error(`${fn}: ${img.dims[0]} images but ${lab.dims[0]} labels in ${dir} (${prefix})`);
  const part = { images: img.bytes, labels: lab.bytes, rows: img.dims[1], cols: img.dims[2] };
  cache.set(key, part);
  return part;
}

function subset(part: IdxPart, indices: number[], name: string): Dataset {
  const px = part.rows * part.cols;
  const x = new Float64Array(indices.length * px);
  indices.forEach((src, i) => {
    for (let k = 0; k < px; k++) x[i * px + k] = part.images[src * px + k] / 255; // bytes 0..255 → [0, 1]
  });
  return {
    x: new Tensor(x, [indices.length, part.rows, part.cols, 1]),
    labels: indices.map((i) => part.labels[i]),
    classes: [...FASHION_CLASSES],
    name,
    sourceIndex: indices,
  };
}

/**
 * Fashion-MNIST from Debian's files: { train, validation, test }, each x [N, 28, 28, 1] in
 * [0, 1] with the ten class names. `sourceIndex` is the position in the training file (train,
 * validation) or in the test file (test). Throws `MissingDataError` naming the Debian package
 * when the files are absent. The parsed files are cached in the module.
 */
export function loadFashionMnist(opts: FashionOptions = {}): Splits {
  const fn = "loadFashionMnist";
  if (opts === null || typeof opts !== "object") throw new InputError(fn, "opts", "an options object", describe(opts));
  const { trainSize = 8000, validationSize = 1000, testSize = 1000, seed = 0, dir = FASHION_DIR } = opts;
  checkInt(fn, "opts.trainSize", trainSize);
  checkInt(fn, "opts.validationSize", validationSize);
  checkInt(fn, "opts.testSize", testSize);
  checkInt(fn, "opts.seed", seed, Number.MIN_SAFE_INTEGER);
  if (typeof dir !== "string" || dir === "") throw new InputError(fn, "opts.dir", "a directory path", describe(dir));
  if (!fs.existsSync(dir)) throw new MissingDataError(fn, `the directory ${dir}`, "dataset-fashion-mnist");

  const trainPart = loadPart(fn, dir, "train");
  const testPart = loadPart(fn, dir, "t10k");
  const nTrainFile = trainPart.labels.length;
  const nTestFile = testPart.labels.length;
  if (trainSize + validationSize > nTrainFile) {
    throw new InputError(fn, "opts.trainSize + opts.validationSize", `at most ${nTrainFile} (the training file)`, `${trainSize} + ${validationSize}`);
  }
  if (testSize > nTestFile) throw new InputError(fn, "opts.testSize", `at most ${nTestFile} (the test file)`, String(testSize));

  const r = new Random(seed);
  const order = r.permutation(nTrainFile);
  const testOrder = r.permutation(nTestFile);
  return {
    train: subset(trainPart, order.slice(0, trainSize), "Fashion-MNIST (train)"),
    validation: subset(trainPart, order.slice(trainSize, trainSize + validationSize), "Fashion-MNIST (validation)"),
    test: subset(testPart, testOrder.slice(0, testSize), "Fashion-MNIST (test)"),
  };
}
