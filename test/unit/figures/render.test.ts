import { describe, expect, it } from 'vitest';
import { FIGURE_KINDS } from '../../../src-main/core/figures/figureData.ts';
import { missingGlyphs } from '../../../src-main/core/figures/fonts.ts';
import { figureOption } from '../../../src-main/core/figures/kinds.ts';
import { PRESET_NAMES, resolveStyle, type StyleChoice } from '../../../src-main/core/figures/style.ts';
import { renderSvg } from '../../../src-main/core/figures/svg.ts';
import { LAMBDA_MAP, SAMPLES } from '../../helpers/figureSamples.ts';

const choice = (preset: (typeof PRESET_NAMES)[number]): StyleChoice =>
  preset === 'custom' ? { preset, width: 200, height: 150 } : { preset };

/** The text of every <text> element, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

/** Every stroke width as drawn, in pt: markers are drawn in a unit box scaled by their transform. */
function strokeWidths(svg: string): number[] {
  return [...svg.matchAll(/<[a-z]+ [^>]*stroke-width="([\d.]+)"[^>]*>/g)].map((m) => {
    const t = /transform="matrix\(([-\d.e]+),([-\d.e]+),([-\d.e]+),([-\d.e]+)/.exec(m[0]);
    const scale = t ? Math.sqrt(Math.abs(Number(t[1]) * Number(t[4]) - Number(t[2]) * Number(t[3]))) : 1;
    return Number(m[1]) * scale;
  });
}

describe('every figure kind renders in every preset', () => {
  for (const kind of FIGURE_KINDS) {
    for (const preset of PRESET_NAMES) {
      it(`${kind} in ${preset}: page-sized SVG, thin lines ≥ 0.5 pt, every glyph in the bundled font`, () => {
        const style = resolveStyle(choice(preset));
        const svg = renderSvg(figureOption(SAMPLES[kind], style), style.width, style.height);
        const [, w, h] = /<svg width="([\d.]+)" height="([\d.]+)"/.exec(svg) ?? [];
        expect(Number(w)).toBeCloseTo(style.width, 6);
        expect(Number(h)).toBeCloseTo(style.height, 6);
        // Some data are drawn: one path per series at least, and the axis titles are there.
        expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(10);
        const strokes = strokeWidths(svg).filter((x) => x > 0);
        expect(strokes.length).toBeGreaterThan(0);
        expect(Math.min(...strokes)).toBeGreaterThanOrEqual(0.5);
        const words = texts(svg).join(' ');
        expect(words).toContain(
          SAMPLES[kind].x.label
            .replace(/_\{?([^}]*)\}?/, '')
            .trim()
            .split(' ')[0],
        );
        expect(missingGlyphs(words, style.fontFamily)).toEqual([]);
        expect(svg).toContain(`font-family:${style.fontFamily}`);
      });
    }
  }
});

describe('a phase diagram coloured by value', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}: draws a colour bar from −max|λ| to +max|λ| with its title, and the T_c legend`, () => {
      const style = resolveStyle(choice(preset));
      const svg = renderSvg(figureOption(LAMBDA_MAP, style), style.width, style.height);
      const values = (LAMBDA_MAP as { values: { cells: number[][] } }).values.cells.slice(1).flat();
      const m = Math.max(...values.map(Math.abs));
      const words = texts(svg);
      expect(words).toContain(Number(m.toPrecision(3)).toString());
      expect(words).toContain(`−${Number(m.toPrecision(3))}`);
      expect(words).toContain('min'); // the subscript of λ_min in the bar's title
      expect(words).toContain('c'); // … and of T_c in the legend
      expect(svg).toMatch(/<linearGradient/);
      expect(Math.min(...strokeWidths(svg).filter((x) => x > 0))).toBeGreaterThanOrEqual(0.5);
    });
  }
});

describe('SVG output is deterministic', () => {
  it('rendering the same option twice gives the same bytes (zrender instance ids renumbered)', () => {
    const style = resolveStyle({ preset: 'aps-single' });
    const a = renderSvg(figureOption(SAMPLES.layerBars, style), style.width, style.height);
    const b = renderSvg(figureOption(SAMPLES.layerBars, style), style.width, style.height);
    expect(a).toBe(b);
    expect(a).toMatch(/zr0-/);
  });
});

describe('text layout uses the real font metrics', () => {
  it('a centred axis title sits at the centre of the plot whatever its width', () => {
    // The x-axis title is centred under the x axis: its anchor x equals the axis midpoint.
    const style = resolveStyle({ preset: 'nature-single' });
    const svg = renderSvg(figureOption(SAMPLES.training, style), style.width, style.height);
    const title = /translate\(([\d.]+) [\d.]+\)" fill="#000000">Training step<\/text>/.exec(svg);
    expect(title).not.toBeNull();
    const axis = /<path d="M([\d.]+) ([\d.]+)L([\d.]+) \2"/.exec(svg);
    expect(axis).not.toBeNull();
    const mid = (Number(axis?.[1]) + Number(axis?.[3])) / 2;
    expect(Math.abs(Number(title?.[1]) - mid)).toBeLessThan(1);
  });
});
