/**
 * ECharts options of the workbench's scientific charts, as pure functions (data, view, style) →
 * option. They follow the shape of the figure builders planned in src-main/core/figures/ (shared
 * with figure export); when those land, these delegate to them with the screen style.
 *
 * Conventions on every axis: temperatures are T (not β = 1/T) in units of the couplings (k_B = 1);
 * training time is the optimiser step t. Log axes cannot show t = 0: step 0 is left off them and
 * said so in the chart's subtitle.
 */
import type { EChartsOption } from 'echarts';
import type {
  CheckpointDto,
  LambdaCurveDto,
  PhaseDiagramDto,
  SpectrumDto,
  TrainRecordDto,
} from '../../../src-main/api/contract.ts';
import { fitCurve } from '../../../src-main/core/figures/tcFigure.ts';
import type { PowerLawFit } from '../../../src-main/core/sweep/powerLaw.ts';
import type { ChartStyle } from './style.ts';

// ── shared pieces ───────────────────────────────────────────────────────────────────────────────

export function textStyle(style: ChartStyle): { color: string; fontFamily: string; fontSize: number } {
  return { color: style.text, fontFamily: style.fontFamily, fontSize: style.fontSize };
}

/** Tick labels: 3 significant digits at most (0.018537796… → 0.0185), thousands as 1,000. */
export function tickLabel(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const short = Number(v.toPrecision(3));
  return Math.abs(short) >= 1000 ? short.toLocaleString('en-US') : String(short);
}

export function axis(
  style: ChartStyle,
  name: string,
  type: 'value' | 'log',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type,
    name,
    nameLocation: 'middle',
    nameTextStyle: { color: style.muted, fontFamily: style.fontFamily, fontSize: style.fontSize },
    axisLine: { lineStyle: { color: style.axis } },
    axisLabel: { color: style.muted, fontFamily: style.fontFamily, hideOverlap: true, formatter: tickLabel },
    splitLine: { lineStyle: { color: style.grid } },
    scale: type === 'value',
    ...extra,
  };
}

export function title(style: ChartStyle, text: string, subtext = ''): Record<string, unknown> {
  return {
    text,
    subtext,
    left: 8,
    top: 4,
    textStyle: { ...textStyle(style), fontSize: style.fontSize + 2, fontWeight: 600 },
    subtextStyle: { color: style.muted, fontFamily: style.fontFamily, fontSize: style.fontSize - 1 },
  };
}

/** The legend, on its own row under the title's subtitle. */
export function legend(style: ChartStyle): Record<string, unknown> {
  return { top: 42, left: 8, textStyle: textStyle(style), itemWidth: 16, itemHeight: 10 };
}

/** Room above the plot for the title, its subtitle and the legend row. */
export const PLOT_TOP = 80;

/** A log axis' range padded by `pad` (a factor) around the data, not out to whole decades. */
function logRange(values: readonly number[], pad = 1.25): { min?: number; max?: number } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!positive.length) return {};
  return { min: Math.min(...positive) / pad, max: Math.max(...positive) * pad };
}

export function tooltip(style: ChartStyle, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    backgroundColor: style.background,
    borderColor: style.axis,
    textStyle: textStyle(style),
    confine: true,
    ...extra,
  };
}

/** 4 significant digits, as the tables. */
/** What every chart shares: the theme's background and text, and no animation (numbers, not show). */
export function chartBase(style: ChartStyle) {
  return { backgroundColor: style.background, textStyle: textStyle(style), animation: false } as const;
}

/**
 * The common part of a markLine of vertical reference lines (T_c, the bulk edge, …): not
 * interactive, no end symbols, each line labelled with its name at its top.
 */
export function verticalMarks(style: ChartStyle) {
  return {
    silent: true,
    symbol: 'none',
    label: { color: style.text, fontFamily: style.fontFamily, formatter: '{b}', position: 'insideEndTop' },
  } as const;
}

export function num(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

// ── training curves ─────────────────────────────────────────────────────────────────────────────

/**
 * Exponential moving average with TensorBoard's debiasing: s_i = w s_{i−1} + (1 − w) x_i over
 * the points so far, divided by 1 − w^(i+1) so the start is not pulled towards 0. w = 0 is the raw
 * curve.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (!(weight > 0)) return [...values];
  let s = 0;
  let norm = 0;
  return values.map((x) => {
    s = weight * s + (1 - weight) * x;
    norm = weight * norm + (1 - weight);
    return s / norm;
  });
}

export interface TrainingCurvesView {
  logX: boolean;
  /** EMA weight in [0, 1). */
  smoothing: number;
}

