/**
 * What a run's status is right now, from the run (run.json, as listed by the backend) and its
 * newest job: run.json says "running" from the start of training until it ends, so a run whose
 * job has ended (or that no job trains, after a crash) must be read together with the job.
 */
import type { JobDto, RunDto } from '../../src-main/api/contract.ts';

export type RunDisplayStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';

export function runDisplayStatus(run: RunDto, newestJob: JobDto | null): RunDisplayStatus {
  if (newestJob && (newestJob.status === 'queued' || newestJob.status === 'running')) return newestJob.status;
  // The backend names a job that trains it that we have not heard of yet.
  if (run.jobId && run.jobId !== newestJob?.id) return 'running';
  if (run.status === 'running') {
    if (newestJob) return newestJob.status;
    return 'interrupted';
  }
  return run.status;
}

export function isActive(s: RunDisplayStatus): boolean {
  return s === 'queued' || s === 'running';
}

export function canResume(s: RunDisplayStatus): boolean {
  return s === 'cancelled' || s === 'failed' || s === 'interrupted';
}
