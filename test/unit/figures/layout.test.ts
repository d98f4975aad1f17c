import { describe, expect, it } from 'vitest';
import { composePanels, panelLabel } from '../../../src-main/core/figures/layout.ts';
import { resolveStyle } from '../../../src-main/core/figures/style.ts';
import { renderSvg } from '../../../src-main/core/figures/svg.ts';
import { SAMPLES } from '../../helpers/figureSamples.ts';

describe('multi-panel figures', () => {
  it('place n panels as separate grids with their own axes, labelled (a), (b), … for APS', () => {
    const style = resolveStyle({ preset: 'aps-double' });
    const option = composePanels([SAMPLES.tc, SAMPLES.phaseDiagram, SAMPLES.lambdaMin], style) as {
      grid: { left: number; width: number }[];
      xAxis: { gridIndex: number }[];
      series: { xAxisIndex: number }[];
    };
    expect(option.grid).toHaveLength(3);
    expect(option.xAxis.map((a) => a.gridIndex)).toEqual([0, 1, 2]);
    // Panels do not overlap: each grid lies within its third of the page.
    option.grid.forEach((g, i) => {
      expect(g.left).toBeGreaterThanOrEqual((i * style.width) / 3);
      expect(g.left + g.width).toBeLessThanOrEqual(((i + 1) * style.width) / 3 + 1e-9);
    });
    expect(new Set(option.series.map((s) => s.xAxisIndex))).toEqual(new Set([0, 1, 2]));
    const svg = renderSvg(option, style.width, style.height);
    for (const label of ['(a)', '(b)', '(c)']) expect(svg).toContain(`>${label}</text>`);
  });

  it('Nature labels panels with bold lowercase letters; 4 panels go in 2 rows of 2', () => {
    const style = resolveStyle({ preset: 'nature-double' });
    expect(panelLabel(1, style)).toBe('b');
    const option = composePanels(
      [SAMPLES.training, SAMPLES.training, SAMPLES.layerBars, SAMPLES.spectrum],
      style,
    ) as {
      grid: { top: number }[];
    };
    expect(option.grid[2].top).toBeGreaterThanOrEqual(style.height / 2);
    expect(option.grid[1].top).toBeLessThan(style.height / 2);
    const svg = renderSvg(option, style.width, style.height);
    expect(svg).toMatch(/font-weight:bold[^>]*>d<\/text>|>d<\/text>/);
  });

  it('a series name used in two panels keeps each panel’s own legend icon', () => {
    const style = resolveStyle({ preset: 'aps-double' });
    // 'step 3000' is series 1 (orange) of the spectrum and series 2 (green) of the λ_min panel.
    const svg = renderSvg(
      composePanels([SAMPLES.spectrum, SAMPLES.lambdaMin], style),
      style.width,
      style.height,
    );
    expect(svg).not.toContain('\u001f');
    expect(svg.match(/>step 3000<\/text>/g)).toHaveLength(2);
    // Legend icons are drawn before their text: the icon line just before each 'step 3000' label.
    const icons = [
      ...svg.matchAll(
        /stroke="(#[0-9A-F]{6})"[^<]*<\/path>\s*(?:<path[^>]*><\/path>\s*)?<text[^>]*>step 3000</g,
      ),
    ].map((m) => m[1]);
    expect(icons).toEqual(['#D55E00', '#009E73']);
  });

  it('a single panel without labels is the plain single-panel option', () => {
    const style = resolveStyle({ preset: 'aps-single' });
    const option = composePanels([SAMPLES.tc], style) as { grid: unknown };
    expect(Array.isArray(option.grid)).toBe(false);
  });
});
