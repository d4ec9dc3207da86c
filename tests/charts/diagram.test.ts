import { test } from "node:test";
import assert from "node:assert/strict";
import { networkDiagram, DiagramEdge, DiagramNeuron } from "../../src/charts/diagram";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

const neuronsOf = (spec: unknown) => inlineData(spec).find((d) => d.length && "index" in d[0]) as unknown as DiagramNeuron[];
const edgesOf = (spec: unknown) => inlineData(spec).find((d) => d.length && "weight" in d[0]) as unknown as DiagramEdge[];

test("networkDiagram layers=[3,4,2]: 9 neurons, 3·4 + 4·2 = 20 connections, layers left to right", () => {
  const spec = networkDiagram({ layers: [3, 4, 2] });
  assertCleanSpec(spec);
  const neurons = neuronsOf(spec);
  assert.equal(neurons.length, 9);
  assert.equal(edgesOf(spec).length, 20);
  const xs = [0, 1, 2].map((l) => neurons.find((n) => n.layer === l)!.x);
  assert.ok(xs[0] < xs[1] && xs[1] < xs[2]);
});

test("networkDiagram the lecture's 2-2-2-2 network with values, weights [in, out] and biases: numbers read back", () => {
  // chapter 3: layer 1 rows (1, −2), (−1, 1) are the weights into each neuron, so W = [[1, −1], [−2, 1]]
  const weights = [[[1, -1], [-2, 1]], [[2, -2], [-1, -1]], [[3, -1], [-1, 4]]];
  const values = [[1, -1], [0.98, 0.12], [0.86, 0.11], [0.62, 0.83]];
  const biases = [null, [1, 0], [0, 0], [-2, 2]];
  const spec = networkDiagram({ layers: [2, 2, 2, 2], values, weights, biases });
  assertCleanSpec(spec);
  for (const n of neuronsOf(spec)) {
    assert.equal(n.value, values[n.layer][n.index]);
    assert.equal(n.bias, n.layer === 0 ? null : biases[n.layer]![n.index]);
  }
  const edges = edgesOf(spec);
  assert.equal(edges.length, 12);
  for (const e of edges) assert.equal(e.weight, weights[e.layer][e.from][e.to]);
});

test("networkDiagram layers=[784,100,10] maxNeurons=6: large layers show 5 neurons and a gap, the last one kept", () => {
  const spec = networkDiagram({ layers: [784, 100, 10] }, { maxNeurons: 6 });
  assertCleanSpec(spec);
  const neurons = neuronsOf(spec);
  assert.deepEqual(neurons.filter((n) => n.layer === 0).map((n) => n.index), [0, 1, 2, 3, 783]);
  assert.equal(edgesOf(spec).length, 5 * 5 + 5 * 5);
});

test("networkDiagram bad input: one layer, zero neurons, weights of the wrong shape, values of the wrong length", () => {
  assertInputError(() => networkDiagram({ layers: [3] }), "networkDiagram", "net.layers");
  assertInputError(() => networkDiagram({ layers: [3, 0] }), "networkDiagram", "net.layers[1]");
  assertInputError(() => networkDiagram({ layers: [2, 3], weights: [[[1, 2], [3, 4]]] }), "networkDiagram", "net.weights[0]", /\[2, 3\].*got \[2, 2\]/);
  assertInputError(() => networkDiagram({ layers: [2, 3], values: [[1, 2], [1]] }), "networkDiagram", "net.values[1]", /3 values/);
  assertInputError(() => networkDiagram({ layers: [2, 3], values: [[1, NaN], null] }), "networkDiagram", "net.values[0][1]");
});
