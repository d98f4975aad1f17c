/**
 * `spinscope merge`: the shards of a sharded sweep (`spinscope sweep … --shard i/n`, e.g. the tasks
 * of a SLURM array written by `spinscope slurm`) brought into the project's analyses, checked for
 * missing and duplicate shards and for one config hash (core/sweep/merge.ts). Merging twice changes
 * nothing; afterwards `spinscope sweep` reads every checkpoint from the cache.
 */
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';

export const mergeCommand: Command = {
  name: 'merge',
  summary:
    "bring the shards of a sharded sweep (spinscope sweep --shard, spinscope slurm) into the project's analyses",
  usage:
    'merge SHARD_DIR [SHARD_DIR …] --into PROJECT_DIR|RUN_DIR [--json]\n' +
    '       SHARD_DIR: a shard folder (holding shard.json) or a folder of them (a --scratch folder, analyses/shards)',
  options: {
    into: {
      type: 'string',
      description: 'the project, run or checkpoint folder the shards were computed from',
    },
    json: { type: 'boolean', description: 'print the outcome as JSON' },
  },
  async run({ positionals, values }) {
    if (positionals.length === 0) throw new UsageError('expected the shard folders to merge');
    if (typeof values.into !== 'string') throw new UsageError('--into PROJECT_DIR (or RUN_DIR) is required');
    const { mergeShards } = await import('../core/sweep/merge.ts');
    const into = values.into;
    const started = performance.now();
    const m = mergeShards(positionals, into);
    const seconds = (performance.now() - started) / 1000;
    if (values.json) console.log(JSON.stringify(m));
    else {
      console.log(
        `${m.count} shards (config ${m.configHash}): ${m.checkpoints} checkpoints, ${m.copied} copied into the cache, ${m.unchanged} already there` +
          `${m.failed.length ? `, ${m.failed.length} failed in their shard` : ''}; ${seconds.toFixed(1)} s`,
      );
      for (const f of m.failed) console.log(`  failed     run ${f.run} step ${f.step}: ${f.error}`);
      for (const n of m.notes) console.log(`  note: ${n}`);
      console.log(`now \`spinscope sweep ${into}\` reads them from the cache`);
    }
    return 0;
  },
};