/** Loss (top) and accuracy (bottom) against the step; checkpoints marked with their test values. */
export function trainingCurvesOption(
  data: { train: readonly TrainRecordDto[]; checkpoints: readonly CheckpointDto[] },
  view: TrainingCurvesView,
  style: ChartStyle,
): EChartsOption {
  const onAxis = (step: number): boolean => !view.logX || step > 0;
  const train = data.train.filter((r) => onAxis(r.step));
  const cps = data.checkpoints.filter((c) => onAxis(c.step));
  const steps = train.map((r) => r.step);
  const loss = smoothEma(
    train.map((r) => r.loss),
    view.smoothing,
  );
  const acc = smoothEma(
    train.map((r) => r.accuracy * 100),
    view.smoothing,
  );
  const faint = view.smoothing > 0 ? 0.25 : 1;
  const xType = view.logX ? 'log' : 'value';
  const xAxis = (gridIndex: number, name: string): Record<string, unknown> =>
    axis(style, name, xType, { gridIndex, nameGap: 26, scale: true });
  const line = (
    name: string,
    values: number[],
    axisIndex: number,
    color: string,
    opacity: number,
  ): Record<string, unknown> => ({
    name,
    type: 'line',
    xAxisIndex: axisIndex,
    yAxisIndex: axisIndex,
    data: steps.map((s, i) => [s, values[i]]),
    showSymbol: false,
    lineStyle: { color, opacity, width: opacity < 1 ? 1 : 2 },
    itemStyle: { color },
    emphasis: { disabled: true },
  });
  const smoothed = view.smoothing > 0;
  return {
    ...chartBase(style),
    title: title(
      style,
      'Training',
      `batch loss and accuracy${smoothed ? ` (EMA ${view.smoothing}, raw faint)` : ''}; ◆ checkpoints, test set${view.logX ? '; step 0 off the log axis' : ''}`,
    ),
    legend: legend(style),
    tooltip: tooltip(style, { trigger: 'axis', valueFormatter: (v: unknown) => num(Number(v)) }),
    grid: [
      { left: 64, right: 24, top: PLOT_TOP, height: '27%' },
      { left: 64, right: 24, bottom: 44, height: '27%' },
    ],
    xAxis: [xAxis(0, ''), xAxis(1, 'training step t')],
    yAxis: [
      axis(style, 'loss', 'value', { gridIndex: 0, nameGap: 44 }),
      axis(style, 'accuracy (%)', 'value', { gridIndex: 1, nameGap: 44, max: 100 }),
    ],
    series: [
      ...(smoothed
        ? [
            line(
              'loss (raw)',
              train.map((r) => r.loss),
              0,
              style.primary,
              faint,
            ),
          ]
        : []),
      line('loss', loss, 0, style.primary, 1),
      ...(smoothed
        ? [
            line(
              'accuracy (raw)',
              train.map((r) => r.accuracy * 100),
              1,
              style.secondary,
              faint,
            ),
          ]
        : []),
      line('accuracy', acc, 1, style.secondary, 1),
      {
        name: 'test loss',
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        symbol: 'diamond',
        symbolSize: 7,
        itemStyle: { color: style.marker },
        data: cps.filter((c) => c.testLoss !== null).map((c) => [c.step, c.testLoss]),
      },
      {
        name: 'test accuracy',
        type: 'scatter',
        xAxisIndex: 1,
        yAxisIndex: 1,
        symbol: 'diamond',
        symbolSize: 7,
        itemStyle: { color: style.marker },
        data: cps.filter((c) => c.testAccuracy !== null).map((c) => [c.step, c.testAccuracy! * 100]),
      },
    ],
  } as EChartsOption;
}

// ── T_c(t) with its power law ───────────────────────────────────────────────────────────────────

export interface TcPoint {
  step: number;
  tc: number;
  phase: string;
}

