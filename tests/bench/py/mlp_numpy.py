"""The 784-30-10 sigmoid MLP of tests/bench/mlp.bench.ts in vectorized numpy: softmax cross-entropy
(mean over the batch), SGD, batch 10, one epoch over the same digits, each batch gathered from a
seeded shuffle (as train() does). Prints JSON: epoch wall seconds (after one warm-up epoch) and the
accuracy on the training digits after the last epoch, for each dtype asked.

    python3 mlp_numpy.py DIR EPOCHS BATCH LR float64 float32
DIR holds x.f64 (N×784) and y.i64 (N labels), written by the TypeScript side.
"""
import json, sys, time
import numpy as np

d, epochs, batch, lr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
x64 = np.fromfile(d + "/x.f64", dtype=np.float64).reshape(-1, 784)
y = np.fromfile(d + "/y.i64", dtype=np.int64)
n = len(y)


def run(dtype):
    rng = np.random.default_rng(0)
    x = x64.astype(dtype)
    lim1, lim2 = np.sqrt(6 / (784 + 30)), np.sqrt(6 / (30 + 10))
    W1 = rng.uniform(-lim1, lim1, (784, 30)).astype(dtype)
    b1 = np.zeros(30, dtype)
    W2 = rng.uniform(-lim2, lim2, (30, 10)).astype(dtype)
    b2 = np.zeros(10, dtype)
    lr_ = dtype(lr)
    times = []
    for epoch in range(epochs + 1):  # epoch 0 warms up
        t = time.perf_counter()
        order = rng.permutation(n)
        for s in range(0, n, batch):
            i = order[s:s + batch]
            xb, yb = x[i], y[i]
            m = len(i)
            z1 = xb @ W1 + b1
            a1 = 1 / (1 + np.exp(-z1))
            z2 = a1 @ W2 + b2
            z2 -= z2.max(axis=1, keepdims=True)
            p = np.exp(z2)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(m), yb] -= 1
            d2 = p / m
            dW2 = a1.T @ d2
            db2 = d2.sum(axis=0)
            d1 = (d2 @ W2.T) * a1 * (1 - a1)
            dW1 = xb.T @ d1
            db1 = d1.sum(axis=0)
            W1 -= lr_ * dW1
            b1 -= lr_ * db1
            W2 -= lr_ * dW2
            b2 -= lr_ * db2
        if epoch > 0:
            times.append(time.perf_counter() - t)
    a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))
    acc = float(((a1 @ W2 + b2).argmax(axis=1) == y).mean())
    return {"times": times, "accuracy": acc}


out = {"info": "numpy %s" % np.__version__}
for name in sys.argv[5:]:
    out[name] = run(getattr(np, name))
print(json.dumps(out))
