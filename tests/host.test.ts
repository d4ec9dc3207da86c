/**
 * src/host.ts, the library's side of the kernel's Interrupt: the hook on globalThis, the signal
 * (fresh after an interrupt), and train() stopping after the current batch with the history.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { interrupt, interruptSignal, watchInterrupt } from "../src/host";
import { Network } from "../src/network";
import { Dense } from "../src/layers/dense";
import { Tanh } from "../src/layers/activations";
import { SGD } from "../src/optim";
import { train } from "../src/train";
import { xorData } from "../src/data/toy";

const hook = () => (globalThis as Record<symbol, unknown>)[Symbol.for("dl-lessons.interrupt")] as () => boolean;

test("the hook is installed on globalThis and is interrupt()", () => {
  assert.equal(hook(), interrupt);
});

test("nothing running: the hook says false (tslab handles the cell) but the signal is aborted; the next call gives a fresh one", () => {
  const s = interruptSignal();
  assert.equal(s.aborted, false);
  assert.equal(interruptSignal(), s, "the same signal until an interrupt");
  assert.equal(hook()(), false);
  assert.equal(s.aborted, true);
  const fresh = interruptSignal();
  assert.notEqual(fresh, s);
  assert.equal(fresh.aborted, false);
});

test("a registered loop takes the first interrupt only; done() unregisters it", () => {
  const w = watchInterrupt();
  assert.equal(interrupt(), true);
  assert.equal(w.signal.aborted, true);
  assert.equal(interrupt(), false, "already interrupted: a second interrupt goes to tslab");
  w.done();
  w.done();
  const w2 = watchInterrupt();
  w2.done();
  assert.equal(interrupt(), false, "nothing running");
});

test("train: an interrupt at epoch 2, batch 3 stops after that batch with stopped 'interrupt' and the history so far; onEnd sees it", async () => {
  const net = new Network([new Dense(2, 8, { seed: 1 }), new Tanh(), new Dense(8, 2, { seed: 2 })]);
  const ended: string[] = [];
  let after = -1;
  const history = await train(net, xorData(200, { seed: 1 }), {
    epochs: 20, batchSize: 20, optimizer: new SGD({ lr: 0.1 }), yieldEveryMs: 0,
    onBatch: (p) => {
      if (after >= 0) after++;
      if (p.epoch === 2 && p.batch === 3) {
        assert.equal(interrupt(), true);
        after = 0;
      }
    },
    onEnd: (h) => ended.push(h.stopped),
  });
  assert.equal(history.stopped, "interrupt");
  assert.equal(history.rows.length, 1);
  assert.equal(history.batches.length, 10 + 3);
  assert.equal(after, 0, "no batch after the interrupted one");
  assert.deepEqual(ended, ["interrupt"]);
  assert.equal(interrupt(), false, "train unregistered itself");
});
