import { describe, expect, it } from 'vitest';
import {
  cycle,
  dashFor,
  luminance,
  MARKERS,
  paletteColors,
  PALETTE_NAMES,
} from '../../../src-main/core/figures/palettes.ts';
import { phaseColor, valueScale } from '../../../src-main/core/figures/phaseDiagramFigure.ts';
import {
  MIN_LINE_WIDTH_PT,
  PRESET_NAMES,
  PRESETS,
  resolveStyle,
} from '../../../src-main/core/figures/style.ts';

describe('journal presets', () => {
  it('have the journals’ column widths in points (1 in = 2.54 cm = 72 pt)', () => {
    expect(PRESETS['aps-single'].width).toBeCloseTo((8.6 / 2.54) * 72, 9); // 243.78 pt
    expect(PRESETS['aps-double'].width).toBeCloseTo((17.8 / 2.54) * 72, 9); // 504.57 pt
    expect(PRESETS['nature-single'].width).toBeCloseTo((89 / 25.4) * 72, 9); // 252.28 pt
    expect(PRESETS['nature-double'].width).toBeCloseTo((183 / 25.4) * 72, 9); // 518.74 pt
    expect(PRESETS['aps-single'].width).toBeCloseTo(243.7795, 3);
  });

  it('never draw a line thinner than 0.5 pt, nor set text below 5 pt', () => {
    for (const name of PRESET_NAMES) {
      const s = resolveStyle(
        name === 'custom' ? { preset: name, width: 300, height: 200 } : { preset: name },
      );
      expect(s.lineWidth).toBeGreaterThanOrEqual(MIN_LINE_WIDTH_PT);
      expect(s.axisLineWidth).toBeGreaterThanOrEqual(MIN_LINE_WIDTH_PT);
      expect(Math.min(...Object.values(s.fontSize))).toBeGreaterThanOrEqual(5);
    }
  });

  it('use a Times-like serif for APS and an Arial-like sans for Nature', () => {
    expect(resolveStyle({ preset: 'aps-single' }).fontFamily).toBe('Liberation Serif');
    expect(resolveStyle({ preset: 'nature-double' }).fontFamily).toBe('Liberation Sans');
    expect(resolveStyle({ preset: 'aps-single', font: 'sans' }).fontFamily).toBe('Liberation Sans');
  });

  it('custom needs a size, and sizes outside 0.5 in … 70 cm are refused with the unit named', () => {
    expect(() => resolveStyle({ preset: 'custom' })).toThrow(/width and height \(in points/);
    expect(() => resolveStyle({ preset: 'custom', width: 10, height: 100 })).toThrow(/10 pt is outside/);
    expect(resolveStyle({ preset: 'custom', width: 400, height: 300 })).toMatchObject({
      width: 400,
      height: 300,
    });
  });
});

describe('palettes', () => {
  it('Okabe–Ito is the default and holds the eight published colours', () => {
    expect(resolveStyle({ preset: 'aps-single' }).palette).toBe('okabe-ito');
    expect([...paletteColors('okabe-ito')].sort()).toEqual(
      ['#000000', '#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'].sort(),
    );
    expect(paletteColors('tol-bright')).toContain('#4477AA');
    expect(PALETTE_NAMES).toHaveLength(4);
  });

  it('neighbouring series differ in marker and in dash, so they survive a greyscale print', () => {
    for (let i = 0; i < 6; i++) {
      expect(cycle(MARKERS, i)).not.toBe(cycle(MARKERS, i + 1));
      expect(JSON.stringify(dashFor(i, 1))).not.toBe(JSON.stringify(dashFor(i + 1, 1)));
    }
  });

  it('the phase diagram’s phases are three distinct grey levels, darkest for hidden order', () => {
    for (const sequential of ['viridis', 'tol-ylorbr'] as const) {
      const s = resolveStyle({ preset: 'aps-single', sequential });
      const [p, g, h] = (['paramagnet', 'glass', 'hiddenOrder'] as const).map((x) =>
        luminance(phaseColor(x, s)),
      );
      // Luminance steps of ≥ 0.1 (of 1) stay apart after printing.
      expect(p - g).toBeGreaterThan(0.1);
      expect(g - h).toBeGreaterThan(0.1);
    }
  });

  it('cell values that take both signs use the diverging map symmetric about 0, its centre at 0', () => {
    const s = resolveStyle({ preset: 'aps-single' });
    const scale = valueScale(
      [
        [-0.5, 0.1],
        [2, null],
      ],
      s,
    );
    expect(scale.diverging).toBe(true);
    expect([scale.min, scale.max]).toEqual([-2, 2]);
    expect(scale.color(0)).toBe('#eaeccc'); // sunset's middle stop (6th of 11)
    expect(scale.color(-2)).toBe('#364b9a');
    const positive = valueScale([[1, 3]], s);
    expect(positive.diverging).toBe(false);
    expect([positive.min, positive.max]).toEqual([1, 3]);
    expect(luminance(positive.color(3))).toBeLessThan(luminance(positive.color(1))); // larger is darker
  });
});
