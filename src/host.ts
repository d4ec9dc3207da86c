/**
 * Interrupts from the host (a Jupyter kernel): the library's side of the contract.
 *
 * The dl-lessons kernel (kernel-helpers/tslab/preload.ts), when Jupyter interrupts it, calls
 * `globalThis[Symbol.for("dl-lessons.interrupt")]()` if that is a function. This module installs
 * that function: it aborts the signal returned by `interruptSignal()`, which `train` and
 * `fitDigits` watch, so that they stop after the current batch and resolve with the history so
 * far (`history.stopped === "interrupt"`); the cell then ends normally. The function returns true
 * when some training loop was running and will stop by itself (the kernel then lets the cell
 * finish instead of abandoning it); false otherwise, and the kernel stops waiting for the cell.
 *
 * An async loop of your own stops the same way, by checking the signal between steps:
 *
 *   const signal = interruptSignal();
 *   for (let step = 0; step < 1000 && !signal.aborted; step++) { …; await new Promise((r) => setImmediate(r)); }
 *
 * (the `await` lets the interrupt in; without it, a synchronous loop is stopped by Node at once).
 */

const HOOK = Symbol.for("dl-lessons.interrupt");

/** Shared by every copy of this module in the process (dist/ and a test's tsx sources alike). */
interface HostState {
  controller: AbortController;
  /** training loops running now (each registered by `watchInterrupt`) */
  running: number;
}
const STATE = Symbol.for("dl-lessons.host");
const g = globalThis as Record<symbol, unknown>;
const state = (g[STATE] ??= { controller: new AbortController(), running: 0 }) as HostState;

/**
 * The signal aborted by the kernel's next Interrupt. One already aborted is replaced by a fresh
 * one at this call: ask for it when a loop starts, not once for the whole notebook.
 */
export function interruptSignal(): AbortSignal {
  if (state.controller.signal.aborted) state.controller = new AbortController();
  return state.controller.signal;
}

/**
 * For training loops: the signal to watch, and `done()` to call when the loop ends. While at least
 * one loop is registered and not yet interrupted, an Interrupt is theirs to honour.
 */
export function watchInterrupt(): { signal: AbortSignal; done: () => void } {
  const signal = interruptSignal();
  state.running++;
  let ended = false;
  return {
    signal,
    done: () => {
      if (ended) return;
      ended = true;
      state.running--;
    },
  };
}

/** What the kernel calls on Interrupt (also callable by hand, e.g. from a test). */
export function interrupt(): boolean {
  const willStop = state.running > 0 && !state.controller.signal.aborted;
  state.controller.abort(new Error("interrupted by the kernel"));
  return willStop;
}

g[HOOK] = interrupt;
