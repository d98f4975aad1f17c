/**
 * The worker side in-process: the port adapter over Electron's parentPort and over
 * child_process IPC, the progress throttle, and runWorker driving real registry jobs through a
 * fake port (heartbeats, progress, log, result or error, cancel, exit 0).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobProgress } from '../../../src-main/core/jobs/job.ts';
import {
  createWorkerPort,
  NoSupervisorError,
  ORPHAN_EXIT_CODE,
  type WorkerPort,
  type WorkerProcessLike,
} from '../../../src-main/workers/port.ts';
import { ProgressThrottle } from '../../../src-main/workers/progressThrottle.ts';
import { workerMessageSchema, type WorkerMessage } from '../../../src-main/workers/protocol.ts';
import { runWorker } from '../../../src-main/workers/runWorker.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A process object with handlers the test can fire. */
function fakeProcess(extra: Partial<WorkerProcessLike>) {
  const handlers: Record<string, ((x?: unknown) => void)[]> = {};
  const exits: number[] = [];
  const proc: WorkerProcessLike = {
    on: (event: string, l: (x?: unknown) => void) => (handlers[event] ??= []).push(l),
    once: (event: string, l: () => void) => (handlers[event] ??= []).push(l),
    exit: (code?: number) => void exits.push(code ?? 0),
    ...extra,
  };
  const fire = (event: string, x?: unknown) => handlers[event]?.forEach((l) => l(x));
  return { proc, fire, exits };
}

describe('the port adapter', () => {
  it("over Electron's parentPort: postMessage out, event.data in", async () => {
    const posted: unknown[] = [];
    let listener: (e: { data: unknown }) => void = () => undefined;
    const { proc } = fakeProcess({
      parentPort: { postMessage: (m) => void posted.push(m), on: (_e, l) => (listener = l) },
    });
    const port = createWorkerPort(proc);
    const received: unknown[] = [];
    port.onMessage((m) => received.push(m));
    port.send({ type: 'heartbeat' });
    listener({ data: { type: 'cancel' } });
    expect(posted).toEqual([{ type: 'heartbeat' }]);
    expect(received).toEqual([{ type: 'cancel' }]);
    await port.flush();
  });

  it('over child_process IPC: flush waits for every send callback; a lost supervisor ends the process', async () => {
    const callbacks: (() => void)[] = [];
    const sent: unknown[] = [];
    const { proc, fire, exits } = fakeProcess({
      send: (m, _h, _o, cb) => {
        sent.push(m);
        callbacks.push(() => cb?.(null));
        return true;
      },
    });
    const port = createWorkerPort(proc);
    const received: unknown[] = [];
    port.onMessage((m) => received.push(m));
    fire('message', { type: 'start' });
    expect(received).toEqual([{ type: 'start' }]);

    port.send({ type: 'log', line: 'a' });
    port.send({ type: 'log', line: 'b' });
    let flushed = false;
    const f = port.flush().then(() => (flushed = true));
    await Promise.resolve();
    callbacks[0]();
    await Promise.resolve();
    expect(flushed).toBe(false);
    callbacks[1]();
    await f;
    expect(flushed).toBe(true);
    expect(sent).toHaveLength(2);

    fire('disconnect');
    expect(exits).toEqual([ORPHAN_EXIT_CODE]);
  });

  it('a message that cannot be serialized throws from send and does not block flush', async () => {
    const { proc } = fakeProcess({
      send: () => {
        throw new Error('could not be cloned');
      },
    });
    const port = createWorkerPort(proc);
    expect(() => port.send({ type: 'result', value: () => 1 })).toThrow('could not be cloned');
    await port.flush();
  });

  it('without a supervisor: a clear error', () => {
    expect(() => createWorkerPort(fakeProcess({}).proc)).toThrow(NoSupervisorError);
  });
});

describe('the progress throttle', () => {
  it('passes at most one report per 100 ms and never loses the last one', () => {
    vi.useFakeTimers();
    const sent: JobProgress[] = [];
    const t = new ProgressThrottle((p) => sent.push(p), 100);
    // 1000 reports over one second (one per millisecond)
    for (let i = 1; i <= 1000; i++) {
      t.push({ fraction: i / 1000, message: `step ${i}`, etaSeconds: null });
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.at(-1)!.message).toBe('step 1000');
    expect(sent[0].message).toBe('step 1');
  });

  it('lets reports out on time from code that never yields (no timer can fire there)', () => {
    const sent: JobProgress[] = [];
    const t = new ProgressThrottle((p) => sent.push(p), 100);
    const start = performance.now();
    while (performance.now() - start < 350) t.push({ fraction: 0.5, message: 'busy', etaSeconds: null });
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(5);
    t.flush();
  });

  it('flush sends the held report at once', () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const t = new ProgressThrottle((p) => sent.push(p.message), 100);
    t.push({ fraction: 0.1, message: 'a', etaSeconds: null });
    t.push({ fraction: 0.2, message: 'b', etaSeconds: null });
    t.push({ fraction: 0.3, message: 'c', etaSeconds: null });
    expect(sent).toEqual(['a']);
    t.flush();
    expect(sent).toEqual(['a', 'c']);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(['a', 'c']);
  });
});

