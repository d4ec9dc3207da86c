/**
 * Training kernels for the wasm backend of TensorFlow.js 4.22, so that CNNs train there, fast.
 *
 * The wasm backend has no Conv2DBackpropFilter at all (model.fit of any CNN throws), and a few of
 * the kernels training uses are slow, naive loops: Conv2DBackpropInput, MaxPoolGrad (which also
 * picks the LAST of tied maxima, where the cpu backend and our step-by-step max pooling pick the
 * first), BatchMatMul with a transposed operand (the path every dense layer's backward takes),
 * Add of a bias vector (a generic broadcasting loop) and the Sum that is a bias's gradient (a
 * transpose first). Here each is rebuilt from fast kernels the backend already has — Conv2D
 * (XNNPACK), Transpose, BatchMatMul without transposes, PadV2, Reverse, Slice, Add of equal shapes,
 * AvgPool — or, for max pooling, one JavaScript pass over the backend's own memory. Measured on
 * LeNet-5 (batch 64), each replacement saves 0.3 ms (Add, Sum) to 8 ms (Conv2DBackpropInput) of a
 * 12 ms training step; tests/tf/wasm-grads.test.ts checks every one against the cpu backend.
 *
 * Notation (NHWC, as in ../layers/conv.ts):
 *   x   [N, H, W, C]      input of the convolution
 *   w   [KH, KW, C, F]    filters
 *   dy  [N, H', W', F]    ∂C/∂out, H' = (H + top + bottom − KH)/S + 1
 *   xp                    x with `top`/`left` rows/columns of zeros (and bottom/right as needed)
 *
 * Forward:   out[n, i, j, f] = Σ_{kh, kw, c} xp[n, i·S + kh, j·S + kw, c] · w[kh, kw, c, f]
 *
 * Filter gradient (a sum over every example and output position):
 *   dw[kh, kw, c, f] = Σ_{n, i, j} xp[n, i·S + kh, j·S + kw, c] · dy[n, i, j, f]
 * which is itself a convolution: read xp as a batch of C images of H × W pixels with N channels
 * (xᵀ [C, H, W, N]) and dy as a filter of size H' × W' from N channels to F (dyᵀ [H', W', N, F])
 * whose taps are S pixels apart (dilation S); the output [C, KH, KW, F] is dw with its axes turned.
 *
 * Input gradient:
 *   dx[n, h, w, c] = Σ_{kh, kw, f} dy[n, i, j, f] · w[kh, kw, c, f]   over h = i·S + kh − top
 * is a "full" convolution of dy, spread out with S − 1 zeros between its rows and columns, with
 * the filters turned 180° and their channel axes swapped (w′ [KH, KW, F, C]), padded by KH − 1 − top.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A tensor as kernels see it. */
type Info = tf.TensorInfo;
type KernelArgs = { inputs: Record<string, Info>; backend: BackendWasm; attrs: Record<string, unknown> };
type WasmKernel = (args: KernelArgs) => Info | Info[];

const BACKEND = "wasm";

/** The wasm backend's own kernel `name` (to build on), or an error naming it. */
function wasmKernel(name: string): WasmKernel {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`wasm-grads: the wasm backend has no ${name} kernel to build on (is @tensorflow/tfjs-backend-wasm 4.22 loaded?)`);
  return k.kernelFunc as unknown as WasmKernel;
}

/** Free intermediate results (their memory in the wasm heap). */
function free(backend: BackendWasm, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** The wasm kernels these gradients are built from, looked up once. */
interface Base {
  conv2d: WasmKernel;
  transpose: WasmKernel;
  reshape: WasmKernel;
  pad: WasmKernel;
  slice: WasmKernel;
  reverse: WasmKernel;
  batchMatMul: WasmKernel;
  add: WasmKernel;
  sum: WasmKernel;
  avgPool: WasmKernel;
}

function baseKernels(): Base {
  return {
    conv2d: wasmKernel("Conv2D"),
    transpose: wasmKernel("Transpose"),
    reshape: wasmKernel("Reshape"),
    pad: wasmKernel("PadV2"),
    slice: wasmKernel("Slice"),
    reverse: wasmKernel("Reverse"),
    batchMatMul: wasmKernel("BatchMatMul"),
    add: wasmKernel("Add"),
    sum: wasmKernel("Sum"),
    avgPool: wasmKernel("AvgPool"),
  };
}

type ConvGradAttrs = {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/** The backend's Conv2D (XNNPACK) reads NHWC only. */
function checkNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== "NHWC" && dataFormat !== "channelsLast") {
    throw new Error(`${kernel} (wasm, dl-lessons): only NHWC data is supported, got dataFormat ${String(dataFormat)}`);
  }
}

