import { describe, expect, it } from 'vitest';
import { figureTable } from '../../../src-main/core/figures/kinds.ts';
import { FIT_SAMPLES } from '../../../src-main/core/figures/tcFigure.ts';
import { toCsv } from '../../../src-main/core/figures/table.ts';
import { SAMPLES, STEPS, TC_LAW, tcAt } from '../../helpers/figureSamples.ts';

function parseCsv(csv: string): string[][] {
  return csv
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}

describe('the CSV holds exactly the plotted values, units in the header', () => {
  it('T_c(t): the data points with step > 0 (a log axis has no 0) and the fit line b·t^a', () => {
    const rows = parseCsv(toCsv(figureTable(SAMPLES.tc)));
    expect(rows[0]).toEqual(['series', 'type', 'Training step', 'T_c', 'T_c 95% low', 'T_c 95% high']);
    const relu = rows.filter((r) => r[0] === 'ReLU' && r[1] === 'data');
    expect(relu.map((r) => Number(r[2]))).toEqual(STEPS.filter((s) => s > 0));
    for (const r of relu) expect(Number(r[3])).toBe(tcAt(Number(r[2])));
    const fit = rows.filter((r) => r[1] === 'fit');
    expect(fit).toHaveLength(FIT_SAMPLES);
    expect(Number(fit[0][2])).toBeCloseTo(10, 9);
    expect(Number(fit[fit.length - 1][2])).toBeCloseTo(3000, 6);
    for (const r of fit)
      expect(Number(r[3])).toBeCloseTo(TC_LAW.prefactor * Number(r[2]) ** TC_LAW.exponent, 12);
    const bin = rows.find((r) => r[0] === 'binarized' && r[2] === '100');
    expect(Number(bin?.[4])).toBeCloseTo(0.85 * tcAt(100), 12);
  });

  it('numbers round-trip: the CSV text parses back to the same doubles', () => {
    const rows = parseCsv(toCsv(figureTable(SAMPLES.lambdaMin)));
    const step0 = rows.filter((r) => r[0] === 'step 0');
    for (const r of step0) expect(Number(r[2])).toBe((1 - 1 / Number(r[1])) ** 2);
    expect(rows[0]).toEqual(['series', 'Temperature T', 'λ_{min}(H)']);
  });

  it('a spectrum lists bin centres and leaves out empty bins as empty cells (gaps on the log axis)', () => {
    const rows = parseCsv(toCsv(figureTable(SAMPLES.spectrum)));
    const s0 = rows.filter((r) => r[0] === 'step 0');
    expect(s0).toHaveLength(41);
    // The semicircle of radius 2 is zero beyond |λ| = 2: those bins are blank, the others positive.
    for (const r of s0) expect(r[2] === '').toBe(Math.abs(Number(r[1])) >= 2);
  });

  it('units appear in parentheses; text with commas or quotes is quoted (RFC 4180)', () => {
    expect(parseCsv(toCsv(figureTable(SAMPLES.training)))[0]).toEqual([
      'series',
      'Training step',
      'Training loss (nats)',
    ]);
    expect(toCsv({ columns: ['a'], rows: [['x, "y"']] })).toBe('a\n"x, ""y"""\n');
  });

  it('a phase diagram lists every cell with its phase and the T_c of its step', () => {
    const rows = parseCsv(toCsv(figureTable(SAMPLES.phaseDiagram)));
    expect(rows).toHaveLength(1 + (STEPS.length - 1) * 12);
    const cell = rows.find((r) => r[0] === '1000' && r[1] === '1');
    expect(cell?.[2]).toBe(1 >= tcAt(1000) ? 'paramagnet' : 'hiddenOrder');
    expect(Number(cell?.[3])).toBe(tcAt(1000));
  });
});

describe('log-binned spectra keep every occupied bin', () => {
  it('one eigenvalue per log-spaced bin is drawn in every bin, however wide (the floor scales with the width)', async () => {
    const { histogram, logEdges } = await import('../../../src-main/core/spectral/histogram.ts');
    const { spectrumPoints } = await import('../../../src-main/core/figures/spectrumFigure.ts');
    const edges = logEdges(0.1, 100, 12);
    // One value at each bin's geometric centre: every bin holds exactly one eigenvalue.
    const values = edges.slice(0, -1).map((lo, i) => Math.sqrt(lo * edges[i + 1]));
    const h = histogram(values, edges);
    const points = spectrumPoints({ name: 'J', edges: h.edges, density: h.density }, h.floor, true);
    expect(points).toHaveLength(12);
    for (const [, d] of points) expect(d).not.toBeNull();
    // An empty bin is still a gap.
    const gapped = histogram(
      values.filter((_, i) => i !== 5),
      edges,
    );
    const g = spectrumPoints({ name: 'J', edges: gapped.edges, density: gapped.density }, gapped.floor, true);
    expect(g.filter(([, d]) => d === null)).toHaveLength(1);
  });
});
