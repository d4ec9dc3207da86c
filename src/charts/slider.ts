/**
 * Charts you can move: a chart drawn once per value of a parameter (or of a few parameters),
 * merged into one Vega-Lite spec whose `params` are bound to range inputs. Moving a slider picks
 * the frame drawn for that value; nothing is recomputed in the browser, so every number on the
 * chart is one the library computed (chapters 2 and 4).
 *
 * How: `draw` is called for every value (every combination, with several sliders). The frames
 * must be the same chart apart from their inline data. Data that are the same in every frame (a
 * loss surface, a reference curve) are kept once; data that change get one column per slider
 * (`_s_<name>`) and a filter `abs(datum._s_<name> − <name>) < step/2` on the view that holds them.
 * Where no slider is drawn (the PNG fallback, a static renderer) the param keeps its default
 * `value`, so the picture shows that frame.
 *
 * The scales are fitted to the data of the frame shown: fix the domains in `draw` (e.g.
 * `yDomain`) when the axes should stay put while the slider moves.
 */
import { describe, InputError } from "../errors";
import { isRecord, isVegaLiteSpec, VegaLiteSpec } from "./spec";

/** One slider: evenly spaced values, the one shown first, the label beside the input. */
export interface Slider {
  /** the values the slider steps through, increasing and evenly spaced (at least 2, at most 201) */
  values: readonly number[];
  /** the value shown first and in the PNG fallback; default: the first value */
  value?: number;
  /** the text beside the slider; default: the name */
  label?: string;
  /** the Vega-Lite param's name, an identifier; default "s0", "s1", … */
  name?: string;
}

/** Options of `sliderChart` (one slider). */
export interface SliderChartOptions {
  /** the value shown first and in the PNG fallback; default: the first value */
  value?: number;
  /** the text beside the slider; default "value" */
  label?: string;
  /** the Vega-Lite param's name, an identifier; default "slider" */
  name?: string;
}

/** Most frames a chart may hold (the product of the sliders' lengths): the spec carries them all. */
export const MAX_FRAMES = 2000;

/** Names Vega already uses for its own signals and expression variables. */
const RESERVED = new Set(["width", "height", "padding", "autosize", "background", "cursor", "datum", "event", "item", "parent"]);

interface CheckedSlider {
  name: string;
  label: string;
  values: number[];
  step: number;
  value: number;
}

/** A chart with one slider: `draw(v)` for every v of `values`, one spec that shows the frame picked. */
export function sliderChart(values: readonly number[], draw: (value: number) => VegaLiteSpec, options: SliderChartOptions = {}): VegaLiteSpec {
  const fn = "sliderChart";
  if (!isRecord(options)) throw new InputError(fn, "options", "an options object { value, label, name }", describe(options));
  if (typeof draw !== "function") throw new InputError(fn, "draw", "a function (value) => Vega-Lite spec", describe(draw));
  return build(fn, [{ values, value: options.value, label: options.label ?? "value", name: options.name ?? "slider" }], (vs) => draw(vs[0]));
}

/** A chart with several sliders: `draw(v0, v1, …)` for every combination of their values. */
export function slidersChart(sliders: readonly Slider[], draw: (...values: number[]) => VegaLiteSpec): VegaLiteSpec {
  const fn = "slidersChart";
  if (!Array.isArray(sliders) || sliders.length === 0) throw new InputError(fn, "sliders", "a non-empty array of { values, value?, label?, name? }", describe(sliders));
  if (typeof draw !== "function") throw new InputError(fn, "draw", "a function (...values) => Vega-Lite spec", describe(draw));
  return build(fn, sliders, (vs) => draw(...vs));
}

/** Argument names in errors: `values`, `options.value` … for sliderChart; `sliders[i].values` … for slidersChart. */
function argNames(fn: string, i: number): Record<"self" | "values" | "value" | "label" | "name", string> {
  if (fn === "sliderChart") return { self: "options", values: "values", value: "options.value", label: "options.label", name: "options.name" };
  const a = `sliders[${i}]`;
  return { self: a, values: `${a}.values`, value: `${a}.value`, label: `${a}.label`, name: `${a}.name` };
}

function checkSlider(fn: string, s: unknown, i: number): CheckedSlider {
  const arg = argNames(fn, i);
  if (!isRecord(s)) throw new InputError(fn, arg.self, "a slider { values, value?, label?, name? }", describe(s));
  const values = s.values;
  if (!Array.isArray(values) || values.length < 2 || values.length > 201) {
    throw new InputError(fn, arg.values, "an array of 2 to 201 numbers", describe(values));
  }
  values.forEach((v, k) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(fn, `${arg.values}[${k}]`, "a finite number", describe(v));
  });
  // rounded to 12 digits: 0.1…0.3 in 3 values steps by 0.1, not 0.09999999999999999
  const step = +((values[values.length - 1] - values[0]) / (values.length - 1)).toPrecision(12);
  if (!(step > 0)) throw new InputError(fn, arg.values, "increasing values", `${values[0]} … ${values[values.length - 1]}`);
  values.forEach((v, k) => {
    if (Math.abs(v - (values[0] + k * step)) > 1e-6 * step) {
      throw new InputError(fn, `${arg.values}[${k}]`, `evenly spaced values (step ${step}, so ${values[0] + k * step})`, String(v));
    }
  });
  const name = s.name ?? `s${i}`;
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name)) {
    throw new InputError(fn, arg.name, `an identifier (letters, digits, _) other than ${[...RESERVED].join(", ")}`, describe(name));
  }
  const label = s.label ?? name;
  if (typeof label !== "string") throw new InputError(fn, arg.label, "a string", describe(label));
  const value = s.value ?? values[0];
  if (typeof value !== "number" || !values.some((v) => Math.abs(v - value) <= 1e-6 * step)) {
    throw new InputError(fn, arg.value, `one of the values (${values[0]} … ${values[values.length - 1]}, step ${+step.toPrecision(12)})`, describe(value));
  }
  return { name, label, values: values as number[], step, value };
}

