/**
 * One epoch of a LeNet-5-like CNN over the 8,000 training digits — conv 5×5×6 pad 2 → ReLU → max
 * pool 2 → conv 5×5×16 → ReLU → max pool 2 → dense 120 → 84 → 10, batch 64, Adam — on the
 * TensorFlow.js wasm backend (with the gradient kernels of src/tf/wasm-grads.ts), on the cpu
 * backend, and on PyTorch CPU when `/usr/bin/python3 -c "import torch"` works (Debian's
 * python3-torch), in the same run, on the same digits. PyTorch runs at each thread setting
 * (tests/bench/py/lenet_torch.py): the ratio is to the best one, the single-thread one is shown
 * too. Prints medians and ratios; asserts nothing.
 *
 *   node --import tsx tests/bench/tf.bench.ts      (or npm run bench -- tf)
 *
 * The cpu backend is too slow for whole epochs: it times a fixed number of batches and
 * extrapolates to an epoch, and says so.
 */
import { loadDigits } from "../../src/data";
import { backendReport, initBackend } from "../../src/tf/backend";
import { lenet5 } from "../../src/tf/models";
import { fitDigits } from "../../src/tf/train";
import type { Tensor } from "../../src/tensor";
import { int64Labels, loadAverage, median, pythonMissing, runPython, withFiles } from "./python";

const BATCH = 64;
const EPOCHS = 4; // per run; the first one warms up (compiles, grows the heap), the median of the others counts
const CPU_BATCHES = 4; // timed after one warm-up batch, then scaled to an epoch

