/**
 * Stage 4: the eigenvalue density of J at a few checkpoints of the first seed of each activation
 * (science.md §5.4), the `spectrum` job with step 0 as the reference: the bulk edge of the random
 * network, against which the tails and outliers that training grows are counted.
 */
import type { SweepReport } from '../sweep/report.ts';
import { checkpointName } from '../train/runFolder.ts';
import { spreadPicks, type ReproduceBudget } from './budget.ts';
import { productKey, type ProductCache } from './products.ts';
import { runPool, type JobRunner } from './runner.ts';
import type { StageReporter } from './progress.ts';

export const spectrumFile = (runId: string, step: number): string =>
  `spectrum-${runId}-${checkpointName(step).replace(/\.onnx$/, '')}.json`;

export interface SpectrumProduct {
  runId: string;
  activation: string;
  step: number;
  file: string;
}

/** The spectra the pipeline computes: the first seed of each activation, `count` checkpoints from step 0 to the last. */
export function plannedSpectra(reports: readonly SweepReport[], budget: ReproduceBudget): SpectrumProduct[] {
  const firsts = reports.filter(
    (r, i) => reports.findIndex((x) => x.run.config?.activation === r.run.config?.activation) === i,
  );
  return firsts.flatMap((r) =>
    spreadPicks(r.checkpoints.length, budget.spectra).map((k) => {
      const step = r.checkpoints[k].step;
      return {
        runId: r.run.id,
        activation: r.run.config?.activation ?? r.run.id,
        step,
        file: spectrumFile(r.run.id, step),
      };
    }),
  );
}

export async function spectraStage(
  reports: readonly SweepReport[],
  budget: ReproduceBudget,
  products: ProductCache,
  runner: JobRunner,
  stage: StageReporter,
  signal?: AbortSignal,
): Promise<{ spectra: SpectrumProduct[]; computed: number }> {
  const spectra = plannedSpectra(reports, budget);
  let done = 0;
  let computed = 0;
  const tasks = spectra.map((s) => async () => {
    const r = reports.find((x) => x.run.id === s.runId)!;
    const file = (step: number): string => `${r.run.dir}/${r.checkpoints.find((c) => c.step === step)!.file}`;
    const params = { model: file(s.step), reference: file(r.checkpoints[0].step), options: { top: 5 } };
    const key = productKey(params, [params.model, params.reference]);
    if (!products.fresh(s.file, key)) {
      await runner.run(
        'spectrum',
        { ...params, out: products.path(s.file) },
        {
          label: `spectrum ${s.runId} step ${s.step}`,
          signal,
          progress: (p) =>
            stage.update((done + p.fraction) / spectra.length, `${s.runId} step ${s.step}: ${p.message}`),
        },
      );
      products.record(s.file, key);
      computed++;
    }
    done++;
    stage.update(done / spectra.length, `${s.runId} step ${s.step}`);
  });
  await runPool(tasks, runner.concurrency);
  stage.update(1, 'spectra done');
  return { spectra, computed };
}
