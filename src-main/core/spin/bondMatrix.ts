/**
 * The bond matrix J of a network's spin model (science.md §1), kept in block form.
 *
 * Spins are numbered layer by layer: layer k occupies [offsets[k], offsets[k] + widths[k]).
 * J is block-tridiagonal with W^(k) ([N_{k−1}, N_k], row-major) above the diagonal and its
 * transpose below; a dense N × N matrix is never formed. J·v costs one pass over the weights
 * (both triangles in the same sweep), run by a small WebAssembly SIMD kernel (core/kernels/kernels.wat)
 * with a plain TypeScript path kept as its reference.
 */
import type { Network, WeightArray } from '../network/network.ts';
import { layerWidths } from '../network/network.ts';
import { kernelInstance, Layout, type KernelExports } from '../kernels/instance.ts';

export interface BondBlock {
  /** Row-major [rows = N_{k−1}, cols = N_k]. */
  readonly weight: WeightArray;
  readonly rows: number;
  readonly cols: number;
}

export type BondBackend = 'wasm' | 'js';

export class BondMatrix {
  /** N_0..N_L. */
  readonly widths: readonly number[];
  /** Start index of each layer's spins; offsets[L + 1] = N. */
  readonly offsets: readonly number[];
  /** Number of spins N. */
  readonly size: number;
  readonly blocks: readonly BondBlock[];
  /** a_i = Σ_l J_il²: squared norm of neuron i's incoming plus outgoing weights. */
  readonly squaredRowNorms: Float64Array;
  /** Number of J·v products so far (a cost measure for benchmarks and tests). */
  matvecs = 0;

  private readonly backend: BondBackend;
  private kernel: KernelExports | null = null;
  private blockOffsets: number[] = [];
  private xPtr = 0;
  private yPtr = 0;
  private zPtr = 0;
  private xView!: Float64Array;
  private yView!: Float64Array;
  private zView!: Float64Array;

  constructor(blocks: readonly BondBlock[], backend: BondBackend = 'wasm') {
    if (blocks.length === 0) throw new RangeError('bond matrix: no weight blocks');
    const widths = [blocks[0].rows];
    for (const b of blocks) {
      if (b.rows !== widths[widths.length - 1]) throw new RangeError('bond matrix: blocks do not chain');
      if (b.weight.length !== b.rows * b.cols) throw new RangeError('bond matrix: block size mismatch');
      widths.push(b.cols);
    }
    const offsets = [0];
    for (const w of widths) offsets.push(offsets[offsets.length - 1] + w);
    this.widths = widths;
    this.offsets = offsets;
    this.size = offsets[offsets.length - 1];
    this.blocks = blocks;
    this.backend = backend;
    this.squaredRowNorms = computeSquaredRowNorms(blocks, offsets, this.size);
    if (backend === 'wasm') this.initKernel();
  }

  /** The spin model of a network: one block per dense layer; biases are not couplings. */
  static fromNetwork(net: Network, backend: BondBackend = 'wasm'): BondMatrix {
    const widths = layerWidths(net);
    return new BondMatrix(
      net.layers.map((l, k) => ({ weight: l.weight, rows: widths[k], cols: widths[k + 1] })),
      backend,
    );
  }

  /** y = J x (y is overwritten). */
  apply(x: Float64Array, y: Float64Array): void {
    this.matvecs++;
    if (this.kernel) {
      this.xView.set(x);
      this.yView.fill(0);
      const k = this.kernel;
      for (let b = 0; b < this.blocks.length; b++) {
        const { rows, cols, weight } = this.blocks[b];
        const vin = this.xPtr + 8 * this.offsets[b];
        const vout = this.xPtr + 8 * this.offsets[b + 1];
        const yin = this.yPtr + 8 * this.offsets[b];
        const yout = this.yPtr + 8 * this.offsets[b + 1];
        const fn = weight instanceof Float32Array ? k.fused32 : k.fused64;
        fn(this.blockOffsets[b], rows, cols, vin, vout, yin, yout);
      }
      y.set(this.yView);
      return;
    }
    applyJs(this.blocks, this.offsets, x, y);
  }

  /**
   * The bipartite structure: spins on layers of one parity ("side" 0 = even layers, 1 = odd) couple
   * only to the other side through the block matrix B, and J = [[0, B], [Bᵀ, 0]]. This applies
   * the Gram operator BᵀB of one side: x and y are compact vectors of that side's spins (its
   * layers concatenated in order), y = BᵀB x. Its eigenvalues are the squared singular values σ²,
   * and ±σ are the eigenvalues of J. Each weight is read twice, once per direction.
   */
  applyGram(side: 0 | 1, x: Float64Array, y: Float64Array): void {
    this.matvecs++;
    this.scatter(side, x, this.xView);
    this.halfApply(side, this.xView, this.yView, this.xPtr, this.yPtr);
    this.halfApply(side === 0 ? 1 : 0, this.yView, this.zView, this.yPtr, this.zPtr);
    this.gather(side, this.zView, y);
  }

  /** y = B x from `side` to the other side (compact vectors): half of J·x. */
  applyHalf(side: 0 | 1, x: Float64Array, y: Float64Array): void {
    this.scatter(side, x, this.xView);
    this.halfApply(side, this.xView, this.yView, this.xPtr, this.yPtr);
    this.gather(side === 0 ? 1 : 0, this.yView, y);
  }

