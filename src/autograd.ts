/**
 * Scalar automatic differentiation, micrograd style (chapter 5, backpropagation).
 *
 * A `Value` holds a number (`data`), the derivative of the final result with respect to it
 * (`grad`), the operation that produced it and its operands (`children`). Every operation
 * builds its output and, right beside it, the closure that applies the chain rule backwards:
 * given ∂L/∂out (out.grad) it adds ∂L/∂out · ∂out/∂operand to each operand's grad. It adds
 * (`+=`) because an operand used twice, or used by two operations, receives a contribution
 * from each use: the multivariable chain rule sums over paths.
 *
 * `backward()` sets the root's grad to 1 (∂L/∂L) and runs the closures from the root down,
 * in reverse topological order, so that a node's grad is complete before it is passed on.
 * The order is computed without recursion, so chains of any length work. As in micrograd
 * and PyTorch, the grads of the leaves (inputs and parameters) accumulate across backward
 * passes: call `zeroGrad()` before the next one (intermediate values start from 0 each time).
 *
 *   const a = value(2, "a"), b = value(-3, "b");
 *   const L = a.mul(b).add(a).tanh();   // L = tanh(a·b + a)
 *   L.backward();                       // a.grad = (1 − L²)(b + 1), b.grad = (1 − L²)·a
 */
import { optionsOf } from "./checks";
import { describe, InputError } from "./errors";

/** A Value or a plain number (turned into a leaf Value). */
export type Operand = Value | number;

/** Turn a number into a leaf Value (a Value passes through). */
function toValue(fn: string, arg: string, v: unknown): Value {
  if (v instanceof Value) return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new InputError(fn, arg, "a finite number or a Value", describe(v));
    return new Value(v);
  }
  throw new InputError(fn, arg, "a number or a Value", describe(v));
}

/** A scalar that remembers how it was computed, for backpropagation. */
export class Value {
  /** the number */
  data: number;
  /** ∂(root of the last backward)/∂(this value); 0 until backward runs */
  grad = 0;
  /** the operation that produced this value ("+", "*", "tanh", "^2", …); "" for an input (a leaf) */
  readonly op: string;
  /** a name to show in graphs, e.g. "w1" */
  label: string;
  /** the operands of `op`, in order (a value used twice appears twice, as in a·a) */
  readonly children: readonly Value[];
  /** the chain-rule step of `op`: adds out.grad · ∂out/∂child to each child's grad */
  private backwardStep: () => void = () => {};

  /** A leaf value (an input or a parameter). */
  constructor(data: number, label = "") {
    if (typeof data !== "number" || !Number.isFinite(data)) throw new InputError("Value", "data", "a finite number", describe(data));
    if (typeof label !== "string") throw new InputError("Value", "label", "a string", describe(label));
    this.data = data;
    this.label = label;
    this.op = "";
    this.children = [];
  }

  /** The output of an operation; rejects a non-finite result (overflow, 0^−1, (−8)^0.5, …). */
  private static result(fn: string, data: number, children: Value[], op: string): Value {
    if (!Number.isFinite(data)) {
      const args = children.map((c) => c.data).join(", ");
      throw new InputError(fn, "this", `operands giving a finite result`, `${data} from ${op}(${args})`);
    }
    const out = new Value(data);
    (out as { op: string }).op = op;
    (out as { children: readonly Value[] }).children = children;
    return out;
  }

  // ------------------------------------------------------------------ binary operations

  /** this + other */
  add(other: Operand): Value {
    const b = toValue("Value.add", "other", other);
    const out = Value.result("Value.add", this.data + b.data, [this, b], "+");
    out.backwardStep = () => {
      this.grad += out.grad; // ∂(a + b)/∂a = 1
      b.grad += out.grad; // ∂(a + b)/∂b = 1
    };
    return out;
  }

  /** this − other */
  sub(other: Operand): Value {
    const b = toValue("Value.sub", "other", other);
    const out = Value.result("Value.sub", this.data - b.data, [this, b], "−");
    out.backwardStep = () => {
      this.grad += out.grad; // ∂(a − b)/∂a = 1
      b.grad -= out.grad; // ∂(a − b)/∂b = −1
    };
    return out;
  }

  /** this · other */
  mul(other: Operand): Value {
    const b = toValue("Value.mul", "other", other);
    const out = Value.result("Value.mul", this.data * b.data, [this, b], "*");
    out.backwardStep = () => {
      this.grad += b.data * out.grad; // ∂(a·b)/∂a = b
      b.grad += this.data * out.grad; // ∂(a·b)/∂b = a
    };
    return out;
  }

  /** this / other; other must not be 0 */
  div(other: Operand): Value {
    const b = toValue("Value.div", "other", other);
    if (b.data === 0) throw new InputError("Value.div", "other", "a non-zero divisor", "0");
    const out = Value.result("Value.div", this.data / b.data, [this, b], "/");
    out.backwardStep = () => {
      this.grad += out.grad / b.data; // ∂(a/b)/∂a = 1/b
      b.grad += (-this.data / (b.data * b.data)) * out.grad; // ∂(a/b)/∂b = −a/b²
    };
    return out;
  }

  // ------------------------------------------------------------------ unary operations

  /** this^p for a constant exponent p (a number, not a Value) */
  pow(p: number): Value {
    if ((p as unknown) instanceof Value) throw new InputError("Value.pow", "p", "a constant number exponent (not a Value)", "a Value");
    if (typeof p !== "number" || !Number.isFinite(p)) throw new InputError("Value.pow", "p", "a finite number", describe(p));
    const out = Value.result("Value.pow", Math.pow(this.data, p), [this], `^${p}`);
    out.backwardStep = () => {
      this.grad += p * Math.pow(this.data, p - 1) * out.grad; // ∂(a^p)/∂a = p·a^(p−1)
    };
    return out;
  }

