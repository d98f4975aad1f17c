/**
 * Superseded by `spinscope reproduce` (src-main/core/reproduce/), which absorbed this script's
 * pipeline (science.md §5 items 1–4, the claims in report.json) and adds the phase diagram, the
 * spectra, figure bundles and an HTML/PDF report. Kept so that old notes still run: it forwards
 * its arguments, mapping the old `--budget small` to `quick`.
 *
 *   npx tsx scripts/reproduce-small.ts --budget tiny --out /tmp/repro   # = spinscope reproduce --budget tiny --out /tmp/repro
 */
import { main } from '../src-main/cli/main.ts';

const args = process.argv
  .slice(2)
  .map((a, i, all) => (all[i - 1] === '--budget' && a === 'small' ? 'quick' : a));
if (!args.includes('--out')) args.push('--out', `reproduce-${args[args.indexOf('--budget') + 1] ?? 'quick'}`);
process.exitCode = await main(['reproduce', ...args]);
