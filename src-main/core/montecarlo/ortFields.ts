/**
 * The local fields (localFields.ts) as two onnxruntime graphs, one per parity: inputs the spin
 * matrices S_k ([R, N_k] float32) of the other parity, outputs H_k = S_{k−1}·W^(k) + S_{k+1}·W^(k+1)ᵀ
 * with the weights as initializers (MatMul, and Gemm with transB for the transposed product).
 *
 * One intra-op thread by default: the sampler is single-threaded per core, and onnxruntime's
 * results are bit-identical for the same inputs and thread count, so a run is reproducible from its
 * seed. Loads onnxruntime-node; import this module only when it is used.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx/graph.ts';
import { DataType } from '../onnx/tensor.ts';
import type { FieldBackend } from './localFields.ts';
import type { Parity, SpinChain, SpinLayers } from './spinChain.ts';

/** Declares the spin inputs s0…sL ([R, N_k] float32) of the layers `which` selects. */
export function spinInputs(
  g: GraphBuilder,
  chain: SpinChain,
  copies: number,
  which: (k: number) => boolean,
): void {
  chain.widths.forEach((n, k) => {
    if (which(k)) g.input(`s${k}`, DataType.FLOAT, [copies, n]);
  });
}

/** The node computing H_k = S_{k−1}·W^(k) + S_{k+1}·W^(k+1)ᵀ (weights as initializers w1…wL, shared). */
export function fieldNode(g: GraphBuilder, chain: SpinChain, k: number): string {
  const { widths, lastLayer } = chain;
  const weight = (l: number): string =>
    g.has(`w${l}`)
      ? `w${l}`
      : g.initializer(`w${l}`, DataType.FLOAT, [widths[l - 1], widths[l]], chain.weights[l - 1]);
  const terms: string[] = [];
  if (k > 0) terms.push(g.node('MatMul', [`s${k - 1}`, weight(k)]));
  if (k < lastLayer) terms.push(g.node('Gemm', [`s${k + 1}`, weight(k + 1)], { transB: 1 }));
  return terms.length === 2 ? g.node('Add', terms) : terms[0];
}

/** The session options of the sampler: `threads` intra-op threads, sequential, fully optimised. */
export function samplerSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

/** The graph computing the fields of the layers of `parity` for `copies` copies. */
export function buildFieldGraph(chain: SpinChain, parity: Parity, copies: number): Uint8Array {
  const g = new GraphBuilder('spinscope-montecarlo-fields');
  spinInputs(g, chain, copies, (k) => k % 2 !== parity);
  for (const k of chain.layersOf(parity)) {
    g.output(fieldNode(g, chain, k), `h${k}`, DataType.FLOAT, [copies, chain.widths[k]]);
  }
  return g.toModel({ docString: 'local fields of one parity of the layer chain (spinscope montecarlo)' });
}

export class OrtFields implements FieldBackend {
  readonly name = 'ort';
  private readonly out: Float32Array[];

  private constructor(
    private readonly chain: SpinChain,
    private readonly copies: number,
    private readonly sessions: [ort.InferenceSession, ort.InferenceSession],
  ) {
    this.out = chain.widths.map(() => new Float32Array(0));
  }

  static async create(chain: SpinChain, copies: number, threads = 1): Promise<OrtFields> {
    const options = samplerSessionOptions(threads);
    const sessions = await Promise.all(
      ([0, 1] as const).map((p) => ort.InferenceSession.create(buildFieldGraph(chain, p, copies), options)),
    );
    return new OrtFields(chain, copies, [sessions[0], sessions[1]]);
  }

  async compute(parity: Parity, spins: SpinLayers): Promise<Float32Array[]> {
    const feeds: Record<string, ort.Tensor> = {};
    this.chain.widths.forEach((n, k) => {
      if (k % 2 !== parity) feeds[`s${k}`] = new ort.Tensor('float32', spins[k], [this.copies, n]);
    });
    const result = await this.sessions[parity].run(feeds);
    for (const k of this.chain.layersOf(parity)) this.out[k] = result[`h${k}`].data as Float32Array;
    return this.out;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
