/**
 * The spectra of the selected run across training (science.md §4, §5 item 4: the bulk of J's
 * eigenvalue density stays, tails and outliers grow): which checkpoints have one (spectra.list),
 * the reports themselves, the one shown, and the command that computes them at checkpoints spread
 * over the (log-spaced) schedule. Reloaded when a spectrum job of the run ends.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { SpectrumDto } from '../../../src-main/api/contract.ts';
import { spreadSteps } from '../../../src-main/core/sweep/spread.ts';
import { useApi } from '../api.ts';
import { useCheckpointStore } from './checkpoint.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useRunsStore } from './runs.ts';

export const useSpectraStore = defineStore('spectra', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const runs = useRunsStore();
  const checkpoint = useCheckpointStore();

  const byStep = ref<Record<number, SpectrumDto>>({});
  const loading = ref(false);
  /** The step shown (null: the first). */
  const shownStep = ref<number | null>(null);
  const count = ref(12);

  const steps = computed(() =>
    Object.keys(byStep.value)
      .map(Number)
      .sort((a, b) => a - b),
  );
  const shown = computed<SpectrumDto | null>(() => {
    const s = shownStep.value ?? steps.value[0];
    return s === undefined ? null : (byStep.value[s] ?? null);
  });
  /** Spectrum jobs of this run still running. */
  const running = computed(() =>
    runs.selectedId
      ? jobs.all.filter((j) => j.kind === 'spectrum' && j.target?.runId === runs.selectedId && !jobEnded(j))
      : [],
  );

  async function load(): Promise<void> {
    const runId = runs.selectedId;
    if (!runId || !runs.selectedListed) {
      byStep.value = {};
      return;
    }
    loading.value = true;
    try {
      const listed = await errors.attempt(`List the spectra of ${runId}`, () =>
        api['spectra.list']({ runId }),
      );
      if (!listed || runs.selectedId !== runId) return;
      const next: Record<number, SpectrumDto> = {};
      for (const step of listed) {
        const known = byStep.value[step];
        const s =
          known ??
          (await errors.attempt(`Load the spectrum of step ${step}`, () =>
            api['spectra.get']({ runId, step }),
          ));
        if (s) next[step] = s;
      }
      if (runs.selectedId === runId) byStep.value = next;
    } finally {
      loading.value = false;
    }
  }

  /** Starts spectrum jobs at `count` checkpoints spread over training that have none yet. */
  async function computeSpread(): Promise<void> {
    const runId = runs.selectedId;
    if (!runId) return;
    const existing = checkpoint.checkpoints.filter((c) => c.exists).map((c) => c.step);
    const wanted = spreadSteps(existing, count.value).filter((s) => !(s in byStep.value));
    for (const step of wanted) {
      const job = await errors.attempt(`Spectrum of step ${step}`, () =>
        api['spectra.start']({ runId, step }),
      );
      if (job) jobs.fromReply(job);
    }
  }

  watch(
    () => (runs.selectedListed ? runs.selectedId : null),
    () => {
      byStep.value = {};
      shownStep.value = null;
      void load();
    },
    { immediate: true },
  );
  // A finished spectrum job wrote a report: read the new one (known ones are kept).
  jobs.onJobEnd(
    'spectrum',
    () => runs.selectedId,
    () => void load(),
  );

  return { byStep, steps, shown, shownStep, count, loading, running, load, computeSpread };
});
