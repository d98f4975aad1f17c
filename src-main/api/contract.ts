/**
 * The one contract between the UI and the backend (architecture.md, contract 1): every method the
 * renderer may call, with the zod schema of its argument and the type of its result, and the
 * events the backend pushes. Results are plain JSON DTOs defined here (the UI's vocabulary), not
 * core types, so the core can change without breaking the UI.
 *
 * Pure TypeScript + zod: imported by the backend, the preload (METHODS) and the renderer (types,
 * METHODS).
 */
import { z } from 'zod';
import { EVENTS, METHOD_NAMES, type MethodNameList } from './methods.ts';
import { method } from './rpc.ts';
import { FIGURE_NAME_PATTERN, figureSpecSchema } from '../core/figures/spec.ts';

// ── DTOs ────────────────────────────────────────────────────────────────────────────────────────

export interface ProblemDto {
  path: string;
  message: string;
  action?: string;
}

export interface CheckpointDto {
  step: number;
  epoch: number;
  /** Relative to the project folder. */
  file: string;
  testAccuracy: number | null;
  testLoss: number | null;
  exists: boolean;
}

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunDto {
  id: string;
  status: RunStatus;
  arch: number[];
  activation: string;
  epochs: number;
  step: number;
  totalSteps: number;
  checkpoints: CheckpointDto[];
  latestTestAccuracy: number | null;
  created: string;
  updated: string;
  error: string | null;
  /** The resolved training config (core/train/config.ts). */
  config: Record<string, unknown>;
  /** The job currently running this run, if any. */
  jobId: string | null;
}

export interface ModelDto {
  id: string;
  /** Relative to the project folder. */
  file: string;
  source: string;
  layers: number[];
  activations: string[];
  accuracy: number | null;
  warnings: string[];
  importedAt: string;
  /** Display name of the import (the file's, or its folder's for model.onnx). */
  name: string;
  /** Whether model.onnx is still in the model folder. */
  exists: boolean;
  /** Whether any dense layer has a bias (biases are dropped from the spin model: science.md §1). */
  biases: boolean;
  spins: number;
  couplings: number;
  /** What the last node applies to the output layer: 'none', 'softmax' or 'logSoftmax'. */
  output: string;
  /**
   * onnxruntime's MNIST test accuracy on `samples` images, and `consistency`: the largest |difference|
   * between onnxruntime's outputs and Spinscope's own forward pass (null if not finite). Null when not
   * evaluated (the warnings say why).
   */
  evaluation: { accuracy: number; samples: number; consistency: number | null } | null;
  /** Per dense layer, as the ONNX reader found it: the node, and how the file stored its weight. */
  layerSources: { node: string; stored: '[in, out]' | '[out, in]' }[];
  opset: number;
  producer: string;
}

export interface ProjectDto {
  dir: string;
  name: string;
  created: string;
  updated: string;
  runs: RunDto[];
  models: ModelDto[];
  problems: ProblemDto[];
}

