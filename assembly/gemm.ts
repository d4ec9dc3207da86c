/**
 * AssemblyScript source of the fast kernels (compiled by `npm run build` into
 * dist/wasm/kernels.wasm; loaded by src/fast/wasm.ts): the matrix product (its memory layout
 * owned by src/fast/wasm-gemm.ts) and, at the end of this file, the window walk and the forward of
 * the im2col convolution (src/fast/wasm-conv.ts).
 *
 *   out [M, N] += A(i, k) · B [K, N]       A(i, k) read at a + 8·(i·sai + k·sak): A or Aᵀ
 *
 * Every output value is still a sum over k in ascending order, one multiply and one add at a
 * time (no fused multiply-add), so the numbers are those of the loops in src/linalg.ts. The
 * speed comes from SIMD over columns (f64x2: two columns per instruction), register tiles of
 * 4 rows × 4 columns (16 sums in 8 registers, each value of A and B loaded once per tile) and
 * panels of KC rows of B that stay in cache while the tiles walk down A. A tile's sums go back
 * to `out` after each panel and come back for the next: the same additions, in the same order.
 */

const KC: i32 = 256;

/** out [M, N] (holding the start values) += op(A) · B, see the head of this file. */
export function gemm(a: usize, sai: i32, sak: i32, b: usize, o: usize, M: i32, K: i32, N: i32): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = min(K, k0 + KC);
    let i = 0;
    for (; i + 4 <= M; i += 4) rows4(a, sai, sak, b, o, i, k0, k1, N);
    for (; i < M; i++) rows1(a, sai, sak, b, o, i, k0, k1, N);
  }
}

/** Rows i … i+3 of out over the panel k0 … k1−1: tiles of 4 columns, then 2, then 1. */
function rows4(a: usize, sai: i32, sak: i32, b: usize, o: usize, i: i32, k0: i32, k1: i32, N: i32): void {
  const sa = (<usize>sak) << 3;
  const nb = (<usize>N) << 3;
  const a0 = a + ((<usize>(i * sai + k0 * sak)) << 3);
  const a1 = a0 + ((<usize>sai) << 3);
  const a2 = a1 + ((<usize>sai) << 3);
  const a3 = a2 + ((<usize>sai) << 3);
  const o0 = o + ((<usize>(i * N)) << 3);
  const o1 = o0 + nb;
  const o2 = o1 + nb;
  const o3 = o2 + nb;
  const bk = b + ((<usize>(k0 * N)) << 3);
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const jo = (<usize>j) << 3;
    let c00 = v128.load(o0 + jo), c01 = v128.load(o0 + jo, 16);
    let c10 = v128.load(o1 + jo), c11 = v128.load(o1 + jo, 16);
    let c20 = v128.load(o2 + jo), c21 = v128.load(o2 + jo, 16);
    let c30 = v128.load(o3 + jo), c31 = v128.load(o3 + jo, 16);
    let pa: usize = 0;
    let pb = bk + jo;
    for (let k = k0; k < k1; k++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const x0 = f64x2.splat(load<f64>(a0 + pa));
      const x1 = f64x2.splat(load<f64>(a1 + pa));
      const x2 = f64x2.splat(load<f64>(a2 + pa));
      const x3 = f64x2.splat(load<f64>(a3 + pa));
      c00 = f64x2.add(c00, f64x2.mul(x0, b0));
      c01 = f64x2.add(c01, f64x2.mul(x0, b1));
      c10 = f64x2.add(c10, f64x2.mul(x1, b0));
      c11 = f64x2.add(c11, f64x2.mul(x1, b1));
      c20 = f64x2.add(c20, f64x2.mul(x2, b0));
      c21 = f64x2.add(c21, f64x2.mul(x2, b1));
      c30 = f64x2.add(c30, f64x2.mul(x3, b0));
      c31 = f64x2.add(c31, f64x2.mul(x3, b1));
      pa += sa;
      pb += nb;
    }
    v128.store(o0 + jo, c00);
    v128.store(o0 + jo, c01, 16);
    v128.store(o1 + jo, c10);
    v128.store(o1 + jo, c11, 16);
    v128.store(o2 + jo, c20);
    v128.store(o2 + jo, c21, 16);
    v128.store(o3 + jo, c30);
    v128.store(o3 + jo, c31, 16);
  }
  for (; j + 2 <= N; j += 2) {
    const jo = (<usize>j) << 3;
    let c0 = v128.load(o0 + jo), c1 = v128.load(o1 + jo), c2 = v128.load(o2 + jo), c3 = v128.load(o3 + jo);
    let pa: usize = 0;
    let pb = bk + jo;
    for (let k = k0; k < k1; k++) {
      const b0 = v128.load(pb);
      c0 = f64x2.add(c0, f64x2.mul(f64x2.splat(load<f64>(a0 + pa)), b0));
      c1 = f64x2.add(c1, f64x2.mul(f64x2.splat(load<f64>(a1 + pa)), b0));
      c2 = f64x2.add(c2, f64x2.mul(f64x2.splat(load<f64>(a2 + pa)), b0));
      c3 = f64x2.add(c3, f64x2.mul(f64x2.splat(load<f64>(a3 + pa)), b0));
      pa += sa;
      pb += nb;
    }
    v128.store(o0 + jo, c0);
    v128.store(o1 + jo, c1);
    v128.store(o2 + jo, c2);
    v128.store(o3 + jo, c3);
  }
  for (; j < N; j++) {
    const jo = (<usize>j) << 3;
    let c0 = load<f64>(o0 + jo), c1 = load<f64>(o1 + jo), c2 = load<f64>(o2 + jo), c3 = load<f64>(o3 + jo);
    let pa: usize = 0;
    let pb = bk + jo;
    for (let k = k0; k < k1; k++) {
      const b0 = load<f64>(pb);
      c0 += load<f64>(a0 + pa) * b0;
      c1 += load<f64>(a1 + pa) * b0;
      c2 += load<f64>(a2 + pa) * b0;
      c3 += load<f64>(a3 + pa) * b0;
      pa += sa;
      pb += nb;
    }
    store<f64>(o0 + jo, c0);
    store<f64>(o1 + jo, c1);
    store<f64>(o2 + jo, c2);
    store<f64>(o3 + jo, c3);
  }
}

