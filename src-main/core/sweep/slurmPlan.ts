/**
 * What `spinscope slurm` and the app's "Export sweep for a cluster" both do: find which shards of
 * the sweep are unfinished (shard.ts), write the sbatch script of an array over them
 * (slurmScript.ts) and say how to submit it and how to merge the shards afterwards. One function
 * for both, so the app writes the very script the CLI writes for the same options.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VERSION } from '../util/version.ts';
import type { AnalysisSettings } from './cache.ts';
import { configHash, shardHome, shardStatuses, type ShardStatus } from './shard.ts';
import { shellQuote, slurmScript } from './slurmScript.ts';
import { resolveTargets } from './targets.ts';

/** The script a project is given when no file is named: spinscope-sweep.sbatch in its folder. */
export const SLURM_SCRIPT_NAME = 'spinscope-sweep.sbatch';

export interface SlurmSweepRequest {
  /** The project, run or checkpoint folder (resolved here). */
  target: string;
  count: number;
  partition: string;
  time: string;
  cpus: number;
  scratch: string | null;
  /** The script to write. */
  out: string;
  /** Folder of the tasks' logs (default: logs/ beside the script). */
  logs?: string;
  /** Where the tasks run `npx spinscope` (the folder Spinscope is installed in). */
  workdir: string;
  settings: AnalysisSettings;
}

export interface SlurmSweepPlan {
  target: string;
  out: string;
  logs: string;
  /** Where the shard folders end up (the scratch folder, or the project's analyses/shards). */
  shardsDir: string;
  count: number;
  statuses: ShardStatus[];
  /** The indices of the unfinished shards: the array the script runs. */
  unfinished: number[];
  /** The script, or null when every shard is finished (nothing to submit). */
  script: string | null;
  /** `sbatch OUT`, or null when there is nothing to submit. */
  submitCommand: string | null;
  /** `npx spinscope merge SHARDS --into TARGET`. */
  mergeCommand: string;
}

/** The plan of a cluster sweep; reads the shard manifests, writes nothing. */
export function planSlurmSweep(r: SlurmSweepRequest): SlurmSweepPlan {
  const target = resolve(r.target);
  const scratch = r.scratch === null ? null : resolve(r.scratch);
  const shardsDir = scratch ?? shardHome(resolveTargets([target]));
  const statuses = shardStatuses([target], r.count, { settings: r.settings, scratch });
  const unfinished = statuses.filter((s) => !s.finished).map((s) => s.shard.index);
  const out = resolve(r.out);
  const logs = resolve(r.logs ?? resolve(dirname(out), 'logs'));
  const script =
    unfinished.length === 0
      ? null
      : slurmScript({
          target,
          count: r.count,
          shards: unfinished,
          partition: r.partition,
          time: r.time,
          cpus: r.cpus,
          scratch,
          shardsDir,
          workdir: r.workdir,
          logs,
          settings: r.settings,
          configHash: configHash(r.settings),
          version: VERSION,
        });
  return {
    target,
    out,
    logs,
    shardsDir,
    count: r.count,
    statuses,
    unfinished,
    script,
    submitCommand: script === null ? null : `sbatch ${shellQuote(out)}`,
    mergeCommand: `npx spinscope merge ${shellQuote(shardsDir)} --into ${shellQuote(target)}`,
  };
}

/** Writes the plan's script (executable) and makes its log folder; nothing when all shards are finished. */
export function writeSlurmSweep(plan: SlurmSweepPlan): void {
  if (plan.script === null) return;
  mkdirSync(dirname(plan.out), { recursive: true });
  mkdirSync(plan.logs, { recursive: true });
  writeFileSync(plan.out, plan.script, { mode: 0o755 });
}