/** Wall-clock and CPU seconds of one epoch. */
interface EpochTime {
  wall: number;
  cpu: number;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Epoch times of the tfjs LeNet on `backend`: measured epochs, or `batches` batches scaled up to an epoch. */
async function tfEpochs(backend: "wasm" | "cpu", train: { x: Tensor; labels: number[] }, epochs: number, batches?: number): Promise<EpochTime[]> {
  await initBackend({ backend });
  const model = lenet5({ input: 28, output: "linear", seed: 1 });
  const n = train.labels.length;
  const perEpoch = Math.ceil(n / BATCH);
  const times: EpochTime[] = [];
  let wall = performance.now();
  let cpu = cpuSeconds();
  if (batches !== undefined) {
    // a warm-up batch, then `batches` timed batches (all in one short epoch)
    const sub = { x: train.x.slice0(0, BATCH * (batches + 1)), labels: train.labels.slice(0, BATCH * (batches + 1)) };
    await fitDigits(model, sub, {
      epochs: 1,
      batchSize: BATCH,
      optimizer: "adam",
      yieldEveryMs: 1e9,
      onBatch: (p) => {
        if (p.batch === 1) [wall, cpu] = [performance.now(), cpuSeconds()];
        if (p.batch === batches + 1) times.push({ wall: ((performance.now() - wall) / 1000 / batches) * perEpoch, cpu: ((cpuSeconds() - cpu) / batches) * perEpoch });
      },
    });
  } else {
    await fitDigits(model, train, {
      epochs,
      batchSize: BATCH,
      optimizer: "adam",
      yieldEveryMs: 1e9,
      onEpoch: () => {
        times.push({ wall: (performance.now() - wall) / 1000, cpu: cpuSeconds() - cpu });
        [wall, cpu] = [performance.now(), cpuSeconds()];
      },
    });
  }
  model.dispose();
  return times;
}

/** One PyTorch run of the same network and loop on the same digits, or why it did not run. */
type TorchRun = { times: EpochTime[]; info: string; config: string };

/**
 * PyTorch at every thread setting worth trying on this machine: intra-op threads
 * (torch.set_num_threads) 1 and 2 × OpenBLAS/OpenMP pools (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS)
 * 1 and 2, one inter-op thread. Left alone, the pools oversubscribe the cores, which handicaps it.
 */
function torchSweep(x: Float32Array, labels: number[], epochs: number): TorchRun[] | { error: string } {
  const missing = pythonMissing("torch", "python3-torch");
  if (missing) return { error: missing };
  return withFiles({ "x.f32": x, "y.i64": int64Labels(labels) }, (dir) => {
    const runs: TorchRun[] = [];
    for (const threads of [1, 2]) {
      for (const pool of [1, 2]) {
        const env = { OPENBLAS_NUM_THREADS: String(pool), OMP_NUM_THREADS: String(pool), MKL_NUM_THREADS: String(pool) };
        const r = runPython<{ times: EpochTime[]; info: string }>("lenet_torch.py", [dir, String(epochs), String(BATCH), String(threads)], env);
        if ("error" in r) return r;
        runs.push({ ...r, config: `set_num_threads(${threads}), OPENBLAS/OMP_NUM_THREADS=${pool}` });
      }
    }
    return runs;
  });
}

/** Run the benchmark, print a table, return the figures (seconds per epoch and ratios to PyTorch). */
export async function runTfBench(): Promise<Record<string, number>> {
  const { train } = loadDigits();
  const x32 = Float32Array.from(train.x.data);
  const perEpoch = Math.ceil(train.labels.length / BATCH);
  console.log(`LeNet-5-like CNN, one epoch = ${train.labels.length} digits in ${perEpoch} batches of ${BATCH}, Adam`);
  console.log("the machine may be shared: CPU seconds are shown beside wall-clock seconds");

  const sweep = torchSweep(x32, train.labels, EPOCHS);
  const wasm = await tfEpochs("wasm", train, EPOCHS);
  console.log(backendReport());
  const cpu = await tfEpochs("cpu", train, 1, CPU_BATCHES);

  // the first epoch of each run warms up (compiles kernels, grows memory): medians of the others
  const steady = (ts: EpochTime[]) => ts.slice(1);
  const med = (ts: EpochTime[], k: keyof EpochTime) => median(ts.map((t) => t[k]));
  const rows: { name: string; wall: number; cpu: number; how: string }[] = [];
  const figures: Record<string, number> = {};
  const list = (ts: EpochTime[]) => ts.map((t) => t.wall.toFixed(2)).join(", ");
  if ("error" in sweep) {
    rows.push({ name: "pytorch best", wall: NaN, cpu: NaN, how: `MISSING — ${sweep.error}` });
  } else {
    for (const r of sweep) console.log(`pytorch ${r.config}: wall ${list(r.times)} s (${r.info})`);
    const best = sweep.reduce((a, b) => (med(steady(b.times), "wall") < med(steady(a.times), "wall") ? b : a));
    const single = sweep[0];
    rows.push({ name: "pytorch best", wall: med(steady(best.times), "wall"), cpu: med(steady(best.times), "cpu"), how: `median of epochs 2–${EPOCHS}, ${best.config}` });
    rows.push({ name: "pytorch 1thr", wall: med(steady(single.times), "wall"), cpu: med(steady(single.times), "cpu"), how: `median of epochs 2–${EPOCHS}, ${single.config}` });
  }
  rows.push({ name: "tfjs wasm", wall: med(steady(wasm), "wall"), cpu: med(steady(wasm), "cpu"), how: `median of epochs 2–${EPOCHS} (wall ${list(wasm)} s)` });
  rows.push({ name: "tfjs cpu", wall: cpu[0].wall, cpu: cpu[0].cpu, how: `EXTRAPOLATED from ${CPU_BATCHES} timed batches × ${perEpoch} (a whole epoch would take this long)` });
  const ref = rows[0];
  const wasmRow = rows.find((r) => r.name === "tfjs wasm") as (typeof rows)[number];
  const cpuRow = rows.find((r) => r.name === "tfjs cpu") as (typeof rows)[number];
  console.log("");
  console.log(`${"engine".padEnd(12)} ${"wall s".padStart(8)} ${"× torch".padStart(8)} ${"cpu s".padStart(8)} ${"× torch".padStart(8)}  how`);
  const ratio = (v: number, r: number) => (Number.isFinite(v) && Number.isFinite(r) ? `${(v / r).toFixed(1)}×` : "–");
  const num = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
  for (const r of rows) {
    console.log(`${r.name.padEnd(12)} ${num(r.wall).padStart(8)} ${ratio(r.wall, ref.wall).padStart(8)} ${num(r.cpu).padStart(8)} ${ratio(r.cpu, ref.cpu).padStart(8)}  ${r.how}`);
    figures[`${r.name} s/epoch (wall)`] = r.wall;
    figures[`${r.name} cpu s/epoch`] = r.cpu;
  }
  if (Number.isFinite(ref.wall)) {
    figures["ratio tfjs wasm / pytorch best (wall)"] = wasmRow.wall / ref.wall;
    figures["ratio tfjs wasm / pytorch best (cpu)"] = wasmRow.cpu / ref.cpu;
    figures["ratio tfjs cpu / pytorch best (wall)"] = cpuRow.wall / ref.wall;
    const r = wasmRow.wall / ref.wall;
    console.log(`goal: tfjs wasm epoch ≤ 2.5× PyTorch at its best setting — ${r <= 2.5 ? "met" : "not met"} (${r.toFixed(2)}× wall, ${(wasmRow.cpu / ref.cpu).toFixed(2)}× CPU time)`);
  }
  console.log(`${loadAverage()} (figures measured under this load)`);
  await initBackend({ backend: "wasm" });
  return figures;
}

if (require.main === module) {
  runTfBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
