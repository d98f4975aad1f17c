/**
 * `spinscope merge SHARD_DIRS… --into PROJECT_or_RUN`: the analyses of a sharded sweep (shard.ts)
 * brought into the cache of the project or run they were computed from, so that the ordinary
 * sweep then answers every checkpoint from the cache and prints the single-machine report.
 *
 * Checked before anything is written, each with an error that says what to do:
 *   - every shard has the same config hash (analysis settings + Spinscope version), which must be
 *     this Spinscope's: a cache entry of another version or settings would be stale anyway;
 *   - the shards are 0 … n−1 of one n, each exactly once (no shard missing, none given twice);
 *   - every checkpoint a shard analysed is in the target, in the shard the assignment puts it in,
 *     in no other shard, and its file has the content (SHA-256) the shard analysed.
 * Then each scratch entry is copied through the cache (read with SweepCache.lookup, written with
 * SweepCache.store, so the copy is an ordinary entry keyed by the local file), and each entry a
 * shared-filesystem shard wrote is checked to be a hit. Merging again changes nothing (idempotent):
 * entries that already hold the same analysis are left alone.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VERSION } from '../util/version.ts';
import { fileFacts, SweepCache } from './cache.ts';
import { readShardManifest, SHARD_MANIFEST, shardOf, type ShardManifest } from './shard.ts';
import { resolveTargets, SweepError, type CheckpointFile, type SweepTarget } from './targets.ts';

export interface MergeOutcome {
  /** The shards' count n and config hash. */
  count: number;
  configHash: string;
  /** Checkpoints the shards analysed. */
  checkpoints: number;
  /** Entries copied into the cache now. */
  copied: number;
  /** Entries the cache already held (a repeated merge, or shards on a shared filesystem). */
  unchanged: number;
  /** Checkpoints a shard could not analyse (`spinscope sweep` will try them again). */
  failed: { run: string; step: number; error: string }[];
  /** For the user: checkpoints in no shard, … */
  notes: string[];
}

/** A shard folder (holding shard.json), or a folder of shard folders (a scratch folder). */
export function expandShardFolders(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    if (!existsSync(p)) throw new SweepError(`${p} does not exist`);
    if (!statSync(p).isDirectory())
      throw new SweepError(
        `${p} is a file: give shard folders (holding ${SHARD_MANIFEST}) or the folder above them`,
      );
    if (existsSync(join(p, SHARD_MANIFEST))) {
      out.push(p);
      continue;
    }
    const inner = readdirSync(p)
      .sort()
      .map((name) => join(p, name))
      .filter((d) => existsSync(join(d, SHARD_MANIFEST)));
    if (inner.length === 0)
      throw new SweepError(
        `${p} holds no shard: neither ${SHARD_MANIFEST} nor shard folders with one (unfinished array tasks write none)`,
      );
    out.push(...inner);
  }
  return out;
}

function describe(m: ShardManifest): string {
  const s = m.settings;
  return `tMin ${s.tMin ?? 'default'}, epsilon ${s.epsilon}, top ${s.spectrumCount}, Spinscope ${m.spinscope}`;
}

