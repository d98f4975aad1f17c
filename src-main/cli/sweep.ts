/**
 * `spinscope sweep`: T_c, phase and λ_min(T) of every checkpoint of a run, cached in the project's
 * (or the run's) analyses/, computed in parallel worker processes, and the power law T_c(t) = b·t^a;
 * with several runs of one config, mean ± 95% CI across seeds (core/sweep/). Ctrl-C cancels: the
 * checkpoints analysed so far stay cached and the next run continues from them.
 */
import type { SweepReport, SweepSetReport } from '../core/sweep/report.ts';
import type { JobSupervisor } from '../jobs/supervisor.ts';
import type { SweepStats } from '../core/sweep/sweep.ts';
import type { CheckpointAnalyzer } from '../core/sweep/analyzers.ts';
import type { JobProgress } from '../core/jobs/job.ts';
import type { Shard } from '../core/sweep/shard.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { formatNumber, table } from './format.ts';
import { terminalProgress } from './progress.ts';

export const sweepCommand: Command = {
  name: 'sweep',
  summary:
    'T_c, phase and λ_min(T) of every checkpoint (cached, in parallel) and the power law T_c(t) = b·t^a; mean ± 95% CI across seeds',
  usage:
    'sweep RUN_DIR [RUN_DIR …] [--json] [--window FROM:TO|ordered] [--jobs N] [--tmin T] [--epsilon E] [--top N]\n' +
    '       spinscope sweep PROJECT_DIR      every run of the project, grouped by config minus seed\n' +
    '       spinscope sweep DIR              any folder holding step-*.onnx checkpoints\n' +
    '       spinscope sweep PROJECT_DIR --shard i/n [--scratch DIR]   one shard, e.g. one SLURM array task (spinscope slurm)',
  options: {
    json: {
      type: 'boolean',
      description: 'print the sweep report as JSON (spinscope.sweep/1; several runs: spinscope.sweep-set/1)',
    },
    window: {
      type: 'string',
      description:
        "steps of the power-law fit: FROM:TO (inclusive, either may be empty), 'ordered' or 'all' (default: every step > 0)",
    },
    jobs: {
      type: 'string',
      description:
        'checkpoints analysed at once, each in a worker process (default: cores − 1; 1 runs in this process)',
    },
    tmin: { type: 'string', description: 'lowest temperature of the TAP scan (default: replica T_c / 4)' },
    epsilon: { type: 'string', description: 'ordered if min λ_min < −epsilon (default 0)' },
    top: {
      type: 'string',
      description: 'how many of the largest eigenvalues of J per checkpoint (default 10)',
    },
    curves: { type: 'boolean', description: "put each checkpoint's λ_min(T) curve into the JSON report" },
    recompute: {
      type: 'boolean',
      description: 'analyse every checkpoint again, replacing the cached analyses',
    },
    'no-cache': { type: 'boolean', description: 'neither read nor write cached analyses' },
    shard: {
      type: 'string',
      description:
        'i/n: analyse only shard i (0 … n−1) of n, a fixed share of the checkpoints, and write its manifest; merge the shards with spinscope merge',
    },
    scratch: {
      type: 'string',
      description:
        "with --shard: write the shard's analyses and manifest to DIR/shard-i-of-n/ instead of the project's analyses/ (no shared filesystem)",
    },
  },
  async run({ positionals, values }) {
    if (positionals.length === 0)
      throw new UsageError('expected a run folder, a folder of step-*.onnx checkpoints or a project');
    const settings = {
      tMin: positiveNumber(values.tmin, 'tmin') ?? null,
      epsilon: values.epsilon === undefined ? 0 : Number(values.epsilon),
      spectrumCount: values.top === undefined ? 10 : Number(values.top),
    };
    if (!(settings.epsilon >= 0) || !Number.isFinite(settings.epsilon))
      throw new UsageError('--epsilon must be a number ≥ 0');
    if (!Number.isInteger(settings.spectrumCount) || settings.spectrumCount < 1)
      throw new UsageError('--top must be a positive integer');
    if (values.recompute && values['no-cache'])
      throw new UsageError('--recompute and --no-cache exclude each other');
    if (values.scratch !== undefined && values.shard === undefined)
      throw new UsageError('--scratch goes with --shard i/n');
    if (values.shard !== undefined && (values.recompute || values['no-cache'] || values.curves))
      throw new UsageError(
        '--shard writes to the cache: it goes without --recompute, --no-cache and --curves',
      );
    const { defaultConcurrency } = await import('../jobs/supervisor.ts');
    let jobs = defaultConcurrency();
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
        throw new UsageError('--jobs must be a whole number from 1 to 256');
    }
    const { FitWindowError, parseFitWindow } = await import('../core/sweep/powerLaw.ts');
    let window;
    try {
      window = values.window === undefined ? undefined : parseFitWindow(values.window as string);
    } catch (e) {
      if (e instanceof FitWindowError) throw new UsageError(`--${e.message}`);
      throw e;
    }

    const { parseShard, sweepShard } = await import('../core/sweep/shard.ts');
    const { SweepError } = await import('../core/sweep/targets.ts');
    let shard: Shard | null;
    try {
      shard = values.shard === undefined ? null : parseShard(values.shard as string);
    } catch (e) {
      if (e instanceof SweepError) throw new UsageError(e.message);
      throw e;
    }
    const { resolveTargets } = await import('../core/sweep/targets.ts');
    const { sweepTargets } = await import('../core/sweep/sweep.ts');
    const { inProcessAnalyzer, supervisedAnalyzer } = await import('../core/sweep/analyzers.ts');
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = terminalProgress('sweep');
    const started = performance.now();
    // Worker processes, started only when more than one checkpoint is to be analysed at a time.
    const pool: { supervisor: JobSupervisor | null; workers: number } = { supervisor: null, workers: 0 };
    const common = {
      settings,
      signal: controller.signal,
      progress: (p: JobProgress) => progress.update(p.fraction, p.message, p.etaSeconds ?? undefined),
      log: (line: string) => {
        progress.done();
        console.error(`spinscope sweep: ${line}`);
      },
      // One checkpoint, or one job at a time: in this process (no worker start-up); else worker processes.
      analyzer: (async (request, callbacks) => {
        if (jobs === 1 || request.models.length === 1) return inProcessAnalyzer()(request, callbacks);
        const { JobSupervisor } = await import('../jobs/supervisor.ts');
        const { createForkHost } = await import('../jobs/forkHost.ts');
        pool.workers = Math.min(jobs, request.models.length);
        pool.supervisor = new JobSupervisor({ host: createForkHost(), concurrency: pool.workers });
        return supervisedAnalyzer(pool.supervisor, { concurrency: pool.workers })(request, callbacks);
      }) satisfies CheckpointAnalyzer,
    };
    try {
      if (shard) {
        const scratch = typeof values.scratch === 'string' ? values.scratch : null;
        const done = await sweepShard(positionals, shard, { ...common, scratch });
        progress.done();
        const seconds = (performance.now() - started) / 1000;
        if (values.json) console.log(JSON.stringify(done.manifest));
        else {
          console.log(
            `shard ${shard.index}/${shard.count} of ${positionals.join(' ')}: ${summary(done.sweep.stats, seconds, pool.workers)}`,
          );
          console.log(`manifest: ${done.folder}/shard.json`);
        }
        return done.sweep.stats.failed > 0 ? 1 : 0;
      }
      // Notes about the folders (a missing checkpoint, …) are the report's warnings.
      const resolved = resolveTargets(positionals);
      const outcome = await sweepTargets(resolved, {
        ...common,
        window,
        cache: values['no-cache'] ? 'off' : values.recompute ? 'refresh' : 'use',
        curves: values.curves === true,
      });
      progress.done();
      const seconds = (performance.now() - started) / 1000;
      if (values.json) console.log(JSON.stringify(outcome.report));
      else {
        console.log(readable(outcome.report));
        console.log(`\n${summary(outcome.stats, seconds, pool.workers)}`);
      }
      return outcome.stats.failed > 0 ? 1 : 0;
    } catch (e) {
      progress.done();
      const name = (e as Error).name;
      if (name === 'CancelledError') {
        console.error(`spinscope sweep: ${(e as Error).message}`);
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await pool.supervisor?.shutdown();
    }
  },
};