/** Row i of out over the panel k0 … k1−1 (the rows left over after the blocks of 4). */
function rows1(a: usize, sai: i32, sak: i32, b: usize, o: usize, i: i32, k0: i32, k1: i32, N: i32): void {
  const sa = (<usize>sak) << 3;
  const nb = (<usize>N) << 3;
  const a0 = a + ((<usize>(i * sai + k0 * sak)) << 3);
  const o0 = o + ((<usize>(i * N)) << 3);
  const bk = b + ((<usize>(k0 * N)) << 3);
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const jo = (<usize>j) << 3;
    let c0 = v128.load(o0 + jo), c1 = v128.load(o0 + jo, 16);
    let pa: usize = 0;
    let pb = bk + jo;
    for (let k = k0; k < k1; k++) {
      const x = f64x2.splat(load<f64>(a0 + pa));
      c0 = f64x2.add(c0, f64x2.mul(x, v128.load(pb)));
      c1 = f64x2.add(c1, f64x2.mul(x, v128.load(pb, 16)));
      pa += sa;
      pb += nb;
    }
    v128.store(o0 + jo, c0);
    v128.store(o0 + jo, c1, 16);
  }
  for (; j < N; j++) {
    const jo = (<usize>j) << 3;
    let c = load<f64>(o0 + jo);
    let pa: usize = 0;
    let pb = bk + jo;
    for (let k = k0; k < k1; k++) {
      c += load<f64>(a0 + pa) * load<f64>(pb);
      pa += sa;
      pb += nb;
    }
    store<f64>(o0 + jo, c);
  }
}

/** dst [C, R] = srcᵀ for src [R, C] (row-major f64). */
export function transpose(src: usize, dst: usize, R: i32, C: i32): void {
  for (let r = 0; r < R; r++) {
    const s = src + ((<usize>(r * C)) << 3);
    for (let c = 0; c < C; c++) store<f64>(dst + ((<usize>(c * R + r)) << 3), load<f64>(s + ((<usize>c) << 3)));
  }
}

/** Where free memory starts (after this module's static data), 16-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/**
 * im2col and col2im for the fast convolution (src/fast/wasm-conv.ts), the walk of
 * src/layers/im2col.ts's `walkWindows`: every window row r = (n, i, j) of cols [N·OH·OW, KH·KW·C],
 * one contiguous run of x per filter row di. back = 0: cols ← x (cols must hold zeros where a
 * window reaches into the padding); back = 1: x += cols, run after run in the same order as the
 * TypeScript loop, so every sum is the same.
 */
