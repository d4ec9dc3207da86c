/**
 * The contract every layer of a network keeps. The functional pairs (`denseForward` /
 * `denseBackward`, `conv2dForward` / `conv2dBackward`, …) do the math; a Layer object holds
 * the parameters and the cache of its last forward so that a Network can chain them.
 */
import type { Tensor } from "../tensor";
import type { LayerTrace, ChainFactor } from "../trace";

/** A trainable tensor and its gradient (same shape), accumulated by backward. */
export interface Param {
  name: string;
  value: Tensor;
  grad: Tensor;
  /** weight decay applies to weights, not to biases */
  decay: boolean;
}

export interface ForwardOptions {
  /** training mode (dropout active); default false */
  training?: boolean;
  /** record a trace of this call; default false */
  trace?: boolean;
}

export interface Layer {
  /** e.g. "dense_1" */
  readonly name: string;
  /** e.g. "Dense", "Conv2D" */
  readonly type: string;
  /** Output shape for an input shape (batch axis included), or an error naming the layer. */
  outputShape(inShape: readonly number[]): number[];
  /** Forward; keeps what backward needs. */
  forward(x: Tensor, opts?: ForwardOptions): { out: Tensor; trace?: LayerTrace };
  /**
   * Backward for the last forward: takes ∂C/∂out, sets each param's `grad`, returns ∂C/∂x
   * and the chain-rule factors it used (for the backward trace).
   */
  backward(dout: Tensor): { dx: Tensor; factors: ChainFactor[] };
  /** Trainable parameters (empty for activations, pooling, flatten, dropout). */
  params(): Param[];
}
