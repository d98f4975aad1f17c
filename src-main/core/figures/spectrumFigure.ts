/**
 * Eigenvalue densities ρ(λ) of the bond matrix J, one per checkpoint, on a log density axis
 * (science.md §5.4): the bulk and the tails/outliers that training grows are both visible only on
 * a log scale. Each histogram is drawn as a step outline at its bin edges; empty bins (density
 * below one eigenvalue's density in that bin) are gaps, since a log axis has no zero.
 */
import type { EChartsOption } from 'echarts';
import { axis, lineSeries, panelOption } from './cartesian.ts';
import type { SpectrumData } from './figureData.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/**
 * Bin centres (geometric on a log x axis) and the densities a log axis can show (null = gap).
 * `floor` is one eigenvalue's density in the narrowest bin (spectral/histogram.ts); in a bin w
 * times wider one eigenvalue gives floor / w, so the threshold scales with the bin's width —
 * log-spaced bins widen with λ, and a fixed floor would blank the whole tail.
 */
export function spectrumPoints(
  s: SpectrumData['series'][number],
  floor: number,
  logX: boolean,
): [number, number | null][] {
  let narrowest = Infinity;
  for (let i = 0; i < s.density.length; i++) narrowest = Math.min(narrowest, s.edges[i + 1] - s.edges[i]);
  const out: [number, number | null][] = [];
  for (let i = 0; i < s.density.length; i++) {
    const lo = s.edges[i];
    const hi = s.edges[i + 1];
    if (logX && !(lo > 0)) continue;
    const x = logX ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    const d = s.density[i];
    // 1 − 1e-9: one eigenvalue exactly at the threshold must survive rounding.
    const threshold = (floor * narrowest * (1 - 1e-9)) / (hi - lo);
    out.push([x, d > 0 && d >= threshold ? d : null]);
  }
  return out;
}

export function spectrumOption(data: SpectrumData, style: FigureStyle): EChartsOption {
  const floor = data.floor ?? 0;
  const logX = data.logX ?? false;
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x', { log: logX }),
    yAxis: axis(data.y, style, 'y', { log: true }),
    series: data.series.map((s, i) =>
      lineSeries(s.name, spectrumPoints(s, floor, logX), i, style, { symbols: false, step: 'middle' }),
    ),
    legendNames: data.series.map((s) => s.name),
  });
}

export function spectrumTable(data: SpectrumData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series) {
    for (const [x, d] of spectrumPoints(s, data.floor ?? 0, data.logX ?? false)) rows.push([s.name, x, d]);
  }
  return { columns: ['series', column(data.x, ' bin centre'), column(data.y)], rows };
}
