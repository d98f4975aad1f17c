/**
 * The phase diagram (science.md §5.5): temperature against training step (log), each cell coloured
 * by its phase — paramagnet, spin glass, hidden order — with the T_c(t) line on top. Phases are
 * categories, so their colours are three well-separated levels of the sequential map (light →
 * dark): the diagram reads the same in greyscale. Cells are rectangles spanning half-way (in log
 * step, in T) to their neighbours, drawn as custom series on value axes so the step axis is a true
 * log axis and the T_c line sits at its real coordinates.
 *
 * With `values` (a number per cell, e.g. λ_min(H) from a sweep's curves) the cells are coloured by
 * value instead, with a colour bar: the diverging map centred on 0 for a signed quantity (the
 * zero contour of λ_min is T_c(t)), the sequential map otherwise.
 */
import type {
  LineSeriesOption,
  CustomSeriesOption,
  CustomSeriesRenderItemAPI,
  CustomSeriesRenderItemParams,
  CustomSeriesRenderItemReturn,
  EChartsOption,
} from 'echarts';
import { axis, INK, lineSeries, panelOption } from './cartesian.ts';
import { richTitle } from './quantity.ts';
import type { PhaseDiagramData, PhaseName } from './figureData.ts';
import { divergingMap, mapColor, sequentialMap } from './palettes.ts';
import type { FigureStyle } from './style.ts';
import { column, type FigureTable } from './table.ts';

export const PHASE_LABELS: Record<PhaseName, string> = {
  paramagnet: 'paramagnet',
  glass: 'spin glass',
  hiddenOrder: 'hidden order',
  undetermined: 'undetermined',
};

/** Where on the (light → dark) sequential map each phase takes its colour; undetermined stays white. */
const PHASE_LEVEL: Record<Exclude<PhaseName, 'undetermined'>, number> = {
  paramagnet: 0.08,
  glass: 0.45,
  hiddenOrder: 0.85,
};

export function phaseColor(phase: PhaseName, style: FigureStyle): string {
  return phase === 'undetermined' ? '#ffffff' : mapColor(sequentialMap(style.sequential), PHASE_LEVEL[phase]);
}

/** Cell boundaries: geometric midpoints on a log axis, arithmetic on a linear one; the ends mirror their neighbour. */
export function cellEdges(centres: readonly number[], log: boolean): number[] {
  const f = log ? Math.log : (v: number): number => v;
  const g = log ? Math.exp : (v: number): number => v;
  const c = centres.map(f);
  if (c.length === 0) return [];
  if (c.length === 1)
    return log ? [centres[0] / Math.SQRT2, centres[0] * Math.SQRT2] : [centres[0] - 0.5, centres[0] + 0.5];
  const mids = c.slice(1).map((v, i) => (v + c[i]) / 2);
  return [2 * c[0] - mids[0], ...mids, 2 * c[c.length - 1] - mids[mids.length - 1]].map(g);
}

/**
 * The rectangles [x0, x1, y0, y1] covering the cells of one phase (steps ≤ 0 are left out: log
 * axis). Consecutive temperatures of one step in the same phase are merged into one rectangle, so
 * no antialiasing seam runs through a region of one phase.
 */
export function phaseCells(data: PhaseDiagramData, phase: PhaseName): [number, number, number, number][] {
  const keep = data.steps.map((s, i) => ({ s, i })).filter(({ s }) => s > 0);
  const xe = cellEdges(
    keep.map(({ s }) => s),
    true,
  );
  const ye = cellEdges(data.temperatures, false);
  const out: [number, number, number, number][] = [];
  keep.forEach(({ i }, k) => {
    const row = data.phases[i];
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== phase) continue;
      let end = j;
      while (end + 1 < row.length && row[end + 1] === phase) end++;
      out.push([xe[k], xe[k + 1], ye[j], ye[end + 1]]);
      j = end;
    }
  });
  return out;
}

function cellSeries(
  name: string,
  cells: [number, number, number, number][],
  color: string,
  style: FigureStyle,
  outer: { xMax: number; yMin: number },
): CustomSeriesOption {
  return {
    type: 'custom',
    name,
    data: cells,
    encode: { x: [0, 1], y: [2, 3] },
    itemStyle: { color, borderColor: INK, borderWidth: style.axisLineWidth },
    renderItem: (
      _p: CustomSeriesRenderItemParams,
      api: CustomSeriesRenderItemAPI,
    ): CustomSeriesRenderItemReturn => {
      const a = api.coord([api.value(0), api.value(3)]);
      const b = api.coord([api.value(1), api.value(2)]);
      // Overlap the next column and the row below by half a point so antialiasing leaves no
      // light seams between neighbouring cells; the outermost cells end at the frame.
      const right = Number(api.value(1)) < outer.xMax ? 0.5 : 0;
      const below = Number(api.value(2)) > outer.yMin ? 0.5 : 0;
      return {
        type: 'rect',
        shape: { x: a[0], y: a[1], width: b[0] - a[0] + right, height: b[1] - a[1] + below },
        style: { fill: color },
      };
    },
    // Cells lie within the axes' limits (the outer cell edges): no clip path, which would cost
    // resvg a full-page mask at 600 dpi.
    clip: false,
    silent: true,
    z: 1,
  };
}

