/**
 * What a worker process does (worker.ts is the entry that calls this): waits for one 'start'
 * message, runs that job from the registry (core/jobs/registry.ts), relays its progress (throttled)
 * and log lines, answers 'cancel' by aborting the job's signal, sends the result or the error and
 * exits 0. A timer sends a heartbeat every second from the moment the worker is up; a job that
 * blocks the event loop stops the heartbeats, and that is how the supervisor's watchdog sees a hang.
 */
import type { JobContext, JobProgress } from '../core/jobs/job.ts';
import { JobRequestError, runJob } from '../core/jobs/registry.ts';
import { CancelledError } from '../core/util/cancel.ts';
import type { WorkerPort } from './port.ts';
import { ProgressThrottle, PROGRESS_INTERVAL_MS } from './progressThrottle.ts';
import { describeIssues, toWorkerMessageSchema, type ErrorMessage, type StartMessage } from './protocol.ts';

export const HEARTBEAT_MS = 1000;

export interface WorkerOptions {
  /** Environment that decides which job kinds exist (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Ends the process (default process.exit); tests pass a recorder. */
  exit?: (code: number) => void;
  heartbeatMs?: number;
  progressIntervalMs?: number;
}

/** Error constructors whose stack is worth a bug report; the job's own error classes carry user messages. */
const UNEXPECTED_ERRORS = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
]);

/** Resolves after the job's last message has left and exit(0) was called. */
export function runWorker(port: WorkerPort, options: WorkerOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let started = false;
  let finished = false;
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));

  const heartbeat = setInterval(() => port.send({ type: 'heartbeat' }), options.heartbeatMs ?? HEARTBEAT_MS);
  port.send({ type: 'heartbeat' }); // up and listening: the supervisor's start timeout ends here
  const throttle = new ProgressThrottle(
    (p) => port.send({ type: 'progress', ...sanitize(p) }),
    options.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
  );
  const log = (line: string): void => port.send({ type: 'log', line });

  const finish = async (last: { type: 'result'; value: unknown } | ErrorMessage): Promise<void> => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    throttle.flush();
    try {
      port.send(last);
    } catch (e) {
      // e.g. a result that structured clone cannot copy (a function, a class instance with handles)
      port.send({
        type: 'error',
        code: 'job-failed',
        message: `the job's result could not be sent: ${errorText(e)}`,
      });
    }
    await port.flush();
    exit(0);
    done();
  };

  const execute = async (start: StartMessage): Promise<void> => {
    const ctx: JobContext = { signal: controller.signal, progress: (p) => throttle.push(p), log };
    try {
      const value = await runJob(start.kind, start.params, ctx, env);
      await finish({ type: 'result', value });
    } catch (e) {
      await finish(errorMessage(e, controller.signal, log));
    }
  };

  port.onMessage((raw) => {
    if (finished) return;
    const parsed = toWorkerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const problem = `a malformed message from the supervisor (${describeIssues(parsed.error)})`;
      if (!started)
        void finish({
          type: 'error',
          code: 'protocol',
          message: `the worker expected 'start', got ${problem}`,
        });
      else log(`ignored ${problem}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      if (!started) void finish({ type: 'error', code: 'cancelled', message: 'cancelled before it started' });
      else controller.abort();
      return;
    }
    if (started) {
      log(`ignored a second 'start' message (job ${message.jobId}): a worker runs one job`);
      return;
    }
    started = true;
    void execute(message);
  });
  return ended;
}

function errorMessage(e: unknown, signal: AbortSignal, log: (line: string) => void): ErrorMessage {
  // By name as well: a bundle may hold two copies of the class.
  const cancelled = e instanceof CancelledError || (e instanceof Error && e.name === 'CancelledError');
  if (cancelled || (signal.aborted && e instanceof Error && e.name === 'AbortError')) {
    return { type: 'error', code: 'cancelled', message: cancelled ? (e as Error).message : 'cancelled' };
  }
  if (e instanceof JobRequestError) return { type: 'error', code: e.code, message: e.message };
  if (e instanceof Error && UNEXPECTED_ERRORS.has(e.name) && e.stack) {
    for (const line of e.stack.split('\n')) log(line);
  }
  return { type: 'error', code: 'job-failed', message: errorText(e) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A job's report made valid for the protocol: fraction in [0, 1], ETA finite and ≥ 0 or null. */
function sanitize(p: JobProgress): JobProgress {
  const fraction = Number.isFinite(p.fraction) ? Math.min(1, Math.max(0, p.fraction)) : 0;
  const eta = p.etaSeconds;
  return {
    fraction,
    message: String(p.message),
    etaSeconds: eta !== null && Number.isFinite(eta) && eta >= 0 ? eta : null,
  };
}
