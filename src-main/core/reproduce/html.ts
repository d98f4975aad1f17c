/**
 * report.html: the report's blocks (document.ts) as one self-contained page — styles inline, each
 * figure the bundle's own SVG embedded as a data URI (so the ids of one figure's clip paths cannot
 * collide with another's), no script, no network.
 */
import type { Block } from './document.ts';

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body{font-family:"Liberation Sans",Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#111}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:0.8rem 0;font-size:0.9rem}th,td{border:1px solid #bbb;padding:0.2rem 0.5rem;text-align:right}
th:first-child,td:first-child{text-align:left}.verdict{margin:0.6rem 0;padding:0.4rem 0.8rem;border-left:4px solid}
.yes{border-color:#009e73}.no{border-color:#d55e00}.verdict ul{margin:0.2rem 0}figure{margin:1.5rem 0}
figure img{max-width:100%}figcaption{font-size:0.9rem;color:#333}
@media (prefers-color-scheme: dark){body{background:#fff}}`;

function block(b: Block, svgs: ReadonlyMap<string, string>): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${escape(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${escape(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>`;
    case 'table':
      return (
        `<table><thead><tr>${b.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>` +
        b.rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('') +
        '</tbody></table>'
      );
    case 'verdict':
      return (
        `<div class="verdict ${b.supported ? 'yes' : 'no'}"><strong>${b.supported ? 'Supported' : 'Not supported'}:</strong> ${escape(b.claim)}` +
        `<ul>${b.evidence.map((e) => `<li>${escape(e)}</li>`).join('')}</ul></div>`
      );
    case 'figure': {
      const svg = svgs.get(b.name);
      if (svg === undefined) throw new Error(`the figure ${b.name} has no SVG`);
      const uri = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      return `<figure id="fig-${escape(b.name)}"><img alt="${escape(b.title)}" src="${uri}"><figcaption><strong>${escape(b.title)}.</strong> ${escape(b.caption)}</figcaption></figure>`;
    }
  }
}

export function reportHtml(blocks: readonly Block[], svgs: ReadonlyMap<string, string>): string {
  const title = blocks.find((b) => b.kind === 'heading')?.text ?? 'Spinscope report';
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
    `<title>${escape(title)}</title><style>${STYLE}</style></head><body>\n` +
    blocks.map((b) => block(b, svgs)).join('\n') +
    '\n</body></html>\n'
  );
}