  /** Number of spins on a side (layers of that parity). */
  sideSize(side: 0 | 1): number {
    let n = 0;
    this.widths.forEach((w, k) => (k % 2 === side ? (n += w) : 0));
    return n;
  }

  /** Full-length vector (zeros on the other side) from a compact side vector. */
  expandSide(side: 0 | 1, x: Float64Array): Float64Array {
    const full = new Float64Array(this.size);
    this.scatter(side, x, full);
    return full;
  }

  private scatter(side: 0 | 1, compact: Float64Array, full: Float64Array): void {
    let c = 0;
    this.widths.forEach((w, k) => {
      if (k % 2 !== side) return;
      full.set(compact.subarray(c, c + w), this.offsets[k]);
      c += w;
    });
  }

  private gather(side: 0 | 1, full: Float64Array, compact: Float64Array): void {
    let c = 0;
    this.widths.forEach((w, k) => {
      if (k % 2 !== side) return;
      compact.set(full.subarray(this.offsets[k], this.offsets[k] + w), c);
      c += w;
    });
  }

  /** out (other side) = B in (this side), on full-length kernel vectors at the given pointers. */
  private halfApply(side: 0 | 1, _in: Float64Array, out: Float64Array, inPtr: number, outPtr: number): void {
    const k = this.requireKernel();
    out.fill(0);
    this.blocks.forEach((b, i) => {
      // block i couples layer i (rows) and layer i + 1 (cols)
      const f32 = b.weight instanceof Float32Array;
      if (i % 2 === side) {
        // source on the rows' layer: out_{i+1} += Wᵀ in_i
        (f32 ? k.affine32 : k.affine64)(
          this.blockOffsets[i],
          b.rows,
          b.cols,
          inPtr + 8 * this.offsets[i],
          outPtr + 8 * this.offsets[i + 1],
        );
      } else {
        // source on the cols' layer: out_i += W in_{i+1}
        (f32 ? k.rowdots32 : k.rowdots64)(
          this.blockOffsets[i],
          b.rows,
          b.cols,
          inPtr + 8 * this.offsets[i + 1],
          outPtr + 8 * this.offsets[i],
        );
      }
    });
  }

  private requireKernel(): KernelExports {
    if (!this.kernel) throw new Error('bond matrix: the bipartite operators need the wasm backend');
    return this.kernel;
  }

  /** Dense J (N × N, row-major) — only for tests and the dense reference on small networks. */
  toDense(): Float64Array {
    const n = this.size;
    const d = new Float64Array(n * n);
    this.blocks.forEach((b, k) => {
      const r0 = this.offsets[k];
      const c0 = this.offsets[k + 1];
      for (let i = 0; i < b.rows; i++) {
        for (let j = 0; j < b.cols; j++) {
          const w = b.weight[i * b.cols + j];
          d[(r0 + i) * n + c0 + j] = w;
          d[(c0 + j) * n + r0 + i] = w;
        }
      }
    });
    return d;
  }

  /** Which layer a spin belongs to. */
  layerOf(spin: number): number {
    let k = 0;
    while (spin >= this.offsets[k + 1]) k++;
    return k;
  }

  private initKernel(): void {
    // Memory layout: the weight blocks, then x and y (f64, N each).
    const layout = new Layout();
    this.blockOffsets = this.blocks.map((b) => layout.alloc(b.weight.byteLength));
    this.xPtr = layout.alloc(8 * this.size);
    this.yPtr = layout.alloc(8 * this.size);
    this.zPtr = layout.alloc(8 * this.size);
    const kernel = kernelInstance(layout.size);
    const buf = kernel.memory.buffer;
    this.blocks.forEach((b, k) => {
      const target =
        b.weight instanceof Float32Array
          ? new Float32Array(buf, this.blockOffsets[k], b.weight.length)
          : new Float64Array(buf, this.blockOffsets[k], b.weight.length);
      target.set(b.weight);
    });
    this.xView = new Float64Array(buf, this.xPtr, this.size);
    this.yView = new Float64Array(buf, this.yPtr, this.size);
    this.zView = new Float64Array(buf, this.zPtr, this.size);
    this.kernel = kernel;
  }
}

/** The reference J·v in plain TypeScript (same one-pass structure as the kernel). */
function applyJs(
  blocks: readonly BondBlock[],
  offsets: readonly number[],
  x: Float64Array,
  y: Float64Array,
): void {
  y.fill(0);
  blocks.forEach((b, k) => {
    const { rows: n, cols: m, weight: w } = b;
    const o0 = offsets[k];
    const o1 = offsets[k + 1];
    for (let i = 0; i < n; i++) {
      const xi = x[o0 + i];
      let acc = 0;
      const r = i * m;
      for (let j = 0; j < m; j++) {
        const wij = w[r + j];
        y[o1 + j] += wij * xi;
        acc += wij * x[o1 + j];
      }
      y[o0 + i] += acc;
    }
  });
}

function computeSquaredRowNorms(
  blocks: readonly BondBlock[],
  offsets: readonly number[],
  size: number,
): Float64Array {
  const a = new Float64Array(size);
  blocks.forEach((b, k) => {
    const o0 = offsets[k];
    const o1 = offsets[k + 1];
    for (let i = 0; i < b.rows; i++) {
      let s = 0;
      for (let j = 0; j < b.cols; j++) {
        const w = b.weight[i * b.cols + j];
        s += w * w;
        a[o1 + j] += w * w;
      }
      a[o0 + i] += s;
    }
  });
  return a;
}
