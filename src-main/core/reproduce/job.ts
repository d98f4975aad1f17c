/**
 * The `reproduce` job kind (core/jobs/registry.ts): the pipeline of `spinscope reproduce`
 * (pipeline.ts) as one job, for the app's "Reproduce the paper" (api: projects.reproduce).
 *
 * Inside the job's worker the pipeline runs its own jobs (train, analyze, tap, spectrum) in this
 * same process, one after the other (runner.ts inProcessRunner, sweep/analyzers.ts
 * inProcessAnalyzer), not through a nested fork host: the app's supervisor already counts this
 * worker as one of its jobs (one per core), so forking more workers here would oversubscribe the
 * cores behind its back, and a worker killed after the cancel grace time would leave them
 * orphaned. Training is single-threaded per run either way (budget.ts), so nothing is lost on a
 * 2-core machine. Progress (fraction, stage message, ETA) is the pipeline's single bar; a cancel
 * stops the running step (training saves its resume point); starting the job again resumes,
 * because the pipeline skips and resumes what is done.
 *
 * After the pipeline, the phase diagram and spectra of the first seed of each activation are also
 * published where the workbench's run views read them (api/runAnalyses.ts: analyses/phase-<run>/
 * diagram.json, analyses/spectrum-<run>/step-NNNNNN.json), so the app's Phase diagram and Spectra
 * tabs show them without computing them again. They are the same reports, copied byte for byte;
 * a file the user computed there already is left alone.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JobContext } from '../jobs/job.ts';
import { inProcessAnalyzer } from '../sweep/analyzers.ts';
import { entryName } from '../sweep/cache.ts';
import type { BudgetName } from './budget.ts';
import type { ReproduceReport } from './evidence.ts';
import { reproduce, type ReproduceOutcome } from './pipeline.ts';
import { inProcessRunner } from './runner.ts';

export interface ReproduceJobParams {
  /** The project folder (absolute): created if it has no project yet, continued if it has. */
  out: string;
  budget: BudgetName;
  seeds?: number;
}

/** What the app needs to open the result: the project, its runs and the report's files (absolute). */
export interface ReproduceJobResult {
  project: string;
  budget: BudgetName;
  runs: string[];
  /** The first run of the plan (ReLU, seed 0): the one the app opens. */
  firstRun: string;
  reportHtml: string;
  reportPdf: string;
  /** Files copied to where the workbench's run views read them, relative to the project. */
  published: string[];
  work: ReproduceOutcome['work'];
  seconds: number;
}

export async function reproduceJob(p: ReproduceJobParams, ctx: JobContext): Promise<ReproduceJobResult> {
  const outcome = await reproduce({
    out: p.out,
    budget: p.budget,
    seeds: p.seeds,
    runner: inProcessRunner(),
    analyzer: inProcessAnalyzer(),
    signal: ctx.signal,
    progress: ctx.progress,
    log: ctx.log,
  });
  const published = publishForWorkbench(outcome.project, outcome.report);
  if (published.length) ctx.log?.(`published ${published.length} analyses for the workbench's run views`);
  const runs = outcome.plan.runs.map((r) => r.id);
  return {
    project: outcome.project,
    budget: p.budget,
    runs,
    firstRun: runs[0],
    reportHtml: join(outcome.project, 'report.html'),
    reportPdf: join(outcome.project, 'report.pdf'),
    published,
    work: outcome.work,
    seconds: outcome.seconds,
  };
}

/** Where the workbench reads a run's phase diagram and spectra (api/runAnalyses.ts), relative to the project. */
export const workbenchPhaseDiagram = (runId: string): string => `analyses/phase-${runId}/diagram.json`;
export const workbenchSpectrum = (runId: string, step: number): string =>
  `analyses/spectrum-${runId}/${entryName(step)}.json`;

/**
 * Copies each activation's phase diagram and spectra (of its first seed, as the pipeline computes
 * them) to the workbench's places, unless a file is there already. Returns the files written.
 */
export function publishForWorkbench(project: string, report: ReproduceReport): string[] {
  const written: string[] = [];
  const copy = (from: string, to: string): void => {
    const target = join(project, to);
    if (existsSync(target)) return;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(project, from), target);
    written.push(to);
  };
  for (const a of report.activations) {
    const first = a.runs[0];
    if (first === undefined) continue;
    if (a.phaseDiagram) copy(a.phaseDiagram.file, workbenchPhaseDiagram(first));
    for (const s of a.spectra) copy(s.file, workbenchSpectrum(first, s.step));
  }
  return written;
}
