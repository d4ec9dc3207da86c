"""Per-cell overhead of the project's tslab kernel ("dl-lessons"): start it, then time execute
requests one by one (sent → reply and idle), for
  trivial   "1 + 1" before anything is imported (the first one also compiles tslab's checker),
  import    the first import of the kit (as lesson 01's first cell does),
  tensor    a cell that builds and shows a small Tensor, the kit imported,
  build     the same Tensor built but not shown (what show() costs, by difference),
  trivial+  "1 + 1" again with the kit's types in scope.
Prints JSON {"start": s, "trivial": [s..], "import": s, "tensor": [s..], "build": [s..], "trivial_after": [s..]}.

    JUPYTER_PATH=<project>/.jupyter /usr/bin/python3 cells.py [REPEATS]
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
IMPORT = ('import { Tensor, Dense, Network, loadDigits } from "dl-lessons";\n'
          'import { show } from "dl-lessons/kernel";')
BUILD = "const b{i} = Tensor.from([[1, -1, 0], [2, 0.5, -3]]);\nb{i}.shape"
TENSOR = "const m{i} = Tensor.from([[1, -1, 0], [2, 0.5, -3]]);\nshow(m{i});\nm{i}.shape"


def run(kc, code):
    """Seconds from sending `code` to its reply and the kernel's idle status; fails on an error."""
    t = time.perf_counter()
    msg_id = kc.execute(code)
    status, idle = None, False
    while status is None or not idle:
        if status is None:
            reply = kc.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                status = reply["content"]["status"]
        if not idle:
            msg = kc.get_iopub_msg(timeout=120)
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                idle = True
    if status != "ok":
        raise SystemExit("cell failed: %r" % code)
    return time.perf_counter() - t


km = KernelManager(kernel_name="dl-lessons")
t0 = time.perf_counter()
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)
out = {"start": time.perf_counter() - t0}
try:
    out["trivial"] = [run(kc, "1 + 1") for _ in range(REPEATS)]
    out["import"] = run(kc, IMPORT)
    out["tensor"] = [run(kc, TENSOR.format(i=i)) for i in range(REPEATS)]
    out["build"] = [run(kc, BUILD.format(i=i)) for i in range(REPEATS)]
    out["trivial_after"] = [run(kc, "1 + 1") for _ in range(REPEATS)]
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(out))
