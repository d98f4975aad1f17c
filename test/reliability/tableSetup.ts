/**
 * Vitest global setup for the reliability suite: gives each test file a folder for its rows of the
 * outcome table (outcomes.ts) and prints the table when the run ends. Runs that include no
 * reliability test print nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatTable, readRows } from './outcomes.ts';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'spinscope-reliability-'));
  project.provide('reliabilityDir', dir);
  return () => {
    const rows = readRows(dir);
    rmSync(dir, { recursive: true, force: true });
    if (rows.length === 0) return;
    const bad = rows.reduce((n, r) => n + r.counts.crash + r.counts.hang + r.counts.lostData, 0);
    console.log(
      `\nReliability suite (issue 9): outcomes per category — ${bad === 0 ? 'no' : bad} crashes, hangs or losses\n` +
        formatTable(rows) +
        '\n',
    );
  };
}
