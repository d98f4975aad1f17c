/**
 * Colour-blind-safe palettes and colour maps, plus the marker and dash sequences that keep series
 * apart when a figure is printed in greyscale.
 *
 * Categorical: Okabe & Ito, "Color Universal Design" (2008) — the default; Paul Tol's bright,
 * vibrant and muted schemes (Tol, "Colour Schemes", SRON/EPS/TN/09-002, 2021). Maps for heatmaps:
 * viridis (perceptually uniform, monotone lightness) and Tol's YlOrBr (sequential); Tol's sunset
 * and BuRd (diverging, for signed quantities such as λ_min). Every map is listed light → dark
 * (sequential) or negative → positive (diverging).
 */

export type PaletteName = 'okabe-ito' | 'tol-bright' | 'tol-vibrant' | 'tol-muted';
export type SequentialMapName = 'viridis' | 'tol-ylorbr';
export type DivergingMapName = 'sunset' | 'tol-burd';

export const DEFAULT_PALETTE: PaletteName = 'okabe-ito';
export const PALETTE_NAMES: readonly PaletteName[] = ['okabe-ito', 'tol-bright', 'tol-vibrant', 'tol-muted'];
export const SEQUENTIAL_MAP_NAMES: readonly SequentialMapName[] = ['viridis', 'tol-ylorbr'];
export const DIVERGING_MAP_NAMES: readonly DivergingMapName[] = ['sunset', 'tol-burd'];

// Okabe–Ito without its yellow first: yellow (#F0E442) on white is the least visible line, so it
// comes last but one; black closes the cycle.
const PALETTES: Record<PaletteName, readonly string[]> = {
  'okabe-ito': ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'],
  'tol-bright': ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'],
  'tol-vibrant': ['#0077BB', '#EE7733', '#009988', '#CC3311', '#33BBEE', '#EE3377', '#BBBBBB'],
  'tol-muted': [
    '#332288',
    '#CC6677',
    '#117733',
    '#88CCEE',
    '#882255',
    '#44AA99',
    '#999933',
    '#AA4499',
    '#DDCC77',
  ],
};

const SEQUENTIAL: Record<SequentialMapName, readonly string[]> = {
  // viridis reversed (light → dark), 10 stops of matplotlib's table.
  viridis: [
    '#fde725',
    '#b5de2b',
    '#6ece58',
    '#35b779',
    '#1f9e89',
    '#26828e',
    '#31688e',
    '#3e4989',
    '#482878',
    '#440154',
  ],
  'tol-ylorbr': [
    '#FFFFE5',
    '#FFF7BC',
    '#FEE391',
    '#FEC44F',
    '#FB9A29',
    '#EC7014',
    '#CC4C02',
    '#993404',
    '#662506',
  ],
};

const DIVERGING: Record<DivergingMapName, readonly string[]> = {
  sunset: [
    '#364B9A',
    '#4A7BB7',
    '#6EA6CD',
    '#98CAE1',
    '#C2E4EF',
    '#EAECCC',
    '#FEDA8B',
    '#FDB366',
    '#F67E4B',
    '#DD3D2D',
    '#A50026',
  ],
  'tol-burd': [
    '#2166AC',
    '#4393C3',
    '#92C5DE',
    '#D1E5F0',
    '#F7F7F7',
    '#FDDBC7',
    '#F4A582',
    '#D6604D',
    '#B2182B',
  ],
};

/**
 * Marker shapes in series order: filled and hollow shapes alternate so neighbours differ in shape
 * and in ink even when their colours print as the same grey.
 */
export const MARKERS: readonly string[] = [
  'circle',
  'rect',
  'triangle',
  'diamond',
  'emptyCircle',
  'emptyRect',
  'emptyTriangle',
  'emptyDiamond',
];

/** Dash patterns in series order (in units of the line width; [] is solid). */
export const DASHES: readonly (readonly number[])[] = [
  [],
  [4, 2],
  [1, 1.5],
  [4, 1.5, 1, 1.5],
  [6, 2, 1, 2, 1, 2],
  [2, 2],
];

export function paletteColors(name: PaletteName): readonly string[] {
  const colors = PALETTES[name];
  if (!colors) throw new RangeError(`unknown palette '${name}'; choose one of ${PALETTE_NAMES.join(', ')}`);
  return colors;
}

export function sequentialMap(name: SequentialMapName): readonly string[] {
  return SEQUENTIAL[name];
}

export function divergingMap(name: DivergingMapName): readonly string[] {
  return DIVERGING[name];
}

/** The i-th element of a cycle. */
export function cycle<T>(items: readonly T[], i: number): T {
  return items[((i % items.length) + items.length) % items.length];
}

/** The dash pattern of series i scaled to the line width (pt), as ECharts' lineStyle.type wants it. */
export function dashFor(i: number, lineWidth: number): 'solid' | number[] {
  const d = cycle(DASHES, i);
  return d.length === 0 ? 'solid' : d.map((x) => x * lineWidth);
}

/** The colour at fraction f ∈ [0, 1] of a map, linearly interpolated in sRGB between its stops. */
export function mapColor(stops: readonly string[], f: number): string {
  const x = Math.min(1, Math.max(0, f)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const t = x - i;
  const a = hexToRgb(stops[i]);
  const b = hexToRgb(stops[i + 1]);
  const mix = a.map((v, k) => Math.round(v + (b[k] - v) * t));
  return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Relative luminance (ITU-R BT.709 on linearised sRGB), used to check greyscale separability. */
export function luminance(hex: string): number {
  const lin = hexToRgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}