function positiveNumber(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`--${name} must be a positive number`);
  return x;
}

function summary(s: SweepStats, seconds: number, workers: number): string {
  const how = s.computed === 0 ? '' : workers > 1 ? ` in ${workers} worker processes` : ' in this process';
  return (
    `${s.checkpoints} checkpoints: ${s.cached} from the cache, ${s.computed} analysed${how}` +
    `${s.failed ? `, ${s.failed} failed` : ''}; ${seconds.toFixed(1)} s`
  );
}

function ci(x: [number, number] | null): string {
  return x ? `[${formatNumber(x[0], 4)}, ${formatNumber(x[1], 4)}]` : '–';
}

function powerLawLine(r: SweepReport): string {
  const f = r.powerLaw;
  if (!f) return '  power law  none';
  const se =
    f.exponentStderr === null
      ? ''
      : ` ± ${formatNumber(f.exponentStderr, 3)} (s.e.), 95% CI ${ci(f.exponentCi95)}`;
  return (
    `  power law  T_c = ${formatNumber(f.prefactor, 5)} · step^${formatNumber(f.exponent, 5)}${se}\n` +
    `             steps ${f.window[0]}–${f.window[1]} (${f.n} checkpoints, window '${r.settings.window}'), R² = ${f.r2.toFixed(4)}`
  );
}

