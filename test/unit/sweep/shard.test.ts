/**
 * A sweep in shards (core/sweep/shard.ts, merge.ts): the assignment of checkpoints to shards is the
 * documented hash, a partition, stable when checkpoints are added; merged shards give the report
 * of the single-machine sweep to the byte; merging is idempotent and refuses missing, duplicate,
 * mismatched or outdated shards; the re-run knows which shards are unfinished.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../src-main/core/project/project.ts';
import { inProcessAnalyzer } from '../../../src-main/core/sweep/analyzers.ts';
import { mergeShards } from '../../../src-main/core/sweep/merge.ts';
import {
  configHash,
  parseShard,
  shardOf,
  shardStatuses,
  shardTargets,
  sweepShard,
  type ShardRunOptions,
} from '../../../src-main/core/sweep/shard.ts';
import { sweep } from '../../../src-main/core/sweep/sweep.ts';
import type { ResolvedTargets, SweepTarget } from '../../../src-main/core/sweep/targets.ts';
import { VERSION } from '../../../src-main/core/util/version.ts';
import { writeOnnxModel } from '../../../src-main/core/onnx/writer.ts';
import { checkpointName } from '../../../src-main/core/train/runFolder.ts';
import { networkAt, tmp, writeRun } from './helpers.ts';

const analyzer = inProcessAnalyzer();
const opts: ShardRunOptions = { analyzer };

/** A project of two seeds, 8 checkpoints each. */
function project(): string {
  const dir = join(tmp(), 'project');
  createProject(dir);
  for (const seed of [0, 1]) writeRun(join(dir, 'runs', `relu-${seed}`), { seed });
  return dir;
}

/** Every file under `dir` with its bytes, for before/after comparisons. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

/** A fake set of targets: runs with the given steps (for the assignment only). */
function targets(runs: Record<string, number[]>): ResolvedTargets {
  return {
    mode: 'set',
    project: null,
    targets: Object.entries(runs).map(([id, steps]): SweepTarget => ({
      id,
      dir: `/nowhere/${id}`,
      kind: 'run',
      config: null,
      checkpoints: steps.map((step) => ({
        step,
        path: `/nowhere/${id}/${checkpointName(step)}`,
        file: checkpointName(step),
        epoch: null,
        testAccuracy: null,
      })),
      cacheDir: `/nowhere/${id}/analyses`,
      notes: [],
    })),
  };
}

describe('parseShard', () => {
  it('reads i/n with 0 ≤ i < n ($SLURM_ARRAY_TASK_ID is 0-based) and names every mistake', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('4/4')).toThrow(/i must be from 0 to 3/);
    expect(() => parseShard('0/0')).toThrow(/n must be from 1/);
    expect(() => parseShard('1-4')).toThrow(/--shard must be i\/n, e\.g\. 0\/4/);
    expect(() => parseShard('-1/4')).toThrow(/--shard must be i\/n/);
  });
});

describe('the assignment of checkpoints to shards', () => {
  it('is the documented one: the first 32 bits of SHA-256("<run>/<step>") modulo n', () => {
    for (const [run, step, n] of [
      ['relu-0', 0, 4],
      ['relu-0', 1000, 4],
      ['sign-17', 123456, 7],
      ['a b', 5, 1000],
    ] as const) {
      // Computed another way: the hex digest's first 8 digits as a number.
      const hex = createHash('sha256').update(`${run}/${step}`).digest('hex');
      expect(shardOf(run, step, n)).toBe(parseInt(hex.slice(0, 8), 16) % n);
    }
  });

  it('is a partition, roughly balanced, and adding checkpoints or runs moves no other checkpoint', () => {
    const steps = Array.from({ length: 300 }, (_, k) => k * 7);
    const n = 6;
    const before = targets({ 'relu-0': steps, 'relu-1': steps });
    const shardsOf = (t: ResolvedTargets): Map<string, number> => {
      const where = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        for (const target of shardTargets(t, { index: i, count: n }, null).targets)
          for (const c of target.checkpoints) {
            expect(where.has(`${target.id}/${c.step}`)).toBe(false); // in one shard only
            where.set(`${target.id}/${c.step}`, i);
          }
      }
      return where;
    };
    const a = shardsOf(before);
    expect(a.size).toBe(600); // every checkpoint in some shard
    // 600 checkpoints over 6 shards: binomial sizes, mean 100, σ = √(600·⅙·⅚) ≈ 9.1; within 4σ.
    const sizes = Array.from({ length: n }, (_, i) => [...a.values()].filter((s) => s === i).length);
    for (const s of sizes) expect(Math.abs(s - 100)).toBeLessThan(4 * 9.13);
    // A longer training (steps 2100…2300) and a third seed: the old checkpoints stay where they were.
    const after = shardsOf(
      targets({ 'relu-0': [...steps, 2100, 2200, 2300], 'relu-1': steps, 'relu-2': steps }),
    );
    for (const [key, i] of a) expect(after.get(key)).toBe(i);
  });
});

