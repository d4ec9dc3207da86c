/**
 * The fuzzer's vocabulary: a pool of bad (and a few good) argument values, the fast-check
 * arbitrary that combines them into argument lists for a target, and the valid instances on which
 * instance methods are called.
 *
 * Arguments are generated as labels (indices into POOL, or an options object of labels) so that
 * they can be printed in a report and rebuilt fresh for every call (methods may mutate them).
 */
import fc from "fast-check";
import type { ParamInfo } from "./targets";

/** The entry modules, as loaded in the child: import name → module namespace. */
export type Modules = Record<string, Record<string, any>>;

/** Thrown by the fuzzer's own callbacks: when it comes back out of a library call, that is fine. */
export class UserCallbackError extends Error {
  constructor() {
    super("a callback written by the user threw");
    this.name = "UserCallbackError";
  }
}

type Make = (m: Modules) => unknown;
const lib = (m: Modules) => m["dl-lessons"];
const T = (m: Modules) => lib(m).Tensor;
const withValue = (shape: number[], v: number): Make => (m) => {
  const t = T(m).zeros(shape);
  t.data[1] = v;
  return t;
};

/** Every value the fuzzer passes, by label. */
export const POOL: [string, Make][] = [
  // absent, wrong type
  ["undefined", () => undefined],
  ["null", () => null],
  ["true", () => true],
  ['""', () => ""],
  ['"abc"', () => "abc"],
  ['"mse"', () => "mse"],
  ["{}", () => ({})],
  ["Symbol()", () => Symbol("fuzz")],
  ["1n", () => 1n],
  // numbers: non-finite, negative, fractional, huge
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["0", () => 0],
  ["-1", () => -1],
  ["0.5", () => 0.5],
  ["-2.5", () => -2.5],
  ["1", () => 1],
  ["2", () => 2],
  ["3", () => 3],
  ["1e6", () => 1e6],
  ["1e9", () => 1e9],
  ["2**31", () => 2 ** 31],
  ["2**53", () => 2 ** 53],
  ["1e300", () => 1e300],
  ["-1e300", () => -1e300],
  // arrays: empty, ragged, non-finite, wrong element types, huge sizes
  ["[]", () => []],
  ["[NaN]", () => [NaN]],
  ["[Infinity, 1]", () => [Infinity, 1]],
  ["[1, 2, 3]", () => [1, 2, 3]],
  ["[0, 1, 0, 1]", () => [0, 1, 0, 1]],
  ["[0, 1]", () => [0, 1]],
  ["[-1, 2]", () => [-1, 2]],
  ["[0.5, 1]", () => [0.5, 1]],
  ["[1e9, 1e9]", () => [1e9, 1e9]],
  ["[2**31]", () => [2 ** 31]],
  ["[1e5, 1e5, 1e5]", () => [1e5, 1e5, 1e5]],
  ['["a", "b"]', () => ["a", "b"]],
  ["[null]", () => [null]],
  ["[[1, 2], [3]]", () => [[1, 2], [3]]],
  ["[[1, 2], [3, 4]]", () => [[1, 2], [3, 4]]],
  ["[[1, NaN], [3, 4]]", () => [[1, NaN], [3, 4]]],
  ["[{}]", () => [{}]],
  ["{ length: 1e9 }", () => ({ length: 1e9 })],
  // tensors: several ranks, non-finite and overflowing values
  ["randn[2,3]", (m) => T(m).randn([2, 3], 1)],
  ["randn[3]", (m) => T(m).randn([3], 2)],
  ["randn[4,3]", (m) => T(m).randn([4, 3], 3)],
  ["randn[3,2]", (m) => T(m).randn([3, 2], 4)],
  ["randn[1,1]", (m) => T(m).randn([1, 1], 5)],
  ["randn[2,2,2]", (m) => T(m).randn([2, 2, 2], 6)],
  ["randn[1,4,4,1]", (m) => T(m).randn([1, 4, 4, 1], 7)],
  ["randn[2,5,5,2]", (m) => T(m).randn([2, 5, 5, 2], 8)],
  ["randn[3,3,1,2]", (m) => T(m).randn([3, 3, 1, 2], 9)],
  ["randn[1,1,1,1,1]", (m) => T(m).randn([1, 1, 1, 1, 1], 10)],
  ["zeros[2]", (m) => T(m).zeros([2])],
  ["NaN-tensor[2,3]", withValue([2, 3], NaN)],
  ["Inf-tensor[1,4,4,1]", withValue([1, 4, 4, 1], Infinity)],
  ["1e300-tensor[2,3]", (m) => T(m).full([2, 3], 1e300)],
  ["-1e300-tensor[1,4,4,1]", (m) => T(m).full([1, 4, 4, 1], -1e300)],
  ["Float64Array[6]", () => new Float64Array(6)],
  // functions
  ["() => 0", () => () => 0],
  ["x => x", () => (x: unknown) => x],
  ["() => NaN", () => () => NaN],
  ["() => throws", () => () => {
    throw new UserCallbackError();
  }],
  // library objects
  ["Network(3→2)", (m) => new (lib(m).Network)([new (lib(m).Dense)(3, 2, { seed: 1 })])],
  ["Network(Infinity weights)", (m) => {
    const d = new (lib(m).Dense)(3, 2, { seed: 1 });
    d.W.value.data[0] = 1e308;
    d.W.value.data[1] = 1e308;
    return new (lib(m).Network)([d]);
  }],
  ["Dense(3,2)", (m) => new (lib(m).Dense)(3, 2, { seed: 1 })],
  ["SGD", (m) => new (lib(m).SGD)({ lr: 0.1 })],
  ["Random(1)", (m) => new (lib(m).Random)(1)],
  ["value(2)", (m) => lib(m).value(2)],
  ["{ x: randn[2,3], labels: [0, 1] }", (m) => ({ x: T(m).randn([2, 3], 1), labels: [0, 1] })],
  ["{ x: randn[2,3], labels: [0, 9] }", (m) => ({ x: T(m).randn([2, 3], 1), labels: [0, 9] })],
  ["denseTrace", (m) => new (lib(m).Network)([new (lib(m).Dense)(3, 2, { seed: 1 })]).forward(T(m).randn([2, 3], 1), { trace: true }).trace],
  ["{ kind: \"conv\" }", () => ({ kind: "conv" })],
  ["{ rows: [{ epoch: NaN }] }", () => ({ rows: [{ epoch: NaN, loss: Infinity }] })],
  ["{ nodes: [{}], edges: [{}] }", () => ({ nodes: [{}], edges: [{}] })],
];

