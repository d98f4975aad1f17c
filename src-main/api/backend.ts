/**
 * The backend of the contract (contract.ts): project folders through core/project, heavy work as
 * jobs through the supervisor (training, imports, analyses run in worker processes — never here),
 * and job updates pushed as events. Used by the Electron main process over IPC and by
 * `spinscope serve` over a WebSocket; both get the same dispatcher.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, resolveConfig } from '../core/train/config.ts';
import { RunError } from '../core/train/runFolder.ts';
import { readMetrics } from '../core/train/runFolder.ts';
import {
  createProject,
  openProject,
  renameProject,
  type ProjectInfo,
  type RecentProjects,
} from '../core/project/project.ts';
import { deleteRun, listRuns, newRunId, runDir, type RunSummary } from '../core/project/runs.ts';
import { listModels, type ModelSummary } from '../core/project/models.ts';
import { layerWeightHistograms } from '../core/network/weightHistograms.ts';
import { readOnnxFile } from '../core/onnx/reader.ts';
import { ProjectError } from '../core/project/problems.ts';
import { acquireProjectLock, ProjectLockedError, type ProjectLock } from '../core/project/lock.ts';
import { writeJsonAtomic } from '../core/project/atomic.ts';
import { isValidId } from '../core/project/ids.ts';
import { VERSION } from '../core/util/version.ts';
import type { AnalysisReport } from '../core/spin/analysis.ts';
import type { JobInfo, JobSupervisor } from '../jobs/supervisor.ts';
import {
  contract,
  EVENTS,
  type AnalysisDto,
  type AppInfoDto,
  type CheckpointDto,
  type JobDto,
  type LambdaCurveDto,
  type ModelDto,
  type MonteCarloDto,
  type PhaseDiagramDto,
  type ProjectDto,
  type RunDto,
  type SpectrumDto,
  type SpinscopeContract,
  type SweepReportDto,
  type WeightHistogramsDto,
} from './contract.ts';
import { DEFAULT_SETTINGS } from '../core/sweep/cache.ts';
import { mergeShards } from '../core/sweep/merge.ts';
import { planSlurmSweep, SLURM_SCRIPT_NAME, writeSlurmSweep } from '../core/sweep/slurmPlan.ts';
import { slurmOptionProblem } from '../core/sweep/slurmScript.ts';
import { SweepError } from '../core/sweep/targets.ts';
import {
  curveDto,
  MONTECARLO_DEFAULT_SWEEPS,
  montecarloFile,
  monteCarloLadder,
  phaseDiagramFile,
  phaseGrid,
  replicaTcOfModel,
  spectrumFile,
  spectrumSteps,
  sweepCacheCurve,
} from './runAnalyses.ts';
import { spreadSteps } from '../core/sweep/spread.ts';
import { ApiError, createDispatcher, type ApiEvent, type Handlers, type RpcResult } from './rpc.ts';

export interface BackendOptions {
  supervisor: JobSupervisor;
  recent: RecentProjects;
  transport: 'ipc' | 'websocket';
  /** Extra versions for app.info (Electron, Chromium). */
  versions?: Record<string, string>;
  /** Receives every server event (job updates, project changes). */
  emit: (e: ApiEvent) => void;
  /** Bugs (non-ApiErrors) seen by the dispatcher. */
  onUnexpected?: (method: string, error: unknown) => void;
  /** Who holds the project lock, as other instances will name it (default by transport). */
  appName?: string;
}

export interface Backend {
  dispatch: (method: string, args: unknown) => Promise<RpcResult>;
  /** Opens a project as if the UI asked (served mode's --project). */
  open(dir: string, create?: boolean): Promise<ProjectDto>;
  dispose(): Promise<void>;
}

/** Core errors written for users become typed API errors with their message. */
function mapError(e: unknown): ApiError | null {
  if (e instanceof ApiError) return e;
  if (e instanceof ConfigError) return new ApiError('bad-request', e.message);
  if (e instanceof ProjectLockedError) return new ApiError('conflict', e.message, [e.path]);
  if (e instanceof ProjectError) return new ApiError('failed', e.message, [e.path]);
  if (e instanceof RunError) return new ApiError('failed', e.message);
  if (e instanceof SweepError) return new ApiError('failed', e.message);
  const name = (e as Error | null)?.name;
  if (
    name &&
    ['OnnxError', 'NetworkError', 'IdxError', 'MnistError', 'NpyError', 'NpzError'].includes(name)
  ) {
    return new ApiError('failed', (e as Error).message);
  }
  return null;
}

