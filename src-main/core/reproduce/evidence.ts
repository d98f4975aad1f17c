/**
 * report.json: every number the report states, read back from the project's analysis files —
 * the sweep report of each run (analyses/sweep-<run>/sweep.json), the fits across seeds
 * (analyses/reproduce/power-law.json), the phase diagrams and the spectra (analyses/reproduce/) —
 * and the claims judged on them (claims.ts). The HTML and the PDF are generated from this file
 * alone, so no number in them is typed in or computed anywhere else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpectrumReport } from '../spectral/report.ts';
import type { PhaseDiagram } from '../spin/phaseDiagram.ts';
import type { SweepReport } from '../sweep/report.ts';
import { VERSION } from '../util/version.ts';
import { ReproduceError, type ReproducePlan } from './budget.ts';
import {
  evaluateClaims,
  type ActivationEvidence,
  type ClaimVerdict,
  type RunEvidence,
  type SpectrumEvidence,
} from './claims.ts';
import { phaseDiagramFile } from './phaseStage.ts';
import type { SpectrumProduct } from './spectraStage.ts';
import type { PowerLawFile } from './sweepStage.ts';
import type { FigureEntry } from './figureStage.ts';

export const REPORT_SCHEMA = 'spinscope.reproduce-report/1';

export interface ReproduceReport {
  schema: typeof REPORT_SCHEMA;
  spinscope: { version: string };
  budget: {
    name: string;
    arch: number[];
    epochs: number;
    seeds: number;
    checkpoints: number;
    trainLimit: number | null;
  };
  /** Every analysis file read, relative to the project. */
  sources: string[];
  runs: RunEvidence[];
  activations: ActivationEvidence[];
  claims: ClaimVerdict[];
  figures: FigureEntry[];
}

function readJson<T>(project: string, rel: string, sources: string[]): T {
  const path = join(project, rel);
  if (!existsSync(path))
    throw new ReproduceError(`${path} is missing: run spinscope reproduce again to compute it`);
  sources.push(rel);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export const sweepFileOf = (runId: string): string => `analyses/sweep-${runId}/sweep.json`;
export const productFile = (file: string): string => `analyses/reproduce/${file}`;

export function collectEvidence(
  project: string,
  plan: ReproducePlan,
  spectra: readonly SpectrumProduct[],
  figures: FigureEntry[],
): ReproduceReport {
  const sources: string[] = [];
  const powerLaw = readJson<PowerLawFile>(project, productFile('power-law.json'), sources);
  const runs: RunEvidence[] = plan.runs.map((run) => {
    const sweep = readJson<SweepReport>(project, sweepFileOf(run.id), sources);
    const first = sweep.checkpoints[0];
    const last = sweep.checkpoints.at(-1);
    if (!first || !last) throw new ReproduceError(`${sweepFileOf(run.id)} has no checkpoints`);
    const fitted = powerLaw.activations
      .find((a) => a.activation === run.activation)
      ?.runs.find((r) => r.id === run.id);
    return {
      id: run.id,
      activation: run.activation,
      seed: run.seed,
      sweepFile: sweepFileOf(run.id),
      init: {
        step: first.step,
        replicaTc: first.replicaTc,
        tapTc: first.tc,
        relativeDifference: Math.abs(first.tc - first.replicaTc) / first.replicaTc,
        phase: first.phase,
        minLambda: first.minLambda,
        lambdaMax: first.top[0],
      },
      final: {
        step: last.step,
        epoch: last.epoch,
        tapTc: last.tc,
        phase: last.phase,
        minLambda: last.minLambda,
        testAccuracy: last.testAccuracy,
        lambdaMax: last.top[0],
      },
      glassToOrderStep: fitted?.glassToOrderStep ?? null,
      fit: fitted?.fit
        ? {
            exponent: fitted.fit.exponent,
            ci95: fitted.fit.exponentCi95,
            r2: fitted.fit.r2,
            window: fitted.fit.window,
            n: fitted.fit.n,
          }
        : null,
    };
  });
  const activations: ActivationEvidence[] = powerLaw.activations.map((a) => {
    const members = runs.filter((r) => r.activation === a.activation);
    const starts = a.runs.map((r) => r.glassToOrderStep);
    const single = a.runs.length === 1 ? a.runs[0].fit : null;
    const exponent = a.exponent
      ? a.exponent.n >= 2
        ? { mean: a.exponent.mean, ci95: a.exponent.ci95, n: a.exponent.n, interval: 'seeds' as const }
        : {
            mean: a.exponent.mean,
            ci95: single?.exponentCi95 ?? null,
            n: 1,
            interval: single?.exponentCi95 ? ('regression' as const) : null,
          }
      : null;
    const spectrumEvidence: SpectrumEvidence[] = spectra
      .filter((s) => s.activation === a.activation)
      .map((s) => {
        const rep = readJson<SpectrumReport>(project, productFile(s.file), sources);
        return {
          step: s.step,
          file: productFile(s.file),
          lambdaMax: rep.density.largest[0],
          edge: rep.density.edge.value,
          outliers: rep.density.outliers.count,
        };
      });
    const phaseRel = productFile(phaseDiagramFile(a.activation));
    let phaseDiagram: ActivationEvidence['phaseDiagram'] = null;
    if (existsSync(join(project, phaseRel))) {
      const d = readJson<PhaseDiagram>(project, phaseRel, sources);
      const counts = { paramagnet: 0, glass: 0, hiddenOrder: 0, undetermined: 0 };
      for (const row of d.checkpoints) for (const c of row.cells) counts[c.phase]++;
      phaseDiagram = {
        file: phaseRel,
        steps: d.checkpoints.map((r) => r.step),
        temperatures: d.grid.values,
        counts,
      };
    }
    const accuracies = members.flatMap((r) => (r.final.testAccuracy === null ? [] : [r.final.testAccuracy]));
    return {
      activation: a.activation,
      runs: members.map((r) => r.id),
      glassToOrderStep: starts.some((s) => s === null) ? null : Math.max(...(starts as number[])),
      exponent,
      window: a.window,
      spectra: spectrumEvidence,
      phaseDiagram,
      meanFinalTestAccuracy: accuracies.length
        ? accuracies.reduce((s, v) => s + v, 0) / accuracies.length
        : null,
    };
  });
  return {
    schema: REPORT_SCHEMA,
    spinscope: { version: VERSION },
    budget: {
      name: plan.budget.name,
      arch: plan.budget.train.arch,
      epochs: plan.budget.train.epochs,
      seeds: plan.budget.seeds,
      checkpoints: plan.budget.train.checkpoints,
      trainLimit: plan.budget.train.trainLimit,
    },
    sources: [...new Set(sources)],
    runs,
    activations,
    claims: evaluateClaims({ runs, activations }),
    figures,
  };
}
