import { test } from "node:test";
import assert from "node:assert/strict";
import { graphChart, graphLayout, GraphChartDatum } from "../../src/charts/graph";
import { Value, graphOf } from "../../src/autograd";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const nodesOf = (spec: unknown) => inlineData(spec).filter((d) => d.length && "numbers" in d[0]).flat() as unknown as GraphChartDatum[];
const edgesOf = (spec: unknown) => inlineData(spec).find((d) => d.length && "from" in d[0]) as { from: string; to: string; count: number; x1: number; x2: number }[];

test("graphLayout diamond a→b, a→c, b→d, c→d, plus leaf e→d: depth = longest path, leaves next to their first use", () => {
  const ids = ["a", "b", "c", "d", "e"];
  const edges = [{ from: "a", to: "b" }, { from: "a", to: "c" }, { from: "b", to: "d" }, { from: "c", to: "d" }, { from: "e", to: "d" }];
  const l = new Map(graphLayout(ids, edges).map((n) => [n.id, n]));
  assert.deepEqual(ids.map((id) => l.get(id)!.depth), [0, 1, 1, 2, 1]);
  // each layer's orders are 0..k-1
  const layer1 = ["b", "c", "e"].map((id) => l.get(id)!.order).sort();
  assert.deepEqual(layer1, [0, 1, 2]);
});

test("graphLayout barycentre: a crossing x1→z2, x2→z1 is undone by ordering the second layer", () => {
  const l = new Map(graphLayout(["x1", "x2", "z1", "z2"], [{ from: "x1", to: "z2" }, { from: "x2", to: "z1" }]).map((n) => [n.id, n]));
  assert.equal(Math.sign(l.get("x1")!.order - l.get("x2")!.order), Math.sign(l.get("z2")!.order - l.get("z1")!.order));
});

test("graphChart of a neuron o = tanh(x1·w1 + x2·w2 + b) (graphOf with op nodes): data and grad as computed, x grows with depth", () => {
  const x1 = new Value(2, "x1"), x2 = new Value(0, "x2"), w1 = new Value(-3, "w1"), w2 = new Value(1, "w2"), b = new Value(6.8813735870195432, "b");
  const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
  o.label = "o";
  o.backward();
  const g = graphOf(o);
  const spec = graphChart(g);
  assertCleanSpec(spec);
  const nodes = nodesOf(spec);
  assert.equal(nodes.length, g.nodes.length);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const n of g.nodes) {
    const d = byId.get(n.id)!;
    assert.equal(d.data, n.data);
    assert.equal(d.grad, n.grad);
    assert.equal(d.kind, n.kind);
  }
  // every edge goes left to right
  for (const e of g.edges) assert.ok(byId.get(e.from)!.cx < byId.get(e.to)!.cx, `${e.from} → ${e.to}`);
  assert.equal(byId.get(g.nodes.find((n) => n.label === "o")!.id)!.depth, Math.max(...nodes.map((n) => n.depth)));
  assert.match(byId.get(g.nodes.find((n) => n.label === "x1")!.id)!.numbers, /data 2\.0000\ngrad −1\.5000/);
});

test("graphChart without op nodes: each value's op becomes its own circle; a·a draws one edge marked ×2", () => {
  const a = new Value(3, "a");
  const sq = a.mul(a);
  sq.backward();
  const g = graphOf(sq, { opNodes: false });
  assert.equal(g.nodes.length, 2);
  const spec = graphChart(g);
  assertCleanSpec(spec);
  const nodes = nodesOf(spec);
  assert.deepEqual(nodes.map((n) => n.kind).sort(), ["op", "value", "value"]);
  const edges = edgesOf(spec);
  assert.deepEqual(edges.map((e) => e.count).sort(), [1, 2]);
  assert.equal(nodes.find((n) => n.label === "a")!.grad, 6);
});

test("graphChart bad input: unknown edge end, duplicate id, a cycle, NaN data, no nodes", () => {
  const n = (id: string) => ({ id, label: id, data: 1, grad: 0 });
  assertInputError(() => graphChart({ nodes: [n("a")], edges: [{ from: "a", to: "b" }] }), "graphChart", "graph.edges[0].to", /"b"/);
  assertInputError(() => graphChart({ nodes: [n("a"), n("a")], edges: [] }), "graphChart", "graph.nodes[1].id", /twice/);
  assertInputError(() => graphChart({ nodes: [n("a"), n("b")], edges: [{ from: "a", to: "b" }, { from: "b", to: "a" }] }), "graphChart", "graph.edges", /cycle/);
  assertInputError(() => graphChart({ nodes: [{ id: "a", data: NaN }], edges: [] }), "graphChart", "graph.nodes[0].data", /NaN/);
  assertInputError(() => graphChart({ nodes: [], edges: [] }), "graphChart", "graph.nodes");
});
