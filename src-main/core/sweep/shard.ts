/**
 * A sweep cut into shards, for clusters (SLURM job arrays, slurmScript.ts): `spinscope sweep …
 * --shard i/n` analyses the checkpoints of shard i only, and `spinscope merge` (merge.ts) brings the
 * shards' analyses into the project's cache, after which the ordinary sweep reads every checkpoint
 * from the cache and prints the report of the single-machine sweep.
 *
 * Which shard a checkpoint belongs to: the first 32 bits of SHA-256("<run id>/<step>") modulo n.
 * It depends on nothing but the run id, the step and n, so every array task computes the same
 * assignment without talking to the others, and a checkpoint added to a run (a continued
 * training) moves no other checkpoint: only its own shard becomes unfinished. The price of the
 * hash is balance: shard sizes are binomial (a shard may even be empty when there are few
 * checkpoints per shard), which matters little when the checkpoints outnumber the shards.
 *
 * Where a shard's results go:
 *   shared filesystem (default): the analyses into the project's cache as usual (targets.ts), the
 *     manifest into <home>/shards/shard-iii-of-nnn/shard.json, where <home> is the project's
 *     analyses/ (or the run's, or the checkpoint folder's);
 *   --scratch DIR (no shared filesystem): DIR/shard-iii-of-nnn/shard.json and, beside it, one
 *     folder per run, sweep-<run id>/, in the cache's format (cache.ts); copy the shard folders
 *     back and merge them.
 *
 * The manifest (spinscope.sweep-shard/1) names the shard (index, count), the config hash
 * (SHA-256 of the analysis settings and the Spinscope version: the two things a cache key holds
 * besides the checkpoint), and every checkpoint of the shard with its file's size and SHA-256 and
 * its result (T_c, phase, or the reason it failed). It is written last, so a shard folder with a
 * manifest is a finished shard.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../project/atomic.ts';
import type { Phase } from '../spin/criticalTemperature.ts';
import { VERSION } from '../util/version.ts';
import { DEFAULT_SETTINGS, entryName, fileFacts, type AnalysisSettings } from './cache.ts';
import { sweepTargets, type SweepOptions, type SweepOutcome } from './sweep.ts';
import { resolveTargets, SweepError, type ResolvedTargets, type SweepTarget } from './targets.ts';

export const SHARD_SCHEMA = 'spinscope.sweep-shard/1';
export const SHARD_MANIFEST = 'shard.json';

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export interface ShardCheckpoint {
  /** The run id (targets.ts: the run folder's name). */
  run: string;
  step: number;
  /** Relative to the run folder, as in the sweep report. */
  file: string;
  size: number;
  sha256: string;
  /** The result, or why there is none. */
  status: 'analysed' | 'failed';
  tc: number | null;
  phase: Phase | null;
  error: string | null;
  /** Scratch shards: the cache entry, relative to the shard folder; null when the results are in the project's cache. */
  entry: string | null;
}

export interface ShardManifest {
  schema: typeof SHARD_SCHEMA;
  shard: Shard;
  configHash: string;
  settings: AnalysisSettings;
  spinscope: string;
  /** 'cache': the analyses are in the project's cache (shared filesystem); 'scratch': in this folder. */
  storage: 'cache' | 'scratch';
  /** The runs of the sweep (all of them, including those with no checkpoint in this shard). */
  runs: string[];
  /** By run, then by increasing step. */
  checkpoints: ShardCheckpoint[];
}

/** Reads "i/n" (0 ≤ i < n, as $SLURM_ARRAY_TASK_ID/n); throws a SweepError naming the mistake. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m)
    throw new SweepError(`--shard must be i/n, e.g. 0/4 (shard i of n, i from 0 to n − 1), not '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100_000) throw new SweepError(`--shard ${text}: n must be from 1 to 100000`);
  if (index >= count) throw new SweepError(`--shard ${text}: i must be from 0 to ${count - 1}`);
  return { index, count };
}

/** The shard of the checkpoint at `step` of the run `runId` among `count` (see the file comment). */
export function shardOf(runId: string, step: number, count: number): number {
  const h = createHash('sha256').update(`${runId}/${step}`).digest();
  return h.readUInt32BE(0) % count;
}

