/**
 * `spinscope reproduce`: the paper's findings (science.md §4–§5) in one command, as a normal
 * project in `out` (runs/, analyses/, figures/ — the app opens it) plus report.json, report.html
 * and report.pdf:
 *
 *   train (trainStage) → sweep + power laws (sweepStage) → phase diagrams (phaseStage)
 *   → spectra (spectraStage) → figure bundles (figureStage) → report.json from the analysis
 *   files (evidence.ts, claims.ts) → report.html and report.pdf from report.json (document.ts).
 *
 * Every stage skips what is done: completed runs are kept, interrupted ones resumed, the sweep's
 * and the pipeline's analyses are cached with keys (products.ts), unchanged figures and reports
 * are not rewritten. Running it again after it finished is a no-op; after a Ctrl-C it continues.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JobProgress } from '../jobs/job.ts';
import { MANIFEST_FILE, projectPaths } from '../project/manifest.ts';
import { createProject } from '../project/project.ts';
import type { CheckpointAnalyzer } from '../sweep/analyzers.ts';
import { reproducePlan, type BudgetName, type ReproducePlan } from './budget.ts';
import { reportBlocks } from './document.ts';
import { collectEvidence, type ReproduceReport } from './evidence.ts';
import { figureStage } from './figureStage.ts';
import { reportHtml } from './html.ts';
import { reportPdf } from './pdf.ts';
import { phaseStage } from './phaseStage.ts';
import { ProductCache, REPRODUCE_ANALYSES, writeIfChanged } from './products.ts';
import { PipelineProgress } from './progress.ts';
import type { JobRunner } from './runner.ts';
import { spectraStage } from './spectraStage.ts';
import { sweepStage } from './sweepStage.ts';
import { trainStage } from './trainStage.ts';

export const REPORT_FILES = ['report.json', 'report.html', 'report.pdf'] as const;

export interface ReproduceOptions {
  out: string;
  budget: BudgetName;
  seeds?: number;
  /** Runs the train, tap and spectrum jobs. */
  runner: JobRunner;
  /** Analyses the checkpoints of the sweep. */
  analyzer: CheckpointAnalyzer;
  signal?: AbortSignal;
  progress?(p: JobProgress): void;
  log?(line: string): void;
}

export interface ReproduceOutcome {
  project: string;
  plan: ReproducePlan;
  report: ReproduceReport;
  /** What this invocation did (all zero / empty on a no-op re-run). */
  work: {
    trained: string[];
    resumed: string[];
    checkpointsAnalysed: number;
    phaseDiagrams: number;
    spectra: number;
    figures: number;
    reportWritten: boolean;
  };
  /** Wall time of each stage in this invocation. */
  stageSeconds: Record<string, number>;
  seconds: number;
}

export async function reproduce(opts: ReproduceOptions): Promise<ReproduceOutcome> {
  const started = performance.now();
  const project = resolve(opts.out);
  const plan = reproducePlan(opts.budget, opts.seeds);
  if (!existsSync(join(project, MANIFEST_FILE)))
    createProject(project, `Reproduction of arXiv:2408.06421 (${plan.budget.name})`);
  const paths = projectPaths(project);
  const products = new ProductCache(join(paths.analyses, REPRODUCE_ANALYSES));
  const progress = new PipelineProgress(opts.progress);

  const stageSeconds: Record<string, number> = {};
  let lap = performance.now();
  const timed = <T>(name: string, value: T): T => {
    const now = performance.now();
    stageSeconds[name] = (now - lap) / 1000;
    lap = now;
    return value;
  };
  const trained = timed(
    'train',
    await trainStage(paths.runs, plan.runs, opts.runner, progress.stage('train'), opts.signal),
  );
  const swept = timed(
    'sweep',
    await sweepStage(project, products.dir, plan.runs, opts.analyzer, progress.stage('sweep'), {
      signal: opts.signal,
      log: opts.log,
    }),
  );
  const phases = timed(
    'phaseDiagram',
    await phaseStage(
      swept.reports,
      plan.budget,
      products,
      opts.runner,
      progress.stage('phaseDiagram'),
      opts.signal,
    ),
  );
  const spectra = timed(
    'spectra',
    await spectraStage(
      swept.reports,
      plan.budget,
      products,
      opts.runner,
      progress.stage('spectra'),
      opts.signal,
    ),
  );
  const figures = timed(
    'figures',
    await figureStage(
      project,
      swept.reports,
      swept.powerLaw,
      spectra.spectra,
      products,
      plan.budget,
      progress.stage('figures'),
    ),
  );

  const reportStage = progress.stage('report');
  reportStage.update(0, 'reading the analysis files');
  const report = collectEvidence(project, plan, spectra.spectra, figures.figures);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const files = REPORT_FILES.map((f) => join(project, f));
  let reportWritten = false;
  if (!(files.every(existsSync) && readFileSync(files[0], 'utf8') === json)) {
    mkdirSync(project, { recursive: true });
    const blocks = reportBlocks(report);
    const svgs = new Map(
      report.figures.map(
        (f) => [f.name, readFileSync(join(paths.figures, `${f.name}.svg`), 'utf8')] as const,
      ),
    );
    writeIfChanged(files[1], reportHtml(blocks, svgs));
    reportStage.update(0.4, 'report.html written');
    writeIfChanged(
      files[2],
      await reportPdf(blocks, svgs, { title: `Spinscope reproduction (${plan.budget.name})` }),
    );
    // report.json last: it is the mark that the report is complete and matches it.
    writeIfChanged(files[0], json);
    reportWritten = true;
  }
  reportStage.update(1, reportWritten ? 'report written' : 'report unchanged');
  timed('report', null);
  return {
    project,
    plan,
    report,
    work: {
      trained: trained.trained,
      resumed: trained.resumed,
      checkpointsAnalysed: swept.computed,
      phaseDiagrams: phases.computed,
      spectra: spectra.computed,
      figures: figures.written,
      reportWritten,
    },
    stageSeconds,
    seconds: (performance.now() - started) / 1000,
  };
}
