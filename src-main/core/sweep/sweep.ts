/**
 * Sweeps over training time (science.md §4–§5): the TAP T_c, phase and λ_min(T) of every
 * checkpoint of a run, and the power law T_c(t) = b·t^a; across seeds, mean ± 95% CI.
 *
 *   resolve the paths (targets.ts) → look every checkpoint up in its cache (cache.ts) → analyse
 *   the missing and stale ones with an analyzer (analyzers.ts: in process, or jobs in worker
 *   processes), caching each as it arrives → assemble the reports (report.ts) and fit (powerLaw.ts).
 *
 * The reports depend only on the checkpoints and the settings; results are placed by index, never
 * by arrival, so serial, parallel and cached sweeps print the same JSON.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../project/atomic.ts';
import { estimateEta, type JobProgress } from '../jobs/job.ts';
import type { AnalysisReport } from '../spin/analysis.ts';
import { CancelledError } from '../util/cancel.ts';
import type { AnalyzeOptions, CheckpointAnalyzer } from './analyzers.ts';
import { DEFAULT_SETTINGS, fileFacts, SweepCache, type AnalysisSettings, type FileFacts } from './cache.ts';
import { fitPowerLaw, formatFitWindow, type FitWindow } from './powerLaw.ts';
import {
  mergeWarnings,
  seedGroups,
  SWEEP_SCHEMA,
  SWEEP_SET_SCHEMA,
  type SweepCheckpoint,
  type SweepFailure,
  type SweepReport,
  type SweepSetReport,
  type SweepSettings,
} from './report.ts';
import { resolveTargets, type ResolvedTargets, type SweepTarget } from './targets.ts';

export interface SweepOptions {
  /** Analysis settings (defaults: DEFAULT_SETTINGS, as `spinscope analyze`). */
  settings?: Partial<AnalysisSettings>;
  /** Checkpoints of the power-law fit (default: every step > 0). */
  window?: FitWindow;
  /** 'use' (default): read and write the cache; 'refresh': recompute all, then write; 'off': neither. */
  cache?: 'use' | 'refresh' | 'off';
  /** Put each checkpoint's λ_min(T) curve into the report. */
  curves?: boolean;
  /** Who analyses the checkpoints that are not cached. */
  analyzer: CheckpointAnalyzer;
  signal?: AbortSignal;
  progress?(p: JobProgress): void;
  /** Lines for the user that are not part of the report (cache misses, write failures, …). */
  log?(line: string): void;
  /** Spinscope version in the cache keys (default: this one's; tests change it). */
  version?: string;
  /**
   * Write each run's report to its cache folder as sweep.json (default true). A shard (shard.ts)
   * sees only part of each run, so its partial reports must not replace the run's full one.
   */
  writeReports?: boolean;
}

export interface SweepStats {
  /** Checkpoints in the sweep. */
  checkpoints: number;
  /** Answered by the cache. */
  cached: number;
  /** Analysed now (including failures). */
  computed: number;
  /** Cache entries found but out of date (recomputed). */
  stale: number;
  failed: number;
}

export interface SweepOutcome {
  /** A single report for one run or folder, a set report for several runs or a project. */
  report: SweepReport | SweepSetReport;
  /** The report of each run. */
  reports: SweepReport[];
  stats: SweepStats;
}

interface Slot {
  target: SweepTarget;
  step: number;
  path: string;
  file: string;
  cache: SweepCache | null;
  facts: FileFacts | null;
  report: AnalysisReport | null;
  error: string | null;
}

/** Sweeps the folders at `paths` (run folders, checkpoint folders, or one project): see the file comment. */
export async function sweep(paths: readonly string[], opts: SweepOptions): Promise<SweepOutcome> {
  return sweepTargets(resolveTargets(paths), opts);
}

