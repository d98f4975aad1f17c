/**
 * The backend's jobs (training, imports, analyses): listed once, then kept live by the jobs.update
 * events, which carry the whole JobDto. Replies to commands (runs.create, runs.resume, cancel) may
 * arrive after newer events for the same job, so a reply never overwrites a job already known,
 * except to record that it has ended. A job's target, once known, is kept: the first event of a
 * job can come before the backend has recorded what the job works on.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { JobDto, JobStatus } from '../../../src-main/api/contract.ts';
import { EVENTS } from '../../../src-main/api/methods.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';

const ENDED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export function jobEnded(job: Pick<JobDto, 'status'>): boolean {
  return ENDED.includes(job.status);
}

function isJobDto(x: unknown): x is JobDto {
  const j = x as Partial<JobDto> | null;
  return typeof j?.id === 'string' && typeof j.status === 'string' && typeof j.kind === 'string';
}

export const useJobsStore = defineStore('jobs', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const byId = ref<Record<string, JobDto>>({});
  /** Listeners told of every job update (the project and runs stores refresh on them). */
  const updateListeners = new Set<(job: JobDto) => void>();

  /** Newest first. */
  const all = computed(() =>
    Object.values(byId.value).sort((a, b) =>
      a.submittedAt < b.submittedAt ? 1 : a.submittedAt > b.submittedAt ? -1 : 0,
    ),
  );
  const active = computed(() => all.value.filter((j) => !jobEnded(j)));

  function store(job: JobDto): void {
    const target = job.target ?? byId.value[job.id]?.target ?? null;
    const stored = target === job.target ? job : { ...job, target };
    byId.value[job.id] = stored;
    for (const l of updateListeners) l(stored);
  }

  function fromEvent(job: JobDto): void {
    store(job);
  }

  function fromReply(job: JobDto): void {
    const known = byId.value[job.id];
    if (known && (jobEnded(known) || !jobEnded(job))) {
      if (!known.target && job.target) byId.value[job.id] = { ...known, target: job.target };
      return;
    }
    store(job);
  }

  async function load(): Promise<void> {
    const list = await errors.attempt('List jobs', () => api['jobs.list']({}));
    if (!list) return;
    const next: Record<string, JobDto> = {};
    for (const j of list) next[j.id] = j;
    byId.value = next;
  }

  async function cancel(jobId: string): Promise<void> {
    const job = await errors.attempt('Cancel job', () => api['jobs.cancel']({ jobId }));
    if (job) fromReply(job);
  }

  /** The newest job of `kind` on `runId` (and on that checkpoint, if given). */
  function newestOf(kind: string, runId: string, checkpoint?: number): JobDto | null {
    return (
      all.value.find(
        (j) =>
          j.kind === kind &&
          j.target?.runId === runId &&
          (checkpoint === undefined || j.target.checkpoint === checkpoint),
      ) ?? null
    );
  }

  /**
   * Calls `onEnd` when a job of `kind` on the run `runId()` ends (its results are then on disk);
   * unsubscribed with the calling scope.
   */
  function onJobEnd(kind: string, runId: () => string | null, onEnd: (job: JobDto) => void): void {
    const off = onUpdate((job) => {
      if (job.kind === kind && jobEnded(job) && job.target?.runId && job.target.runId === runId()) onEnd(job);
    });
    onScopeDispose(off);
  }

  /** Subscribes `listener` to job updates; returns the unsubscribe function. */
  function onUpdate(listener: (job: JobDto) => void): () => void {
    updateListeners.add(listener);
    return () => updateListeners.delete(listener);
  }

  const unsubscribe = api.on(EVENTS.jobUpdate, (payload) => {
    if (isJobDto(payload)) fromEvent(payload);
  });
  onScopeDispose(unsubscribe);

  return { byId, all, active, load, cancel, fromReply, onUpdate, newestOf, onJobEnd };
});
