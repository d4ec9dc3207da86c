"""Execute one notebook through a Jupyter kernel with nbclient; called by kernel-helpers/tools/run.ts.

    python3 execute.py IN.ipynb OUT.ipynb RESULT.json --kernel dl-lessons --timeout 90 --cell-timeout 90 [--allow-errors]

Runs the code cells in order in the notebook's folder, stops at the first cell that fails (with
--allow-errors: runs every cell and lists the failures), and writes the executed (or partly
executed) notebook to OUT and a JSON report to RESULT:
{"ok": true, "seconds": .., "cells": [{"index": i, "seconds": ..}, ..]} or, on failure, also
"error": {"cell": i, "source": .., "ename": .., "evalue": .., "traceback": [..], "kind": ..}
(with --allow-errors: "errors": [the same for every failed cell]).
`timeout` bounds the whole notebook (kernel start excluded), `cell-timeout` each cell.
The exit code is 0 when the report was written, whatever it says; 2 for bad arguments.

The error of a cell is the execute_reply's ename/evalue/traceback: the dl-lessons kernel fills
them in (kernel-helpers/tslab/stderr.ts parses what tslab prints); an "error" output, which other
kernels send, is used when the reply has none.

Kernel start: the start of each kernel (ports chosen, kernel launched, first reply) holds a lock
shared by every run on the machine, and a start that fails is tried once more. Two kernels
started at once could otherwise be given the same free port, and one notebook would then talk to
the other's kernel ("Invalid Signature": the messages are signed with the other kernel's key).
"""
import argparse
import asyncio
import fcntl
import json
import math
import os
import signal
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

START_LOCK = os.path.join(tempfile.gettempdir(), "dl-lessons-kernel-start.lock")


def error_of(cell, reply):
    """The error of a failed cell as {ename, evalue, traceback}: the reply's fields, else an error output."""
    if reply and reply.get("ename"):
        return {"ename": reply["ename"], "evalue": reply.get("evalue", ""),
                "traceback": list(reply.get("traceback") or [])}
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return {"ename": out.get("ename", ""), "evalue": out.get("evalue", ""),
                    "traceback": list(out.get("traceback", []))}
    return None


class StartLock:
    """An exclusive lock on START_LOCK (flock: released by the OS if this process dies)."""

    def __init__(self):
        self.fd = None

    async def __aenter__(self):
        self.fd = os.open(START_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        await asyncio.get_running_loop().run_in_executor(None, fcntl.flock, self.fd, fcntl.LOCK_EX)
        return self

    def release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    async def __aexit__(self, *exc):
        self.release()


class KernelStartError(Exception):
    """The kernel did not start or did not answer its first request."""


async def run_cells(args, nb, report):
    """Start the kernel (under the start lock) and run the cells; KernelStartError when the start fails."""
    cwd = os.path.dirname(os.path.abspath(args.input))
    replies = {}
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=int(math.ceil(args.cell_timeout)),
                            startup_timeout=int(math.ceil(args.startup_timeout)), allow_errors=args.allow_errors,
                            record_timing=True, resources={"metadata": {"path": cwd}},
                            on_cell_error=lambda cell, cell_index, execute_reply: replies.__setitem__(cell_index, execute_reply["content"]))
    t_start = time.monotonic()
    lock = StartLock()
    started = False
    try:
        await lock.__aenter__()
        async with client.async_setup_kernel(cwd=cwd):
            # The same handshake as NotebookClient.async_execute: kernel_info gives language_info.
            msg_id = await ensure_async(client.kc.kernel_info())
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            lock.release()
            started = True
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
                    if index in replies:  # a failure allowed by --allow-errors
                        err = error_of(cell, replies[index]) or {"ename": "Error", "evalue": "", "traceback": []}
                        report["errors"].append(dict(err, cell=index, source=cell.source, kind="error"))
                except CellExecutionError as e:
                    err = error_of(cell, replies.get(index)) or {"ename": e.ename, "evalue": e.evalue, "traceback": [str(e)]}
                    report["error"] = dict(err, cell=index, source=cell.source, kind="error")
                    break
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
    except CellTimeoutError:
        if not started:
            raise KernelStartError("the kernel did not answer in time")
        raise
    except Exception as e:  # the kernel did not start, the kernelspec is missing, ...
        if started:
            raise
        raise KernelStartError(f"{type(e).__name__}: {e}") from e
    finally:
        lock.release()


async def run(args):
    nb = nbformat.read(args.input, as_version=4)
    report = {"ok": True, "cells": [], "errors": [], "kernel_seconds": 0.0, "start_attempts": 0}
    t_start = time.monotonic()
    for attempt in (1, 2):
        report["start_attempts"] = attempt
        try:
            await run_cells(args, nb, report)
            break
        except KernelStartError as e:
            cause = e.__cause__ or e
            if attempt == 1 and "NoSuchKernel" not in type(cause).__name__:
                continue  # one more start
            report["error"] = {"cell": -1, "source": "", "kind": "kernel",
                               "ename": type(cause).__name__, "evalue": str(cause), "traceback": []}
        except CellTimeoutError as e:
            report["error"] = {"cell": -1, "source": "", "kind": "timeout", "ename": "Timeout",
                               "evalue": str(e), "traceback": []}
            break
        except Exception as e:
            report["error"] = {"cell": -1, "source": "", "kind": "kernel",
                               "ename": type(e).__name__, "evalue": str(e), "traceback": []}
            break
    report["seconds"] = time.monotonic() - t_start
    report["ok"] = "error" not in report and not report["errors"]
    # Where this copy came from and what its run took, for the site's footer.
    nb.metadata["dl_lessons"] = {"source": os.path.abspath(args.input), "seconds": round(report["seconds"], 3),
                                 "executed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "ok": report["ok"]}
    nbformat.write(nb, args.output)
    return report


async def main_task(args):
    """run(args), cancelled by SIGTERM or SIGINT: the kernel is shut down on the way out."""
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        return await run(args)
    except asyncio.CancelledError:
        sys.exit(143)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("result")
    ap.add_argument("--kernel", default="dl-lessons")
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--cell-timeout", type=float, default=90)
    ap.add_argument("--startup-timeout", type=float, default=60)
    ap.add_argument("--allow-errors", action="store_true")
    args = ap.parse_args()
    report = asyncio.run(main_task(args))
    with open(args.result, "w", encoding="utf-8") as f:
        json.dump(report, f)


if __name__ == "__main__":
    sys.exit(main())
