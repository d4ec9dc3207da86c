/**
 * The memory watchdog's second watcher (see ./memory.ts), in a worker thread: when the kernel's
 * timer has not beaten for 100 ms (a synchronous cell) and the process's resident memory
 * reaches 75 % of the heap limit above what is not heap, it interrupts the kernel (SIGINT breaks
 * the cell's synchronous code) and marks that it did, once per beat pause.
 *
 * Why so early: a loop that only allocates fills a 512 MB heap in about half a second, and V8
 * aborts the process within milliseconds of reaching the limit; between 90 % and the limit there
 * are some 50 ms, too few to be sure to see. From 75 % there are more than 100 ms, and the kernel's
 * thread, once the cell is broken, decides on V8's own numbers (./memory.ts).
 */
import { workerData } from "node:worker_threads";
import { BEAT, FIRED, LIMIT_MB, NON_HEAP_MB, WORKER_THRESHOLD } from "./memory";

const shared = (workerData as { shared: Int32Array }).shared;
const MB = 2 ** 20;
let lastBeat = Atomics.load(shared, BEAT);
let lastBeatAt = Date.now();
let firedAtBeat = -1;
/** A synchronous cell: the kernel's 25 ms timer has not beaten for this long. */
const PAUSE_MS = 100;
const TICK_MS = 10;

setInterval(() => {
  const beat = Atomics.load(shared, BEAT);
  if (beat !== lastBeat) {
    lastBeat = beat;
    lastBeatAt = Date.now();
    return;
  }
  if (Date.now() - lastBeatAt < PAUSE_MS || firedAtBeat === beat) return;
  const rssMb = process.memoryUsage.rss() / MB;
  const limitMb = Atomics.load(shared, LIMIT_MB);
  if (limitMb > 0 && rssMb - Atomics.load(shared, NON_HEAP_MB) >= WORKER_THRESHOLD * limitMb) {
    firedAtBeat = beat;
    Atomics.store(shared, FIRED, 1);
    process.kill(process.pid, "SIGINT");
  }
}, TICK_MS);