/** T_c(t) on log-log axes, checkpoints in and out of the fit window, and the fitted power law. */
export function tcOption(
  data: { points: readonly TcPoint[]; fit: PowerLawFit | null },
  style: ChartStyle,
): EChartsOption {
  const positive = data.points.filter((p) => p.step > 0 && p.tc > 0);
  const inWindow = (p: TcPoint): boolean =>
    data.fit !== null && p.step >= data.fit.window[0] && p.step <= data.fit.window[1];
  const symbolOf = (p: TcPoint): string => (p.phase === 'ordered' ? 'circle' : 'triangle');
  const pointData = (ps: TcPoint[]): Record<string, unknown>[] =>
    ps.map((p) => ({ value: [p.step, p.tc], symbol: symbolOf(p), phase: p.phase }));
  const fit = data.fit;
  return {
    ...chartBase(style),
    title: title(
      style,
      'T_c(t)',
      'TAP T_c per checkpoint (● hidden order, ▲ glass); step 0 off the log axis',
    ),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number]; data: { phase?: string } }) =>
        `${p.seriesName}<br/>step ${p.value[0]}: T = ${num(p.value[1])}${p.data?.phase ? ` (${p.data.phase})` : ''}`,
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'training step t (log)', 'log', {
      nameGap: 26,
      ...logRange(positive.map((p) => p.step)),
    }),
    yAxis: axis(style, 'T_c (temperature T, log)', 'log', {
      nameGap: 44,
      ...logRange(
        positive.map((p) => p.tc),
        1.1,
      ),
    }),
    series: [
      {
        name: 'T_c in fit window',
        type: 'scatter',
        symbolSize: 8,
        itemStyle: { color: style.primary },
        data: pointData(positive.filter(inWindow)),
        z: 3,
      },
      {
        name: 'T_c outside window',
        type: 'scatter',
        symbolSize: 7,
        itemStyle: { color: style.primary, opacity: 0.3 },
        data: pointData(positive.filter((p) => !inWindow(p))),
      },
      ...(fit
        ? [
            {
              name: `fit T_c ∝ t^${num(fit.exponent)}`,
              type: 'line',
              showSymbol: false,
              lineStyle: { color: style.fit, width: 2 },
              itemStyle: { color: style.fit },
              // The same samples of b·t^a as the exported figure (core/figures/tcFigure.ts).
              data: fitCurve({ name: '', ...fit }),
              z: 2,
            },
          ]
        : []),
    ],
  } as EChartsOption;
}

// ── λ_min(T) of one checkpoint ──────────────────────────────────────────────────────────────────

/** λ_min of the TAP Hessian against T, with T_c and λ = 0 marked (science.md §3). */
export function lambdaCurveOption(curve: LambdaCurveDto, style: ChartStyle): EChartsOption {
  const crossing = curve.phase === 'ordered' ? 'first crossing of 0' : 'touching 0 (minimum)';
  return {
    ...chartBase(style),
    title: title(
      style,
      `λ_min(T), step ${curve.step}`,
      `H(β) = I + β²diag(a) − βJ at β = 1/T; T_c at its ${crossing}`,
    ),
    tooltip: tooltip(style, {
      trigger: 'axis',
      formatter: (ps: { value: [number, number] }[]) =>
        ps[0] ? `T = ${num(ps[0].value[0])}<br/>λ_min = ${num(ps[0].value[1])}` : '',
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'temperature T', 'value', { nameGap: 26 }),
    yAxis: axis(style, 'λ_min(H)', 'value', { nameGap: 44 }),
    series: [
      {
        name: 'λ_min',
        type: 'line',
        showSymbol: curve.T.length < 60,
        symbolSize: 4,
        lineStyle: { color: style.primary, width: 2 },
        itemStyle: { color: style.primary },
        data: curve.T.map((t, i) => [t, curve.lambda[i]]),
        markLine: {
          ...verticalMarks(style),
          data: [
            { name: `T_c = ${num(curve.tc)}`, xAxis: curve.tc, lineStyle: { color: style.fit, width: 2 } },
            { name: 'λ = 0', yAxis: 0, lineStyle: { color: style.axis, type: 'dashed' } },
          ],
        },
      },
    ],
  } as EChartsOption;
}

// ── spectrum of J ───────────────────────────────────────────────────────────────────────────────

/** ρ(λ) of the bond matrix on a log scale, the bulk edge ± and the outliers beyond it. */
export function spectrumOption(spectrum: SpectrumDto, style: ChartStyle): EChartsOption {
  const { histogram, edge, outliers } = spectrum.report.density;
  const centres = histogram.density.map((_, i) => (histogram.edges[i] + histogram.edges[i + 1]) / 2);
  const floor = histogram.floor;
  const edgeName =
    edge.used === 'reference'
      ? `bulk edge of step ${spectrum.referenceStep ?? 0}`
      : 'bulk edge (shuffled weights)';
  return {
    ...chartBase(style),
    title: title(
      style,
      `Spectrum of J, step ${spectrum.step}`,
      `density of J's eigenvalues (${spectrum.report.density.spins} spins), log scale; ${outliers.count} outlier${outliers.count === 1 ? '' : 's'} beyond ±${num(edge.value)}`,
    ),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number] }) =>
        `${p.seriesName}<br/>λ = ${num(p.value[0])}${p.seriesName === 'ρ(λ)' ? `, ρ = ${num(p.value[1])}` : ''}`,
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'eigenvalue λ of J', 'value', { nameGap: 26 }),
    yAxis: axis(style, 'density ρ(λ) (log)', 'log', { nameGap: 44, min: floor / 2 }),
    series: [
      {
        name: 'ρ(λ)',
        type: 'line',
        step: 'middle',
        showSymbol: false,
        connectNulls: false,
        lineStyle: { color: style.primary, width: 1.5 },
        itemStyle: { color: style.primary },
        areaStyle: { color: style.primary, opacity: 0.15 },
        // Empty bins have no place on a log axis: gaps.
        data: centres.map((c, i) => [c, histogram.density[i] > 0 ? histogram.density[i] : null]),
        markLine: {
          ...verticalMarks(style),
          lineStyle: { color: style.fit, type: 'dashed', width: 1.5 },
          data: [
            { name: edgeName, xAxis: edge.value },
            { name: '', xAxis: -edge.value },
          ],
        },
      },
      {
        name: 'outliers',
        type: 'scatter',
        symbol: 'diamond',
        symbolSize: 9,
        itemStyle: { color: style.fit },
        data: outliers.values.flatMap((v) => [
          [v, floor],
          [-v, floor],
        ]),
      },
    ],
  } as EChartsOption;
}

