import { describe, expect, it } from 'vitest';
import { measureText, missingGlyphs } from '../../../src-main/core/figures/fonts.ts';

// Liberation Sans and Serif are metric-compatible with Arial/Helvetica and Times: their advance
// widths are the published AFM widths (per 1000 em) × 2.048 rounded to the 2048-unit em. At a
// font size of 2048 px the measured width is the advance in font units.
describe('text metrics from the bundled fonts', () => {
  it('match Helvetica’s AFM widths for the sans face (H 722, i 222, space 278)', () => {
    expect(measureText('H', "2048px 'Liberation Sans'").width).toBe(Math.round(722 * 2.048));
    expect(measureText('i', '2048px Liberation Sans').width).toBe(Math.round(222 * 2.048));
    expect(measureText(' ', '2048px Liberation Sans').width).toBe(Math.round(278 * 2.048));
  });

  it('match Times-Roman’s AFM widths for the serif face (H 722, i 278) and the bold face (Times-Bold i 278, H 778)', () => {
    expect(measureText('H', '2048px Liberation Serif').width).toBe(Math.round(722 * 2.048));
    expect(measureText('i', '2048px Liberation Serif').width).toBe(Math.round(278 * 2.048));
    expect(measureText('H', 'bold 2048px Liberation Serif').width).toBe(Math.round(778 * 2.048));
  });

  it('scale linearly with the size and add up along a word without kerning pairs', () => {
    const one = measureText('H', '8px Liberation Sans').width;
    expect(one).toBeCloseTo((8 * 1479) / 2048, 12);
    expect(measureText('HiH', '8px Liberation Sans').width).toBeCloseTo(2 * one + (8 * 455) / 2048, 9);
  });

  it('the faces draw every glyph the figures use (Greek λ, ρ, α, the minus sign, ×)', () => {
    for (const family of ['Liberation Sans', 'Liberation Serif']) {
      expect(missingGlyphs('λρα−×Ttraining step0123456789().,', family)).toEqual([]);
    }
    // ‖ is not in Liberation 1.07: labels must not use it (it would print as an empty box).
    expect(missingGlyphs('‖', 'Liberation Sans')).toEqual(['‖']);
  });
});
