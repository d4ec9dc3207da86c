"""Execute one notebook through a Jupyter kernel with nbclient; called by kernel-helpers/run.ts.

    python3 execute.py IN.ipynb OUT.ipynb RESULT.json --kernel dl-lessons --timeout 90 --cell-timeout 90

Runs the code cells in order in the notebook's folder, stops at the first cell that fails, and
writes the executed (or partly executed) notebook to OUT and a JSON report to RESULT:
{"ok": true, "seconds": .., "cells": [{"index": i, "seconds": ..}, ..]} or, on failure, also
"error": {"cell": i, "source": .., "ename": .., "evalue": .., "traceback": [..], "kind": ..}.
`timeout` bounds the whole notebook (kernel start excluded), `cell-timeout` each cell.
With --allow-errors every cell runs even after one fails; "errors" lists every failure.
The exit code is 0 when the report was written, whatever it says; 2 for bad arguments.
"""
import argparse
import asyncio
import json
import math
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async


ERROR_LINE = re.compile(r"^([A-Za-z_$][\w$.]*(?:Error|Exception)|Error): ?(.*)$")
TS_DIAGNOSTIC = re.compile(r"^\d+:\d+ - ")


def error_of(cell):
    """The error of a failed cell as {ename, evalue, traceback}, or None.

    Kernels that follow the protocol send an "error" output. tslab instead writes the failure to
    the cell's stderr (a Node stack trace, or TypeScript diagnostics "line:col - message") and
    answers with status "error", so the stderr text is parsed for the name and message.
    """
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return {"ename": out.get("ename", ""), "evalue": out.get("evalue", ""),
                    "traceback": list(out.get("traceback", []))}
    stderr = "".join(out.get("text", "") for out in cell.get("outputs", [])
                     if out.get("output_type") == "stream" and out.get("name") == "stderr")
    lines = [line for line in stderr.splitlines()]
    if not any(line.strip() for line in lines):
        return None
    diagnostics = [line for line in lines if TS_DIAGNOSTIC.match(line)]
    if diagnostics:
        return {"ename": "TypeScriptError", "evalue": "; ".join(diagnostics), "traceback": lines}
    for line in lines:
        m = ERROR_LINE.match(line.strip())
        if m:
            return {"ename": m.group(1), "evalue": m.group(2), "traceback": lines}
    return {"ename": "Error", "evalue": next(line for line in lines if line.strip()).strip(), "traceback": lines}


async def run(args):
    nb = nbformat.read(args.input, as_version=4)
    cwd = os.path.dirname(os.path.abspath(args.input))
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=int(math.ceil(args.cell_timeout)),
                            startup_timeout=int(math.ceil(args.startup_timeout)),
                            # allow_errors=True sends stop_on_error=False: without it the kernel aborts
                            # the cells after a failing one (their outputs stay empty); force_raise_errors
                            # still raises CellExecutionError so every failure is caught below
                            allow_errors=args.allow_errors, force_raise_errors=True,
                            record_timing=True, resources={"metadata": {"path": cwd}})
    report = {"ok": True, "cells": [], "kernel_seconds": 0.0}
    t_start = time.monotonic()
    try:
        async with client.async_setup_kernel(cwd=cwd):
            # The same handshake as NotebookClient.async_execute: kernel_info gives language_info.
            msg_id = await ensure_async(client.kc.kernel_info())
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            report["kernel_seconds"] = time.monotonic() - t_start
            t_cells = time.monotonic()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                left = args.timeout - (time.monotonic() - t_cells)
                if left <= 0:
                    raise CellTimeoutError(f"notebook time limit of {args.timeout:g} s reached before cell {index}")
                # Each cell gets the smaller of its own limit and what is left of the notebook's.
                client.timeout = max(1, int(math.ceil(min(args.cell_timeout, left))))
                t0 = time.monotonic()
                try:
                    await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                except CellExecutionError as e:
                    err = dict(error_of(cell) or {"ename": e.ename, "evalue": e.evalue, "traceback": [str(e)]},
                               cell=index, source=cell.source, kind="error")
                    report.setdefault("error", err)
                    if not args.allow_errors:
                        break
                    # --allow-errors: note it and go on with the next cell (the autograder's run)
                    report.setdefault("errors", []).append(err)
                    # tslab ignores stop_on_error: after a failed cell it cancels every request that
                    # arrives within 200 ms (tslab/dist/jupyter.js, execQueue.reset(200)); wait it out
                    await asyncio.sleep(0.3)
                except CellTimeoutError as e:
                    report["error"] = {"cell": index, "source": cell.source, "kind": "timeout",
                                       "ename": "Timeout",
                                       "evalue": f"the cell did not finish within {client.timeout} s "
                                                 f"(cell limit {args.cell_timeout:g} s, notebook limit {args.timeout:g} s)",
                                       "traceback": []}
                    break
                except DeadKernelError as e:
                    report["error"] = {"cell": index, "source": cell.source, "kind": "dead-kernel",
                                       "ename": "DeadKernelError", "evalue": str(e), "traceback": []}
                    break
                finally:
                    report["cells"].append({"index": index, "seconds": time.monotonic() - t0})
    except CellTimeoutError as e:
        report["error"] = {"cell": -1, "source": "", "kind": "timeout", "ename": "Timeout",
                           "evalue": str(e), "traceback": []}
    except Exception as e:  # the kernel did not start, the kernelspec is missing, ...
        report["error"] = {"cell": -1, "source": "", "kind": "kernel",
                           "ename": type(e).__name__, "evalue": str(e), "traceback": []}
    report["seconds"] = time.monotonic() - t_start
    report["ok"] = "error" not in report
    # Where this copy came from and what its run took, for the site's footer.
    nb.metadata["dl_lessons"] = {"source": os.path.abspath(args.input), "seconds": round(report["seconds"], 3),
                                 "executed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "ok": report["ok"]}
    nbformat.write(nb, args.output)
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("result")
    ap.add_argument("--kernel", default="dl-lessons")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--cell-timeout", type=float, default=90)
    ap.add_argument("--startup-timeout", type=float, default=60)
    ap.add_argument("--allow-errors", action="store_true",
                    help="run every cell even after one fails; report all failures in 'errors'")
    args = ap.parse_args()
    report = asyncio.run(run(args))
    with open(args.result, "w", encoding="utf-8") as f:
        json.dump(report, f)


if __name__ == "__main__":
    sys.exit(main())
