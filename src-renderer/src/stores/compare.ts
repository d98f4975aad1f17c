/**
 * The comparison of two checkpoints or models, A and B: for each side its λ_min(T) curve
 * (checkpoints.curve, or the model's newest analysis), its spectrum report (spectra.get; imported
 * models have none) and its per-layer weight histograms (weights.histograms, binned in the
 * backend). Missing curves and spectra can be computed from here; each side reloads when a job on
 * it ends.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { AnalysisDto, JobDto } from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { compareMetrics, targetKey, targetLabel, type CompareTarget, type SideData } from '../compare.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';

export type Side = 'a' | 'b';

/** λ_min(T) and the conclusions of an analysis report, when it has the curve. */
function curveOfAnalysis(a: AnalysisDto | null | undefined): SideData['curve'] {
  const tap = a?.report.tap;
  if (!a || !tap?.curve) return null;
  return {
    T: tap.curve.T,
    lambda: tap.curve.lambda,
    tc: tap.tc,
    phase: tap.phase,
    minLambda: tap.minLambda,
    replicaTc: a.report.replica.tc,
  };
}

export const useCompareStore = defineStore('compare', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();

  const targets = ref<Record<Side, CompareTarget | null>>({ a: null, b: null });
  const data = ref<Record<Side, SideData | null>>({ a: null, b: null });
  const loading = ref(false);

  async function loadSide(side: Side): Promise<void> {
    const t = targets.value[side];
    if (!t) {
      data.value[side] = null;
      return;
    }
    const label = targetLabel(t);
    const weightsCall = errors.attempt(`Load the weights of ${label}`, () =>
      api['weights.histograms']({ target: t }),
    );
    let next: SideData;
    if ('modelId' in t) {
      const [analysis, weights] = await Promise.all([
        errors.attempt(`Load the analysis of ${label}`, () => api['models.analysis']({ modelId: t.modelId })),
        weightsCall,
      ]);
      next = {
        target: t,
        label,
        curve: curveOfAnalysis(analysis),
        spectrum: null,
        lambdaMax: analysis?.report.spectrum.top[0] ?? null,
        weights: weights?.layers ?? null,
      };
    } else {
      const [curve, spectrum, weights] = await Promise.all([
        errors.attempt(`Load λ_min(T) of ${label}`, () => api['checkpoints.curve'](t)),
        errors.attempt(`Load the spectrum of ${label}`, () => api['spectra.get'](t)),
        weightsCall,
      ]);
      const report = spectrum?.report ?? null;
      next = {
        target: t,
        label,
        curve: curve
          ? {
              T: curve.T,
              lambda: curve.lambda,
              tc: curve.tc,
              phase: curve.phase,
              minLambda: curve.minLambda,
              replicaTc: curve.replicaTc,
            }
          : null,
        spectrum: report,
        lambdaMax: report?.density.largest[0] ?? null,
        weights: weights?.layers ?? null,
      };
    }
    // The pick may have changed while the requests were out.
    if (targets.value[side] === t) data.value[side] = next;
  }

  async function pick(side: Side, t: CompareTarget | null): Promise<void> {
    if (t && targets.value[side] && targetKey(t) === targetKey(targets.value[side]!)) return;
    targets.value[side] = t;
    data.value[side] = null;
    loading.value = true;
    try {
      await loadSide(side);
    } finally {
      loading.value = false;
    }
  }

  /** Swaps A and B (the differences change sign). */
  function swap(): void {
    targets.value = { a: targets.value.b, b: targets.value.a };
    data.value = { a: data.value.b, b: data.value.a };
  }

  const metrics = computed(() =>
    data.value.a && data.value.b ? compareMetrics(data.value.a, data.value.b) : [],
  );

  function jobOn(t: CompareTarget, kind: string): JobDto | null {
    const j = jobs.all.find(
      (x) =>
        x.kind === kind &&
        ('modelId' in t
          ? x.target?.modelId === t.modelId
          : x.target?.runId === t.runId && x.target.checkpoint === t.step),
    );
    return j && !jobEnded(j) ? j : null;
  }

  /** The running analysis or spectrum job of a side, if any. */
  function activeJob(side: Side): JobDto | null {
    const t = targets.value[side];
    return t ? (jobOn(t, 'analyze') ?? jobOn(t, 'spectrum')) : null;
  }

  async function analyse(side: Side): Promise<void> {
    const t = targets.value[side];
    if (!t) return;
    const job = await errors.attempt(`Analyse ${targetLabel(t)}`, () => api['analyses.start']({ target: t }));
    if (job) jobs.fromReply(job);
  }

  async function computeSpectrum(side: Side): Promise<void> {
    const t = targets.value[side];
    if (!t || 'modelId' in t) return;
    const job = await errors.attempt(`Spectrum of ${targetLabel(t)}`, () => api['spectra.start'](t));
    if (job) jobs.fromReply(job);
  }

  const off = jobs.onUpdate((job) => {
    if (!jobEnded(job) || (job.kind !== 'analyze' && job.kind !== 'spectrum' && job.kind !== 'sweep')) return;
    for (const side of ['a', 'b'] as const) {
      const t = targets.value[side];
      if (!t) continue;
      const mine =
        'modelId' in t
          ? job.target?.modelId === t.modelId
          : job.target?.runId === t.runId &&
            (job.target.checkpoint === undefined || job.target.checkpoint === t.step);
      if (mine) void loadSide(side);
    }
  });
  onScopeDispose(off);

  return { targets, data, loading, metrics, pick, swap, activeJob, analyse, computeSpectrum, loadSide };
});
