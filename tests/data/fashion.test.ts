import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { DataFileError, FASHION_CLASSES, FASHION_DIR, loadFashionMnist, MissingDataError } from "../../src/data/fashion";
import { InputError } from "../../src/errors";

const CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** An IDX file of unsigned bytes: magic 0x0000 08 <rank>, the dims as big-endian int32, the bytes. */
function idx(dims: number[], bytes: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(bytes)]);
}

/** A tiny Fashion-MNIST directory: `nTrain` and `nTest` images of 2×3 pixels; image i has pixels 10·i + k and label i mod 10. */
function fixtureDir(nTrain: number, nTest: number, gzip: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fashion-"));
  const write = (name: string, buf: Buffer) => fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(buf) : buf);
  for (const [prefix, n] of [["train", nTrain], ["t10k", nTest]] as const) {
    const px = Array.from({ length: n * 6 }, (_, j) => (10 * Math.floor(j / 6) + (j % 6)) % 256);
    write(`${prefix}-images-idx3-ubyte`, idx([n, 2, 3], px));
    write(`${prefix}-labels-idx1-ubyte`, idx([n], Array.from({ length: n }, (_, i) => i % 10)));
  }
  return dir;
}

test("Debian files, trainSize=500 validationSize=100 testSize=200: x [N, 28, 28, 1] in [0, 1], the ten class names", () => {
  const s = loadFashionMnist({ trainSize: 500, validationSize: 100, testSize: 200, seed: 3 });
  assert.deepEqual(s.train.x.shape, [500, 28, 28, 1]);
  assert.deepEqual(s.validation.x.shape, [100, 28, 28, 1]);
  assert.deepEqual(s.test.x.shape, [200, 28, 28, 1]);
  for (const d of [s.train, s.validation, s.test]) {
    assert.deepEqual(d.classes, CLASSES);
    assert.equal(d.labels.length, d.x.shape[0]);
    assert.ok(d.labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9));
    assert.ok(d.x.data.every((v) => v >= 0 && v <= 1));
    assert.ok(d.x.data.some((v) => v === 1) && d.x.data.some((v) => v === 0), "full 0..255 range scaled");
  }
  assert.equal(new Set(s.train.labels).size, 10, "500 random training pictures hold all ten classes");
  const trainIdx = new Set(s.train.sourceIndex);
  assert.ok(s.validation.sourceIndex?.every((i) => !trainIdx.has(i)), "train and validation disjoint");
  assert.deepEqual(FASHION_CLASSES, CLASSES);
});

test("Debian files: default sizes 8000/1000/1000; same seed gives the same pictures, another seed others", () => {
  const a = loadFashionMnist();
  assert.deepEqual([a.train.x.shape[0], a.validation.x.shape[0], a.test.x.shape[0]], [8000, 1000, 1000]);
  const b = loadFashionMnist({ seed: 0 });
  const c = loadFashionMnist({ seed: 1 });
  assert.deepEqual(b.test.sourceIndex, a.test.sourceIndex);
  assert.ok(b.train.x.allClose(a.train.x, 0));
  assert.notDeepEqual(c.train.sourceIndex, a.train.sourceIndex);
});

for (const gzip of [true, false]) {
  test(`IDX fixture (${gzip ? "gzipped" : "plain"}) 12 train + 5 test images of 2×3: pixels = bytes / 255, labels and source positions kept`, () => {
    const dir = fixtureDir(12, 5, gzip);
    const s = loadFashionMnist({ dir, trainSize: 8, validationSize: 4, testSize: 5, seed: 2 });
    assert.deepEqual(s.train.x.shape, [8, 2, 3, 1]);
    assert.deepEqual(s.validation.x.shape, [4, 2, 3, 1]);
    assert.deepEqual(s.test.x.shape, [5, 2, 3, 1]);
    assert.deepEqual([...(s.train.sourceIndex ?? []), ...(s.validation.sourceIndex ?? [])].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    for (const d of [s.train, s.validation, s.test]) {
      d.sourceIndex?.forEach((src, i) => {
        assert.equal(d.labels[i], src % 10);
        for (let k = 0; k < 6; k++) assert.equal(d.x.data[i * 6 + k], (10 * src + k) / 255);
      });
    }
    fs.rmSync(dir, { recursive: true });
  });
}

test("missing directory or missing files: MissingDataError naming the Debian package and the install command", () => {
  const gone = path.join(os.tmpdir(), "no-such-fashion-dir-" + process.pid);
  assert.throws(() => loadFashionMnist({ dir: gone }), (e: unknown) => {
    assert.ok(e instanceof MissingDataError);
    assert.match(e.message, /dataset-fashion-mnist/);
    assert.match(e.message, /apt-get install dataset-fashion-mnist/);
    assert.match(e.message, new RegExp(gone));
    return true;
  });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "fashion-empty-"));
  assert.throws(() => loadFashionMnist({ dir: empty }), /train-images-idx3-ubyte.*dataset-fashion-mnist/);
  fs.rmSync(empty, { recursive: true });
  assert.equal(FASHION_DIR, "/usr/share/datasets/fashion-mnist");
});

