/**
 * The worker's one line to its supervisor, whichever way the process was started (architecture.md,
 * process model): Electron's utilityProcess.fork gives the child `process.parentPort`;
 * child_process.fork (CLI, serve mode, tests) gives it `process.send` and `process.on('message')`.
 * Everything above this file is identical in both cases.
 *
 * Electron is never imported here: `parentPort` is typed by the little of it we use.
 */
import type { WorkerMessage } from './protocol.ts';

export interface WorkerPort {
  send(message: WorkerMessage): void;
  /** Every message from the supervisor, unvalidated (the worker validates it). */
  onMessage(listener: (message: unknown) => void): void;
  /** Resolves once every message sent so far has left this process: call before exiting. */
  flush(): Promise<void>;
}

/** The part of Electron's `process.parentPort` (a MessagePortMain) the worker uses. */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The part of a Node process the port needs; `process` itself in a worker, a fake in tests. */
export interface WorkerProcessLike {
  parentPort?: ParentPortLike;
  send?: (
    message: unknown,
    sendHandle?: undefined,
    options?: object,
    callback?: (error: Error | null) => void,
  ) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
  exit(code?: number): void;
}

/**
 * Electron's MessagePortMain.postMessage hands the message to another thread and gives no
 * completion callback; this grace before exiting lets it leave.
 */
const PARENT_PORT_FLUSH_MS = 100;

/** Exit code of a worker whose supervisor went away (nobody is left to report to). */
export const ORPHAN_EXIT_CODE = 3;

export class NoSupervisorError extends Error {
  override name = 'NoSupervisorError';
}

/** The port of this process; throws NoSupervisorError when it was started without one (e.g. by hand). */
export function createWorkerPort(
  proc: WorkerProcessLike = process as unknown as WorkerProcessLike,
): WorkerPort {
  const parentPort = proc.parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => void parentPort.on('message', (event) => listener(event.data)),
      flush: () => new Promise((resolve) => setTimeout(resolve, PARENT_PORT_FLUSH_MS)),
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    // A worker whose supervisor died would otherwise compute for nobody.
    proc.once('disconnect', () => proc.exit(ORPHAN_EXIT_CODE));
    // The callback of process.send runs once the message is written to the channel (or failed:
    // then the supervisor is gone and the 'disconnect' handler ends this process).
    let outstanding = 0;
    const drained: (() => void)[] = [];
    return {
      send(message) {
        const settle = (): void => {
          outstanding--;
          if (outstanding === 0) for (const resolve of drained.splice(0)) resolve();
        };
        outstanding++;
        try {
          send(message, undefined, {}, settle);
        } catch (e) {
          settle(); // a message that cannot be serialized throws here and is never sent
          throw e;
        }
      },
      onMessage: (listener) => void proc.on('message', listener),
      flush: () => (outstanding === 0 ? Promise.resolve() : new Promise((resolve) => drained.push(resolve))),
    };
  }
  throw new NoSupervisorError(
    'this is a Spinscope job worker: it runs when started by the job supervisor (utilityProcess.fork or child_process.fork), not on its own',
  );
}
