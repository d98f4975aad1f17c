/**
 * Who runs the pipeline's jobs (contract 2): worker processes through the job supervisor (the CLI
 * and the app), or this process (tests, or one job at a time). Either way a job is its kind and
 * parameters in, progress out, its result or an error back, and a cancel through the signal.
 */
import type { JobInfo, JobSupervisor } from '../../jobs/supervisor.ts';
import type { JobProgress } from '../jobs/job.ts';
import { runJob, type JobKindName } from '../jobs/registry.ts';
import { CancelledError } from '../util/cancel.ts';

export interface JobRunner {
  /** Jobs that may run at once (the pipeline never submits more). */
  concurrency: number;
  run(
    kind: JobKindName,
    params: unknown,
    opts: { label?: string; signal?: AbortSignal; progress?: (p: JobProgress) => void },
  ): Promise<unknown>;
}

/** Jobs in this process, one at a time. */
export function inProcessRunner(): JobRunner {
  return {
    concurrency: 1,
    run: (kind, params, { signal, progress }) => runJob(kind, params, { signal, progress }),
  };
}

/** Jobs in worker processes started by `supervisor`; a cancel asks the worker to stop (training saves its resume point). */
export function supervisedRunner(supervisor: JobSupervisor, concurrency: number): JobRunner {
  return {
    concurrency,
    run: (kind, params, { label, signal, progress }) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError(`${label ?? kind} cancelled`));
        let id: string | null = null;
        const abort = (): void => {
          if (id !== null) supervisor.cancel(id);
        };
        const update = (job: JobInfo): void => {
          if (job.id !== id) return;
          if (job.status === 'running' && job.progress) progress?.(job.progress);
          if (job.status === 'queued' || job.status === 'running') return;
          unsubscribe();
          signal?.removeEventListener('abort', abort);
          if (job.status === 'completed') resolve(job.result);
          else if (job.status === 'cancelled') reject(new CancelledError(`${label ?? kind} cancelled`));
          else {
            const tail = job.error?.lastLog.slice(-3).join(' | ');
            reject(
              new Error(
                `${label ?? kind} failed: ${job.error?.message ?? job.status}${tail ? ` (${tail})` : ''}`,
              ),
            );
          }
        };
        const unsubscribe = supervisor.onUpdate(update);
        signal?.addEventListener('abort', abort);
        const info = supervisor.submit({ kind, params, label });
        id = info.id;
        update(info);
      }),
  };
}

/** Runs `tasks` with at most `limit` at once; the first failure is thrown after the running ones end. */
export async function runPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < tasks.length) {
      const i = next++;
      try {
        results[i] = await tasks[i]();
      } catch (e) {
        // A cancel is reported over a failure: it is what the user asked for.
        if (failure === null || (e as Error).name === 'CancelledError') failure = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  if (failure !== null) throw failure;
  return results;
}
