/**
 * One metric per layer (WeightWatcher's alpha, stable rank, log-norms; science.md §6) as grouped
 * bars, one group per layer W^(k) and one bar per run or checkpoint. Bars of different series
 * differ in colour and in fill — solid, hollow, tinted, hollow with a dashed outline — so they stay
 * apart in greyscale. (Hatching with ECharts decals was tried: pattern tiles are phased differently
 * by resvg and by PDF viewers, so the PNG and the PDF of one figure disagreed.)
 */
import type { BarSeriesOption, EChartsOption } from 'echarts';
import { axis, INK, panelOption } from './cartesian.ts';
import type { LayerBarsData } from './figureData.ts';
import { cycle, dashFor, mapColor } from './palettes.ts';
import { parseMarkup } from './quantity.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/** Fills in series order: solid, hollow, 45% tint, hollow with a dashed outline. */
export const BAR_FILLS: readonly { fill: 'solid' | 'hollow' | 'tint'; dashed: boolean }[] = [
  { fill: 'solid', dashed: false },
  { fill: 'hollow', dashed: false },
  { fill: 'tint', dashed: false },
  { fill: 'hollow', dashed: true },
];
/** Category labels without markup ('W^{(1)}' → 'W(1)'): tick labels are plain text. */
export function layerLabel(label: string): string {
  return parseMarkup(label)
    .map((f) => f.text)
    .join('');
}

export function layerBarsOption(data: LayerBarsData, style: FigureStyle): EChartsOption {
  const series: BarSeriesOption[] = data.series.map((s, i) => {
    const f = cycle(BAR_FILLS, i);
    const color = cycle(style.colors, i);
    return {
      type: 'bar',
      name: s.name,
      data: s.values,
      barGap: '10%',
      // Bars start at 0 and end at their values, all inside the automatic axis range.
      clip: false,
      itemStyle: {
        color:
          f.fill === 'solid' ? color : f.fill === 'tint' ? mapColor(['#ffffff', color], 0.45) : '#ffffff',
        borderColor: f.fill === 'solid' ? INK : color,
        borderWidth: f.fill === 'solid' ? style.axisLineWidth : style.lineWidth,
        borderType: f.dashed ? dashFor(1, style.lineWidth) : 'solid',
      },
      emphasis: { disabled: true },
    };
  });
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x', { categories: data.layers.map(layerLabel) }),
    // Bars are read by their length: the axis starts at zero (or ends there, for negative values).
    yAxis: { ...axis(data.y, style, 'y'), scale: false },
    series,
    legendNames: data.series.map((s) => s.name),
  });
}

export function layerBarsTable(data: LayerBarsData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series)
    data.layers.forEach((l, i) => rows.push([s.name, layerLabel(l), s.values[i] ?? null]));
  return { columns: ['series', column(data.x), column(data.y)], rows };
}