// ── phase diagram over (checkpoint, T) ──────────────────────────────────────────────────────────

export const PHASE_NAMES: Record<string, string> = {
  paramagnet: 'paramagnet',
  glass: 'glass',
  hiddenOrder: 'hidden order',
  undetermined: 'undetermined',
};

type PhaseKey = keyof ChartStyle['phase'];

export interface PhaseCellView {
  step: number;
  /** Column on the log-step axis: [left, right]; step 0 gets a column left of the first step. */
  x: [number, number];
  /** Row: [low, high] in T. */
  y: [number, number];
  T: number;
  relativeT: number;
  phase: string;
  converged: number;
  starts: number;
  clusters: number;
  dominantShare: number;
  tc: number;
  /** Monte Carlo valleys of the cell (the `tap` job with valleys), when sampled. */
  valleys: {
    count: number;
    largestShare: number;
    verdict: string;
    copies: number;
    paramagnetic: number;
  } | null;
}

/**
 * Rectangles of the diagram's cells. Columns are bounded by the geometric means of neighbouring
 * steps (the log axis' midpoints); step 0, which a log axis cannot place, is drawn one log-spacing
 * left of the first positive step. Rows are bounded by the midpoints of neighbouring temperatures.
 */
export function phaseCells(diagram: PhaseDiagramDto['diagram']): PhaseCellView[] {
  const rows = [...diagram.checkpoints].sort((a, b) => a.step - b.step);
  const positive = rows.map((r) => r.step).filter((s) => s > 0);
  const ratio = positive.length > 1 ? positive[1] / positive[0] : 10;
  const zeroAt = positive.length ? positive[0] / ratio : 1;
  const pos = (step: number): number => (step > 0 ? step : zeroAt);
  const xs = rows.map((r) => pos(r.step));
  const out: PhaseCellView[] = [];
  rows.forEach((row, i) => {
    const left = i > 0 ? Math.sqrt(xs[i - 1] * xs[i]) : xs[i] / Math.sqrt(xs[1] / xs[0] || ratio);
    const right =
      i < rows.length - 1 ? Math.sqrt(xs[i] * xs[i + 1]) : xs[i] * Math.sqrt(xs[i] / xs[i - 1] || ratio);
    const Ts = row.cells.map((c) => c.T).sort((a, b) => a - b);
    row.cells.forEach((c) => {
      const k = Ts.indexOf(c.T);
      const low = k > 0 ? (Ts[k - 1] + c.T) / 2 : Math.max(0, c.T - (Ts[1] - Ts[0] || c.T) / 2);
      const high = k < Ts.length - 1 ? (Ts[k + 1] + c.T) / 2 : c.T + (c.T - Ts[k - 1] || c.T) / 2;
      out.push({
        step: row.step,
        x: [left, right],
        y: [low, high],
        T: c.T,
        relativeT: c.relativeT,
        phase: c.phase,
        converged: c.converged,
        starts: c.starts,
        clusters: c.clusters.filter((k2) => !k2.paramagnet).length,
        dominantShare: c.dominantShare,
        tc: row.tc,
        valleys: c.valleys
          ? {
              count: c.valleys.valleys.length,
              largestShare: c.valleys.largestShare,
              verdict: c.valleys.verdict,
              copies: c.valleys.copies,
              paramagnetic: c.valleys.paramagnetic,
            }
          : null,
      });
    });
  });
  return out;
}

