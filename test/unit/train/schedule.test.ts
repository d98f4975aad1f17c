import { describe, expect, it } from 'vitest';
import { batchRange, checkpointSteps, stepsPerEpoch } from '../../../src-main/core/train/schedule.ts';

describe('checkpoint schedule', () => {
  it.each([
    [2345, 60],
    [469, 60],
    [10, 60],
    [1, 5],
    [100000, 60],
    [61, 60],
    [60, 60],
  ])('total %i, %i checkpoints: unique, increasing, starts at 0, ends at the last step', (total, count) => {
    const s = checkpointSteps(total, count);
    expect(s[0]).toBe(0);
    expect(s[s.length - 1]).toBe(total);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(s.every(Number.isInteger)).toBe(true);
    expect(s.length).toBe(1 + Math.min(count, total));
  });

  it('is log-spaced: late ratios between neighbours approach total^(1/(count−1))', () => {
    const s = checkpointSteps(100000, 60);
    const ratio = 100000 ** (1 / 59);
    for (let i = 30; i < s.length; i++) expect(s[i] / s[i - 1]).toBeCloseTo(ratio, 1);
    expect(s.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects nonsense', () => {
    expect(() => checkpointSteps(0, 5)).toThrow(RangeError);
    expect(() => checkpointSteps(10, 0)).toThrow(RangeError);
    expect(() => checkpointSteps(1.5, 3)).toThrow(RangeError);
  });

  it('keeps the last partial batch (PyTorch DataLoader default)', () => {
    expect(stepsPerEpoch(60000, 128)).toBe(469);
    expect(batchRange(468, 60000, 128)).toEqual([59904, 60000]);
    expect(stepsPerEpoch(60000, 100)).toBe(600);
  });
});
