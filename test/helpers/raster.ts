/** Reading back exported figures with poppler (pdftotext, pdftoppm): the figure tests' independent reader. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The page size of every page of a PDF, from its /MediaBox entries [x0 y0 x1 y1] (pt). */
export function mediaBoxes(pdf: Buffer): { width: number; height: number }[] {
  return [
    ...pdf
      .toString('latin1')
      .matchAll(/\/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]/g),
  ].map((m) => ({ width: Number(m[3]) - Number(m[1]), height: Number(m[4]) - Number(m[2]) }));
}

function withTemp<T>(pdf: Buffer, f: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'spinscope-pdf-'));
  try {
    const file = join(dir, 'figure.pdf');
    writeFileSync(file, pdf);
    return f(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text poppler extracts from the PDF (what a reader's search finds). */
export function pdfText(pdf: Buffer): string {
  return withTemp(pdf, (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
}

/** pdfinfo's fields ("Title", "Pages", "Page size", …). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const out = withTemp(pdf, (file) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/** The first page rasterised by poppler at `dpi` as RGB (3 bytes per pixel). */
export function pdfRaster(pdf: Buffer, dpi: number): { width: number; height: number; rgb: Buffer } {
  return withTemp(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-r', String(dpi), '-singlefile', file, join(dir, 'page')]);
    const ppm = readFileSync(join(dir, 'page.ppm'));
    // Binary PPM: "P6" width height maxval, each followed by one whitespace byte, then the pixels.
    const fields: string[] = [];
    let at = 0;
    while (fields.length < 4) {
      while (/\s/.test(String.fromCharCode(ppm[at]))) at++;
      let s = '';
      while (!/\s/.test(String.fromCharCode(ppm[at]))) s += String.fromCharCode(ppm[at++]);
      fields.push(s);
    }
    if (fields[0] !== 'P6' || fields[3] !== '255')
      throw new Error(`unexpected pdftoppm output ${fields.join(' ')}`);
    return { width: Number(fields[1]), height: Number(fields[2]), rgb: ppm.subarray(at + 1) };
  });
}

/**
 * Mean absolute difference (0–255) between two images over their common top-left area, after
 * averaging each over b × b pixel blocks: block means forgive the renderers' different
 * antialiasing and glyph hinting at edges, not misplaced, missing or differently shaped marks.
 */
export function blockDifference(
  a: { width: number; height: number; data: Buffer; channels: number },
  b: { width: number; height: number; data: Buffer; channels: number },
  block = 4,
): number {
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  let sum = 0;
  let n = 0;
  for (let by = 0; by + block <= h; by += block) {
    for (let bx = 0; bx + block <= w; bx += block) {
      for (let c = 0; c < 3; c++) {
        let sa = 0;
        let sb = 0;
        for (let y = by; y < by + block; y++) {
          for (let x = bx; x < bx + block; x++) {
            sa += a.data[(y * a.width + x) * a.channels + c];
            sb += b.data[(y * b.width + x) * b.channels + c];
          }
        }
        sum += Math.abs(sa - sb) / (block * block);
        n++;
      }
    }
  }
  return sum / n;
}