export function createBackend(opts: BackendOptions): Backend {
  const { supervisor } = opts;
  let current: string | null = null;
  /** The lock of the current project (core/project/lock.ts): one Spinscope per project folder. */
  let lock: ProjectLock | null = null;
  const appName = opts.appName ?? (opts.transport === 'ipc' ? 'Spinscope' : 'spinscope serve');
  /** Makes `root` the current project, taking its lock first (and then releasing the previous one). */
  const setCurrent = (root: string): void => {
    if (lock?.root !== root) {
      const next = acquireProjectLock(root, appName);
      lock?.release();
      lock = next;
    }
    current = root;
  };
  /** What each job works on (by job id). */
  const targets = new Map<string, JobDto['target']>();
  /** The upload folder of each import job started by models.upload, removed when the job ends. */
  const uploadFolders = new Map<string, string>();

  const project = (): string => {
    if (!current) throw new ApiError('conflict', 'no project is open: create or open one first');
    return current;
  };

  const jobDto = (j: JobInfo): JobDto => ({
    id: j.id,
    kind: j.kind,
    label: j.label,
    status: j.status,
    progress: j.progress,
    error: j.error
      ? {
          code: j.error.code,
          message: j.error.message,
          exitCode: j.error.exitCode ?? null,
          signal: j.error.signal ?? null,
          lastLog: j.error.lastLog ?? [],
        }
      : null,
    result: j.status === 'completed' ? j.result : undefined,
    submittedAt: j.submittedAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
    target: targets.get(j.id) ?? null,
  });

  // The job training the run: sweeps, spectra and phase diagrams of it target the run too, but
  // cancelling, resuming or showing the run's status is about training.
  const activeJobFor = (runId: string): JobInfo | undefined =>
    supervisor
      .list()
      .find(
        (j) =>
          j.kind === 'train' &&
          (j.status === 'queued' || j.status === 'running') &&
          targets.get(j.id)?.runId === runId,
      );

  const checkpointDtos = (run: RunSummary): CheckpointDto[] =>
    run.checkpoints.map((c) => ({
      step: c.step,
      epoch: c.epoch ?? 0,
      file: c.file,
      testAccuracy: c.testAccuracy,
      testLoss: c.testLoss,
      exists: c.exists,
    }));

  const runDto = (r: RunSummary): RunDto => ({
    id: r.id,
    status: r.status ?? 'failed',
    arch: r.config?.arch ?? [],
    activation: r.config?.activation ?? '?',
    epochs: r.config?.epochs ?? 0,
    step: r.step,
    totalSteps: r.totalSteps ?? 0,
    checkpoints: checkpointDtos(r),
    latestTestAccuracy: r.latestTestAccuracy,
    created: r.created ?? '',
    updated: r.updated ?? '',
    error: r.error ?? r.failure,
    config: (r.config ?? {}) as Record<string, unknown>,
    jobId: activeJobFor(r.id)?.id ?? null,
  });

  const modelDto = (m: ModelSummary): ModelDto => ({
    id: m.id,
    file: m.file,
    source: m.source ?? '',
    layers: m.layers,
    activations: m.activations,
    accuracy: m.evaluation?.accuracy ?? null,
    warnings: m.error ? [m.error, ...m.warnings] : m.warnings,
    importedAt: m.imported ?? '',
    name: m.name,
    exists: m.exists,
    biases: m.biases,
    spins: m.spins,
    couplings: m.couplings,
    output: m.output ?? 'none',
    evaluation: m.evaluation,
    layerSources: m.layerSources,
    opset: m.opset,
    producer: m.producer,
  });

  const projectDto = (p: ProjectInfo): ProjectDto => ({
    dir: p.dir,
    name: p.name,
    created: p.manifest.created,
    updated: p.manifest.updated,
    runs: p.runs.map(runDto),
    models: p.models.map(modelDto),
    problems: p.problems.map((x) => ({ path: x.path, message: x.message, action: x.action })),
  });

  const findRun = (runId: string): RunSummary => {
    const run = listRuns(project()).find((r) => r.id === runId);
    if (!run) throw new ApiError('not-found', `no run '${runId}' in ${project()}`);
    return run;
  };

  const logFile = (jobId: string): string | null => (current ? join(current, 'logs', `${jobId}.log`) : null);

  const submit = (kind: string, params: unknown, label: string, target: JobDto['target']): JobDto => {
    const info = supervisor.submit({ kind, params, label, logFileFor: logFile });
    targets.set(info.id, target);
    return jobDto(info);
  };

  const analysisDir = (): string => join(project(), 'analyses');

  const findModel = (modelId: string): ModelSummary => {
    const m = listModels(project()).find((x) => x.id === modelId);
    if (!m) throw new ApiError('not-found', `no model '${modelId}' in this project`);
    return m;
  };
  const modelFile = (m: ModelSummary): string => {
    if (!m.exists)
      throw new ApiError('not-found', `${join(project(), m.file)} is missing: import the model again`);
    return join(project(), m.file);
  };

  const checkpointOf = (run: RunSummary, step: number): string => {
    const c = run.checkpoints.find((x) => x.step === step);
    if (!c?.exists) throw new ApiError('not-found', `run '${run.id}' has no checkpoint at step ${step}`);
    return join(project(), c.file);
  };

  const readJsonFile = <T>(file: string): T | null => {
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      throw new ApiError('failed', `${file} is damaged: compute it again to rewrite it`, [file]);
    }
  };

  const readAnalysis = (id: string): AnalysisDto | null => {
    const folder = join(analysisDir(), id);
    try {
      const meta = JSON.parse(readFileSync(join(folder, 'analysis.json'), 'utf8')) as Omit<
        AnalysisDto,
        'report'
      >;
      const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as AnalysisDto['report'];
      return { ...meta, report };
    } catch {
      return null;
    }
  };

  /** λ_min(T) of a checkpoint: the sweep cache when current, else the newest analysis of it; null if neither. */
  const curveOf = (run: RunSummary, step: number): LambdaCurveDto | null => {
    const c = run.checkpoints.find((x) => x.step === step);
    const cached = c?.exists ? sweepCacheCurve(project(), run.id, step, join(project(), c.file)) : null;
    if (cached) return cached;
    const all = existsSync(analysisDir()) ? readdirSync(analysisDir()) : [];
    for (const id of all.filter(isValidId).sort().reverse()) {
      const a = readAnalysis(id);
      const curve = (a?.report.tap as { curve?: unknown } | undefined)?.curve;
      if (a && 'runId' in a.target && a.target.runId === run.id && a.target.step === step && curve) {
        return curveDto(run.id, step, a.report as unknown as AnalysisReport, 'analysis');
      }
    }
    return null;
  };

  const openDir = async (dir: string, create = false): Promise<ProjectDto> => {
    const abs = resolve(dir);
    const info = create && !existsSync(join(abs, 'spinscope.json')) ? createProject(abs) : openProject(abs);
    setCurrent(info.dir);
    opts.recent.add(info.dir, info.name);
    return projectDto(info);
  };

  // Deferred by a microtask: submit() reports a new job before it returns, and the job's target is
  // recorded only after that; every event then carries it.
  const unsubscribe = supervisor.onUpdate((j) => {
    queueMicrotask(() => {
      opts.emit({ event: EVENTS.jobUpdate, payload: jobDto(j) });
      if (j.status === 'completed' || j.status === 'failed' || j.status === 'cancelled') {
        const folder = uploadFolders.get(j.id);
        if (folder) {
          uploadFolders.delete(j.id);
          rmSync(folder, { recursive: true, force: true });
        }
        opts.emit({ event: EVENTS.projectChanged, payload: { reason: `job ${j.id} ${j.status}` } });
      }
    });
  });

  const handlers: Handlers<SpinscopeContract> = {
    'app.info': async (): Promise<AppInfoDto> => ({
      product: 'Spinscope',
      version: VERSION,
      versions: { node: process.versions.node, ...(opts.versions ?? {}) },
      transport: opts.transport,
    }),
    'app.ping': async () => ({ time: Date.now() }),

    'projects.create': async ({ dir, name }) => {
      const info = createProject(resolve(dir), name);
      setCurrent(info.dir);
      opts.recent.add(info.dir, info.name);
      return projectDto(info);
    },
    'projects.open': async ({ dir }) => openDir(dir),
    'projects.current': async () => (current ? projectDto(openProject(current)) : null),
    'projects.close': async () => {
      lock?.release();
      lock = null;
      current = null;
      return null;
    },
    'projects.recent': async () => opts.recent.list(),
    'projects.rename': async ({ name }) => {
      renameProject(project(), name);
      const info = openProject(project());
      opts.recent.add(info.dir, info.name);
      return projectDto(info);
    },

    'projects.reproduce': async ({ dir, budget = 'quick', seeds }) => {
      const abs = resolve(dir);
      const running = supervisor
        .list()
        .find(
          (j) =>
            j.kind === 'reproduce' &&
            (j.status === 'queued' || j.status === 'running') &&
            targets.get(j.id)?.project === abs,
        );
      if (running)
        throw new ApiError('conflict', `the paper is already being reproduced in ${abs} (job ${running.id})`);
      // The name the pipeline would give it (core/reproduce/pipeline.ts), so both read the same.
      const info = existsSync(join(abs, 'spinscope.json'))
        ? openProject(abs)
        : createProject(abs, `Reproduction of arXiv:2408.06421 (${budget})`);
      setCurrent(info.dir);
      opts.recent.add(info.dir, info.name);
      const params = { out: info.dir, budget, ...(seeds !== undefined ? { seeds } : {}) };
      return submit('reproduce', params, `reproduce the paper (${budget})`, { project: info.dir });
    },

    'runs.list': async () => listRuns(project()).map(runDto),
    'runs.create': async ({ name, config: partial }) => {
      const config = resolveConfig(partial, 'training options');
      const base = name ?? `${config.activation}-${config.arch.join('-')}-s${config.seed}`;
      const id = newRunId(project(), base);
      const dir = runDir(project(), id);
      const job = submit('train', { dir, config }, `train ${id}`, { runId: id });
      // The worker creates the run folder; list it as soon as run.json exists.
      const run = listRuns(project()).find((r) => r.id === id);
      return {
        run: run
          ? runDto(run)
          : {
              id,
              status: 'running',
              arch: config.arch,
              activation: config.activation,
              epochs: config.epochs,
              step: 0,
              totalSteps: 0,
              checkpoints: [],
              latestTestAccuracy: null,
              created: new Date().toISOString(),
              updated: new Date().toISOString(),
              error: null,
              config: config as unknown as Record<string, unknown>,
              jobId: job.id,
            },
        job,
      };
    },
    'runs.cancel': async ({ runId }) => {
      findRun(runId);
      const job = activeJobFor(runId);
      return job ? jobDto(supervisor.cancel(job.id)) : null;
    },
    'runs.resume': async ({ runId }) => {
      const run = findRun(runId);
      const active = activeJobFor(runId);
      if (active)
        throw new ApiError('conflict', `run '${runId}' is already being trained (job ${active.id})`);
      if (run.status === 'completed') throw new ApiError('conflict', `run '${runId}' is complete`);
      return submit('train', { dir: run.dir, resume: true }, `resume ${runId}`, { runId });
    },
    'runs.delete': async ({ runId, force }) => {
      if (activeJobFor(runId))
        throw new ApiError('conflict', `run '${runId}' is being trained: cancel its job first`);
      deleteRun(project(), runId, { force });
      return null;
    },
    'runs.metrics': async ({ runId }) => {
      const run = findRun(runId);
      const train = readMetrics(run.dir).flatMap((r) =>
        r.type === 'train' ? [{ step: r.step, epoch: r.epoch, loss: r.loss, accuracy: r.accuracy }] : [],
      );
      return { train, checkpoints: checkpointDtos(run) };
    },

    'runs.sweep': async ({ runId, window }) => {
      const run = findRun(runId);
      const params = { paths: [run.dir], ...(window !== undefined ? { window } : {}) };
      return submit('sweep', params, `sweep ${runId}`, { runId });
    },
    'runs.sweepReport': async ({ runId }) => {
      findRun(runId);
      const file = join(project(), 'analyses', `sweep-${runId}`, 'sweep.json');
      if (!existsSync(file)) return null;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as SweepReportDto;
      } catch {
        throw new ApiError('failed', `${file} is damaged: run the sweep again to rewrite it`, [file]);
      }
    },
    'runs.clusterSweep': async ({ runIds, shards, partition, time, cpus, scratch }) => {
      const root = project();
      // The same checks, plan and script as `spinscope slurm` run in the project folder (core/sweep/slurmPlan.ts).
      const problem = slurmOptionProblem({ partition, time, cpus, count: shards });
      if (problem) throw new ApiError('bad-request', problem);
      const chosen = [...new Set(runIds ?? [])].map(findRun);
      let target = root;
      if (chosen.length > 0 && chosen.length < listRuns(root).length) {
        if (chosen.length > 1)
          throw new ApiError(
            'bad-request',
            'a cluster sweep covers one run or the whole project: choose one run, or all of them',
          );
        target = chosen[0].dir;
      }
      const plan = planSlurmSweep({
        target,
        count: shards,
        partition,
        time,
        cpus,
        scratch: scratch === undefined ? null : resolve(scratch),
        out: join(root, SLURM_SCRIPT_NAME),
        workdir: process.cwd(),
        settings: DEFAULT_SETTINGS,
      });
      writeSlurmSweep(plan);
      return {
        path: plan.script === null ? null : plan.out,
        script: plan.script,
        unfinished: plan.unfinished,
        shards,
        submitCommand: plan.submitCommand,
        mergeCommand: plan.mergeCommand,
      };
    },
    'runs.mergeShards': async ({ dirs }) => {
      const root = project();
      const home = join(root, 'analyses', 'shards');
      if (dirs === undefined && !existsSync(home))
        throw new ApiError(
          'not-found',
          `nothing to merge: ${home} does not exist. Run the exported array on the cluster first; without a shared filesystem, copy the shard folders back and merge that folder`,
          [home],
        );
      return mergeShards(dirs?.map((d) => resolve(d)) ?? [home], root);
    },

    'checkpoints.list': async ({ runId }) => checkpointDtos(findRun(runId)),
    'checkpoints.analysis': async ({ runId, step }) => {
      findRun(runId);
      const all = existsSync(analysisDir()) ? readdirSync(analysisDir()) : [];
      for (const id of all.filter(isValidId).sort().reverse()) {
        const a = readAnalysis(id);
        if (a && 'runId' in a.target && a.target.runId === runId && a.target.step === step) return a;
      }
      return null;
    },

    'checkpoints.curve': async ({ runId, step }): Promise<LambdaCurveDto | null> =>
      curveOf(findRun(runId), step),
    'spectra.get': async ({ runId, step }): Promise<SpectrumDto | null> => {
      findRun(runId);
      const report = readJsonFile<SpectrumDto['report']>(spectrumFile(project(), runId, step));
      // spectra.start takes step 0 of the run as the reference whenever its file exists.
      return report ? { runId, step, referenceStep: report.reference ? 0 : null, report } : null;
    },
    'spectra.list': async ({ runId }) => {
      findRun(runId);
      return spectrumSteps(project(), runId);
    },
    'spectra.start': async ({ runId, step }) => {
      const run = findRun(runId);
      const model = checkpointOf(run, step);
      const first = run.checkpoints.find((x) => x.step === 0 && x.exists);
      const reference = first ? join(project(), first.file) : undefined;
      const out = spectrumFile(project(), runId, step);
      return submit(
        'spectrum',
        { model, ...(reference ? { reference } : {}), out },
        `spectrum ${runId} step ${step}`,
        { runId, checkpoint: step },
      );
    },
    'phaseDiagrams.get': async ({ runId }) => {
      findRun(runId);
      const diagram = readJsonFile<PhaseDiagramDto['diagram']>(phaseDiagramFile(project(), runId));
      return diagram ? { runId, diagram } : null;
    },
    'phaseDiagrams.start': async ({
      runId,
      temperatures,
      temperatureCount,
      maxCheckpoints,
      starts,
      valleys,
    }) => {
      const run = findRun(runId);
      const existing = run.checkpoints.filter((c) => c.exists).map((c) => c.step);
      if (existing.length === 0) throw new ApiError('not-found', `run '${runId}' has no checkpoint files`);
      const steps = spreadSteps(existing, maxCheckpoints ?? 16);
      let grid = temperatures;
      if (!grid) {
        const sweep = readJsonFile<SweepReportDto>(join(analysisDir(), `sweep-${runId}`, 'sweep.json'));
        const tcs = (sweep?.checkpoints ?? []).map((c) => c.tc).filter((t) => t > 0);
        if (tcs.length === 0) {
          throw new ApiError(
            'conflict',
            `run '${runId}' has no sweep yet: sweep it first (its T_c(t) sets the temperature grid), or give temperatures`,
          );
        }
        grid = phaseGrid(tcs, temperatureCount ?? 12);
      }
      const params = {
        checkpoints: steps.map((step) => ({ step, model: checkpointOf(run, step) })),
        temperatures: grid,
        out: phaseDiagramFile(project(), runId),
        ...(valleys === true ? { valleys: true } : {}),
        ...(starts !== undefined ? { options: { starts } } : {}),
      };
      return submit('tap', params, `phase diagram ${runId}`, { runId });
    },
    'montecarlo.get': async ({ runId, step }): Promise<MonteCarloDto | null> => {
      findRun(runId);
      const report = readJsonFile<MonteCarloDto['report']>(montecarloFile(project(), runId, step));
      return report ? { runId, step, report } : null;
    },
    'montecarlo.start': async ({ runId, step, options = {} }) => {
      const run = findRun(runId);
      const model = checkpointOf(run, step);
      let { tMin, tMax } = options;
      if (tMin === undefined || tMax === undefined) {
        // The ladder brackets the checkpoint's T_c: TAP's when the sweep or an analysis has it,
        // else the replica T_c of its weights (science.md §2), which a glass's TAP T_c is close to.
        const tc = curveOf(run, step)?.tc ?? (await replicaTcOfModel(model));
        const ladder = monteCarloLadder(tc);
        tMin ??= Math.min(ladder.tMin, tMax ?? Infinity);
        tMax ??= Math.max(ladder.tMax, tMin);
        if (!(tMax > tMin)) {
          throw new ApiError(
            'bad-request',
            `the ladder needs tMax above tMin; got tMin = ${tMin}, tMax = ${tMax} (the checkpoint's T_c is ${tc.toPrecision(4)})`,
          );
        }
      }
      const params = {
        model,
        out: montecarloFile(project(), runId, step),
        tMin,
        tMax,
        temperatures: options.temperatures ?? 16,
        sweeps: options.sweeps ?? MONTECARLO_DEFAULT_SWEEPS,
        seed: options.seed ?? 0,
        update: options.update ?? 'metropolis',
      };
      return submit('montecarlo', params, `Monte Carlo ${runId} step ${step}`, { runId, checkpoint: step });
    },

    'figures.export': async ({ spec, name }) => {
      // The bundle goes into figures/ of the open project; the worker writes each file atomically.
      const out = join(project(), 'figures');
      return submit('figure', { spec, out, name }, `figure ${name}`, null);
    },

    'models.import': async ({ path }) => {
      const abs = resolve(path);
      if (!existsSync(abs)) throw new ApiError('not-found', `${abs} does not exist`);
      return submit('import', { project: project(), path: abs }, `import ${abs}`, null);
    },
    'models.upload': async ({ uploadId, name, offset, total, data }) => {
      // Hidden under models/ (listings skip dot folders), so the bytes stay inside the project.
      const folder = join(project(), 'models', `.upload-${uploadId}`);
      const file = join(folder, name);
      if (offset === 0) {
        rmSync(folder, { recursive: true, force: true });
        mkdirSync(folder, { recursive: true });
      }
      const size = existsSync(file) ? statSync(file).size : 0;
      if (offset !== size) {
        throw new ApiError(
          'conflict',
          `upload ${uploadId}: the next chunk starts at byte ${size}, not ${offset}; start the upload again`,
        );
      }
      const bytes = Buffer.from(data, 'base64');
      const received = offset + bytes.length;
      if (received > total)
        throw new ApiError(
          'bad-request',
          `upload ${uploadId}: ${received} bytes, more than the ${total} announced`,
        );
      appendFileSync(file, bytes);
      if (received < total) return { received, job: null };
      const stem = name.replace(/\.onnx$/i, '') || name;
      const job = submit(
        'import',
        { project: project(), path: file, name: stem, source: `uploaded ${name}` },
        `import ${name}`,
        null,
      );
      uploadFolders.set(job.id, folder);
      return { received, job };
    },
    'models.list': async () => listModels(project()).map(modelDto),
    'models.analysis': async ({ modelId }) => {
      findModel(modelId);
      const all = existsSync(analysisDir()) ? readdirSync(analysisDir()) : [];
      for (const id of all.filter(isValidId).sort().reverse()) {
        const a = readAnalysis(id);
        if (a && 'modelId' in a.target && a.target.modelId === modelId) return a;
      }
      return null;
    },
    'weights.histograms': async ({ target, bins }): Promise<WeightHistogramsDto> => {
      const file =
        'runId' in target
          ? checkpointOf(findRun(target.runId), target.step)
          : modelFile(findModel(target.modelId));
      // Reading and binning is linear in the weights (measured ≈ 26 ms for 784-512³-10, ≈ 75 ms for
      // 784-1024³-10): light enough to answer here, and only the counts (≈ 7 kB) cross the transport.
      const { network } = await readOnnxFile(file);
      return { target, layers: layerWeightHistograms(network, bins ?? 60) };
    },

    'analyses.start': async ({ target }) => {
      let model: string;
      let label: string;
      if ('runId' in target) {
        const run = findRun(target.runId);
        const c = run.checkpoints.find((x) => x.step === target.step);
        if (!c?.exists)
          throw new ApiError('not-found', `run '${target.runId}' has no checkpoint at step ${target.step}`);
        model = join(project(), c.file);
        label = `analyze ${target.runId} step ${target.step}`;
      } else {
        const m = listModels(project()).find((x) => x.id === target.modelId);
        if (!m?.exists) throw new ApiError('not-found', `no model '${target.modelId}' in this project`);
        model = join(project(), m.file);
        label = `analyze ${target.modelId}`;
      }
      const id = `a-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      const folder = join(analysisDir(), id);
      mkdirSync(folder, { recursive: true });
      writeJsonAtomic(join(folder, 'analysis.json'), { id, target, created: new Date().toISOString() });
      return submit(
        'analyze',
        { model, out: join(folder, 'report.json') },
        label,
        'runId' in target ? { runId: target.runId, checkpoint: target.step } : { modelId: target.modelId },
      );
    },
    'analyses.list': async () => {
      const all = existsSync(analysisDir()) ? readdirSync(analysisDir()) : [];
      return all.filter(isValidId).flatMap((id) => readAnalysis(id) ?? []);
    },
    'analyses.get': async ({ id }) => {
      const a = readAnalysis(id);
      if (!a) throw new ApiError('not-found', `no finished analysis '${id}'`);
      return a;
    },

    'jobs.list': async () => supervisor.list().map(jobDto),
    'jobs.cancel': async ({ jobId }) => {
      if (!supervisor.get(jobId)) throw new ApiError('not-found', `no job '${jobId}'`);
      return jobDto(supervisor.cancel(jobId));
    },
    'jobs.log': async ({ jobId, tail }) => {
      const job = supervisor.get(jobId);
      if (!job) throw new ApiError('not-found', `no job '${jobId}'`);
      const file = job.logFile;
      const lines =
        file && existsSync(file)
          ? readFileSync(file, 'utf8').split('\n').filter(Boolean)
          : (job.error?.lastLog ?? []);
      return tail ? lines.slice(-tail) : lines;
    },
  };

  const dispatch = createDispatcher(contract, handlers, { mapError, onUnexpected: opts.onUnexpected });
  return {
    dispatch,
    open: openDir,
    async dispose() {
      unsubscribe();
      await supervisor.shutdown();
      lock?.release();
      lock = null;
    },
  };
}
