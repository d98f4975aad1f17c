/**
 * The sbatch script of a sharded sweep (shard.ts): one SLURM array task per shard, each running
 * `npx spinscope sweep TARGET --shard $SLURM_ARRAY_TASK_ID/n` with one analysis worker per CPU of
 * the task, its log in LOGS/spinscope-sweep-<array job id>_<task id>.out (%A_%a). A script for a
 * re-run lists only the unfinished shards in --array (shardStatuses), so finished tasks are not
 * paid for twice. The header says how to merge the shards when every task has finished.
 *
 * The text is a pure function of the options (no dates, no host names): the same sweep gives the
 * same script.
 */
import type { AnalysisSettings } from './settings.ts';

export interface SlurmScriptOptions {
  /** The project, run or checkpoint folder (absolute). */
  target: string;
  /** n: the shard count. */
  count: number;
  /** The shards this array runs (default: all); by increasing index. */
  shards?: number[];
  partition: string;
  /** HH:MM:SS (or D-HH:MM:SS) per task. */
  time: string;
  cpus: number;
  /** Node-local (or any) folder for the shards when there is no shared filesystem. */
  scratch: string | null;
  /** Where the shard folders end up: the scratch folder, or the project's analyses/shards (shard.ts). */
  shardsDir: string;
  /** Where the tasks run `npx spinscope` (the folder Spinscope is installed in). */
  workdir: string;
  /** Folder of the per-task logs. */
  logs: string;
  settings: AnalysisSettings;
  configHash: string;
  version: string;
}

/** A word for bash: single-quoted unless it is plainly safe. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** "0-3", "1,4-6,9": SLURM's --array syntax for the sorted indices. */
export function arraySpec(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < indices.length;) {
    let j = k;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(j === k ? `${indices[k]}` : `${indices[k]}-${indices[j]}`);
    k = j + 1;
  }
  return parts.join(',');
}

/** The CLI options that fix the analysis settings (they are in the config hash), default ones left out. */
export function settingsArgs(s: AnalysisSettings): string[] {
  const args: string[] = [];
  if (s.tMin !== null) args.push('--tmin', String(s.tMin));
  if (s.epsilon !== 0) args.push('--epsilon', String(s.epsilon));
  if (s.spectrumCount !== 10) args.push('--top', String(s.spectrumCount));
  return args;
}

const TIME = /^(\d+-)?\d{1,2}:\d{2}:\d{2}$/;

/** Checks the options a user typed; returns what is wrong, or null. */
export function slurmOptionProblem(
  o: Pick<SlurmScriptOptions, 'partition' | 'time' | 'cpus' | 'count'>,
): string | null {
  if (!/^[\w.,-]+$/.test(o.partition)) return `--partition '${o.partition}' is not a partition name`;
  if (!TIME.test(o.time)) return `--time must be HH:MM:SS or D-HH:MM:SS, not '${o.time}'`;
  if (!Number.isInteger(o.cpus) || o.cpus < 1 || o.cpus > 1024)
    return '--cpus must be a whole number from 1 to 1024';
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > 100_000)
    return '--shards must be a whole number from 1 to 100000';
  return null;
}

export function slurmScript(o: SlurmScriptOptions): string {
  const shards = o.shards ?? [...Array(o.count).keys()];
  if (shards.length === 0) throw new Error('no shard to run');
  const target = shellQuote(o.target);
  const scratch = o.scratch ? ` --scratch ${shellQuote(o.scratch)}` : '';
  const settings = settingsArgs(o.settings).map(shellQuote).join(' ');
  const shardsOf = o.scratch
    ? `${o.shardsDir}/shard-*/ (node-local: copy the shard folders to one place first)`
    : `the project's cache, manifests in ${o.shardsDir}/shard-*/ (shared filesystem)`;
  const partial =
    shards.length < o.count ? ` (a re-run: only the ${shards.length} unfinished of ${o.count} shards)` : '';
  const lines = [
    '#!/bin/bash',
    `# Spinscope ${o.version}: the sweep of ${o.target} as a SLURM job array of ${o.count} shards${partial}.`,
    `# Config hash ${o.configHash} (tMin ${o.settings.tMin ?? 'default'}, epsilon ${o.settings.epsilon}, top ${o.settings.spectrumCount}).`,
    '#',
    '# Each array task analyses one shard of the checkpoints (a fixed assignment by a hash of run id and',
    `# step) and writes its analyses and a manifest (shard.json) to ${shardsOf}.`,
    '# When every task has finished, merge the shards into the project and print the full report:',
    `#   npx spinscope merge ${shellQuote(o.shardsDir)} --into ${target}`,
    `#   npx spinscope sweep ${target}${settings ? ` ${settings}` : ''}`,
    '# Tasks that failed or ran out of time: run `spinscope slurm` again; it writes an array of only the',
    '# unfinished shards.',
    '#SBATCH --job-name=spinscope-sweep',
    `#SBATCH --array=${arraySpec(shards)}`,
    `#SBATCH --partition=${o.partition}`,
    `#SBATCH --time=${o.time}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${o.cpus}`,
    `#SBATCH --chdir=${o.workdir}`,
    `#SBATCH --output=${o.logs}/spinscope-sweep-%A_%a.out`,
    'set -euo pipefail',
    `npx spinscope sweep ${target} --shard "$SLURM_ARRAY_TASK_ID/${o.count}" --jobs "\${SLURM_CPUS_PER_TASK:-1}"${scratch}${settings ? ` ${settings}` : ''}`,
    '',
  ];
  return lines.join('\n');
}
