/**
 * The selected run's phase diagram over (checkpoint, T) (phaseDiagrams.get), and the command that
 * computes it (phaseDiagrams.start: the `tap` job over a spread of checkpoints and a T grid set
 * from the run's T_c(t)). Reloaded when that job ends.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { JobDto, PhaseDiagramDto } from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useRunsStore } from './runs.ts';

export interface PhaseDiagramRequest {
  maxCheckpoints: number;
  temperatureCount: number;
  starts: number;
  /**
   * Also count the glass valleys by Monte Carlo in every cell below T_c (core/montecarlo/valleys.ts):
   * TAP iteration finds at most one ± pair, so "glass" otherwise rests on the Hessian alone.
   */
  valleys: boolean;
}

/** A diagram of a small run in about a minute on a laptop core: 16 × 12 cells, 16 TAP starts each. */
export const DEFAULT_REQUEST: PhaseDiagramRequest = {
  maxCheckpoints: 16,
  temperatureCount: 12,
  starts: 16,
  valleys: false,
};

export const usePhaseDiagramStore = defineStore('phaseDiagram', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const runs = useRunsStore();

  const diagram = ref<PhaseDiagramDto | null>(null);
  const loading = ref(false);
  const request = ref<PhaseDiagramRequest>({ ...DEFAULT_REQUEST });

  const job = computed<JobDto | null>(() => (runs.selectedId ? jobs.newestOf('tap', runs.selectedId) : null));
  const running = computed(() => job.value !== null && !jobEnded(job.value));

  async function load(): Promise<void> {
    const runId = runs.selectedId;
    // A run just created is not listed until its worker writes run.json: nothing to read yet.
    if (!runId || !runs.selectedListed) {
      diagram.value = null;
      return;
    }
    loading.value = true;
    try {
      const d = await errors.attempt(`Load the phase diagram of ${runId}`, () =>
        api['phaseDiagrams.get']({ runId }),
      );
      if (runs.selectedId === runId && d !== undefined) diagram.value = d;
    } finally {
      loading.value = false;
    }
  }

  async function start(): Promise<void> {
    const runId = runs.selectedId;
    if (!runId) return;
    const { valleys, ...sizes } = request.value;
    const started = await errors.attempt(`Phase diagram of ${runId}`, () =>
      api['phaseDiagrams.start']({ runId, ...sizes, ...(valleys ? { valleys: true } : {}) }),
    );
    if (started) jobs.fromReply(started);
  }

  watch(
    () => (runs.selectedListed ? runs.selectedId : null),
    () => {
      diagram.value = null;
      void load();
    },
    { immediate: true },
  );
  jobs.onJobEnd(
    'tap',
    () => runs.selectedId,
    () => void load(),
  );

  return { diagram, loading, request, job, running, load, start };
});
