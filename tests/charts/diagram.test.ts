import { test } from "node:test";
import assert from "node:assert/strict";
import { networkDiagram, DiagramEdge, DiagramNeuron } from "../../src/charts/diagram";
import { renderSvg, textWidth } from "../../kernel-helpers/render";
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

test("networkDiagram decimals 4, values from −123.8308 to 0.8608: each value is drawn inside its circle, 3 px to spare on each side", () => {
  const values = [[1, -10.5], [0.86078904, -123.8308], [0.12, 0.11920292]];
  for (const decimals of [2, 4]) {
    const spec = networkDiagram({ layers: [2, 2, 2], values, biases: [null, [1, 2], [0, -1]] }, { decimals });
    assertCleanSpec(spec);
    // the rendered SVG: circles (symbol paths "M r,0 A r,r …") and the value texts, both placed by translate(x, y)
    const svg = renderSvg(spec);
    const circles = [...svg.matchAll(/aria-roledescription="point" transform="translate\(([\d.]+),([\d.]+)\)" d="M([\d.]+),0A/g)].map((m) => ({ x: +m[1], y: +m[2], r: +m[3] }));
    const valueGroup = /layer_1_layer_1_marks"[^>]*>(.*?)<\/g>/s.exec(svg)![1];
    const texts = [...valueGroup.matchAll(/transform="translate\(([\d.]+),([\d.]+)\)" font-family="[^"]*" font-size="11px"[^>]*>([^<]*)</g)].map((m) => ({ x: +m[1], y: +m[2], text: m[3] }));
    assert.equal(circles.length, 6);
    assert.equal(texts.length, 6);
    for (const t of texts) {
      const c = circles.find((c) => c.x === t.x && Math.abs(c.y - t.y) < 6)!;
      assert.ok(c, `a circle under "${t.text}"`);
      const w = textWidth(t.text, { fontSize: 11 }) ?? t.text.length * 0.6 * 11;
      // the stroke (1.5 px) is centred on the circle: the inside is r − 0.75 wide on each side
      assert.ok(w / 2 + 3 <= c.r - 0.75, `decimals ${decimals}: "${t.text}" ${w.toFixed(1)} px wide in a circle of radius ${c.r}`);
    }
  }
});