function runTitle(r: SweepReport): string {
  const c = r.run.config;
  const what = c
    ? `${c.activation} ${c.arch.join('-')}, seed ${c.seed}`
    : r.model
      ? r.model.layers.join('-')
      : '';
  return `${r.run.dir}  (${what}${what ? '; ' : ''}${r.checkpoints.length} checkpoints)`;
}

function readableRun(r: SweepReport): string {
  const rows = r.checkpoints.map((c) => [
    c.step,
    c.epoch === null ? '–' : c.epoch.toFixed(3),
    formatNumber(c.tc, 6),
    c.phase,
    formatNumber(c.minLambda, 4),
    formatNumber(c.replicaTc, 6),
    c.top.length ? c.top[0].toFixed(4) : '–',
    c.testAccuracy === null ? '–' : `${(100 * c.testAccuracy).toFixed(2)} %`,
  ]);
  const lines = [
    runTitle(r),
    table(rows, ['step', 'epoch', 'T_c (TAP)', 'phase', 'min λ_min', 'replica T_c', 'λ_max(J)', 'test acc']),
    '',
    powerLawLine(r),
  ];
  for (const f of r.failures) lines.push(`  failed     step ${f.step}: ${f.message}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function readable(report: SweepReport | SweepSetReport): string {
  if (report.schema === 'spinscope.sweep/1') return readableRun(report);
  const lines: string[] = [];
  for (const r of report.runs) {
    const f = r.powerLaw;
    lines.push(
      `${runTitle(r)}\n  exponent ${f ? formatNumber(f.exponent, 5) : '–'}${f?.exponentStderr != null ? ` ± ${formatNumber(f.exponentStderr, 3)}` : ''}` +
        `${r.failures.length ? `; ${r.failures.length} failed` : ''}`,
    );
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
  }
  for (const g of report.groups) {
    lines.push(
      '',
      `${g.label}: ${g.runs.length} run${g.runs.length > 1 ? 's' : ''} (seeds ${g.runs.map((r) => r.seed ?? r.id).join(', ')})`,
    );
    lines.push(
      table(
        g.tc.map((s) => [
          s.step,
          s.epoch === null ? '–' : s.epoch.toFixed(3),
          s.n,
          formatNumber(s.mean, 6),
          ci(s.ci95),
          `${s.ordered}/${s.n}`,
        ]),
        ['step', 'epoch', 'n', 'mean T_c', '95% CI', 'ordered'],
      ),
    );
    const e = g.exponent;
    lines.push(
      e
        ? `  exponent   ${formatNumber(e.mean, 5)} (mean of ${e.n}), 95% CI ${ci(e.ci95)}; prefactor ${formatNumber(g.prefactor!.mean, 5)} ${ci(g.prefactor!.ci95)}`
        : '  exponent   none (no run has a power-law fit)',
    );
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
