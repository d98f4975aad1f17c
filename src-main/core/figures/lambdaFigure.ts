/**
 * λ_min(H(β)) against T, one curve per checkpoint (science.md §3, §5.1–5.2): a glass touches zero
 * tangentially, hidden order crosses it linearly. The dotted zero line makes the distinction
 * visible at a glance.
 */
import type { EChartsOption } from 'echarts';
import { axis, INK, lineSeries, panelOption, points } from './cartesian.ts';
import type { LambdaFamilyData } from './figureData.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

export function lambdaMinOption(data: LambdaFamilyData, style: FigureStyle): EChartsOption {
  const series: NonNullable<EChartsOption['series']> = data.series.map((s, i) =>
    lineSeries(s.name, points(s.x, s.y), i, style, { symbols: s.x.length <= 40 }),
  );
  const first = series[0] as Record<string, unknown> | undefined;
  if (first) {
    first.markLine = {
      silent: true,
      symbol: 'none',
      label: { show: false },
      lineStyle: {
        color: INK,
        width: style.axisLineWidth,
        type: [style.axisLineWidth, 2 * style.axisLineWidth],
      },
      data: [{ yAxis: 0 }],
    };
  }
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x'),
    yAxis: axis(data.y, style, 'y'),
    series,
    legendNames: data.series.map((s) => s.name),
  });
}

export function lambdaMinTable(data: LambdaFamilyData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series) for (const [x, y] of points(s.x, s.y)) rows.push([s.name, x, y]);
  return { columns: ['series', column(data.x), column(data.y)], rows };
}
