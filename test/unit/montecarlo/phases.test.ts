/**
 * The sampler sees the phases of science.md: a bipartite SK net (two equal layers, C = 1, replica
 * T_c = 1, §2) has a narrow overlap distribution P(q) around 0 above T_c and a broad one below;
 * a net with a rank-one spike (hidden order, §3) orders along the spike direction, with the
 * projection susceptibility peaking within 10% of the TAP T_c at a few hundred spins per layer;
 * and for a pure rank-one (Mattis) chain, whose mean-field T_c = λ_max(J) is exact as N → ∞, the
 * Binder cumulants of two sizes cross near it.
 */
import { describe, expect, it } from 'vitest';
import { finiteSizeReport } from '../../../src-main/core/montecarlo/criticalPoint.ts';
import { runMonteCarlo } from '../../../src-main/core/montecarlo/simulation.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type { TemperatureSummary } from '../../../src-main/core/montecarlo/observables.ts';
import { analyzeNetwork } from '../../../src-main/core/spin/analysis.ts';
import { glassNetwork, withSpike } from '../../helpers/spinNetworks.ts';

/** ∫_{|q| > a} P(q) dq from the report's histogram over [−1, 1]. */
function tailMass(t: TemperatureSummary, a: number): number {
  const bins = t.overlapDensity.length;
  const width = 2 / bins;
  return t.overlapDensity.reduce((s, p, b) => (Math.abs(-1 + (b + 0.5) * width) > a ? s + p * width : s), 0);
}

describe('phases seen by the Monte Carlo', () => {
  it('bipartite SK (2 × 100 spins, C = 1): P(q) narrow around 0 at T = 1.5, broad at T = 0.5', async () => {
    const net = glassNetwork([100, 100], 3, 1);
    const { report } = await runMonteCarlo(net, {
      tMin: 0.5,
      tMax: 1.5,
      temperatures: 8,
      sweeps: 1500,
      thermalize: 1000,
      seed: 1,
      adaptive: true,
      tap: false,
    });
    const cold = report.temperatures[0];
    const hot = report.temperatures.at(-1)!;
    expect([cold.T, hot.T]).toEqual([0.5, 1.5]);
    // Paramagnet: ⟨q²⟩ = χ_SG/N with χ_SG = 1/(1 − β²) ≈ 1.8 for SK at T = 1.5, about 0.01 here.
    expect(hot.overlap.squared.value).toBeLessThan(0.03);
    expect(tailMass(hot, 0.3)).toBeLessThan(0.02);
    expect(hot.overlap.binder.value).toBeLessThan(0.3);
    // Glass: q spreads over ±q_EA; most of P(q) lies beyond |q| = 0.3.
    expect(cold.overlap.squared.value).toBeGreaterThan(10 * hot.overlap.squared.value);
    expect(tailMass(cold, 0.3)).toBeGreaterThan(0.6);
    expect(cold.overlap.binder.value).toBeGreaterThan(0.8);
    // The adaptive ladder keeps every pair swapping.
    expect(Math.min(...report.swaps.map((s) => s.acceptance))).toBeGreaterThan(0.15);
  });

  it('a spiked net (3 × 300 spins) orders along the spike; the χ_m peak is within 10% of the TAP T_c', async () => {
    const { network, direction } = withSpike(glassNetwork([300, 300, 300], 5, 1), 3, 11);
    const tap = analyzeNetwork(network).tap;
    expect(tap.phase).toBe('ordered');
    const { report } = await runMonteCarlo(network, {
      tMin: 0.7 * tap.tc,
      tMax: 1.4 * tap.tc,
      temperatures: 10,
      sweeps: 800,
      thermalize: 300,
      seed: 2,
      direction,
    });
    expect(report.tc.tap?.tc).toBeCloseTo(tap.tc, 10);
    const cold = report.temperatures[0];
    const hot = report.temperatures.at(-1)!;
    // Ordered: |m| = |v·σ|/√N of order one; paramagnet: of order 1/√N.
    expect(cold.projection.abs.value).toBeGreaterThan(0.4);
    expect(hot.projection.abs.value).toBeLessThan(0.1);
    expect(cold.projection.binder.value).toBeGreaterThan(0.9);
    expect(hot.projection.binder.value).toBeLessThan(0.3);
    const peak = report.tc.projectionSusceptibilityPeak!;
    expect(peak.atEdge).toBe(false);
    expect(Math.abs(peak.T / tap.tc - 1)).toBeLessThan(0.1);
    expect(report.tc.estimate).toBe(peak.T);
  });

  it('the Binder cumulants of m for two sizes of a Mattis chain cross within 5% of T_c = λ_max(J) = θ√2', async () => {
    const theta = 2;
    const tc = theta * Math.SQRT2; // top eigenvalue of θ × (the path of three layers), unit vectors
    const reports = [];
    for (const width of [32, 200]) {
      const zero = randomNetwork({ widths: [width, width, width], seed: 1, init: { gaussianC: 0 } });
      const { network, direction } = withSpike(zero, theta, 3);
      const { report } = await runMonteCarlo(network, {
        tMin: 0.7 * tc,
        tMax: 1.3 * tc,
        temperatures: 10,
        sweeps: 1200,
        thermalize: 300,
        seed: 1,
        direction,
        tap: false,
      });
      reports.push(report);
    }
    const sizes = finiteSizeReport(reports);
    expect(sizes.runs.map((r) => r.model.spins)).toEqual([96, 600]);
    expect(sizes.binderCrossing.projection.crossings).toHaveLength(1);
    expect(Math.abs(sizes.binderCrossing.projection.tc! / tc - 1)).toBeLessThan(0.05);
  });
});