/** How cell values map to colours: symmetric about 0 on the diverging map when they take both signs. */
export interface ValueScale {
  min: number;
  max: number;
  stops: readonly string[];
  diverging: boolean;
  color(v: number): string;
}

export function valueScale(cells: readonly (readonly (number | null)[])[], style: FigureStyle): ValueScale {
  const finite = cells.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  const diverging = lo < 0 && hi > 0;
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const [min, max] = diverging ? [-m, m] : hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
  const stops = diverging ? divergingMap(style.diverging) : sequentialMap(style.sequential);
  return { min, max, stops, diverging, color: (v) => mapColor(stops, (v - min) / (max - min)) };
}

/** Every cell with a value as [x0, x1, y0, y1, value] (steps ≤ 0 left out: log axis). */
export function valueCells(data: PhaseDiagramData): [number, number, number, number, number][] {
  const keep = data.steps.map((s, i) => ({ s, i })).filter(({ s }) => s > 0);
  const xe = cellEdges(
    keep.map(({ s }) => s),
    true,
  );
  const ye = cellEdges(data.temperatures, false);
  const out: [number, number, number, number, number][] = [];
  keep.forEach(({ i }, k) => {
    data.values?.cells[i].forEach((v, j) => {
      if (v !== null && Number.isFinite(v)) out.push([xe[k], xe[k + 1], ye[j], ye[j + 1], v]);
    });
  });
  return out;
}

function valueSeries(
  cells: [number, number, number, number, number][],
  scale: ValueScale,
  outer: { xMax: number; yMin: number },
): CustomSeriesOption {
  return {
    type: 'custom',
    name: 'values',
    data: cells,
    encode: { x: [0, 1], y: [2, 3] },
    renderItem: (
      _p: CustomSeriesRenderItemParams,
      api: CustomSeriesRenderItemAPI,
    ): CustomSeriesRenderItemReturn => {
      const a = api.coord([api.value(0), api.value(3)]);
      const b = api.coord([api.value(1), api.value(2)]);
      const right = Number(api.value(1)) < outer.xMax ? 0.5 : 0;
      const below = Number(api.value(2)) > outer.yMin ? 0.5 : 0;
      return {
        type: 'rect',
        shape: { x: a[0], y: a[1], width: b[0] - a[0] + right, height: b[1] - a[1] + below },
        style: { fill: scale.color(Number(api.value(4))) },
      };
    },
    clip: false,
    silent: true,
    z: 1,
  };
}

export function phaseDiagramOption(data: PhaseDiagramData, style: FigureStyle): EChartsOption {
  if (data.values) return valueMapOption(data, style);
  const present = (['paramagnet', 'glass', 'hiddenOrder', 'undetermined'] as const).filter((p) =>
    data.phases.some((row) => row.includes(p)),
  );
  const xe = cellEdges(
    data.steps.filter((s) => s > 0),
    true,
  );
  const ye = cellEdges(data.temperatures, false);
  const outer = { xMax: xe.at(-1) ?? 0, yMin: ye[0] ?? 0 };
  const [halo, tcLine] = tcLineSeries(data, style);
  return panelOption(style, {
    xAxis: axis(data.x, style, 'x', { log: true, min: xe[0], max: xe.at(-1) }),
    yAxis: axis(data.y, style, 'y', { min: ye[0], max: ye.at(-1) }),
    series: [
      ...present.map((p) =>
        cellSeries(PHASE_LABELS[p], phaseCells(data, p), phaseColor(p, style), style, outer),
      ),
      halo,
      tcLine,
    ],
    legendNames: [...present.map((p) => PHASE_LABELS[p]), TC_LABEL],
    legendMarkup: [TC_LABEL],
  });
}

const TC_LABEL = 'T_c';

