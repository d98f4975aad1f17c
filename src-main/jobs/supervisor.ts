/**
 * The job supervisor (architecture.md, process model): runs every heavy operation as a job in a
 * worker process of its own, at most `concurrency` at a time, the rest queued in submission order.
 * It relays progress, cancels (the job stops at its next check; after `cancelGraceMs` the process is
 * killed), and turns every way a worker can end badly (crash, out of memory, hang, exit) into a
 * failed job with a reason, the exit code or signal and the last log lines, while the other jobs
 * and the app go on. Each job's log lines and stderr are appended to its log file.
 *
 * Pure Node: the processes come from a WorkerHost (forkHost.ts over child_process.fork; the
 * Electron app supplies one over utilityProcess.fork). Nothing here imports electron.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { JobProgress } from '../core/jobs/job.ts';
import {
  describeIssues,
  workerMessageSchema,
  type ToWorkerMessage,
  type WorkerErrorCode,
  type WorkerMessage,
} from '../workers/protocol.ts';
import { describeExit, type ExitFailureCode, type ExitHint } from './exitReason.ts';
import { JobLog } from './jobLog.ts';

export type { ExitHint } from './exitReason.ts';
export type { JobProgress } from '../core/jobs/job.ts';

/** One worker process, as a host gives it to the supervisor. */
export interface WorkerHandle {
  /** Operating-system process id; undefined if the process could not be created. */
  readonly pid: number | undefined;
  send(message: ToWorkerMessage): void;
  /** Every message from the worker, unvalidated (the supervisor validates). */
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Called once when the process has ended, after its last message and output were delivered:
   * the exit code or the signal that ended it, and the host's reading of the exit when it has one.
   */
  onExit(listener: (code: number | null, signal: string | null, hint?: ExitHint) => void): void;
  /** The worker's stdout and stderr as text, as it arrives (hosts without pipes may omit it). */
  onOutput?(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
  /** Ends the process; the supervisor always asks for SIGKILL. */
  kill(signal?: NodeJS.Signals): void;
}

/** Starts worker processes: forkHost.ts for plain Node; the Electron app brings its own. */
export interface WorkerHost {
  fork(job: { id: string; kind: string }): WorkerHandle;
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * Why a job failed or was cancelled:
 *   from the worker: unknown-kind, bad-params, cancelled, job-failed, protocol (protocol.ts)
 *   from the supervisor: crashed, out-of-memory, killed, exited, launch-failed (exitReason.ts),
 *   unresponsive (no heartbeat for watchdogMs)
 */
export type JobErrorCode = WorkerErrorCode | ExitFailureCode | 'unresponsive';

export interface JobFailure {
  code: JobErrorCode;
  /** For the user: "the worker ran out of memory", "analyze: model: must be an absolute path", … */
  message: string;
  /** Exit code and signal of the worker if it ended abnormally; null when it reported the error itself. */
  exitCode: number | null;
  signal: string | null;
  /** The last log lines (job log, stdout/stderr) before the end, oldest first. */
  lastLog: string[];
}

export interface JobInfo {
  id: string;
  kind: string;
  label: string;
  status: JobStatus;
  progress: JobProgress | null;
  /** The job's return value once completed (a TrainSummary, an AnalysisReport, …), else null. */
  result: unknown;
  /** Set when failed or cancelled. */
  error: JobFailure | null;
  /** ISO 8601 times (new Date().toISOString()). */
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The job's log file (created when the job starts), or null for none. */
  logFile: string | null;
  /** The worker's process id while it runs (kept afterwards for reference). */
  pid: number | null;
}

export interface JobRequest {
  kind: string;
  params: unknown;
  /** What the UI shows (default: the kind). */
  label?: string;
  /** This job's log file, or null for none: overrides both logFileFor options. */
  logFile?: string | null;
  /** Where this job's log file goes, given its id (overrides the supervisor's logFileFor). */
  logFileFor?: (jobId: string, kind: string) => string | null;
}

export interface SupervisorOptions {
  host: WorkerHost;
  /** Jobs running at once (default: cores − 1, at least 1). */
  concurrency?: number;
  /** How long a cancelled job may take to stop before its process is killed (default 5000 ms). */
  cancelGraceMs?: number;
  /** A running worker silent this long (no heartbeat, no message) is killed as hung (default 30000 ms). */
  watchdogMs?: number;
  /** How long a new worker may take to say its first word (default 60000 ms: a cold start on a busy machine). */
  startTimeoutMs?: number;
  /** Where a job's log file goes (e.g. `<project>/jobs/<id>.log`), or null for none (the default). */
  logFileFor?: (jobId: string, kind: string) => string | null;
}

/** Log lines kept for a failure report. */
export const LAST_LOG_LINES = 20;
/** stderr characters kept to recognise how a process died (V8's out-of-memory report is long). */
const STDERR_TAIL_CHARS = 16_384;
/** Output without a newline is cut into lines of at most this length. */
const MAX_LINE_CHARS = 65_536;
/** A worker that has sent its result but not exited after this long is killed. */
const EXIT_AFTER_RESULT_MS = 2000;
/** Lines of a native stack trace ("  7: 0x10a3c5 v8::internal::Heap::…"): kept in the log file, not in lastLog. */
const NATIVE_FRAME = /^\s*\d+: 0x[0-9a-f]+/i;

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface Job {
  info: JobInfo;
  params: unknown;
  worker: WorkerHandle | null;
  /** The worker process exists and has not exited. */
  alive: boolean;
  /** The worker has sent at least one message. */
  spoke: boolean;
  /** Why the supervisor killed the worker, if it did, and what to report (nothing for 'linger': the job is over). */
  killedFor: 'cancel' | 'watchdog' | 'linger' | null;
  killReport: { status: 'cancelled' | 'failed'; code: JobErrorCode; message: string } | null;
  cancelRequestedAt: number | null;
  /** Terminal status reached (the process may still be exiting). */
  settled: boolean;
  watchdog: ReturnType<typeof setTimeout> | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  lingerTimer: ReturnType<typeof setTimeout> | null;
  lastLog: string[];
  stderrTail: string;
  partial: { stdout: string; stderr: string };
  log: JobLog | null;
  exited: Promise<void>;
  markExited: () => void;
}

export class SupervisorClosedError extends Error {
  override name = 'SupervisorClosedError';
}

export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
  constructor(readonly jobId: string) {
    super(`no job '${jobId}' in this session`);
  }
}

export class JobSupervisor {
  private readonly host: WorkerHost;
  private concurrency: number;
  private readonly cancelGraceMs: number;
  private readonly watchdogMs: number;
  private readonly startTimeoutMs: number;
  private readonly logFileFor: (jobId: string, kind: string) => string | null;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly running = new Set<Job>();
  private readonly updateListeners = new Set<(job: JobInfo) => void>();
  private readonly logListeners = new Set<(jobId: string, line: string) => void>();
  private closed = false;