/** A port the test talks through, recording what the worker sends (validated against the protocol). */
function fakePort() {
  const out: WorkerMessage[] = [];
  let listener: (m: unknown) => void = () => undefined;
  const port: WorkerPort = {
    send: (m) => void out.push(workerMessageSchema.parse(m)),
    onMessage: (l) => (listener = l),
    flush: () => Promise.resolve(),
  };
  return { port, out, tell: (m: unknown) => listener(m) };
}

const env = { SPINSCOPE_TEST_JOBS: '1' };

describe('runWorker', () => {
  it('says hello at once, runs the job, relays progress and log, sends the result last and exits 0', async () => {
    const { port, out, tell } = fakePort();
    const exits: number[] = [];
    const ended = runWorker(port, { env, exit: (c) => void exits.push(c), progressIntervalMs: 0 });
    expect(out).toEqual([{ type: 'heartbeat' }]);
    tell({ type: 'start', jobId: 'j1', kind: 'test.sleep', params: { ms: 30, steps: 3 } });
    await ended;
    expect(exits).toEqual([0]);
    const kinds = out.map((m) => m.type).filter((t) => t !== 'heartbeat');
    expect(kinds).toEqual(['log', 'progress', 'progress', 'progress', 'log', 'result']);
    expect(out.filter((m) => m.type === 'progress').map((m) => m.type === 'progress' && m.message)).toEqual([
      'step 1/3',
      'step 2/3',
      'step 3/3',
    ]);
    expect(out.at(-1)).toEqual({ type: 'result', value: { sleptMs: 30, steps: 3 } });
  });

  it('sends a heartbeat every heartbeatMs until the job ends', async () => {
    vi.useFakeTimers();
    const { port, out } = fakePort();
    void runWorker(port, { env, exit: () => undefined, heartbeatMs: 1000 });
    vi.advanceTimersByTime(3500);
    expect(out.filter((m) => m.type === 'heartbeat')).toHaveLength(4);
  });

  it('cancel aborts the job: the error is "cancelled" with the job\'s own message', async () => {
    const { port, out, tell } = fakePort();
    const ended = runWorker(port, { env, exit: () => undefined });
    tell({ type: 'start', jobId: 'j1', kind: 'test.sleep', params: { ms: 60_000, steps: 600 } });
    await vi.waitFor(() => expect(out.some((m) => m.type === 'progress')).toBe(true));
    tell({ type: 'cancel' });
    await ended;
    expect(out.at(-1)).toMatchObject({ type: 'error', code: 'cancelled' });
    expect(out.at(-1)).toHaveProperty(
      'message',
      expect.stringMatching(/^test\.sleep cancelled after step \d+ of 600$/),
    );
  });

  it.each([
    [{ type: 'start', jobId: 'j', kind: 'fly', params: {} }, 'unknown-kind', "unknown job kind 'fly'"],
    [{ type: 'start', jobId: 'j', kind: 'test.sleep', params: { ms: -1 } }, 'bad-params', 'test.sleep: ms:'],
    [
      { type: 'start', jobId: 'j', kind: 'test.fail', params: { message: 'no luck' } },
      'job-failed',
      'no luck',
    ],
    [{ type: 'begin' }, 'protocol', "the worker expected 'start'"],
    [{ type: 'cancel' }, 'cancelled', 'cancelled before it started'],
  ])('%j → error %s', async (message, code, text) => {
    const { port, out, tell } = fakePort();
    const exits: number[] = [];
    const ended = runWorker(port, { env, exit: (c) => void exits.push(c) });
    tell(message);
    await ended;
    expect(exits).toEqual([0]);
    expect(out.at(-1)).toMatchObject({ type: 'error', code });
    expect(out.at(-1)).toHaveProperty('message', expect.stringContaining(text));
  });

  it('an unexpected error (a bug) logs its stack for the log file; the message stays short', async () => {
    const { port, out, tell } = fakePort();
    const ended = runWorker(port, { env, exit: () => undefined });
    tell({ type: 'start', jobId: 'j', kind: 'test.fail', params: {} });
    await ended;
    const logs = out.filter((m) => m.type === 'log').map((m) => (m.type === 'log' ? m.line : ''));
    expect(logs[0]).toBe('Error: test.fail: the job failed on purpose');
    expect(logs.some((l) => l.includes('registry.ts'))).toBe(true);
    expect(out.at(-1)).toEqual({
      type: 'error',
      code: 'job-failed',
      message: 'test.fail: the job failed on purpose',
    });
  });
});
