/**
 * Detailed balance of the replica-exchange move, exactly and empirically: the stationary
 * distribution of (configuration, ladder slot) of one copy must be (1/n_T)·π_{β_t}(σ), the product
 * of Boltzmann weights with a uniform slot — checked on a 2-2 network (16 configurations) whose
 * chain is driven mostly by swaps, so a wrong swap rule shows.
 */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { JsFields } from '../../../src-main/core/montecarlo/localFields.ts';
import { allocateLayers, SpinChain } from '../../../src-main/core/montecarlo/spinChain.ts';
import { drawBuffer, updateLayer } from '../../../src-main/core/montecarlo/spinUpdates.ts';
import { swapProbability, TemperingState } from '../../../src-main/core/montecarlo/tempering.ts';
import { Random } from '../../../src-main/core/util/random.ts';
import { boltzmannWeights } from '../../helpers/exactEnumeration.ts';

describe('replica exchange', () => {
  it('satisfies detailed balance exactly: π_a(x)π_b(y)·P(x↔y) = π_a(y)π_b(x)·P(y↔x)', () => {
    const rng = new Random(1);
    for (let i = 0; i < 1000; i++) {
      const [ba, bb] = [0.1 + 3 * rng.uniform(), 0.1 + 3 * rng.uniform()];
      const [ex, ey] = [-5 + 10 * rng.uniform(), -5 + 10 * rng.uniform()];
      const forward = Math.exp(-ba * ex - bb * ey) * swapProbability(ba, bb, ex, ey);
      const backward = Math.exp(-ba * ey - bb * ex) * swapProbability(ba, bb, ey, ex);
      expect(Math.abs(forward - backward) / backward).toBeLessThan(1e-12);
      expect(swapProbability(ba, bb, ex, ey)).toBeLessThanOrEqual(1);
    }
  });

  it('samples (configuration, slot) of a copy from the product of Boltzmann weights with a uniform slot', () => {
    const net = randomNetwork({ widths: [2, 2], seed: 4, init: { gaussianC: 2 } });
    const chain = SpinChain.fromNetwork(net);
    const temperatures = [0.4, 0.8, 1.6];
    const nT = temperatures.length;
    const copies = 2 * nT;
    const state = new TemperingState(temperatures, 2);
    const fields = new JsFields(chain, copies);
    const spins = allocateLayers(chain, copies);
    const rng = new Random(9);
    for (const l of spins) for (let i = 0; i < l.length; i++) l[i] = rng.uniform() < 0.5 ? 1 : -1;
    const draws = drawBuffer(copies, chain.widths);
    const energy = new Float64Array(copies);
    const counts = new Float64Array(16 * nT);
    const steps = 150_000;
    for (let s = 0; s < steps; s++) {
      // Local moves only now and then: the swaps carry most of the dynamics.
      if (s % 5 === 0) {
        const odd = fields.compute(1, spins);
        updateLayer('metropolis', spins[1], odd[1], 2, state.beta, rng, draws, null);
      }
      if (s % 5 === 2) {
        const even = fields.compute(0, spins);
        updateLayer('heatbath', spins[0], even[0], 2, state.beta, rng, draws, null);
      }
      for (let r = 0; r < copies; r++)
        energy[r] = chain.energy([
          spins[0][2 * r],
          spins[0][2 * r + 1],
          spins[1][2 * r],
          spins[1][2 * r + 1],
        ]);
      state.attemptSwaps(energy, rng);
      // Copy 0: its configuration index (bit i = spin i is +1) and its slot.
      const c =
        (spins[0][0] > 0 ? 1 : 0) |
        (spins[0][1] > 0 ? 2 : 0) |
        (spins[1][0] > 0 ? 4 : 0) |
        (spins[1][1] > 0 ? 8 : 0);
      const slot = state.copyAt.indexOf(0) % nT;
      counts[slot * 16 + c]++;
    }
    const exact = temperatures.flatMap((T) => Array.from(boltzmannWeights(net, T), (p) => p / nT));
    let tv = 0;
    for (let k = 0; k < counts.length; k++) tv += Math.abs(counts[k] / steps - exact[k]);
    expect(tv / 2).toBeLessThan(0.02);
    // The slot marginal is uniform.
    for (let t = 0; t < nT; t++) {
      const share = counts.slice(t * 16, (t + 1) * 16).reduce((a, b) => a + b, 0) / steps;
      expect(Math.abs(share - 1 / nT)).toBeLessThan(0.02);
    }
    // Swaps happened between both pairs.
    expect(Math.min(...state.acceptance())).toBeGreaterThan(0.05);
  });
});