  constructor(options: SupervisorOptions) {
    this.host = options.host;
    this.concurrency = checkedConcurrency(options.concurrency ?? defaultConcurrency());
    this.cancelGraceMs = options.cancelGraceMs ?? 5000;
    this.watchdogMs = options.watchdogMs ?? 30_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.logFileFor = options.logFileFor ?? (() => null);
  }

  /** Queues a job; it starts as soon as a slot is free. Throws SupervisorClosedError after shutdown(). */
  submit(request: JobRequest): JobInfo {
    if (this.closed) throw new SupervisorClosedError('the job supervisor has shut down: no new jobs');
    const id = randomUUID();
    let exitedResolve!: () => void;
    const job: Job = {
      info: {
        id,
        kind: request.kind,
        label: request.label ?? request.kind,
        status: 'queued',
        progress: null,
        result: null,
        error: null,
        submittedAt: new Date().toISOString(),
        startedAt: null,
        endedAt: null,
        logFile:
          request.logFile !== undefined
            ? request.logFile
            : (request.logFileFor ?? this.logFileFor)(id, request.kind),
        pid: null,
      },
      params: request.params,
      worker: null,
      alive: false,
      spoke: false,
      killedFor: null,
      killReport: null,
      cancelRequestedAt: null,
      settled: false,
      watchdog: null,
      graceTimer: null,
      lingerTimer: null,
      lastLog: [],
      stderrTail: '',
      partial: { stdout: '', stderr: '' },
      log: null,
      exited: new Promise<void>((resolve) => (exitedResolve = resolve)),
      markExited: () => exitedResolve(),
    };
    this.jobs.set(id, job);
    this.queue.push(job);
    this.emit(job);
    this.pump();
    return snapshot(job.info);
  }

