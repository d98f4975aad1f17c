/**
 * The temperature ladder: geometric spacing, and the adaptive feedback converging to equal swap
 * acceptance for a model whose acceptance between β and β' is exp(−κ(β̄)·(β − β')²) with a
 * strongly varying κ (a "specific-heat peak" in the middle of the range).
 */
import { describe, expect, it } from 'vitest';
import { adaptLadder, geometricLadder } from '../../../src-main/core/montecarlo/ladder.ts';

describe('temperature ladder', () => {
  it('is geometric: constant ratio T_{t+1}/T_t, exact ends', () => {
    const T = geometricLadder(0.5, 4, 7);
    expect(T[0]).toBe(0.5);
    expect(T[6]).toBe(4);
    for (let t = 0; t + 1 < T.length; t++) expect(T[t + 1] / T[t]).toBeCloseTo(8 ** (1 / 6), 12);
  });

  it('the adaptive rule equalises swap acceptance and keeps the ends', () => {
    const kappa = (beta: number): number => 20 + 400 * Math.exp(-((beta - 1) ** 2) / 0.02);
    const acceptance = (T: number[]): number[] =>
      T.slice(1).map((t, i) => {
        const [b0, b1] = [1 / T[i], 1 / t];
        return Math.exp(-kappa((b0 + b1) / 2) * (b0 - b1) ** 2);
      });
    let T = geometricLadder(0.5, 3, 12);
    const before = acceptance(T);
    for (let round = 0; round < 30; round++) T = adaptLadder(T, acceptance(T));
    const after = acceptance(T);
    const spread = (a: number[]): number => Math.max(...a) / Math.min(...a);
    expect(spread(before)).toBeGreaterThan(3);
    expect(spread(after)).toBeLessThan(1.1);
    expect(T[0]).toBe(0.5);
    expect(T[T.length - 1]).toBe(3);
    for (let t = 0; t + 1 < T.length; t++) expect(T[t + 1]).toBeGreaterThan(T[t]);
  });
});
