/**
 * The one parser of what tslab writes to a failed cell's stderr. tslab does not send the
 * protocol's `error` fields: it prints type errors ("line:col - message", one per diagnostic)
 * and exceptions (Node's "file:line", the source line, a caret, "Name: message" and the stack)
 * and answers with status "error". The kernel preload (./preload.ts) fills the execute_reply's
 * `ename`, `evalue` and `traceback` from this parser, so every client (nbclient, the runner,
 * JupyterLab) reads the parsed form; tests/kernel/fixtures/stderr-cases.json pins the rules.
 */
import { stripAnsi } from "../shared/text";

/** The protocol's error fields of a failed cell. */
export interface CellError {
  /** "TypeScriptError" for type errors, "KeyboardInterrupt" for an Interrupt, the exception's name ("RangeError" …), else "Error" */
  ename: string;
  evalue: string;
  /** the stderr lines without ANSI codes, blank lines, nor the frames of Node's vm and of tslab */
  traceback: string[];
}

const EXCEPTION = /^([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: ?(.*)$/;
const INTERRUPTED = /^Interrupted asynchronously$|^Script execution was interrupted by `SIGINT`/;
const DIAGNOSTIC = /^(?:\S+ )?\d+:\d+ - (.*)$/;

/** A stack frame of Node's vm, of Node itself or of tslab: nothing about the lesson. */
export function isKernelFrame(line: string): boolean {
  return /^\s+at /.test(line) && /(node:vm|node:internal|tslab[\\/]dist[\\/]|sigintHandlersWrap|processTicksAndRejections)/.test(line);
}

/** Lines of `text` without ANSI codes, blank lines and kernel frames. */
export function cleanTraceback(text: string | readonly string[]): string[] {
  const lines = (typeof text === "string" ? [text] : text).flatMap((t) => stripAnsi(t).split("\n"));
  return lines.filter((l) => l.trim() !== "" && !isKernelFrame(l));
}

/** The error fields of a cell whose stderr is `stderr` (what tslab printed when the cell failed). */
export function parseCellError(stderr: string): CellError {
  const traceback = cleanTraceback(stderr);
  const diagnostics = traceback.filter((l) => DIAGNOSTIC.test(l.trim()));
  if (diagnostics.length > 0 && DIAGNOSTIC.test(traceback[0].trim())) {
    return { ename: "TypeScriptError", evalue: diagnostics.map((l) => (DIAGNOSTIC.exec(l.trim()) as RegExpExecArray)[1]).join("; "), traceback };
  }
  for (const line of traceback) {
    const e = EXCEPTION.exec(line.trim());
    // an Interrupt: tslab's "Interrupted asynchronously", or Node's vm breaking synchronous code
    if (e && INTERRUPTED.test(e[2])) return { ename: "KeyboardInterrupt", evalue: e[2], traceback };
    if (e) return { ename: e[1], evalue: e[2], traceback };
  }
  return { ename: "Error", evalue: traceback[0]?.trim() || "the cell failed", traceback };
}