  /** Every job of this session, in submission order. */
  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => snapshot(j.info));
  }

  get(id: string): JobInfo | undefined {
    const job = this.jobs.get(id);
    return job && snapshot(job.info);
  }

  /**
   * Cancels a job: a queued one is removed at once; a running one is asked to stop and killed if
   * it has not within cancelGraceMs (a second cancel kills it at once); a finished one stays as it
   * is. Returns the job's state right after the request; throws UnknownJobError for an unknown id.
   */
  cancel(id: string): JobInfo {
    const job = this.jobs.get(id);
    if (!job) throw new UnknownJobError(id);
    this.requestCancel(job);
    return snapshot(job.info);
  }

  private requestCancel(job: Job): void {
    if (job.settled) return;
    if (job.info.status === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      job.markExited();
      this.settle(job, 'cancelled', null, failure(job, 'cancelled', 'cancelled before it started'));
      return;
    }
    const worker = job.worker;
    if (!worker) return;
    if (job.cancelRequestedAt !== null) {
      const waited = seconds(performance.now() - job.cancelRequestedAt);
      this.kill(job, 'cancel', {
        status: 'cancelled',
        code: 'cancelled',
        message: `cancelled (killed after ${waited} s)`,
      });
      return;
    }
    job.cancelRequestedAt = performance.now();
    this.note(job, 'cancel requested');
    worker.send({ type: 'cancel' });
    job.graceTimer = setTimeout(
      () =>
        this.kill(job, 'cancel', {
          status: 'cancelled',
          code: 'cancelled',
          message: `cancelled (killed after ${seconds(this.cancelGraceMs)} s)`,
        }),
      this.cancelGraceMs,
    );
  }

  /** Hears every change of a job's state or progress; returns the function that stops listening. */
  onUpdate(listener: (job: JobInfo) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /** Hears every log line of every job as it arrives (job log, then stdout/stderr as "[stderr] …"). */
  onLog(listener: (jobId: string, line: string) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Changes how many jobs run at once (a setting); running jobs are not interrupted. */
  setConcurrency(concurrency: number): void {
    this.concurrency = checkedConcurrency(concurrency);
    this.pump();
  }

  /**
   * Refuses new jobs, cancels the queued ones, cancels the running ones (killed after the grace
   * time) and resolves when every worker process has ended.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const job of [...this.queue]) this.requestCancel(job);
    for (const job of [...this.running]) if (job.cancelRequestedAt === null) this.requestCancel(job);
    await Promise.all([...this.jobs.values()].map((j) => j.exited));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      this.start(this.queue.shift()!);
    }
  }

  private start(job: Job): void {
    const { info } = job;
    this.running.add(job);
    info.status = 'running';
    info.startedAt = new Date().toISOString();
    if (info.logFile !== null)
      job.log = new JobLog(info.logFile, (problem) => this.keep(job, `[spinscope] ${problem}`));
    let worker: WorkerHandle;
    try {
      worker = this.host.fork({ id: info.id, kind: info.kind });
    } catch (e) {
      job.markExited();
      this.settle(
        job,
        'failed',
        null,
        failure(
          job,
          'launch-failed',
          `the worker could not be started: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return;
    }
    job.worker = worker;
    job.alive = true;
    info.pid = worker.pid ?? null;
    this.note(job, `job ${info.id} (${info.kind}) started in worker process ${worker.pid ?? '?'}`);
    worker.onMessage((m) => this.received(job, m));
    worker.onOutput?.((stream, text) => this.output(job, stream, text));
    worker.onExit((code, signal, hint) => this.exited(job, code, signal, hint));
    job.watchdog = setTimeout(
      () =>
        this.kill(job, 'watchdog', {
          status: 'failed',
          code: 'launch-failed',
          message: `the worker did not start within ${seconds(this.startTimeoutMs)} s and was stopped`,
        }),
      this.startTimeoutMs,
    );
    worker.send({ type: 'start', jobId: info.id, kind: info.kind, params: job.params });
    this.emit(job);
  }

  private received(job: Job, raw: unknown): void {
    if (!job.spoke) {
      job.spoke = true;
      if (job.watchdog !== null && !job.settled) {
        clearTimeout(job.watchdog);
        job.watchdog = setTimeout(
          () =>
            this.kill(job, 'watchdog', {
              status: 'failed',
              code: 'unresponsive',
              message: `the worker stopped responding for ${seconds(this.watchdogMs)} s and was stopped`,
            }),
          this.watchdogMs,
        );
      }
    } else job.watchdog?.refresh();
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.note(job, `ignored a malformed message from the worker (${describeIssues(parsed.error)})`);
      return;
    }
    const message: WorkerMessage = parsed.data;
    switch (message.type) {
      case 'heartbeat':
        return;
      case 'log':
        this.logLine(job, message.line);
        return;
      case 'progress':
        if (job.settled) return;
        job.info.progress = {
          fraction: message.fraction,
          message: message.message,
          etaSeconds: message.etaSeconds,
        };
        this.emit(job);
        return;
      case 'result':
        this.settle(job, 'completed', message.value, null);
        return;
      case 'error':
        this.settle(
          job,
          message.code === 'cancelled' ? 'cancelled' : 'failed',
          null,
          failure(job, message.code, message.message),
        );
    }
  }

  private output(job: Job, stream: 'stdout' | 'stderr', text: string): void {
    if (stream === 'stderr') job.stderrTail = (job.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (job.partial[stream] + text).split(/\r?\n/);
    job.partial[stream] = lines.pop()!;
    if (job.partial[stream].length > MAX_LINE_CHARS) {
      lines.push(job.partial[stream]);
      job.partial[stream] = '';
    }
    for (const line of lines) this.outputLine(job, stream, line);
  }

  private outputLine(job: Job, stream: 'stdout' | 'stderr', line: string): void {
    if (line.trim() === '') return;
    const text = `[${stream}] ${line}`;
    job.log?.write(text);
    if (!NATIVE_FRAME.test(line)) this.keep(job, text);
    for (const l of this.logListeners) guard(() => l(job.info.id, text));
  }

  private logLine(job: Job, line: string): void {
    job.log?.write(line);
    this.keep(job, line);
    for (const l of this.logListeners) guard(() => l(job.info.id, line));
  }

  /** Into the ring of last log lines. */
  private keep(job: Job, line: string): void {
    job.lastLog.push(line);
    if (job.lastLog.length > LAST_LOG_LINES) job.lastLog.shift();
  }

  /** The supervisor's own line in the job's log file. */
  private note(job: Job, line: string): void {
    job.log?.write(`[spinscope] ${line}`);
  }

  private kill(job: Job, reason: 'cancel' | 'watchdog' | 'linger', report: Job['killReport'] = null): void {
    if (!job.worker || !job.alive || job.killedFor !== null) return;
    job.killedFor = reason;
    job.killReport = report;
    this.clearTimers(job);
    const what = { cancel: 'cancelled job', watchdog: 'unresponsive worker', linger: 'lingering worker' }[
      reason
    ];
    this.note(job, `killing the ${what} (SIGKILL)`);
    try {
      job.worker.kill('SIGKILL');
    } catch (e) {
      this.note(job, `kill failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private exited(job: Job, code: number | null, signal: string | null, hint: ExitHint | undefined): void {
    job.alive = false;
    this.clearTimers(job);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (job.partial[stream] !== '') this.outputLine(job, stream, job.partial[stream]);
      job.partial[stream] = '';
    }
    if (!job.settled) {
      const report =
        job.killReport ?? describeExit({ code, signal, stderr: job.stderrTail, spoke: job.spoke, hint });
      const status = job.killReport?.status ?? 'failed';
      this.settle(job, status, null, {
        ...failure(job, report.code, report.message),
        exitCode: code,
        signal,
      });
    }
    this.note(job, `worker exited (${signal ?? `code ${code}`})`);
    job.log?.close();
    job.markExited();
  }

  private settle(
    job: Job,
    status: 'completed' | 'failed' | 'cancelled',
    result: unknown,
    error: JobFailure | null,
  ): void {
    if (job.settled) return;
    job.settled = true;
    const { info } = job;
    info.status = status;
    info.result = result;
    info.error = error;
    info.endedAt = new Date().toISOString();
    if (status === 'completed' && info.progress)
      info.progress = { ...info.progress, fraction: 1, etaSeconds: 0 };
    this.note(job, status === 'completed' ? 'completed' : `${status}: ${error?.message ?? ''}`);
    this.clearTimers(job);
    if (job.alive && !job.killedFor) {
      // The worker exits by itself right after its last message; one that lingers is stopped.
      job.lingerTimer = setTimeout(() => this.kill(job, 'linger'), EXIT_AFTER_RESULT_MS);
    }
    if (!job.worker) job.log?.close(); // no process: nothing more will be written
    this.running.delete(job);
    this.emit(job);
    this.pump();
  }

  private clearTimers(job: Job): void {
    for (const t of [job.watchdog, job.graceTimer, job.lingerTimer]) if (t !== null) clearTimeout(t);
    job.watchdog = job.graceTimer = job.lingerTimer = null;
  }

  private emit(job: Job): void {
    const info = snapshot(job.info);
    for (const l of this.updateListeners) guard(() => l(info));
  }
}

function failure(job: Job, code: JobErrorCode, message: string): JobFailure {
  return { code, message, exitCode: null, signal: null, lastLog: [...job.lastLog] };
}

function snapshot(info: JobInfo): JobInfo {
  return {
    ...info,
    progress: info.progress && { ...info.progress },
    error: info.error && { ...info.error, lastLog: [...info.error.lastLog] },
  };
}

function checkedConcurrency(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${n}`);
  return n;
}

/** Milliseconds as seconds for messages: "5", "0.5", "2.3". */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** A listener that throws must not break the supervisor or the other listeners. */
function guard(f: () => void): void {
  try {
    f();
  } catch (e) {
    console.error('job supervisor: a listener threw', e);
  }
}
