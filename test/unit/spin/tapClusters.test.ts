/**
 * Clustering TAP solutions by |q_ab| (tapClusters.ts) and the per-solution order parameters.
 */
import { describe, expect, it } from 'vitest';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import {
  clusterSolutions,
  layerOrder,
  modeOverlap,
  overlap,
} from '../../../src-main/core/spin/tapClusters.ts';
import { Random } from '../../../src-main/core/util/random.ts';

function gaussian(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** a·cos θ + b⊥·sin θ: a vector at overlap cos θ with a (b made orthogonal to a, same norm). */
function atOverlap(a: Float64Array, b: Float64Array, q: number): Float64Array {
  const ab = overlap(a, b) * Math.hypot(...b) * Math.hypot(...a);
  const perp = b.map((x, i) => x - (ab / a.reduce((s, y) => s + y * y, 0)) * a[i]);
  const scale = Math.hypot(...a) / Math.hypot(...perp);
  return a.map((x, i) => q * x + Math.sqrt(1 - q * q) * scale * perp[i]);
}

describe('clusters of TAP solutions', () => {
  it('m and −m are one cluster (the σ → −σ symmetry); members carry their sign relative to the representative', () => {
    const m = gaussian(50, 1);
    const clusters = clusterSolutions([m, m.map((x) => -x), m.map((x) => 2 * x)]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].members).toEqual([0, 1, 2]);
    expect(clusters[0].signs).toEqual([1, -1, 1]);
    expect(clusters[0].minOverlap).toBeCloseTo(1, 12);
  });

  it('the threshold on |q_ab| decides: q = 0.98 is two states at 0.99 and one at 0.97', () => {
    const a = gaussian(80, 2);
    const b = atOverlap(a, gaussian(80, 3), 0.98);
    expect(overlap(a, b)).toBeCloseTo(0.98, 12);
    expect(clusterSolutions([a, b], { threshold: 0.99 })).toHaveLength(2);
    const one = clusterSolutions([a, b.map((x) => -x)], { threshold: 0.97 });
    expect(one).toHaveLength(1);
    expect(one[0].signs).toEqual([1, -1]);
    expect(one[0].minOverlap).toBeCloseTo(0.98, 12);
  });

  it('the paramagnet m ≈ 0 is its own cluster and never absorbs or joins another', () => {
    const m = gaussian(20, 4);
    const zero = new Float64Array(20);
    const tiny = gaussian(20, 5).map((x) => 1e-8 * x);
    const clusters = clusterSolutions([zero, m, tiny], { paramagnetTolerance: 1e-5 });
    expect(clusters.map((c) => [c.paramagnet, c.members])).toEqual([
      [true, [0, 2]],
      [false, [1]],
    ]);
  });

  it('visits solutions in the given order (e.g. by free energy): the first is the representative; largest cluster first', () => {
    const a = gaussian(30, 6);
    const b = gaussian(30, 7);
    const solutions = [a, b, b.map((x) => -x), a.map((x) => 1.1 * x), b];
    const clusters = clusterSolutions(solutions, { order: [4, 0, 1, 2, 3] });
    expect(clusters.map((c) => c.members)).toEqual([
      [4, 1, 2],
      [0, 3],
    ]);
    expect(clusters[0].signs).toEqual([1, 1, -1]);
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => clusterSolutions([], { threshold: 1.5 })).toThrow(/threshold/);
  });
});

describe('order parameters of a solution', () => {
  it('q_k = mean over layer k of m_i², one per layer including input and output', () => {
    const bond = new BondMatrix([
      { weight: new Float64Array(6), rows: 2, cols: 3 },
      { weight: new Float64Array(3), rows: 3, cols: 1 },
    ]);
    const m = Float64Array.of(0.5, -0.5, 1, 0, 0, -0.3);
    const q = layerOrder(bond, m);
    expect(q).toHaveLength(3);
    expect(q[0]).toBeCloseTo(0.25, 15);
    expect(q[1]).toBeCloseTo(1 / 3, 15);
    expect(q[2]).toBeCloseTo(0.09, 15);
  });

  it('the overlap with a mode is |v·m|/(‖v‖‖m‖), blind to sign and scale', () => {
    const v = Float64Array.of(1, 0, 0);
    expect(modeOverlap(v, Float64Array.of(-3, 4, 0))).toBeCloseTo(0.6, 15);
    expect(
      modeOverlap(
        v.map((x) => 5 * x),
        Float64Array.of(3, -4, 0),
      ),
    ).toBeCloseTo(0.6, 15);
    expect(modeOverlap(v, new Float64Array(3))).toBe(0);
  });
});