/** An argument as generated: a pool label, or an options object whose values are pool labels. */
export type ArgSpec = { v: number } | { obj: [string, number][] };

const poolArb = fc.integer({ min: 0, max: POOL.length - 1 }).map((v): ArgSpec => ({ v }));

function slotArb(p: ParamInfo): fc.Arbitrary<ArgSpec> {
  if (!p.props || p.props.length === 0) return poolArb;
  const obj = fc
    .subarray(p.props, { minLength: 1 })
    .chain((keys) => fc.tuple(...keys.map(() => fc.integer({ min: 0, max: POOL.length - 1 }))).map((vals) => keys.map((k, i) => [k, vals[i]] as [string, number])))
    .map((obj): ArgSpec => ({ obj }));
  return fc.oneof({ arbitrary: obj, weight: 2 }, { arbitrary: poolArb, weight: 1 });
}

/** Argument lists for a target: each slot a bad value, sometimes too few or one too many. */
export function argsArb(params: readonly ParamInfo[]): fc.Arbitrary<ArgSpec[]> {
  const slots = [...params.map(slotArb), poolArb];
  const count = fc.oneof({ arbitrary: fc.constant(params.length), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: params.length + 1 }), weight: 1 });
  return fc.tuple(fc.tuple(...slots), count).map(([vals, n]) => vals.slice(0, n));
}

export function materialize(spec: ArgSpec, m: Modules): unknown {
  if ("v" in spec) return POOL[spec.v][1](m);
  return Object.fromEntries(spec.obj.map(([k, v]) => [k, POOL[v][1](m)]));
}

export function describeArgs(specs: readonly ArgSpec[]): string {
  return specs.map((s) => ("v" in s ? POOL[s.v][0] : `{ ${s.obj.map(([k, v]) => `${k}: ${POOL[v][0]}`).join(", ")} }`)).join(", ");
}

/**
 * Valid instances for instance methods. A class not listed here is built by trying a few
 * plausible constructor argument lists (so a new class is still fuzzed); when none works, the
 * suite fails and asks for a recipe.
 */
export const RECIPES: Record<string, Make> = {
  Tensor: (m) => T(m).randn([2, 3], 1),
  Random: (m) => new (lib(m).Random)(1),
  Network: (m) => new (lib(m).Network)([new (lib(m).Dense)(3, 4, { seed: 1 }), new (lib(m).ReLU)(), new (lib(m).Dense)(4, 2, { seed: 2 })]),
  Dense: (m) => new (lib(m).Dense)(3, 2, { seed: 1 }),
  Conv2D: (m) => new (lib(m).Conv2D)({ inChannels: 1, filters: 2, kernelSize: 3, seed: 1 }),
  MaxPool2D: (m) => new (lib(m).MaxPool2D)({ size: 2 }),
  Dropout: (m) => new (lib(m).Dropout)(0.5, { seed: 1 }),
  SGD: (m) => new (lib(m).SGD)({ lr: 0.1 }),
  Value: (m) => lib(m).value(2),
  CheckResult: (m) => new m["dl-lessons/grade"].CheckResult("ReLU", true, 2, 2, "PASS ReLU: 2 of 2 cases", []),
};

const CANDIDATE_ARGS: Make[] = [() => [], () => [{}], () => [3, 2], () => ["x"], () => [1]];

/** The fuzzer's own failure (no valid instance): reported apart from the library's. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HarnessError";
  }
}

export function makeInstance(cls: new (...a: unknown[]) => unknown, name: string, m: Modules): unknown {
  if (RECIPES[name]) {
    try {
      return RECIPES[name](m);
    } catch (e) {
      throw new HarnessError(`fuzz: the recipe for ${name} failed: ${String(e)}`);
    }
  }
  for (const args of CANDIDATE_ARGS) {
    try {
      return new cls(...(args(m) as unknown[]));
    } catch {
      // try the next argument list
    }
  }
  throw new HarnessError(`fuzz: no valid instance of ${name}; add a recipe to tests/fuzz/values.ts`);
}
