/** show's fallbacks: autograd graphs as a chart, plain values as readable text, anything else as one line. */
import { inspect } from "node:util";
import { describe } from "../../src/errors";
import { graphChart, type GraphChartInput } from "../../src/charts";
import type { VegaLiteSpec } from "../../src/charts/spec";
import { graphOf, Value } from "../../src/autograd";
import { fmtNum } from "../views/format";
import type { Opts } from "./options";


/** `{ nodes, edges }` (from `graphOf`), or a scalar autograd Value, whose graph is taken. */
export function asGraph(x: unknown): GraphChartInput | null {
  if (x instanceof Value) return graphOf(x);
  if (x === null || typeof x !== "object") return null;
  const g = x as Partial<GraphChartInput>;
  return Array.isArray(g.nodes) && Array.isArray(g.edges) ? (g as GraphChartInput) : null;
}

export function graphSpec(g: GraphChartInput, o: Opts): VegaLiteSpec {
  return graphChart(g, o.title ? { title: o.title } : {});
}

// ------------------------------------------------------------------ plain values

/** One short line about any value: its type, and size or name when it has one. */
export function oneLine(x: unknown): string {
  if (typeof x === "function") return `[function ${x.name || "(anonymous)"}]`;
  if (typeof x === "symbol") return `[${x.toString()}]`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") {
    const ctor = (x as object).constructor?.name;
    const keys = Object.keys(x);
    const d = describe(x);
    const head = d === "object" ? `an object${ctor && ctor !== "Object" ? ` of class ${ctor}` : ""}` : d;
    return `[${head}${keys.length ? ` with keys ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}` : ""}]`;
  }
  return firstLine(String(x));
}

export function firstLine(s: string): string {
  const line = s.split("\n")[0];
  return line.length > 160 ? line.slice(0, 157) + "…" : line;
}

/** Numbers, strings, arrays and plain objects as readable text; anything else as one line. */
export function plainView(x: unknown): string {
  if (typeof x === "string") return x;
  if (typeof x === "number") return fmtNum(x, 6);
  if (typeof x === "bigint" || typeof x === "boolean") return String(x);
  if (typeof x === "function" || typeof x === "symbol" || x === null || x === undefined) return oneLine(x);
  const proto = Object.getPrototypeOf(x);
  const plain = Array.isArray(x) || proto === Object.prototype || proto === null || ArrayBuffer.isView(x) || x instanceof Map || x instanceof Set;
  if (!plain) return oneLine(x);
  const s = inspect(x, { depth: 4, maxArrayLength: 60, maxStringLength: 200, breakLength: 100, compact: 3 });
  return s.length > 4000 ? oneLine(x) : s;
}
