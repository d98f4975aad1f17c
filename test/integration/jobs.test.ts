/**
 * The job supervisor with real worker processes (child_process.fork through forkHost, the worker
 * running through tsx as in the CLI): progress and results, graceful and forced cancel, a crash
 * (process.abort), an out-of-memory worker (64 MB heap) and a hung one (watchdog) each reported
 * with its reason while another job completes, the concurrency limit, bad requests, the log file,
 * and real train and analyze jobs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readOnnxFile } from '../../src-main/core/onnx/reader.ts';
import { analyzeNetwork } from '../../src-main/core/spin/analysis.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { JobSupervisor, type JobInfo, type SupervisorOptions } from '../../src-main/jobs/supervisor.ts';
import { OWN_FIXTURES } from '../helpers/fixtures.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'spinscope-jobs-'));

/** The worker environment with the misbehaving test kinds switched on. */
const testEnv = { ...process.env, SPINSCOPE_TEST_JOBS: '1' };

const supervisors: JobSupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.shutdown()));
});

function supervisor(options: Partial<SupervisorOptions> = {}, execArgv?: string[]): JobSupervisor {
  const s = new JobSupervisor({
    host: createForkHost({ env: testEnv, execArgv }),
    concurrency: 2,
    ...options,
  });
  supervisors.push(s);
  return s;
}

const terminal = (j: JobInfo): boolean => ['completed', 'failed', 'cancelled'].includes(j.status);

/** Resolves with the job's state the first time `test` holds for it. */
function when(s: JobSupervisor, id: string, test: (j: JobInfo) => boolean): Promise<JobInfo> {
  return new Promise((resolve) => {
    const now = s.get(id);
    if (now && test(now)) return resolve(now);
    const stop = s.onUpdate((j) => {
      if (j.id === id && test(j)) {
        stop();
        resolve(j);
      }
    });
  });
}
const ended = (s: JobSupervisor, id: string): Promise<JobInfo> => when(s, id, terminal);

/** Resolves when a log line of the job satisfies `test`. */
function logged(s: JobSupervisor, id: string, test: (line: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = s.onLog((jobId, line) => {
      if (jobId === id && test(line)) {
        stop();
        resolve(line);
      }
    });
  });
}

/** The log file's lines without their timestamps. */
function logLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
}

