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
const WASM_EPOCHS = 3; // the first one warms up (compiles, grows the heap); the median of the others counts
const CPU_BATCHES = 4; // timed after one warm-up batch, then scaled to an epoch

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Seconds per epoch of the tfjs LeNet on `backend`: measured epochs, or `batches` batches scaled up. */
async function tfEpochs(backend: "wasm" | "cpu", train: { x: Tensor; labels: number[] }, epochs: number, batches?: number): Promise<number[]> {
  await initBackend({ backend });
  const model = lenet5({ input: 28, output: "linear", seed: 1 });
  const n = train.labels.length;
  const perEpoch = Math.ceil(n / BATCH);
  const times: number[] = [];
  if (batches !== undefined) {
    // warm-up batch, then `batches` timed batches one by one (onBatch stops the run)
    const sub = { x: train.x.slice0(0, BATCH * (batches + 1)), labels: train.labels.slice(0, BATCH * (batches + 1)) };
    let t = 0;
    await fitDigits(model, sub, {
      epochs: 1,
      batchSize: BATCH,
      optimizer: "adam",
      yieldEveryMs: 1e9,
      onBatch: (p) => {
        if (p.batch === 1) t = performance.now();
        if (p.batch === batches + 1) times.push(((performance.now() - t) / 1000 / batches) * perEpoch);
      },
    });
  } else {
    const h = await fitDigits(model, train, { epochs, batchSize: BATCH, optimizer: "adam", yieldEveryMs: 1e9 });
    times.push(...h.rows.map((r) => r.time_s));
  }
  model.dispose();
  return times;
}

/** The same network and loop in PyTorch on the same digits: seconds per epoch, or why it did not run. */
function torchEpochs(x: Float32Array, labels: number[], epochs: number): { times: number[]; info: string } | { error: string } {
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
    t = time.perf_counter()
    order = torch.randperm(len(y))
    for s in range(0, len(y), ${BATCH}):
        i = order[s:s + ${BATCH}]
        opt.zero_grad()
        loss = loss_fn(net(x[i]), y[i])
        loss.backward()
        opt.step()
    times.append(time.perf_counter() - t)
print(json.dumps({"times": times, "info": "torch %s, %d thread(s)" % (torch.__version__, torch.get_num_threads())}))
`;
  const r = spawnSync(python, ["-c", script, dir], { encoding: "utf8", maxBuffer: 1 << 20 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) return { error: `PyTorch run failed: ${r.stderr.trim().split("\n").pop()}` };
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as { times: number[]; info: string };
}

/** Run the benchmark, print a table, return the figures (seconds per epoch and ratios to PyTorch). */
export async function runTfBench(): Promise<Record<string, number>> {
  const { train } = loadDigits();
  const x32 = Float32Array.from(train.x.data);
  console.log(`LeNet-5-like CNN, one epoch = ${train.labels.length} digits in batches of ${BATCH}, Adam`);

  const wasm = await tfEpochs("wasm", train, WASM_EPOCHS);
  console.log(backendReport());
  const cpu = await tfEpochs("cpu", train, 1, CPU_BATCHES);
  const torch = torchEpochs(x32, train.labels, WASM_EPOCHS);

  const figures: Record<string, number> = {};
  const rows: [string, number, string][] = [];
  const wasmMedian = median(wasm.slice(1));
  figures["tfjs wasm s/epoch (median)"] = wasmMedian;
  rows.push(["tfjs wasm", wasmMedian, `median of epochs 2–${WASM_EPOCHS} (${wasm.map((t) => t.toFixed(2)).join(", ")} s; the first warms up)`]);
  figures["tfjs cpu s/epoch (extrapolated)"] = cpu[0];
  rows.push(["tfjs cpu", cpu[0], `extrapolated from ${CPU_BATCHES} batches × ${Math.ceil(train.labels.length / BATCH)} (a whole epoch would take this long)`]);
  if ("times" in torch) {
    const t = median(torch.times.slice(1));
    figures["pytorch cpu s/epoch (median)"] = t;
    rows.push(["pytorch cpu", t, `median of epochs 2–${WASM_EPOCHS} (${torch.times.map((v) => v.toFixed(2)).join(", ")} s), ${torch.info}`]);
    figures["ratio tfjs wasm / pytorch"] = wasmMedian / t;
    figures["ratio tfjs cpu / pytorch"] = cpu[0] / t;
  } else {
    rows.push(["pytorch cpu", NaN, torch.error]);
  }
  console.log("");
  console.log(`${"engine".padEnd(12)} ${"s/epoch".padStart(8)} ${"× pytorch".padStart(10)}  how`);
  const ref = figures["pytorch cpu s/epoch (median)"];
  for (const [name, s, how] of rows) {
    const ratio = ref && Number.isFinite(s) ? `${(s / ref).toFixed(1)}×` : "–";
    console.log(`${name.padEnd(12)} ${Number.isFinite(s) ? s.toFixed(2).padStart(8) : "–".padStart(8)} ${ratio.padStart(10)}  ${how}`);
  }
  if (ref) console.log(`goal: tfjs wasm within 3× of PyTorch — ${figures["ratio tfjs wasm / pytorch"] <= 3 ? "met" : "not met"} (${figures["ratio tfjs wasm / pytorch"].toFixed(2)}×)`);
  await initBackend({ backend: "wasm" });
  return figures;
}

if (require.main === module) {
  runTfBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
