import { describe, expect, it } from 'vitest';
import {
  couplingStrengths,
  equalLayerCriticalTemperature,
  replicaCriticalTemperature,
} from '../../../src-main/core/spin/replica.ts';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';

describe('replica (layered SK) critical temperature, science.md §2', () => {
  it('reduces to the paper’s closed form sqrt(2C cos(π/(L+2))) for equal layers', () => {
    for (const L of [1, 2, 3, 5, 9]) {
      for (const C of [1 / 3, 1, 2]) {
        const widths = Array(L + 1).fill(300);
        expect(replicaCriticalTemperature(widths, Array(L).fill(C))).toBeCloseTo(
          equalLayerCriticalTemperature(C, L),
          12,
        );
      }
    }
  });

  it('gives the reference values: 2×600 C=1 → 1.000, 4×400 C=1 → 1.272, 784-300-200-100-10 C=2 → 1.550', () => {
    expect(replicaCriticalTemperature([600, 600], [1])).toBeCloseTo(1.0, 12);
    expect(replicaCriticalTemperature([400, 400, 400, 400], [1, 1, 1])).toBeCloseTo(1.272, 3);
    expect(replicaCriticalTemperature([784, 300, 200, 100, 10], [2, 2, 2, 2])).toBeCloseTo(1.55, 3);
  });

  it('gives science.md’s table for 784-H-H-H-10 (Kaiming, PyTorch default, Glorot)', () => {
    const cases: [number, number, number, number][] = [
      // H, Kaiming, PyTorch default, Glorot
      [100, 1.71, 0.7, 1.24],
      [256, 1.72, 0.7, 1.26],
      [512, 1.76, 0.72, 1.27],
      [1024, 1.84, 0.75, 1.27],
    ];
    for (const [h, kaiming, pytorch, glorot] of cases) {
      const widths = [784, h, h, h, 10];
      const glorotC = widths.slice(1).map((m, k) => (2 * widths[k]) / (widths[k] + m));
      expect(replicaCriticalTemperature(widths, [2, 2, 2, 2])).toBeCloseTo(kaiming, 2);
      expect(replicaCriticalTemperature(widths, [1 / 3, 1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(pytorch, 2);
      expect(replicaCriticalTemperature(widths, glorotC)).toBeCloseTo(glorot, 2);
    }
  });

  it('does not equal the equal-layer formula on 784-H-H-H-10 shapes (it is ~20% off there)', () => {
    const general = replicaCriticalTemperature([784, 512, 512, 512, 10], [2, 2, 2, 2]);
    expect(Math.abs(general / equalLayerCriticalTemperature(2, 4) - 1)).toBeGreaterThan(0.05);
  });

  it('measures C_k = N_{k−1}·mean(W²) from the weights (≈ 2 for Kaiming-normal)', () => {
    const bond = BondMatrix.fromNetwork(randomNetwork({ widths: [784, 256, 256, 10], seed: 9 }));
    const C = couplingStrengths(bond);
    expect(C).toHaveLength(3);
    C.slice(0, 2).forEach((c) => expect(c).toBeCloseTo(2, 1));
    // exact definition on one block
    const b = bond.blocks[2];
    const mean = Array.from(b.weight).reduce((s, w) => s + w * w, 0) / b.weight.length;
    expect(C[2]).toBeCloseTo(256 * mean, 12);
  });
});
