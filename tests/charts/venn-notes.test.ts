import { test } from "node:test";
import assert from "node:assert/strict";
import { nestedSets, NestedCircle } from "../../src/charts/venn";
import { neuronNotes } from "../../src/charts/notes";
import { networkDiagram } from "../../src/charts/diagram";
import { assertCleanSpec, assertInputError, inlineData } from "./vl";

test("nestedSets 3 sets size=300: circles outermost first, each inside the one before, all resting on one bottom point", () => {
  const spec = nestedSets([{ name: "machine learning", example: "logistic regression" }, { name: "representation learning" }, { name: "deep learning", example: "MLPs" }], { size: 300 });
  assertCleanSpec(spec);
  const circles = inlineData(spec)[0] as unknown as NestedCircle[];
  assert.equal(circles.length, 3);
  assert.equal(circles[0].r, 150);
  for (let i = 1; i < 3; i++) {
    assert.ok(circles[i].r < circles[i - 1].r, "smaller than its container");
    assert.equal(circles[i].cy + circles[i].r, circles[0].cy + circles[0].r, "same bottom point");
    assert.ok(circles[i].labelY > circles[i - 1].labelY, "its name below its container's name");
  }
  assert.equal((spec as { title: { text: string } }).title.text, "deep learning ⊂ representation learning ⊂ machine learning");
});

test("nestedSets refuses bad input", () => {
  assertInputError(() => nestedSets([{ name: "a" }]), "nestedSets", "sets");
  assertInputError(() => nestedSets([{ name: "a" }, { name: 3 } as never]), "nestedSets", "sets[1].name");
  assertInputError(() => nestedSets([{ name: "a" }, { name: "b" }], { size: 10 }), "nestedSets", "options.size");
});

test("neuronNotes layers=[2,2]: one note per neuron under it, a null layer skipped", () => {
  const diagram = networkDiagram({ layers: [2, 2], values: [[1, 2], [0.5, -0.25]], weights: [[[1, 0], [0, 1]]] });
  const spec = neuronNotes(diagram, [null, [0.25, -0.125]], { label: "×σ′ = " });
  assertCleanSpec(spec);
  const all = inlineData(spec);
  const notes = all[all.length - 1] as { note: string; x: number; y: number }[];
  assert.deepEqual(notes.map((n) => n.note), ["×σ′ = 0.250", "×σ′ = \u22120.125"]);
  assert.equal(inlineData(diagram).length, all.length - 1, "the diagram itself is left as it was");
});

test("neuronNotes refuses bad input", () => {
  const diagram = networkDiagram({ layers: [2, 2], values: [[1, 2], [0.5, -0.25]] });
  assertInputError(() => neuronNotes(diagram, [null]), "neuronNotes", "notes");
  assertInputError(() => neuronNotes(diagram, [null, [1]]), "neuronNotes", "notes[1]");
  assertInputError(() => neuronNotes({ $schema: "vega-lite", mark: "point" } as never, [null]), "neuronNotes", "diagram");
  assertInputError(() => neuronNotes(networkDiagram({ layers: [2, 2], biases: [null, [1, 2]] }), [null, [1, 2]]), "neuronNotes", "diagram", /without biases/);
});