/** Where the inline data sit in a spec: the path of each view holding `data: { values }`. */
type Path = (string | number)[];

function dataSlots(spec: Record<string, unknown>, path: Path = [], out: Path[] = []): Path[] {
  const data = spec.data;
  if (isRecord(data) && Array.isArray(data.values)) out.push(path);
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const children = spec[key];
    if (Array.isArray(children)) children.forEach((c, i) => isRecord(c) && dataSlots(c, [...path, key, i], out));
  }
  return out;
}

function at(spec: Record<string, unknown>, path: Path): Record<string, unknown> {
  let v: unknown = spec;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v as Record<string, unknown>;
}

/** The spec without its inline data: what must not change from frame to frame. */
function skeleton(spec: VegaLiteSpec): string {
  return JSON.stringify(spec, (key, v) => (key === "data" && isRecord(v) && Array.isArray(v.values) ? "<data>" : v));
}

function build(fn: string, raw: readonly unknown[], draw: (values: number[]) => VegaLiteSpec): VegaLiteSpec {
  const sliders = raw.map((s, i) => checkSlider(fn, s, i));
  const names = new Set(sliders.map((s) => s.name));
  if (names.size !== sliders.length) throw new InputError(fn, "sliders", "distinct names", sliders.map((s) => s.name).join(", "));
  const frames = sliders.reduce((n, s) => n * s.values.length, 1);
  if (frames > MAX_FRAMES) throw new InputError(fn, "sliders", `at most ${MAX_FRAMES} frames in all (the product of the sliders' lengths)`, String(frames));

  // every combination of values, the first slider varying slowest
  let combos: number[][] = [[]];
  for (const s of sliders) combos = combos.flatMap((c) => s.values.map((v) => [...c, v]));

  let first: VegaLiteSpec | null = null;
  let firstSkeleton = "";
  let slots: Path[] = [];
  let perSlot: { rows: Record<string, unknown>[]; text: string | null; changes: boolean }[] = [];
  for (const combo of combos) {
    const spec = draw(combo);
    const where = combo.map((v, i) => `${sliders[i].name} = ${v}`).join(", ");
    if (!isVegaLiteSpec(spec)) throw new InputError(fn, "draw", "a function returning a Vega-Lite spec", `${describe(spec)} at ${where}`);
    if (first === null) {
      first = spec;
      firstSkeleton = skeleton(spec);
      slots = dataSlots(spec as unknown as Record<string, unknown>);
      if (slots.length === 0) throw new InputError(fn, "draw", "a spec with inline data (data: { values })", `none at ${where}`);
      perSlot = slots.map(() => ({ rows: [], text: null, changes: false }));
    } else if (skeleton(spec) !== firstSkeleton) {
      throw new InputError(fn, "draw", "the same chart for every value, only its data changing (keep titles free of the value)", `a different spec at ${where}`);
    }
    slots.forEach((p, k) => {
      const values = (at(spec as unknown as Record<string, unknown>, p).data as { values: Record<string, unknown>[] }).values;
      const text = JSON.stringify(values);
      const slot = perSlot[k];
      if (slot.text === null) slot.text = text;
      else if (text !== slot.text) slot.changes = true;
      const tag = Object.fromEntries(combo.map((v, i) => [`_s_${sliders[i].name}`, v]));
      for (const row of values) slot.rows.push(isRecord(row) ? { ...row, ...tag } : { data: row, ...tag });
    });
  }

  const out = structuredClone(first!) as unknown as Record<string, unknown>;
  slots.forEach((p, k) => {
    const view = at(out, p);
    const slot = perSlot[k];
    if (!slot.changes) return; // the same in every frame: kept once, never filtered
    view.data = { values: slot.rows };
    const test = sliders.map((s) => `abs(datum._s_${s.name} - ${s.name}) < ${s.step / 2}`).join(" && ");
    view.transform = [{ filter: test }, ...(Array.isArray(view.transform) ? view.transform : [])];
  });
  out.params = [
    ...(Array.isArray(out.params) ? out.params : []),
    ...sliders.map((s) => ({
      name: s.name,
      value: s.values.reduce((a, b) => (Math.abs(b - s.value) < Math.abs(a - s.value) ? b : a)),
      bind: { input: "range", min: s.values[0], max: s.values[s.values.length - 1], step: s.step, name: `${s.label} ` },
    })),
  ];
  return out as unknown as VegaLiteSpec;
}
