/**
 * PNG export: resvg rasterises the figure's SVG at d dpi (the SVG is in points, so the zoom is
 * d / 72) with the bundled fonts only — no system fonts — so the pixels are the same on every
 * machine. The dpi is recorded in a pHYs chunk (PNG spec §11.3.5.3: pixels per metre, unit 1),
 * which is what journals' upload checks and image editors read.
 */
import { renderAsync, Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { crc32 } from '../project/crc32.ts';
import { bundledFonts } from './fonts.ts';
import { FONT_FAMILIES } from './style.ts';

export const INCHES_PER_METRE = 1 / 0.0254;

export function renderPng(svg: string, dpi: number): Buffer {
  return withDpi(Buffer.from(rasterise(svg, dpi).asPng()), dpi);
}

/** The raw RGBA pixels (row-major, 4 bytes per pixel) of the SVG at `dpi`, as the PNG holds them. */
export function renderRgba(svg: string, dpi: number): { width: number; height: number; pixels: Buffer } {
  const image = rasterise(svg, dpi);
  return { width: image.width, height: image.height, pixels: Buffer.from(image.pixels) };
}

/** resvg's options for `dpi`: the bundled fonts only, white paper, crisp geometry. */
function resvgOptions(dpi: number): ResvgRenderOptions {
  return {
    fitTo: { mode: 'zoom', value: dpi / 72 },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: bundledFonts().map((f) => f.file),
      defaultFontFamily: FONT_FAMILIES.sans,
      sansSerifFamily: FONT_FAMILIES.sans,
      serifFamily: FONT_FAMILIES.serif,
    },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 0,
  };
}

function rasterise(svg: string, dpi: number): ReturnType<Resvg['render']> {
  return new Resvg(svg, resvgOptions(dpi)).render();
}

/**
 * renderPng off the main thread: resvg rasterises on libuv's thread pool, so a bundle draws its
 * PNGs while pdfkit writes the PDF (the rasterisation at 600 dpi is most of an export's time).
 */
export async function renderPngAsync(svg: string, dpi: number): Promise<Buffer> {
  const image = await renderAsync(svg, resvgOptions(dpi));
  return withDpi(Buffer.from(image.asPng()), dpi);
}

/** The PNG with a pHYs chunk for `dpi` right after IHDR (replacing any pHYs already there). */
export function withDpi(png: Buffer, dpi: number): Buffer {
  const chunks = pngChunks(png).filter((c) => c.type !== 'pHYs');
  const ppm = Math.round(dpi * INCHES_PER_METRE);
  const body = Buffer.alloc(9);
  body.writeUInt32BE(ppm, 0);
  body.writeUInt32BE(ppm, 4);
  body.writeUInt8(1, 8); // unit: metre
  const phys = { type: 'pHYs', data: body };
  const ihdr = chunks.findIndex((c) => c.type === 'IHDR');
  chunks.splice(ihdr + 1, 0, phys);
  return Buffer.concat([png.subarray(0, 8), ...chunks.map(encodeChunk)]);
}

export interface PngChunk {
  type: string;
  data: Buffer;
}

export function pngChunks(png: Buffer): PngChunk[] {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 8 || !png.subarray(0, 8).equals(signature)) throw new Error('not a PNG file');
  const out: PngChunk[] = [];
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    out.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

function encodeChunk(c: PngChunk): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(c.data.length, 0);
  head.write(c.type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), c.data])) >>> 0, 0);
  return Buffer.concat([head, c.data, crc]);
}

/** The dpi a PNG's pHYs chunk records (null without one, or when its unit is not the metre). */
export function pngDpi(png: Buffer): { x: number; y: number } | null {
  const phys = pngChunks(png).find((c) => c.type === 'pHYs');
  if (!phys || phys.data.readUInt8(8) !== 1) return null;
  return { x: phys.data.readUInt32BE(0) / INCHES_PER_METRE, y: phys.data.readUInt32BE(4) / INCHES_PER_METRE };
}