/** The single output of a kernel. */
function one(v: Info | Info[]): Info {
  return Array.isArray(v) ? v[0] : v;
}

// ------------------------------------------------------------------ Conv2DBackpropFilter

/** dw [KH, KW, C, F] = Σ over n, i, j of xp[n, i·S + kh, j·S + kw, c] · dy[n, i, j, f], as one dilated convolution. */
function conv2dBackpropFilter(k: Base, { inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs;
  const a = attrs as ConvGradAttrs & { filterShape: [number, number, number, number] };
  checkNhwc("Conv2DBackpropFilter", a.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const [KH, KW, C, F] = a.filterShape;
  const [, H, W] = x.shape;
  const { outHeight: OH, outWidth: OW, strideHeight: SH, strideWidth: SW } = info;
  const { top, left } = info.padInfo;
  // the padded input must end where the last window ends: (H' − 1)·S + KH rows; rows past it are
  // never read, so their padding is left out (and an excess is sliced off the result below)
  const bottom = Math.max(0, (OH - 1) * SH + KH - H - top);
  const right = Math.max(0, (OW - 1) * SW + KW - W - left);
  const xT = one(k.transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } })); //  [C, H, W, N]
  const dyT = one(k.transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } })); // [H', W', N, F]
  let out = one(
    k.conv2d({
      inputs: { x: xT, filter: dyT },
      backend,
      attrs: { strides: [1, 1], dilations: [SH, SW], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: "NHWC" },
    }),
  ); // [C, KH(+), KW(+), F]
  free(backend, xT, dyT);
  if (out.shape[1] !== KH || out.shape[2] !== KW) {
    const cut = one(k.slice({ inputs: { x: out }, backend, attrs: { begin: [0, 0, 0, 0], size: [C, KH, KW, F] } }));
    free(backend, out);
    out = cut;
  }
  const dw = one(k.transpose({ inputs: { x: out }, backend, attrs: { perm: [1, 2, 0, 3] } })); // [KH, KW, C, F]
  free(backend, out);
  return dw;
}

// ------------------------------------------------------------------ Conv2DBackpropInput

/** dx [N, H, W, C]: the full convolution of dy (spread by the stride) with the filters turned 180°. */
function conv2dBackpropInput(k: Base, { inputs, backend, attrs }: KernelArgs): Info {
  const { dy, filter } = inputs;
  const a = attrs as ConvGradAttrs & { inputShape: [number, number, number, number] };
  checkNhwc("Conv2DBackpropInput", a.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
  const [KH, KW, , F] = filter.shape;
  const [N, H, W] = a.inputShape;
  const { outHeight: OH, outWidth: OW, strideHeight: SH, strideWidth: SW } = info;
  const tmp: Info[] = [];
  // 1. spread dy: S − 1 zeros after every row and column ([N, H'·S, W'·S, F]; the trailing zeros are harmless)
  let d = dy;
  if (SH > 1 || SW > 1) {
    const r = one(k.reshape({ inputs: { x: dy }, backend, attrs: { shape: [N, OH, 1, OW, 1, F] } }));
    const p = one(k.pad({ inputs: { x: r }, backend, attrs: { paddings: [[0, 0], [0, 0], [0, SH - 1], [0, 0], [0, SW - 1], [0, 0]], constantValue: 0 } }));
    d = one(k.reshape({ inputs: { x: p }, backend, attrs: { shape: [N, OH * SH, OW * SW, F] } }));
    tmp.push(r, p, d);
  }
  // 2. pad by KH − 1 − top before, and after as much as makes the output H × W
  const top = KH - 1 - info.padInfo.top;
  const left = KW - 1 - info.padInfo.left;
  let bottom = H + KH - 1 - top - d.shape[1];
  let right = W + KW - 1 - left - d.shape[2];
  if (bottom < 0 || right < 0) {
    // rows of dy that no input pixel reaches (a stride larger than the kernel): cut them
    const cut = one(k.slice({ inputs: { x: d }, backend, attrs: { begin: [0, 0, 0, 0], size: [N, d.shape[1] + Math.min(0, bottom), d.shape[2] + Math.min(0, right), F] } }));
    tmp.push(cut);
    d = cut;
    bottom = Math.max(0, bottom);
    right = Math.max(0, right);
  }
  // 3. w′[kh, kw, f, c] = w[KH − 1 − kh, KW − 1 − kw, c, f]
  const turned = one(k.reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }));
  const wT = one(k.transpose({ inputs: { x: turned }, backend, attrs: { perm: [0, 1, 3, 2] } }));
  tmp.push(turned, wT);
  const dx = one(
    k.conv2d({
      inputs: { x: d, filter: wT },
      backend,
      attrs: { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: "NHWC" },
    }),
  );
  free(backend, ...tmp);
  return dx;
}