  /** −this */
  neg(): Value {
    const out = Value.result("Value.neg", -this.data, [this], "neg");
    out.backwardStep = () => {
      this.grad -= out.grad; // ∂(−a)/∂a = −1
    };
    return out;
  }

  /** e^this */
  exp(): Value {
    const out = Value.result("Value.exp", Math.exp(this.data), [this], "exp");
    out.backwardStep = () => {
      this.grad += out.data * out.grad; // ∂(e^a)/∂a = e^a
    };
    return out;
  }

  /** ln(this); this must be positive */
  log(): Value {
    if (!(this.data > 0)) throw new InputError("Value.log", "this", "a positive value", String(this.data));
    const out = Value.result("Value.log", Math.log(this.data), [this], "log");
    out.backwardStep = () => {
      this.grad += out.grad / this.data; // ∂(ln a)/∂a = 1/a
    };
    return out;
  }

  /** tanh(this) */
  tanh(): Value {
    const out = Value.result("Value.tanh", Math.tanh(this.data), [this], "tanh");
    out.backwardStep = () => {
      this.grad += (1 - out.data * out.data) * out.grad; // ∂tanh(a)/∂a = 1 − tanh²(a)
    };
    return out;
  }

  /** σ(this) = 1 / (1 + e^−this) */
  sigmoid(): Value {
    const out = Value.result("Value.sigmoid", 1 / (1 + Math.exp(-this.data)), [this], "σ");
    out.backwardStep = () => {
      this.grad += out.data * (1 - out.data) * out.grad; // ∂σ(a)/∂a = σ(a)(1 − σ(a))
    };
    return out;
  }

  /** max(0, this) */
  relu(): Value {
    const out = Value.result("Value.relu", Math.max(0, this.data), [this], "ReLU");
    out.backwardStep = () => {
      this.grad += (out.data > 0 ? 1 : 0) * out.grad; // ∂max(0, a)/∂a = 1 if a > 0 else 0 (0 at a = 0)
    };
    return out;
  }

  // ------------------------------------------------------------------ backpropagation

  /**
   * Every value this one depends on, itself included, operands before results (a topological
   * order), found by an explicit-stack depth-first search (no recursion limit).
   */
  topologicalOrder(): Value[] {
    const order: Value[] = [];
    const seen = new Set<Value>([this]);
    const stack: { node: Value; next: number }[] = [{ node: this, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.children.length) {
        const child = top.node.children[top.next++];
        if (!seen.has(child)) {
          seen.add(child);
          stack.push({ node: child, next: 0 });
        }
      } else {
        order.push(top.node); // all its operands are already in the order
        stack.pop();
      }
    }
    return order;
  }

  /**
   * Backpropagate from this value: the grads of the intermediate values start again from 0,
   * the root's becomes 1, then each node's chain-rule step runs, results before operands.
   * The leaves (inputs, parameters) accumulate: a second backward adds to their grads.
   */
  backward(): void {
    const order = this.topologicalOrder();
    for (const v of order) if (v.children.length > 0) v.grad = 0; // fresh intermediates
    this.grad = 1; // ∂L/∂L
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardStep();
  }

  /** Set the grad of this value and of everything it depends on to 0. */
  zeroGrad(): void {
    for (const v of this.topologicalOrder()) v.grad = 0;
  }

  toString(): string {
    return `Value(${this.label ? this.label + ", " : ""}data=${this.data}, grad=${this.grad})`;
  }
}

/** A leaf Value: `value(2, "x")`. */
export function value(x: number, label = ""): Value {
  return new Value(x, label);
}

/** A node of a computation graph, as data for a chart. */
export interface GraphNode {
  /** "v0", "v1", … for values (operands before results); "v5:op" for the operation that made v5 */
  id: string;
  kind: "value" | "op";
  /** the value's label, or the operation's symbol for an op node */
  label: string;
  /** the operation ("" for a leaf) */
  op: string;
  /** the value's data and grad; null on op nodes */
  data: number | null;
  grad: number | null;
}

/** An edge of a computation graph: the direction of the forward pass, operand → result. */
export interface GraphEdge {
  from: string;
  to: string;
}

/** Options of `graphOf`. */
export interface GraphOptions {
  /**
   * draw each operation as its own node between its operands and its result, as micrograd's
   * draw_dot does (operands → op → result); default true. When false, edges go operand → result.
   */
  opNodes?: boolean;
}

/**
 * The computation graph behind `root` as plain data for drawing: one node per distinct Value
 * (and, with `opNodes`, one per operation), one edge per operand use (a·a gives two edges).
 */
export function graphOf(root: Value, opts: GraphOptions = {}): { nodes: GraphNode[]; edges: GraphEdge[] } {
  if (!(root instanceof Value)) throw new InputError("graphOf", "root", "a Value", describe(root));
  const { opNodes = true } = optionsOf("graphOf", "opts", opts);
  const order = root.topologicalOrder();
  const ids = new Map<Value, string>(order.map((v, i) => [v, `v${i}`]));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const v of order) {
    const id = ids.get(v) as string;
    if (v.op !== "") {
      const target = opNodes ? `${id}:op` : id;
      // the op node comes right before its result, so that nodes stay in topological order
      if (opNodes) nodes.push({ id: target, kind: "op", label: v.op, op: v.op, data: null, grad: null });
      for (const c of v.children) edges.push({ from: ids.get(c) as string, to: target });
      if (opNodes) edges.push({ from: target, to: id });
    }
    nodes.push({ id, kind: "value", label: v.label, op: v.op, data: v.data, grad: v.grad });
  }
  return { nodes, edges };
}
