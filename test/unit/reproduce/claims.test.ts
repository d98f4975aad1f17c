/**
 * The claim evaluator of `spinscope reproduce` (core/reproduce/claims.ts) on synthetic evidence:
 * each of the paper's claims is supported by evidence that bears it out, and its verdict flips
 * when one number of that evidence is changed past the stated threshold.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateClaims,
  FAST_SHARE,
  MIN_R2,
  REPLICA_TOLERANCE,
  type ActivationEvidence,
  type ClaimId,
  type ClaimInputs,
  type RunEvidence,
} from '../../../src-main/core/reproduce/claims.ts';

function run(activation: string, seed: number): RunEvidence {
  return {
    id: `${activation}-seed${seed}`,
    activation,
    seed,
    sweepFile: `analyses/sweep-${activation}-seed${seed}/sweep.json`,
    init: {
      step: 0,
      replicaTc: 1.7,
      tapTc: 1.72,
      relativeDifference: 0.02 / 1.7,
      phase: 'glass',
      minLambda: 0.01,
      lambdaMax: 3,
    },
    final: {
      step: 1000,
      epoch: 1,
      tapTc: 3.1,
      phase: 'ordered',
      minLambda: -0.4,
      testAccuracy: 0.95,
      lambdaMax: 6,
    },
    glassToOrderStep: 40,
    fit: { exponent: 0.2, ci95: [0.15, 0.25], r2: 0.97, window: [40, 1000], n: 20 },
  };
}

function activation(name: string, mean: number, ci95: [number, number]): ActivationEvidence {
  return {
    activation: name,
    runs: [`${name}-seed0`, `${name}-seed1`],
    glassToOrderStep: 40,
    exponent: { mean, ci95, n: 2, interval: 'seeds' },
    window: [40, 1000],
    spectra: [
      { step: 0, file: 'a.json', lambdaMax: 3, edge: 3, outliers: 0 },
      { step: 1000, file: 'b.json', lambdaMax: 6, edge: 3, outliers: 4 },
    ],
    phaseDiagram: null,
    meanFinalTestAccuracy: 0.95,
  };
}

function supportive(): ClaimInputs {
  return {
    runs: ['relu', 'sign'].flatMap((a) => [run(a, 0), run(a, 1)]),
    activations: [activation('relu', 0.2, [0.15, 0.25]), activation('sign', 0.22, [0.17, 0.27])],
  };
}

const verdicts = (x: ClaimInputs): Record<ClaimId, boolean> =>
  Object.fromEntries(evaluateClaims(x).map((c) => [c.id, c.supported])) as Record<ClaimId, boolean>;

describe('the claims of arXiv:2408.06421 judged on measured numbers', () => {
  it('evidence that bears every claim out supports all five, each with one evidence line per run or type', () => {
    const claims = evaluateClaims(supportive());
    expect(claims.map((c) => [c.id, c.supported])).toEqual([
      ['glassAtInit', true],
      ['fastDestruction', true],
      ['powerLaw', true],
      ['similarTypes', true],
      ['spectralTails', true],
    ]);
    expect(claims[0].evidence).toHaveLength(4);
    expect(claims[0].evidence[0]).toBe(
      'relu-seed0: step 0 is a glass (min λ_min 0.01); TAP T_c 1.72 vs replica 1.7 (1.18% apart; required ≤ 15%)',
    );
    expect(claims[2].evidence[0]).toMatch(
      /^relu: exponent 0\.2, 95% CI \[0\.15, 0\.25\] \(Student t over 2 seeds\)/,
    );
  });

  it('glass at init: an ordered step 0, or a TAP T_c too far from the replica value, refutes it', () => {
    const ordered = supportive();
    ordered.runs[3].init.phase = 'ordered';
    expect(verdicts(ordered).glassAtInit).toBe(false);
    const far = supportive();
    far.runs[0].init.relativeDifference = REPLICA_TOLERANCE * 1.01;
    expect(verdicts(far).glassAtInit).toBe(false);
    far.runs[0].init.relativeDifference = REPLICA_TOLERANCE;
    expect(verdicts(far).glassAtInit).toBe(true);
  });

  it('fast destruction: order arriving after the first 10% of training, or a run ending unordered, refutes it', () => {
    const late = supportive();
    late.runs[2].glassToOrderStep = Math.floor(FAST_SHARE * late.runs[2].final.step) + 1;
    expect(verdicts(late).fastDestruction).toBe(false);
    late.runs[2].glassToOrderStep = FAST_SHARE * late.runs[2].final.step;
    expect(verdicts(late).fastDestruction).toBe(true);
    const never = supportive();
    never.runs[1].glassToOrderStep = null;
    never.runs[1].final.phase = 'glass';
    expect(verdicts(never).fastDestruction).toBe(false);
  });

  it('power law: an exponent interval reaching 0, or a poor log-log fit, refutes it', () => {
    const flat = supportive();
    flat.activations[1].exponent!.ci95 = [-0.01, 0.4];
    expect(verdicts(flat).powerLaw).toBe(false);
    const curved = supportive();
    curved.runs[0].fit!.r2 = MIN_R2 - 0.01;
    expect(verdicts(curved).powerLaw).toBe(false);
    const none = supportive();
    none.activations[0].exponent = null;
    expect(verdicts(none).powerLaw).toBe(false);
  });

  it('similar types: disjoint exponent intervals, or one type failing a claim, refute it', () => {
    const apart = supportive();
    apart.activations[1].exponent = { mean: 0.6, ci95: [0.5, 0.7], n: 2, interval: 'seeds' };
    const v = verdicts(apart);
    expect([v.powerLaw, v.similarTypes]).toEqual([true, false]);
    const oneGlassy = supportive();
    oneGlassy.runs[2].init.phase = 'ordered'; // sign-seed0
    const claims = evaluateClaims(oneGlassy);
    expect(claims.find((c) => c.id === 'similarTypes')?.evidence[1]).toBe('sign: fails glassAtInit');
    expect(verdicts(oneGlassy).similarTypes).toBe(false);
  });

  it('spectral tails: no eigenvalue beyond the step-0 bulk edge at the end refutes it', () => {
    const bulk = supportive();
    bulk.activations[0].spectra[1] = { ...bulk.activations[0].spectra[1], lambdaMax: 2.9, outliers: 0 };
    expect(verdicts(bulk).spectralTails).toBe(false);
  });
});