// ------------------------------------------------------------------ MaxPoolGrad

/**
 * dx [N, H, W, C]: each upstream gradient goes to its window's winner, the FIRST maximum in
 * row-major window order (as the cpu backend and ../layers/pool.ts), added up where windows overlap.
 */
function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): Info {
  const { dy, input, output } = inputs;
  const a = attrs as { filterSize: number | [number, number]; strides: number | [number, number]; pad: "valid" | "same" | number; dimRoundingMode?: "floor" | "round" | "ceil" };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: SH, strideWidth: SW, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput(input.shape, "float32");
  // views into the wasm heap, taken after makeOutput (which may grow the heap and move it)
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const y = backend.typedArrayFromHeap(output) as Float32Array; // the forward's maxima
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  let o = 0; // flat index of y[n, i, j, c] and dy[n, i, j, c]
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      const h0 = Math.max(0, i * SH - top);
      const h1 = Math.min(H, i * SH - top + KH);
      for (let j = 0; j < OW; j++) {
        const w0 = Math.max(0, j * SW - left);
        const w1 = Math.min(W, j * SW - left + KW);
        for (let c = 0; c < C; c++, o++) {
          // the winner: the first pixel of the window, row by row, equal to the window's maximum
          const m = y[o];
          let win = -1;
          for (let h = h0; h < h1 && win < 0; h++) {
            let p = ((n * H + h) * W + w0) * C + c;
            for (let w = w0; w < w1; w++, p += C) {
              if (x[p] === m) {
                win = p;
                break;
              }
            }
          }
          if (win >= 0) dx[win] += g[o];
        }
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ BatchMatMul

/** a·b with transposed operands made explicit first: the wasm backend's transposed path is a slow loop. */
function batchMatMul(k: Base, { inputs, backend, attrs }: KernelArgs): Info | Info[] {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (!transposeA && !transposeB) return k.batchMatMul({ inputs, backend, attrs });
  const swapLast = (t: Info): Info => {
    const r = t.shape.length;
    const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
    return one(k.transpose({ inputs: { x: t }, backend, attrs: { perm } }));
  };
  const tmp: Info[] = [];
  let { a, b } = inputs;
  if (transposeA) tmp.push((a = swapLast(a)));
  if (transposeB) tmp.push((b = swapLast(b)));
  const out = k.batchMatMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  free(backend, ...tmp);
  return out;
}

// ------------------------------------------------------------------ a bias: Add, and Sum for its gradient

/** A vector of M ones in the wasm heap, kept per backend and length (the few batch sizes in use). */
const onesCache = new WeakMap<BackendWasm, Map<number, Info>>();
function ones(backend: BackendWasm, m: number): Info {
  let cache = onesCache.get(backend);
  if (!cache) onesCache.set(backend, (cache = new Map()));
  let t = cache.get(m);
  if (!t) {
    t = backend.makeOutput([m], "float32");
    (backend.typedArrayFromHeap(t) as Float32Array).fill(1);
    cache.set(m, t);
    if (cache.size > 8) {
      const [oldest, info] = cache.entries().next().value as [number, Info];
      backend.disposeData(info.dataId);
      cache.delete(oldest);
    }
  }
  return t;
}

/** The same data seen with another shape (no copy; for kernels that read dataId and shape only). */
const view = (t: Info, shape: number[]): Info => ({ dataId: t.dataId, shape, dtype: t.dtype });
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** True when v is a float32 vector [C] and t a bigger float32 tensor [..., C]: a bias to add to every row. */
function isBiasOf(v: Info, t: Info): boolean {
  return v.shape.length === 1 && t.shape.length >= 2 && v.shape[0] === t.shape[t.shape.length - 1] && sizeOf(t.shape) > v.shape[0] && v.dtype === "float32" && t.dtype === "float32";
}

/**
 * x + b for x [..., C] and a bias b [C] (every convolution and dense layer in training): the backend
 * broadcasts in a slow generic loop, so b is first repeated to [M, C] as the product of a column of
 * ones [M, 1] and b [1, C], then added elementwise. Any other Add goes to the backend's own kernel.
 */
function addBias(k: Base, args: KernelArgs): Info | Info[] {
  const { a, b } = args.inputs;
  const [x, bias] = isBiasOf(b, a) ? [a, b] : isBiasOf(a, b) ? [b, a] : [null, null];
  if (!x || !bias) return k.add(args);
  const { backend } = args;
  const C = bias.shape[0];
  const M = sizeOf(x.shape) / C;
  const rows = one(k.batchMatMul({ inputs: { a: view(ones(backend, M), [1, M, 1]), b: view(bias, [1, 1, C]) }, backend, attrs: { transposeA: false, transposeB: false } }));
  const out = one(k.add({ inputs: { a: view(x, [1, M, C]), b: rows }, backend, attrs: {} }));
  free(backend, rows);
  return { ...out, shape: [...x.shape] };
}

/**
 * Σ over n, h, w of x [N, H, W, C] → [C] (the gradient of a convolution's bias): the backend first
 * transposes x to [C, N·H·W], slowly. Here XNNPACK's average pooling over each whole H × W image
 * gives [N, 1, 1, C] means; times H·W and added over n (N·C numbers) they are the sums. Other sums
 * go to the backend's own kernel.
 */
function sumOverImages(k: Base, args: KernelArgs): Info | Info[] {
  const { x } = args.inputs;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const axes = x.shape.length === 4 ? tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q) : [];
  if (x.dtype !== "float32" || axes.join() !== "0,1,2") return k.sum(args);
  const { backend } = args;
  const [N, H, W, C] = x.shape;
  const means = one(k.avgPool({ inputs: { x }, backend, attrs: { filterSize: [H, W], strides: [H, W], pad: "valid" } })); // [N, 1, 1, C]
  const out = backend.makeOutput(keepDims ? [1, 1, 1, C] : [C], "float32");
  const m = backend.typedArrayFromHeap(means) as Float32Array;
  const acc = new Float64Array(C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) acc[c] += m[n * C + c];
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc.map((v) => v * H * W));
  free(backend, means);
  return out;
}

