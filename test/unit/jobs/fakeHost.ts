/**
 * A WorkerHost without processes, for the supervisor's unit tests: each fork gives a FakeWorker
 * that records what the supervisor sends and lets the test speak, write stderr and exit for it.
 */
import type { ExitHint, WorkerHandle, WorkerHost } from '../../../src-main/jobs/supervisor.ts';
import type { ToWorkerMessage, WorkerMessage } from '../../../src-main/workers/protocol.ts';

export class FakeWorker implements WorkerHandle {
  readonly sent: ToWorkerMessage[] = [];
  readonly kills: string[] = [];
  exited = false;
  /** When false, kill() is recorded but the process "survives" (the test exits it by hand). */
  diesOnKill = true;
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((code: number | null, signal: string | null, hint?: ExitHint) => void)[] = [];
  private outputListeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];

  constructor(
    readonly job: { id: string; kind: string },
    readonly pid: number,
  ) {}

  send(message: ToWorkerMessage): void {
    this.sent.push(message);
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (code: number | null, signal: string | null, hint?: ExitHint) => void): void {
    this.exitListeners.push(listener);
  }
  onOutput(listener: (stream: 'stdout' | 'stderr', text: string) => void): void {
    this.outputListeners.push(listener);
  }
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.kills.push(signal);
    if (this.diesOnKill) this.exit(null, signal);
  }

  /** The worker says something (anything: the supervisor must validate). */
  say(message: WorkerMessage | Record<string, unknown>): void {
    for (const l of this.messageListeners) l(message);
  }
  stderr(text: string): void {
    for (const l of this.outputListeners) l('stderr', text);
  }
  exit(code: number | null, signal: string | null = null, hint?: ExitHint): void {
    if (this.exited) return;
    this.exited = true;
    for (const l of this.exitListeners) l(code, signal, hint);
  }
  /** Reports a result and exits 0, as a real worker does. */
  finish(value: unknown): void {
    this.say({ type: 'result', value });
    this.exit(0);
  }
}

export class FakeHost implements WorkerHost {
  readonly workers: FakeWorker[] = [];
  /** Makes the next fork throw this. */
  failNext: Error | null = null;

  fork(job: { id: string; kind: string }): FakeWorker {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    const w = new FakeWorker(job, 1000 + this.workers.length);
    this.workers.push(w);
    return w;
  }

  /** The worker running the job with this id. */
  of(jobId: string): FakeWorker {
    const w = this.workers.find((x) => x.job.id === jobId);
    if (!w) throw new Error(`no worker for job ${jobId}`);
    return w;
  }
}
