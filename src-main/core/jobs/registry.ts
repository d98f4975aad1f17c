/**
 * Every kind of job a worker can run (architecture.md, contract 2): a name, a zod schema for its
 * parameters and a plain async function `(params, ctx) => result`. The worker (src-main/workers)
 * looks the kind up here; nothing else about a job is special to the process it runs in.
 *
 * Paths in parameters must be absolute: a worker's working directory is not the user's.
 * The heavy modules (onnxruntime, the spin-model kernels) load only when a job needs them, so a
 * worker starts in a fraction of a second.
 *
 * The `test.*` kinds exist only when SPINSCOPE_TEST_JOBS=1 is set in the worker's environment:
 * they sleep, compute without yielding, fail, crash, exhaust the heap or hang on purpose, so the
 * supervisor can be tested with real processes.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { AnalysisReport } from '../spin/analysis.ts';
import type { SpectrumReport } from '../spectral/report.ts';
import type { ImportResult } from '../project/models.ts';
import type { SweepReport, SweepSetReport } from '../sweep/report.ts';
import type { PhaseDiagram } from '../spin/phaseDiagram.ts';
import type { BundleResult } from '../figures/bundle.ts';
import type { ReproduceJobResult } from '../reproduce/job.ts';
import { BUDGET_NAMES } from '../reproduce/budget.ts';
import { figureSpecSchema } from '../figures/spec.ts';
import type { MonteCarloReport } from '../montecarlo/report.ts';
import type { TrainRequest, TrainSummary } from '../train/run.ts';
import { CancelledError, throwIfCancelled } from '../util/cancel.ts';
import { estimateEta, type JobContext } from './job.ts';

/** Why a job could not even start: its kind or its parameters. */
export type JobRequestErrorCode = 'unknown-kind' | 'bad-params';

