/**
 * Option pieces shared by the figure kinds: a cartesian panel with journal-style axes (ticks
 * inside, a closed frame, no grid lines), lines whose colour, dash and marker all change from one
 * series to the next, error bars, and a legend row above the plot.
 *
 * Every builder returns a single-panel option (one grid, one x and one y axis); layout.ts places
 * several of them on one page. Sizes are in points (style.ts).
 */
import type {
  CustomSeriesOption,
  CustomSeriesRenderItemAPI,
  CustomSeriesRenderItemParams,
  CustomSeriesRenderItemReturn,
  EChartsOption,
  LegendComponentOption,
  LineSeriesOption,
  XAXisComponentOption,
  YAXisComponentOption,
} from 'echarts';
import { cycle, dashFor, MARKERS } from './palettes.ts';
import { richTitle, type Quantity } from './quantity.ts';
import type { FigureStyle } from './style.ts';

/** The colour of text and axes: black, as journals print it. */
export const INK = '#000000';

export type AxisOption = XAXisComponentOption;

export interface AxisChoice {
  log?: boolean;
  min?: number;
  max?: number;
  /** 'category' axes hold labels (bars, the phase diagram's cells). */
  categories?: string[];
  /** Mirror the axis on the opposite side of the frame (default true). */
  frame?: boolean;
}

/** A journal-style value axis: ticks inward, a title in the middle, no grid lines. */
export function axis(q: Quantity, style: FigureStyle, dim: 'x' | 'y', choice: AxisChoice = {}): AxisOption {
  const title = richTitle(q, style.fontSize.axis);
  const line = { lineStyle: { color: INK, width: style.axisLineWidth } };
  const base = {
    name: title.text,
    nameLocation: 'middle' as const,
    nameGap: style.fontSize.tick * 1.8,
    nameMoveOverlap: true,
    nameTextStyle: {
      color: INK,
      fontFamily: style.fontFamily,
      fontSize: style.fontSize.axis,
      rich: Object.fromEntries(
        Object.entries(title.rich).map(([k, v]) => [k, { ...v, fontFamily: style.fontFamily, color: INK }]),
      ),
    },
    axisLine: { show: true, onZero: false, ...line },
    axisTick: { show: true, inside: true, length: style.fontSize.tick * 0.45, ...line },
    minorTick: { show: false },
    splitLine: { show: false },
    axisLabel: {
      color: INK,
      fontFamily: style.fontFamily,
      fontSize: style.fontSize.tick,
      margin: style.fontSize.tick * 0.5,
      hideOverlap: true,
    },
  };
  if (choice.categories) {
    return {
      ...base,
      type: 'category',
      data: choice.categories,
      axisTick: { ...base.axisTick, alignWithLabel: true },
    };
  }
  return {
    ...base,
    type: choice.log ? 'log' : 'value',
    ...(choice.log ? { logBase: 10 } : {}),
    scale: true,
    min: choice.min,
    max: choice.max,
    ...(dim === 'y' ? { nameRotate: 90 } : {}),
    axisLabel: {
      ...base.axisLabel,
      formatter: choice.log ? logTickLabel : plainTickLabel,
      // An explicit limit (a heatmap's outer cell edge) is rarely a round number: no label there.
      ...(choice.min !== undefined ? { showMinLabel: false } : {}),
      ...(choice.max !== undefined ? { showMaxLabel: false } : {}),
      rich: {
        n: { fontSize: style.fontSize.tick, fontFamily: style.fontFamily, color: INK },
        sup: {
          fontSize: style.fontSize.tick * 0.7,
          fontFamily: style.fontFamily,
          color: INK,
          padding: [0, 0, style.fontSize.tick * 0.35, 0],
        },
      },
    },
  };
}

/**
 * Tick labels of a log axis: 10^k as 10 with a superscript k (rich text: the bundled faces have no
 * superscript digits) for |k| ≥ 3, plain numbers in between.
 */
export function logTickLabel(value: number): string {
  const k = Math.round(Math.log10(value));
  if (Math.abs(value - 10 ** k) > 1e-9 * value || Math.abs(k) < 3) return plainTickLabel(value);
  return `{n|10}{sup|${k < 0 ? '−' : ''}${Math.abs(k)}}`;
}

