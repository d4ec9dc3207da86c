/**
 * The in-cell side of the tslab adapter: everything the in-cell room (display, check, live) needs
 * to know of tslab's internals, in one place.
 *
 * - The display writer. tslab's public `display.raw` sends one MIME type per output. Underneath,
 *   the module `tslab/dist/jupyter.js` keeps `lastWriteDisplayData`: the function that sends a
 *   `display_data` (or, with update = true, an `update_display_data`) whose parent is the execute
 *   request of the cell running now; tslab sets it when a cell starts. `tslabWriter` finds that
 *   module instance in Node's require cache (the one the running kernel loaded, never a fresh
 *   copy: requiring tslab in plain Node would load a whole TypeScript compiler).
 * - The result print. tslab prints a cell's last value with console.log once the cell has run,
 *   from `tslab/dist/executor.js`: `inTslabResultPrint` says whether the code running now is
 *   inside that print, and `skipBareNewline` drops the newline an empty print would leave.
 *
 * Interrupts go the other way (the kernel calls the library's hook, see ./preload.ts and
 * src/host.ts): no cell code listens to SIGINT.
 */

/** The content of a display_data message: data, metadata and the transient display id. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

/** tslab's writer: sends display_data, or update_display_data when `update` is true. */
export type WriteDisplayData = (content: DisplayContent, update?: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

const TSLAB_JUPYTER = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
const TSLAB_EXECUTOR = /[\\/]tslab[\\/]dist[\\/]executor\.js/;
let tslabModule: TslabJupyterModule | null = null;

/** tslab's jupyter module as loaded by the running kernel, or null when tslab is not running. */
function findTslab(): TslabJupyterModule | null {
  if (tslabModule && typeof tslabModule.lastWriteDisplayData === "function") return tslabModule;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !TSLAB_JUPYTER.test(file)) continue;
    const exp = mod.exports as Partial<TslabJupyterModule> | undefined;
    if (exp && typeof exp.lastWriteDisplayData === "function") {
      tslabModule = exp as TslabJupyterModule;
      return tslabModule;
    }
  }
  return null;
}

/** The display writer of the cell running now in a tslab kernel, or null outside one. */
export function tslabWriter(): WriteDisplayData | null {
  const t = findTslab();
  return t ? t.lastWriteDisplayData : null;
}

/** True when the code running now was called by tslab's print of a cell's last value. */
export function inTslabResultPrint(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  try {
    return TSLAB_EXECUTOR.test(new Error().stack ?? "");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The next write to stdout (console.log's): skipped when it is the bare newline of an empty print. */
export function skipBareNewline(): void {
  const out = process.stdout;
  const write = out.write;
  out.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    out.write = write;
    if (chunk === "\n") return true;
    return (write as (...a: unknown[]) => boolean).call(out, chunk, ...rest);
  } as typeof out.write;
}
