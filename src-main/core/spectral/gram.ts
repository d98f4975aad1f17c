/**
 * Dense Gram matrices in float64, for the eigenvalue densities (science.md §1, §6).
 *
 * Every Gram block the spectra need is a product P·Qᵀ of two row-major matrices whose rows have the
 * same length: WᵀW is (Wᵀ)(Wᵀ)ᵀ, WWᵀ is W·Wᵀ, and W·V is W·(Vᵀ)ᵀ. So one kernel does them all:
 * C[a, b] = P_a · Q_b, run as the WebAssembly `dots` kernel (c = Q w, two lanes of f64) with Q in
 * kernel memory and one row of P at a time. Float32 weights are widened exactly; every sum is f64.
 */
import { kernelInstance, Layout } from '../kernels/instance.ts';
import type { LinearOperator } from '../linalg/lanczos.ts';
import type { WeightArray } from '../network/network.ts';

/**
 * C = P Qᵀ, row-major [p, q]: C[a, b] = Σ_k P[a, k] Q[b, k] with P [p, len] and Q [q, len] row-major.
 * With `symmetric` (P and Q the same matrix) only the lower triangle is computed and then mirrored.
 */
export function rowProducts(
  P: Float64Array,
  p: number,
  Q: Float64Array,
  q: number,
  len: number,
  symmetric = false,
): Float64Array {
  if (P.length !== p * len || Q.length !== q * len) throw new RangeError('rowProducts: size mismatch');
  if (symmetric && (P !== Q || p !== q)) throw new RangeError('rowProducts: symmetric needs P = Q');
  const out = new Float64Array(p * q);
  if (p === 0 || q === 0 || len === 0) return out;
  const layout = new Layout();
  const qPtr = layout.alloc(8 * q * len);
  const wPtr = layout.alloc(8 * len);
  const cPtr = layout.alloc(8 * q);
  const k = kernelInstance(layout.size);
  const buf = k.memory.buffer;
  new Float64Array(buf, qPtr, q * len).set(Q);
  const w = new Float64Array(buf, wPtr, len);
  const c = new Float64Array(buf, cPtr, q);
  for (let a = 0; a < p; a++) {
    w.set(P.subarray(a * len, (a + 1) * len));
    const count = symmetric ? a + 1 : q;
    k.dots(qPtr, count, len, wPtr, cPtr);
    out.set(c.subarray(0, count), a * q);
  }
  if (symmetric) for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out[a * p + b] = out[b * p + a];
  return out;
}

/** An exact float64 copy of a weight block (float32 → float64 is exact). */
export function toFloat64(w: WeightArray): Float64Array {
  return w instanceof Float64Array ? w : Float64Array.from(w);
}

/** The transpose of a row-major [rows, cols] block, as row-major [cols, rows] in float64. */
export function transposeToFloat64(w: WeightArray, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) t[j * rows + i] = w[r + j];
  }
  return t;
}

/**
 * The Gram matrix of the smaller dimension of a weight block W [rows, cols]: WᵀW (cols × cols) when
 * cols ≤ rows, else WWᵀ (rows × rows). Its eigenvalues are the squared singular values of W.
 */
export function smallerGram(
  w: WeightArray,
  rows: number,
  cols: number,
): { gram: Float64Array; size: number; of: 'WtW' | 'WWt' } {
  if (cols <= rows) {
    const t = transposeToFloat64(w, rows, cols);
    return { gram: rowProducts(t, cols, t, cols, rows, true), size: cols, of: 'WtW' };
  }
  const d = toFloat64(w);
  return { gram: rowProducts(d, rows, d, rows, cols, true), size: rows, of: 'WWt' };
}

/** y = G x for a dense symmetric n × n matrix, as an operator for Lanczos (the matrix is copied once). */
export function denseOperator(g: Float64Array, n: number): LinearOperator {
  if (g.length !== n * n) throw new RangeError('denseOperator: size mismatch');
  const layout = new Layout();
  const gPtr = layout.alloc(8 * n * n);
  const xPtr = layout.alloc(8 * n);
  const yPtr = layout.alloc(8 * n);
  const k = kernelInstance(layout.size);
  const buf = k.memory.buffer;
  new Float64Array(buf, gPtr, n * n).set(g);
  const xv = new Float64Array(buf, xPtr, n);
  const yv = new Float64Array(buf, yPtr, n);
  return (x, y) => {
    xv.set(x);
    k.dots(gPtr, n, n, xPtr, yPtr);
    y.set(yv);
  };
}