/** Shortest decimal that names the tick (ECharts' ticks are round numbers, so %.6g suffices). */
function plainTickLabel(value: number): string {
  return Number(value.toPrecision(6)).toString().replace('-', '−');
}

/** The base of every figure option: no animation (static output), white paper, the preset's font. */
export function baseOption(style: FigureStyle): EChartsOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: style.fontFamily, fontSize: style.fontSize.tick, color: INK },
    color: [...style.colors],
  };
}

/** Height (pt) reserved above the plot for a legend of `n` entries (rows of ≈ 3 entries). */
export function legendHeight(names: string[], style: FigureStyle): number {
  if (names.length <= 1) return style.fontSize.legend * 0.6;
  // Average glyph advance of the bundled faces is ≈ 0.5 em; a legend item adds the icon and a gap.
  const itemWidth = (n: string): number =>
    n.length * 0.5 * style.fontSize.legend + 3.2 * style.fontSize.legend;
  let rows = 1;
  let x = 0;
  for (const n of names) {
    const w = itemWidth(n);
    if (x > 0 && x + w > style.width * 0.9) {
      rows += 1;
      x = 0;
    }
    x += w;
  }
  return rows * style.fontSize.legend * 1.5 + style.fontSize.legend * 0.6;
}

/**
 * A legend row above the plot, icons drawn with each series' own line, dash and marker. Names in
 * `markup` are symbols ('T_c') drawn with sub/superscripts; the others (run ids may hold '_') are
 * shown as they are.
 */
export function legend(
  names: string[],
  style: FigureStyle,
  markup: readonly string[] = [],
): LegendComponentOption {
  const title = richTitle({ label: '', unit: '' }, style.fontSize.legend);
  const rich = Object.fromEntries(
    Object.entries(title.rich).map(([k, v]) => [k, { ...v, fontFamily: style.fontFamily, color: INK }]),
  );
  return {
    ...(markup.length > 0
      ? {
          formatter: (name: string): string =>
            markup.includes(name) ? richTitle({ label: name, unit: '' }, style.fontSize.legend).text : name,
        }
      : {}),
    show: names.length > 1,
    data: names,
    top: 0,
    left: 'center',
    itemWidth: style.fontSize.legend * 2.2,
    itemHeight: style.fontSize.legend * 0.6,
    itemGap: style.fontSize.legend * 0.9,
    padding: 0,
    textStyle: { fontFamily: style.fontFamily, fontSize: style.fontSize.legend, color: INK, rich },
  };
}

/** The plot rectangle of a single-panel figure; axis titles and labels fit inside it (outerBounds). */
export function grid(style: FigureStyle, legendNames: string[]): EChartsOption['grid'] {
  const pad = style.fontSize.tick * 0.6;
  return {
    left: pad,
    right: pad * 1.5,
    top: legendHeight(legendNames, style) + pad,
    bottom: pad,
    outerBoundsMode: 'same',
    outerBoundsContain: 'all',
  };
}

export interface LineChoice {
  /** Draw markers at the data points (default true). */
  symbols?: boolean;
  /** Draw the connecting line (default true). */
  line?: boolean;
  step?: false | 'start' | 'middle' | 'end';
  /** A dash pattern index other than the series index. */
  dash?: number;
  color?: string;
  /**
   * Clip to the plot frame (default false: the axes' automatic ranges hold every point, and each
   * clip path costs resvg a page-sized mask). Needed only where an axis has explicit limits.
   */
  clip?: boolean;
}

/** Series i as a line: colour, dash and marker all from position i, so it survives greyscale. */
export function lineSeries(
  name: string,
  data: [number, number | null][],
  i: number,
  style: FigureStyle,
  choice: LineChoice = {},
): LineSeriesOption {
  const color = choice.color ?? cycle(style.colors, i);
  const symbols = choice.symbols ?? true;
  return {
    type: 'line',
    name,
    data,
    color,
    step: choice.step ?? false,
    connectNulls: false,
    clip: choice.clip ?? false,
    showSymbol: symbols,
    // A line without markers keeps a symbol but hides it (opacity 0): ECharts draws 'none' as a
    // circle in the legend.
    symbol: symbols ? cycle(MARKERS, i) : 'circle',
    symbolSize: symbols ? style.markerSize : 0,
    lineStyle: {
      color,
      width: choice.line === false ? 0 : style.lineWidth,
      type: dashFor(choice.dash ?? i, style.lineWidth),
      opacity: choice.line === false ? 0 : 1,
    },
    itemStyle: { color, borderColor: color, borderWidth: style.axisLineWidth, opacity: symbols ? 1 : 0 },
    emphasis: { disabled: true },
    z: 3,
  };
}