export interface RecentDto {
  dir: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export interface TrainRecordDto {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
}

export interface MetricsDto {
  train: TrainRecordDto[];
  checkpoints: CheckpointDto[];
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobDto {
  id: string;
  kind: string;
  label: string;
  status: JobStatus;
  progress: { fraction: number; message: string; etaSeconds: number | null } | null;
  error: {
    code: string;
    message: string;
    exitCode?: number | null;
    signal?: string | null;
    lastLog?: string[];
  } | null;
  result?: unknown;
  submittedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** What the job works on, for the UI to link it. */
  target: { runId?: string; modelId?: string; checkpoint?: number; project?: string } | null;
}

/** Contract 4: the analysis report (`spinscope analyze --json`). */
export interface AnalysisReportDto {
  schema: string;
  model: { layers: number[]; spins: number; couplings: number };
  replica: { C: number[]; tc: number };
  tap: {
    tc: number;
    phase: string;
    minLambda: number;
    /** T of the minimum of λ_min, and λ_min(T) on temperatures T increasing (analyze --curve). */
    argminT?: number;
    curve?: { T: number[]; lambda: number[] };
    [extra: string]: unknown;
  };
  spectrum: { top: number[] };
  [extra: string]: unknown;
}

/** A sweep exported for a SLURM cluster (`spinscope slurm PROJECT`, core/sweep/slurmPlan.ts). */
export interface ClusterSweepDto {
  /** The sbatch script written into the project; null when every shard is already finished. */
  path: string | null;
  script: string | null;
  /** The shards the script runs (all of them the first time, the unfinished ones later). */
  unfinished: number[];
  shards: number;
  /** `sbatch PATH` (null: nothing to submit) and the merge to run when every task has finished. */
  submitCommand: string | null;
  mergeCommand: string;
}

/** The merge of a sharded sweep into the project (`spinscope merge … --json`, core/sweep/merge.ts). */
export interface MergeShardsDto {
  count: number;
  configHash: string;
  checkpoints: number;
  copied: number;
  unchanged: number;
  failed: { run: string; step: number; error: string }[];
  notes: string[];
}

/** Contract 5: a run's sweep report (`spinscope sweep RUN --json`). */
export interface SweepReportDto {
  schema: string;
  checkpoints: { step: number; tc: number; phase: string; minLambda: number; [extra: string]: unknown }[];
  powerLaw: {
    exponent: number;
    prefactor: number;
    window: [number, number];
    r2: number;
    [extra: string]: unknown;
  } | null;
  [extra: string]: unknown;
}

export interface AnalysisDto {
  id: string;
  target: { runId: string; step: number } | { modelId: string };
  report: AnalysisReportDto;
  created: string;
}

/** λ_min(T) of one checkpoint's TAP Hessian H(β = 1/T) (science.md §3), with its T_c and phase. */
export interface LambdaCurveDto {
  runId: string;
  step: number;
  /** Temperatures T (not β), increasing. */
  T: number[];
  /** λ_min(H(1/T)) at each T. */
  lambda: number[];
  tc: number;
  phase: string;
  minLambda: number;
  /** T of the minimum of λ_min. */
  argminT: number;
  replicaTc: number;
  /** Where it was read: the run's sweep cache, or an analysis of the checkpoint (analyses.start). */
  source: 'sweep' | 'analysis';
}

/** A histogram of eigenvalues (core/spectral/histogram.ts): edges.length = density.length + 1. */
export interface HistogramDto {
  edges: number[];
  counts: number[];
  density: number[];
  floor: number;
  total: number;
  [extra: string]: unknown;
}

/** WeightWatcher diagnostics of one weight matrix W^(k) (core/spectral/layerDiagnostics.ts). */
export interface LayerDiagnosticsDto {
  layer: number;
  shape: [number, number];
  N: number;
  M: number;
  q: number;
  /** ESD of WᵀW/N, ascending. */
  eigenvalues: number[];
  powerLaw: {
    alpha: number;
    alphaError: number;
    xmin: number;
    D: number;
    tailSize: number;
    [extra: string]: unknown;
  } | null;
  mp: {
    lambdaMinus: number;
    lambdaPlus: number;
    spikes: number;
    significantSpikes: number;
    sigma2: number;
    [extra: string]: unknown;
  };
  stableRank: number;
  log10FrobeniusNorm: number;
  log10SpectralNorm: number;
  [extra: string]: unknown;
}

/** The spectrum report of a checkpoint (`spinscope spectrum`, the `spectrum` job). */
export interface SpectrumDto {
  runId: string;
  step: number;
  /** The checkpoint whose λ_max is the bulk edge (step 0 of the run), if it was used. */
  referenceStep: number | null;
  report: {
    schema: string;
    model: { layers: number[]; spins: number; couplings: number };
    density: {
      method: string;
      spins: number;
      /** All eigenvalues of J, ascending (null when estimated by stochastic Lanczos quadrature). */
      eigenvalues: number[] | null;
      largest: number[];
      histogram: HistogramDto;
      logHistogram: HistogramDto;
      edge: {
        value: number;
        used: string;
        reference: number | null;
        shuffled: number;
        [extra: string]: unknown;
      };
      outliers: { values: number[]; count: number; complete: boolean };
      [extra: string]: unknown;
    };
    layers: LayerDiagnosticsDto[];
    warnings: string[];
    [extra: string]: unknown;
  };
}

/** One cell of the phase diagram: a checkpoint at a temperature (core/spin/tapAnalysis.ts). */
export interface PhaseCellDto {
  /** Temperature T. */
  T: number;
  relativeT: number;
  phase: 'paramagnet' | 'glass' | 'hiddenOrder' | 'undetermined';
  hessian: string;
  starts: number;
  converged: number;
  dominantShare: number;
  clusters: { size: number; paramagnet: boolean; physical: boolean; q: number; [extra: string]: unknown }[];
  /** Monte Carlo valleys at this cell (core/montecarlo/valleys.ts), when the diagram was asked for them. */
  valleys?: {
    copies: number;
    /** Largest first; `paramagnetic` copies (average ≈ 0) are in none. */
    valleys: { size: number; [extra: string]: unknown }[];
    paramagnetic: number;
    largestShare: number;
    verdict: 'glass' | 'hiddenOrder' | 'paramagnet';
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
}

/** The phase diagram over (checkpoint, T) of a run (`spinscope.phaseDiagram/1`, the `tap` job). */
export interface PhaseDiagramDto {
  runId: string;
  diagram: {
    schema: string;
    grid: { kind: 'absolute' | 'relative'; values: number[] };
    checkpoints: {
      step: number;
      tc: number;
      hessianPhase: string;
      minLambda: number;
      replicaTc: number;
      topEigenvalue: number;
      /** By decreasing T. */
      cells: PhaseCellDto[];
      [extra: string]: unknown;
    }[];
    settings: Record<string, unknown>;
    seconds: number;
    warnings: string[];
  };
}

/** A value with its statistical error (one standard deviation); `tau`: integrated autocorrelation time in sweeps. */
export interface EstimateDto {
  value: number;
  error: number;
  tau?: number;
}

/** Observables at one temperature of the Monte Carlo ladder (core/montecarlo/observables.ts). */
export interface MonteCarloTemperatureDto {
  /** Temperature T (β = 1/T alongside). */
  T: number;
  beta: number;
  energyPerSpin: EstimateDto;
  specificHeat: EstimateDto;
  /** m = v·σ/√N on the top eigenvector v of J: ⟨|m|⟩, ⟨m²⟩, χ = βN(⟨m²⟩ − ⟨|m|⟩²), Binder g_m. */
  projection: { abs: EstimateDto; squared: EstimateDto; susceptibility: EstimateDto; binder: EstimateDto };
  /** Replica overlap q = σᵃ·σᵇ/N: ⟨|q|⟩, ⟨q²⟩, Binder g_q, χ_SG. */
  overlap: {
    abs: EstimateDto;
    squared: EstimateDto;
    binder: EstimateDto;
    spinGlassSusceptibility: EstimateDto;
  };
  /** P(q) as a density over the report's overlap bins. */
  overlapDensity: number[];
  flipRate: number;
  [extra: string]: unknown;
}

/** The T_c of a response-function peak (core/montecarlo/criticalPoint.ts). */
export interface PeakDto {
  T: number;
  value: number;
  /** The peak is at an end of the ladder: T_c may lie outside it. */
  atEdge: boolean;
}

/** A checkpoint's Monte Carlo report (`spinscope.montecarlo/1`, the `montecarlo` job). */
export interface MonteCarloDto {
  runId: string;
  step: number;
  report: {
    schema: string;
    model: { layers: number[]; spins: number; couplings: number };
    settings: {
      tMin: number;
      tMax: number;
      temperatures: number;
      sweeps: number;
      thermalize: number;
      seed: number;
      update: string;
      overlapBins: { min: number; max: number; count: number };
      [extra: string]: unknown;
    };
    topEigenvalue: number | null;
    /** Ascending T. */
    temperatures: MonteCarloTemperatureDto[];
    /** Swap acceptance between neighbouring temperatures. */
    swaps: { T: [number, number]; acceptance: number }[];
    tc: {
      /** The Monte Carlo estimate (projection-susceptibility peak; null when at a ladder end). */
      estimate: number | null;
      projectionSusceptibilityPeak: PeakDto | null;
      specificHeatPeak: PeakDto | null;
      tap: { tc: number; phase: string } | null;
      replica: number | null;
      [extra: string]: unknown;
    };
    warnings: string[];
    [extra: string]: unknown;
  };
}

/** The weights of one matrix W^(k), binned: counts sum to `count` = in × out. */
export interface LayerWeightsDto {
  /** k = 1..L: W^(k) couples layer k−1 to layer k. */
  layer: number;
  /** [in, out] = [N_{k−1}, N_k]. */
  shape: [number, number];
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Bin edges (edges.length = counts.length + 1), equal widths from min to max. */
  edges: number[];
  counts: number[];
}

/** Per-layer weight histograms of a checkpoint or an imported model (weights.histograms). */
export interface WeightHistogramsDto {
  target: { runId: string; step: number } | { modelId: string };
  layers: LayerWeightsDto[];
}

export interface AppInfoDto {
  product: 'Spinscope';
  version: string;
  versions: Record<string, string>;
  transport: 'ipc' | 'websocket';
}

// ── Argument schemas ────────────────────────────────────────────────────────────────────────────

/**
 * models.upload: raw bytes per chunk (base64 makes them 4/3 larger, under serve's 4 MiB message
 * limit) and the largest file accepted (the ONNX reader's own limit is 2 GiB).
 */
export const UPLOAD_CHUNK_BYTES = 2 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Folder paths: absolute or relative to the backend's working folder; bounded, no NUL. */
const path = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');
const none = z.object({}).strict();

/** Training options as in core/train/config.ts (validated fully there; bounded here). */
const trainConfig = z.record(
  z.string().max(64),
  z.union([z.string().max(4096), z.number(), z.boolean(), z.null(), z.array(z.number()).max(64)]),
);

export const contract = {
  'app.info': method<AppInfoDto>()(none),
  'app.ping': method<{ time: number }>()(none),

  'projects.create': method<ProjectDto>()(
    z.object({ dir: path, name: z.string().min(1).max(200).optional() }).strict(),
  ),
  'projects.open': method<ProjectDto>()(z.object({ dir: path }).strict()),
  'projects.current': method<ProjectDto | null>()(none),
  'projects.close': method<null>()(none),
  'projects.recent': method<RecentDto[]>()(none),
  'projects.rename': method<ProjectDto>()(z.object({ name: z.string().min(1).max(200) }).strict()),
  /**
   * "Reproduce the paper" (`spinscope reproduce` as one job, kind `reproduce`): creates the project
   * in `dir` (or reopens it), makes it the current one and starts the pipeline there; starting it
   * again on the same folder resumes. The job's target names the project; its result is a
   * ReproduceJobResult (the runs, report.html).
   */
  'projects.reproduce': method<JobDto>()(
    z
      .object({
        dir: path,
        budget: z.enum(['quick', 'paper', 'tiny']).optional(),
        seeds: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
  ),

  'runs.list': method<RunDto[]>()(none),
  'runs.create': method<{ run: RunDto; job: JobDto }>()(
    z.object({ name: z.string().min(1).max(100).optional(), config: trainConfig }).strict(),
  ),
  'runs.cancel': method<JobDto | null>()(z.object({ runId: id }).strict()),
  'runs.resume': method<JobDto>()(z.object({ runId: id }).strict()),
  'runs.delete': method<null>()(z.object({ runId: id, force: z.boolean().optional() }).strict()),
  'runs.metrics': method<MetricsDto>()(z.object({ runId: id }).strict()),
  'runs.sweep': method<JobDto>()(z.object({ runId: id, window: z.string().max(64).optional() }).strict()),
  'runs.sweepReport': method<SweepReportDto | null>()(z.object({ runId: id }).strict()),
  /**
   * "Export sweep for a cluster": writes spinscope-sweep.sbatch into the project, as `spinscope
   * slurm PROJECT --shards … --partition … --time … --cpus … [--scratch]` run in the project folder
   * would (one run, or the whole project when runIds is absent or names every run).
   */
  'runs.clusterSweep': method<ClusterSweepDto>()(
    z
      .object({
        runIds: z.array(id).max(10_000).optional(),
        shards: z.number().int().min(1).max(100_000),
        partition: z.string().min(1).max(128),
        time: z.string().min(1).max(32),
        cpus: z.number().int().min(1).max(1024),
        scratch: path.optional(),
      })
      .strict(),
  ),
  /** Merges the shards in `dirs` (default: the project's analyses/shards) into the project's analyses. */
  'runs.mergeShards': method<MergeShardsDto>()(
    z.object({ dirs: z.array(path).min(1).max(10_000).optional() }).strict(),
  ),

  'checkpoints.list': method<CheckpointDto[]>()(z.object({ runId: id }).strict()),
  'checkpoints.analysis': method<AnalysisDto | null>()(
    z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
  ),

  /** λ_min(T) of a checkpoint from the sweep cache or an analysis; null if neither has it. */
  'checkpoints.curve': method<LambdaCurveDto | null>()(
    z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
  ),
  /** The spectrum report of a checkpoint, if spectra.start computed it. */
  'spectra.get': method<SpectrumDto | null>()(
    z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
  ),
  /** The steps of the run whose spectrum has been computed, ascending. */
  'spectra.list': method<number[]>()(z.object({ runId: id }).strict()),
  /** Starts a `spectrum` job on a checkpoint, with step 0 of the run as the bulk-edge reference. */
  'spectra.start': method<JobDto>()(z.object({ runId: id, step: z.number().int().nonnegative() }).strict()),
  /** The run's phase diagram, if phaseDiagrams.start computed it. */
  'phaseDiagrams.get': method<PhaseDiagramDto | null>()(z.object({ runId: id }).strict()),
  /**
   * Starts a `tap` job over the run's checkpoints (at most `maxCheckpoints`, spread over the log-spaced
   * schedule) and a grid of temperatures T (default: `temperatureCount` values up to 1.5 × the largest
   * T_c of the run's sweep, which must exist then).
   */
  'phaseDiagrams.start': method<JobDto>()(
    z
      .object({
        runId: id,
        temperatures: z.array(z.number().finite().positive()).min(1).max(200).optional(),
        temperatureCount: z.number().int().min(2).max(200).optional(),
        maxCheckpoints: z.number().int().min(1).max(1000).optional(),
        starts: z.number().int().min(2).max(10_000).optional(),
        /** Also count the glass valleys by Monte Carlo in every cell below T_c (the `tap` job's `valleys`). */
        valleys: z.boolean().optional(),
      })
      .strict(),
  ),
  /** The Monte Carlo report of a checkpoint, if montecarlo.start computed it. */
  'montecarlo.get': method<MonteCarloDto | null>()(
    z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
  ),
  /**
   * Starts a `montecarlo` job (parallel tempering) on a checkpoint. Defaults: a ladder of 16
   * temperatures T from 0.5 to 2 × the checkpoint's T_c (TAP, from the sweep or an analysis; else
   * the replica T_c of its weights), 4000 measured sweeps (runAnalyses.ts), seed 0, Metropolis. The
   * report goes to analyses/montecarlo-<run>/step-NNNNNN.json.
   */
  'montecarlo.start': method<JobDto>()(
    z
      .object({
        runId: id,
        step: z.number().int().nonnegative(),
        options: z
          .object({
            tMin: z.number().finite().positive().optional(),
            tMax: z.number().finite().positive().optional(),
            temperatures: z.number().int().min(2).max(256).optional(),
            sweeps: z.number().int().min(40).max(10_000_000).optional(),
            seed: z
              .number()
              .int()
              .nonnegative()
              .max(2 ** 32 - 1)
              .optional(),
            update: z.enum(['metropolis', 'heatbath']).optional(),
          })
          .strict()
          .refine((o) => o.tMin === undefined || o.tMax === undefined || o.tMax > o.tMin, {
            message: 'tMax must be above tMin',
          })
          .optional(),
      })
      .strict(),
  ),

  /**
   * Starts a `figure` job writing the bundle of `spec` (spinscope.figure/1) into the project's
   * figures/ folder as name.pdf, name.svg, name-300dpi.png, name-600dpi.png, name.csv, name.json.
   */
  'figures.export': method<JobDto>()(
    z
      .object({
        spec: figureSpecSchema,
        name: z.string().regex(FIGURE_NAME_PATTERN, 'letters, digits, ".", "_" and "-" only'),
      })
      .strict(),
  ),

  'models.import': method<JobDto>()(z.object({ path }).strict()),
  /**
   * Uploads an ONNX file chunk by chunk, in order (a browser page on `spinscope serve` cannot name a
   * path on the user's machine); the chunk that completes `total` bytes starts its import job.
   * Offset 0 starts the upload `uploadId` afresh.
   */
  'models.upload': method<{ received: number; job: JobDto | null }>()(
    z
      .object({
        uploadId: id,
        name: z
          .string()
          .min(1)
          .max(200)
          .refine((s) => !/[/\\\0]/.test(s) && s !== '.' && s !== '..', 'a file name without folders'),
        offset: z.number().int().nonnegative(),
        total: z.number().int().positive().max(MAX_UPLOAD_BYTES),
        data: z
          .string()
          .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
  ),
  'models.list': method<ModelDto[]>()(none),
  /** The newest finished analysis of an imported model (analyses.start on it), or null. */
  'models.analysis': method<AnalysisDto | null>()(z.object({ modelId: id }).strict()),
  /**
   * Histograms of the weights of every matrix W^(k) of a checkpoint or an imported model, binned in
   * the backend from its ONNX file (`bins` per layer, default 60): counts, not raw weights.
   */
  'weights.histograms': method<WeightHistogramsDto>()(
    z
      .object({
        target: z.union([
          z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
          z.object({ modelId: id }).strict(),
        ]),
        bins: z.number().int().min(2).max(1000).optional(),
      })
      .strict(),
  ),

  'analyses.start': method<JobDto>()(
    z
      .object({
        target: z.union([
          z.object({ runId: id, step: z.number().int().nonnegative() }).strict(),
          z.object({ modelId: id }).strict(),
        ]),
      })
      .strict(),
  ),
  'analyses.list': method<AnalysisDto[]>()(none),
  'analyses.get': method<AnalysisDto>()(z.object({ id }).strict()),

  'jobs.list': method<JobDto[]>()(none),
  'jobs.cancel': method<JobDto>()(z.object({ jobId: id }).strict()),
  'jobs.log': method<string[]>()(
    z.object({ jobId: id, tail: z.number().int().positive().max(10_000).optional() }).strict(),
  ),
} as const;

export type SpinscopeContract = typeof contract;
export type MethodName = keyof SpinscopeContract;
export const METHODS: readonly MethodName[] = METHOD_NAMES;
export { EVENTS };

// Compile-time check that methods.ts lists exactly the contract's methods.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameMethods: Same<MethodName, MethodNameList> = true;
void sameMethods;
