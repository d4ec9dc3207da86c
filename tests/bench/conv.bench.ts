/**
 * conv2d speed: our naive loops vs our im2col vs tf.conv2d on the cpu and wasm backends, on the
 * LeNet-like case x [64, 28, 28, 1], 6 filters 5×5 (stride 1, no padding → [64, 24, 24, 6]).
 * Prints medians and ratios; asserts nothing.
 *
 *   node --import tsx tests/bench/conv.bench.ts
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Tensor } from "../../src/tensor";
import { conv2dBackwardIm2col, conv2dBackwardNaive, conv2dIm2col, conv2dNaive } from "../../src/layers/conv";
import { fromTfTensor, toTfTensor } from "../../src/tf/convert";

const RUNS = 9;
const WARMUP = 2;

/** Median time in ms of `runs` calls after `warmup` calls. */
function medianMs(f: () => void, runs = RUNS, warmup = WARMUP): number {
  for (let k = 0; k < warmup; k++) f();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function tfMedianMs(backend: string, x: Tensor, w: Tensor): Promise<number | null> {
  try {
    if (!(await tf.setBackend(backend))) return null;
    await tf.ready();
  } catch {
    return null;
  }
  const tx = (toTfTensor(x) as tf.Tensor4D);
  const tw = (toTfTensor(w) as tf.Tensor4D);
  // dataSync forces the computation and the read-back, as our functions return their values
  const ms = medianMs(() => tf.tidy(() => void tf.conv2d(tx, tw, 1, "valid").dataSync()));
  tx.dispose();
  tw.dispose();
  return ms;
}

/** Run the benchmark, print a table, return the medians (ms) and ratios. */
export async function runConvBench(): Promise<Record<string, number>> {
  const x = Tensor.randn([64, 28, 28, 1], 1);
  const w = Tensor.randn([5, 5, 1, 6], 2).scale(0.2);
  const b = Tensor.zeros([6]);
  const naive = conv2dNaive(x, w, b);
  const fast = conv2dIm2col(x, w, b);
  const dout = Tensor.randn(naive.out.shape, 3);

  const figures: Record<string, number> = {
    "naive forward ms": medianMs(() => void conv2dNaive(x, w, b)),
    "im2col forward ms": medianMs(() => void conv2dIm2col(x, w, b)),
    "naive backward ms": medianMs(() => void conv2dBackwardNaive(dout, naive.cache)),
    "im2col backward ms": medianMs(() => void conv2dBackwardIm2col(dout, fast.cache)),
  };
  const before = tf.getBackend();
  for (const backend of ["cpu", "wasm"]) {
    const ms = await tfMedianMs(backend, x, w);
    if (ms !== null) figures[`tf.conv2d ${backend} forward ms`] = ms;
  }
  if (before) await tf.setBackend(before);

  const base = figures["naive forward ms"];
  console.log(`conv2d, x [64, 28, 28, 1], w [5, 5, 1, 6], stride 1, pad 0; median of ${RUNS} runs after ${WARMUP} warm-ups`);
  console.log(`${"".padEnd(28)}${"median ms".padStart(10)}${"naive / this".padStart(14)}`);
  for (const [k, ms] of Object.entries(figures)) {
    const ref = k.includes("backward") ? figures["naive backward ms"] : base;
    console.log(`${k.replace(/ ms$/, "").padEnd(28)}${ms.toFixed(2).padStart(10)}${(ref / ms).toFixed(2).padStart(14)}`);
  }
  figures["naive/im2col forward ratio"] = base / figures["im2col forward ms"];
  figures["naive/im2col backward ratio"] = figures["naive backward ms"] / figures["im2col backward ms"];
  return figures;
}

if (require.main === module) {
  runConvBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
