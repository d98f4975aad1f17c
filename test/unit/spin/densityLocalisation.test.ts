/** Layer shares and participation ratio of eigenvectors (core/spin/localisation.ts). */
import { describe, expect, it } from 'vitest';
import { layerShares, localise, participationRatio } from '../../../src-main/core/spin/localisation.ts';
import { Random } from '../../../src-main/core/util/random.ts';

// Layers of 5, 3, 4 and 2 spins.
const offsets = [0, 5, 8, 12, 14];

describe('localisation of a vector across layers', () => {
  it('shares sum to 1 and are the squared weight per layer', () => {
    const rng = new Random(1);
    const x = Array.from({ length: 14 }, () => rng.normal());
    const shares = layerShares(offsets, x);
    expect(shares).toHaveLength(4);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    const total = x.reduce((s, v) => s + v * v, 0);
    const layer2 = x.slice(8, 12).reduce((s, v) => s + v * v, 0);
    expect(shares[2]).toBeCloseTo(layer2 / total, 14);
  });

  it('a vector planted on one layer has all its weight there', () => {
    const x = new Float64Array(14);
    [0.3, -1.2, 0.5].forEach((v, i) => (x[5 + i] = v));
    const l = localise(offsets, 2.5, x);
    expect(l.layerShares).toEqual([0, 1, 0, 0]);
    expect(l.dominantLayer).toBe(1);
    expect(l.eigenvalue).toBe(2.5);
  });

  it('participation ratio: 1 for a flat vector, 1/N on one spin, k/N on k equal spins', () => {
    expect(participationRatio(new Float64Array(14).fill(0.7))).toBeCloseTo(1, 14);
    const one = new Float64Array(14);
    one[3] = -2;
    expect(participationRatio(one)).toBeCloseTo(1 / 14, 14);
    const four = new Float64Array(14);
    [1, 4, 9, 13].forEach((i) => (four[i] = 0.5));
    expect(participationRatio(four)).toBeCloseTo(4 / 14, 14);
  });

  it('the zero vector has no shares rather than NaN', () => {
    expect(layerShares(offsets, new Float64Array(14))).toEqual([0, 0, 0, 0]);
    expect(() => layerShares(offsets, new Float64Array(13))).toThrow(/13 for 14 spins/);
  });
});
