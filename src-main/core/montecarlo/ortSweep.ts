/**
 * Half-sweeps (sweepKernels.ts) as onnxruntime graphs: one graph per parity computes the local
 * fields of its layers (ortFields.ts) and applies the update rule to all R × N_k spins at once:
 *   Metropolis: σ' = −σ where u < exp(−2β σ h), else σ   (for σh ≤ 0 the bound is ≥ 1 > u: always)
 *   heat bath:  σ' = +1 where u < sigmoid(2β h) = 1/(1 + e^{−2βh}), else −1
 * and returns, per copy, Σ σ' h (for the energy) and Σ σ' σ = N_k − 2 × flips. The inputs carry
 * −2β (Metropolis) or 2β (heat bath) per copy, so the graph needs no negation pass.
 *
 * Exactness: the rules are the exact single-spin rules, evaluated in float32 (fields, 2β, the
 * exponential, u = (k + ½)·2⁻²³ from 23 random bits). Acceptance probabilities are therefore off by
 * float32 rounding (~1e-7 relative) and probabilities below 2⁻²⁴ ≈ 6e-8 round to 0 — far below any
 * statistical resolution of a run; the `js` kernel does the same in float64 with 32-bit uniforms.
 * The uniforms come from the run's seeded generator, so runs are reproducible (onnxruntime's
 * CPU results are deterministic for a fixed thread count).
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx/graph.ts';
import { DataType } from '../onnx/tensor.ts';
import type { Random } from '../util/random.ts';
import { fieldNode, samplerSessionOptions, spinInputs } from './ortFields.ts';
import type { Parity, SpinChain, SpinLayers } from './spinChain.ts';
import type { UpdateRule } from './spinUpdates.ts';
import type { SweepKernel } from './sweepKernels.ts';

/** The graph of one half-sweep of `parity` with `rule` for `copies` copies. */
export function buildHalfSweepGraph(
  chain: SpinChain,
  parity: Parity,
  copies: number,
  rule: UpdateRule,
): Uint8Array {
  const g = new GraphBuilder('spinscope-montecarlo-halfsweep');
  spinInputs(g, chain, copies, () => true);
  const beta2 = g.input('beta2', DataType.FLOAT, [copies, 1]); // −2β for Metropolis, 2β for heat bath
  const axes = g.int64s('axes1', [1], [1]);
  for (const k of chain.layersOf(parity)) {
    const n = chain.widths[k];
    const s = `s${k}`;
    const u = g.input(`u${k}`, DataType.FLOAT, [copies, n]);
    const h = fieldNode(g, chain, k);
    let next: string;
    if (rule === 'metropolis') {
      const accept = g.node('Less', [u, g.node('Exp', [g.node('Mul', [g.node('Mul', [s, h]), beta2])])]);
      next = g.node('Where', [accept, g.node('Neg', [s]), s]);
    } else {
      const up = g.node('Less', [u, g.node('Sigmoid', [g.node('Mul', [beta2, h])])]);
      next = g.node('Where', [up, g.scalar(1, DataType.FLOAT), g.scalar(-1, DataType.FLOAT)]);
    }
    g.output(next, `next${k}`, DataType.FLOAT, [copies, n]);
    g.output(
      g.node('ReduceSum', [g.node('Mul', [next, h]), axes], { keepdims: 0 }),
      `sh${k}`,
      DataType.FLOAT,
      [copies],
    );
    g.output(
      g.node('ReduceSum', [g.node('Mul', [next, s]), axes], { keepdims: 0 }),
      `kept${k}`,
      DataType.FLOAT,
      [copies],
    );
  }
  return g.toModel({ docString: `one ${rule} half-sweep of the layer chain (spinscope montecarlo)` });
}

export class OrtSweep implements SweepKernel {
  readonly name = 'ort';
  private readonly beta2: Float32Array;
  private readonly uniforms: Float32Array[];

  private constructor(
    private readonly chain: SpinChain,
    private readonly copies: number,
    private readonly rule: UpdateRule,
    private readonly sessions: [ort.InferenceSession, ort.InferenceSession],
  ) {
    this.beta2 = new Float32Array(copies);
    this.uniforms = chain.widths.map((n) => new Float32Array(copies * n));
  }

  static async create(chain: SpinChain, copies: number, rule: UpdateRule, threads = 1): Promise<OrtSweep> {
    const options = samplerSessionOptions(threads);
    const sessions = await Promise.all(
      ([0, 1] as const).map((p) =>
        ort.InferenceSession.create(buildHalfSweepGraph(chain, p, copies, rule), options),
      ),
    );
    return new OrtSweep(chain, copies, rule, [sessions[0], sessions[1]]);
  }

  async halfSweep(
    parity: Parity,
    spins: SpinLayers,
    beta: Float64Array,
    rng: Random,
    energy: Float64Array | null,
    flips: Float64Array | null,
  ): Promise<void> {
    const R = this.copies;
    const sign = this.rule === 'metropolis' ? -2 : 2;
    for (let r = 0; r < R; r++) this.beta2[r] = sign * beta[r];
    const feeds: Record<string, ort.Tensor> = { beta2: new ort.Tensor('float32', this.beta2, [R, 1]) };
    this.chain.widths.forEach((n, k) => {
      feeds[`s${k}`] = new ort.Tensor('float32', spins[k], [R, n]);
    });
    const layers = this.chain.layersOf(parity);
    for (const k of layers) {
      const u = this.uniforms[k];
      rng.fillUniformFloat32(u);
      feeds[`u${k}`] = new ort.Tensor('float32', u, [R, this.chain.widths[k]]);
    }
    const out = await this.sessions[parity].run(feeds);
    for (const k of layers) {
      spins[k].set(out[`next${k}`].data as Float32Array);
      const sh = out[`sh${k}`].data as Float32Array;
      const kept = out[`kept${k}`].data as Float32Array;
      const n = this.chain.widths[k];
      for (let r = 0; r < R; r++) {
        if (energy) energy[r] -= sh[r];
        if (flips) flips[r] += (n - kept[r]) / 2;
      }
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
