/**
 * Overlays of two (or more) checkpoints or models: λ_min(T) curves, spectra of J and per-layer
 * weight histograms, drawn in the screen style; and their figure data for the publication bundle.
 * Temperatures are T (not β); densities of J are on a log axis, like the single-checkpoint charts.
 */
import type { EChartsOption } from 'echarts';
import type { HistogramDto, LayerWeightsDto } from '../../../src-main/api/contract.ts';
import type {
  LambdaFamilyData,
  SpectrumData,
  WeightHistogramData,
} from '../../../src-main/core/figures/figureData.ts';
import type { CurveView } from '../compare.ts';
import type { FigureRequest } from './figureSpecs.ts';
import { num, tickLabel, verticalMarks } from './options.ts';
import type { ChartStyle } from './style.ts';

export interface Named<T> {
  name: string;
  value: T;
}

/** A and B in two colours that differ in light and dark themes alike. */
function colours(style: ChartStyle): string[] {
  return [style.primary, style.fit, style.secondary, style.marker];
}

function base(style: ChartStyle, title: string, subtitle: string): Record<string, unknown> {
  const text = { color: style.text, fontFamily: style.fontFamily, fontSize: style.fontSize };
  return {
    backgroundColor: style.background,
    textStyle: text,
    animation: false,
    title: {
      text: title,
      subtext: subtitle,
      left: 8,
      top: 4,
      textStyle: { ...text, fontSize: style.fontSize + 2, fontWeight: 600 },
      subtextStyle: { color: style.muted, fontFamily: style.fontFamily, fontSize: style.fontSize - 1 },
    },
    legend: { top: 42, left: 8, textStyle: text, itemWidth: 16, itemHeight: 10 },
    tooltip: {
      trigger: 'axis',
      backgroundColor: style.background,
      borderColor: style.axis,
      textStyle: text,
      confine: true,
    },
    grid: { left: 64, right: 24, top: 80, bottom: 44 },
  };
}

function axis(style: ChartStyle, name: string, type: 'value' | 'log', extra: Record<string, unknown> = {}) {
  return {
    type,
    name,
    nameLocation: 'middle',
    nameGap: 26,
    nameTextStyle: { color: style.muted, fontFamily: style.fontFamily, fontSize: style.fontSize },
    axisLine: { lineStyle: { color: style.axis } },
    axisLabel: { color: style.muted, fontFamily: style.fontFamily, hideOverlap: true, formatter: tickLabel },
    splitLine: { lineStyle: { color: style.grid } },
    scale: type === 'value',
    ...extra,
  };
}

/** λ_min(T) of each side with its T_c marked; λ = 0 dashed (science.md §3). */
export function lambdaOverlayOption(curves: readonly Named<CurveView>[], style: ChartStyle): EChartsOption {
  const c = colours(style);
  return {
    ...base(
      style,
      curves.length > 1 ? 'λ_min(T), overlaid' : 'λ_min(T)',
      'H(β) = I + β²diag(a) − βJ at β = 1/T; vertical lines: T_c',
    ),
    xAxis: axis(style, 'temperature T', 'value'),
    yAxis: axis(style, 'λ_min(H)', 'value', { nameGap: 44 }),
    series: curves.map((s, i) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      lineStyle: { color: c[i % c.length], width: 2 },
      itemStyle: { color: c[i % c.length] },
      data: s.value.T.map((t, j) => [t, s.value.lambda[j]]),
      markLine: {
        ...verticalMarks(style),
        data: [
          {
            name: `T_c = ${num(s.value.tc)}`,
            xAxis: s.value.tc,
            lineStyle: { color: c[i % c.length], width: 1.5 },
          },
          ...(i === 0 ? [{ name: '', yAxis: 0, lineStyle: { color: style.axis, type: 'dashed' } }] : []),
        ],
      },
    })),
  } as EChartsOption;
}

