/**
 * A run is a function of (model, settings, seed): the same seed gives an identical report, through
 * either field backend; another seed gives other numbers. Also the argument checks users meet.
 */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { runMonteCarlo, type MonteCarloOptions } from '../../../src-main/core/montecarlo/simulation.ts';
import { MonteCarloError } from '../../../src-main/core/montecarlo/report.ts';

const net = randomNetwork({ widths: [20, 12, 6], seed: 2, init: 'kaiming' });

describe('reproducibility', () => {
  for (const backend of ['js', 'ort'] as const) {
    it(`the same seed gives the identical report (${backend} fields, heat bath, adaptive ladder)`, async () => {
      const opts: MonteCarloOptions = {
        tMin: 0.5,
        tMax: 3,
        temperatures: 6,
        sweeps: 200,
        thermalize: 100,
        seed: 42,
        update: 'heatbath',
        adaptive: true,
        backend,
      };
      const a = await runMonteCarlo(net, opts);
      const b = await runMonteCarlo(net, opts);
      expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
      const c = await runMonteCarlo(net, { ...opts, seed: 43 });
      expect(c.report.temperatures[2].energyPerSpin.value).not.toBe(
        a.report.temperatures[2].energyPerSpin.value,
      );
    });
  }

  it('rejects settings that cannot give a result, naming the fix', async () => {
    const base: MonteCarloOptions = { tMin: 0.5, tMax: 2, temperatures: 4, sweeps: 100 };
    await expect(runMonteCarlo(net, { ...base, tMin: 3 })).rejects.toThrow(MonteCarloError);
    await expect(runMonteCarlo(net, { ...base, sweeps: 10 })).rejects.toThrow(/at least 40 measured sweeps/);
    await expect(runMonteCarlo(net, { ...base, direction: new Float64Array(3) })).rejects.toThrow(
      /3 components, the model has 38 spins/,
    );
  });

  it('warns when the run is too short to be trusted and when tempering is blocked', async () => {
    // Far apart temperatures (no swaps) and a handful of sweeps at a cold T.
    const { report } = await runMonteCarlo(
      randomNetwork({ widths: [60, 60], seed: 1, init: { gaussianC: 1 } }),
      {
        tMin: 0.2,
        tMax: 20,
        temperatures: 3,
        sweeps: 40,
        thermalize: 0,
        seed: 1,
        tap: false,
      },
    );
    expect(report.warnings.join('\n')).toMatch(/run too short to be trusted/);
    expect(report.warnings.join('\n')).toMatch(/parallel tempering is blocked/);
  });
});
