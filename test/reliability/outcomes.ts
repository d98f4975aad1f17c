/**
 * The outcome table of the reliability suite (issue 9): every fuzz target and fault injector counts
 * what it tried and how each attempt ended, and the suite prints one table at the end of the run
 * (tableSetup.ts, a Vitest global setup). Test files run in separate processes, so each category is
 * saved as a small JSON file in a folder the global setup provides; the setup prints and removes it.
 *
 * Outcomes:
 *   clear error  the input or fault was refused with the domain's own error, naming what and where
 *   valid        the input was accepted and the result passed the target's own validity check
 *   crash        anything else: an uncaught or internal error, an unclear message, an invalid result
 *   hang         the attempt took longer than its time bound (or its memory bound was exceeded)
 *   lost data    after a fault, a file that had been written whole was damaged or gone
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where each test file saves its rows of the outcome table (see tableSetup.ts). */
    reliabilityDir: string;
  }
}

export const OUTCOMES = ['clearError', 'valid', 'crash', 'hang', 'lostData'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface CategoryRow {
  category: string;
  /** What one attempt is: a fuzzed input, or an injected fault. */
  unit: 'inputs' | 'faults';
  tried: number;
  counts: Record<Outcome, number>;
  /** A figure worth printing beside the counts (slowest input, measured latency, …). */
  note: string;
}

/** Counts for one category; `failures` keeps the first failing attempts with their description. */
export class Tally {
  readonly row: CategoryRow;
  readonly failures: string[] = [];

  constructor(category: string, unit: 'inputs' | 'faults') {
    this.row = {
      category,
      unit,
      tried: 0,
      counts: { clearError: 0, valid: 0, crash: 0, hang: 0, lostData: 0 },
      note: '',
    };
  }

  /** Records one attempt; `why` (for crash, hang, lost data) says what went wrong with which input. */
  add(outcome: Outcome, why?: string): void {
    this.row.tried++;
    this.row.counts[outcome]++;
    if (outcome !== 'clearError' && outcome !== 'valid' && this.failures.length < 50) {
      this.failures.push(`${outcome}: ${why ?? '(no detail)'}`);
    }
  }

  /** Crashes + hangs + losses: what the suite asserts is zero. */
  get bad(): number {
    const c = this.row.counts;
    return c.crash + c.hang + c.lostData;
  }

  /** Saves the row for the table printed at the end of the run (no-op outside the suite's setup). */
  save(note?: string): void {
    if (note !== undefined) this.row.note = note;
    const dir = inject('reliabilityDir');
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const slug = this.row.category.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
    writeFileSync(join(dir, `${slug}.json`), JSON.stringify(this.row));
  }
}

/** The rows saved in `dir`, in category order. */
export function readRows(dir: string): CategoryRow[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as CategoryRow)
    .sort((a, b) => a.category.localeCompare(b.category));
}

/** The table as text: one line per category and a total line. */
export function formatTable(rows: CategoryRow[]): string {
  const head = ['category', 'tried', 'clear error', 'valid', 'crash', 'hang', 'lost data', 'note'];
  const total: CategoryRow = {
    category: 'total',
    unit: 'inputs',
    tried: 0,
    counts: { clearError: 0, valid: 0, crash: 0, hang: 0, lostData: 0 },
    note: '',
  };
  for (const r of rows) {
    total.tried += r.tried;
    for (const o of OUTCOMES) total.counts[o] += r.counts[o];
  }
  const line = (r: CategoryRow, unit = true): string[] => [
    r.category,
    unit ? `${r.tried} ${r.unit}` : String(r.tried),
    ...OUTCOMES.map((o) => String(r.counts[o])),
    r.note,
  ];
  const body = [head, ...rows.map((r) => line(r)), line(total, false)];
  const widths = head.map((_, k) => Math.max(...body.map((l) => l[k]!.length)));
  const fmt = (l: string[]): string =>
    l
      .map((c, k) => (k === 0 || k === l.length - 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!)))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [fmt(head), rule, ...body.slice(1, -1).map(fmt), rule, fmt(body[body.length - 1]!)].join('\n');
}
