/**
 * Multi-panel figures: several single-panel options (kinds.ts) placed on one page in a grid of
 * rows × columns, each with its own axes and legend and a panel label — '(a)', '(b)' for APS,
 * bold 'a', 'b' for Nature (style.ts). ECharts draws them as one chart with several grids, so the
 * page renders in one pass and every panel shares the page's fonts.
 */
import type { EChartsOption, GraphicComponentOption, LegendComponentOption } from 'echarts';
import type { FigureData } from './figureData.ts';
import { figureOption } from './kinds.ts';
import type { FigureStyle } from './style.ts';
import { INK } from './cartesian.ts';

export interface PanelLayout {
  /** Panels per row (default: all in one row up to 3, then rows of 2). */
  columns?: number;
  /** Show panel labels (default: when there is more than one panel). */
  labels?: boolean;
}

export function panelLabel(i: number, style: FigureStyle): string {
  const letter = String.fromCharCode(97 + (i % 26));
  return style.panelLabel === 'parenthesised' ? `(${letter})` : letter;
}

/** Between a panel's index and a series name (a control character: never in a user's name). */
const PANEL_SEPARATOR = '\u001f';

type Rect = { x: number; y: number; width: number; height: number };

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The page option of several panels. One panel without a label is figureOption itself. */
export function composePanels(
  panels: readonly FigureData[],
  style: FigureStyle,
  layout: PanelLayout = {},
): EChartsOption {
  if (panels.length === 0) throw new RangeError('a figure needs at least one panel');
  const labels = layout.labels ?? panels.length > 1;
  if (panels.length === 1 && !labels) return figureOption(panels[0], style);
  const columns = Math.max(
    1,
    Math.min(panels.length, layout.columns ?? (panels.length <= 3 ? panels.length : 2)),
  );
  const rows = Math.ceil(panels.length / columns);
  const w = style.width / columns;
  const h = style.height / rows;
  // Each panel is built as if it were a page of its own size, then moved into place.
  const panelStyle: FigureStyle = { ...style, width: w, height: h };
  const labelRoom = labels ? style.fontSize.panel * 1.2 : 0;
  const out: EChartsOption & {
    grid: object[];
    xAxis: object[];
    yAxis: object[];
    series: object[];
    legend: object[];
    graphic: GraphicComponentOption[];
    visualMap: object[];
  } = { grid: [], xAxis: [], yAxis: [], series: [], legend: [], graphic: [], visualMap: [] };
  panels.forEach((data, i) => {
    const rect: Rect = { x: (i % columns) * w, y: Math.floor(i / columns) * h, width: w, height: h };
    const option = figureOption(data, panelStyle);
    if (i === 0)
      Object.assign(out, {
        animation: option.animation,
        backgroundColor: option.backgroundColor,
        textStyle: option.textStyle,
        color: option.color,
      });
    const g = asArray(option.grid)[0] as { left: number; right: number; top: number; bottom: number };
    out.grid.push({
      ...g,
      left: rect.x + g.left + (labels ? labelRoom * 0.4 : 0),
      top: rect.y + g.top + (labels ? labelRoom * 0.6 : 0),
      right: undefined,
      bottom: undefined,
      width: rect.width - g.left - g.right - (labels ? labelRoom * 0.4 : 0),
      height: rect.height - g.top - g.bottom - (labels ? labelRoom * 0.6 : 0),
    });
    out.xAxis.push({ ...(asArray(option.xAxis)[0] as object), gridIndex: i });
    out.yAxis.push({ ...(asArray(option.yAxis)[0] as object), gridIndex: i });
    // ECharts matches legend entries to series by name across the whole chart: the same name in
    // two panels ('step 3000' in a spectrum and a λ_min panel) would share one legend icon. Names
    // get a panel prefix, which the legend's formatter takes off again.
    const prefix = `${i}${PANEL_SEPARATOR}`;
    for (const s of asArray(option.series)) {
      const named = s as { name?: string };
      out.series.push({ ...named, name: `${prefix}${named.name ?? ''}`, xAxisIndex: i, yAxisIndex: i });
    }
    const legend = asArray(option.legend)[0] as LegendComponentOption;
    const inner = legend.formatter as ((name: string) => string) | undefined;
    out.legend.push({
      ...legend,
      data: (legend.data ?? []).map((d) =>
        typeof d === 'string'
          ? `${prefix}${d}`
          : { ...(d as object), name: `${prefix}${(d as { name: string }).name}` },
      ),
      formatter: (name: string) => {
        const bare = name.slice(name.indexOf(PANEL_SEPARATOR) + 1);
        return inner ? inner(bare) : bare;
      },
      top: rect.y + (labels ? labelRoom * 0.1 : 0),
      left: rect.x + labelRoom * 1.6,
      width: rect.width - labelRoom * 2,
    });
    for (const g of asArray(
      option.graphic as GraphicComponentOption | GraphicComponentOption[] | undefined,
    )) {
      const el = g as { x: number; y: number };
      out.graphic.push({
        ...el,
        x: rect.x + el.x,
        y: rect.y + el.y + (labels ? labelRoom * 0.6 : 0),
      } as GraphicComponentOption);
    }
    for (const v of asArray(option.visualMap)) {
      const bar = v as { left: number; top: number };
      out.visualMap.push({
        ...bar,
        left: rect.x + bar.left,
        top: rect.y + bar.top + (labels ? labelRoom * 0.6 : 0),
      });
    }
    if (labels) {
      out.graphic.push({
        type: 'text',
        left: rect.x + 1,
        top: rect.y + 1,
        silent: true,
        style: {
          text: panelLabel(i, style),
          fill: INK,
          fontFamily: style.fontFamily,
          fontSize: style.fontSize.panel,
          fontWeight: 'bold',
        },
      });
    }
  });
  return out;
}
