import { describe, expect, it } from 'vitest';
import { spreadSteps } from '../../../src-main/core/sweep/spread.ts';

describe('spreadSteps: a few checkpoints evenly spaced on the log-step axis', () => {
  // Log-spaced steps 10^(k/4), k = 0..16: picking by index is picking evenly in log t.
  const steps = Array.from({ length: 17 }, (_, k) => Math.round(10 ** (k / 4)));

  it('picks every (n−1)/(count−1)-th checkpoint, first and last included', () => {
    expect(spreadSteps(steps, 5)).toEqual([1, 10, 100, 1000, 10_000]);
    expect(spreadSteps(steps, 3)).toEqual([1, 100, 10_000]);
  });

  it('keeps every checkpoint when there are no more than asked for, and the last when one is asked', () => {
    expect(spreadSteps([0, 5, 9], 8)).toEqual([0, 5, 9]);
    expect(spreadSteps(steps, 1)).toEqual([10_000]);
  });
});
