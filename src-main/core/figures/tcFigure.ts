/**
 * T_c against training step on log-log axes, with the power-law fits T_c = b · t^a drawn over
 * their windows (science.md §4–5.3; the fit is core/sweep/powerLaw.ts's least squares of
 * log T_c on log t). A straight line on these axes is a power law; its slope is the exponent.
 */
import type { EChartsOption } from 'echarts';
import { axis, errorBarSeries, lineSeries, panelOption, points } from './cartesian.ts';
import type { TcData } from './figureData.ts';
import { cycle } from './palettes.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

/** Points drawn along each fit line (log-spaced over its window). */
export const FIT_SAMPLES = 32;

export function fitLabel(fit: TcData['fits'][number]): string {
  return `${fit.name} fit: exponent ${fit.exponent.toFixed(3)}`;
}

/** The fit line sampled at FIT_SAMPLES log-spaced steps of its window. */
export function fitCurve(fit: TcData['fits'][number]): [number, number][] {
  const [s0, s1] = fit.window;
  const l0 = Math.log(s0);
  const l1 = Math.log(s1);
  return Array.from({ length: FIT_SAMPLES }, (_, i) => {
    const t = Math.exp(l0 + ((l1 - l0) * i) / (FIT_SAMPLES - 1));
    return [t, fit.prefactor * t ** fit.exponent];
  });
}

export function tcOption(data: TcData, style: FigureStyle): EChartsOption {
  const series: NonNullable<EChartsOption['series']> = [];
  data.series.forEach((s, i) => {
    const color = cycle(style.colors, i);
    series.push(lineSeries(s.name, points(s.x, s.y, true, true), i, style, { line: false }));
    if (s.yLow && s.yHigh) {
      const bars: [number, number, number][] = [];
      s.x.forEach((x, k) => {
        const lo = s.yLow?.[k];
        const hi = s.yHigh?.[k];
        if (x > 0 && lo != null && hi != null && lo > 0 && hi > 0) bars.push([x, lo, hi]);
      });
      series.push(errorBarSeries(`${s.name} 95% CI`, bars, color, style));
    }
  });
  data.fits.forEach((f, j) => {
    const i = Math.max(
      0,
      data.series.findIndex((s) => s.name === f.name),
    );
    series.push(
      lineSeries(fitLabel(f), fitCurve(f), i, style, {
        symbols: false,
        dash: j + 1,
        color: cycle(style.colors, i),
      }),
    );
  });
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x', { log: true }),
    yAxis: axis(data.y, style, 'y', { log: true }),
    series,
    legendNames: [...data.series.map((s) => s.name), ...data.fits.map(fitLabel)],
  });
}

export function tcTable(data: TcData): FigureTable {
  const rows: FigureTable['rows'] = [];
  for (const s of data.series) {
    s.x.forEach((x, k) => {
      const y = s.y[k];
      if (!(x > 0) || y === null || !(y > 0)) return;
      rows.push([s.name, 'data', x, y, s.yLow?.[k] ?? null, s.yHigh?.[k] ?? null]);
    });
  }
  for (const f of data.fits)
    for (const [x, y] of fitCurve(f)) rows.push([fitLabel(f), 'fit', x, y, null, null]);
  return {
    columns: [
      'series',
      'type',
      column(data.x),
      column(data.y),
      column(data.y, ' 95% low'),
      column(data.y, ' 95% high'),
    ],
    rows,
  };
}