export function windows(x: usize, cols: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, S: i32, P: i32, OH: i32, OW: i32, back: i32): void {
  const K = KH * KW * C;
  let base = 0;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++, base += K) {
        const w0 = j * S - P;
        const dj0 = w0 < 0 ? -w0 : 0;
        const dj1 = W - w0 < KW ? W - w0 : KW;
        if (dj1 <= dj0) continue;
        const len = (dj1 - dj0) * C;
        for (let di = 0; di < KH; di++) {
          const h = i * S - P + di;
          if (h < 0 || h >= H) continue;
          const px = x + ((<usize>(((n * H + h) * W + w0 + dj0) * C)) << 3);
          const pc = cols + ((<usize>(base + (di * KW + dj0) * C)) << 3);
          if (back) {
            for (let t = 0; t < len; t++) {
              const q = (<usize>t) << 3;
              store<f64>(px + q, load<f64>(px + q) + load<f64>(pc + q));
            }
          } else {
            memory.copy(pc, px, (<usize>len) << 3);
          }
        }
      }
    }
  }
}

/**
 * The im2col convolution's forward without the window matrix: out [N·OH·OW, F] = windows · w + b,
 * with w [KH·KW·C, F] row-major (the filters as src/layers/conv.ts stores them). Every output is
 * the product's sum: 0, then + x · w over k = (di, dj, c) in ascending order, then + b, two filters
 * per instruction. Terms whose input lies in the padding are skipped: in the product they add
 * 0 · w = ±0 to a sum that starts at +0 and so is never −0, which changes nothing.
 */
export function convForward(x: usize, w: usize, b: usize, o: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, F: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const rowF = (<usize>F) << 3; // bytes between filter rows of w
  let po = o;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      // filter rows inside the image: di in [di0, di1)
      const h0 = i * S - P;
      const di0 = h0 < 0 ? -h0 : 0;
      const di1 = H - h0 < KH ? H - h0 : KH;
      for (let j = 0; j < OW; j++, po += rowF) {
        const w0 = j * S - P;
        const dj0 = w0 < 0 ? -w0 : 0;
        const dj1 = W - w0 < KW ? W - w0 : KW;
        // up to 8 filters at a time in four registers of two
        let f = 0;
        for (; f + 2 <= F; f += 8) {
          const pairs = min(4, (F - f) >> 1);
          let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
          for (let di = di0; di < di1; di++) {
            for (let dj = dj0; dj < dj1; dj++) {
              let px = x + ((<usize>(((n * H + h0 + di) * W + w0 + dj) * C)) << 3);
              let pw = w + ((<usize>((di * KW + dj) * C * F + f)) << 3);
              for (let c = 0; c < C; c++, px += 8, pw += rowF) {
                const xv = f64x2.splat(load<f64>(px));
                a0 = f64x2.add(a0, f64x2.mul(xv, v128.load(pw)));
                if (pairs > 1) a1 = f64x2.add(a1, f64x2.mul(xv, v128.load(pw, 16)));
                if (pairs > 2) a2 = f64x2.add(a2, f64x2.mul(xv, v128.load(pw, 32)));
                if (pairs > 3) a3 = f64x2.add(a3, f64x2.mul(xv, v128.load(pw, 48)));
              }
            }
          }
          const pf = po + ((<usize>f) << 3);
          const pb = b + ((<usize>f) << 3);
          v128.store(pf, f64x2.add(a0, v128.load(pb)));
          if (pairs > 1) v128.store(pf, f64x2.add(a1, v128.load(pb, 16)), 16);
          if (pairs > 2) v128.store(pf, f64x2.add(a2, v128.load(pb, 32)), 32);
          if (pairs > 3) v128.store(pf, f64x2.add(a3, v128.load(pb, 48)), 48);
          if (pairs < 4) {
            f += 2 * pairs;
            break;
          }
        }
        if (f < F) {
          // the last filter of an odd count
          let acc: f64 = 0;
          for (let di = di0; di < di1; di++) {
            for (let dj = dj0; dj < dj1; dj++) {
              let px = x + ((<usize>(((n * H + h0 + di) * W + w0 + dj) * C)) << 3);
              let pw = w + ((<usize>((di * KW + dj) * C * F + f)) << 3);
              for (let c = 0; c < C; c++, px += 8, pw += rowF) acc += load<f64>(px) * load<f64>(pw);
            }
          }
          store<f64>(po + ((<usize>f) << 3), acc + load<f64>(b + ((<usize>f) << 3)));
        }
      }
    }
  }
}
