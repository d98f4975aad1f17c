/**
 * The sampler against exact enumeration over all 2^N configurations of tiny networks: energy per
 * spin, specific heat, ⟨m²⟩ and ⟨|m|⟩ of the projection and ⟨q²⟩ of the replica overlap must agree
 * with the exact thermal averages within a few of the reported error bars, at every temperature
 * of the ladder, for Metropolis and heat bath, and through both sweep kernels (js, ort).
 */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import { runMonteCarlo } from '../../../src-main/core/montecarlo/simulation.ts';
import type { TemperatureSummary } from '../../../src-main/core/montecarlo/observables.ts';
import { Random } from '../../../src-main/core/util/random.ts';
import { exactAverages } from '../../helpers/exactEnumeration.ts';

function unitVector(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const v = Float64Array.from({ length: n }, () => rng.normal());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** |sampled − exact| in units of the error bar (plus a floor for error bars that are ~0). */
function pulls(t: TemperatureSummary, exact: ReturnType<typeof exactAverages>): Record<string, number> {
  const pull = (mc: { value: number; error: number }, x: number): number =>
    Math.abs(mc.value - x) / (mc.error + 1e-9);
  return {
    energy: pull(t.energyPerSpin, exact.energyPerSpin),
    specificHeat: pull(t.specificHeat, exact.specificHeat),
    m2: pull(t.projection.squared, exact.m2),
    mAbs: pull(t.projection.abs, exact.mAbs),
    q2: pull(t.overlap.squared, exact.q2),
  };
}

async function checkAgainstExact(
  net: Network,
  update: 'metropolis' | 'heatbath',
  backend: 'js' | 'ort',
  sweeps: number,
): Promise<void> {
  const n = net.inputSize + net.layers.reduce((a, l) => a + l.outFeatures, 0);
  const direction = unitVector(n, 5);
  const { report } = await runMonteCarlo(net, {
    tMin: 0.4,
    tMax: 2.5,
    temperatures: 5,
    sweeps,
    thermalize: 500,
    seed: 3,
    update,
    backend,
    direction,
    tap: false,
  });
  expect(report.settings.backend).toBe(backend);
  let worst = 0;
  for (const t of report.temperatures) {
    const p = pulls(t, exactAverages(net, direction, t.T));
    for (const [name, value] of Object.entries(p)) {
      // 4.5σ over 25 comparisons: a false alarm about once in 10⁴ runs; a biased sampler fails by far.
      expect(value, `${name} at T = ${t.T}`).toBeLessThan(4.5);
      worst = Math.max(worst, value);
    }
    // The error bars are meaningful, not inflated: energy errors are at the 1e-3 level here.
    expect(t.energyPerSpin.error).toBeLessThan(0.01);
  }
  expect(worst).toBeGreaterThan(0.05);
}

const net444 = randomNetwork({ widths: [4, 4, 4], seed: 21, init: { gaussianC: 1 } });
const net3542 = randomNetwork({ widths: [3, 5, 4, 2], seed: 8, init: { gaussianC: 1.5 } });

describe('Monte Carlo against exact enumeration', () => {
  it('Metropolis on 4-4-4 (12 spins) reproduces E/N, C, ⟨m²⟩, ⟨|m|⟩ and ⟨q²⟩ at five temperatures', async () => {
    await checkAgainstExact(net444, 'metropolis', 'js', 20_000);
  });

  it('heat bath on 3-5-4-2 (14 spins, three weight matrices) reproduces them too', async () => {
    await checkAgainstExact(net3542, 'heatbath', 'js', 20_000);
  });

  it('Metropolis on 3-5-4-2 reproduces them', async () => {
    await checkAgainstExact(net3542, 'metropolis', 'js', 20_000);
  });

  it('the onnxruntime kernel (float32 fields and rules) samples the same distribution: heat bath, 4-4-4', async () => {
    await checkAgainstExact(net444, 'heatbath', 'ort', 6_000);
  });

  it('the onnxruntime kernel samples the same distribution: Metropolis, 3-5-4-2', async () => {
    await checkAgainstExact(net3542, 'metropolis', 'ort', 6_000);
  });
});
