/**
 * `spinscope reproduce`: the paper's findings in one command (core/reproduce/pipeline.ts). Train
 * jobs, phase diagrams and spectra run in worker processes through the job supervisor (fork host),
 * the sweep's checkpoints too; one progress line with the ETA for the whole pipeline. Ctrl-C stops
 * the jobs (training saves its resume point); running the same command again continues.
 */
import type { JobProgress } from '../core/jobs/job.ts';
import type { CheckpointAnalyzer } from '../core/sweep/analyzers.ts';
import { fmt } from '../core/reproduce/claims.ts';
import type { ReproduceOutcome } from '../core/reproduce/pipeline.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { terminalProgress } from './progress.ts';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary:
    'the paper in one command: train ReLU and binarized nets, sweep, phase diagrams, spectra, figures and a report (HTML + PDF) with the claims checked',
  usage: 'reproduce --out DIR [--budget quick|paper|tiny] [--seeds N] [--jobs N] [--json]',
  options: {
    out: { type: 'string', description: 'the project folder to create or continue (required)' },
    budget: {
      type: 'string',
      description:
        'quick (default: 784-128³-10, 2 seeds, 1 epoch, 30 checkpoints), paper (784-512³-10, 3 seeds, 5 epochs, 60) or tiny (for tests)',
    },
    seeds: { type: 'string', description: 'seeds per activation (default: the budget’s)' },
    jobs: { type: 'string', description: 'jobs at once, each in a worker process (default: cores − 1)' },
    json: { type: 'boolean', description: 'print report.json instead of the summary' },
  },
  async run({ positionals, values }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (typeof values.out !== 'string') throw new UsageError('--out DIR is required');
    const { BUDGET_NAMES } = await import('../core/reproduce/budget.ts');
    const budget = (values.budget ?? 'quick') as (typeof BUDGET_NAMES)[number];
    if (!BUDGET_NAMES.includes(budget))
      throw new UsageError(`--budget must be one of ${BUDGET_NAMES.join(', ')}`);
    let seeds: number | undefined;
    if (values.seeds !== undefined) {
      seeds = Number(values.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100)
        throw new UsageError('--seeds must be a whole number from 1 to 100');
    }
    const { defaultConcurrency, JobSupervisor } = await import('../jobs/supervisor.ts');
    const { availableParallelism } = await import('node:os');
    let jobs = defaultConcurrency();
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      // At most one job per core: each job is single-threaded numerical work.
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > availableParallelism())
        throw new UsageError(`--jobs must be a whole number from 1 to ${availableParallelism()} (the cores)`);
    }
    const { createForkHost } = await import('../jobs/forkHost.ts');
    const { supervisedRunner } = await import('../core/reproduce/runner.ts');
    const { supervisedAnalyzer } = await import('../core/sweep/analyzers.ts');
    const { reproduce } = await import('../core/reproduce/pipeline.ts');
    const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: jobs });
    const analyzer: CheckpointAnalyzer = (request, callbacks) =>
      supervisedAnalyzer(supervisor, { concurrency: Math.min(jobs, request.models.length) })(
        request,
        callbacks,
      );
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = terminalProgress('reproduce');
    try {
      const outcome = await reproduce({
        out: values.out,
        budget,
        seeds,
        runner: supervisedRunner(supervisor, jobs),
        analyzer,
        signal: controller.signal,
        progress: (p: JobProgress) => progress.update(p.fraction, p.message, p.etaSeconds ?? undefined),
        log: (line) => {
          progress.done();
          console.error(`spinscope reproduce: ${line}`);
        },
      });
      progress.done();
      if (values.json) console.log(JSON.stringify(outcome.report, null, 2));
      else console.log(summary(outcome));
      return 0;
    } catch (e) {
      progress.done();
      if ((e as Error).name === 'CancelledError') {
        console.error(
          `spinscope reproduce: stopped; finished work is kept — run the same command again to continue`,
        );
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await supervisor.shutdown();
    }
  },
};

function summary(o: ReproduceOutcome): string {
  const r = o.report;
  const w = o.work;
  const did = [
    w.trained.length ? `trained ${w.trained.length}` : '',
    w.resumed.length ? `resumed ${w.resumed.length}` : '',
    w.checkpointsAnalysed ? `${w.checkpointsAnalysed} checkpoints analysed` : '',
    w.phaseDiagrams ? `${w.phaseDiagrams} phase diagrams` : '',
    w.spectra ? `${w.spectra} spectra` : '',
    w.figures ? `${w.figures} figures drawn` : '',
    w.reportWritten ? 'report written' : '',
  ].filter(Boolean);
  const lines = [`${o.project}: budget ${o.plan.budget.name}, ${o.plan.runs.length} runs`, ''];
  for (const x of r.runs) {
    lines.push(
      `  ${x.id.padEnd(12)} T_c(0) replica ${fmt(x.init.replicaTc)}, TAP ${fmt(x.init.tapTc)} (${x.init.phase}); ` +
        `glass → order at step ${x.glassToOrderStep ?? '–'}; final T_c ${fmt(x.final.tapTc)}, test accuracy ${x.final.testAccuracy === null ? '–' : fmt(100 * x.final.testAccuracy, 3) + '%'}`,
    );
  }
  for (const a of r.activations) {
    const e = a.exponent;
    lines.push(
      `  ${a.activation.padEnd(12)} T_c ∝ t^a, a = ${fmt(e?.mean)}${e?.ci95 ? ` (95% CI ${fmt(e.ci95[0])} … ${fmt(e.ci95[1])})` : ''} over steps ${a.window?.join('–') ?? '–'}`,
    );
  }
  lines.push('');
  for (const c of r.claims) lines.push(`  ${c.supported ? 'yes' : 'NO '}  ${c.claim}`);
  lines.push(
    '',
    `report: ${o.project}/report.html, report.pdf, report.json; ${did.length ? did.join(', ') : 'nothing to do (everything was done before)'}; ${o.seconds.toFixed(1)} s` +
      ` (${Object.entries(o.stageSeconds)
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')})`,
  );
  return lines.join('\n');
}
