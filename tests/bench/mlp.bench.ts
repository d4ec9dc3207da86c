/**
 * MLP speed: one epoch of the from-scratch 784-30-10 network (Flatten → Dense → Sigmoid → Dense,
 * softmax cross-entropy, SGD, batch 10) over the 8,000 training digits, several runs; also one
 * epoch of train() against the bare loop (lossAndGrad + step) to show what the loop itself costs.
 * Prints medians and ratios; asserts nothing.
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

const RUNS = 5;
const BATCH = 10;
const LR = 0.5;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function mlp(seed: number): Network {
  return new Network([new Flatten(), new Dense(784, 30, { seed }), new Sigmoid(), new Dense(30, 10, { seed: seed + 1 })], { name: "mlp-784-30-10" });
}

/** Run the benchmark, print a table, return the figures (ms, accuracies and ratios). */
export async function runMlpBench(): Promise<Record<string, number>> {
  let t0 = process.hrtime.bigint();
  const digits = loadDigits();
  const loadMs = ms(t0);
  const n = digits.train.x.shape[0];

  // one epoch of train(), each run from fresh weights
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
    "evaluate 1000 test digits ms": evalMs,
    "test accuracy after 1 epoch (last run)": testAcc,
  };
  console.log(`runs: ${RUNS}; epochs (ms): ${epochMs.map((t) => t.toFixed(0)).join(", ")}; bare (ms): ${bareMs.map((t) => t.toFixed(0)).join(", ")}`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(52)} ${v.toFixed(3)}`);
  return figures;
}

if (require.main === module) {
  runMlpBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