describe('jobs in worker processes', () => {
  it('a job runs in its own process, relays progress, returns its result, and leaves a log file', async () => {
    const logs = tmp();
    const s = supervisor({ logFileFor: (id) => join(logs, `${id}.log`) });
    const progress: number[] = [];
    s.onUpdate((j) => j.status === 'running' && j.progress && progress.push(j.progress.fraction));
    const job = s.submit({ kind: 'test.sleep', params: { ms: 400, steps: 4 }, label: 'a nap' });
    expect(job.status).toBe('running');

    const done = await ended(s, job.id);
    expect(done).toMatchObject({
      status: 'completed',
      label: 'a nap',
      result: { sleptMs: 400, steps: 4 },
      error: null,
    });
    expect(done.pid).toEqual(expect.any(Number));
    expect(done.pid).not.toBe(process.pid);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);

    await s.shutdown(); // every worker has exited: the log file is complete
    // (stderr lines aside: a Node warning from the environment is not this test's business)
    expect(logLines(done.logFile!).filter((l) => !l.startsWith('[stderr]'))).toEqual([
      `[spinscope] job ${job.id} (test.sleep) started in worker process ${done.pid}`,
      'sleeping 400 ms in 4 steps',
      'slept 400 ms',
      '[spinscope] completed',
      '[spinscope] worker exited (code 0)',
    ]);
  });

  it('cancel stops a sleeping job at its next step, without killing it', async () => {
    const s = supervisor({ cancelGraceMs: 30_000 });
    const job = s.submit({ kind: 'test.sleep', params: { ms: 60_000, steps: 600 } });
    await when(s, job.id, (j) => j.progress !== null);
    s.cancel(job.id);
    const done = await ended(s, job.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toMatchObject({ code: 'cancelled', signal: null, exitCode: null });
    expect(done.error!.message).toMatch(/^test\.sleep cancelled after step \d+ of 600$/);
  });

  it('cancel kills a hung job that ignores it, after the grace time', async () => {
    const s = supervisor({ cancelGraceMs: 500, watchdogMs: 60_000 });
    const job = s.submit({ kind: 'test.hang', params: {} });
    await logged(s, job.id, (l) => l.startsWith('test.hang'));
    s.cancel(job.id);
    const done = await ended(s, job.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toMatchObject({
      code: 'cancelled',
      message: 'cancelled (killed after 0.5 s)',
      signal: 'SIGKILL',
      lastLog: ['test.hang: spinning forever without yielding, deaf to cancel'],
    });
  });

  it('a crash (process.abort), an out-of-memory worker (64 MB heap) and a hung one (watchdog) are each reported with their reason while another job completes', async () => {
    const logs = tmp();
    const s = supervisor({ concurrency: 4, watchdogMs: 3000, logFileFor: (id) => join(logs, `${id}.log`) }, [
      '--max-old-space-size=64',
    ]);
    const crash = s.submit({ kind: 'test.crash', params: {} });
    const oom = s.submit({ kind: 'test.oom', params: {} });
    const hang = s.submit({ kind: 'test.hang', params: {} });
    const sleep = s.submit({ kind: 'test.sleep', params: { ms: 2000, steps: 20 } });
    const [c, o, h, z] = await Promise.all([crash, oom, hang, sleep].map((j) => ended(s, j.id)));

    expect(z).toMatchObject({ status: 'completed', result: { sleptMs: 2000, steps: 20 } });
    // all four ran side by side
    const latestStart = Math.max(...[c, o, h, z].map((j) => Date.parse(j.startedAt!)));
    const earliestEnd = Math.min(...[c, o, h, z].map((j) => Date.parse(j.endedAt!)));
    expect(latestStart).toBeLessThanOrEqual(earliestEnd);

    expect(c.status).toBe('failed');
    expect(c.error).toMatchObject({
      code: 'crashed',
      message: 'the worker crashed (SIGABRT)',
      signal: 'SIGABRT',
    });
    expect(c.error!.lastLog).toContain('test.crash: aborting the process on purpose');

    expect(o.status).toBe('failed');
    expect(o.error).toMatchObject({ code: 'out-of-memory', message: 'the worker ran out of memory' });
    expect(o.error!.lastLog).toContain('test.oom: allocating until the JavaScript heap is exhausted');
    expect(o.error!.lastLog.some((l) => l.includes('JavaScript heap out of memory'))).toBe(true);

    expect(h.status).toBe('failed');
    expect(h.error).toMatchObject({
      code: 'unresponsive',
      message: 'the worker stopped responding for 3 s and was stopped',
      signal: 'SIGKILL',
      lastLog: ['test.hang: spinning forever without yielding, deaf to cancel'],
    });

    // and the supervisor takes new work
    const after = s.submit({ kind: 'test.sleep', params: { ms: 10, steps: 1 } });
    expect((await ended(s, after.id)).status).toBe('completed');

    await s.shutdown();
    // V8's own report, native stack and all, is in the OOM job's log file
    const oomLog = logLines(o.logFile!);
    expect(oomLog).toContain(
      '[stderr] FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    expect(oomLog.at(-2)).toBe('[spinscope] failed: the worker ran out of memory');
    expect(oomLog.at(-1)).toBe('[spinscope] worker exited (SIGABRT)');
  });

  it('a job that computes without yielding but reports progress is not mistaken for a hang', async () => {
    const s = supervisor({ watchdogMs: 1000 });
    const job = s.submit({ kind: 'test.busy', params: { ms: 2000, steps: 40 } });
    const done = await ended(s, job.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'completed', result: { busyMs: 2000, steps: 40 } });
  });

  it('runs at most `concurrency` workers at once and starts queued jobs in submission order', async () => {
    const s = supervisor({ concurrency: 2 });
    const running = new Set<string>();
    const started: string[] = [];
    let most = 0;
    s.onUpdate((j) => {
      if (j.status === 'running' && !running.has(j.id)) {
        running.add(j.id);
        started.push(j.id);
      } else if (terminal(j)) running.delete(j.id);
      most = Math.max(most, running.size);
    });
    const jobs = Array.from({ length: 4 }, () =>
      s.submit({ kind: 'test.sleep', params: { ms: 150, steps: 3 } }),
    );
    expect(jobs.map((j) => j.status)).toEqual(['running', 'running', 'queued', 'queued']);
    const done = await Promise.all(jobs.map((j) => ended(s, j.id)));
    expect(done.map((j) => j.status)).toEqual(Array(4).fill('completed'));
    expect(most).toBe(2);
    expect(started).toEqual(jobs.map((j) => j.id));
  });

  it('an unknown kind, bad parameters, a failing job and a test kind without SPINSCOPE_TEST_JOBS fail with clear messages', async () => {
    const s = supervisor({ concurrency: 4 });
    const results = await Promise.all(
      [
        { kind: 'fly', params: {} },
        { kind: 'test.sleep', params: { ms: 'soon' } },
        { kind: 'test.fail', params: { message: 'no luck this time' } },
      ].map((r) => ended(s, s.submit(r).id)),
    );
    expect(results.map((j) => [j.status, j.error?.code])).toEqual([
      ['failed', 'unknown-kind'],
      ['failed', 'bad-params'],
      ['failed', 'job-failed'],
    ]);
    expect(results[0].error!.message).toMatch(
      /^unknown job kind 'fly'; the kinds are train, analyze, import, spectrum, tap, sweep, montecarlo, figure, reproduce, test\.sleep/,
    );
    expect(results[1].error!.message).toMatch(/^test\.sleep: ms: .*number/);
    expect(results[2].error!.message).toBe('no luck this time');

    const env = { ...process.env };
    delete env.SPINSCOPE_TEST_JOBS;
    const production = new JobSupervisor({ host: createForkHost({ env }), concurrency: 1 });
    supervisors.push(production);
    const off = await ended(production, production.submit({ kind: 'test.sleep', params: { ms: 1 } }).id);
    expect(off.error).toMatchObject({ code: 'unknown-kind' });
    expect(off.error!.message).toContain('SPINSCOPE_TEST_JOBS=1');
  });
});

describe('real jobs through a worker', () => {
  it('train 784-8-10 on 256 images writes a run folder, reports progress and logs its checkpoints', async () => {
    const root = tmp();
    const dir = join(root, 'runs', 'r1');
    const s = supervisor({ logFileFor: (id) => join(root, 'logs', `${id}.log`) });
    const messages: string[] = [];
    s.onUpdate((j) => j.status === 'running' && j.progress && messages.push(j.progress.message));
    const job = s.submit({
      kind: 'train',
      params: {
        dir,
        config: { arch: [784, 8, 10], trainLimit: 256, testLimit: 100, epochs: 1, checkpoints: 4 },
      },
    });
    const done = await ended(s, job.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({
      dir,
      status: 'completed',
      steps: 2,
      totalSteps: 2,
      epochs: 1,
      checkpoints: 3,
    });
    expect(messages[0]).toBe('loading data');
    expect(messages.at(-1)).toMatch(/^epoch 1\/1 · step 2\/2 · loss \d/);

    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'completed', step: 2, checkpointSteps: [0, 1, 2] });
    expect(run.config.arch).toEqual([784, 8, 10]);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual([
      'step-000000.onnx',
      'step-000001.onnx',
      'step-000002.onnx',
    ]);
    await s.shutdown();
    const log = logLines(done.logFile!);
    expect(
      log.filter((l) => /^step \d+ \(epoch [\d.]+\): test accuracy [\d.]+%, loss [\d.]+$/.test(l)),
    ).toHaveLength(3);
  });

  it("analyze returns the same report as an in-process analysis and writes it to `out`; a corrupt model fails with the reader's message", async () => {
    const root = tmp();
    const model = join(OWN_FIXTURES, 'reshape_dynamic_relu/model.onnx');
    const out = join(root, 'analyses', 'a1', 'report.json');
    const s = supervisor();
    const good = s.submit({ kind: 'analyze', params: { model, out } });
    const bad = s.submit({
      kind: 'analyze',
      params: { model: join(OWN_FIXTURES, 'err_random_bytes/model.onnx') },
    });
    const [g, b] = await Promise.all([ended(s, good.id), ended(s, bad.id)]);

    const imported = await readOnnxFile(model);
    const direct = analyzeNetwork(imported.network);
    direct.warnings.unshift(...imported.warnings);
    expect(g.status).toBe('completed');
    expect(g.result).toEqual(direct);
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(direct)));

    expect(b.status).toBe('failed');
    expect(b.error!.code).toBe('job-failed');
    expect(b.error!.message).toContain('model.onnx: not a valid ONNX file');
  });
});