export function phaseCellText(c: PhaseCellView): string {
  return [
    `step ${c.step}, T = ${num(c.T)} (T/T_c = ${num(c.relativeT)})`,
    `phase: ${PHASE_NAMES[c.phase] ?? c.phase}`,
    `T_c = ${num(c.tc)}`,
    `TAP starts converged: ${c.converged}/${c.starts}`,
    `non-trivial solution clusters: ${c.clusters}`,
    `largest ± pair: ${(c.dominantShare * 100).toFixed(0)} % of starts`,
    ...(c.valleys
      ? [
          `Monte Carlo valleys: ${c.valleys.count} in ${c.valleys.copies} copies` +
            (c.valleys.paramagnetic ? ` (${c.valleys.paramagnetic} paramagnetic)` : '') +
            ', ' +
            `largest ${(c.valleys.largestShare * 100).toFixed(0)} % → ${PHASE_NAMES[c.valleys.verdict] ?? c.valleys.verdict}`,
        ]
      : []),
  ].join('<br/>');
}

/** Temperature against log step, cells coloured by phase, T_c(t) on top. */
export function phaseDiagramOption(
  data: { diagram: PhaseDiagramDto['diagram']; tcLine: readonly TcPoint[] },
  style: ChartStyle,
): EChartsOption {
  const cells = phaseCells(data.diagram);
  const colour = (phase: string): string =>
    style.phase[(phase in style.phase ? phase : 'undetermined') as PhaseKey];
  const hasZero = data.diagram.checkpoints.some((c) => c.step === 0);
  const zeroCell = cells.find((c) => c.step === 0);
  const left = Math.min(...cells.map((c) => c.x[0]));
  const right = Math.max(...cells.map((c) => c.x[1]));
  const tcLine = data.tcLine
    .filter((p) => p.tc > 0)
    .map((p) => [p.step > 0 ? p.step : zeroCell ? Math.sqrt(zeroCell.x[0] * zeroCell.x[1]) : NaN, p.tc])
    // T_c(t) over the diagram's columns only (step 0 at the centre of its column).
    .filter((p) => p[0] >= left && p[0] <= right)
    .sort((a, b) => a[0] - b[0]);
  const phasesShown = [...new Set(cells.map((c) => c.phase))];
  return {
    ...chartBase(style),
    title: title(
      style,
      'Phase diagram',
      `TAP solutions and Hessian criterion per cell${hasZero ? '; the left column is step 0 (initialisation)' : ''}`,
    ),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; dataIndex: number; value: [number, number] }) =>
        p.seriesName === 'T_c(t)'
          ? `T_c(t)<br/>step ${p.value[0]}: T_c = ${num(p.value[1])}`
          : phaseCellText(cellsByPhase(cells, p.seriesName)[p.dataIndex]),
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'training step t (log)', 'log', { nameGap: 26, min: left, max: right }),
    yAxis: axis(style, 'temperature T', 'value', { nameGap: 44, min: 0 }),
    series: [
      ...phasesShown.map((phase) => ({
        name: PHASE_NAMES[phase] ?? phase,
        type: 'custom',
        itemStyle: { color: colour(phase) },
        encode: { x: [0, 1], y: [2, 3] },
        data: cellsByPhase(cells, PHASE_NAMES[phase] ?? phase).map((c) => [
          c.x[0],
          c.x[1],
          c.y[0],
          c.y[1],
          c.step,
        ]),
        renderItem: (
          _params: unknown,
          api: { value(i: number): number; coord(p: [number, number]): [number, number] },
        ) => {
          const a = api.coord([api.value(0), api.value(3)]);
          const b = api.coord([api.value(1), api.value(2)]);
          return {
            type: 'rect',
            shape: { x: a[0], y: a[1], width: b[0] - a[0], height: b[1] - a[1] },
            style: { fill: colour(phase), stroke: style.background, lineWidth: 0.5 },
          };
        },
      })),
      {
        name: 'T_c(t)',
        type: 'line',
        data: tcLine,
        showSymbol: tcLine.length <= 20,
        symbolSize: 5,
        lineStyle: { color: style.fit, width: 2 },
        itemStyle: { color: style.fit },
        z: 5,
      },
    ],
  } as EChartsOption;
}

