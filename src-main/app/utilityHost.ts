/**
 * Job workers as Electron utility processes (utilityProcess.fork of the built worker,
 * out/main/worker.js): the WorkerHost the supervisor needs, mirroring jobs/forkHost.ts. The worker
 * code is the same; its port adapter talks to process.parentPort here.
 */
import { utilityProcess } from 'electron';
import type { ToWorkerMessage } from '../workers/protocol.ts';
import type { WorkerHandle, WorkerHost } from '../jobs/supervisor.ts';

export function createUtilityHost(workerScript: string, execArgv: string[] = []): WorkerHost {
  return {
    fork(job): WorkerHandle {
      const child = utilityProcess.fork(workerScript, [], {
        stdio: 'pipe',
        serviceName: `Spinscope ${job.kind} ${job.id}`,
        execArgv,
      });
      const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
      const outputListeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream]?.setEncoding('utf8');
        child[stream]?.on('data', (text: string) => {
          for (const l of outputListeners) l(stream, text);
        });
      }
      child.on('exit', (code) => {
        for (const l of exitListeners) l(code, null);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message: ToWorkerMessage) {
          child.postMessage(message);
        },
        onMessage: (listener) => void child.on('message', listener),
        onExit: (listener) => void exitListeners.push(listener),
        onOutput: (listener) => void outputListeners.push(listener),
        kill: () => void child.kill(),
      };
    },
  };
}
