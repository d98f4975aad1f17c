/**
 * The latest T_c of every run and imported model, for the project overview: a run's is the TAP
 * T_c of its last swept checkpoint (runs.sweepReport, the report `spinscope sweep` writes), a
 * model's the TAP T_c of its newest analysis (models.analysis). Read once per run or model, again
 * when a sweep of that run or an analysis of that model ends; null: not swept / not analysed.
 */
import { defineStore } from 'pinia';
import { onScopeDispose, ref, watch } from 'vue';
import type { SweepReportDto } from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useProjectStore } from './project.ts';

/** T_c of the checkpoint with the largest step in a sweep report; null without checkpoints. */
export function latestSweptTc(report: SweepReportDto | null): number | null {
  let last: SweepReportDto['checkpoints'][number] | null = null;
  for (const c of report?.checkpoints ?? []) if (!last || c.step > last.step) last = c;
  return last && Number.isFinite(last.tc) ? last.tc : null;
}

export const useLatestTcStore = defineStore('latestTc', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const project = useProjectStore();

  /** By run id; absent: not read yet. */
  const runs = ref<Record<string, number | null>>({});
  /** By model id; absent: not read yet. */
  const models = ref<Record<string, number | null>>({});

  async function loadRun(runId: string): Promise<void> {
    const report = await errors.attempt(`Read the sweep of ${runId}`, () =>
      api['runs.sweepReport']({ runId }),
    );
    if (report !== undefined) runs.value = { ...runs.value, [runId]: latestSweptTc(report) };
  }

  async function loadModel(modelId: string): Promise<void> {
    const analysis = await errors.attempt(`Read the analysis of ${modelId}`, () =>
      api['models.analysis']({ modelId }),
    );
    if (analysis !== undefined) {
      const tc = analysis?.report.tap.tc;
      models.value = {
        ...models.value,
        [modelId]: typeof tc === 'number' && Number.isFinite(tc) ? tc : null,
      };
    }
  }

  /** Ids read or being read, so that a project refresh during a read does not read again. */
  const requested = new Set<string>();
  let projectDir: string | null = null;
  function once(key: string, read: () => Promise<void>): void {
    if (requested.has(key)) return;
    requested.add(key);
    void read();
  }
  // Only runs the backend lists (a run just created has no folder to read yet).
  watch(
    () => project.current,
    (p) => {
      if ((p?.dir ?? null) !== projectDir) {
        projectDir = p?.dir ?? null;
        requested.clear();
        runs.value = {};
        models.value = {};
      }
      for (const r of p?.runs ?? []) once(`run:${r.id}`, () => loadRun(r.id));
      for (const m of p?.models ?? []) once(`model:${m.id}`, () => loadModel(m.id));
    },
    { immediate: true },
  );

  const off = jobs.onUpdate((job) => {
    if (!jobEnded(job) || job.status !== 'completed') return;
    if (job.kind === 'sweep' && job.target?.runId) void loadRun(job.target.runId);
    if (job.kind === 'analyze' && job.target?.modelId) void loadModel(job.target.modelId);
  });
  onScopeDispose(off);

  return { runs, models, loadRun, loadModel };
});