/** The cells of one phase (by its display name), in diagram order: a series' data index maps here. */
export function cellsByPhase(cells: readonly PhaseCellView[], name: string): PhaseCellView[] {
  return cells.filter((c) => (PHASE_NAMES[c.phase] ?? c.phase) === name);
}

// ── spectrum evolution ──────────────────────────────────────────────────────────────────────────

/** ρ(λ) at one checkpoint over step 0's (faint), on a fixed λ range so the tails can be compared. */
export function spectrumEvolutionOption(
  data: { shown: SpectrumDto; reference: SpectrumDto | null; range: number },
  style: ChartStyle,
): EChartsOption {
  const series = (s: SpectrumDto): [number, number | null][] => {
    const h = s.report.density.histogram;
    return h.density.map((d, i) => [(h.edges[i] + h.edges[i + 1]) / 2, d > 0 ? d : null]);
  };
  const floors = [data.shown, data.reference]
    .filter((s): s is SpectrumDto => s !== null)
    .map((s) => s.report.density.histogram.floor);
  const { edge, outliers } = data.shown.report.density;
  return {
    ...chartBase(style),
    title: title(
      style,
      `Spectrum of J at step ${data.shown.step}`,
      `${outliers.count} outlier${outliers.count === 1 ? '' : 's'} beyond the bulk edge ±${num(edge.value)}; log density`,
    ),
    legend: legend(style),
    tooltip: tooltip(style, {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: [number, number] }) =>
        `${p.seriesName}<br/>λ = ${num(p.value[0])}, ρ = ${num(p.value[1])}`,
    }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'eigenvalue λ of J', 'value', { nameGap: 26, min: -data.range, max: data.range }),
    yAxis: axis(style, 'density ρ(λ) (log)', 'log', { nameGap: 44, min: Math.min(...floors) / 2 }),
    series: [
      ...(data.reference && data.reference.step !== data.shown.step
        ? [
            {
              name: `step ${data.reference.step}`,
              type: 'line',
              step: 'middle',
              showSymbol: false,
              lineStyle: { color: style.muted, width: 1, opacity: 0.6 },
              itemStyle: { color: style.muted },
              data: series(data.reference),
            },
          ]
        : []),
      {
        name: `step ${data.shown.step}`,
        type: 'line',
        step: 'middle',
        showSymbol: false,
        lineStyle: { color: style.primary, width: 1.5 },
        itemStyle: { color: style.primary },
        areaStyle: { color: style.primary, opacity: 0.12 },
        data: series(data.shown),
        markLine: {
          ...verticalMarks(style),
          lineStyle: { color: style.fit, type: 'dashed', width: 1.5 },
          data: [
            { name: 'bulk edge', xAxis: edge.value },
            { name: '', xAxis: -edge.value },
          ],
        },
      },
    ],
  } as EChartsOption;
}

/** λ_max of J and the bulk edge against the step (log): the tail leaving the bulk during training. */
export function spectrumTrendOption(spectra: readonly SpectrumDto[], style: ChartStyle): EChartsOption {
  const shown = spectra.filter((s) => s.step > 0);
  return {
    ...chartBase(style),
    title: title(style, 'Largest eigenvalue of J through training', 'step 0 off the log axis'),
    legend: legend(style),
    tooltip: tooltip(style, { trigger: 'axis', valueFormatter: (v: unknown) => num(Number(v)) }),
    grid: { left: 64, right: 24, top: PLOT_TOP, bottom: 44 },
    xAxis: axis(style, 'training step t (log)', 'log', {
      nameGap: 26,
      ...logRange(shown.map((s) => s.step)),
    }),
    yAxis: axis(style, 'eigenvalue λ of J', 'value', { nameGap: 44 }),
    series: [
      {
        name: 'λ_max',
        type: 'line',
        symbolSize: 6,
        lineStyle: { color: style.primary, width: 2 },
        itemStyle: { color: style.primary },
        data: shown.map((s) => [s.step, s.report.density.largest[0]]),
      },
      {
        name: 'bulk edge',
        type: 'line',
        symbol: 'none',
        lineStyle: { color: style.fit, type: 'dashed', width: 1.5 },
        itemStyle: { color: style.fit },
        data: shown.map((s) => [s.step, s.report.density.edge.value]),
      },
    ],
  } as EChartsOption;
}