export async function sweepTargets(
  resolved: ResolvedTargets & { notes?: string[] },
  opts: SweepOptions,
): Promise<SweepOutcome> {
  const settings: AnalysisSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const window: FitWindow = opts.window ?? { kind: 'all' };
  const mode = opts.cache ?? 'use';
  const log = opts.log ?? (() => undefined);
  const stats: SweepStats = { checkpoints: 0, cached: 0, computed: 0, stale: 0, failed: 0 };

  // 1. Every checkpoint: from the cache, or a task.
  const slots: Slot[] = [];
  const todo: number[] = [];
  for (const target of resolved.targets) {
    const cache = mode === 'off' ? null : new SweepCache(target.cacheDir, { version: opts.version });
    for (const c of target.checkpoints) {
      const slot: Slot = {
        target,
        step: c.step,
        path: c.path,
        file: c.file,
        cache,
        facts: null,
        report: null,
        error: null,
      };
      slots.push(slot);
      if (cache && mode === 'use') {
        const found = cache.lookup(c.step, c.path, settings);
        if (found.status === 'hit') {
          slot.report = found.report;
          stats.cached++;
          continue;
        }
        if (found.status === 'stale') {
          stats.stale++;
          log(`${c.path}: the cached analysis is out of date (${found.reason}); recomputing`);
        }
      }
      if (cache) {
        try {
          slot.facts = fileFacts(c.path);
        } catch (e) {
          slot.error = `${c.path} cannot be read: ${(e as Error).message}`;
          continue;
        }
      }
      todo.push(slots.length - 1);
    }
  }
  stats.checkpoints = slots.length;

  // 2. Analyse what is missing, caching each result as it arrives.
  const models = todo.map((i) => slots[i].path);
  const fractions = new Float64Array(models.length);
  const started = performance.now();
  let finished = 0;
  const unwritable = new Set<string>();
  const report = (): void => {
    const done = fractions.reduce((s, f) => s + f, 0);
    const fraction = models.length ? done / models.length : 1;
    opts.progress?.({
      fraction,
      message: `${finished}/${models.length} checkpoints analysed${stats.cached ? `, ${stats.cached} from the cache` : ''}`,
      etaSeconds: estimateEta(fraction, started),
    });
  };
  if (models.length > 0) {
    report();
    try {
      await opts.analyzer(
        { models, options: analyzeOptions(settings) },
        {
          signal: opts.signal,
          onProgress: (i, f) => {
            fractions[i] = Math.min(1, Math.max(fractions[i], f));
            report();
          },
          onResult: (i, outcome) => {
            const slot = slots[todo[i]];
            fractions[i] = 1;
            finished++;
            stats.computed++;
            if (outcome.error !== undefined) slot.error = outcome.error;
            else {
              slot.report = outcome.report;
              store(slot, settings, unwritable, log);
            }
            report();
          },
        },
      );
    } catch (e) {
      if (e instanceof CancelledError || (e as Error).name === 'CancelledError') {
        throw new CancelledError(
          `cancelled: ${finished} of ${models.length} checkpoints analysed${mode === 'off' ? '' : ' and cached; run the same command again to continue'}`,
        );
      }
      throw e;
    }
  }

  // 3. The reports.
  const sweepSettings: SweepSettings = { ...settings, window: formatFitWindow(window) };
  const reports = resolved.targets.map((target) =>
    runReport(
      target,
      slots.filter((s) => s.target === target),
      sweepSettings,
      window,
      opts.curves ?? false,
    ),
  );
  stats.failed = reports.reduce((n, r) => n + r.failures.length, 0);
  if (mode !== 'off' && opts.writeReports !== false) {
    for (const r of reports) {
      const dir = resolved.targets.find((t) => t.dir === r.run.dir)!.cacheDir;
      if (unwritable.has(dir)) continue;
      try {
        // Without curves: they are in the .npy files next to it.
        const checkpoints = r.checkpoints.map(({ curve: _curve, ...c }) => c);
        writeJsonAtomic(join(dir, 'sweep.json'), { ...r, checkpoints });
      } catch (e) {
        log(`the sweep report could not be cached: ${(e as Error).message}`);
      }
    }
  }
  if (resolved.mode === 'single') return { report: reports[0], reports, stats };
  const set: SweepSetReport = {
    schema: SWEEP_SET_SCHEMA,
    project: resolved.project,
    settings: sweepSettings,
    runs: reports,
    groups: seedGroups(reports),
    warnings: [...(resolved.notes ?? [])],
  };
  return { report: set, reports, stats };
}

/** The `analyze` job kind's options for these settings (tMin only when set). */
function analyzeOptions(s: AnalysisSettings): AnalyzeOptions {
  return {
    ...(s.tMin !== null ? { tMin: s.tMin } : {}),
    epsilon: s.epsilon,
    spectrumCount: s.spectrumCount,
  };
}

/** Caches one result unless the file changed while it was analysed; a cache that cannot be written is reported once. */
function store(
  slot: Slot,
  settings: AnalysisSettings,
  unwritable: Set<string>,
  log: (line: string) => void,
): void {
  const { cache, facts, report } = slot;
  if (!cache || !facts || !report || unwritable.has(cache.dir)) return;
  try {
    const now = statSync(slot.path);
    if (now.size !== facts.size || now.mtimeMs !== facts.mtimeMs) {
      log(`${slot.path} changed while it was analysed: the result is used but not cached`);
      return;
    }
    cache.store(slot.step, slot.file.split('/').pop()!, facts, settings, report);
  } catch (e) {
    unwritable.add(cache.dir);
    log(`analyses are not cached in ${cache.dir}: ${(e as Error).message}`);
  }
}

function runReport(
  target: SweepTarget,
  slots: Slot[],
  settings: SweepSettings,
  window: FitWindow,
  curves: boolean,
): SweepReport {
  const byStep = new Map(target.checkpoints.map((c) => [c.step, c]));
  const checkpoints: SweepCheckpoint[] = [];
  const failures: SweepFailure[] = [];
  const perStep: { step: number; warnings: string[] }[] = [];
  for (const s of slots) {
    if (!s.report) {
      failures.push({ step: s.step, file: s.file, message: s.error ?? 'not analysed' });
      continue;
    }
    const r = s.report;
    const c = byStep.get(s.step)!;
    checkpoints.push({
      step: s.step,
      tc: r.tap.tc,
      phase: r.tap.phase,
      minLambda: r.tap.minLambda,
      replicaTc: r.replica.tc,
      argminT: r.tap.argminT,
      epoch: c.epoch,
      testAccuracy: c.testAccuracy,
      top: r.spectrum.top,
      file: s.file,
      ...(curves ? { curve: { T: r.tap.curve.T, lambda: r.tap.curve.lambda } } : {}),
    });
    perStep.push({ step: s.step, warnings: r.warnings });
  }
  const warnings = [...target.notes, ...mergeWarnings(perStep)];
  const first = slots.find((s) => s.report)?.report ?? null;
  const layers = new Set(slots.filter((s) => s.report).map((s) => s.report!.model.layers.join('-')));
  if (layers.size > 1)
    warnings.push(`the checkpoints have different layer widths (${[...layers].join(', ')})`);
  const fit = fitPowerLaw(checkpoints, window);
  if (fit.problem !== null) warnings.push(`no power-law fit: ${fit.problem}`);
  return {
    schema: SWEEP_SCHEMA,
    run: { id: target.id, dir: target.dir, kind: target.kind, config: target.config },
    model: first ? { ...first.model } : null,
    settings,
    checkpoints,
    powerLaw: fit.fit,
    failures,
    warnings,
  };
}
