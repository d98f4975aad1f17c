/**
 * Histograms of weight values, one per layer or checkpoint, drawn as step outlines (not filled
 * bars) so that several overlap legibly; each outline has its own dash for greyscale prints.
 */
import type { EChartsOption } from 'echarts';
import { axis, lineSeries, panelOption } from './cartesian.ts';
import type { WeightHistogramData } from './figureData.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/** The outline of a histogram: (left edge, count) for each bin, closed by (last edge, last count). */
export function histogramOutline(
  s: WeightHistogramData['series'][number],
  logY: boolean,
): [number, number | null][] {
  const v = (c: number): number | null => (logY && !(c > 0) ? null : c);
  const out: [number, number | null][] = s.counts.map((c, i) => [s.edges[i], v(c)]);
  out.push([s.edges[s.edges.length - 1], v(s.counts[s.counts.length - 1])]);
  return out;
}

export function weightHistogramOption(data: WeightHistogramData, style: FigureStyle): EChartsOption {
  const logY = data.logY ?? false;
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x'),
    yAxis: axis(data.y, style, 'y', { log: logY, ...(logY ? {} : { min: 0 }) }),
    series: data.series.map((s, i) =>
      lineSeries(s.name, histogramOutline(s, logY), i, style, { symbols: false, step: 'end' }),
    ),
    legendNames: data.series.map((s) => s.name),
  });
}

export function weightHistogramTable(data: WeightHistogramData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series) {
    s.counts.forEach((c, i) =>
      rows.push([s.name, s.edges[i], s.edges[i + 1], logOk(c, data.logY) ? c : null]),
    );
  }
  return {
    columns: ['series', column(data.x, ' bin low'), column(data.x, ' bin high'), column(data.y)],
    rows,
  };
}

function logOk(c: number, logY: boolean | undefined): boolean {
  return !logY || c > 0;
}
