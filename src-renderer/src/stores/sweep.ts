/**
 * The selected run's sweep (runs.sweepReport): T_c(t) of every checkpoint and the power law
 * T_c ∝ t^a. The fit window is the user's: moving it re-fits here with core/sweep's own
 * least-squares fit (fitPowerLaw, the function behind `spinscope sweep`), so the exponent shown
 * is the one the CLI prints for that window. Reloaded when a sweep job of the run ends.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { JobDto, SweepReportDto } from '../../../src-main/api/contract.ts';
import { fitPowerLaw, type FitWindow, type PowerLawResult } from '../../../src-main/core/sweep/powerLaw.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useRunsStore } from './runs.ts';

export const useSweepStore = defineStore('sweep', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const runs = useRunsStore();

  const report = ref<SweepReportDto | null>(null);
  /** The run the report belongs to (null before the first load). */
  const loadedFor = ref<string | null>(null);
  const loading = ref(false);
  /** Indices into `fitSteps` of the first and last checkpoint fitted; null: every one. */
  const windowIndex = ref<[number, number] | null>(null);

  const points = computed(() =>
    (report.value?.checkpoints ?? []).map((c) => ({
      step: c.step,
      tc: c.tc,
      phase: c.phase as 'glass' | 'ordered',
    })),
  );
  /** Steps a fit can use (t > 0), ascending. */
  const fitSteps = computed(() =>
    points.value
      .map((p) => p.step)
      .filter((s) => s > 0)
      .sort((a, b) => a - b),
  );
  const window = computed<FitWindow>(() => {
    const w = windowIndex.value;
    const steps = fitSteps.value;
    if (!w || steps.length === 0) return { kind: 'all' };
    return { kind: 'steps', from: steps[w[0]], to: steps[w[1]] };
  });
  const result = computed<PowerLawResult | null>(() =>
    points.value.length ? fitPowerLaw(points.value, window.value) : null,
  );
  const fit = computed(() => result.value?.fit ?? null);

  const job = computed<JobDto | null>(() =>
    runs.selectedId ? jobs.newestOf('sweep', runs.selectedId) : null,
  );
  const running = computed(() => job.value !== null && !jobEnded(job.value));

  async function load(): Promise<void> {
    const runId = runs.selectedId;
    // A run just created is not listed until its worker writes run.json: nothing to read yet.
    if (!runId || !runs.selectedListed) {
      report.value = null;
      loadedFor.value = null;
      return;
    }
    loading.value = true;
    try {
      const r = await errors.attempt(`Load the sweep of ${runId}`, () => api['runs.sweepReport']({ runId }));
      if (runs.selectedId !== runId || r === undefined) return;
      if (loadedFor.value !== runId) windowIndex.value = null;
      report.value = r;
      loadedFor.value = runId;
      clampWindow();
    } finally {
      loading.value = false;
    }
  }

  /** Fits from the `from`-th to the `to`-th checkpoint of fitSteps (either order). */
  function setWindow(from: number, to: number): void {
    const n = fitSteps.value.length;
    if (n === 0) return;
    const a = Math.max(0, Math.min(n - 1, Math.round(Math.min(from, to))));
    const b = Math.max(0, Math.min(n - 1, Math.round(Math.max(from, to))));
    windowIndex.value = a === 0 && b === n - 1 ? null : [a, b];
  }

  function resetWindow(): void {
    windowIndex.value = null;
  }

  function clampWindow(): void {
    const w = windowIndex.value;
    if (w) setWindow(w[0], w[1]);
  }

  /** Starts `spinscope sweep` on the selected run as a job. */
  async function start(): Promise<void> {
    const runId = runs.selectedId;
    if (!runId) return;
    const started = await errors.attempt(`Sweep ${runId}`, () => api['runs.sweep']({ runId }));
    if (started) jobs.fromReply(started);
  }

  watch(
    () => (runs.selectedListed ? runs.selectedId : null),
    () => void load(),
    { immediate: true },
  );
  jobs.onJobEnd(
    'sweep',
    () => runs.selectedId,
    () => void load(),
  );

  return {
    report,
    loading,
    points,
    fitSteps,
    windowIndex,
    window,
    result,
    fit,
    job,
    running,
    load,
    setWindow,
    resetWindow,
    start,
  };
});
