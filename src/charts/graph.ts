/**
 * A computation graph (chapter 5) drawn left to right, as micrograd's draw_dot does: every value a
 * box with its label, data and grad; every operation a small circle between its operands and its
 * result. The layout is computed here (layers by depth, order within a layer by the barycentre
 * of the neighbours) and drawn with rule, rect, point and text marks.
 */
import { checkArray, MAX_GRAPH_NODES, optionsOf } from "../checks";
import { describe, InputError } from "../errors";
import { CONFIG, VEGA_LITE_SCHEMA, VegaLiteSpec, checkSize, isRecord, titleOf, checkCommon, pixelPosition } from "./spec";

/** A node as `graphOf` (src/autograd.ts) returns it; only `id` is required. */
export interface GraphChartNode {
  id: string;
  /** Name of the value ("a", "loss") or symbol of the operation ("+", "tanh"). Default: none. */
  label?: string;
  /** "op" draws a circle; anything else a value box. Default: "value". */
  kind?: "value" | "op";
  /** The operation that made this value; drawn as its own circle when the graph has no op nodes. */
  op?: string;
  data?: number | null;
  grad?: number | null;
}

/** An edge in the direction of the forward pass: operand → operation → result. */
export interface GraphChartEdge {
  from: string;
  to: string;
}

export interface GraphChartInput {
  nodes: readonly GraphChartNode[];
  edges: readonly GraphChartEdge[];
}

export interface GraphChartOptions {
  /** Chart title. Default: "Computation graph". */
  title?: string;
  subtitle?: string;
  /** Decimals of data and grad in the boxes (tooltips show more). Default: 4. */
  decimals?: number;
  /** Write the grad under the data. Default: true. */
  showGrad?: boolean;
}

/** Where the layout puts a node: its layer (depth, left to right) and rank within the layer (top to bottom). */
export interface LaidOutNode {
  id: string;
  depth: number;
  order: number;
}

/**
 * Layers of a directed acyclic graph: depth = longest path from a source, sources then moved
 * right next to their first use; within a layer, nodes sorted by the mean rank of their
 * neighbours (a few sweeps forth and back), which removes most crossings.
 */
