/**
 * One half of a checkerboard sweep: update every spin of the layers of one parity, for all R
 * copies, given the spins of the other parity (spinChain.ts explains why that is exact). Two
 * implementations with the same contract:
 *   - `js`: local fields by plain loops (localFields.ts), then the float64 single-spin rules of
 *     spinUpdates.ts; the reference, and the fastest for tiny systems;
 *   - `ort` (ortSweep.ts): fields AND the update rule in one onnxruntime graph per parity, in
 *     float32: GEMM for the fields, vectorised Exp/Sigmoid and comparisons for the acceptance.
 */
import type { Random } from '../util/random.ts';
import { JsFields, type FieldBackendName } from './localFields.ts';
import type { Parity, SpinChain, SpinLayers } from './spinChain.ts';
import { drawBuffer, updateLayer, type UpdateRule } from './spinUpdates.ts';

export interface SweepKernel {
  readonly name: FieldBackendName;
  /**
   * Updates the layers of `parity` in place in `spins`, copy r at inverse temperature beta[r].
   * Adds −Σ_i σ_i h_i over the updated layers (new spins) to energy[r] when `energy` is given —
   * the energy, for the even parity (spinChain.ts) — and the number of changed spins to flips[r].
   */
  halfSweep(
    parity: Parity,
    spins: SpinLayers,
    beta: Float64Array,
    rng: Random,
    energy: Float64Array | null,
    flips: Float64Array | null,
  ): void | Promise<void>;
  dispose(): void | Promise<void>;
}

export class JsSweep implements SweepKernel {
  readonly name = 'js';
  private readonly fields: JsFields;
  private readonly draws: Uint32Array;

  constructor(
    private readonly chain: SpinChain,
    copies: number,
    private readonly rule: UpdateRule,
  ) {
    this.fields = new JsFields(chain, copies);
    this.draws = drawBuffer(copies, chain.widths);
  }

  halfSweep(
    parity: Parity,
    spins: SpinLayers,
    beta: Float64Array,
    rng: Random,
    energy: Float64Array | null,
    flips: Float64Array | null,
  ): void {
    const h = this.fields.compute(parity, spins);
    for (const k of this.chain.layersOf(parity)) {
      updateLayer(this.rule, spins[k], h[k], this.chain.widths[k], beta, rng, this.draws, energy, flips);
    }
  }

  dispose(): void {}
}
