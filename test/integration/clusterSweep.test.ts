/**
 * "Export sweep for a cluster" through the backend, as the app calls it: runs.clusterSweep writes
 * into the project the very sbatch script `spinscope slurm PROJECT` writes for the same options
 * (checked against the CLI command itself and against slurmScript with independently computed
 * shards, config hash and paths), lists only unfinished shards once some have run, and
 * runs.mergeShards merges the shards or says clearly why it cannot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createBackend } from '../../src-main/api/backend.ts';
import type { ClusterSweepDto, MergeShardsDto, ProjectDto } from '../../src-main/api/contract.ts';
import type { RpcResult } from '../../src-main/api/rpc.ts';
import { slurmCommand } from '../../src-main/cli/slurm.ts';
import { createProject, RecentProjects } from '../../src-main/core/project/project.ts';
import { inProcessAnalyzer } from '../../src-main/core/sweep/analyzers.ts';
import { configHash, sweepShard } from '../../src-main/core/sweep/shard.ts';
import { slurmScript } from '../../src-main/core/sweep/slurmScript.ts';
import { sweep } from '../../src-main/core/sweep/sweep.ts';
import { VERSION } from '../../src-main/core/util/version.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { JobSupervisor } from '../../src-main/jobs/supervisor.ts';
import { tmp, writeRun } from '../unit/sweep/helpers.ts';

const base = tmp();
const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: 1, cancelGraceMs: 5_000 });
const backend = createBackend({
  supervisor,
  recent: new RecentProjects(join(base, 'recent.json')),
  transport: 'websocket',
  emit: () => {},
});
afterAll(() => backend.dispose());

async function dispatch(method: string, args: unknown): Promise<RpcResult> {
  return backend.dispatch(method, args);
}
async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const r = await dispatch(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** A project of two completed runs of 8 checkpoints each (small networks: fast to analyse), opened. */
async function openProject(name: string): Promise<string> {
  const dir = join(base, name);
  createProject(dir);
  for (const seed of [0, 1]) writeRun(join(dir, 'runs', `relu-${seed}`), { seed });
  await call('projects.open', { dir });
  return dir;
}

const settings = { tMin: null, epsilon: 0, spectrumCount: 10 };
const options = { shards: 3, partition: 'short', time: '01:30:00', cpus: 4 };

describe('runs.clusterSweep and runs.mergeShards', () => {
  it('write the script `spinscope slurm PROJECT` writes, in the project, with the commands to submit and merge', async () => {
    const dir = await openProject('export');
    const out = await call<ClusterSweepDto>('runs.clusterSweep', options);

    expect(out.path).toBe(join(dir, 'spinscope-sweep.sbatch'));
    expect(readFileSync(out.path!, 'utf8')).toBe(out.script);
    expect(out.unfinished).toEqual([0, 1, 2]);
    expect(out.submitCommand).toBe(`sbatch ${out.path}`);
    expect(out.mergeCommand).toBe(`npx spinscope merge ${join(dir, 'analyses', 'shards')} --into ${dir}`);

    // The script from its parts: every shard, the default settings' hash, the project's shard home.
    expect(out.script).toBe(
      slurmScript({
        target: dir,
        count: 3,
        shards: [0, 1, 2],
        partition: 'short',
        time: '01:30:00',
        cpus: 4,
        scratch: null,
        shardsDir: join(dir, 'analyses', 'shards'),
        workdir: process.cwd(),
        logs: join(dir, 'logs'),
        settings,
        configHash: configHash(settings, VERSION),
        version: VERSION,
      }),
    );

    // And byte for byte what the CLI writes for the same options (its script to another file).
    const cliOut = join(tmp(), 'cli.sbatch');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const values = {
        shards: '3',
        partition: 'short',
        time: '01:30:00',
        cpus: '4',
        out: cliOut,
        logs: join(dir, 'logs'),
      };
      expect(await slurmCommand.run({ positionals: [dir], values })).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(readFileSync(cliOut, 'utf8')).toBe(out.script);
    // The script and its log folder are no damage to the project.
    expect((await call<ProjectDto>('projects.open', { dir })).problems).toEqual([]);
  });

  it('export one run or a scratch folder; reject a bad time limit and an unknown run', async () => {
    const dir = await openProject('options');
    const one = await call<ClusterSweepDto>('runs.clusterSweep', {
      ...options,
      runIds: ['relu-1'],
      scratch: join(base, 'scratch'),
    });
    expect(one.script).toContain(`npx spinscope sweep ${join(dir, 'runs', 'relu-1')} --shard`);
    expect(one.script).toContain(`--scratch ${join(base, 'scratch')}`);
    expect(one.mergeCommand).toBe(
      `npx spinscope merge ${join(base, 'scratch')} --into ${join(dir, 'runs', 'relu-1')}`,
    );
    // Every run named is the whole project.
    const all = await call<ClusterSweepDto>('runs.clusterSweep', {
      ...options,
      runIds: ['relu-0', 'relu-1'],
    });
    expect(all.script).toContain(`npx spinscope sweep ${dir} --shard`);

    const bad = await dispatch('runs.clusterSweep', { ...options, time: '90 minutes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!bad.ok && bad.error.message).toMatch(/HH:MM:SS or D-HH:MM:SS, not '90 minutes'/);
    const unknown = await dispatch('runs.clusterSweep', { ...options, runIds: ['relu-7'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('list only the unfinished shards, and merge them when all have run', async () => {
    const dir = await openProject('merge');
    const nothing = await dispatch('runs.mergeShards', {});
    expect(nothing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!nothing.ok && nothing.error.message).toMatch(
      /nothing to merge: .*analyses\/shards does not exist\. Run the exported array on the cluster first/,
    );

    const analyzer = inProcessAnalyzer();
    await sweepShard([dir], { index: 1, count: 2 }, { analyzer });
    const rerun = await call<ClusterSweepDto>('runs.clusterSweep', { ...options, shards: 2 });
    expect(rerun.unfinished).toEqual([0]);
    expect(rerun.script).toContain('#SBATCH --array=0\n');
    const missing = await dispatch('runs.mergeShards', {});
    expect(missing).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(!missing.ok && missing.error.message).toMatch(
      /missing shard 0 of 2: its array task has not finished/,
    );

    await sweepShard([dir], { index: 0, count: 2 }, { analyzer });
    const done = await call<ClusterSweepDto>('runs.clusterSweep', { ...options, shards: 2 });
    expect(done).toMatchObject({ path: null, script: null, unfinished: [], submitCommand: null });
    const merged = await call<MergeShardsDto>('runs.mergeShards', {});
    // Shared filesystem: the 16 analyses are in the cache already; merging checks them, copies none.
    expect(merged).toMatchObject({ count: 2, checkpoints: 16, copied: 0, unchanged: 16, failed: [] });
    expect(merged.configHash).toBe(configHash(settings, VERSION));
    expect((await sweep([dir], { analyzer })).stats).toMatchObject({ cached: 16, computed: 0 });
    expect(existsSync(join(dir, 'analyses', 'shards', 'shard-000-of-002', 'shard.json'))).toBe(true);
  });
});