test("bad input: a corrupt magic number, sizes larger than the files, size 0, seed 0.5", () => {
  const dir = fixtureDir(12, 5, false);
  const bad = fs.readFileSync(path.join(dir, "t10k-labels-idx1-ubyte"));
  bad[2] = 0x0d; // float instead of unsigned byte
  fs.writeFileSync(path.join(dir, "t10k-labels-idx1-ubyte"), bad);
  assert.throws(() => loadFashionMnist({ dir, trainSize: 2, validationSize: 1, testSize: 1 }), /not an IDX file of unsigned bytes/);
  fs.rmSync(dir, { recursive: true });

  const ok = fixtureDir(12, 5, true);
  assert.throws(() => loadFashionMnist({ dir: ok, trainSize: 10, validationSize: 3, testSize: 1 }), /at most 12 \(the training file\)/);
  assert.throws(() => loadFashionMnist({ dir: ok, trainSize: 2, validationSize: 1, testSize: 6 }), /at most 5 \(the test file\)/);
  assert.throws(() => loadFashionMnist({ dir: ok, trainSize: 0 }), InputError);
  assert.throws(() => loadFashionMnist({ dir: ok, trainSize: 2, validationSize: 1, testSize: 1, seed: 0.5 }), InputError);
  fs.rmSync(ok, { recursive: true });
});

test("damaged files: a truncated gzip, a corrupt gzip, a folder in place of a file, a file as opts.dir: each names the file and says what to do", () => {
  const expectDataFileError = (dir: string, file: string, problem: RegExp) =>
    assert.throws(() => loadFashionMnist({ dir, trainSize: 2, validationSize: 1, testSize: 1 }), (e: unknown) => {
      assert.ok(e instanceof DataFileError, String(e));
      assert.equal(e.file, path.join(dir, file));
      assert.match(e.message, problem);
      assert.ok(e.message.includes(path.join(dir, file)), e.message);
      assert.match(e.message, /apt-get install --reinstall dataset-fashion-mnist/);
      return true;
    });

  const truncated = fixtureDir(12, 5, true);
  const gz = path.join(truncated, "train-images-idx3-ubyte.gz");
  fs.writeFileSync(gz, fs.readFileSync(gz).subarray(0, 20)); // cut mid-stream
  expectDataFileError(truncated, "train-images-idx3-ubyte.gz", /not a valid gzip file, truncated or corrupt/);
  fs.rmSync(truncated, { recursive: true });

  const corrupt = fixtureDir(12, 5, true);
  const lab = path.join(corrupt, "t10k-labels-idx1-ubyte.gz");
  const bytes = fs.readFileSync(lab);
  bytes.fill(0x55, 10); // gzip magic kept, deflate stream garbage
  fs.writeFileSync(lab, bytes);
  expectDataFileError(corrupt, "t10k-labels-idx1-ubyte.gz", /not a valid gzip file/);
  fs.rmSync(corrupt, { recursive: true });

  const folder = fixtureDir(12, 5, true);
  fs.rmSync(path.join(folder, "train-labels-idx1-ubyte.gz"));
  fs.mkdirSync(path.join(folder, "train-labels-idx1-ubyte.gz"));
  expectDataFileError(folder, "train-labels-idx1-ubyte.gz", /is a folder, not a data file/);
  fs.rmSync(folder, { recursive: true });

  const notDir = path.join(fixtureDir(12, 5, true), "train-images-idx3-ubyte.gz");
  assert.throws(() => loadFashionMnist({ dir: notDir }), (e: unknown) => e instanceof InputError && e.arg === "opts.dir" && e.message.includes(notDir));
  fs.rmSync(path.dirname(notDir), { recursive: true });
});
