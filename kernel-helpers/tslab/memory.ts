/**
 * The kernel's memory watchdog. The kernelspec gives node a heap limit (--max-old-space-size);
 * without a watchdog, a cell that fills the heap makes V8 collect garbage for half a minute and
 * then abort, leaving nothing in the cell. Near the limit (90 % of the heap in use) the watchdog
 * prints a message into the cell's output and exits with code 75, and Jupyter's restarter starts
 * a fresh kernel.
 *
 * Two watchers, because a cell may fill the heap without ever returning to the event loop:
 * - on the kernel's thread, a timer reads V8's heap statistics every 25 ms;
 * - a worker thread (./memory-worker.ts) sees when that timer stops beating (a synchronous cell)
 *   while the process's resident memory reaches 75 % (earlier, because V8 aborts within
 *   milliseconds of the limit and gives no warning); it then sends the kernel SIGINT,
 *   which breaks the cell's synchronous code (tslab runs cells with breakOnSigint), and the
 *   kernel's thread, free again, reports, and exits when the heap is still 70 % full (what the
 *   cell kept); below that the kernel goes on and the cell says why it was stopped.
 */
import * as path from "node:path";
import { getHeapStatistics } from "node:v8";
import { isMainThread, Worker } from "node:worker_threads";

/** Exit code of a kernel stopped by the watchdog (EX_TEMPFAIL: run again). */
export const MEMORY_EXIT_CODE = 75;
/** The share of the heap limit at which the watchdog acts. */
export const MEMORY_THRESHOLD = 0.9;
/** The share at which the worker (./memory-worker.ts) breaks a synchronous cell, from resident memory. */
export const WORKER_THRESHOLD = 0.75;
/** After the worker broke a synchronous cell that was filling memory: restart above this share. */
const AFTER_BREAK_THRESHOLD = 0.7;

/** Slots of the shared array: the timer's beat, the worker's "I interrupted", the non-heap MB, the limit MB. */
export const BEAT = 0;
export const FIRED = 1;
export const NON_HEAP_MB = 2;
export const LIMIT_MB = 3;

const MB = 2 ** 20;
let shared: Int32Array | null = null;
let exiting = false;

/**
 * The old generation's limit in bytes: --max-old-space-size when node was given it (V8 gives up
 * when the old generation reaches it, before heap_size_limit, which adds the young generation).
 */
function oldSpaceLimit(): number {
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)]
    .map((a) => /^--max-old-space-size=(\d+)$/.exec(a)?.[1])
    .filter((v): v is string => v !== undefined)
    .pop();
  return flag !== undefined ? Number(flag) * MB : getHeapStatistics().heap_size_limit;
}
const LIMIT = oldSpaceLimit();

function heap(): { used: number; limit: number } {
  return { used: getHeapStatistics().used_heap_size, limit: LIMIT };
}

/** The message written into the cell. */
export function memoryMessage(usedBytes: number, limitBytes: number, restarting: boolean): string {
  const used = Math.round(usedBytes / MB);
  const limit = Math.round(limitBytes / MB);
  const what = restarting
    ? "the kernel stops now and Jupyter restarts it: run the notebook's cells again from the top (variables are lost)"
    : "the cell was stopped; the kernel goes on";
  return `\nMemoryError: this cell filled the kernel's memory (${used} MB of its ${limit} MB heap limit); ${what}. ` +
    `Use smaller data or batches, or give the kernel more memory: npm run kernel -- install --memory ${Math.min(2 * limit, 65_536)}\n`;
}

/** Report and exit when the heap is near its limit; true when the kernel is going. */
function check(write: (name: string, text: string) => void): boolean {
  if (exiting) return true;
  const { used, limit } = heap();
  const fired = shared !== null && Atomics.exchange(shared, FIRED, 0) === 1;
  if (used < (fired ? AFTER_BREAK_THRESHOLD : MEMORY_THRESHOLD) * limit) {
    if (fired) write("stderr", memoryMessage(used, limit, false));
    return false;
  }
  exiting = true;
  write("stderr", memoryMessage(used, limit, true));
  // The message is in the iopub socket's queue: libzmq's own thread sends it while this thread
  // sleeps (the cell's code, an async loop that allocates, gets no turn to fill the heap further).
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  process.exit(MEMORY_EXIT_CODE);
}

/** Called by the adapter when a cell ends, before its reply: a report lands in that cell. */
export function afterCell(write: (name: string, text: string) => void): void {
  if (shared !== null) check(write);
}

/** Start both watchers (once). */
export function startMemoryWatchdog(): void {
  // Only the kernel's main thread watches: a worker inherits the kernel's execArgv, whose --require
  // loads the preload again, which would start a watchdog (and a worker) in every worker, forever.
  if (shared !== null || !isMainThread) return;
  shared = new Int32Array(new SharedArrayBuffer(4 * 4));
  const s = shared;
  const beat = (): void => {
    Atomics.add(s, BEAT, 1);
    const { used, limit } = heap();
    Atomics.store(s, NON_HEAP_MB, Math.max(0, Math.round((process.memoryUsage.rss() - used) / MB)));
    Atomics.store(s, LIMIT_MB, Math.round(limit / MB));
    // process.stderr.write is tslab's writer of the cell running now (or of the last one)
    check((_name, text) => process.stderr.write(text));
  };
  beat();
  setInterval(beat, 25).unref();
  try {
    const worker = new Worker(path.join(__dirname, "memory-worker.js"), { workerData: { shared: s }, execArgv: [] });
    worker.unref();
    worker.on("error", () => undefined);
  } catch {
    // no worker (a build without it): the timer alone covers cells that await
  }
}
