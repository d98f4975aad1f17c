/**
 * Training runs: the commands on them (create, cancel, resume, delete) and the selected run, whose
 * metrics and checkpoints (runs.metrics) are reloaded while its job runs — at most once a second —
 * and once more when the job ends.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, watch } from 'vue';
import type { JobDto, MetricsDto, RunDto } from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useProjectStore } from './project.ts';

/** Minimum time between two metrics reloads caused by job progress. */
export const METRICS_REFRESH_MS = 1000;

/** The options of runs.create (core/train/config.ts keys). */
export type TrainOptions = Record<string, string | number | boolean | null | number[]>;

export const useRunsStore = defineStore('runs', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const project = useProjectStore();

  const selectedId = ref<string | null>(null);
  const metrics = ref<MetricsDto | null>(null);
  const metricsLoading = ref(false);

  const selected = computed<RunDto | null>(() => project.runs.find((r) => r.id === selectedId.value) ?? null);

  /** The newest job that trains `runId` (a resumed run has several; sweeps and spectra are not training). */
  function jobFor(runId: string): JobDto | null {
    return jobs.newestOf('train', runId);
  }

  async function loadMetrics(): Promise<void> {
    const runId = selectedId.value;
    // A run just created is not listed until its worker writes run.json: nothing to read yet.
    if (!runId || !project.current?.runs.some((r) => r.id === runId)) return;
    metricsLoading.value = true;
    try {
      const m = await errors.attempt(`Load metrics of ${runId}`, () => api['runs.metrics']({ runId }));
      // The selection may have changed while the request was out.
      if (m && selectedId.value === runId) metrics.value = m;
    } finally {
      metricsLoading.value = false;
    }
  }

  async function select(runId: string | null): Promise<void> {
    if (runId === selectedId.value) return;
    selectedId.value = runId;
    metrics.value = null;
    await loadMetrics();
  }

  // A run created here has no metrics to read until the backend lists it.
  const selectedListed = computed(
    () =>
      selectedId.value !== null && (project.current?.runs.some((r) => r.id === selectedId.value) ?? false),
  );
  watch(selectedListed, (listed) => {
    if (listed && !metrics.value) void loadMetrics();
  });

  // A deleted run, or a closed project, takes the selection with it.
  watch(
    () => project.current?.dir,
    () => void select(null),
  );

  async function create(config: TrainOptions, name?: string): Promise<RunDto | null> {
    const created = await errors.attempt('Start training', () =>
      api['runs.create']({ config, ...(name ? { name } : {}) }),
    );
    if (!created) return null;
    jobs.fromReply(created.job);
    project.addPendingRun(created.run, created.job.id);
    await select(created.run.id);
    return created.run;
  }

  async function cancel(runId: string): Promise<void> {
    const job = await errors.attempt(`Cancel ${runId}`, () => api['runs.cancel']({ runId }));
    if (job) jobs.fromReply(job);
  }

  async function resume(runId: string): Promise<void> {
    const job = await errors.attempt(`Resume ${runId}`, () => api['runs.resume']({ runId }));
    if (!job) return;
    jobs.fromReply(job);
    await project.refresh();
  }

  async function remove(runId: string): Promise<boolean> {
    const ok = await errors.attempt(`Delete ${runId}`, async () => {
      await api['runs.delete']({ runId });
      return true;
    });
    if (!ok) return false;
    if (selectedId.value === runId) await select(null);
    await project.refresh();
    return true;
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  const offJobs = jobs.onUpdate((job) => {
    if (!selectedId.value || job.target?.runId !== selectedId.value) return;
    if (jobEnded(job)) {
      void loadMetrics();
    } else if (!timer) {
      timer = setTimeout(
        () => {
          timer = null;
          last = Date.now();
          void loadMetrics();
        },
        Math.max(0, last + METRICS_REFRESH_MS - Date.now()),
      );
    }
  });
  onScopeDispose(() => {
    offJobs();
    if (timer) clearTimeout(timer);
  });

  return {
    selectedId,
    selected,
    selectedListed,
    metrics,
    metricsLoading,
    jobFor,
    select,
    loadMetrics,
    create,
    cancel,
    resume,
    remove,
  };
});
