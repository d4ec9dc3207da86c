/**
 * Per-cell overhead of the tslab kernel: a trivial cell, the first import of the kit, a cell that
 * builds and shows a small Tensor (kit imported), the same without show(), a trivial cell with the
 * kit imported; medians of
 * the repeated ones (the first of each kind is shown apart: it warms up). The driver is
 * tests/bench/py/cells.py (jupyter_client from Debian, /usr/bin/python3) on the kernel that
 * `npm run kernel -- install` writes to .jupyter/. Asserts nothing.
 *
 *   npm run build && npm run kernel -- install && node --import tsx tests/bench/cells.bench.ts
 *
 * Goals (issue 12): the Tensor cell ≤ 100 ms in a warm kernel, the first import ≤ 0.5 s.
 */
import * as path from "node:path";
import { jupyterEnv } from "../../kernel-helpers/tools/kernel";
import { loadAverage, median, pythonMissing, runPython } from "./python";

const REPEATS = 6;

type Cells = { start: number; trivial: number[]; import: number; tensor: number[]; build: number[]; trivial_after: number[] };

export async function runCellsBench(): Promise<Record<string, number>> {
  const missing = pythonMissing("jupyter_client", "python3-jupyter-client");
  if (missing) {
    console.log(`cells bench: MISSING — ${missing}`);
    return {};
  }
  const env = jupyterEnv() as Record<string, string>;
  const r = runPython<Cells>("cells.py", [String(REPEATS)], env);
  if ("error" in r) {
    console.log(`cells bench: ${r.error} (did you run npm run build && npm run kernel -- install?)`);
    return {};
  }
  const ms = (s: number) => s * 1000;
  const rest = (xs: number[]) => xs.slice(1).map(ms);
  const figures: Record<string, number> = {
    "kernel start ms": ms(r.start),
    "first trivial cell ms": ms(r.trivial[0]),
    "trivial cell ms, median": median(rest(r.trivial)),
    "first import of the kit ms": ms(r.import),
    "first Tensor cell ms": ms(r.tensor[0]),
    "Tensor cell ms (kit imported), median": median(rest(r.tensor)),
    "Tensor built, not shown ms, median": median(rest(r.build)),
    "trivial cell ms (kit imported), median": median(rest(r.trivial_after)),
  };
  console.log(`tslab kernel dl-lessons (${path.basename(env.JUPYTER_PATH.split(path.delimiter)[0])}), ${REPEATS} cells of each kind`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(44)} ${v.toFixed(0).padStart(7)}`);
  const t = figures["Tensor cell ms (kit imported), median"];
  console.log(`goal: Tensor cell ≤ 100 ms — ${t <= 100 ? "met" : "not met"} (${t.toFixed(0)} ms); first import ≤ 500 ms — ${r.import <= 0.5 ? "met" : "not met"} (${ms(r.import).toFixed(0)} ms)`);
  console.log(`${loadAverage()} (figures measured under this load)`);
  return figures;
}

if (require.main === module) {
  runCellsBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
