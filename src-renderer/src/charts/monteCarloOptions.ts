/**
 * ECharts options of a checkpoint's Monte Carlo check (core/montecarlo/, science.md §6): the
 * observables of parallel tempering against the temperature T with their jackknife error bars,
 * the TAP T_c and the Monte Carlo T_c as vertical lines, P(q) at a few temperatures, and the
 * swap acceptance along the ladder. Pure functions (report, style) → option, like options.ts.
 *
 * Temperatures are T (not β) on every axis, as everywhere in the workbench.
 */
import type { EChartsOption } from 'echarts';
import type { EstimateDto, MonteCarloDto, MonteCarloTemperatureDto } from '../../../src-main/api/contract.ts';
import { axis, chartBase, legend, num, PLOT_TOP, title, tooltip, verticalMarks } from './options.ts';
import type { ChartStyle } from './style.ts';

type Report = MonteCarloDto['report'];

/** The quantities drawn against T, one chart each. */
export type MonteCarloQuantity = 'energy' | 'specificHeat' | 'susceptibility' | 'overlap';

export interface MonteCarloCurve {
  name: string;
  /** Which y axis: 0 left, 1 right (⟨q²⟩ and the Binder cumulant share a chart). */
  yAxis: 0 | 1;
  /** One per ladder temperature, ascending T. */
  points: { T: number; value: number; error: number }[];
}

const CURVES: Record<
  MonteCarloQuantity,
  {
    title: string;
    subtitle: string;
    axes: string[];
    curves: [string, (t: MonteCarloTemperatureDto) => EstimateDto][];
  }
> = {
  energy: {
    title: 'Energy per spin',
    subtitle: 'e = E/N, H = −Σ W_ij σ_i σ_j',
    axes: ['energy per spin E/N'],
    curves: [['E/N', (t) => t.energyPerSpin]],
  },
  specificHeat: {
    title: 'Specific heat',
    subtitle: 'C/N = β²N(⟨e²⟩ − ⟨e⟩²)',
    axes: ['specific heat C/N'],
    curves: [['C/N', (t) => t.specificHeat]],
  },
  susceptibility: {
    title: 'Susceptibility of the hidden order',
    subtitle: 'χ = βN(⟨m²⟩ − ⟨|m|⟩²), m = v·σ/√N on J’s top eigenvector v',
    axes: ['susceptibility χ_m'],
    curves: [['χ_m', (t) => t.projection.susceptibility]],
  },
  overlap: {
    title: 'Replica overlap',
    subtitle: '⟨q²⟩ of q = σᵃ·σᵇ/N, and its Binder cumulant g_q = ½(3 − ⟨q⁴⟩/⟨q²⟩²)',
    axes: ['⟨q²⟩', 'Binder g_q'],
    curves: [
      ['⟨q²⟩', (t) => t.overlap.squared],
      ['Binder g_q', (t) => t.overlap.binder],
    ],
  },
};

/** The curves of one chart, straight from the report (value ± error at each T). */
export function monteCarloCurves(report: Report, quantity: MonteCarloQuantity): MonteCarloCurve[] {
  return CURVES[quantity].curves.map(([name, pick], i) => ({
    name,
    yAxis: i === 0 ? 0 : 1,
    points: report.temperatures.map((t) => {
      const e = pick(t);
      return { T: t.T, value: e.value, error: e.error };
    }),
  }));
}

/** The vertical T_c lines: TAP's (single instance) and the Monte Carlo estimate, where known. */
export function tcMarks(report: Report): { name: string; T: number; kind: 'tap' | 'montecarlo' }[] {
  const marks: { name: string; T: number; kind: 'tap' | 'montecarlo' }[] = [];
  if (report.tc.tap)
    marks.push({ name: `TAP T_c = ${num(report.tc.tap.tc)}`, T: report.tc.tap.tc, kind: 'tap' });
  if (report.tc.estimate !== null)
    marks.push({ name: `MC T_c = ${num(report.tc.estimate)}`, T: report.tc.estimate, kind: 'montecarlo' });
  return marks;
}

/** The T axis: the ladder, widened to show the T_c lines, 3% padding each side. */
function temperatureRange(report: Report): { min: number; max: number } {
  const Ts = [...report.temperatures.map((t) => t.T), ...tcMarks(report).map((m) => m.T)];
  const lo = Math.min(...Ts);
  const hi = Math.max(...Ts);
  const pad = 0.03 * (hi - lo || hi);
  return { min: Math.max(0, lo - pad), max: hi + pad };
}

/**
 * Vertical error bars (value ± one standard error, with caps) as a custom series: [T, low, high]
 * per point. ECharts has no error-bar series; this is its documented custom-series recipe.
 */
function errorBars(curve: MonteCarloCurve, color: string): Record<string, unknown> {
  return {
    name: curve.name,
    type: 'custom',
    yAxisIndex: curve.yAxis,
    itemStyle: { color },
    tooltip: { show: false },
    encode: { x: 0, y: [1, 2] },
    data: curve.points.map((p) => [p.T, p.value - p.error, p.value + p.error]),
    renderItem: (
      _params: unknown,
      api: { value(i: number): number; coord(p: [number, number]): [number, number] },
    ) => {
      const low = api.coord([api.value(0), api.value(1)]);
      const high = api.coord([api.value(0), api.value(2)]);
      const cap = 3;
      const line = (x1: number, y1: number, x2: number, y2: number): Record<string, unknown> => ({
        type: 'line',
        shape: { x1, y1, x2, y2 },
        style: { stroke: color, lineWidth: 1.2 },
      });
      return {
        type: 'group',
        children: [
          line(low[0], low[1], high[0], high[1]),
          line(low[0] - cap, low[1], low[0] + cap, low[1]),
          line(high[0] - cap, high[1], high[0] + cap, high[1]),
        ],
      };
    },
    z: 3,
  };
}

