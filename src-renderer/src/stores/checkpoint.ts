/**
 * The checkpoint selected in the checkpoint browser, and what is known about it: its λ_min(T)
 * curve with T_c (checkpoints.curve: the sweep cache, else an analysis), its spectrum report
 * (spectra.get) and its Monte Carlo check (montecarlo.get). Missing pieces are computed by jobs
 * started from here (analyses.start, spectra.start, montecarlo.start) and reloaded when those jobs
 * end. Up/down walk through training.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type {
  CheckpointDto,
  JobDto,
  LambdaCurveDto,
  MonteCarloDto,
  SpectrumDto,
} from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useRunsStore } from './runs.ts';

export const useCheckpointStore = defineStore('checkpoint', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const runs = useRunsStore();

  const step = ref<number | null>(null);
  const curve = ref<LambdaCurveDto | null>(null);
  const spectrum = ref<SpectrumDto | null>(null);
  const montecarlo = ref<MonteCarloDto | null>(null);
  const loading = ref(false);

  const checkpoints = computed<CheckpointDto[]>(
    () => runs.metrics?.checkpoints ?? runs.selected?.checkpoints ?? [],
  );
  const selected = computed(() => checkpoints.value.find((c) => c.step === step.value) ?? null);

  const activeJob = (kind: string): JobDto | null => {
    if (!runs.selectedId || step.value === null) return null;
    const j = jobs.newestOf(kind, runs.selectedId, step.value);
    return j && !jobEnded(j) ? j : null;
  };
  const spectrumJob = computed(() => activeJob('spectrum'));
  const analysisJob = computed(() => activeJob('analyze'));
  const montecarloJob = computed(() => activeJob('montecarlo'));
  /** The newest failed job on this checkpoint, if it failed after the last load. */
  const failedJob = computed(() => {
    if (!runs.selectedId || step.value === null) return null;
    for (const kind of ['spectrum', 'analyze', 'montecarlo']) {
      const j = jobs.newestOf(kind, runs.selectedId, step.value);
      if (j?.status === 'failed') return j;
    }
    return null;
  });

  async function load(): Promise<void> {
    const runId = runs.selectedId;
    const at = step.value;
    if (!runId || at === null) {
      curve.value = null;
      spectrum.value = null;
      montecarlo.value = null;
      return;
    }
    loading.value = true;
    try {
      const [c, s, m] = await Promise.all([
        errors.attempt(`Load λ_min(T) of step ${at}`, () => api['checkpoints.curve']({ runId, step: at })),
        errors.attempt(`Load the spectrum of step ${at}`, () => api['spectra.get']({ runId, step: at })),
        errors.attempt(`Load the Monte Carlo check of step ${at}`, () =>
          api['montecarlo.get']({ runId, step: at }),
        ),
      ]);
      // The selection may have moved on while the requests were out.
      if (runs.selectedId !== runId || step.value !== at) return;
      curve.value = c ?? null;
      spectrum.value = s ?? null;
      montecarlo.value = m ?? null;
    } finally {
      loading.value = false;
    }
  }

  async function select(next: number | null): Promise<void> {
    if (next === step.value) return;
    step.value = next;
    curve.value = null;
    spectrum.value = null;
    montecarlo.value = null;
    await load();
  }

  /** Moves the selection `by` checkpoints along training (−1: earlier, +1: later). */
  async function walk(by: number): Promise<void> {
    const list = checkpoints.value;
    if (!list.length) return;
    const i = list.findIndex((c) => c.step === step.value);
    const next = i < 0 ? (by > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + by));
    await select(list[next].step);
  }

  async function startSpectrum(): Promise<void> {
    const runId = runs.selectedId;
    const at = step.value;
    if (!runId || at === null) return;
    const job = await errors.attempt(`Spectrum of step ${at}`, () =>
      api['spectra.start']({ runId, step: at }),
    );
    if (job) jobs.fromReply(job);
  }

  /** λ_min(T) of this checkpoint alone, when the run has no sweep. */
  async function startAnalysis(): Promise<void> {
    const runId = runs.selectedId;
    const at = step.value;
    if (!runId || at === null) return;
    const job = await errors.attempt(`Analyse step ${at}`, () =>
      api['analyses.start']({ target: { runId, step: at } }),
    );
    if (job) jobs.fromReply(job);
  }

  /**
   * Parallel-tempering Monte Carlo on this checkpoint's Hamiltonian (science.md §6), with the
   * backend's default ladder around its T_c: the sampled check of the TAP T_c.
   */
  async function startMonteCarlo(): Promise<void> {
    const runId = runs.selectedId;
    const at = step.value;
    if (!runId || at === null) return;
    const job = await errors.attempt(`Monte Carlo check of step ${at}`, () =>
      api['montecarlo.start']({ runId, step: at }),
    );
    if (job) jobs.fromReply(job);
  }

  /** Cancels the running Monte Carlo check of this checkpoint. */
  async function cancelMonteCarlo(): Promise<void> {
    const job = montecarloJob.value;
    if (job) await jobs.cancel(job.id);
  }

  watch(
    () => runs.selectedId,
    () => {
      step.value = null;
      curve.value = null;
      spectrum.value = null;
      montecarlo.value = null;
    },
  );
  const reloadIfMine = (job: JobDto): void => {
    if (job.target?.checkpoint === undefined || job.target.checkpoint === step.value) void load();
  };
  jobs.onJobEnd('spectrum', () => runs.selectedId, reloadIfMine);
  jobs.onJobEnd('analyze', () => runs.selectedId, reloadIfMine);
  jobs.onJobEnd('montecarlo', () => runs.selectedId, reloadIfMine);
  jobs.onJobEnd(
    'sweep',
    () => runs.selectedId,
    () => void load(),
  );

  return {
    step,
    curve,
    spectrum,
    montecarlo,
    loading,
    checkpoints,
    selected,
    spectrumJob,
    analysisJob,
    montecarloJob,
    failedJob,
    load,
    select,
    walk,
    startSpectrum,
    startAnalysis,
    startMonteCarlo,
    cancelMonteCarlo,
  };
});
