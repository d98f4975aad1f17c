/**
 * Eigenvalue densities ρ(λ) of the bond matrix J, one per checkpoint, on a log density axis
 * (science.md §5.4): the bulk and the tails/outliers that training grows are both visible only on
 * a log scale. Each histogram is drawn as a step outline at its bin edges; empty bins (density
 * below the one-eigenvalue floor) are gaps, since a log axis has no zero.
 */
import type { EChartsOption } from 'echarts';
import { axis, lineSeries, panelOption } from './cartesian.ts';
import type { SpectrumData } from './figureData.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/** Bin centres (geometric on a log x axis) and the densities a log axis can show (null = gap). */
export function spectrumPoints(
  s: SpectrumData['series'][number],
  floor: number,
  logX: boolean,
): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (let i = 0; i < s.density.length; i++) {
    const lo = s.edges[i];
    const hi = s.edges[i + 1];
    if (logX && !(lo > 0)) continue;
    const x = logX ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    const d = s.density[i];
    out.push([x, d > 0 && d >= floor ? d : null]);
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
