/**
 * The pieces of `spinscope reproduce` that choose what to compute: the exponent across seeds over a
 * shared hidden-order window (checked on exact power laws and against Student t by hand), the
 * glass → order step, the checkpoints picked for the phase diagram and spectra, its temperature
 * grid, and the plan of runs.
 */
import { describe, expect, it } from 'vitest';
import { reproducePlan, spreadPicks } from '../../../src-main/core/reproduce/budget.ts';
import { phaseGrid } from '../../../src-main/core/reproduce/phaseStage.ts';
import { glassToOrderStep, powerLawPerActivation } from '../../../src-main/core/reproduce/sweepStage.ts';
import type { SweepReport } from '../../../src-main/core/sweep/report.ts';

const STEPS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256];

/** A run whose T_c is b·t^a from `orderedFrom` on (ordered), and glassy 1.7 before. */
function run(activation: string, seed: number, a: number, b: number, orderedFrom: number): SweepReport {
  return {
    run: { id: `${activation}-seed${seed}`, dir: '/x', kind: 'run', config: { activation, seed } },
    checkpoints: STEPS.map((step) => ({
      step,
      tc: step >= orderedFrom ? b * step ** a : 1.7,
      phase: step >= orderedFrom ? 'ordered' : 'glass',
    })),
  } as unknown as SweepReport;
}

describe('the power law per network type across seeds', () => {
  it('fits every seed over the window from the latest glass → order step, and averages with a Student-t interval', () => {
    const file = powerLawPerActivation([
      run('relu', 0, 0.2, 2, 4),
      run('relu', 1, 0.3, 1.5, 16),
      run('sign', 0, 0.25, 2, 8),
    ]);
    const relu = file.activations.find((x) => x.activation === 'relu')!;
    expect(relu.runs.map((r) => r.glassToOrderStep)).toEqual([4, 16]);
    // Shared window: from step 16 (the later seed) to the end, for both seeds.
    expect(relu.window).toEqual([16, 256]);
    expect(relu.runs.map((r) => r.fit?.window)).toEqual([
      [16, 256],
      [16, 256],
    ]);
    expect(relu.runs[0].fit!.exponent).toBeCloseTo(0.2, 12);
    expect(relu.runs[1].fit!.exponent).toBeCloseTo(0.3, 12);
    // Mean 0.25, sd = 0.1/√2, t(0.975, 1 df) = 12.7062: half-width 12.7062 · 0.05.
    expect(relu.exponent!.mean).toBeCloseTo(0.25, 12);
    expect(relu.exponent!.ci95![0]).toBeCloseTo(0.25 - 12.7062047 * 0.05, 6);
    const sign = file.activations.find((x) => x.activation === 'sign')!;
    expect(sign.exponent).toMatchObject({ n: 1, ci95: null });
    expect(sign.exponent!.mean).toBeCloseTo(0.25, 12);
  });

  it('a seed that never orders for good leaves its type without a window or exponent', () => {
    const relapsing = run('relu', 0, 0.2, 2, 4);
    relapsing.checkpoints.at(-1)!.phase = 'glass';
    expect(glassToOrderStep(relapsing.checkpoints)).toBeNull();
    const file = powerLawPerActivation([relapsing, run('relu', 1, 0.2, 2, 4)]);
    expect(file.activations[0]).toMatchObject({ window: null, exponent: null });
    expect(file.activations[0].runs[0].problem).toMatch(/does not end in the ordered phase/);
  });

  it('the glass → order step is the first of the trailing ordered checkpoints, not a passing one', () => {
    const r = run('relu', 0, 0.2, 2, 32);
    r.checkpoints[3].phase = 'ordered'; // step 4 orders, then step 8 falls back to glass
    expect(glassToOrderStep(r.checkpoints)).toBe(32);
  });
});

describe('what the pipeline computes', () => {
  it('picks evenly over the (log-spaced) checkpoints, first and last included', () => {
    expect(spreadPicks(31, 5)).toEqual([0, 8, 15, 23, 30]);
    expect(spreadPicks(13, 3)).toEqual([0, 6, 12]);
    expect(spreadPicks(3, 5)).toEqual([0, 1, 2]);
  });

  it('spans the phase grid from half the lowest T_c to 1.2× the highest', () => {
    // (3.6 − 0.85)/3 = 0.91667 apart, rounded to 4 significant digits.
    expect(phaseGrid([1.7, 2.5, 3], 4)).toEqual([0.85, 1.767, 2.683, 3.6]);
  });

  it('plans one run per activation and seed, with one training thread each', () => {
    const plan = reproducePlan('quick', 3);
    expect(plan.runs.map((r) => r.id)).toEqual([
      'relu-seed0',
      'relu-seed1',
      'relu-seed2',
      'sign-seed0',
      'sign-seed1',
      'sign-seed2',
    ]);
    expect(plan.runs[4].config).toMatchObject({
      arch: [784, 128, 128, 128, 10],
      activation: 'sign',
      seed: 1,
      threads: 1,
    });
    expect(reproducePlan('paper').runs[0].config).toMatchObject({
      arch: [784, 512, 512, 512, 10],
      epochs: 5,
      checkpoints: 60,
    });
    expect(() => reproducePlan('quick', 0)).toThrow(/seeds must be a whole number/);
  });
});
