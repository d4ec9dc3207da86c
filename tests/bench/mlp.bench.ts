/**
 * MLP speed: one epoch of the from-scratch 784-30-10 network (Flatten → Dense → Sigmoid → Dense,
 * softmax cross-entropy, SGD, batch 10) over the 8,000 training digits, several runs; also one
 * epoch of train() against the bare loop (lossAndGrad + step) to show what the loop itself costs.
 * The reference: the same network, loop and batches in vectorized numpy, float64 and float32
 * (Debian's python3-numpy with /usr/bin/python3; the bench says so when it is missing), in the
 * same run. Every engine runs one warm-up epoch first; figures are medians. Asserts nothing.
 *
 *   node --import tsx tests/bench/mlp.bench.ts
 */
import { loadDigits } from "../../src/data";
import { Dense } from "../../src/layers/dense";
import { Flatten } from "../../src/layers/flatten";
import { Sigmoid } from "../../src/layers/activations";
import { Network } from "../../src/network";
import { SGD } from "../../src/optim";
import { evaluate, train } from "../../src/train";
import { useGemmKernels } from "../../src/linalg";
import { fastPath } from "../../src/fast";
import { wasmGemmKernel } from "../../src/fast/wasm-gemm";
import { int64Labels, loadAverage, median, pythonMissing, runPython, withFiles } from "./python";

const RUNS = 5;
const BATCH = 10;
const LR = 0.5;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function mlp(seed: number): Network {
  return new Network([new Flatten(), new Dense(784, 30, { seed }), new Sigmoid(), new Dense(30, 10, { seed: seed + 1 })], { name: "mlp-784-30-10" });
}

/** Run the benchmark, print a table, return the figures (ms, accuracies and ratios). */
export async function runMlpBench(): Promise<Record<string, number>> {
  let t0 = process.hrtime.bigint();
  const digits = loadDigits();
  const loadMs = ms(t0);
  const n = digits.train.x.shape[0];

  // numpy first (its own process), then ours
  const numpy = numpyEpochs(digits.train.x.data, digits.train.labels);

  // one epoch of train(), each run from fresh weights, after a warm-up epoch
  await train(mlp(99), digits.train, { epochs: 1, batchSize: BATCH, optimizer: new SGD({ lr: LR }), seed: 99 });
  const epochMs: number[] = [];
  let testAcc = 0;
  for (let run = 0; run < RUNS; run++) {
    const net = mlp(run + 1);
    t0 = process.hrtime.bigint();
    await train(net, digits.train, { epochs: 1, batchSize: BATCH, optimizer: new SGD({ lr: LR }), seed: run });
    epochMs.push(ms(t0));
    testAcc = evaluate(net, digits.test).accuracy;
  }

  // the bare loop: the same batches without train() (no shuffling, callbacks, yields)
  const bareMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const net = mlp(run + 1);
    const opt = new SGD({ lr: LR });
    t0 = process.hrtime.bigint();
    for (let s = 0; s < n; s += BATCH) {
      net.lossAndGrad(digits.train.x.slice0(s, Math.min(n, s + BATCH)), digits.train.labels.slice(s, s + BATCH));
      opt.step(net.params());
    }
    bareMs.push(ms(t0));
  }

  // where the time goes: one epoch with every product timed (a wrapper around the fast kernel;
  // Network keeps a kernel plugged in by hand), and one on the TypeScript loops (a kernel that
  // declines every product, as with DL_LESSONS_FAST=0)
  const epochWith = async (kernel: Parameters<typeof useGemmKernels>[0]): Promise<number> => {
    const before = useGemmKernels(kernel);
    try {
      const start = process.hrtime.bigint();
      await train(mlp(7), digits.train, { epochs: 1, batchSize: BATCH, optimizer: new SGD({ lr: LR }), seed: 7 });
      return ms(start);
    } finally {
      useGemmKernels(before);
    }
  };
  const loopsMs = await epochWith(() => null);
  const wasm = wasmGemmKernel();
  let productsMs = NaN;
  let timedMs = NaN;
  if (!("error" in wasm)) {
    productsMs = 0;
    timedMs = await epochWith((A, B, M, K, N, o) => {
      const start = performance.now();
      const r = wasm.kernel(A, B, M, K, N, o);
      productsMs += performance.now() - start;
      return r;
    });
  }

  const net = mlp(1);
  t0 = process.hrtime.bigint();
  evaluate(net, digits.test);
  const evalMs = ms(t0);

  const epoch = median(epochMs);
  const bare = median(bareMs);
  const figures: Record<string, number> = {
    "loadDigits ms (first call)": loadMs,
    "train() epoch ms (8000 digits, batch 10), median": epoch,
    "µs per example": (epoch * 1000) / n,
    "bare loop epoch ms, median": bare,
    "train() / bare loop": epoch / bare,
    "train() epoch ms on the TypeScript loops (1 run)": loopsMs,
    "epoch ms with the products timed (1 run)": timedMs,
    "  of which matrix products (wasm, with copies) ms": productsMs,
    "  share of the epoch in matrix products": productsMs / timedMs,
    "evaluate 1000 test digits ms": evalMs,
    "test accuracy after 1 epoch (last run)": testAcc,
  };
  if ("error" in numpy) {
    console.log(`numpy baseline: MISSING — ${numpy.error}`);
  } else {
    for (const dtype of ["float64", "float32"] as const) {
      const t = median(numpy[dtype].times) * 1000;
      figures[`numpy ${dtype} epoch ms, median`] = t;
      figures[`ratio train() / numpy ${dtype}`] = epoch / t;
      console.log(`numpy ${dtype} epochs (ms): ${numpy[dtype].times.map((v) => (v * 1000).toFixed(0)).join(", ")}; accuracy on train ${numpy[dtype].accuracy.toFixed(3)} (${numpy.info})`);
    }
    const r = epoch / figures["numpy float64 epoch ms, median"];
    console.log(`goal: train() epoch ≤ 2× numpy float64 — ${r <= 2 ? "met" : "not met"} (${r.toFixed(2)}×)`);
  }
  console.log(`fast path: ${fastPath().engine} (${fastPath().why})`);
  console.log(`${loadAverage()} (the machine may be shared: figures measured under this load)`);
  console.log(`runs: ${RUNS}; epochs (ms): ${epochMs.map((t) => t.toFixed(0)).join(", ")}; bare (ms): ${bareMs.map((t) => t.toFixed(0)).join(", ")}`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(52)} ${v.toFixed(3)}`);
  return figures;
}

type NumpyRun = { times: number[]; accuracy: number };

/** The numpy reference epochs (seconds), float64 and float32, or why they did not run. */
function numpyEpochs(x: Float64Array, labels: readonly number[]): { info: string; float64: NumpyRun; float32: NumpyRun } | { error: string } {
  const missing = pythonMissing("numpy", "python3-numpy");
  if (missing) return { error: missing };
  return withFiles({ "x.f64": x, "y.i64": int64Labels(labels) }, (dir) =>
    runPython("mlp_numpy.py", [dir, String(RUNS), String(BATCH), String(LR), "float64", "float32"], { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" }),
  );
}

if (require.main === module) {
  runMlpBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
