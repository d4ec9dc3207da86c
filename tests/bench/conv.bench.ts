/**
 * conv2d speed: our naive loops vs our im2col vs tf.conv2d on the cpu and wasm backends, on the
 * LeNet-like case x [64, 28, 28, 1], 6 filters 5×5 (stride 1, no padding → [64, 24, 24, 6]),
 * forward and backward; our im2col both with the readable loops and on the fast path (src/fast,
 * WebAssembly SIMD, float64) against tfjs-wasm (float32, SIMD). Prints medians and ratios;
 * asserts nothing. tfjs's backward: tf.grads (forward + backward, the gradients for x and w)
 * minus its forward.
 *
 *   node --import tsx tests/bench/conv.bench.ts
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Tensor } from "../../src/tensor";
import { conv2dBackwardIm2col, conv2dBackwardNaive, conv2dIm2col, conv2dNaive } from "../../src/layers/conv";
import { toTfTensor } from "../../src/tf/convert";
import { registerWasmGradients } from "../../src/tf/wasm-grads";
import { fastPath, withFastKernels } from "../../src/fast";
import { loadAverage } from "./python";

const RUNS = 9;
const WARMUP = 2;
/** Rounds of ours then tfjs-wasm for the goal's ratios. */
const ROUNDS = 5;

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

/** Medians (ms) of tf.conv2d forward, and backward (the gradients for x and w), on `backend`. */
async function tfMedianMs(backend: string, x: Tensor, w: Tensor, dout: Tensor): Promise<{ fwd: number; bwd: number } | null> {
  try {
    if (!(await tf.setBackend(backend))) return null;
    await tf.ready();
  } catch {
    return null;
  }
  const tx = (toTfTensor(x) as tf.Tensor4D);
  const tw = (toTfTensor(w) as tf.Tensor4D);
  // dataSync forces the computation and the read-back, as our functions return their values
  const td = toTfTensor(dout) as tf.Tensor4D;
  const fwd = medianMs(() => tf.tidy(() => void tf.conv2d(tx, tw, 1, "valid").dataSync()));
  if (backend === "wasm") registerWasmGradients(); // the gradient kernels training uses (src/tf/wasm-grads.ts)
  // tf.grads runs the forward, then the backward: the backward is the difference of the medians
  const grads = tf.grads((a: tf.Tensor, k: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, "valid"));
  const both = medianMs(() => tf.tidy(() => grads([tx, tw], td).forEach((g) => void g.dataSync())));
  tf.dispose([tx, tw, td]);
  return { fwd, bwd: both - fwd };
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
    "im2col fast forward ms": medianMs(() => void withFastKernels(() => conv2dIm2col(x, w, b))),
    "im2col fast backward ms": medianMs(() => void withFastKernels(() => conv2dBackwardIm2col(dout, fast.cache))),
  };
  const before = tf.getBackend();
  for (const backend of ["cpu", "wasm"]) {
    const ms = await tfMedianMs(backend, x, w, dout);
    if (ms !== null) {
      figures[`tf.conv2d ${backend} forward ms`] = ms.fwd;
      figures[`tf.conv2d ${backend} backward ms`] = ms.bwd;
    }
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
  console.log(`fast path: ${fastPath().engine} (${fastPath().why})`);
  if (figures["tf.conv2d wasm forward ms"] !== undefined) {
    // the goal's ratio from rounds that alternate ours and tfjs-wasm, so that both meet the same
    // moments of a shared machine; the median round is the figure, the range is printed beside it
    const rounds: Record<"forward" | "backward", number[]> = { forward: [], backward: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const oursFwd = medianMs(() => void withFastKernels(() => conv2dIm2col(x, w, b)));
      const oursBwd = medianMs(() => void withFastKernels(() => conv2dBackwardIm2col(dout, fast.cache)));
      const theirs = await tfMedianMs("wasm", x, w, dout);
      if (theirs === null) break;
      rounds.forward.push(oursFwd / theirs.fwd);
      rounds.backward.push(oursBwd / theirs.bwd);
    }
    if (before) await tf.setBackend(before);
    for (const dir of ["forward", "backward"] as const) {
      const rs = [...rounds[dir]].sort((p, q) => p - q);
      if (rs.length === 0) continue;
      const r = rs[Math.floor(rs.length / 2)];
      figures[`ratio im2col fast / tfjs-wasm ${dir}`] = r;
      console.log(
        `goal: conv ${dir} ≤ 1.5× tfjs-wasm — ${r <= 1.5 ? "met" : "not met"} (${r.toFixed(2)}×, median of ${rs.length} alternating rounds, ` +
          `range ${rs[0].toFixed(2)}–${rs[rs.length - 1].toFixed(2)}×; ours float64, tfjs float32)`,
      );
    }
  }
  console.log(`${loadAverage()} (figures measured under this load)`);
  return figures;
}

if (require.main === module) {
  runConvBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
