/**
 * The plotted data of a figure as a table, for the bundle's CSV: one row per drawn point, units in
 * the column headers ("T_c", "Training step (steps)"), numbers written with full precision
 * (shortest round-trip form) so the CSV reproduces the plot exactly.
 */
import { plainText, type Quantity } from './quantity.ts';

export interface FigureTable {
  columns: string[];
  rows: (string | number | null)[][];
}

export function column(q: Quantity, suffix = ''): string {
  return plainText(suffix ? { ...q, label: `${q.label}${suffix}` } : q);
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV with a header line; an empty cell is a missing value; '\n' line ends. */
export function toCsv(table: FigureTable, panel?: string): string {
  const columns = panel === undefined ? table.columns : ['panel', ...table.columns];
  const lines = [columns.map(csvCell).join(',')];
  for (const row of table.rows)
    lines.push((panel === undefined ? row : [panel, ...row]).map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
