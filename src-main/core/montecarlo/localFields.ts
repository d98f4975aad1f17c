/**
 * Local fields h_i = Σ_j J_ij σ_j of every spin in the layers of one parity, for all R copies at
 * once (spinChain.ts): H_k = S_{k−1}·W^(k) + S_{k+1}·W^(k+1)ᵀ, each a [R, N_k] matrix. This is
 * where a sweep spends its time, so it has two implementations behind one interface:
 *   - `js`: plain loops in float64 accumulation, rounded to float32; the reference, and the fastest
 *     for tiny systems where a call into onnxruntime costs more than the arithmetic;
 *   - `ort` (ortFields.ts): the same products as one onnxruntime graph per parity, whose CPU GEMM
 *     runs the [R, N_{k−1}]×[N_{k−1}, N_k] products at tens of GFLOP/s (architecture.md, Compute).
 *     The sampler runs these nodes inside its half-sweep graphs (ortSweep.ts), followed by the
 *     update rule, so fields never travel back to JavaScript.
 */
import type { Parity, SpinChain, SpinLayers } from './spinChain.ts';

export type FieldBackendName = 'js' | 'ort';

export interface FieldBackend {
  readonly name: FieldBackendName;
  /**
   * The fields of every layer k of `parity` ([R, N_k] float32, indexed by k; the other parity's
   * entries are unused) given the spins of the other parity. The arrays may be reused by the next
   * call: read them before calling again.
   */
  compute(parity: Parity, spins: SpinLayers): Float32Array[] | Promise<Float32Array[]>;
  dispose(): Promise<void> | void;
}

export class JsFields implements FieldBackend {
  readonly name = 'js';
  private readonly out: Float32Array[];
  private readonly acc: Float64Array[];

  constructor(
    private readonly chain: SpinChain,
    private readonly copies: number,
  ) {
    this.out = chain.widths.map((n) => new Float32Array(copies * n));
    this.acc = chain.widths.map((n) => new Float64Array(n));
  }

  compute(parity: Parity, spins: SpinLayers): Float32Array[] {
    const { widths, weights, lastLayer } = this.chain;
    for (const k of this.chain.layersOf(parity)) {
      const n = widths[k];
      const h = this.acc[k];
      const out = this.out[k];
      for (let r = 0; r < this.copies; r++) {
        h.fill(0);
        if (k > 0) {
          // S_{k−1}·W^(k): add or subtract row i of W^(k) ([N_{k−1}, N_k]) by the sign of σ_i.
          const w = weights[k - 1];
          const nIn = widths[k - 1];
          const s = spins[k - 1];
          for (let i = 0; i < nIn; i++) {
            const row = i * n;
            if (s[r * nIn + i] > 0) for (let j = 0; j < n; j++) h[j] += w[row + j];
            else for (let j = 0; j < n; j++) h[j] -= w[row + j];
          }
        }
        if (k < lastLayer) {
          // S_{k+1}·W^(k+1)ᵀ: row j of W^(k+1) ([N_k, N_{k+1}]) dotted with σ of layer k + 1.
          const w = weights[k];
          const nOut = widths[k + 1];
          const s = spins[k + 1];
          const base = r * nOut;
          for (let j = 0; j < n; j++) {
            let d = 0;
            const row = j * nOut;
            for (let l = 0; l < nOut; l++) d += w[row + l] * s[base + l];
            h[j] += d;
          }
        }
        out.set(h, r * n);
      }
    }
    return this.out;
  }

  dispose(): void {}
}
