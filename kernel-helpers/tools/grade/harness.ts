/**
 * The sandboxed end of the grader's remote calls (runs INSIDE the sandbox, compiled to dist/):
 *
 *   node dist/kernel-helpers/tools/grade/harness.js student.js calls.json FIRST   (stdin: a key)
 *
 * loads the student's module (setup cells + the student's task cells, compiled by the grader),
 * then for each call from index FIRST of calls.json ([{fn, args}], arguments encoded as in
 * kernel-helpers/grade/cases.ts) decodes the arguments, calls the student's function and writes
 * one line per event to fd 3 (not stdout, where the student's own printing goes), each prefixed
 * with the key the grader sent on stdin (read before the student's code loads, kept in a closure):
 *
 *   KEY {"cell": "<grade_id>"} …  (as each task cell's top-level code starts loading)
 *   KEY {"loaded": true} | KEY {"loadError": "..."}
 *   KEY {"start": i}  then  KEY {"i": i, "ok": true, "value": <encoded>} | KEY {"i": i, "ok": false, "error": "..."}
 *
 * Nothing here is trusted: the student's code shares this process and may patch anything in it.
 * The grader only reads the results as data and judges them in its own process. The key and the
 * private references to JSON.stringify and fs.writeSync only keep a student's own code from
 * garbling the answers of their OTHER functions (a forged line would need the right answer anyway).
 * stdout is made blocking so that a flood of printing reaches the grader's output cap at once
 * instead of piling up in memory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeValue, encodeValue } from "../../grade/cases";
import { CELL_MARK } from "./protocol";

const ANSWERS_FD = 3;
const stringify = JSON.stringify;
const writeSync = fs.writeSync;
const key = fs.readFileSync(0, "utf8").trim();

function send(event: unknown): void {
  writeSync(ANSWERS_FD, `${key} ${stringify(event)}\n`);
}

for (const stream of [process.stdout, process.stderr]) {
  (stream as unknown as { _handle?: { setBlocking?: (b: boolean) => void } })._handle?.setBlocking?.(true);
}

function messageOf(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 2000);
    return `threw ${String(e)}`.slice(0, 2000);
  } catch {
    return "threw something that cannot be printed";
  }
}

async function main(): Promise<void> {
  const [studentJs, callsJson, firstArg] = process.argv.slice(2);
  const calls = JSON.parse(fs.readFileSync(callsJson, "utf8")) as { fn: string; args: unknown[] }[];
  let fns: Record<string, unknown>;
  // which task cell's top-level code is running: if it ends the process, the grader knows whose it was
  (globalThis as Record<symbol, unknown>)[Symbol.for(CELL_MARK)] = (id: unknown) => send({ cell: String(id) });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fns = require(path.resolve(studentJs)) as Record<string, unknown>;
    send({ loaded: true });
  } catch (e) {
    send({ loadError: messageOf(e) });
    return;
  }
  for (let i = Number(firstArg) || 0; i < calls.length; i++) {
    send({ start: i });
    const f = fns[calls[i].fn];
    if (typeof f !== "function") {
      send({ i, ok: false, error: `function ${calls[i].fn} not found` });
      continue;
    }
    try {
      const args = calls[i].args.map(decodeValue);
      let value = (f as (...a: unknown[]) => unknown)(...args);
      if (value instanceof Promise) value = await value;
      send({ i, ok: true, value: encodeValue(value) });
    } catch (e) {
      send({ i, ok: false, error: messageOf(e) });
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    send({ fatal: messageOf(e) });
    process.exit(1);
  },
);