/** The T_c(t) line over the cells, with a white halo so it reads on dark and light cells alike. */
function tcLineSeries(data: PhaseDiagramData, style: FigureStyle): [LineSeriesOption, LineSeriesOption] {
  const tcPoints = data.steps.flatMap((s, i): [number, number][] => (s > 0 ? [[s, data.tc[i]]] : []));
  // T_c may leave the temperature grid (a checkpoint hotter than the top row): clip the line.
  const halo = lineSeries('', tcPoints, 0, style, { symbols: false, color: '#ffffff', dash: 0, clip: true });
  (halo.lineStyle as { width: number }).width = style.lineWidth * 3;
  halo.z = 4;
  const tcLine = lineSeries(TC_LABEL, tcPoints, 0, style, { color: INK, dash: 0, clip: true });
  tcLine.z = 5;
  tcLine.itemStyle = { color: '#ffffff', borderColor: INK, borderWidth: style.axisLineWidth };
  tcLine.symbol = 'circle';
  return [halo, tcLine];
}

/** Cells coloured by value, a colour bar at the right, the T_c line on top. */
function valueMapOption(data: PhaseDiagramData, style: FigureStyle): EChartsOption {
  const xe = cellEdges(
    data.steps.filter((s) => s > 0),
    true,
  );
  const ye = cellEdges(data.temperatures, false);
  const outer = { xMax: xe.at(-1) ?? 0, yMin: ye[0] ?? 0 };
  const scale = valueScale(data.values?.cells ?? [], style);
  const [halo, tcLine] = tcLineSeries(data, style);
  const option = panelOption(style, {
    xAxis: axis(data.x, style, 'x', { log: true, min: xe[0], max: xe.at(-1) }),
    yAxis: axis(data.y, style, 'y', { min: ye[0], max: ye.at(-1) }),
    series: [valueSeries(valueCells(data), scale, outer), halo, tcLine],
    legendNames: [TC_LABEL],
    legendMarkup: [TC_LABEL],
  });
  // Room at the right for the bar (0.9 em), its end labels (≈ 2.5 em) and its rotated title (1.5 em).
  const fs = style.fontSize.tick;
  const barRoom = fs * 5;
  const grid = option.grid as { right: number; top: number; bottom: number };
  grid.right += barRoom;
  grid.top += style.fontSize.legend * 1.5; // the legend row of the T_c line (shown below)
  const fmt = (v: number): string => Number(v.toPrecision(3)).toString().replace('-', '−');
  const barLeft = style.width - barRoom + fs * 0.5;
  const barTop = grid.top + fs * 1.2;
  const barHeight = Math.max(fs * 4, style.height - grid.top - grid.bottom - fs * 7);
  option.visualMap = {
    type: 'continuous',
    // Only a colour bar: the cells are coloured by the series itself.
    seriesIndex: [],
    min: scale.min,
    max: scale.max,
    inRange: { color: [...scale.stops] },
    calculable: false,
    orient: 'vertical',
    left: barLeft,
    top: barTop,
    itemWidth: fs * 0.9,
    itemHeight: barHeight,
    text: [fmt(scale.max), fmt(scale.min)],
    textGap: fs * 0.3,
    textStyle: { fontFamily: style.fontFamily, fontSize: fs, color: INK },
  } as EChartsOption['visualMap'];
  // The T_c line is the only series: name it (a one-entry legend is otherwise hidden).
  (option.legend as { show: boolean }).show = true;
  const title = richTitle(data.values?.quantity ?? { label: '', unit: '' }, style.fontSize.axis);
  // The bar's title, rotated like the y axis title, to the right of the bar.
  option.graphic = [
    {
      type: 'text',
      x: barLeft + fs * 0.9 + fs * 1.1,
      y: barTop + barHeight / 2 + fs * 1.2,
      rotation: Math.PI / 2,
      silent: true,
      style: {
        text: title.text,
        align: 'center',
        verticalAlign: 'middle',
        fill: INK,
        fontFamily: style.fontFamily,
        fontSize: style.fontSize.axis,
        rich: Object.fromEntries(
          Object.entries(title.rich).map(([k, v]) => [k, { ...v, fontFamily: style.fontFamily, fill: INK }]),
        ),
      },
    },
  ];
  return option;
}

export function phaseDiagramTable(data: PhaseDiagramData): FigureTable {
  const rows: FigureTable['rows'] = [];
  data.steps.forEach((s, i) => {
    if (!(s > 0)) return;
    data.temperatures.forEach((T, j) =>
      rows.push([s, T, data.phases[i][j], data.tc[i], ...(data.values ? [data.values.cells[i][j]] : [])]),
    );
  });
  return {
    columns: [
      column(data.x),
      column(data.y),
      'phase',
      column({ label: 'T_c', unit: data.y.unit }),
      ...(data.values ? [column(data.values.quantity)] : []),
    ],
    rows,
  };
}
