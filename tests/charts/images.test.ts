import { test } from "node:test";
import assert from "node:assert/strict";
import { imageGrid, ImagePixel } from "../../src/charts/images";
import { Tensor } from "../../src/tensor";
import { renderSvg } from "../../kernel-helpers/render";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const pixels = (spec: unknown) => inlineData(spec)[0] as unknown as ImagePixel[];
const captions = (spec: unknown) => (inlineData(spec)[1] ?? []).map((c) => c.label);

test("imageGrid x=[3,4,5,1] with labels: one tile per image, pixel (t,r,c) = x[t,r,c,0] rounded to 4 decimals", () => {
  const x = Tensor.rand([3, 4, 5, 1], 7);
  const spec = imageGrid(x, { labels: [7, 2, 1] });
  assertCleanSpec(spec);
  const px = pixels(spec);
  assert.equal(px.length, 3 * 4 * 5);
  for (const p of px) assert.ok(Math.abs(p.v - x.get(p.t, p.r, p.c, 0)) <= 5e-5, `pixel ${JSON.stringify(p)}`);
  assert.deepEqual(captions(spec), ["7", "2", "1"]);
});

test("imageGrid feature maps x=[1,6,6,4] (C=4): one tile per channel, tile t = channel, captions 'ch c'", () => {
  const x = Tensor.randn([1, 6, 6, 4], 3);
  const spec = imageGrid(x, { decimals: 6 });
  assertCleanSpec(spec);
  const px = pixels(spec);
  assert.equal(px.length, 4 * 36);
  for (const p of px) assert.ok(Math.abs(p.v - x.get(0, p.r, p.c, p.t)) <= 5e-7);
  assert.deepEqual(captions(spec), ["ch 0", "ch 1", "ch 2", "ch 3"]);
});

test("imageGrid [N,H,W] = [2,3,3] and nested arrays: channels optional", () => {
  const spec = imageGrid([[[0, 1, 0], [1, 1, 1], [0, 1, 0]], [[1, 0, 1], [0, 1, 0], [1, 0, 1]]]);
  assertCleanSpec(spec);
  const px = pixels(spec);
  assert.equal(px.length, 18);
  assert.deepEqual(px.filter((p) => p.t === 1 && p.r === 0).map((p) => p.v), [1, 0, 1]);
});

test("imageGrid limits: 100 images 28×28 with maxValues 60,000 keep the first 76 and say so; one 300×300 image is shrunk", () => {
  const many = Tensor.zeros([100, 28, 28, 1]);
  const spec = imageGrid(many);
  assert.equal(pixels(spec).length, 76 * 784);
  assert.match(JSON.stringify((spec as { title: unknown }).title), /first 76 of 100/);
  assert.ok(pixels(spec).length <= 60000);
  // one big tile: k × k block means, k = ⌈√(90000 / 60000)⌉ = 2
  const big = Tensor.fromArray(Array.from({ length: 300 * 300 }, (_, i) => (Math.floor(i / 300) % 2)), [1, 300, 300, 1]);
  const s2 = imageGrid(big);
  const px = pixels(s2);
  assert.equal(px.length, 150 * 150);
  assert.ok(px.every((p) => p.v === 0.5), "rows alternate 0 and 1: every 2×2 block averages 0.5");
  assert.match(JSON.stringify((s2 as { title: unknown }).title), /shrunk 2×/);
});

test("imageGrid normalize 'tile': colour from each tile's own range, stored values unchanged", () => {
  const x = Tensor.fromArray([0, 1, 2, 3, 0, 10, 20, 30], [2, 2, 2, 1]);
  const spec = imageGrid(x, { normalize: "tile" });
  assertCleanSpec(spec);
  assert.deepEqual(pixels(spec).map((p) => p.v), [0, 1, 2, 3, 0, 10, 20, 30]);
});

test("imageGrid bad input: NaN, wrong rank, labels of the wrong length, bad normalize", () => {
  const nan = Tensor.zeros([1, 2, 2, 1]);
  nan.data[3] = NaN;
  assertInputError(() => imageGrid(nan), "imageGrid", "images", /NaN at flat index 3/);
  assertInputError(() => imageGrid(Tensor.zeros([4])), "imageGrid", "images", /\[4\]/);
  assertInputError(() => imageGrid(Tensor.zeros([2, 3, 3, 1]), { labels: ["a"] }), "imageGrid", "options.labels", /2 captions/);
  assertInputError(() => imageGrid(Tensor.zeros([1, 3, 3, 1]), { normalize: "each" as never }), "imageGrid", "options.normalize");
  assertInputError(() => imageGrid([[1, 2], [3]] as never), "imageGrid", "images");
});

test("imageGrid x=[3,2,2,1] of zeros (blank tiles), cellSize 10, 2 columns: each tile drawn with a thin frame just outside its pixels", () => {
  const spec = imageGrid(Tensor.zeros([3, 2, 2, 1]), { cellSize: 10, columns: 2 });
  assertCleanSpec(spec);
  assert.equal(pixels(spec).length, 12, "the frames add no inline data");
  // rendered: one stroked rectangle per tile, 21 × 21 around its 20 × 20 pixels (gap 6: tiles at 0 and 26)
  const frames = [...renderSvg(spec).matchAll(/<path d="M(-?[\d.]+),(-?[\d.]+)h([\d.]+)v([\d.]+)h-[\d.]+Z" stroke="#b0b0b0"/g)].map((m) => m.slice(1, 5).map(Number));
  assert.deepEqual(frames, [[-0.5, -0.5, 21, 21], [25.5, -0.5, 21, 21], [-0.5, 25.5, 21, 21]]);
});