/** One observable (or two, on two y axes) against T with error bars and the T_c lines. */
export function monteCarloObservableOption(
  data: { report: Report; step: number; quantity: MonteCarloQuantity },
  style: ChartStyle,
): EChartsOption {
  const spec = CURVES[data.quantity];
  const curves = monteCarloCurves(data.report, data.quantity);
  const colours = [style.primary, style.secondary];
  const marks = tcMarks(data.report);
  const range = temperatureRange(data.report);
  return {
    ...chartBase(style),
    title: title(style, `${spec.title}, step ${data.step}`, spec.subtitle),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number]; data: { error?: number } }) =>
        `${p.seriesName}<br/>T = ${num(p.value[0])}: ${num(p.value[1])} ± ${num(p.data?.error ?? NaN)}`,
    }),
    grid: { left: 64, right: spec.axes.length > 1 ? 56 : 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'temperature T', 'value', { nameGap: 26, ...range }),
    yAxis: spec.axes.map((name, i) =>
      axis(style, name, 'value', {
        nameGap: i === 0 ? 48 : 40,
        ...(i > 0 ? { splitLine: { show: false } } : {}),
      }),
    ),
    series: curves.flatMap((c, i) => [
      {
        name: c.name,
        type: 'line',
        yAxisIndex: c.yAxis,
        symbolSize: 5,
        lineStyle: { color: colours[i], width: 1.5 },
        itemStyle: { color: colours[i] },
        data: c.points.map((p) => ({ value: [p.T, p.value], error: p.error })),
        ...(i === 0 && marks.length
          ? {
              markLine: {
                ...verticalMarks(style),
                data: marks.map((m) => ({
                  name: m.name,
                  xAxis: m.T,
                  lineStyle:
                    m.kind === 'tap'
                      ? { color: style.fit, width: 2 }
                      : { color: style.marker, width: 2, type: 'dashed' },
                })),
              },
            }
          : {}),
      },
      errorBars(c, colours[i]),
    ]),
  } as EChartsOption;
}

/** Up to `count` ladder indices spread evenly from the coldest to the hottest temperature. */
export function overlapTemperatureIndices(temperatures: number, count = 4): number[] {
  if (temperatures <= count) return Array.from({ length: temperatures }, (_, i) => i);
  const picked = Array.from({ length: count }, (_, k) => Math.round((k * (temperatures - 1)) / (count - 1)));
  return [...new Set(picked)];
}

/** The centres of the report's overlap bins over [min, max]. */
export function overlapBinCentres(report: Report): number[] {
  const { min, max, count } = report.settings.overlapBins;
  const width = (max - min) / count;
  return Array.from({ length: count }, (_, i) => min + (i + 0.5) * width);
}

/**
 * P(q) at a few temperatures: one peak at q = 0 in the paramagnet; below T_c a ± pair of peaks at
 * ±q_EA for a single ± pair of states (hidden order), or weight spread between them (glass).
 */
export function overlapDistributionOption(
  data: { report: Report; step: number },
  style: ChartStyle,
): EChartsOption {
  const centres = overlapBinCentres(data.report);
  const shown = overlapTemperatureIndices(data.report.temperatures.length).map(
    (i) => data.report.temperatures[i],
  );
  // Cold to hot: from the ordered colour to the paramagnet's muted one.
  const colours = [style.fit, style.marker, style.secondary, style.primary];
  return {
    ...chartBase(style),
    title: title(
      style,
      `Overlap distribution P(q), step ${data.step}`,
      'q = σᵃ·σᵇ/N of the two replicas at each T',
    ),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number] }) =>
        `${p.seriesName}<br/>q = ${num(p.value[0])}: P(q) = ${num(p.value[1])}`,
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'overlap q', 'value', { nameGap: 26, min: -1, max: 1, scale: false }),
    yAxis: axis(style, 'P(q)', 'value', { nameGap: 44, min: 0 }),
    series: shown.map((t, i) => ({
      name: `T = ${num(t.T)}`,
      type: 'line',
      step: 'middle',
      showSymbol: false,
      lineStyle: { color: colours[i % colours.length], width: 1.5 },
      itemStyle: { color: colours[i % colours.length] },
      data: centres.map((q, k) => [q, t.overlapDensity[k]]),
    })),
  } as EChartsOption;
}

/** Swap acceptance between neighbouring temperatures, drawn at their geometric mean. */
export function swapAcceptanceOption(
  data: { report: Report; step: number },
  style: ChartStyle,
): EChartsOption {
  const points = data.report.swaps.map((s) => ({
    value: [Math.sqrt(s.T[0] * s.T[1]), s.acceptance],
    pair: s.T,
  }));
  return {
    ...chartBase(style),
    title: title(
      style,
      `Replica-exchange acceptance, step ${data.step}`,
      'between neighbouring temperatures; near 0 the copies cannot travel the ladder',
    ),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { value: [number, number]; data: { pair: [number, number] } }) =>
        `T = ${num(p.data.pair[0])} ↔ ${num(p.data.pair[1])}<br/>acceptance ${(100 * p.value[1]).toFixed(1)} %`,
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP - 24, bottom: 44 },
    xAxis: axis(style, 'temperature T (pair’s geometric mean)', 'value', { nameGap: 26 }),
    yAxis: axis(style, 'swap acceptance', 'value', { nameGap: 44, min: 0, max: 1, scale: false }),
    series: [
      {
        name: 'acceptance',
        type: 'line',
        symbolSize: 6,
        lineStyle: { color: style.primary, width: 1.5 },
        itemStyle: { color: style.primary },
        data: points,
      },
    ],
  } as EChartsOption;
}
