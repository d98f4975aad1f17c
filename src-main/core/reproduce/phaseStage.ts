/**
 * Stage 3: the phase diagram over (training step, T) of the first seed of each activation
 * (science.md §5.5), the `tap` job with Monte Carlo valleys: paramagnet above T_c(t), below it
 * glass or hidden order from the Hessian criterion together with the TAP solutions and the
 * valleys the sampler finds. A few checkpoints (log-spaced in step) × an absolute temperature grid
 * spanning the run's T_c from the glass to the most ordered checkpoint.
 */
import type { SweepReport } from '../sweep/report.ts';
import { spreadPicks, type ReproduceBudget } from './budget.ts';
import { productKey, type ProductCache } from './products.ts';
import { runPool, type JobRunner } from './runner.ts';
import type { StageReporter } from './progress.ts';

export const phaseDiagramFile = (activation: string): string => `phase-${activation}.json`;

/** The grid: from half the lowest T_c of the chosen checkpoints to 1.2× the highest, equally spaced. */
export function phaseGrid(tcs: readonly number[], count: number): number[] {
  const lo = 0.5 * Math.min(...tcs);
  const hi = 1.2 * Math.max(...tcs);
  if (count === 1) return [hi];
  // Rounded to 4 significant digits: the grid is read by people, and the same on every re-run.
  return Array.from({ length: count }, (_, i) => Number((lo + ((hi - lo) * i) / (count - 1)).toPrecision(4)));
}

export async function phaseStage(
  reports: readonly SweepReport[],
  budget: ReproduceBudget,
  products: ProductCache,
  runner: JobRunner,
  stage: StageReporter,
  signal?: AbortSignal,
): Promise<{ files: string[]; computed: number }> {
  // The first seed of each activation (plan order puts seed 0 first).
  const firsts = reports.filter(
    (r, i) => reports.findIndex((x) => x.run.config?.activation === r.run.config?.activation) === i,
  );
  const fractions = new Float64Array(firsts.length);
  const report = (message: string): void =>
    stage.update(fractions.reduce((s, f) => s + f, 0) / Math.max(1, firsts.length), message);
  let computed = 0;
  const tasks = firsts.map((r, i) => async () => {
    const activation = r.run.config?.activation ?? r.run.id;
    const file = phaseDiagramFile(activation);
    const picks = spreadPicks(r.checkpoints.length, budget.phaseDiagram.checkpoints).map(
      (k) => r.checkpoints[k],
    );
    const params = {
      checkpoints: picks.map((c) => ({ step: c.step, model: `${r.run.dir}/${c.file}` })),
      temperatures: phaseGrid(
        picks.map((c) => c.tc),
        budget.phaseDiagram.temperatures,
      ),
      valleys: true,
      valleySampling: budget.phaseDiagram.valleys,
      options: {
        starts: budget.phaseDiagram.starts,
        maxIterations: budget.phaseDiagram.maxIterations,
        seed: 0,
      },
    };
    const key = productKey(
      params,
      params.checkpoints.map((c) => c.model),
    );
    if (products.fresh(file, key)) {
      fractions[i] = 1;
      report(`${file} from the cache`);
      return;
    }
    await runner.run(
      'tap',
      { ...params, out: products.path(file) },
      {
        label: `phase diagram ${activation}`,
        signal,
        progress: (p) => {
          fractions[i] = p.fraction;
          report(`${activation}: ${p.message}`);
        },
      },
    );
    products.record(file, key);
    computed++;
    fractions[i] = 1;
  });
  report('phase diagrams');
  await runPool(tasks, runner.concurrency);
  stage.update(1, 'phase diagrams done');
  return {
    files: firsts.map((r) => products.path(phaseDiagramFile(r.run.config?.activation ?? r.run.id))),
    computed,
  };
}
