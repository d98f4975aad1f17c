/**
 * Stage 2: sweep every checkpoint of the plan's runs (core/sweep: TAP T_c, phase, λ_min(T), cached
 * in analyses/sweep-<run>/), then the power law T_c ∝ t^a per activation over one window shared
 * by its seeds — the hidden-order regime, from the latest step at which a seed enters it for good
 * — so the seeds' exponents measure the same thing and their mean ± 95% CI (Student t) is
 * meaningful. Written to analyses/reproduce/sweep-set.json and power-law.json.
 */
import { join } from 'node:path';
import type { CheckpointAnalyzer } from '../sweep/analyzers.ts';
import { meanWithConfidence, type MeanEstimate } from '../sweep/confidence.ts';
import { fitPowerLaw, pointsInWindow, type FitPoint, type PowerLawFit } from '../sweep/powerLaw.ts';
import type { SweepReport, SweepSetReport } from '../sweep/report.ts';
import { sweepTargets } from '../sweep/sweep.ts';
import { resolveTargets } from '../sweep/targets.ts';
import {
  REPRODUCE_ACTIVATIONS,
  ReproduceError,
  type PlannedRun,
  type ReproduceActivation,
} from './budget.ts';
import { writeIfChanged } from './products.ts';
import type { StageReporter } from './progress.ts';

export const POWER_LAW_SCHEMA = 'spinscope.reproduce-power-law/1';

export interface ActivationPowerLaw {
  activation: ReproduceActivation;
  runs: {
    id: string;
    seed: number;
    /** First step from which every checkpoint is ordered (the glass has given way); null if the run ends unordered. */
    glassToOrderStep: number | null;
    /** The fit over the shared window; null when there is none (why: `problem`). */
    fit: PowerLawFit | null;
    problem: string | null;
  }[];
  /** [first, last] step of the shared window; null when a seed never orders. */
  window: [number, number] | null;
  /** The seeds' exponents: mean and 95% Student-t interval (null interval with one seed). */
  exponent: (MeanEstimate & { values: number[] }) | null;
}

export interface PowerLawFile {
  schema: typeof POWER_LAW_SCHEMA;
  activations: ActivationPowerLaw[];
}

/** The step the glass gives way to hidden order for good: the first of the trailing run of ordered checkpoints. */
export function glassToOrderStep(checkpoints: readonly FitPoint[]): number | null {
  return pointsInWindow(checkpoints, { kind: 'ordered' })[0]?.step ?? null;
}

export function powerLawPerActivation(reports: readonly SweepReport[]): PowerLawFile {
  const activations = REPRODUCE_ACTIVATIONS.flatMap((activation): ActivationPowerLaw[] => {
    const members = reports.filter((r) => r.run.config?.activation === activation);
    if (members.length === 0) return [];
    const starts = members.map((r) => glassToOrderStep(r.checkpoints));
    const from = starts.some((s) => s === null) ? null : Math.max(...(starts as number[]));
    const runs = members.map((r, i) => {
      const result =
        from === null
          ? { fit: null, problem: 'the run does not end in the ordered phase' }
          : fitPowerLaw(r.checkpoints, { kind: 'steps', from, to: null });
      return {
        id: r.run.id,
        seed: r.run.config?.seed ?? 0,
        glassToOrderStep: starts[i],
        fit: result.fit,
        problem: result.problem,
      };
    });
    const fits = runs.flatMap((r) => (r.fit ? [r.fit] : []));
    const window: [number, number] | null =
      fits.length > 0
        ? [Math.min(...fits.map((f) => f.window[0])), Math.max(...fits.map((f) => f.window[1]))]
        : null;
    const values = fits.map((f) => f.exponent);
    return [
      {
        activation,
        runs,
        window,
        exponent: values.length ? { ...meanWithConfidence(values), values } : null,
      },
    ];
  });
  return { schema: POWER_LAW_SCHEMA, activations };
}

export interface SweepStageOutcome {
  /** One per planned run, in plan order, with λ_min(T) curves. */
  reports: SweepReport[];
  powerLaw: PowerLawFile;
  computed: number;
}

export async function sweepStage(
  project: string,
  productsDir: string,
  runs: readonly PlannedRun[],
  analyzer: CheckpointAnalyzer,
  stage: StageReporter,
  opts: { signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<SweepStageOutcome> {
  const resolved = resolveTargets([project]);
  const targets = runs.map((run) => {
    const t = resolved.targets.find((x) => x.id === run.id);
    if (!t) throw new ReproduceError(`${join(project, 'runs', run.id)} has no checkpoints to sweep`);
    return t;
  });
  const outcome = await sweepTargets(
    { mode: 'set', project: resolved.project, targets },
    {
      analyzer,
      curves: true,
      cache: 'use',
      signal: opts.signal,
      log: opts.log,
      progress: (p) => stage.update(p.fraction, p.message),
    },
  );
  const failed = outcome.reports.flatMap((r) =>
    r.failures.map((f) => `${r.run.id} step ${f.step}: ${f.message}`),
  );
  if (failed.length > 0) throw new ReproduceError(`checkpoints could not be analysed: ${failed.join('; ')}`);
  const set = outcome.report as SweepSetReport;
  const withoutCurves: SweepSetReport = {
    ...set,
    runs: set.runs.map((r) => ({ ...r, checkpoints: r.checkpoints.map(({ curve: _c, ...c }) => c) })),
  };
  writeIfChanged(join(productsDir, 'sweep-set.json'), `${JSON.stringify(withoutCurves, null, 1)}\n`);
  const powerLaw = powerLawPerActivation(outcome.reports);
  writeIfChanged(join(productsDir, 'power-law.json'), `${JSON.stringify(powerLaw, null, 1)}\n`);
  stage.update(1, `${outcome.stats.checkpoints} checkpoints, ${outcome.stats.cached} from the cache`);
  return { reports: outcome.reports, powerLaw, computed: outcome.stats.computed };
}
