/**
 * The Start panel's budget choices (src-renderer/src/stores/reproduce.ts) state each budget's
 * networks in words; they must say what core/reproduce/budget.ts actually runs.
 */
import { describe, expect, it } from 'vitest';
import { BUDGETS } from '../../../src-main/core/reproduce/budget.ts';
import { BUDGET_CHOICES } from '../../../src-renderer/src/stores/reproduce.ts';

describe('the app’s reproduce budget choices', () => {
  it('offer quick first (the default) and paper, each described as the pipeline’s plan', () => {
    expect(BUDGET_CHOICES.map((c) => c.name)).toEqual(['quick', 'paper']);
    for (const c of BUDGET_CHOICES) {
      const b = BUDGETS[c.name];
      const epochs = `${b.train.epochs} epoch${b.train.epochs === 1 ? '' : 's'}`;
      expect(c.description).toBe(
        `${b.train.arch.join('-')}, ReLU and binarized, ${b.seeds} seeds each, ${epochs}, ${b.train.checkpoints} checkpoints`,
      );
    }
  });
});