/** Vertical error bars [low, high] at each x (a custom series: ECharts has no error-bar type). */
export function errorBarSeries(
  name: string,
  bars: [number, number, number][],
  color: string,
  style: FigureStyle,
): CustomSeriesOption {
  const cap = style.markerSize * 0.8;
  return {
    type: 'custom',
    name,
    data: bars,
    encode: { x: 0, y: [1, 2] },
    renderItem: (
      _params: CustomSeriesRenderItemParams,
      api: CustomSeriesRenderItemAPI,
    ): CustomSeriesRenderItemReturn => {
      const lo = api.coord([api.value(0), api.value(1)]);
      const hi = api.coord([api.value(0), api.value(2)]);
      const lineStyle = { stroke: color, lineWidth: style.axisLineWidth };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: lineStyle },
          {
            type: 'line',
            shape: { x1: lo[0] - cap / 2, y1: lo[1], x2: lo[0] + cap / 2, y2: lo[1] },
            style: lineStyle,
          },
          {
            type: 'line',
            shape: { x1: hi[0] - cap / 2, y1: hi[1], x2: hi[0] + cap / 2, y2: hi[1] },
            style: lineStyle,
          },
        ],
      };
    },
    clip: false,
    silent: true,
    z: 2,
  };
}

/**
 * The smallest value a log axis shows: below it (≤ 0, or subnormal, e.g. 1e-320) ECharts' log
 * scale underflows and lays the whole chart out at NaN (found by the figure-spec fuzzer, issue 9).
 */
const LOG_AXIS_MIN = 2.2250738585072014e-308; // the smallest normal double

/** Pairs x[i], y[i], dropping points a log axis cannot show (≤ 0 or subnormal on a log axis). */
export function points(
  x: readonly number[],
  y: readonly (number | null)[],
  logX = false,
  logY = false,
): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (let i = 0; i < x.length; i++) {
    if (logX && !(x[i] >= LOG_AXIS_MIN)) continue;
    const v = y[i];
    out.push([x[i], v === null || !Number.isFinite(v) || (logY && !(v >= LOG_AXIS_MIN)) ? null : v]);
  }
  return out;
}

/**
 * Legend entries of lines drawn without markers get no marker either (ECharts would draw a circle):
 * the legend shows what the plot shows.
 */
function withoutLegendMarkers(
  legendOption: LegendComponentOption,
  series: NonNullable<EChartsOption['series']>,
): LegendComponentOption {
  const bare = new Set(
    (Array.isArray(series) ? series : [series])
      .filter((s) => s.type === 'line' && (s as LineSeriesOption).showSymbol === false)
      .map((s) => s.name),
  );
  return {
    ...legendOption,
    data: (legendOption.data as string[]).map((name) =>
      bare.has(name) ? { name, itemStyle: { opacity: 0 } } : name,
    ),
  };
}

/** A single-panel option from its parts. */
export function panelOption(
  style: FigureStyle,
  parts: {
    xAxis: AxisOption;
    yAxis: AxisOption;
    series: NonNullable<EChartsOption['series']>;
    legendNames: string[];
    /** Legend names drawn with sub/superscript markup. */
    legendMarkup?: string[];
  } & Pick<EChartsOption, 'visualMap'>,
): EChartsOption {
  return {
    ...baseOption(style),
    grid: grid(style, parts.legendNames),
    legend: withoutLegendMarkers(legend(parts.legendNames, style, parts.legendMarkup), parts.series),
    xAxis: parts.xAxis,
    yAxis: parts.yAxis as YAXisComponentOption,
    series: parts.series,
    ...(parts.visualMap ? { visualMap: parts.visualMap } : {}),
  };
}
