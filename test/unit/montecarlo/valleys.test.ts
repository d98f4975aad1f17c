/**
 * Free-energy valleys by Monte Carlo (core/montecarlo/valleys.ts): the glass below T_c scatters
 * independent copies over many valleys, hidden order gathers them in one ± valley along the spike;
 * the TAP report's phase then follows the Hessian and the valleys (tapAnalysis.ts, withValleys).
 */
import { describe, expect, it } from 'vitest';
import { sampleValleys } from '../../../src-main/core/montecarlo/valleys.ts';
import { analyzeNetwork } from '../../../src-main/core/spin/analysis.ts';
import { analyzeTapSolutions, withValleys } from '../../../src-main/core/spin/tapAnalysis.ts';
import { overlap } from '../../../src-main/core/spin/tapClusters.ts';
import { glassNetwork, withSpike } from '../../helpers/spinNetworks.ts';

const widths = [150, 150, 150];
const glass = glassNetwork(widths, 3);
const spiked = withSpike(glass, 3);

describe('Monte Carlo valleys', () => {
  it('a random layered net at 0.3 T_c: copies scatter over many valleys, none dominant (glass)', async () => {
    const tc = analyzeNetwork(glass).tap.tc;
    const a = await sampleValleys(glass, { temperature: 0.3 * tc, seed: 1 });
    const b = await sampleValleys(glass, { temperature: 0.3 * tc, seed: 2 });
    for (const { report } of [a, b]) {
      expect(report.verdict).toBe('glass');
      expect(report.valleys.length).toBeGreaterThanOrEqual(6);
      expect(report.largestShare).toBeLessThan(0.75);
      expect(report.paramagnetic).toBe(0);
      // Frozen, not paramagnetic: each copy's time average has a large self-overlap.
      for (const v of report.valleys) expect(v.selfOverlap).toBeGreaterThan(0.5);
      expect(report.pairOverlap.median).toBeLessThan(0.6);
    }
    // Stable under other seeds: the largest valley of one run is re-found by the other.
    const reFound = Math.max(...b.representatives.map((m) => Math.abs(overlap(a.representatives[0], m))));
    expect(reFound).toBeGreaterThan(0.8);
  });

  it('a spiked net at 0.6 T_c: every copy in one ± valley aligned with the spike (hidden order)', async () => {
    const tc = analyzeNetwork(spiked.network).tap.tc;
    const { report, representatives } = await sampleValleys(spiked.network, {
      temperature: 0.6 * tc,
      seed: 1,
    });
    expect(report.verdict).toBe('hiddenOrder');
    expect(report.valleys).toHaveLength(1);
    expect(report.valleys[0].size).toBe(report.copies);
    expect(Math.abs(overlap(representatives[0], spiked.direction))).toBeGreaterThan(0.9);
    expect(report.valleys[0].topEigenvectorOverlap).toBeGreaterThan(0.9);
  });

  it('above T_c the copies average to the paramagnet', async () => {
    const tc = analyzeNetwork(glass).tap.tc;
    const { report } = await sampleValleys(glass, {
      temperature: 1.5 * tc,
      seed: 1,
      thermalize: 100,
      measure: 400,
    });
    expect(report.verdict).toBe('paramagnet');
    expect(report.paramagnetic).toBe(report.copies);
  });

  it('the TAP phase with valleys: glass below T_c of a random net, hidden order of a spiked one', async () => {
    const tapGlass = analyzeTapSolutions(glass, { fractionsOfTc: [0.3] }, { starts: 4, maxIterations: 200 });
    const tGlass = tapGlass.report.temperatures[0];
    expect(tGlass.hessian).toBe('glass');
    const vGlass = await sampleValleys(glass, { temperature: tGlass.T, seed: 1 });
    expect(withValleys(tGlass, vGlass.report).phase).toBe('glass');

    const tapSpiked = analyzeTapSolutions(spiked.network, { fractionsOfTc: [0.6] }, { starts: 4 });
    const tSpiked = tapSpiked.report.temperatures[0];
    expect(tSpiked.hessian).toBe('ordered');
    const vSpiked = await sampleValleys(spiked.network, { temperature: tSpiked.T, seed: 1 });
    const combined = withValleys(tSpiked, vSpiked.report);
    expect(combined.phase).toBe('hiddenOrder');
    expect(combined.valleys?.valleys).toHaveLength(1);
    // Disagreement is reported, not resolved silently: glass Hessian with one valley is undetermined.
    expect(withValleys(tGlass, vSpiked.report).phase).toBe('undetermined');
  });

  it('rejects nonsense settings with a clear message', async () => {
    await expect(sampleValleys(glass, { temperature: -1 })).rejects.toThrow(/positive T/);
    await expect(sampleValleys(glass, { temperature: 1, copies: 1 })).rejects.toThrow(/copies/);
  });
});