export function graphLayout(ids: readonly string[], edges: readonly GraphChartEdge[], fn = "graphLayout"): LaidOutNode[] {
  if (typeof fn !== "string") fn = "graphLayout";
  checkArray(fn, "ids", ids, "an array of node ids");
  checkArray(fn, "edges", edges, "an array of { from, to } edges");
  if (ids.length > MAX_GRAPH_NODES) throw new InputError(fn, "ids", `at most ${MAX_GRAPH_NODES} nodes (a graph chart cannot show more)`, `${ids.length} nodes`);
  const known = new Set<unknown>(ids);
  edges.forEach((e, i) => {
    if (typeof e !== "object" || e === null || !known.has(e.from) || !known.has(e.to)) {
      throw new InputError(fn, `edges[${i}]`, "{ from, to } naming two of the ids", describe(e));
    }
  });
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  const pred = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    succ.get(e.from)!.push(e.to);
    pred.get(e.to)!.push(e.from);
  }
  // Kahn's topological order; what is left over lies on a cycle
  const indeg = new Map(ids.map((id) => [id, pred.get(id)!.length]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const topo: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    topo.push(id);
    for (const t of succ.get(id)!) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (topo.length < ids.length) {
    const stuck = ids.filter((id) => !topo.includes(id));
    throw new InputError(fn, "graph.edges", "an acyclic graph (edges in the direction of the forward pass)", `a cycle through ${stuck.slice(0, 5).map((s) => JSON.stringify(s)).join(", ")}`);
  }
  // depth: longest path from a source
  const depth = new Map<string, number>();
  for (const id of topo) depth.set(id, Math.max(0, ...pred.get(id)!.map((p) => depth.get(p)! + 1)));
  // a source (a leaf value) sits just left of its first use, not far away in column 0
  for (const id of topo) {
    if (pred.get(id)!.length === 0 && succ.get(id)!.length > 0) depth.set(id, Math.min(...succ.get(id)!.map((s) => depth.get(s)!)) - 1);
  }
  const maxDepth = Math.max(...depth.values());
  const layers: string[][] = Array.from({ length: maxDepth + 1 }, () => []);
  for (const id of ids) layers[depth.get(id)!].push(id);
  // barycentre sweeps: order each layer by the mean rank of its neighbours in the previous one
  const rank = new Map<string, number>();
  const setRanks = () => layers.forEach((l) => l.forEach((id, i) => rank.set(id, i)));
  setRanks();
  const sweep = (range: number[], neighbours: Map<string, string[]>) => {
    for (const d of range) {
      const bary = new Map(layers[d].map((id) => {
        const ns = neighbours.get(id)!;
        return [id, ns.length ? ns.reduce((a, n) => a + rank.get(n)!, 0) / ns.length : rank.get(id)!] as const;
      }));
      layers[d].sort((a, b) => bary.get(a)! - bary.get(b)! || rank.get(a)! - rank.get(b)!);
      layers[d].forEach((id, i) => rank.set(id, i));
    }
  };
  const forth = Array.from({ length: maxDepth }, (_, i) => i + 1);
  const back = Array.from({ length: maxDepth }, (_, i) => maxDepth - 1 - i);
  for (let k = 0; k < 3; k++) {
    sweep(forth, pred);
    sweep(back, succ);
  }
  return ids.map((id) => ({ id, depth: depth.get(id)!, order: rank.get(id)! }));
}

/** A node as the spec holds it: the input fields plus its layout and box. */
export interface GraphChartDatum {
  id: string;
  label: string;
  kind: "value" | "op";
  data: number | null;
  grad: number | null;
  depth: number;
  order: number;
  /** box (value) or circle (op) centre and extent, in pixels */
  cx: number;
  cy: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  /** data and grad lines as written in the box, and the y of their top */
  numbers: string;
  numbersY: number;
}

/** Check the graph and, when it has no op nodes, put each value's op in a node of its own. */
function normalise(fn: string, graph: unknown): { nodes: GraphChartNode[]; edges: GraphChartEdge[] } {
  if (!isRecord(graph) || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new InputError(fn, "graph", "{ nodes: [{ id, label, data, grad }], edges: [{ from, to }] }", describe(graph));
  }
  if (graph.nodes.length === 0) throw new InputError(fn, "graph.nodes", "at least one node", "an empty array");
  const ids = new Set<string>();
  const nodes = (graph.nodes as unknown[]).map((n, i) => {
    if (!isRecord(n) || typeof n.id !== "string") throw new InputError(fn, `graph.nodes[${i}].id`, "a string", describe(isRecord(n) ? n.id : n));
    if (ids.has(n.id)) throw new InputError(fn, `graph.nodes[${i}].id`, "a unique id", `${JSON.stringify(n.id)} twice`);
    ids.add(n.id);
    for (const k of ["data", "grad"] as const) {
      const v = n[k];
      if (v !== undefined && v !== null && (typeof v !== "number" || !Number.isFinite(v))) {
        throw new InputError(fn, `graph.nodes[${i}].${k}`, "a finite number (or null)", describe(v));
      }
    }
    return n as unknown as GraphChartNode;
  });
  const edges = (graph.edges as unknown[]).map((e, i) => {
    if (!isRecord(e)) throw new InputError(fn, `graph.edges[${i}]`, "{ from, to }", describe(e));
    for (const k of ["from", "to"] as const) {
      if (typeof e[k] !== "string" || !ids.has(e[k] as string)) throw new InputError(fn, `graph.edges[${i}].${k}`, "the id of a node", describe(e[k]));
    }
    return { from: e.from as string, to: e.to as string };
  });
  if (nodes.some((n) => n.kind === "op") || !nodes.some((n) => n.op)) return { nodes, edges };
  // operand → result edges become operand → op → result, as micrograd draws them
  const out: GraphChartNode[] = [];
  for (const n of nodes) {
    if (n.op) out.push({ id: `${n.id}:op`, kind: "op", label: n.op });
    out.push(n);
  }
  const rerouted = edges.map((e) => (nodes.find((n) => n.id === e.to)?.op ? { from: e.from, to: `${e.to}:op` } : e));
  for (const n of nodes) if (n.op) rerouted.push({ from: `${n.id}:op`, to: n.id });
  return { nodes: out, edges: rerouted };
}

const fmt = (x: number, decimals: number) => x.toFixed(decimals).replace("-", "\u2212");

/**
 * A computation graph `{ nodes, edges }` (e.g. `graphOf(loss)`) laid out left to right by depth:
 * value boxes with label, data and grad, op circles, edges with arrowheads. Inline data: one
 * record per node (`GraphChartDatum`, data and grad exactly as given) and per edge.
 */
export function graphChart(graph: GraphChartInput, options: GraphChartOptions = {}): VegaLiteSpec {
  options = optionsOf("graphChart", "options", options);
  const fn = "graphChart";
  checkCommon(fn, options);
  const decimals = options.decimals ?? 4;
  checkSize(fn, "options.decimals", decimals, 0, 20);
  const showGrad = options.showGrad ?? true;
  const { nodes, edges } = normalise(fn, graph);
  const layout = graphLayout(nodes.map((n) => n.id), edges, fn);

  // sizes in pixels: boxes fit their text (≈ 6.6 pixels per character at 11 px), op circles 30 across
  const charW = 6.6, line = 14, opD = 30, gapX = 46, gapY = 16;
  const textOf = (n: GraphChartNode) => [
    n.data != null ? `data ${fmt(n.data, decimals)}` : "",
    showGrad && n.grad != null ? `grad ${fmt(n.grad, decimals)}` : "",
  ].filter(Boolean);
  const boxes = nodes.map((n, i) => {
    const isOp = n.kind === "op";
    const lines = textOf(n);
    const label = n.label ?? "";
    const w = isOp ? Math.max(opD, label.length * 7.5 + 10) : Math.max(56, ...[label, ...lines].map((s) => s.length * charW)) + 16;
    const h = isOp ? w : (label ? line + 3 : 0) + lines.length * line + 10;
    return { n, l: layout[i], isOp, lines, label, w, h: Math.max(h, 26) };
  });
  const maxDepth = Math.max(...layout.map((l) => l.depth));
  const colW = Array.from({ length: maxDepth + 1 }, (_, d) => Math.max(...boxes.filter((b) => b.l.depth === d).map((b) => b.w), 0));
  const colX: number[] = [];
  colW.reduce((x, w, d) => ((colX[d] = x), x + w + gapX), 0);
  const counts = colW.map((_, d) => boxes.filter((b) => b.l.depth === d).length);
  const pitch = Math.max(...boxes.map((b) => b.h)) + gapY;
  const maxCount = Math.max(...counts);
  const width = colX[maxDepth] + colW[maxDepth];
  const height = maxCount * pitch - gapY;

  const data: GraphChartDatum[] = boxes.map(({ n, l, isOp, lines, label, w, h }) => {
    const cx = colX[l.depth] + colW[l.depth] / 2;
    // layers are centred vertically
    const cy = ((maxCount - counts[l.depth]) / 2 + l.order) * pitch + (pitch - gapY) / 2;
    return {
      id: n.id, label, kind: isOp ? "op" : "value", data: n.data ?? null, grad: n.grad ?? null,
      depth: l.depth, order: l.order, cx, cy, x1: cx - w / 2, x2: cx + w / 2, y1: cy - h / 2, y2: cy + h / 2,
      numbers: lines.join("\n"), numbersY: cy - h / 2 + 5 + (label ? line + 3 : 0),
    };
  });
  const byId = new Map(data.map((d) => [d.id, d]));
  // edges: right side of the operand to left side of the result; a repeated operand (a·a) once, marked ×2
  const counted = new Map<string, { from: string; to: string; count: number }>();
  for (const e of edges) {
    const key = JSON.stringify([e.from, e.to]);
    const c = counted.get(key);
    if (c) c.count++;
    else counted.set(key, { ...e, count: 1 });
  }
  const edgeData = [...counted.values()].map((e) => {
    const a = byId.get(e.from)!, b = byId.get(e.to)!;
    const x1 = a.x2, y1 = a.cy;
    // into a box: the middle of its left side; into an op circle: its rim, on the line to its centre
    const r = (b.x2 - b.x1) / 2;
    const toCentre = Math.atan2(b.cy - y1, b.cx - x1);
    const [x2, y2] = b.kind === "op" ? [b.cx - r * Math.cos(toCentre), b.cy - r * Math.sin(toCentre)] : [b.x1, b.cy];
    // screen angle of the arrowhead (y grows downwards, as vega's angle does)
    const t = Math.atan2(y2 - y1, x2 - x1);
    // the arrowhead's centre sits 4 pixels before the end, so that its tip touches the box
    return {
      from: e.from, to: e.to, count: e.count, x1, y1, x2, y2,
      ax: x2 - 4 * Math.cos(t), ay: y2 - 4 * Math.sin(t), angle: (t * 180) / Math.PI, mx: (x1 + x2) / 2, my: (y1 + y2) / 2,
    };
  });

  const px = (axis: "x" | "y") => pixelPosition(axis, axis === "x" ? width : height);
  const nodeTooltip = [
    { field: "id", type: "nominal" as const, title: "id" },
    { field: "label", type: "nominal" as const, title: "label" },
    { field: "data", type: "quantitative" as const, title: "data", format: ".6~g" },
    { field: "grad", type: "quantitative" as const, title: "grad", format: ".6~g" },
  ];
  const values = data.filter((d) => d.kind === "value");
  const ops = data.filter((d) => d.kind === "op");
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(options.title ?? "Computation graph", options.subtitle),
    width,
    height,
    layer: [
      {
        data: { values: edgeData },
        layer: [
          { mark: { type: "rule", color: "#8a8a8a", strokeWidth: 1.3 }, encoding: { x: { field: "x1", ...px("x") }, y: { field: "y1", ...px("y") }, x2: { field: "x2" }, y2: { field: "y2" } } },
          {
            mark: { type: "point", shape: "triangle-right", filled: true, size: 45, color: "#8a8a8a", opacity: 1 },
            encoding: { x: { field: "ax", ...px("x") }, y: { field: "ay", ...px("y") }, angle: { field: "angle", type: "quantitative", scale: null } },
          },
          {
            transform: [{ filter: "datum.count > 1" }, { calculate: "'×' + datum.count", as: "times" }],
            mark: { type: "text", fontSize: 10, color: "#555", dy: -7 },
            encoding: { x: { field: "mx", ...px("x") }, y: { field: "my", ...px("y") }, text: { field: "times" } },
          },
        ],
      },
      {
        data: { values },
        layer: [
          {
            mark: { type: "rect", fill: "#f4f8fc", stroke: "#4c78a8", strokeWidth: 1.2, cornerRadius: 3 },
            encoding: { x: { field: "x1", ...px("x") }, x2: { field: "x2" }, y: { field: "y1", ...px("y") }, y2: { field: "y2" }, tooltip: nodeTooltip },
          },
          {
            transform: [{ filter: "datum.label != ''" }],
            mark: { type: "text", fontWeight: "bold", fontSize: 12, baseline: "top", dy: 5 },
            encoding: { x: { field: "cx", ...px("x") }, y: { field: "y1", ...px("y") }, text: { field: "label" } },
          },
          {
            mark: { type: "text", fontSize: 11, baseline: "top", lineBreak: "\n", lineHeight: line },
            encoding: { x: { field: "cx", ...px("x") }, y: { field: "numbersY", ...px("y") }, text: { field: "numbers" } },
          },
        ],
      },
      ...(ops.length
        ? [{
          data: { values: ops },
          layer: [
            {
              // a circle as wide as its box: area = π/4 · width²
              transform: [{ calculate: "PI / 4 * (datum.x2 - datum.x1) * (datum.x2 - datum.x1)", as: "area" }],
              mark: { type: "point" as const, shape: "circle", filled: true, fill: "#eeeeee", stroke: "#777", strokeWidth: 1, opacity: 1 },
              encoding: {
                x: { field: "cx", ...px("x") },
                y: { field: "cy", ...px("y") },
                size: { field: "area", type: "quantitative" as const, scale: null },
                tooltip: [{ field: "label", type: "nominal" as const, title: "operation" }],
              },
            },
            {
              mark: { type: "text" as const, fontSize: 12, fontWeight: "bold" as const, baseline: "middle" as const },
              encoding: { x: { field: "cx", ...px("x") }, y: { field: "cy", ...px("y") }, text: { field: "label" } },
            },
          ],
        }]
        : []),
    ],
    config: { ...CONFIG, view: { stroke: null } },
  };
}
