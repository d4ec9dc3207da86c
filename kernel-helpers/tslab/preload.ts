/**
 * The kernel side of the tslab adapter, preloaded by node (`--require`, see the kernelspec written
 * by kernel-helpers/tools/kernel.ts) before tslab starts. It patches tslab 1.0.22's modules as
 * they load, whichever copy of tslab the kernel ends up running:
 *
 * - kernel_info_reply gets the `status` the protocol requires;
 * - an execute_reply with status "error" gets `ename`, `evalue`, `traceback` (from the cell's
 *   stderr, through the one parser ./stderr.ts), so nbclient and the runner name the error;
 * - `stop_on_error: false` is honoured: tslab answers "aborted" to every request that arrives
 *   within 200 ms of a failed cell; a request that asked not to stop on errors neither aborts
 *   the ones behind it nor is aborted by an earlier failure of its own kind;
 * - Interrupt: tslab's `executor.interrupt` first calls the library's hook
 *   `globalThis[Symbol.for("dl-lessons.interrupt")]` (src/host.ts); when a training loop says it
 *   will stop after its batch, the cell is left to finish (with its history); otherwise tslab
 *   stops waiting for the cell as before;
 * - the memory watchdog (./memory.ts) starts.
 */
import Module = require("node:module");
import { parseCellError } from "./stderr";
import { afterCell, startMemoryWatchdog } from "./memory";

type WriteStream = (name: string, text: string) => void;
interface ExecuteRequest {
  code: string;
  stop_on_error?: boolean;
}
interface ExecuteReply {
  status: string;
  execution_count?: number;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface TaskQueue {
  add<T>(fn: () => Promise<T>): Promise<T>;
  reset(delay?: number): void;
}
interface Handler {
  execQueue: TaskQueue;
  handleKernel(): Record<string, unknown>;
  handleExecuteImpl(req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: unknown): Promise<{ count: number }>;
  __dlLessons?: true;
}
interface Executor {
  interrupt(): void;
}

const PATCHED = Symbol.for("dl-lessons.tslab-patched");
const HOOK = Symbol.for("dl-lessons.interrupt");

/** Ask the library whether a training loop takes this interrupt (it stops after its batch). */
export function interruptTakenByLibrary(): boolean {
  const hook = (globalThis as Record<symbol, unknown>)[HOOK];
  if (typeof hook !== "function") return false;
  try {
    return hook() === true;
  } catch {
    return false;
  }
}

/** tslab's failure marker: an ExecutionCount thrown by handleExecuteImpl (not an Error). */
const isFailedCount = (e: unknown): e is { count: number } =>
  typeof e === "object" && e !== null && !(e instanceof Error) && typeof (e as { count?: unknown }).count === "number";

function patchHandler(H: Handler): void {
  const handleKernel = H.handleKernel;
  H.handleKernel = function (this: Handler) {
    return { status: "ok", ...handleKernel.call(this) };
  };
  // tslab's handleExecute, with stop_on_error honoured and the error fields filled in
  (H as unknown as { handleExecute: unknown }).handleExecute = async function (this: Handler, req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: unknown): Promise<ExecuteReply> {
    let stderr = "";
    const tee: WriteStream = (name, text) => {
      if (name === "stderr" && stderr.length < 20_000) stderr += text;
      writeStream(name, text);
    };
    const stopOnError = req?.stop_on_error !== false;
    let reply: ExecuteReply;
    try {
      const count = await this.execQueue.add(async () => {
        try {
          return await this.handleExecuteImpl(req, tee, writeDisplayData);
        } catch (e) {
          // a failure that must not cancel the requests queued behind it
          if (!stopOnError && isFailedCount(e)) return { count: e.count, failed: true };
          throw e;
        }
      });
      reply = "failed" in count ? { status: "error", execution_count: count.count } : { status: "ok", execution_count: count.count };
    } catch (e) {
      if (isFailedCount(e)) reply = { status: "error", execution_count: e.count };
      else if (e instanceof Error && e.name === "TaskCanceledError") reply = { status: "abort" };
      else {
        console.error("unexpected error:", e);
        reply = { status: "error" };
      }
      // as tslab: let the requests already queued behind the failure abort, then accept new ones
      if (reply.status === "error") this.execQueue.reset(200);
    }
    afterCell(tee);
    if (reply.status === "error") Object.assign(reply, parseCellError(stderr));
    return reply;
  };
}

function patchExecutorModule(exp: { createExecutor: (...a: unknown[]) => Executor }): void {
  const create = exp.createExecutor;
  exp.createExecutor = function (this: unknown, ...args: unknown[]): Executor {
    const executor = create.apply(this, args);
    const interrupt = executor.interrupt;
    executor.interrupt = () => {
      if (!interruptTakenByLibrary()) interrupt.call(executor);
    };
    return executor;
  };
}

const M = Module as unknown as { _load: (...a: unknown[]) => unknown };
const load = M._load;
M._load = function (this: unknown, ...args: unknown[]) {
  const exp = load.apply(this, args) as Record<string | symbol, unknown> | null;
  if (!exp || typeof exp !== "object" || exp[PATCHED]) return exp;
  try {
    if (typeof exp.JupyterHandlerImpl === "function") {
      exp[PATCHED] = true;
      patchHandler((exp.JupyterHandlerImpl as { prototype: Handler }).prototype);
    } else if (typeof exp.createExecutor === "function" && typeof exp.createRequire === "function") {
      exp[PATCHED] = true;
      patchExecutorModule(exp as unknown as { createExecutor: (...a: unknown[]) => Executor });
    }
  } catch (e) {
    console.error("dl-lessons: the tslab adapter could not patch tslab:", e);
  }
  return exp;
};

startMemoryWatchdog();
