/**
 * Acceptance: Nielsen's classic from-scratch network, 784-30-10 with sigmoid hidden units and
 * softmax cross-entropy, trained by plain SGD (batch 10, lr 0.5) on the 8,000 training digits,
 * reaches at least 90% accuracy on the 1,000 test digits after 5 epochs (the test set is only
 * looked at, never used to choose anything).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDigits } from "../src/data";
import { Dense } from "../src/layers/dense";
import { Flatten } from "../src/layers/flatten";
import { Sigmoid } from "../src/layers/activations";
import { Network } from "../src/network";
import { SGD } from "../src/optim";
import { confusionMatrix, evaluate, train } from "../src/train";

test("MNIST 784-30-10 (Flatten → Dense → Sigmoid → Dense), cross-entropy, SGD lr=0.5, batch 10, seed 1: ≥ 90% test accuracy after 5 epochs", async () => {
  const t0 = performance.now();
  const digits = loadDigits({ seed: 0 });
  assert.deepEqual(digits.train.x.shape, [8000, 28, 28, 1]);
  const net = new Network([new Flatten(), new Dense(784, 30, { seed: 1 }), new Sigmoid(), new Dense(30, 10, { seed: 2 })]);
  assert.equal(net.summaryRows([28, 28, 1]).reduce((s, r) => s + r.params, 0), 784 * 30 + 30 + 30 * 10 + 10);

  let testAccuracy = 0;
  const history = await train(net, digits.train, {
    epochs: 5,
    batchSize: 10,
    optimizer: new SGD({ lr: 0.5 }),
    loss: "cross-entropy",
    seed: 1,
    validation: digits.validation,
    onEpoch: (info) => {
      testAccuracy = evaluate(net, digits.test).accuracy;
      console.log(
        `  epoch ${info.epoch}: loss ${info.loss.toFixed(4)}  acc ${info.accuracy.toFixed(4)}  ` +
          `val_loss ${info.val_loss?.toFixed(4)}  val_acc ${info.val_accuracy?.toFixed(4)}  test_acc ${testAccuracy.toFixed(4)}`,
      );
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  test accuracy ${testAccuracy.toFixed(4)} after ${history.rows.length} epoch(s), ${seconds.toFixed(1)} s in all`);
  assert.equal(history.stopped, "done");
  assert.equal(history.rows.length, 5);
  assert.ok(testAccuracy >= 0.9, `test accuracy ${testAccuracy} after ${history.rows.length} epochs`);
  assert.equal(evaluate(net, digits.test).accuracy, testAccuracy);

  // the predictions behind that accuracy, class by class
  const pred = net.predict(digits.test.x);
  const m = confusionMatrix(pred, digits.test.labels, 10);
  const hits = m.reduce((s, row, k) => s + row[k], 0);
  assert.equal(hits / digits.test.labels.length, testAccuracy);
});
