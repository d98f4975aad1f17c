/**
 * The job supervisor against a fake host (no processes, fake timers): queue and concurrency,
 * progress relay, cancel (graceful, then killed), and every way a worker can end badly turned into
 * a failed job with a reason, exit code or signal and the last log lines.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultConcurrency,
  JobSupervisor,
  LAST_LOG_LINES,
  SupervisorClosedError,
  UnknownJobError,
  type JobInfo,
  type SupervisorOptions,
} from '../../../src-main/jobs/supervisor.ts';
import { FakeHost } from './fakeHost.ts';

let host: FakeHost;
let updates: JobInfo[];

function supervisor(options: Partial<SupervisorOptions> = {}): JobSupervisor {
  const s = new JobSupervisor({ host, concurrency: 2, cancelGraceMs: 5000, watchdogMs: 30_000, ...options });
  s.onUpdate((j) => updates.push(j));
  return s;
}

const sleep = (label?: string) => ({ kind: 'test.sleep', params: { ms: 1000 }, label });

beforeEach(() => {
  vi.useFakeTimers();
  host = new FakeHost();
  updates = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('queue and concurrency', () => {
  it('runs at most `concurrency` jobs and starts the queued ones in submission order as slots free', () => {
    const s = supervisor({ concurrency: 2 });
    const ids = ['a', 'b', 'c', 'd'].map((l) => s.submit(sleep(l)).id);
    expect(s.list().map((j) => j.status)).toEqual(['running', 'running', 'queued', 'queued']);
    expect(host.workers.map((w) => w.job.id)).toEqual(ids.slice(0, 2));

    host.of(ids[1]).finish('b done');
    expect(host.workers.map((w) => w.job.id)).toEqual(ids.slice(0, 3));
    host.of(ids[0]).finish('a done');
    host.of(ids[2]).finish('c done');
    host.of(ids[3]).finish('d done');
    expect(s.list().map((j) => [j.label, j.status, j.result])).toEqual([
      ['a', 'completed', 'a done'],
      ['b', 'completed', 'b done'],
      ['c', 'completed', 'c done'],
      ['d', 'completed', 'd done'],
    ]);
  });

  it('starts more queued jobs when the concurrency setting is raised', () => {
    const s = supervisor({ concurrency: 1 });
    for (let i = 0; i < 3; i++) s.submit(sleep());
    expect(host.workers).toHaveLength(1);
    s.setConcurrency(3);
    expect(host.workers).toHaveLength(3);
    expect(() => s.setConcurrency(0)).toThrow(RangeError);
  });

  it('defaults to one job per core but one, and at least one', () => {
    expect(defaultConcurrency()).toBe(Math.max(1, availableParallelism() - 1));
  });
});

describe('a job that runs normally', () => {
  it('sends the start message, relays progress and ends completed with the result', () => {
    const s = supervisor();
    const job = s.submit({ kind: 'analyze', params: { model: '/m.onnx' }, label: 'analyze m' });
    expect(job).toMatchObject({ kind: 'analyze', label: 'analyze m', status: 'running', progress: null });
    const w = host.of(job.id);
    expect(w.sent).toEqual([{ type: 'start', jobId: job.id, kind: 'analyze', params: { model: '/m.onnx' } }]);

    w.say({ type: 'heartbeat' });
    w.say({ type: 'progress', fraction: 0.25, message: 'spectrum of J', etaSeconds: 3 });
    expect(s.get(job.id)!.progress).toEqual({ fraction: 0.25, message: 'spectrum of J', etaSeconds: 3 });
    w.finish({ tc: 1.25 });

    const done = s.get(job.id)!;
    expect(done.status).toBe('completed');
    expect(done.result).toEqual({ tc: 1.25 });
    expect(done.error).toBeNull();
    expect(done.progress).toEqual({ fraction: 1, message: 'spectrum of J', etaSeconds: 0 });
    expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
    expect(done.pid).toBe(w.pid);
    expect(updates.filter((u) => u.id === job.id).map((u) => u.status)).toEqual([
      'queued',
      'running',
      'running',
      'completed',
    ]);
  });

  it('reports the error a worker sends, with the log lines before it', () => {
    const s = supervisor();
    const job = s.submit({ kind: 'analyze', params: {} });
    const w = host.of(job.id);
    w.say({ type: 'log', line: 'reading the model' });
    w.say({ type: 'error', code: 'bad-params', message: 'analyze: model: Invalid input' });
    w.exit(0);
    expect(s.get(job.id)).toMatchObject({
      status: 'failed',
      error: {
        code: 'bad-params',
        message: 'analyze: model: Invalid input',
        exitCode: null,
        signal: null,
        lastLog: ['reading the model'],
      },
    });
  });

  it('ignores malformed messages from a worker and keeps the job running', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.say({ type: 'progress', fraction: 7, message: 'nonsense', etaSeconds: null });
    w.say({ type: 'shout' });
    expect(s.get(job.id)).toMatchObject({ status: 'running', progress: null });
    w.finish(1);
    expect(s.get(job.id)!.status).toBe('completed');
  });

  it('kills a worker that does not exit within 2 s after its result, without changing the outcome', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.say({ type: 'result', value: 'ok' });
    vi.advanceTimersByTime(1999);
    expect(w.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(w.kills).toEqual(['SIGKILL']);
    expect(s.get(job.id)).toMatchObject({ status: 'completed', result: 'ok', error: null });
  });
});

describe('cancel', () => {
  it('removes a queued job at once, without starting a worker', () => {
    const s = supervisor({ concurrency: 1 });
    s.submit(sleep());
    const queued = s.submit(sleep());
    const after = s.cancel(queued.id);
    expect(after).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled', message: 'cancelled before it started' },
    });
    expect(host.workers).toHaveLength(1);
  });

  it('asks a running job to stop; a job that stops in time is cancelled with its own message', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.say({ type: 'heartbeat' });
    expect(s.cancel(job.id).status).toBe('running');
    expect(w.sent.at(-1)).toEqual({ type: 'cancel' });
    vi.advanceTimersByTime(1000);
    w.say({ type: 'error', code: 'cancelled', message: 'training cancelled at step 12 of 469' });
    w.exit(0);
    vi.advanceTimersByTime(10_000);
    expect(w.kills).toEqual([]);
    expect(s.get(job.id)).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled', message: 'training cancelled at step 12 of 469', exitCode: null },
    });
  });

  it('kills a running job that ignores the request after cancelGraceMs', () => {
    const s = supervisor({ cancelGraceMs: 1500 });
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.say({ type: 'log', line: 'spinning' });
    s.cancel(job.id);
    vi.advanceTimersByTime(1499);
    expect(w.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(w.kills).toEqual(['SIGKILL']);
    expect(s.get(job.id)).toMatchObject({
      status: 'cancelled',
      error: {
        code: 'cancelled',
        message: 'cancelled (killed after 1.5 s)',
        signal: 'SIGKILL',
        lastLog: ['spinning'],
      },
    });
  });

  it('kills at once on a second request', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    s.cancel(job.id);
    s.cancel(job.id);
    expect(w.kills).toEqual(['SIGKILL']);
    expect(s.get(job.id)!.status).toBe('cancelled');
  });

  it('leaves a finished job alone and rejects an unknown id', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    host.of(job.id).finish(1);
    expect(s.cancel(job.id).status).toBe('completed');
    expect(() => s.cancel('nope')).toThrow(UnknownJobError);
  });
});

describe('a worker that ends badly is reported with its reason while the others go on', () => {
  function endedWith(exit: (w: ReturnType<FakeHost['of']>) => void): JobInfo {
    const s = supervisor();
    const bad = s.submit(sleep());
    const good = s.submit(sleep());
    const w = host.of(bad.id);
    w.say({ type: 'heartbeat' });
    w.say({ type: 'log', line: 'last words' });
    exit(w);
    host.of(good.id).finish('fine');
    expect(s.get(good.id)!.status).toBe('completed');
    // nothing left to time out: an exited worker is never killed later
    expect(vi.getTimerCount()).toBe(0);
    expect(w.kills).toEqual([]);
    return s.get(bad.id)!;
  }

  it('SIGABRT: crashed', () => {
    const j = endedWith((w) => w.exit(null, 'SIGABRT'));
    expect(j.status).toBe('failed');
    expect(j.error).toEqual({
      code: 'crashed',
      message: 'the worker crashed (SIGABRT)',
      exitCode: null,
      signal: 'SIGABRT',
      lastLog: ['last words'],
    });
  });

  it("V8's heap-limit report on stderr: out of memory (although the process died by SIGABRT)", () => {
    const j = endedWith((w) => {
      w.stderr('<--- Last few GCs --->\n[1:0x1]  812 ms: Mark-Compact 63.0 (97.5) -> 63.0 (96.5) MB\n');
      w.stderr('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
      w.stderr(
        '----- Native stack trace -----\n 1: 0xb8ced1 node::OOMErrorHandler\n 2: 0xf0a1 v8::Utils::Report',
      );
      w.exit(null, 'SIGABRT');
    });
    expect(j.error!.code).toBe('out-of-memory');
    expect(j.error!.message).toBe('the worker ran out of memory');
    expect(j.error!.lastLog).toContain(
      '[stderr] FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    // native stack frames go to the log file, not to the short list the user sees
    expect(j.error!.lastLog.some((l) => l.includes('0xb8ced1'))).toBe(false);
  });

  it("a host's own reading (Electron: reason 'oom') counts as out of memory", () => {
    expect(endedWith((w) => w.exit(-1, null, 'oom')).error!.code).toBe('out-of-memory');
  });

  it('SIGKILL from someone else (the OOM killer): killed, with a hint', () => {
    const j = endedWith((w) => w.exit(null, 'SIGKILL'));
    expect(j.error!.code).toBe('killed');
    expect(j.error!.message).toContain('SIGKILL');
    expect(j.error!.message).toContain('memory');
  });

  it('exit code 7 without a result: exited, with the code', () => {
    const j = endedWith((w) => w.exit(7));
    expect(j.error).toMatchObject({ code: 'exited', exitCode: 7, signal: null });
    expect(j.error!.message).toBe('the worker exited with code 7 before finishing its job');
  });

  it('exit 0 without a result', () => {
    expect(endedWith((w) => w.exit(0)).error!.message).toBe('the worker exited without reporting a result');
  });

  it('dying before saying anything (e.g. a module that fails to load): launch failed, stderr kept', () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.stderr("Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/worker.ts'\n");
    w.exit(1);
    expect(s.get(job.id)!.error).toMatchObject({
      code: 'launch-failed',
      message: 'the worker failed to start (exit code 1); its last output is in the log',
      lastLog: ["[stderr] Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/x/worker.ts'"],
    });
  });

  it('a fork that throws: launch failed, and the next job still runs', () => {
    const s = supervisor({ concurrency: 1 });
    host.failNext = new Error('spawn EAGAIN');
    const a = s.submit(sleep());
    const b = s.submit(sleep());
    expect(s.get(a.id)!.error).toMatchObject({
      code: 'launch-failed',
      message: 'the worker could not be started: spawn EAGAIN',
    });
    expect(s.get(b.id)!.status).toBe('running');
  });
});

describe('watchdog', () => {
  it('a worker that keeps sending heartbeats runs as long as it likes', () => {
    const s = supervisor({ watchdogMs: 3000 });
    const job = s.submit(sleep());
    const w = host.of(job.id);
    for (let t = 0; t < 60; t++) {
      w.say({ type: 'heartbeat' });
      vi.advanceTimersByTime(1000);
    }
    expect(w.kills).toEqual([]);
    expect(s.get(job.id)!.status).toBe('running');
  });

  it('a worker silent for watchdogMs is killed and reported unresponsive', () => {
    const s = supervisor({ watchdogMs: 3000 });
    const job = s.submit(sleep());
    const w = host.of(job.id);
    w.say({ type: 'heartbeat' });
    w.say({ type: 'log', line: 'test.hang: spinning forever' });
    vi.advanceTimersByTime(2999);
    expect(w.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(w.kills).toEqual(['SIGKILL']);
    expect(s.get(job.id)!.error).toEqual({
      code: 'unresponsive',
      message: 'the worker stopped responding for 3 s and was stopped',
      exitCode: null,
      signal: 'SIGKILL',
      lastLog: ['test.hang: spinning forever'],
    });
  });

  it('a worker that never says its first word is stopped after startTimeoutMs', () => {
    const s = supervisor({ watchdogMs: 1000, startTimeoutMs: 20_000 });
    const job = s.submit(sleep());
    vi.advanceTimersByTime(19_999);
    expect(s.get(job.id)!.status).toBe('running');
    vi.advanceTimersByTime(1);
    expect(s.get(job.id)!.error).toMatchObject({
      code: 'launch-failed',
      message: 'the worker did not start within 20 s and was stopped',
    });
  });
});

describe('log lines and the log file', () => {
  it(`keeps the last ${LAST_LOG_LINES} lines, joining stderr lines split across chunks`, () => {
    const s = supervisor();
    const job = s.submit(sleep());
    const w = host.of(job.id);
    for (let i = 1; i <= 30; i++) w.say({ type: 'log', line: `line ${i}` });
    w.stderr('half a li');
    w.stderr('ne\nand the rest without newline');
    w.exit(null, 'SIGSEGV');
    const lastLog = s.get(job.id)!.error!.lastLog;
    expect(lastLog).toHaveLength(LAST_LOG_LINES);
    expect(lastLog.slice(-3)).toEqual([
      'line 30',
      '[stderr] half a line',
      '[stderr] and the rest without newline',
    ]);
    expect(s.get(job.id)!.error!.message).toBe('the worker crashed (SIGSEGV)');
  });

  it("appends the job's log lines, its stderr and the supervisor's notes to the job's log file, timestamped", () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-joblog-'));
    const lines: [string, string][] = [];
    const s = supervisor({ logFileFor: (id) => join(dir, 'logs', `${id}.log`) });
    s.onLog((id, line) => lines.push([id, line]));
    const job = s.submit(sleep());
    expect(job.logFile).toBe(join(dir, 'logs', `${job.id}.log`));
    const w = host.of(job.id);
    w.say({ type: 'log', line: 'sleeping 1000 ms in 10 steps' });
    w.stderr('(node:1) Warning: something\n');
    w.finish('ok');
    const text = readFileSync(job.logFile!, 'utf8');
    const body = text.split('\n').map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
    expect(body).toEqual([
      `[spinscope] job ${job.id} (test.sleep) started in worker process ${w.pid}`,
      'sleeping 1000 ms in 10 steps',
      '[stderr] (node:1) Warning: something',
      '[spinscope] completed',
      '[spinscope] worker exited (code 0)',
      '',
    ]);
    expect(lines).toEqual([
      [job.id, 'sleeping 1000 ms in 10 steps'],
      [job.id, '[stderr] (node:1) Warning: something'],
    ]);
  });

  it('a request may choose its own log file, or none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-joblog-'));
    const s = supervisor({ logFileFor: (id) => join(dir, `${id}.log`) });
    const own = s.submit({ ...sleep(), logFileFor: (id, kind) => join(dir, 'own', `${kind}-${id}.log`) });
    const none = s.submit({ ...sleep(), logFile: null });
    expect(own.logFile).toBe(join(dir, 'own', `test.sleep-${own.id}.log`));
    expect(none.logFile).toBeNull();
    host.of(own.id).finish(1);
    host.of(none.id).finish(1);
    expect(existsSync(own.logFile!)).toBe(true);
    expect(existsSync(join(dir, `${none.id}.log`))).toBe(false);
  });

  it('a log file that cannot be written does not fail the job; the problem shows in lastLog', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-joblog-'));
    const s = supervisor();
    // a path below a regular file cannot be created
    writeFileSync(join(dir, 'a-file'), '');
    const job = s.submit({ ...sleep(), logFile: join(dir, 'a-file', 'x.log') });
    const w = host.of(job.id);
    w.exit(null, 'SIGABRT');
    expect(s.get(job.id)!.error!.lastLog[0]).toMatch(/^\[spinscope\] cannot write the job log .*x\.log/);
  });
});

describe('shutdown', () => {
  it('cancels queued and running jobs, kills stragglers after the grace time, and refuses new jobs', async () => {
    const s = supervisor({ concurrency: 2, cancelGraceMs: 1000 });
    const a = s.submit(sleep());
    const b = s.submit(sleep());
    const c = s.submit(sleep());
    const polite = host.of(a.id);
    const stubborn = host.of(b.id);
    const done = s.shutdown();
    expect(() => s.submit(sleep())).toThrow(SupervisorClosedError);
    expect(polite.sent.at(-1)).toEqual({ type: 'cancel' });
    polite.say({ type: 'error', code: 'cancelled', message: 'cancelled' });
    polite.exit(0);
    vi.advanceTimersByTime(1000);
    await done;
    expect(stubborn.kills).toEqual(['SIGKILL']);
    expect(s.list().map((j) => [j.id, j.status])).toEqual([
      [a.id, 'cancelled'],
      [b.id, 'cancelled'],
      [c.id, 'cancelled'],
    ]);
    expect(host.workers).toHaveLength(2);
  });
});
