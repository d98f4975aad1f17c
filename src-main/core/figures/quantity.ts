/**
 * Physical quantities on figure axes: a label in a tiny markup and a unit, turned into ECharts
 * rich text (for the chart) and into plain text (for CSV headers).
 *
 * Markup: `X_c` or `X_{min}` is X with a subscript, `X^2` or `X^{-1}` a superscript. So
 * `T_c` draws T with a subscript c, `λ_{min}` λ with a subscript "min".
 */

export interface Quantity {
  /** The symbol or name, in the markup above: 'T_c', 'Training step', 'λ_{min}(H)'. */
  label: string;
  /** The unit ('' for dimensionless): 'K', 'steps', ''. Temperatures here are in units of the couplings, so ''. */
  unit: string;
}

interface Fragment {
  text: string;
  role: 'normal' | 'sub' | 'sup';
}

const MARKUP = /([_^])(\{[^}]*\}|.)/gu;

export function parseMarkup(label: string): Fragment[] {
  const out: Fragment[] = [];
  let last = 0;
  for (const m of label.matchAll(MARKUP)) {
    if (m.index > last) out.push({ text: label.slice(last, m.index), role: 'normal' });
    const body = m[2].startsWith('{') ? m[2].slice(1, -1) : m[2];
    out.push({ text: body, role: m[1] === '_' ? 'sub' : 'sup' });
    last = m.index + m[0].length;
  }
  if (last < label.length) out.push({ text: label.slice(last), role: 'normal' });
  return out;
}

/** 'T_c' → 'T_c', units in parentheses: the CSV header of a column. */
export function plainText(q: Quantity): string {
  return q.unit ? `${q.label} (${q.unit})` : q.label;
}

/** Escapes what ECharts' rich-text parser would read as markup. */
function escapeRich(s: string): string {
  return s.replace(/[{}|]/g, (c) => ({ '{': '(', '}': ')', '|': '¦' })[c] ?? c);
}

/**
 * The axis title as ECharts rich text ('{n|T}{sub|c}') and the rich styles it uses, for a font
 * size in pt. Sub- and superscripts are set at 70% size, shifted by a third of the size — the
 * proportions of TeX's scriptstyle.
 */
export function richTitle(
  q: Quantity,
  fontSize: number,
): {
  text: string;
  rich: Record<string, { fontSize: number; padding?: number[]; verticalAlign?: 'top' | 'bottom' }>;
} {
  const small = fontSize * 0.7;
  const shift = fontSize * 0.35;
  const parts = parseMarkup(q.label).map(
    (f) => `{${f.role === 'normal' ? 'n' : f.role}|${escapeRich(f.text)}}`,
  );
  if (q.unit) parts.push(`{n| (${escapeRich(q.unit)})}`);
  return {
    text: parts.join(''),
    rich: {
      n: { fontSize },
      sub: { fontSize: small, padding: [shift, 0, 0, 0] },
      sup: { fontSize: small, padding: [0, 0, shift, 0] },
    },
  };
}
