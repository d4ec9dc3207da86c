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
import { optionsOf } from "../checks";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { checkInt, describe, InputError, text } from "../errors";
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
      `${text(fn)}: ${text(file)} not found. The Fashion-MNIST files come with the Debian package ` +
        `${text(debianPackage)}; install it with: sudo apt-get install ${text(debianPackage)}`,
    );
    this.name = "MissingDataError";
  }
}

/**
 * A data file that is there but cannot be used (a folder in its place, unreadable, a truncated or
 * corrupt gzip, not an IDX file): the message names the file, what is wrong with it and what to do.
 */
export class DataFileError extends Error {
  constructor(
    readonly fn: string,
    readonly file: string,
    readonly problem: string,
    readonly debianPackage: string,
  ) {
    super(
      `${text(fn)}: ${text(file)} ${text(problem)}. Reinstall the files with: sudo apt-get install --reinstall ${text(debianPackage)} ` +
        `(or pass opts.dir: a folder holding the four IDX files, gzipped or not)`,
    );
    this.name = "DataFileError";
  }
}

const PACKAGE = "dataset-fashion-mnist";

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
function readMaybeGz(fn: string, dir: string, base: string): { buf: Buffer; file: string } {
  for (const name of [`${base}.gz`, base]) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    if (fs.statSync(file).isDirectory()) throw new DataFileError(fn, file, "is a folder, not a data file", PACKAGE);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      throw new DataFileError(fn, file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, PACKAGE);
    }
    if (buf[0] !== 0x1f || buf[1] !== 0x8b) return { buf, file };
    try {
      return { buf: zlib.gunzipSync(buf), file };
    } catch (e) {
      throw new DataFileError(fn, file, `is not a valid gzip file, truncated or corrupt (${(e as Error).message})`, PACKAGE);
    }
  }
  throw new MissingDataError(fn, path.join(dir, `${base}(.gz)`), PACKAGE);
}

/** Parse an IDX file of unsigned bytes with `rank` dimensions → its dims and its bytes (a view, not a copy). */
function parseIdx(fn: string, { buf, file }: { buf: Buffer; file: string }, rank: number): { dims: number[]; bytes: Uint8Array } {
  const bad = (why: string) => new DataFileError(fn, file, `is not an IDX file of unsigned bytes with ${rank} dimension(s): ${why}`, PACKAGE);
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
  const img = parseIdx(fn, readMaybeGz(fn, dir, `${prefix}-images-idx3-ubyte`), 3);
  const labFile = readMaybeGz(fn, dir, `${prefix}-labels-idx1-ubyte`);
  const lab = parseIdx(fn, labFile, 1);
  if (lab.dims[0] !== img.dims[0]) throw new DataFileError(fn, labFile.file, `holds ${lab.dims[0]} labels for ${img.dims[0]} images`, PACKAGE);
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
  opts = optionsOf(fn, "opts", opts);
  const { trainSize = 8000, validationSize = 1000, testSize = 1000, seed = 0, dir = FASHION_DIR } = opts;
  checkInt(fn, "opts.trainSize", trainSize);
  checkInt(fn, "opts.validationSize", validationSize);
  checkInt(fn, "opts.testSize", testSize);
  checkInt(fn, "opts.seed", seed, Number.MIN_SAFE_INTEGER);
  if (typeof dir !== "string" || dir === "") throw new InputError(fn, "opts.dir", "a directory path", describe(dir));
  if (!fs.existsSync(dir)) throw new MissingDataError(fn, `the directory ${dir}`, PACKAGE);
  if (!fs.statSync(dir).isDirectory()) throw new InputError(fn, "opts.dir", "a folder holding the four IDX files", `the file ${dir}`);

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