/** Merges the shards in `paths` into the cache of `into` (see the file comment). */
export function mergeShards(
  paths: readonly string[],
  into: string,
  opts: { version?: string } = {},
): MergeOutcome {
  const version = opts.version ?? VERSION;
  const folders = expandShardFolders(paths);
  const shards = folders.map((folder) => ({ folder, m: readShardManifest(folder) }));

  // 1. One sweep: one config hash, one n, every index once.
  const first = shards[0];
  for (const s of shards) {
    if (s.m.configHash !== first.m.configHash)
      throw new SweepError(
        `config-hash mismatch: ${s.folder} has ${s.m.configHash} (${describe(s.m)}) but ${first.folder} has ${first.m.configHash} (${describe(first.m)}); shards of different settings cannot be merged: rerun them with the same settings`,
      );
  }
  if (first.m.spinscope !== version)
    throw new SweepError(
      `the shards were computed by Spinscope ${first.m.spinscope}, this is ${version}: their analyses would be stale; rerun the array with this version`,
    );
  const count = first.m.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    if (s.m.shard.count !== count)
      throw new SweepError(
        `${s.folder} is shard ${s.m.shard.index}/${s.m.shard.count} but ${first.folder} is one of ${count}: shards of different counts cannot be merged`,
      );
    const other = byIndex.get(s.m.shard.index);
    if (other !== undefined)
      throw new SweepError(
        `duplicate shard ${s.m.shard.index}/${count}: ${other} and ${s.folder}; give each shard once`,
      );
    byIndex.set(s.m.shard.index, s.folder);
  }
  const missing = [...Array(count).keys()].filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new SweepError(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}: ${missing.length > 1 ? 'their array tasks have' : 'its array task has'} not finished (or the folder was not given); run \`spinscope slurm\` again to resubmit only the unfinished shards`,
    );

  // 2. Every analysed checkpoint is in the target, in its shard, once, with the content analysed.
  const resolved = resolveTargets([into]);
  const targets = new Map<string, SweepTarget>(resolved.targets.map((t) => [t.id, t]));
  const seen = new Map<string, number>();
  const plan: {
    folder: string;
    m: ShardManifest;
    target: SweepTarget;
    c: CheckpointFile;
    entry: string | null;
  }[] = [];
  const failed: MergeOutcome['failed'] = [];
  for (const { folder, m } of shards.sort((a, b) => a.m.shard.index - b.m.shard.index)) {
    for (const c of m.checkpoints) {
      const where = `shard ${m.shard.index}/${count} (${folder})`;
      const target = targets.get(c.run);
      if (!target)
        throw new SweepError(
          `${where} holds run ${c.run}, which is not in ${resolve(into)}: merge into the project or run the shards were computed from`,
        );
      const key = `${c.run}/${c.step}`;
      const twice = seen.get(key);
      if (twice !== undefined)
        throw new SweepError(
          `step ${c.step} of run ${c.run} is in shard ${twice} and in ${where}: the shards come from different sweeps`,
        );
      seen.set(key, m.shard.index);
      if (shardOf(c.run, c.step, count) !== m.shard.index)
        throw new SweepError(
          `${where} holds step ${c.step} of run ${c.run}, which belongs to shard ${shardOf(c.run, c.step, count)}: it was not written by spinscope sweep --shard`,
        );
      const local = target.checkpoints.find((x) => x.step === c.step);
      if (!local)
        throw new SweepError(
          `${where} analysed step ${c.step} of run ${c.run}, but ${target.dir} has no such checkpoint`,
        );
      if (fileFacts(local.path).sha256 !== c.sha256)
        throw new SweepError(
          `${local.path} has changed since ${where} analysed it (SHA-256 differs): rerun that shard`,
        );
      if (c.status !== 'analysed') {
        failed.push({ run: c.run, step: c.step, error: c.error ?? 'not analysed' });
        continue;
      }
      plan.push({ folder, m, target, c: local, entry: c.entry });
    }
  }
  const notes: string[] = [];
  for (const t of resolved.targets) {
    const left = t.checkpoints.filter((c) => !seen.has(`${t.id}/${c.step}`)).map((c) => c.step);
    if (left.length)
      notes.push(
        `run ${t.id}: step${left.length > 1 ? 's' : ''} ${left.join(', ')} in no shard (added since?): spinscope sweep will analyse ${left.length > 1 ? 'them' : 'it'}`,
      );
  }

  // 3. Into the cache.
  let copied = 0;
  let unchanged = 0;
  for (const { folder, m, target, c, entry } of plan) {
    const dest = new SweepCache(target.cacheDir, { version });
    const present = dest.lookup(c.step, c.path, m.settings);
    if (m.storage === 'cache' || entry === null) {
      if (present.status !== 'hit')
        throw new SweepError(
          `shard ${m.shard.index}/${count} says step ${c.step} of run ${target.id} is in ${target.cacheDir}, but ${present.status === 'miss' ? 'it is not there' : `it is stale: ${present.reason}`}; rerun that shard`,
        );
      unchanged++;
      continue;
    }
    const source = new SweepCache(join(folder, entry, '..'), { version });
    const found = source.lookup(c.step, c.path, m.settings);
    if (found.status !== 'hit')
      throw new SweepError(
        `${join(folder, entry)} cannot be used: ${found.status === 'miss' ? 'it is missing' : found.reason}; copy the whole shard folder, or rerun that shard`,
      );
    if (present.status === 'hit' && JSON.stringify(present.report) === JSON.stringify(found.report)) {
      unchanged++;
      continue;
    }
    dest.store(c.step, c.file.split('/').pop()!, fileFacts(c.path), m.settings, found.report);
    copied++;
  }
  return { count, configHash: first.m.configHash, checkpoints: seen.size, copied, unchanged, failed, notes };
}
