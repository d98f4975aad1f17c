/**
 * A sweep as a SLURM job array on a real SLURM (Debian's slurm-wlm and munge, started on this
 * machine by test/helpers/slurm.ts; .ci/run installs them): `spinscope slurm --submit` writes and
 * submits a 4-task array over a small project's checkpoints, each task runs `npx spinscope sweep
 * --shard i/4` into a scratch folder, `spinscope merge` brings the shards into the project, and
 * `spinscope sweep` then reads every checkpoint from the cache and prints the report of the
 * single-machine sweep, byte for byte. A lost shard is resubmitted alone. If the daemons cannot
 * start, the test fails with the reason and the daemons' logs: it is never skipped.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src-main/core/project/project.ts';
import { resolveConfig } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { spinscope } from '../helpers/cli.ts';
import { arrayTaskStates, startLocalSlurm, waitForJob, type LocalSlurm } from '../helpers/slurm.ts';

let slurm: LocalSlurm;
let project: string;
let work: string;
const timings: Record<string, number> = {};
const previousConf = process.env.SLURM_CONF;

beforeAll(async () => {
  const t0 = performance.now();
  slurm = await startLocalSlurm();
  timings.startSlurm = (performance.now() - t0) / 1000;
  // The CLI under test runs sbatch, and sbatch finds this cluster through SLURM_CONF.
  process.env.SLURM_CONF = slurm.env.SLURM_CONF;
  work = mkdtempSync(join(tmpdir(), 'spinscope-slurm-sweep-'));
  project = join(work, 'project');
  createProject(project);
  const t1 = performance.now();
  for (const seed of [0, 1])
    await trainRun({
      dir: join(project, 'runs', `relu-${seed}`),
      config: resolveConfig({
        arch: [784, 16, 10],
        trainLimit: 1000,
        testLimit: 100,
        epochs: 1,
        checkpoints: 6,
        seed,
      }),
    });
  timings.train = (performance.now() - t1) / 1000;
});

afterAll(async () => {
  if (previousConf === undefined) delete process.env.SLURM_CONF;
  else process.env.SLURM_CONF = previousConf;
  await slurm?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`slurm test timings (s): ${JSON.stringify(timings)}`);
});

/** Submits the script `spinscope slurm … --submit` writes; returns the array job's id and the CLI output. */
async function submit(scratch: string): Promise<{ jobId: string; stdout: string }> {
  const r = await spinscope(
    'slurm',
    project,
    '--shards',
    '4',
    '--partition',
    slurm.partition,
    '--time',
    '00:05:00',
    '--cpus',
    '1',
    '--scratch',
    scratch,
    '--out',
    join(work, 'sweep.sbatch'),
    '--submit',
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const jobId = /submitted job array (\d+)/.exec(r.stdout)?.[1];
  expect(jobId, r.stdout).toBeDefined();
  return { jobId: jobId!, stdout: r.stdout };
}

describe('spinscope slurm, merge and sweep --shard: usage errors', () => {
  it('missing or malformed options exit 2 with the help; a folder without shards exits 1 naming it', async () => {
    const noInto = await spinscope('merge', work);
    expect(noInto.code).toBe(2);
    expect(noInto.stderr).toMatch(/^spinscope merge: --into PROJECT_DIR \(or RUN_DIR\) is required/);
    const noShards = await spinscope('merge', work, '--into', project);
    expect(noShards.code).toBe(1);
    expect(noShards.stderr).toMatch(/holds no shard: neither shard\.json nor shard folders with one/);
    const time = await spinscope(
      'slurm',
      project,
      '--shards',
      '4',
      '--partition',
      'p',
      '--time',
      '2h',
      '--cpus',
      '1',
    );
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/--time must be HH:MM:SS or D-HH:MM:SS, not '2h'/);
    const shard = await spinscope('sweep', project, '--shard', '4/4');
    expect(shard.code).toBe(2);
    expect(shard.stderr).toMatch(/--shard 4\/4: i must be from 0 to 3/);
  });
});

describe('spinscope slurm on a real SLURM', () => {
  it('a 4-task array, merged, gives the single-machine sweep byte for byte; a lost shard is resubmitted alone', async () => {
    let t = performance.now();
    const single = await spinscope('sweep', project, '--json', '--no-cache', '--jobs', '1');
    expect(single.code).toBe(0);
    timings.singleMachineSweep = (performance.now() - t) / 1000;

    const scratch = join(work, 'scratch');
    t = performance.now();
    const first = await submit(scratch);
    expect(first.stdout).toMatch(/wrote .*sweep\.sbatch: 4 array tasks/);
    await waitForJob(slurm, first.jobId, 60_000);
    timings.array4 = (performance.now() - t) / 1000;
    const states = arrayTaskStates(slurm, first.jobId);
    const logs = join(work, 'logs');
    const logText = (): string =>
      readdirSync(logs)
        .map((f) => `${f}:\n${readFileSync(join(logs, f), 'utf8')}`)
        .join('\n');
    expect([...states.entries()].sort(), logText()).toEqual([
      ['0', 'COMPLETED'],
      ['1', 'COMPLETED'],
      ['2', 'COMPLETED'],
      ['3', 'COMPLETED'],
    ]);
    // One log per task (%A_%a), each naming its shard.
    for (const i of [0, 1, 2, 3])
      expect(readFileSync(join(logs, `spinscope-sweep-${first.jobId}_${i}.out`), 'utf8')).toContain(
        `shard ${i}/4 of ${project}`,
      );
    expect(readdirSync(scratch).sort()).toEqual([
      'shard-000-of-004',
      'shard-001-of-004',
      'shard-002-of-004',
      'shard-003-of-004',
    ]);

    // Nothing is left to do for the array.
    const rerun = await spinscope(
      'slurm',
      project,
      '--shards',
      '4',
      '--partition',
      slurm.partition,
      '--time',
      '00:05:00',
      '--cpus',
      '1',
      '--scratch',
      scratch,
      '--out',
      join(work, 'again.sbatch'),
    );
    expect(rerun.stdout).toMatch(/all 4 shards are finished: merge them with\n {2}npx spinscope merge/);

    // A shard lost (a node's scratch wiped): merge refuses, the re-run submits only that one.
    rmSync(join(scratch, 'shard-002-of-004'), { recursive: true });
    const refused = await spinscope('merge', scratch, '--into', project);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/missing shard 2 of 4: its array task has not finished/);
    t = performance.now();
    const second = await submit(scratch);
    expect(second.stdout).toMatch(/1 array task for the unfinished shard 2 of 4/);
    expect(readFileSync(join(work, 'sweep.sbatch'), 'utf8')).toContain('#SBATCH --array=2\n');
    await waitForJob(slurm, second.jobId, 40_000);
    timings.array1 = (performance.now() - t) / 1000;
    expect([...arrayTaskStates(slurm, second.jobId).entries()], logText()).toEqual([['2', 'COMPLETED']]);

    t = performance.now();
    const merged = await spinscope('merge', scratch, '--into', project);
    timings.merge = (performance.now() - t) / 1000;
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(
      /^4 shards \(config [0-9a-f]{16}\): 14 checkpoints, 14 copied into the cache, 0 already there/,
    );

    t = performance.now();
    const cached = await spinscope('sweep', project, '--json', '--jobs', '1');
    timings.sweepFromCache = (performance.now() - t) / 1000;
    expect(cached.code).toBe(0);
    expect(cached.stdout).toBe(single.stdout);
    const readable = await spinscope('sweep', project);
    expect(readable.stdout).toMatch(/14 checkpoints: 14 from the cache, 0 analysed/);
  }, 180_000);
});
