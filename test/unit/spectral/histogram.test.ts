/** Histograms on linear and log grids, and the CDF distance the SLQ acceptance test uses. */
import { describe, expect, it } from 'vitest';
import { cdfDistance, histogram, linearEdges, logEdges } from '../../../src-main/core/spectral/histogram.ts';

describe('eigenvalue histograms', () => {
  it('counts each value once; the last bin is closed; outside values are counted apart', () => {
    const h = histogram([-2, -1, 0, 0.5, 1, 3], linearEdges(-1, 1, 4));
    expect(h.edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(h.counts).toEqual([1, 0, 1, 2]);
    expect([h.below, h.above, h.total]).toEqual([1, 1, 6]);
    expect(h.density[3]).toBeCloseTo(2 / (6 * 0.5), 14);
    expect(h.floor).toBeCloseTo(1 / (6 * 0.5), 14);
  });

  it('weighted values and a given total make a density of expected counts', () => {
    const h = histogram([0.1, 0.9], linearEdges(0, 1, 2), [2.5, 0.5], 10);
    expect(h.counts).toEqual([2.5, 0.5]);
    expect(h.density).toEqual([0.5, 0.1]);
  });

  it('log grids have equal widths in log10', () => {
    const e = logEdges(1e-3, 10, 4);
    expect(e.map((x) => Math.log10(x))).toEqual([-3, -2, -1, 0, 1].map((x) => expect.closeTo(x, 12)));
    expect(() => logEdges(0, 1, 3)).toThrow(/above 0/);
  });

  it('CDF distance: 0 for equal histograms, the shift fraction for a shifted point mass', () => {
    const edges = linearEdges(0, 10, 100);
    const a = histogram([2.05], edges);
    const b = histogram([4.05], edges);
    expect(cdfDistance(a, a)).toEqual({ l1: 0, ks: 0 });
    const d = cdfDistance(a, b);
    expect(d.ks).toBe(1);
    expect(d.l1).toBeCloseTo(2 / 10, 12);
    expect(() => cdfDistance(a, histogram([1], linearEdges(0, 10, 50)))).toThrow(/share their grid/);
  });
});
