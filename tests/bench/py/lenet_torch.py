"""The LeNet-5-like CNN of tests/bench/tf.bench.ts in PyTorch CPU, Adam, batch BATCH, on the same
digits, with THREADS intra-op threads (torch.set_num_threads) and one inter-op thread; the caller
sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS in the environment. Prints JSON: per-epoch wall and
CPU seconds (the first epoch warms up).

    python3 lenet_torch.py DIR EPOCHS BATCH THREADS
DIR holds x.f32 (N×28×28×1) and y.i64 (N labels).
"""
import json, sys, time
import numpy as np
import torch
import torch.nn as nn

d, epochs, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass
torch.manual_seed(0)
x = torch.from_numpy(np.fromfile(d + "/x.f32", dtype=np.float32).reshape(-1, 28, 28, 1)).permute(0, 3, 1, 2).contiguous()
y = torch.from_numpy(np.fromfile(d + "/y.i64", dtype=np.int64))
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
times = []
for epoch in range(epochs):
    t, c = time.perf_counter(), time.process_time()
    order = torch.randperm(len(y))
    for s in range(0, len(y), batch):
        i = order[s:s + batch]
        opt.zero_grad()
        loss = loss_fn(net(x[i]), y[i])
        loss.backward()
        opt.step()
    times.append({"wall": time.perf_counter() - t, "cpu": time.process_time() - c})
print(json.dumps({"times": times, "info": "torch %s, %d intra-op thread(s)" % (torch.__version__, torch.get_num_threads())}))