/** The eigenvalue densities of J overlaid, log scale (each side on its own bins). */
export function spectrumOverlayOption(
  spectra: readonly Named<HistogramDto>[],
  style: ChartStyle,
): EChartsOption {
  const c = colours(style);
  const floor = Math.min(...spectra.map((s) => s.value.floor).filter((f) => f > 0), 1);
  return {
    ...base(style, 'Spectra of J, overlaid', 'density of the eigenvalues of the bond matrix J, log scale'),
    xAxis: axis(style, 'eigenvalue λ of J', 'value'),
    yAxis: axis(style, 'density ρ(λ) (log)', 'log', { nameGap: 44, min: floor / 2 }),
    series: spectra.map((s, i) => ({
      name: s.name,
      type: 'line',
      step: 'middle',
      showSymbol: false,
      lineStyle: { color: c[i % c.length], width: 1.5 },
      itemStyle: { color: c[i % c.length] },
      areaStyle: { color: c[i % c.length], opacity: 0.08 },
      data: s.value.density.map((d, j) => [(s.value.edges[j] + s.value.edges[j + 1]) / 2, d > 0 ? d : null]),
    })),
  } as EChartsOption;
}

/**
 * The weights of W^(k) of each side as a density (count / (total · bin width)), so two sides with
 * their own bins compare on one axis; the tooltip gives the counts.
 */
export function weightOverlayOption(
  layer: number,
  hists: readonly Named<LayerWeightsDto>[],
  style: ChartStyle,
): EChartsOption {
  const c = colours(style);
  // Two different networks may have differently shaped W^(k): name each side's shape then.
  const shapes = [...new Set(hists.map((h) => `${h.value.shape[0]} × ${h.value.shape[1]}`))];
  const subtitle =
    shapes.length === 1
      ? `${shapes[0]} couplings between layers ${layer - 1} and ${layer}`
      : hists.map((h) => `${h.name.split(':')[0]}: ${h.value.shape[0]} × ${h.value.shape[1]}`).join(', ');
  return {
    ...base(style, `Weights of W^(${layer})`, subtitle),
    xAxis: axis(style, `weight W^(${layer})_ij`, 'value'),
    yAxis: axis(style, 'density', 'value', { nameGap: 44, scale: false }),
    series: hists.map((s, i) => {
      const h = s.value;
      return {
        name: s.name,
        type: 'line',
        step: 'middle',
        showSymbol: false,
        lineStyle: { color: c[i % c.length], width: 1.5 },
        itemStyle: { color: c[i % c.length] },
        areaStyle: { color: c[i % c.length], opacity: 0.12 },
        data: h.counts.map((n, j) => {
          const width = h.edges[j + 1] - h.edges[j];
          return [(h.edges[j] + h.edges[j + 1]) / 2, width > 0 ? n / (h.count * width) : 0];
        }),
      };
    }),
  } as EChartsOption;
}

// ── figure data for the bundle ──────────────────────────────────────────────────────────────────

export function lambdaOverlayFigure(curves: readonly Named<CurveView>[]): FigureRequest {
  const data: LambdaFamilyData = {
    kind: 'lambdaMin',
    x: { label: 'Temperature T', unit: '' },
    y: { label: 'λ_{min}(H)', unit: '' },
    series: curves.map((s) => ({ name: s.name, x: s.value.T, y: s.value.lambda })),
  };
  return {
    title: `λ_min(T): ${curves.map((s) => s.name).join(' vs ')}`,
    data,
    provenance: { source: 'spinscope.analysis/1' },
  };
}

export function spectrumOverlayFigure(spectra: readonly Named<HistogramDto>[]): FigureRequest {
  const data: SpectrumData = {
    kind: 'spectrum',
    x: { label: 'Eigenvalue λ of J', unit: '' },
    y: { label: 'Density ρ(λ)', unit: '' },
    series: spectra.map((s) => ({ name: s.name, edges: s.value.edges, density: s.value.density })),
    floor: Math.min(...spectra.map((s) => s.value.floor)),
  };
  return { title: `Spectra of J: ${spectra.map((s) => s.name).join(' vs ')}`, data, provenance: {} };
}

export function weightOverlayFigure(layer: number, hists: readonly Named<LayerWeightsDto>[]): FigureRequest {
  const data: WeightHistogramData = {
    kind: 'weightHistogram',
    x: { label: `Weight W^{(${layer})}_{ij}`, unit: '' },
    y: { label: 'Count', unit: '' },
    series: hists.map((s) => ({ name: s.name, edges: s.value.edges, counts: s.value.counts })),
  };
  return { title: `Weights of W^(${layer})`, data, provenance: {} };
}
