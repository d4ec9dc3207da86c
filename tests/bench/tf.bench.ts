/**
 * One epoch of a LeNet-5-like CNN over the 8,000 training digits — conv 5×5×6 pad 2 → ReLU → max
 * pool 2 → conv 5×5×16 → ReLU → max pool 2 → dense 120 → 84 → 10, batch 64, Adam — on the
 * TensorFlow.js wasm backend (with the gradient kernels of src/tf/wasm-grads.ts), on the cpu
 * backend, and on PyTorch CPU when `/usr/bin/python3 -c "import torch"` works (Debian's
 * python3-torch), in the same run, on the same digits. Prints medians and the ratio to PyTorch;
 * asserts nothing.
 *
 *   node --import tsx tests/bench/tf.bench.ts      (or npm run bench -- tf)
 *
 * The cpu backend is too slow for whole epochs: it times a fixed number of batches and
 * extrapolates to an epoch, and says so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadDigits } from "../../src/data";
import { backendReport, initBackend } from "../../src/tf/backend";
import { lenet5 } from "../../src/tf/models";
import { fitDigits } from "../../src/tf/train";
import type { Tensor } from "../../src/tensor";

const BATCH = 64;
const EPOCHS = 4; // per run; the first one warms up (compiles, grows the heap), the median of the others counts
const CPU_BATCHES = 4; // timed after one warm-up batch, then scaled to an epoch

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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

/** The same network and loop in PyTorch on the same digits: seconds per epoch, or why it did not run. */
function torchEpochs(x: Float32Array, labels: number[], epochs: number): { times: EpochTime[]; info: string } | { error: string } {
  const python = "/usr/bin/python3";
  const probe = spawnSync(python, ["-c", "import torch; print(torch.__version__, torch.get_num_threads())"], { encoding: "utf8" });
  if (probe.status !== 0) return { error: `PyTorch not importable with ${python}: ${(probe.stderr || probe.error?.message || "").trim().split("\n").pop()}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-bench-"));
  fs.writeFileSync(path.join(dir, "x.f32"), Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  fs.writeFileSync(path.join(dir, "y.i64"), Buffer.from(BigInt64Array.from(labels, (v) => BigInt(v)).buffer));
  const script = `
import json, sys, time, numpy as np, torch, torch.nn as nn
torch.manual_seed(0)
d = sys.argv[1]
x = torch.from_numpy(np.fromfile(d + "/x.f32", dtype=np.float32).reshape(-1, 28, 28, 1)).permute(0, 3, 1, 2).contiguous()
y = torch.from_numpy(np.fromfile(d + "/y.i64", dtype=np.int64))
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
times = []
for epoch in range(${epochs}):
    t, c = time.perf_counter(), time.process_time()
    order = torch.randperm(len(y))
    for s in range(0, len(y), ${BATCH}):
        i = order[s:s + ${BATCH}]
        opt.zero_grad()
        loss = loss_fn(net(x[i]), y[i])
        loss.backward()
        opt.step()
    times.append({"wall": time.perf_counter() - t, "cpu": time.process_time() - c})
print(json.dumps({"times": times, "info": "torch %s, %d thread(s)" % (torch.__version__, torch.get_num_threads())}))
`;
  const r = spawnSync(python, ["-c", script, dir], { encoding: "utf8", maxBuffer: 1 << 20 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) return { error: `PyTorch run failed: ${r.stderr.trim().split("\n").pop()}` };
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as { times: EpochTime[]; info: string };
}

/** Run the benchmark, print a table, return the figures (seconds per epoch and ratios to PyTorch). */
export async function runTfBench(): Promise<Record<string, number>> {
  const { train } = loadDigits();
  const x32 = Float32Array.from(train.x.data);
  const perEpoch = Math.ceil(train.labels.length / BATCH);
  console.log(`LeNet-5-like CNN, one epoch = ${train.labels.length} digits in ${perEpoch} batches of ${BATCH}, Adam`);
  console.log("the machine may be shared: PyTorch runs before and after tfjs, and CPU seconds are shown beside wall-clock seconds");

  const torchBefore = torchEpochs(x32, train.labels, EPOCHS);
  const wasm = await tfEpochs("wasm", train, EPOCHS);
  console.log(backendReport());
  const torchAfter = torchEpochs(x32, train.labels, EPOCHS);
  const cpu = await tfEpochs("cpu", train, 1, CPU_BATCHES);

  // the first epoch of each run warms up (compiles kernels, grows memory): medians of the others
  const steady = (ts: EpochTime[]) => ts.slice(1);
  const med = (ts: EpochTime[], k: keyof EpochTime) => median(ts.map((t) => t[k]));
  const rows: { name: string; wall: number; cpu: number; how: string }[] = [];
  const figures: Record<string, number> = {};
  const list = (ts: EpochTime[]) => ts.map((t) => t.wall.toFixed(2)).join(", ");
  rows.push({ name: "tfjs wasm", wall: med(steady(wasm), "wall"), cpu: med(steady(wasm), "cpu"), how: `median of epochs 2–${EPOCHS} (wall ${list(wasm)} s)` });
  rows.push({ name: "tfjs cpu", wall: cpu[0].wall, cpu: cpu[0].cpu, how: `EXTRAPOLATED from ${CPU_BATCHES} timed batches × ${perEpoch} (a whole epoch would take this long)` });
  const torchRuns = [torchBefore, torchAfter].filter((t): t is { times: EpochTime[]; info: string } => "times" in t);
  if (torchRuns.length > 0) {
    const ts = torchRuns.flatMap((t) => steady(t.times));
    rows.push({ name: "pytorch cpu", wall: med(ts, "wall"), cpu: med(ts, "cpu"), how: `median of epochs 2–${EPOCHS} of ${torchRuns.length} runs (wall ${torchRuns.map((t) => list(t.times)).join(" | ")} s), ${torchRuns[0].info}` });
  } else {
    rows.push({ name: "pytorch cpu", wall: NaN, cpu: NaN, how: (torchBefore as { error: string }).error });
  }
  const ref = rows[2];
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
    figures["ratio tfjs wasm / pytorch (wall)"] = rows[0].wall / ref.wall;
    figures["ratio tfjs wasm / pytorch (cpu)"] = rows[0].cpu / ref.cpu;
    figures["ratio tfjs cpu / pytorch (wall)"] = rows[1].wall / ref.wall;
    const r = rows[0].wall / ref.wall;
    console.log(`goal: tfjs wasm within 3× of PyTorch — ${r <= 3 ? "met" : "not met"} (${r.toFixed(2)}× wall, ${(rows[0].cpu / ref.cpu).toFixed(2)}× CPU time)`);
  }
  await initBackend({ backend: "wasm" });
  return figures;
}

if (require.main === module) {
  runTfBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
