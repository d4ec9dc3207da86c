/**
 * Low-level output to a Jupyter cell through tslab: one output holding a whole MIME bundle
 * (`{ "text/plain": …, "text/html": …, "image/png": … }`), and outputs that are replaced in
 * place by a display id.
 *
 * tslab's public `display.raw` sends one MIME type per output; this module sends a whole bundle
 * through tslab's own writer of the cell running now (found by the tslab adapter,
 * ./tslab/cell.ts). Outside tslab (plain Node, tests) the bundle's text/plain is printed.
 *
 * The writer is read when an output is created and kept by it: updates of a display (a live
 * training chart) go to the cell that created it even while later cells run.
 */
import { randomBytes } from "node:crypto";
import { checkString } from "../src/checks";
import { describe, InputError } from "../src/errors";
import { tslabWriter, type DisplayContent, type WriteDisplayData } from "./tslab/cell";

/** MIME type → content: strings, base64 for images, JSON for Vega-Lite specs. */
export type MimeBundle = Record<string, unknown>;

export type { DisplayContent, WriteDisplayData };

/** A test or another front end can take the place of tslab: `setDisplayWriter(w)`; null restores tslab. */
let override: WriteDisplayData | null = null;

/** Send outputs to `writer` instead of tslab (tests, other front ends); `null` goes back to tslab. */
export function setDisplayWriter(writer: WriteDisplayData | null): void {
  override = writer;
}

/** The writer of the cell running now: the override, tslab's, or null (plain Node: print text). */
export function currentWriter(): WriteDisplayData | null {
  if (override) return override;
  return tslabWriter();
}

/** True inside a tslab kernel (or with a writer set by `setDisplayWriter`). */
export function inKernel(): boolean {
  return currentWriter() !== null;
}

/** A fresh display id (16 hex digits, as tslab makes them). */
export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

/** The text a terminal shows for a bundle: its text/plain, else the list of its MIME types. */
export function plainText(bundle: MimeBundle): string {
  const t = bundle["text/plain"];
  return typeof t === "string" ? t : `<output: ${Object.keys(bundle).join(", ")}>`;
}

function send(writer: WriteDisplayData | null, content: DisplayContent, update: boolean): void {
  if (writer) writer(content, update);
  else console.log(plainText(content.data));
}

/** A MIME bundle ({ "text/plain": "…", … }) and its metadata object. */
function checkBundle(fn: string, bundle: unknown, metadata: unknown): void {
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) {
    throw new InputError(fn, "bundle", 'a MIME bundle such as { "text/plain": "…" }', describe(bundle));
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new InputError(fn, "metadata", "an object (per MIME type)", describe(metadata));
  }
}

/**
 * Show one output holding every MIME type of `bundle` in the cell running now (plain Node:
 * print its text/plain). `metadata` is per MIME type, e.g. `{ "image/png": { width, height } }`.
 */
export function displayBundle(bundle: MimeBundle, metadata: Record<string, unknown> = {}): void {
  checkBundle("displayBundle", bundle, metadata);
  send(currentWriter(), { data: bundle, metadata }, false);
}

/**
 * An output that can be replaced in place: `display(bundle)` creates it (once; later calls
 * update it), `update(bundle)` replaces its content. The cell is the one running at
 * construction. Outside a kernel, `update` prints only when `printUpdates` is true.
 */
export class DisplayHandle {
  readonly id: string;
  private readonly writer: WriteDisplayData | null;
  private shown = false;

  constructor(
    id: string = newDisplayId(),
    private readonly printUpdates = true,
  ) {
    checkString("DisplayHandle", "id", id);
    if (typeof printUpdates !== "boolean") throw new InputError("DisplayHandle", "printUpdates", "true or false", describe(printUpdates));
    this.id = id;
    this.writer = currentWriter();
  }

  /** True when the output goes to a notebook (false: printed as text). */
  get live(): boolean {
    return this.writer !== null;
  }

  /** Create the output (or, if it exists, replace its content). */
  display(bundle: MimeBundle, metadata: Record<string, unknown> = {}): void {
    checkBundle("DisplayHandle.display", bundle, metadata);
    if (this.shown) return this.update(bundle, metadata);
    this.shown = true;
    send(this.writer, { data: bundle, metadata, transient: { display_id: this.id } }, false);
  }

  /** Replace the output's content in place (creates it first if needed). */
  update(bundle: MimeBundle, metadata: Record<string, unknown> = {}): void {
    checkBundle("DisplayHandle.update", bundle, metadata);
    if (!this.shown) return this.display(bundle, metadata);
    if (!this.writer && !this.printUpdates) return;
    send(this.writer, { data: bundle, metadata, transient: { display_id: this.id } }, true);
  }
}
