/**
 * Worker processes by child_process.fork, for plain Node: the CLI, the serve mode and the tests.
 * Each worker runs src-main/workers/entry.mjs (tsx + worker.ts, no build step), speaks the
 * protocol over the IPC channel with structured-clone serialization (as Electron's utilityProcess
 * does), and has its stdout/stderr piped so the supervisor can log them and read how it died.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExitHint } from './exitReason.ts';
import type { WorkerHandle, WorkerHost } from './supervisor.ts';

export const WORKER_ENTRY = fileURLToPath(new URL('../workers/entry.mjs', import.meta.url));

export interface ForkHostOptions {
  /** The worker script (default WORKER_ENTRY). */
  entry?: string;
  /**
   * Node options of the worker, e.g. ['--max-old-space-size=4096'] (default none: the parent's own
   * flags, such as a test runner's loaders, are not passed on).
   */
  execArgv?: string[];
  /** The worker's environment (default process.env). SPINSCOPE_TEST_JOBS=1 enables the test kinds. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function createForkHost(options: ForkHostOptions = {}): WorkerHost {
  return { fork: () => forkWorker(options) };
}

function forkWorker(options: ForkHostOptions): WorkerHandle {
  const child = fork(options.entry ?? WORKER_ENTRY, [], {
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const exitListeners: ((code: number | null, signal: string | null, hint?: ExitHint) => void)[] = [];
  const outputListeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
  let ended = false;
  const end = (code: number | null, signal: string | null): void => {
    if (ended) return;
    ended = true;
    for (const l of exitListeners) l(code, signal);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (text: string) => {
      for (const l of outputListeners) l(stream, text);
    });
  }
  // 'close' rather than 'exit': it comes after the last stdout/stderr data, so nothing is lost.
  child.on('close', (code, signal) => end(code, signal));
  child.on('error', (err) => {
    // Also emitted when a message cannot be sent or a kill fails; only a failed spawn ends the worker.
    if (child.pid === undefined) {
      for (const l of outputListeners) l('stderr', `could not start the worker process: ${err.message}\n`);
      end(null, null);
    }
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      // With a callback, a closed channel is reported there instead of as an 'error' event; the
      // exit that follows tells the supervisor everything it needs.
      if (child.connected) child.send(message, () => undefined);
    },
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void exitListeners.push(listener),
    onOutput: (listener) => void outputListeners.push(listener),
    kill: (signal = 'SIGKILL') => void child.kill(signal),
  };
}