/** SHA-256 (hex, 16 digits) of the settings and the version: shards agree on it or cannot be merged. */
export function configHash(settings: AnalysisSettings, version: string = VERSION): string {
  const canonical = JSON.stringify({
    tMin: settings.tMin,
    epsilon: settings.epsilon,
    spectrumCount: settings.spectrumCount,
    spinscope: version,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** "shard-002-of-016": sorts by index. */
export function shardFolderName(shard: Shard): string {
  const width = Math.max(3, String(shard.count).length);
  const pad = (k: number): string => String(k).padStart(width, '0');
  return `shard-${pad(shard.index)}-of-${pad(shard.count)}`;
}

/** Where the manifests of shards that write to the project's cache are kept (see the file comment). */
export function shardHome(resolved: ResolvedTargets): string {
  if (resolved.mode === 'set' && resolved.project) return join(resolved.project, 'analyses', 'shards');
  if (resolved.targets.length === 1) return join(resolved.targets[0].cacheDir, '..', 'shards');
  throw new SweepError(
    'several run folders outside one project have no common analyses/ folder for the shard manifests: give --scratch DIR, or sweep their project',
  );
}

/** The folder of one shard: under the scratch folder, or under the shard home. */
export function shardFolder(resolved: ResolvedTargets, shard: Shard, scratch: string | null): string {
  return resolve(join(scratch ?? shardHome(resolved), shardFolderName(shard)));
}

/** The targets cut down to the checkpoints of `shard`; with a scratch folder, cached there instead. */
export function shardTargets(
  resolved: ResolvedTargets,
  shard: Shard,
  folder: string | null,
): ResolvedTargets {
  const ids = new Set<string>();
  for (const t of resolved.targets) {
    if (ids.has(t.id))
      throw new SweepError(
        `two runs are named ${t.id}: shards identify runs by their folder name; rename one`,
      );
    ids.add(t.id);
  }
  return {
    ...resolved,
    targets: resolved.targets.map((t): SweepTarget => ({
      ...t,
      checkpoints: t.checkpoints.filter((c) => shardOf(t.id, c.step, shard.count) === shard.index),
      cacheDir: folder ? join(folder, `sweep-${t.id}`) : t.cacheDir,
    })),
  };
}

export interface ShardRunOptions extends Omit<SweepOptions, 'cache' | 'writeReports' | 'window' | 'curves'> {
  /** Write the analyses and the manifest under this folder instead of the project's analyses/. */
  scratch?: string | null;
}

export interface ShardOutcome {
  manifest: ShardManifest;
  /** The shard's folder (its manifest is `folder/shard.json`). */
  folder: string;
  sweep: SweepOutcome;
}

/** Analyses the checkpoints of `shard` of the sweep of `paths` and writes the shard's manifest. */
export async function sweepShard(
  paths: readonly string[],
  shard: Shard,
  opts: ShardRunOptions,
): Promise<ShardOutcome> {
  const resolved = resolveTargets(paths);
  const scratch = opts.scratch ? resolve(opts.scratch) : null;
  const folder = shardFolder(resolved, shard, scratch);
  const targets = shardTargets(resolved, shard, scratch ? folder : null);
  const settings: AnalysisSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const version = opts.version ?? VERSION;
  const outcome = await sweepTargets(targets, { ...opts, settings, cache: 'use', writeReports: false });
  const checkpoints: ShardCheckpoint[] = [];
  targets.targets.forEach((target, k) => {
    const report = outcome.reports[k];
    for (const c of target.checkpoints) {
      const facts = fileFacts(c.path);
      const ok = report.checkpoints.find((r) => r.step === c.step);
      const failed = report.failures.find((f) => f.step === c.step);
      checkpoints.push({
        run: target.id,
        step: c.step,
        file: c.file,
        size: facts.size,
        sha256: facts.sha256,
        status: ok ? 'analysed' : 'failed',
        tc: ok?.tc ?? null,
        phase: ok?.phase ?? null,
        error: ok ? null : (failed?.message ?? 'not analysed'),
        entry: scratch && ok ? `sweep-${target.id}/${entryName(c.step)}.json` : null,
      });
    }
  });
  const manifest: ShardManifest = {
    schema: SHARD_SCHEMA,
    shard,
    configHash: configHash(settings, version),
    settings,
    spinscope: version,
    storage: scratch ? 'scratch' : 'cache',
    runs: resolved.targets.map((t) => t.id),
    checkpoints,
  };
  // An empty shard (few checkpoints, many shards) has no analyses but still a manifest: it is finished.
  mkdirSync(folder, { recursive: true });
  writeJsonAtomic(join(folder, SHARD_MANIFEST), manifest);
  return { manifest, folder, sweep: outcome };
}

/** The manifest in `folder`, checked for its schema; throws a SweepError saying what is wrong. */
export function readShardManifest(folder: string): ShardManifest {
  const path = join(folder, SHARD_MANIFEST);
  if (!existsSync(path))
    throw new SweepError(`${folder} holds no ${SHARD_MANIFEST}: it is not a finished shard`);
  let m: ShardManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as ShardManifest;
  } catch (e) {
    throw new SweepError(`${path} cannot be read: ${(e as Error).message}`);
  }
  const shardOk =
    m?.shard &&
    Number.isInteger(m.shard.index) &&
    Number.isInteger(m.shard.count) &&
    m.shard.index < m.shard.count;
  if (
    m?.schema !== SHARD_SCHEMA ||
    !shardOk ||
    !Array.isArray(m.checkpoints) ||
    typeof m.configHash !== 'string'
  )
    throw new SweepError(`${path} is not a ${SHARD_SCHEMA} manifest`);
  return m;
}

export interface ShardStatus {
  shard: Shard;
  folder: string;
  finished: boolean;
  /** Why it is not finished (no manifest, other settings, other checkpoints). */
  reason: string | null;
}

/**
 * Which of the `count` shards of the sweep of `paths` are finished: their manifest exists, has the
 * config hash of `settings` and this version, and lists exactly the checkpoints (same content) that
 * the shard holds now. Used by `spinscope slurm` to resubmit only the rest.
 */
export function shardStatuses(
  paths: readonly string[],
  count: number,
  opts: { settings?: Partial<AnalysisSettings>; scratch?: string | null; version?: string } = {},
): ShardStatus[] {
  const resolved = resolveTargets(paths);
  const settings: AnalysisSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const hash = configHash(settings, opts.version ?? VERSION);
  const scratch = opts.scratch ? resolve(opts.scratch) : null;
  const sha = new Map<string, string>();
  const statuses: ShardStatus[] = [];
  for (let index = 0; index < count; index++) {
    const shard = { index, count };
    const folder = shardFolder(resolved, shard, scratch);
    const status = (reason: string | null): ShardStatus => ({
      shard,
      folder,
      finished: reason === null,
      reason,
    });
    if (!existsSync(join(folder, SHARD_MANIFEST))) {
      statuses.push(status('no manifest'));
      continue;
    }
    let m: ShardManifest;
    try {
      m = readShardManifest(folder);
    } catch (e) {
      statuses.push(status((e as Error).message));
      continue;
    }
    if (m.configHash !== hash || m.shard.count !== count) {
      statuses.push(status('computed with other settings, another Spinscope version or another shard count'));
      continue;
    }
    const want = shardTargets(resolved, shard, null).targets.flatMap((t) =>
      t.checkpoints.map((c) => {
        if (!sha.has(c.path)) sha.set(c.path, fileFacts(c.path).sha256);
        return `${t.id}/${c.step}/${sha.get(c.path)}`;
      }),
    );
    const have = m.checkpoints.map((c) => `${c.run}/${c.step}/${c.sha256}`);
    const same = want.length === have.length && want.every((w) => have.includes(w));
    statuses.push(status(same ? null : 'its checkpoints have changed since it ran'));
  }
  return statuses;
}
