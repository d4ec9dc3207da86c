/**
 * The memory watchdog's second watcher (see ./memory.ts), in a worker thread: when the kernel's
 * timer has not beaten for a second (a synchronous cell) and the process's resident memory
 * reaches 90 % of the heap limit above what is not heap, it interrupts the kernel (SIGINT breaks
 * the cell's synchronous code) and marks that it did, once per beat pause.
 */
import { workerData } from "node:worker_threads";
import { BEAT, FIRED, LIMIT_MB, MEMORY_THRESHOLD, NON_HEAP_MB } from "./memory";

const shared = (workerData as { shared: Int32Array }).shared;
const MB = 2 ** 20;
let lastBeat = Atomics.load(shared, BEAT);
let lastBeatAt = Date.now();
let firedAtBeat = -1;

setInterval(() => {
  const beat = Atomics.load(shared, BEAT);
  if (beat !== lastBeat) {
    lastBeat = beat;
    lastBeatAt = Date.now();
    return;
  }
  if (Date.now() - lastBeatAt < 1000 || firedAtBeat === beat) return;
  const rssMb = process.memoryUsage.rss() / MB;
  const limitMb = Atomics.load(shared, LIMIT_MB);
  if (limitMb > 0 && rssMb - Atomics.load(shared, NON_HEAP_MB) >= MEMORY_THRESHOLD * limitMb) {
    firedAtBeat = beat;
    Atomics.store(shared, FIRED, 1);
    process.kill(process.pid, "SIGINT");
  }
}, 50);