// ------------------------------------------------------------------ registration

/** What `registerWasmGradients` did to each kernel. */
export interface WasmGradientKernel {
  kernelName: string;
  /** "added": the backend had none; "replaced": the backend's own was slower (or picks other ties) */
  action: "added" | "replaced";
  why: string;
}

let registered: WasmGradientKernel[] | null = null;

/**
 * Register the kernels above for the wasm backend (once; later calls return the same list).
 * Call after the wasm backend is initialized: the kernels are built on its own kernel functions.
 */
export function registerWasmGradients(): WasmGradientKernel[] {
  if (registered) return registered;
  const base = baseKernels();
  const kernels: { name: string; func: WasmKernel; why: string }[] = [
    { name: "Conv2DBackpropFilter", func: (args) => conv2dBackpropFilter(base, args), why: "missing in tfjs-backend-wasm 4.22; one dilated Conv2D" },
    { name: "Conv2DBackpropInput", func: (args) => conv2dBackpropInput(base, args), why: "the backend's is a naive loop; one Conv2D with turned filters" },
    { name: "MaxPoolGrad", func: maxPoolGrad, why: "the backend's is slow and routes ties to the last maximum; first maximum, as cpu" },
    { name: "BatchMatMul", func: (args) => batchMatMul(base, args), why: "transposed operands take a slow loop; explicit Transpose first" },
    { name: "Add", func: (args) => addBias(base, args), why: "adding a bias [C] to x [..., C] takes a slow broadcasting loop; ones·b then a plain Add" },
    { name: "Sum", func: (args) => sumOverImages(base, args), why: "the sum over n, h, w (a bias gradient) transposes first; average pooling over whole images" },
  ];
  registered = kernels.map(({ name, func, why }) => {
    const had = tf.getKernel(name, BACKEND) !== undefined;
    if (had) tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: func as unknown as tf.KernelFunc });
    return { kernelName: name, action: had ? "replaced" : "added", why };
  });
  return registered;
}

/** The kernels registered so far (empty before registerWasmGradients). */
export function wasmGradientKernels(): readonly WasmGradientKernel[] {
  return registered ?? [];
}
