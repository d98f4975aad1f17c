/**
 * T_c from observables: the peak of a response function on an uneven grid, and the crossing of
 * Binder cumulants of several sizes, on curves with a known answer (finite-size scaling form
 * g_N(T) = G((T − T_c)·N^{1/ν}) with a monotone G, which all cross exactly at T_c).
 */
import { describe, expect, it } from 'vitest';
import { binderCrossings, peakTemperature } from '../../../src-main/core/montecarlo/criticalPoint.ts';
import { geometricLadder } from '../../../src-main/core/montecarlo/ladder.ts';

describe('Monte Carlo T_c estimates', () => {
  it('locates the peak of a smooth curve between ladder points (parabolic refinement)', () => {
    const T = geometricLadder(0.5, 3, 15);
    const peak = peakTemperature(
      T,
      T.map((t) => 5 - 3 * (t - 1.37) ** 2),
    );
    expect(peak?.atEdge).toBe(false);
    expect(peak!.T).toBeCloseTo(1.37, 10); // a parabola is refined exactly
    expect(peak!.value).toBeCloseTo(5, 10);
  });

  it('flags a maximum at the end of the ladder', () => {
    const T = [1, 2, 3, 4];
    expect(peakTemperature(T, [4, 3, 2, 1])).toEqual({ T: 1, value: 4, atEdge: true });
  });

  it('finds the common crossing of Binder curves of three sizes', () => {
    const tc = 1.234;
    const nu = 2;
    const G = (x: number): number => 0.5 * (1 - Math.tanh(x));
    const curve = (size: number, T: number[]) => ({
      size,
      temperatures: T,
      binder: T.map((t) => G((t - tc) * size ** (1 / nu) * 0.1)),
    });
    const { crossings, tc: estimate } = binderCrossings([
      curve(400, geometricLadder(0.8, 2, 20)),
      curve(100, geometricLadder(0.7, 2.2, 17)),
      curve(1600, geometricLadder(0.9, 1.9, 25)),
    ]);
    expect(crossings.map((c) => c.sizes)).toEqual([
      [100, 400],
      [400, 1600],
    ]);
    for (const c of crossings) expect(Math.abs(c.T! - tc)).toBeLessThan(0.01);
    expect(Math.abs(estimate! - tc)).toBeLessThan(0.01);
  });

  it('returns no crossing for curves that do not cross', () => {
    const T = [1, 2, 3];
    const { crossings, tc } = binderCrossings([
      { size: 10, temperatures: T, binder: [0.9, 0.5, 0.1] },
      { size: 20, temperatures: T, binder: [0.8, 0.4, 0.05] },
    ]);
    expect(crossings[0].T).toBeNull();
    expect(tc).toBeNull();
  });
});
