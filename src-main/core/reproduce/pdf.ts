/**
 * report.pdf: the same blocks as report.html (document.ts), laid out by pdfkit on A4 with the
 * bundled Liberation fonts (embedded, so the text is searchable), and each figure's SVG drawn as
 * vectors by svg-to-pdfkit, as core/figures/pdf.ts does for a single figure.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { bundledFonts, fontFor } from '../figures/fonts.ts';
import { FONT_FAMILIES } from '../figures/style.ts';
import type { Block } from './document.ts';

const MARGIN = 50;

/** Width and height of an SVG from its root element (the bundles write both, in points). */
function svgSize(svg: string): { width: number; height: number } {
  const w = /<svg[^>]*\swidth="([\d.]+)/.exec(svg);
  const h = /<svg[^>]*\sheight="([\d.]+)/.exec(svg);
  return { width: w ? Number(w[1]) : 500, height: h ? Number(h[1]) : 300 };
}

export function reportPdf(
  blocks: readonly Block[],
  svgs: ReadonlyMap<string, string>,
  opts: { title: string; created?: Date },
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: opts.title,
      Creator: 'Spinscope',
      Producer: 'Spinscope (pdfkit)',
      CreationDate: opts.created ?? new Date(),
    },
  });
  for (const f of bundledFonts()) doc.registerFont(f.pdfName, f.file);
  const regular = fontFor(FONT_FAMILIES.sans, false).pdfName;
  const bold = fontFor(FONT_FAMILIES.sans, true).pdfName;
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = (): number => doc.page.height - MARGIN;
  const room = (h: number): void => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        room(40);
        doc
          .moveDown(0.6)
          .font(bold)
          .fontSize(b.level === 1 ? 16 : 12.5)
          .text(b.text, MARGIN, doc.y, { width });
        doc.moveDown(0.3);
        break;
      case 'paragraph':
        doc.font(regular).fontSize(9.5).text(b.text, MARGIN, doc.y, { width });
        doc.moveDown(0.4);
        break;
      case 'list':
        doc.font(regular).fontSize(8.5).list(b.items, MARGIN, doc.y, { width, bulletRadius: 1.5 });
        doc.moveDown(0.4);
        break;
      case 'verdict':
        room(30);
        doc
          .font(bold)
          .fontSize(9.5)
          .fillColor(b.supported ? '#007a5a' : '#b34700');
        doc.text(`${b.supported ? 'Supported' : 'Not supported'}: `, MARGIN, doc.y, {
          width,
          continued: true,
        });
        doc.font(regular).fillColor('#000000').text(b.claim);
        doc.fontSize(8.5).list(b.evidence, MARGIN + 8, doc.y, { width: width - 8, bulletRadius: 1.5 });
        doc.moveDown(0.4);
        break;
      case 'table': {
        const columns = b.header.length;
        const colWidth = width / columns;
        const row = (cells: string[], font: string): void => {
          doc.font(font).fontSize(7.5);
          const h = Math.max(...cells.map((c) => doc.heightOfString(c, { width: colWidth - 4 }))) + 4;
          room(h);
          const y = doc.y;
          cells.forEach((c, i) => doc.text(c, MARGIN + i * colWidth + 2, y + 2, { width: colWidth - 4 }));
          doc
            .moveTo(MARGIN, y + h)
            .lineTo(MARGIN + width, y + h)
            .lineWidth(0.3)
            .strokeColor('#999999')
            .stroke();
          doc.x = MARGIN;
          doc.y = y + h;
        };
        row(b.header, bold);
        for (const r of b.rows) row(r, regular);
        doc.moveDown(0.5);
        break;
      }
      case 'figure': {
        const svg = svgs.get(b.name);
        if (svg === undefined) throw new Error(`the figure ${b.name} has no SVG`);
        const size = svgSize(svg);
        const scale = Math.min(1, width / size.width);
        const h = size.height * scale;
        room(h + 40);
        const y = doc.y;
        SVGtoPDF(doc, svg, MARGIN, y, {
          width: size.width * scale,
          height: h,
          assumePt: true,
          fontCallback: (family, isBold) => fontFor(family, isBold).pdfName,
        });
        doc.x = MARGIN;
        doc.y = y + h + 4;
        doc.font(bold).fontSize(8.5).text(`${b.title}. `, MARGIN, doc.y, { width, continued: true });
        doc.font(regular).text(b.caption);
        doc.moveDown(0.6);
        break;
      }
    }
  }
  doc.end();
  return done;
}
