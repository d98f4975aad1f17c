/** Training curves: loss or accuracy against step, one line per run (metrics.jsonl). */
import type { EChartsOption } from 'echarts';
import { axis, lineSeries, panelOption, points } from './cartesian.ts';
import type { TrainingData } from './figureData.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/** Curves with more points than this are drawn without markers (the dash still tells them apart). */
export const MARKER_LIMIT = 40;

export function trainingOption(data: TrainingData, style: FigureStyle): EChartsOption {
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x', { log: data.logX }),
    yAxis: axis(data.y, style, 'y', { log: data.logY }),
    series: data.series.map((s, i) =>
      lineSeries(s.name, points(s.x, s.y, data.logX, data.logY), i, style, {
        symbols: s.x.length <= MARKER_LIMIT,
      }),
    ),
    legendNames: data.series.map((s) => s.name),
  });
}

export function trainingTable(data: TrainingData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series)
    for (const [x, y] of points(s.x, s.y, data.logX, data.logY)) rows.push([s.name, x, y]);
  return { columns: ['series', column(data.x), column(data.y)], rows };
}
