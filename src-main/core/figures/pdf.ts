/**
 * Vector PDF export: svg-to-pdfkit draws the figure's SVG onto a pdfkit page exactly the size of
 * the preset in points (the SVG is in points, so it is placed 1:1). Text stays text: pdfkit embeds
 * the bundled TTFs as subsets with a ToUnicode map, so the PDF is searchable and `pdftotext` reads
 * the axis labels back.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { bundledFonts, fontFor } from './fonts.ts';

export interface PdfOptions {
  width: number;
  height: number;
  title?: string;
  /** Stored as the PDF's creation date; fixed by callers who want reproducible files. */
  created?: Date;
  creator?: string;
}

export function renderPdf(svg: string, opts: PdfOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [opts.width, opts.height],
    margin: 0,
    autoFirstPage: true,
    compress: true,
    info: {
      Title: opts.title ?? 'Spinscope figure',
      Creator: opts.creator ?? 'Spinscope',
      Producer: 'Spinscope (pdfkit)',
      CreationDate: opts.created ?? new Date(),
    },
  });
  for (const f of bundledFonts()) doc.registerFont(f.pdfName, f.file);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const warnings: string[] = [];
  SVGtoPDF(doc, svg, 0, 0, {
    width: opts.width,
    height: opts.height,
    assumePt: true,
    fontCallback: (family, bold) => fontFor(family, bold).pdfName,
    warningCallback: (m) => warnings.push(m),
  });
  doc.end();
  return done;
}
