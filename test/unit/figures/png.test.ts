import { describe, expect, it } from 'vitest';
import { pngChunks, pngDpi, renderPng, renderPngAsync, withDpi } from '../../../src-main/core/figures/png.ts';
import { crc32 } from '../../../src-main/core/project/crc32.ts';

const SVG =
  '<svg width="72" height="36" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="36" height="36" fill="#000"/>' +
  '<text x="40" y="20" style="font-size:10px;font-family:Liberation Sans;">Tc</text></svg>';

describe('PNG export', () => {
  it('rasterises points at dpi/72 pixels per point: 1 in × 0.5 in at 300 dpi is 300 × 150 px', () => {
    const ihdr = pngChunks(renderPng(SVG, 300)).find((c) => c.type === 'IHDR');
    expect(ihdr?.data.readUInt32BE(0)).toBe(300);
    expect(ihdr?.data.readUInt32BE(4)).toBe(150);
  });

  it('records the dpi in a pHYs chunk right after IHDR: 300 dpi = 11811 px/m, unit metre, valid CRC', () => {
    const png = renderPng(SVG, 300);
    const chunks = pngChunks(png);
    expect(chunks[1].type).toBe('pHYs');
    expect(chunks[1].data.readUInt32BE(0)).toBe(11811); // 300 / 0.0254 = 11811.02
    expect(chunks[1].data.readUInt8(8)).toBe(1);
    const at = 8 + 12 + chunks[0].data.length; // signature, IHDR chunk
    const stored = png.readUInt32BE(at + 8 + 9);
    expect(stored).toBe(crc32(png.subarray(at + 4, at + 8 + 9)));
    expect(pngDpi(png)?.x).toBeCloseTo(300, 1);
    expect(pngDpi(renderPng(SVG, 600))?.y).toBeCloseTo(600, 1);
  });

  it('replaces an existing pHYs instead of adding a second one', () => {
    const twice = withDpi(withDpi(renderPng(SVG, 150), 300), 600);
    expect(pngChunks(twice).filter((c) => c.type === 'pHYs')).toHaveLength(1);
    expect(pngDpi(twice)?.x).toBeCloseTo(600, 1);
  });

  it('the thread-pool rasterisation gives the same bytes as the synchronous one', async () => {
    expect((await renderPngAsync(SVG, 600)).equals(renderPng(SVG, 600))).toBe(true);
  });

  it('draws text with the bundled fonts only: the same bytes on every run', () => {
    const a = renderPng(SVG, 300);
    expect(renderPng(SVG, 300).equals(a)).toBe(true);
    // Text is drawn: the image differs from the same SVG without its text element.
    expect(renderPng(SVG.replace(/<text.*<\/text>/, ''), 300).equals(a)).toBe(false);
  });
});