describe('configHash', () => {
  it('changes with every analysis setting and the Spinscope version, and only with them', () => {
    const base = { tMin: null, epsilon: 0, spectrumCount: 10 };
    const h = configHash(base, '1.0.0');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash({ spectrumCount: 10, epsilon: 0, tMin: null }, '1.0.0')).toBe(h);
    const others = [
      configHash({ ...base, tMin: 0.5 }, '1.0.0'),
      configHash({ ...base, epsilon: 1e-3 }, '1.0.0'),
      configHash({ ...base, spectrumCount: 11 }, '1.0.0'),
      configHash(base, '1.0.1'),
    ];
    expect(new Set([h, ...others]).size).toBe(5);
  });
});

describe('sweep --shard and merge', () => {
  it('scratch shards merged into the project: the sweep reads all from the cache, the report equal to the byte', async () => {
    const dir = project();
    const single = await sweep([dir], { analyzer, cache: 'off' });
    const scratch = join(tmp(), 'scratch');
    const n = 3;
    let analysed = 0;
    for (let i = 0; i < n; i++) {
      const s = await sweepShard([dir], { index: i, count: n }, { ...opts, scratch });
      expect(s.manifest.shard).toEqual({ index: i, count: n });
      expect(s.manifest.storage).toBe('scratch');
      expect(s.manifest.configHash).toBe(configHash(s.manifest.settings, VERSION));
      for (const c of s.manifest.checkpoints) {
        expect(shardOf(c.run, c.step, n)).toBe(i);
        const path = join(dir, 'runs', c.run, c.file);
        expect(c.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
        // The manifest's result is the single-machine sweep's.
        const r = single.reports.find((x) => x.run.id === c.run)!;
        expect(c.tc).toBe(r.checkpoints.find((x) => x.step === c.step)!.tc);
      }
      analysed += s.sweep.stats.computed;
    }
    expect(analysed).toBe(16);
    // Nothing went into the project before the merge: it is the scratch folders that hold the analyses.
    expect(readdirSync(join(dir, 'analyses'))).toEqual([]);

    const m = mergeShards([scratch], dir);
    expect(m).toMatchObject({ count: n, checkpoints: 16, copied: 16, unchanged: 0, failed: [] });
    const merged = await sweep([dir], { analyzer });
    expect(merged.stats).toMatchObject({ cached: 16, computed: 0 });
    expect(JSON.stringify(merged.report)).toBe(JSON.stringify(single.report));

    // Idempotent: a second merge copies nothing and leaves every byte of the analyses as it was.
    const before = snapshot(join(dir, 'analyses'));
    const again = mergeShards([scratch], dir);
    expect(again).toMatchObject({ copied: 0, unchanged: 16 });
    expect(snapshot(join(dir, 'analyses'))).toEqual(before);
  });

  it('on a shared filesystem the shards write into the cache and their manifests into analyses/shards', async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await sweepShard([dir], { index: i, count: 2 }, opts);
    expect(readdirSync(join(dir, 'analyses', 'shards'))).toEqual(['shard-000-of-002', 'shard-001-of-002']);
    // Partial reports never replace a run's sweep.json.
    expect(readdirSync(join(dir, 'analyses', 'sweep-relu-0'))).not.toContain('sweep.json');
    const m = mergeShards([join(dir, 'analyses', 'shards')], dir);
    expect(m).toMatchObject({ checkpoints: 16, copied: 0, unchanged: 16 });
    expect((await sweep([dir], { analyzer })).stats).toMatchObject({ cached: 16, computed: 0 });
    // A cache entry lost after the shard ran (a cleaned scratch, a deleted file) is an error, not a silent gap.
    const entry = readdirSync(join(dir, 'analyses', 'sweep-relu-1')).find((f) => f.endsWith('.json'))!;
    rmSync(join(dir, 'analyses', 'sweep-relu-1', entry));
    expect(() => mergeShards([join(dir, 'analyses', 'shards')], dir)).toThrow(
      /says step \d+ of run relu-1 is in .* but it is not there; rerun that shard/,
    );
  });

  it('refuses missing, duplicate, mismatched, foreign and outdated shards with errors that say what to do', async () => {
    const dir = project();
    const scratch = join(tmp(), 'scratch');
    const folders: string[] = [];
    for (let i = 0; i < 4; i++)
      folders.push((await sweepShard([dir], { index: i, count: 4 }, { ...opts, scratch })).folder);
    const untouched = snapshot(join(dir, 'analyses'));

    expect(() => mergeShards([folders[0], folders[2]], dir)).toThrow(
      /missing shards 1, 3 of 4: their array tasks have not finished .* `spinscope slurm` again/,
    );
    expect(() => mergeShards([...folders, folders[1]], dir)).toThrow(
      /duplicate shard 1\/4: .*shard-001-of-004 and .*shard-001-of-004/,
    );
    // Shard 2 again with other settings, in another scratch folder.
    const other = join(tmp(), 'other');
    const eps = await sweepShard(
      [dir],
      { index: 2, count: 4 },
      { ...opts, scratch: other, settings: { epsilon: 0.01 } },
    );
    expect(() => mergeShards([folders[0], folders[1], eps.folder, folders[3]], dir)).toThrow(
      /config-hash mismatch: .*shard-002-of-004 has [0-9a-f]{16} \(tMin default, epsilon 0\.01, top 10, Spinscope .*\) but .* has [0-9a-f]{16} \(tMin default, epsilon 0,/,
    );
    // Another Spinscope's shards: their entries would be stale.
    expect(() => mergeShards(folders, dir, { version: '9.9.9' })).toThrow(
      `the shards were computed by Spinscope ${VERSION}, this is 9.9.9: their analyses would be stale`,
    );
    // Into a project the shards were not computed from.
    const elsewhere = join(tmp(), 'elsewhere');
    createProject(elsewhere);
    writeRun(join(elsewhere, 'runs', 'tanh-0'));
    expect(() => mergeShards(folders, elsewhere)).toThrow(/holds run relu-\d, which is not in .*elsewhere/);
    // Nothing was written by the refused merges.
    expect(snapshot(join(dir, 'analyses'))).toEqual(untouched);

    // A checkpoint rewritten after its shard ran.
    const owner = folders.findIndex((f) =>
      JSON.parse(readFileSync(join(f, 'shard.json'), 'utf8')).checkpoints.some(
        (c: { run: string; step: number }) => c.run === 'relu-0' && c.step === 1000,
      ),
    );
    writeFileSync(join(dir, 'runs/relu-0/checkpoints', checkpointName(1000)), writeOnnxModel(networkAt(999)));
    expect(() => mergeShards(folders, dir)).toThrow(
      new RegExp(`step-001000\\.onnx has changed since shard ${owner}/4 .* analysed it .*rerun that shard`),
    );
  });

  it('shardStatuses: finished are the shards whose manifest matches the settings and the checkpoints now', async () => {
    const dir = project();
    const scratch = join(tmp(), 'scratch');
    for (const i of [0, 2]) await sweepShard([dir], { index: i, count: 3 }, { ...opts, scratch });
    const finished = (s = {}): boolean[] => shardStatuses([dir], 3, { scratch, ...s }).map((x) => x.finished);
    expect(finished()).toEqual([true, false, true]);
    expect(finished({ settings: { spectrumCount: 5 } })).toEqual([false, false, false]);
    expect(shardStatuses([dir], 4, { scratch }).every((x) => !x.finished)).toBe(true);
    // A continued training adds step 2000 to relu-1: only its shard has to run again.
    const added = join(dir, 'runs/relu-1/checkpoints', checkpointName(2000));
    writeFileSync(added, writeOnnxModel(networkAt(2000, 1)));
    const moved = shardOf('relu-1', 2000, 3);
    expect(finished()).toEqual([0, 1, 2].map((i) => i !== 1 && i !== moved));
  });
});
