/**
 * The fonts every exported figure uses, bundled in resources/fonts with their licence
 * (Liberation Sans and Serif: metric-compatible with Arial/Helvetica and Times, the faces APS and
 * Nature ask for). The same font files feed all three outputs, so a figure looks the same
 * everywhere and on every machine: ECharts' text layout (real advance widths and kerning from the
 * font instead of its built-in estimate), resvg's PNG (no system fonts) and pdfkit's PDF
 * (embedded as subsets).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import { FONT_FAMILIES } from './style.ts';

export interface BundledFont {
  family: string;
  bold: boolean;
  /** Absolute path of the TTF. */
  file: string;
  /** The name pdfkit registers it under. */
  pdfName: string;
}

const FILES: { family: string; bold: boolean; file: string }[] = [
  { family: FONT_FAMILIES.sans, bold: false, file: 'LiberationSans-Regular.ttf' },
  { family: FONT_FAMILIES.sans, bold: true, file: 'LiberationSans-Bold.ttf' },
  { family: FONT_FAMILIES.serif, bold: false, file: 'LiberationSerif-Regular.ttf' },
  { family: FONT_FAMILIES.serif, bold: true, file: 'LiberationSerif-Bold.ttf' },
];

export class FontError extends Error {
  override name = 'FontError';
}

/**
 * resources/fonts, found by walking up from this module: it is src-main/core/figures/ in the
 * sources and out/main/ in the built app, so the depth differs. SPINSCOPE_FONTS_DIR overrides it.
 */
export function fontsDir(): string {
  const override = process.env.SPINSCOPE_FONTS_DIR;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, 'resources', 'fonts');
    if (existsSync(join(candidate, FILES[0].file))) return candidate;
    dir = dirname(dir);
  }
  throw new FontError(
    `the figure fonts (resources/fonts/${FILES[0].file}) were not found above ${fileURLToPath(import.meta.url)}; set SPINSCOPE_FONTS_DIR to the folder that holds them`,
  );
}

let cache: { fonts: BundledFont[]; parsed: Map<string, fontkit.Font> } | null = null;

function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  const dir = fontsDir();
  const parsed = new Map<string, fontkit.Font>();
  const fonts = FILES.map((f) => {
    const file = join(dir, f.file);
    parsed.set(file, fontkit.create(readFileSync(file)));
    return { ...f, file, pdfName: f.file.replace(/\.ttf$/, '') };
  });
  cache = { fonts, parsed };
  return cache;
}

export function bundledFonts(): BundledFont[] {
  return load().fonts;
}

/** The bundled font for a CSS family list and weight; the sans face when the family is unknown. */
export function fontFor(family: string, bold: boolean): BundledFont {
  const { fonts } = load();
  const wanted = /serif/i.test(family) && !/sans/i.test(family) ? FONT_FAMILIES.serif : FONT_FAMILIES.sans;
  return fonts.find((f) => f.family === wanted && f.bold === bold) ?? fonts[0];
}

/**
 * The width of `text` in a CSS font shorthand as zrender writes it ("bold 8px 'Liberation Serif'"):
 * the font's advance widths with its kerning, scaled to the size.
 */
export function measureText(text: string, font?: string): { width: number } {
  const spec = font ?? '12px sans-serif';
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(spec)?.[1] ?? 12);
  const bold = /\bbold\b|\b[6-9]00\b/.test(spec);
  const face = fontFor(spec, bold);
  const parsed = load().parsed.get(face.file);
  if (!parsed) throw new FontError(`font ${face.file} is not loaded`);
  return { width: (parsed.layout(text).advanceWidth / parsed.unitsPerEm) * size };
}

/** Code points of `text` the bundled face cannot draw (they would print as empty boxes). */
export function missingGlyphs(text: string, family: string, bold = false): string[] {
  const parsed = load().parsed.get(fontFor(family, bold).file);
  return [...new Set([...text])].filter((c) => !parsed?.hasGlyphForCodePoint(c.codePointAt(0) ?? 0));
}