export class JobRequestError extends Error {
  override name = 'JobRequestError';
  constructor(
    readonly code: JobRequestErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const absolutePath = z
  .string()
  .min(1)
  .refine((p) => isAbsolute(p), { message: 'must be an absolute path' });

/**
 * `train`: a new run into an empty folder `dir` with `config` (any keys of a training config,
 * core/train/config.ts; the rest take their defaults), or `{dir, resume: true}` to continue the run
 * in `dir` from its last resume point. Result: the TrainSummary.
 */
export const trainParamsSchema = z
  .object({
    dir: absolutePath,
    config: z.record(z.string(), z.unknown()).optional(),
    resume: z.literal(true).optional(),
  })
  .strict()
  .refine((p) => (p.config === undefined) !== (p.resume === undefined), {
    message: 'give either config (a new run) or resume: true (continue the run in dir), not both',
  });

/**
 * `analyze`: the analysis report (contract 4) of the ONNX model at `model`; with `out`, also
 * written there as JSON, atomically. Options as `spinscope analyze` (tMin is a temperature T).
 *
 * With `models` instead of `model`, a batch (a sweep's checkpoints, core/sweep/): the models are
 * analysed one after the other in the same worker, which saves a process start and a JIT warm-up
 * per model (they cost more than analysing a 784-512³-10 network). The result is an
 * AnalyzeBatchResult, in the order of `models`; a model that cannot be analysed gets its error
 * message there and does not stop the others. Each report is exactly what `model` would give.
 */
export const analyzeParamsSchema = z
  .object({
    model: absolutePath.optional(),
    models: z.array(absolutePath).min(1).max(10_000).optional(),
    out: absolutePath.optional(),
    options: z
      .object({
        tMin: z.number().finite().positive().optional(),
        epsilon: z.number().finite().nonnegative().optional(),
        spectrumCount: z.number().int().positive().max(100_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => (p.model === undefined) !== (p.models === undefined), {
    message: 'give either model (one report) or models (a batch), not both',
  })
  .refine((p) => p.out === undefined || p.model !== undefined, {
    message: 'out goes with model: a batch (models) returns its reports',
  });

/** The result of an `analyze` job with `models`: one entry per model, in order. */
export interface AnalyzeBatchResult {
  reports: ({ report: AnalysisReport; error?: undefined } | { report?: undefined; error: string })[];
}

/**
 * `spectrum`: the spectrum report (`spinscope spectrum`) of the ONNX model at `model`; `reference`
 * is a model (e.g. step 0 of the run) whose λ_max of J is the bulk edge for outliers. With `out`,
 * also written there as JSON, atomically.
 */
export const spectrumParamsSchema = z
  .object({
    model: absolutePath,
    reference: absolutePath.optional(),
    out: absolutePath.optional(),
    options: z
      .object({
        bins: z.number().int().positive().max(100_000).optional(),
        logBins: z.number().int().positive().max(100_000).optional(),
        range: z.number().finite().positive().optional(),
        top: z.number().int().nonnegative().max(1000).optional(),
        method: z.enum(['auto', 'dense', 'slq']).optional(),
        denseLimit: z.number().int().positive().optional(),
        slq: z
          .object({
            probes: z.number().int().positive().max(10_000).optional(),
            steps: z.number().int().positive().max(10_000).optional(),
            seed: z.number().int().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * `tap`: the TAP-solution phase diagram (core/spin/phaseDiagram.ts, `spinscope.phaseDiagram/1`)
 * over `checkpoints` (ONNX models with their training step; one model is a one-row diagram) and a
 * temperature grid: `temperatures` (T, the same for every checkpoint) or `fractionsOfTc` (of each
 * checkpoint's own T_c), exactly one of them. With `out`, also written there as JSON, atomically.
 */
export const tapParamsSchema = z
  .object({
    checkpoints: z
      .array(z.object({ step: z.number().int().nonnegative(), model: absolutePath }).strict())
      .min(1)
      .max(10_000),
    temperatures: z.array(z.number().finite().positive()).min(1).max(1000).optional(),
    fractionsOfTc: z.array(z.number().finite().positive()).min(1).max(1000).optional(),
    /** Also sample Monte Carlo valleys in every cell below T_c (core/montecarlo/valleys.ts). */
    valleys: z.boolean().optional(),
    /** The valley sampler's effort (core/montecarlo/valleys.ts defaults: 32 copies, 500 + 1000 sweeps). */
    valleySampling: z
      .object({
        copies: z.number().int().min(2).max(1024).optional(),
        thermalize: z.number().int().nonnegative().max(10_000_000).optional(),
        measure: z.number().int().positive().max(10_000_000).optional(),
      })
      .strict()
      .optional(),
    out: absolutePath.optional(),
    options: z
      .object({
        starts: z.number().int().positive().max(100_000).optional(),
        seed: z.number().int().nonnegative().optional(),
        startAmplitude: z.number().positive().max(1).optional(),
        threshold: z.number().positive().max(1).optional(),
        tolerance: z.number().positive().max(1).optional(),
        maxIterations: z.number().int().positive().max(10_000_000).optional(),
        annealFrom: z
          .number()
          .finite()
          .refine((x) => x === 0 || x > 1, { message: 'must be 0 (no anneal) or a multiple of T_c above 1' })
          .optional(),
        dominance: z.number().positive().max(1).optional(),
        tMin: z.number().finite().positive().optional(),
        epsilon: z.number().finite().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => (p.temperatures === undefined) !== (p.fractionsOfTc === undefined), {
    message: 'give either temperatures (T) or fractionsOfTc, not both',
  });

export const testSleepParamsSchema = z
  .object({
    ms: z.number().int().nonnegative().max(3_600_000),
    steps: z.number().int().positive().max(100_000).default(10),
  })
  .strict();
export const testFailParamsSchema = z
  .object({ message: z.string().default('test.fail: the job failed on purpose') })
  .strict();
const noParams = z.object({}).strict();

export type TrainJobParams = z.input<typeof trainParamsSchema>;
/**
 * `import`: copies the ONNX model at `path` (with its external data) into the project at
 * `project`'s models/ and evaluates it on MNIST (core/project/models.ts). Result: the ImportResult.
 */
export const importParamsSchema = z
  .object({
    project: absolutePath,
    path: absolutePath,
    name: z.string().min(1).max(200).optional(),
    /** For the record when `path` is a temporary copy (an upload): what the file was. */
    source: z.string().min(1).max(4096).optional(),
  })
  .strict();

/**
 * `sweep`: `spinscope sweep` as a job — every checkpoint of the runs (or folders) at `paths`
 * analysed in this worker, read from and written to the sweep cache; result: the sweep report.
 */
export const sweepParamsSchema = z
  .object({
    paths: z.array(absolutePath).min(1).max(256),
    window: z.string().max(64).optional(),
    settings: z
      .object({
        tMin: z.number().finite().positive().nullable().optional(),
        epsilon: z.number().finite().nonnegative().optional(),
        spectrumCount: z.number().int().positive().max(100_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * `montecarlo`: parallel-tempering Monte Carlo on the spin model of the ONNX model at `model`
 * (core/montecarlo/, `spinscope montecarlo`); temperatures are T. With `out`, the report is also
 * written there as JSON, atomically. Result: the MonteCarloReport (`spinscope.montecarlo/1`).
 */
export const montecarloParamsSchema = z
  .object({
    model: absolutePath,
    out: absolutePath.optional(),
    tMin: z.number().finite().positive(),
    tMax: z.number().finite().positive(),
    temperatures: z.number().int().positive().max(1024).optional(),
    sweeps: z.number().int().min(40).max(100_000_000),
    thermalize: z.number().int().nonnegative().max(100_000_000).optional(),
    seed: z.number().int().nonnegative().optional(),
    update: z.enum(['metropolis', 'heatbath']).optional(),
    adaptive: z.boolean().optional(),
    backend: z.enum(['auto', 'ort', 'js']).optional(),
    threads: z.number().int().positive().max(256).optional(),
  })
  .strict()
  .refine((p) => p.tMax >= p.tMin, { message: 'tMax must not be below tMin' });

/**
 * `figure`: the figure bundle (core/figures/bundle.ts) of `spec` (`spinscope.figure/1`) written
 * into the folder `out` as `name.pdf`, `.svg`, `-300dpi.png`, `-600dpi.png`, `.csv`, `.json`.
 * Result: the files written (absolute paths) and the seconds per stage.
 */
export const figureParamsSchema = z
  .object({
    spec: figureSpecSchema,
    out: absolutePath,
    name: z.string().min(1).max(100),
    dpis: z.array(z.number().int().min(72).max(2400)).min(1).max(8).optional(),
  })
  .strict();

export type FigureJobParams = z.input<typeof figureParamsSchema>;

/**
 * `reproduce`: the pipeline of `spinscope reproduce` (core/reproduce/) into the project folder
 * `out`, its own jobs run inside this worker (core/reproduce/job.ts says why); starting it again
 * on the same folder resumes. Result: a ReproduceJobResult.
 */
export const reproduceParamsSchema = z
  .object({
    out: absolutePath,
    budget: z.enum(BUDGET_NAMES).default('quick'),
    seeds: z.number().int().min(1).max(100).optional(),
  })
  .strict();
export type ReproduceJobParams = z.input<typeof reproduceParamsSchema>;
export type AnalyzeJobParams = z.input<typeof analyzeParamsSchema>;
export type MonteCarloJobParams = z.input<typeof montecarloParamsSchema>;
export type SweepJobParams = z.input<typeof sweepParamsSchema>;
export type ImportJobParams = z.input<typeof importParamsSchema>;
export type TapJobParams = z.input<typeof tapParamsSchema>;
export type SpectrumJobParams = z.input<typeof spectrumParamsSchema>;
export type TestSleepJobParams = z.input<typeof testSleepParamsSchema>;

/** Parameters and results by kind, for callers that submit jobs with types. */
export interface JobTypes {
  train: { params: TrainJobParams; result: TrainSummary };
  analyze: { params: AnalyzeJobParams; result: AnalysisReport | AnalyzeBatchResult };
  import: { params: ImportJobParams; result: ImportResult };
  tap: { params: TapJobParams; result: PhaseDiagram };
  spectrum: { params: SpectrumJobParams; result: SpectrumReport };
  sweep: { params: SweepJobParams; result: SweepReport | SweepSetReport };
  montecarlo: { params: MonteCarloJobParams; result: MonteCarloReport };
  figure: { params: FigureJobParams; result: BundleResult };
  reproduce: { params: ReproduceJobParams; result: ReproduceJobResult };
  'test.sleep': { params: TestSleepJobParams; result: { sleptMs: number; steps: number } };
  'test.busy': { params: TestSleepJobParams; result: { busyMs: number; steps: number } };
  'test.crash': { params: Record<string, never>; result: never };
  'test.oom': { params: Record<string, never>; result: never };
  'test.hang': { params: Record<string, never>; result: never };
  'test.fail': { params: { message?: string }; result: never };
}
export type JobKindName = keyof JobTypes;

export const JOB_KINDS = [
  'train',
  'analyze',
  'import',
  'spectrum',
  'tap',
  'sweep',
  'montecarlo',
  'figure',
  'reproduce',
] as const;
export const TEST_JOB_KINDS = [
  'test.sleep',
  'test.busy',
  'test.crash',
  'test.oom',
  'test.hang',
  'test.fail',
] as const;

interface JobDefinition {
  params: z.ZodType;
  run(params: unknown, ctx: JobContext): Promise<unknown>;
}

/** Ties a schema to its function, so the function sees the parsed type. */
function job<S extends z.ZodType, R>(
  params: S,
  run: (params: z.output<S>, ctx: JobContext) => Promise<R>,
): JobDefinition {
  return { params, run: (p, ctx) => run(p as z.output<S>, ctx) };
}

const JOBS: Record<JobKindName, JobDefinition> = {
  train: job(trainParamsSchema, async (p, ctx) => {
    const { ConfigError, resolveConfig } = await import('../train/config.ts');
    let request: TrainRequest;
    if (p.resume) request = { dir: p.dir, resume: true };
    else {
      try {
        request = { dir: p.dir, config: resolveConfig(p.config ?? {}, 'train: config') };
      } catch (e) {
        if (e instanceof ConfigError) throw new JobRequestError('bad-params', e.message);
        throw e;
      }
    }
    const { trainRun } = await import('../train/run.ts'); // loads onnxruntime
    return trainRun(request, ctx);
  }),

  analyze: job(analyzeParamsSchema, async (p, ctx) => {
    if (p.models !== undefined) return analyzeBatch(p.models, p.options, ctx);
    ctx.progress?.({ fraction: 0, message: 'reading the model', etaSeconds: null });
    const { readOnnxFile } = await import('../onnx/reader.ts');
    const { analyzeNetwork } = await import('../spin/analysis.ts');
    const { writeJsonAtomicAsync } = await import('../project/atomic.ts');
    const model = await readOnnxFile(p.model!);
    // analyzeNetwork is synchronous: a cancel request is seen here and after it, not during it
    // (the supervisor's kill after the grace time covers that; nothing is half-written).
    await delay(0);
    throwIfCancelled(ctx.signal);
    const started = performance.now();
    const report = analyzeNetwork(model.network, {
      ...p.options,
      signal: ctx.signal,
      onProgress: (fraction, message) =>
        ctx.progress?.({ fraction, message, etaSeconds: estimateEta(fraction, started) }),
    });
    report.warnings.unshift(...model.warnings);
    if (p.out !== undefined) {
      await mkdir(dirname(p.out), { recursive: true });
      await writeJsonAtomicAsync(p.out, report);
      ctx.log?.(`wrote ${p.out}`);
    }
    return report;
  }),

  import: job(importParamsSchema, async (p, ctx) => {
    ctx.progress?.({ fraction: 0, message: `reading ${p.path}`, etaSeconds: null });
    const { importModel } = await import('../project/models.ts'); // loads onnxruntime
    const result = await importModel(p.project, p.path, { name: p.name, source: p.source });
    ctx.log?.(`imported ${p.path} as ${result.file}`);
    for (const w of result.warnings) ctx.log?.(`warning: ${w}`);
    return result;
  }),

  spectrum: job(spectrumParamsSchema, async (p, ctx) => {
    ctx.progress?.({ fraction: 0, message: 'reading the model', etaSeconds: null });
    const { readOnnxFile } = await import('../onnx/reader.ts');
    const { spectrumReport } = await import('../spectral/report.ts');
    const { writeJsonAtomicAsync } = await import('../project/atomic.ts');
    const model = await readOnnxFile(p.model);
    const reference = p.reference === undefined ? undefined : await readOnnxFile(p.reference);
    // Synchronous like analyze: cancel is seen between the stages.
    await delay(0);
    throwIfCancelled(ctx.signal);
    const started = performance.now();
    const report = spectrumReport(model.network, {
      ...p.options,
      reference: reference?.network,
      signal: ctx.signal,
      onProgress: (fraction, message) =>
        ctx.progress?.({ fraction, message, etaSeconds: estimateEta(fraction, started) }),
    });
    report.warnings.unshift(...model.warnings, ...(reference?.warnings ?? []));
    if (p.out !== undefined) {
      await mkdir(dirname(p.out), { recursive: true });
      await writeJsonAtomicAsync(p.out, report);
      ctx.log?.(`wrote ${p.out}`);
    }
    return report;
  }),

  tap: job(tapParamsSchema, async (p, ctx) => {
    ctx.progress?.({ fraction: 0, message: 'reading the models', etaSeconds: null });
    const { readOnnxFile } = await import('../onnx/reader.ts');
    const { phaseDiagram } = await import('../spin/phaseDiagram.ts');
    const { writeJsonAtomicAsync } = await import('../project/atomic.ts');
    const checkpoints = [];
    for (const c of p.checkpoints) {
      checkpoints.push({ step: c.step, network: (await readOnnxFile(c.model)).network });
      await delay(0);
      throwIfCancelled(ctx.signal);
    }
    const grid = p.temperatures ? { temperatures: p.temperatures } : { fractionsOfTc: p.fractionsOfTc! };
    // Synchronous like analyze: cancel is seen between checkpoints and starts (the signal is polled).
    const started = performance.now();
    // With valleys, the TAP part is the first half of the progress bar and the sampling the second.
    const tapShare = p.valleys === true ? 0.5 : 1;
    const diagram = phaseDiagram(checkpoints, grid, {
      ...p.options,
      signal: ctx.signal,
      onProgress: (fraction, message) =>
        ctx.progress?.({
          fraction: tapShare * fraction,
          message,
          etaSeconds: estimateEta(tapShare * fraction, started),
        }),
    });
    if (p.valleys === true) {
      const { sampleValleys } = await import('../montecarlo/valleys.ts');
      const { withValleys } = await import('../spin/tapAnalysis.ts');
      const cells = diagram.checkpoints.flatMap((row, r) =>
        row.cells.map((cell, c) => ({ r, c, cell })).filter((x) => x.cell.hessian !== 'paramagnet'),
      );
      for (let i = 0; i < cells.length; i++) {
        const { r, c, cell } = cells[i];
        const row = diagram.checkpoints[r];
        const { report } = await sampleValleys(checkpoints[r].network, {
          ...p.valleySampling,
          temperature: cell.T,
          seed: p.options?.seed ?? 0,
          signal: ctx.signal,
          onProgress: (f) => {
            const fraction = tapShare + (1 - tapShare) * ((i + f) / cells.length);
            ctx.progress?.({
              fraction,
              message: `step ${row.step}: Monte Carlo valleys at T = ${cell.T.toPrecision(4)}`,
              etaSeconds: estimateEta(fraction, started),
            });
          },
        });
        row.cells[c] = withValleys(cell, report);
      }
    }
    if (p.out !== undefined) {
      await mkdir(dirname(p.out), { recursive: true });
      await writeJsonAtomicAsync(p.out, diagram);
      ctx.log?.(`wrote ${p.out}`);
    }
    return diagram;
  }),

  sweep: job(sweepParamsSchema, async (p, ctx) => {
    const { sweep } = await import('../sweep/sweep.ts');
    const { inProcessAnalyzer } = await import('../sweep/analyzers.ts');
    const { FitWindowError, parseFitWindow } = await import('../sweep/powerLaw.ts');
    let window;
    try {
      window = p.window === undefined ? undefined : parseFitWindow(p.window);
    } catch (e) {
      if (e instanceof FitWindowError) throw new JobRequestError('bad-params', e.message);
      throw e;
    }
    const outcome = await sweep(p.paths, {
      analyzer: inProcessAnalyzer(),
      window,
      settings: p.settings,
      signal: ctx.signal,
      progress: ctx.progress,
      log: ctx.log,
    });
    return outcome.report;
  }),

  montecarlo: job(montecarloParamsSchema, async (p, ctx) => {
    ctx.progress?.({ fraction: 0, message: 'reading the model', etaSeconds: null });
    const { readOnnxFile } = await import('../onnx/reader.ts');
    const { runMonteCarlo } = await import('../montecarlo/simulation.ts');
    const { MonteCarloError } = await import('../montecarlo/report.ts');
    const { writeJsonAtomicAsync } = await import('../project/atomic.ts');
    const { model: _model, out, ...options } = p;
    const model = await readOnnxFile(p.model);
    const started = performance.now();
    let result;
    try {
      // The sampler yields to the event loop every few tens of milliseconds: cancel is seen within a sweep or so.
      result = await runMonteCarlo(model.network, {
        ...options,
        signal: ctx.signal,
        onProgress: (fraction, message) =>
          ctx.progress?.({ fraction, message, etaSeconds: estimateEta(fraction, started) }),
      });
    } catch (e) {
      if (e instanceof MonteCarloError) throw new JobRequestError('bad-params', e.message);
      throw e;
    }
    const { report, timing } = result;
    report.warnings.unshift(...model.warnings);
    ctx.log?.(
      `${(timing.spinUpdates / 1e6).toFixed(1)} M spin updates in ${timing.seconds.toFixed(1)} s (${(timing.spinUpdatesPerSecond / 1e6).toFixed(1)} M/s)`,
    );
    if (out !== undefined) {
      await mkdir(dirname(out), { recursive: true });
      await writeJsonAtomicAsync(out, report);
      ctx.log?.(`wrote ${out}`);
    }
    return report;
  }),

  figure: job(figureParamsSchema, async (p, ctx) => {
    const { checkFigureName, exportFigureBundle, FigureNameError } = await import('../figures/bundle.ts');
    const { parseFigureSpec } = await import('../figures/spec.ts');
    try {
      checkFigureName(p.name);
    } catch (e) {
      if (e instanceof FigureNameError) throw new JobRequestError('bad-params', e.message);
      throw e;
    }
    const started = performance.now();
    const result = await exportFigureBundle(parseFigureSpec(p.spec, 'figure: spec'), p.out, p.name, {
      dpis: p.dpis,
      onProgress: (fraction, message) =>
        ctx.progress?.({ fraction, message, etaSeconds: estimateEta(fraction, started) }),
    });
    ctx.log?.(`wrote ${result.files.length} files to ${p.out}`);
    return result;
  }),

  reproduce: job(reproduceParamsSchema, async (p, ctx) => {
    const { reproduceJob } = await import('../reproduce/job.ts'); // loads onnxruntime with training
    return reproduceJob(p, ctx);
  }),

  'test.sleep': job(testSleepParamsSchema, async ({ ms, steps }, ctx) => {
    ctx.log?.(`sleeping ${ms} ms in ${steps} steps`);
    const started = performance.now();
    for (let i = 0; i < steps; i++) {
      try {
        await delay(ms / steps, undefined, { signal: ctx.signal });
      } catch (e) {
        if (ctx.signal?.aborted) throw new CancelledError(`test.sleep cancelled after step ${i} of ${steps}`);
        throw e;
      }
      const fraction = (i + 1) / steps;
      ctx.progress?.({
        fraction,
        message: `step ${i + 1}/${steps}`,
        etaSeconds: estimateEta(fraction, started),
      });
    }
    ctx.log?.(`slept ${ms} ms`);
    return { sleptMs: ms, steps };
  }),

  // Computes without ever yielding, like the analysis, but reports progress: alive to the watchdog.
  'test.busy': job(testSleepParamsSchema, async ({ ms, steps }, ctx) => {
    const started = performance.now();
    for (let i = 1; i <= steps; i++) {
      while (performance.now() - started < (ms * i) / steps) {
        // busy
      }
      ctx.progress?.({ fraction: i / steps, message: `step ${i}/${steps}`, etaSeconds: null });
    }
    return { busyMs: ms, steps };
  }),

  'test.crash': job(noParams, async (_p, ctx) => {
    ctx.log?.('test.crash: aborting the process on purpose');
    await delay(100); // lets the log line leave the process first
    process.abort();
  }),

  'test.oom': job(noParams, async (_p, ctx) => {
    ctx.log?.('test.oom: allocating until the JavaScript heap is exhausted');
    await delay(100);
    // Arrays of doubles live on the V8 heap (unlike ArrayBuffers), so the heap limit is what stops this.
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1 << 16).fill(hoard.length + 0.5));
  }),

  'test.hang': job(noParams, async (_p, ctx) => {
    ctx.log?.('test.hang: spinning forever without yielding, deaf to cancel');
    await delay(100);
    for (;;) {
      // never yields: no heartbeat, no cancel message gets through
    }
  }),

  'test.fail': job(testFailParamsSchema, async ({ message }) => {
    throw new Error(message);
  }),
};

/** `analyze` with `models`: each model as `analyze` with `model` would, one after the other. */
async function analyzeBatch(
  models: string[],
  options: z.output<typeof analyzeParamsSchema>['options'],
  ctx: JobContext,
): Promise<AnalyzeBatchResult> {
  const { readOnnxFile } = await import('../onnx/reader.ts');
  const { analyzeNetwork } = await import('../spin/analysis.ts');
  const started = performance.now();
  const reports: AnalyzeBatchResult['reports'] = [];
  for (let i = 0; i < models.length; i++) {
    const at = (f: number): number => (i + f) / models.length;
    const name = `${i + 1}/${models.length} ${basename(models[i])}`;
    ctx.progress?.({
      fraction: at(0),
      message: `${name}: reading the model`,
      etaSeconds: estimateEta(at(0), started),
    });
    try {
      const model = await readOnnxFile(models[i]);
      await delay(0); // lets a cancel request in (analyzeNetwork is synchronous)
      throwIfCancelled(ctx.signal);
      const report = analyzeNetwork(model.network, {
        ...options,
        signal: ctx.signal,
        onProgress: (fraction, message) =>
          ctx.progress?.({
            fraction: at(fraction),
            message: `${name}: ${message}`,
            etaSeconds: estimateEta(at(fraction), started),
          }),
      });
      report.warnings.unshift(...model.warnings);
      reports.push({ report });
    } catch (e) {
      if (e instanceof CancelledError || ctx.signal?.aborted) throw e;
      reports.push({ error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { reports };
}

/** Whether the test kinds are available in a process with this environment. */
export function testJobsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SPINSCOPE_TEST_JOBS === '1';
}

/** The kinds a worker with this environment runs. */
export function availableJobKinds(env: NodeJS.ProcessEnv = process.env): string[] {
  return testJobsEnabled(env) ? [...JOB_KINDS, ...TEST_JOB_KINDS] : [...JOB_KINDS];
}

function definition(kind: string, env: NodeJS.ProcessEnv): JobDefinition {
  if (!availableJobKinds(env).includes(kind)) {
    throw new JobRequestError(
      'unknown-kind',
      `unknown job kind '${kind}'; the kinds are ${availableJobKinds(env).join(', ')}` +
        (kind.startsWith('test.') && !testJobsEnabled(env)
          ? ' (test kinds need SPINSCOPE_TEST_JOBS=1 in the worker environment)'
          : ''),
    );
  }
  return JOBS[kind as JobKindName];
}

/**
 * The parsed parameters of a job of `kind` (defaults filled in), or a JobRequestError naming each
 * bad field. The API layer may call this before submitting to fail fast; the worker always does.
 */
export function parseJobParams(kind: string, params: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  const parsed = definition(kind, env).params.safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const field = i.path.join('.');
      if (i.code === 'unrecognized_keys')
        return `${field ? field + ': ' : ''}unknown key(s) ${i.keys.join(', ')}`;
      return field ? `${field}: ${i.message}` : i.message;
    });
    throw new JobRequestError('bad-params', `${kind}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Runs one job: validates, then calls the kind's function. Throws JobRequestError, CancelledError or the job's own error. */
export async function runJob(
  kind: string,
  params: unknown,
  ctx: JobContext = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<unknown> {
  const parsed = parseJobParams(kind, params, env);
  throwIfCancelled(ctx.signal);
  return definition(kind, env).run(parsed, ctx);
}
