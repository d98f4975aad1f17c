/**
 * Journal style presets for figures: page width and height, font family and sizes, line widths.
 *
 * Every length here is in PostScript points (1 pt = 1/72 in): the option builders draw in points,
 * so one SVG user unit is one point, the PDF page is the preset in points, and a PNG at d dpi is
 * the SVG scaled by d / 72. Font sizes follow the journals' artwork guides: APS asks for lettering
 * that stays ≥ 6–8 pt at final size in Times- or Helvetica-like faces; Nature for 5–7 pt sans-serif
 * (Arial/Helvetica) with bold lowercase panel labels at 8 pt. Lines thinner than 0.5 pt disappear
 * in print, so every width is clamped to at least MIN_LINE_WIDTH_PT.
 *
 * Pure data and arithmetic: the renderer imports it for on-screen previews.
 */
import {
  paletteColors,
  DEFAULT_PALETTE,
  type PaletteName,
  type SequentialMapName,
  type DivergingMapName,
} from './palettes.ts';

export const POINTS_PER_CM = 72 / 2.54;
export const POINTS_PER_MM = 72 / 25.4;
/** The thinnest line a figure may have (pt): thinner hairlines vanish at print resolution. */
export const MIN_LINE_WIDTH_PT = 0.5;

/** The bundled font families (resources/fonts): metric-compatible with Arial/Helvetica and Times. */
export const FONT_FAMILIES = {
  sans: 'Liberation Sans',
  serif: 'Liberation Serif',
} as const;
export type FontChoice = keyof typeof FONT_FAMILIES;

export type PresetName = 'aps-single' | 'aps-double' | 'nature-single' | 'nature-double' | 'custom';
export const PRESET_NAMES: readonly PresetName[] = [
  'aps-single',
  'aps-double',
  'nature-single',
  'nature-double',
  'custom',
];

export interface FontSizes {
  /** Axis titles and colour-bar titles (pt). */
  axis: number;
  /** Tick labels (pt). */
  tick: number;
  /** Legend entries (pt). */
  legend: number;
  /** Panel labels (a), (b), … (pt, bold). */
  panel: number;
}

export interface Preset {
  name: PresetName;
  description: string;
  /** Width and default height (pt). */
  width: number;
  height: number;
  font: FontChoice;
  fontSize: FontSizes;
  /** Data lines, axis lines and tick marks (pt, each ≥ MIN_LINE_WIDTH_PT). */
  lineWidth: number;
  axisLineWidth: number;
  /** Marker size (pt, diameter). */
  markerSize: number;
  /** Panel labels as '(a)' (APS) or bold 'a' (Nature). */
  panelLabel: 'parenthesised' | 'bold';
}

const apsFonts: FontSizes = { axis: 8, tick: 7, legend: 7, panel: 8 };
const natureFonts: FontSizes = { axis: 7, tick: 6, legend: 6, panel: 8 };

export const PRESETS: Record<Exclude<PresetName, 'custom'>, Preset> = {
  // Phys. Rev. / PRL: single column 8.6 cm, double column 17.8 cm.
  'aps-single': {
    name: 'aps-single',
    description: 'APS/PRL single column, 8.6 cm wide',
    width: 8.6 * POINTS_PER_CM,
    height: 8.6 * POINTS_PER_CM * 0.75,
    font: 'serif',
    fontSize: apsFonts,
    lineWidth: 1,
    axisLineWidth: 0.5,
    markerSize: 4,
    panelLabel: 'parenthesised',
  },
  'aps-double': {
    name: 'aps-double',
    description: 'APS/PRL double column, 17.8 cm wide',
    width: 17.8 * POINTS_PER_CM,
    height: 17.8 * POINTS_PER_CM * 0.4,
    font: 'serif',
    fontSize: apsFonts,
    lineWidth: 1,
    axisLineWidth: 0.5,
    markerSize: 4,
    panelLabel: 'parenthesised',
  },
  // Nature: single column 89 mm, double column 183 mm.
  'nature-single': {
    name: 'nature-single',
    description: 'Nature single column, 89 mm wide',
    width: 89 * POINTS_PER_MM,
    height: 89 * POINTS_PER_MM * 0.75,
    font: 'sans',
    fontSize: natureFonts,
    lineWidth: 0.75,
    axisLineWidth: 0.5,
    markerSize: 3.5,
    panelLabel: 'bold',
  },
  'nature-double': {
    name: 'nature-double',
    description: 'Nature double column, 183 mm wide',
    width: 183 * POINTS_PER_MM,
    height: 183 * POINTS_PER_MM * 0.4,
    font: 'sans',
    fontSize: natureFonts,
    lineWidth: 0.75,
    axisLineWidth: 0.5,
    markerSize: 3.5,
    panelLabel: 'bold',
  },
};

/** What a figure spec says about its style; everything but the preset is optional. */
export interface StyleChoice {
  preset: PresetName;
  /** Overrides (pt); required for 'custom'. */
  width?: number;
  height?: number;
  font?: FontChoice;
  palette?: PaletteName;
  sequential?: SequentialMapName;
  diverging?: DivergingMapName;
  /** Scales every font size (default 1). */
  fontScale?: number;
}

/** A preset with its overrides applied: what the option builders read. */
export interface FigureStyle {
  preset: PresetName;
  width: number;
  height: number;
  fontFamily: string;
  fontSize: FontSizes;
  lineWidth: number;
  axisLineWidth: number;
  markerSize: number;
  panelLabel: Preset['panelLabel'];
  palette: PaletteName;
  /** Series colours, in order. */
  colors: readonly string[];
  sequential: SequentialMapName;
  diverging: DivergingMapName;
}

export class FigureStyleError extends Error {
  override name = 'FigureStyleError';
}

export function resolveStyle(choice: StyleChoice): FigureStyle {
  const base: Preset =
    choice.preset === 'custom'
      ? { ...PRESETS['aps-single'], name: 'custom', description: 'custom size' }
      : PRESETS[choice.preset];
  if (choice.preset === 'custom' && (choice.width === undefined || choice.height === undefined)) {
    throw new FigureStyleError('the custom preset needs width and height (in points; 1 cm = 28.35 pt)');
  }
  const width = choice.width ?? base.width;
  const height = choice.height ?? base.height;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!(v >= 36 && v <= 2000)) {
      throw new FigureStyleError(`figure ${name} ${v} pt is outside 36–2000 pt (0.5 in to 70 cm)`);
    }
  }
  const scale = choice.fontScale ?? 1;
  const palette = choice.palette ?? DEFAULT_PALETTE;
  return {
    preset: choice.preset,
    width,
    height,
    fontFamily: FONT_FAMILIES[choice.font ?? base.font],
    fontSize: {
      axis: base.fontSize.axis * scale,
      tick: base.fontSize.tick * scale,
      legend: base.fontSize.legend * scale,
      panel: base.fontSize.panel * scale,
    },
    lineWidth: Math.max(MIN_LINE_WIDTH_PT, base.lineWidth),
    axisLineWidth: Math.max(MIN_LINE_WIDTH_PT, base.axisLineWidth),
    markerSize: base.markerSize,
    panelLabel: base.panelLabel,
    palette,
    colors: paletteColors(palette),
    sequential: choice.sequential ?? 'viridis',
    diverging: choice.diverging ?? 'sunset',
  };
}
