/**
 * Who analyses the checkpoints of a sweep. Both run the `analyze` job kind (core/jobs/registry.ts),
 * so a report is the same whichever does the work, bit for bit:
 *   - inProcessAnalyzer: one after the other in this process (no start-up cost; `--jobs 1`);
 *   - supervisedAnalyzer: each checkpoint a job in a worker process of the JobSupervisor
 *     (src-main/jobs/), as many at once as its concurrency allows.
 * The sweep (sweep.ts) does not care which; tests pass fakes.
 */
import type { JobInfo, JobSupervisor } from '../../jobs/supervisor.ts';
import { runJob, type AnalyzeBatchResult, type AnalyzeJobParams } from '../jobs/registry.ts';
import type { AnalysisReport } from '../spin/analysis.ts';
import { CancelledError } from '../util/cancel.ts';

/** The `analyze` job kind's options (tMin is a temperature T). */
export type AnalyzeOptions = NonNullable<AnalyzeJobParams['options']>;

/** Models to analyse with the same options; results are told by index into `models`. */
export interface AnalyzeRequest {
  /** Absolute paths of ONNX files. */
  models: readonly string[];
  options: AnalyzeOptions;
}

export type AnalyzeOutcome =
  { report: AnalysisReport; error?: undefined } | { report?: undefined; error: string };

export interface AnalyzerCallbacks {
  /** Aborting stops the work: running analyses are cancelled, the analyzer rejects with a CancelledError. */
  signal?: AbortSignal;
  /** Fraction (0…1) done of models[index]. */
  onProgress?(index: number, fraction: number): void;
  /** models[index] is done; called at most once per model, in any order (not for models cut short by a cancel). */
  onResult(index: number, outcome: AnalyzeOutcome): void;
}

/** Analyses every model; resolves when each has a result, rejects with a CancelledError when aborted. */
export type CheckpointAnalyzer = (request: AnalyzeRequest, callbacks: AnalyzerCallbacks) => Promise<void>;

function isCancel(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'CancelledError');
}

/** The models one after the other in this process. A cancel is seen between models and at every eigen-solve. */
export function inProcessAnalyzer(): CheckpointAnalyzer {
  return async ({ models, options }, { signal, onProgress, onResult }) => {
    for (let i = 0; i < models.length; i++) {
      if (signal?.aborted) throw new CancelledError('sweep cancelled');
      let outcome: AnalyzeOutcome;
      try {
        const report = (await runJob(
          'analyze',
          { model: models[i], options },
          {
            signal,
            progress: (p) => onProgress?.(i, p.fraction),
          },
        )) as AnalysisReport;
        outcome = { report };
      } catch (e) {
        if (isCancel(e) || signal?.aborted) throw new CancelledError('sweep cancelled');
        outcome = { error: e instanceof Error ? e.message : String(e) };
      }
      onResult(i, outcome);
    }
  };
}

/**
 * How many checkpoints go into one worker: enough batches for every worker to get about three
 * (checkpoints differ in cost, so the work evens out), at most 8 so that results arrive regularly
 * and a cancel throws away little; a worker's start-up and JIT warm-up (~0.7 s) are paid per batch.
 */
export function batchSize(models: number, concurrency: number): number {
  return Math.max(1, Math.min(8, Math.ceil(models / (3 * Math.max(1, concurrency)))));
}

/**
 * The models as `analyze` jobs of `supervisor` with `models` (a batch per job, interleaved:
 * batch b holds models b, b + B, b + 2B, …), all submitted at once; the supervisor's concurrency
 * (pass the same number here) decides how many run. A model that cannot be analysed gets its
 * error; a job that fails as a whole (a crashed or killed worker) is the error of each of its
 * models; the others go on. On abort every job still queued or running is cancelled and the
 * promise rejects once they have all ended.
 */
export function supervisedAnalyzer(
  supervisor: JobSupervisor,
  opts: { concurrency: number },
): CheckpointAnalyzer {
  return ({ models, options }, { signal, onProgress, onResult }) =>
    new Promise<void>((resolve, reject) => {
      if (models.length === 0) return resolve();
      if (signal?.aborted) return reject(new CancelledError('sweep cancelled'));
      const count = Math.ceil(models.length / batchSize(models.length, opts.concurrency));
      const batches: number[][] = Array.from({ length: count }, () => []);
      models.forEach((_, i) => batches[i % count].push(i));
      const jobs = new Map<string, number[]>();
      const ended = new Set<string>();
      let cancelling = false;
      const settle = (): void => {
        if (ended.size < jobs.size || jobs.size < batches.length) return;
        stop();
        if (cancelling) reject(new CancelledError('sweep cancelled'));
        else resolve();
      };
      const update = (job: JobInfo): void => {
        const members = jobs.get(job.id);
        if (members === undefined || ended.has(job.id)) return;
        if (job.status === 'running' && job.progress) {
          const done = job.progress.fraction * members.length;
          members.forEach((i, j) => onProgress?.(i, Math.min(1, Math.max(0, done - j))));
        }
        if (job.status === 'queued' || job.status === 'running') return;
        ended.add(job.id);
        if (job.status === 'completed') {
          // Delivered (and cached) even while cancelling: the work is done.
          const reports = (job.result as AnalyzeBatchResult | null)?.reports;
          members.forEach((i, j) => {
            const r = reports?.[j];
            if (r?.report) onResult(i, { report: r.report });
            else onResult(i, { error: r?.error ?? 'the worker returned no report for this model' });
          });
        } else if (!cancelling) {
          const message = job.error?.message ?? `the analysis ${job.status}`;
          for (const i of members) onResult(i, { error: message });
        }
        settle();
      };
      const abort = (): void => {
        cancelling = true;
        for (const id of jobs.keys()) if (!ended.has(id)) supervisor.cancel(id);
      };
      const unsubscribe = supervisor.onUpdate(update);
      const stop = (): void => {
        unsubscribe();
        signal?.removeEventListener('abort', abort);
      };
      signal?.addEventListener('abort', abort);
      try {
        for (const members of batches) {
          const job = supervisor.submit({
            kind: 'analyze',
            params: { models: members.map((i) => models[i]), options },
            label: `analyze ${members.length} checkpoint${members.length > 1 ? 's' : ''}`,
          });
          jobs.set(job.id, members);
          update(job);
        }
      } catch (e) {
        abort();
        stop();
        reject(e);
        return;
      }
      settle();
    });
}
