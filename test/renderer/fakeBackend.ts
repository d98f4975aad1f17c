/**
 * An in-memory backend of the UI contract for renderer tests: the real dispatcher of rpc.ts over
 * the real contract (so every argument the UI sends is validated by the same zod schemas as in the
 * app), with projects, runs and jobs held in memory, and controls that play the worker's part:
 * report progress, end a job, fail the next call of a method.
 */
import {
  contract,
  EVENTS,
  type AnalysisDto,
  type JobDto,
  type LayerWeightsDto,
  type ModelDto,
  type LambdaCurveDto,
  type MetricsDto,
  type MonteCarloDto,
  type PhaseDiagramDto,
  type ProjectDto,
  type RecentDto,
  type RunDto,
  type SpectrumDto,
  type SweepReportDto,
} from '../../src-main/api/contract.ts';
import type { SpinscopeContract } from '../../src-main/api/contract.ts';
import type { MergeShardsDto } from '../../src-main/api/contract.ts';
import { shellQuote, slurmOptionProblem, slurmScript } from '../../src-main/core/sweep/slurmScript.ts';
import {
  ApiError,
  createDispatcher,
  type ApiEvent,
  type Handlers,
  type Transport,
} from '../../src-main/api/rpc.ts';

export interface Call {
  method: string;
  args: unknown;
}

const NOW = '2026-12-01T12:00:00.000Z';

export class FakeBackend {
  project: ProjectDto | null = null;
  recent: RecentDto[] = [];
  readonly runs = new Map<string, RunDto>();
  readonly metrics = new Map<string, MetricsDto>();
  readonly jobs = new Map<string, JobDto>();
  /** Analyses on disk, by run (and step): what the sweep, spectrum and tap jobs would have written. */
  readonly sweeps = new Map<string, SweepReportDto>();
  readonly curves = new Map<string, LambdaCurveDto>();
  readonly spectra = new Map<string, SpectrumDto>();
  readonly phaseDiagrams = new Map<string, PhaseDiagramDto>();
  /** Imported models, by id, and their newest analysis. */
  readonly models = new Map<string, ModelDto>();
  readonly modelAnalyses = new Map<string, AnalysisDto>();
  /** Per-layer weight histograms by target: `${runId}@${step}` or `model:${modelId}`. */
  readonly weights = new Map<string, LayerWeightsDto[]>();
  /** Bytes received by models.upload, by upload id. */
  readonly uploads = new Map<string, { name: string; bytes: number[] }>();
  readonly montecarlo = new Map<string, MonteCarloDto>();
  /** What runs.mergeShards answers once shards exist (null: none yet, it fails as the backend does). */
  mergeOutcome: MergeShardsDto | null = null;
  /** What each job has logged so far, by job id (jobs.log answers its tail). */
  readonly logs = new Map<string, string[]>();
  /** What a job writes when it completes (set by a test before finishing it). */
  readonly onComplete = new Map<string, () => void>();
  /** Every call the UI made, in order, with its (validated) argument. */
  readonly calls: Call[] = [];
  private readonly failures = new Map<string, ApiError>();
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private jobCounter = 0;
  private clock = 0;

  readonly transport: Transport;

  constructor() {
    const dispatch = createDispatcher(contract, this.handlers());
    this.transport = {
      call: async (method, args) => {
        this.calls.push({ method, args });
        const failure = this.failures.get(method);
        if (failure) {
          this.failures.delete(method);
          return { ok: false, error: failure.toJSON() };
        }
        return dispatch(method, args);
      },
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  /** The arguments of every call of `method`. */
  callsOf(method: keyof SpinscopeContract): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The next call of `method` answers with this error. */
  failNext(method: keyof SpinscopeContract, error: ApiError): void {
    this.failures.set(method, error);
  }

  emit(event: string, payload: unknown): void {
    for (const l of this.listeners) l({ event, payload });
  }

  /** A project already open when the UI starts. */
  openProject(dir: string, name: string): ProjectDto {
    this.project = { dir, name, created: NOW, updated: NOW, runs: [], models: [], problems: [] };
    return this.projectDto();
  }

  /** The worker reports progress: the job runs, the run's step follows. */
  progress(jobId: string, fraction: number, message = '', etaSeconds: number | null = null): void {
    const job = this.job(jobId);
    job.status = 'running';
    job.startedAt ??= this.tick();
    job.progress = { fraction, message, etaSeconds };
    const run = job.target?.runId ? this.runs.get(job.target.runId) : undefined;
    if (run) run.step = Math.round(fraction * run.totalSteps);
    this.emit(EVENTS.jobUpdate, structuredClone(job));
  }

  /** The job ends; a training run ends with it (and gets checkpoints when it completes). */
  finish(jobId: string, status: 'completed' | 'failed' | 'cancelled', errorMessage?: string): void {
    const job = this.job(jobId);
    job.status = status;
    job.endedAt = this.tick();
    if (status === 'failed') job.error = { code: 'failed', message: errorMessage ?? 'failed' };
    if (status === 'completed') this.onComplete.get(jobId)?.();
    const run = job.kind === 'train' && job.target?.runId ? this.runs.get(job.target.runId) : undefined;
    if (run) {
      run.status = status;
      run.jobId = null;
      if (status === 'failed') run.error = errorMessage ?? 'failed';
      if (status === 'completed') {
        run.step = run.totalSteps;
        run.checkpoints = [0, 10, 100, run.totalSteps].map((step, i) => ({
          step,
          epoch: (step / run.totalSteps) * run.epochs,
          file: `runs/${run.id}/checkpoints/step-${String(step).padStart(6, '0')}.onnx`,
          testAccuracy: 0.1 + 0.28 * i,
          testLoss: 2.3 - 0.6 * i,
          // One file lost, to show that it is flagged.
          exists: step !== 10,
        }));
        run.latestTestAccuracy = run.checkpoints.at(-1)!.testAccuracy;
        this.metrics.set(run.id, {
          train: [{ step: run.totalSteps, epoch: run.epochs, loss: 0.31, accuracy: 0.91 }],
          checkpoints: run.checkpoints,
        });
      }
    }
    this.emit(EVENTS.jobUpdate, structuredClone(job));
    this.emit(EVENTS.projectChanged, { reason: `job ${jobId} ${status}` });
  }

  job(jobId: string): JobDto {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`fake backend: no job ${jobId}`);
    return job;
  }

  /** A completed run with these checkpoints and training records, as if trained earlier. */
  addCompletedRun(id: string, steps: number[], train: MetricsDto['train'] = []): RunDto {
    const total = steps.at(-1) ?? 0;
    const checkpoints = steps.map((step, i) => ({
      step,
      epoch: total ? (step / total) * 2 : 0,
      file: `runs/${id}/checkpoints/step-${String(step).padStart(6, '0')}.onnx`,
      testAccuracy: 0.1 + (0.85 * i) / Math.max(1, steps.length - 1),
      testLoss: 2.3 - (2 * i) / Math.max(1, steps.length - 1),
      exists: true,
    }));
    const run: RunDto = {
      id,
      status: 'completed',
      arch: [784, 32, 10],
      activation: 'relu',
      epochs: 2,
      step: total,
      totalSteps: total,
      checkpoints,
      latestTestAccuracy: checkpoints.at(-1)?.testAccuracy ?? null,
      created: NOW,
      updated: NOW,
      error: null,
      config: {},
      jobId: null,
    };
    this.runs.set(id, run);
    this.metrics.set(id, { train, checkpoints });
    return run;
  }

  /** The newest job (the one a command just started). */
  lastJob(): JobDto {
    return [...this.jobs.values()].at(-1)!;
  }

  private tick(): string {
    return new Date(Date.parse(NOW) + 1000 * ++this.clock).toISOString();
  }

  private projectDto(): ProjectDto {
    if (!this.project) throw new ApiError('conflict', 'no project is open: create or open one first');
    return structuredClone({
      ...this.project,
      runs: [...this.runs.values()],
      models: [...this.models.values()],
    });
  }

  private newJob(kind: string, label: string, runId: string, checkpoint?: number): JobDto {
    return this.newJobOn(kind, label, checkpoint === undefined ? { runId } : { runId, checkpoint });
  }

  private newJobOn(kind: string, label: string, target: JobDto['target']): JobDto {
    const job: JobDto = {
      id: `job-${++this.jobCounter}`,
      kind,
      label,
      status: 'queued',
      progress: null,
      error: null,
      submittedAt: this.tick(),
      startedAt: null,
      endedAt: null,
      target,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private model(modelId: string): ModelDto {
    const model = this.models.get(modelId);
    if (!model) throw new ApiError('not-found', `no model '${modelId}' in this project`);
    return model;
  }

  private run(runId: string): RunDto {
    const run = this.runs.get(runId);
    if (!run) throw new ApiError('not-found', `no run '${runId}'`);
    return run;
  }

  private activeJob(runId: string): JobDto | undefined {
    return [...this.jobs.values()].find(
      (j) => j.target?.runId === runId && (j.status === 'queued' || j.status === 'running'),
    );
  }

  private cancelJob(job: JobDto): JobDto {
    // Like the supervisor: cancelling is a request; the job ends when the worker stops.
    return structuredClone(job);
  }

  private handlers(): Handlers<SpinscopeContract> {
    const notHere = async (): Promise<never> => {
      throw new ApiError('failed', 'not implemented in the fake backend');
    };
    return {
      'app.info': async () => ({
        product: 'Spinscope',
        version: 'test',
        versions: {},
        transport: 'websocket',
      }),
      'app.ping': async () => ({ time: 0 }),
      'projects.create': async ({ dir, name }) => {
        if (this.recent.some((r) => r.dir === dir))
          throw new ApiError('conflict', `${dir} is already a project`);
        const p = this.openProject(dir, name ?? dir.split('/').filter(Boolean).at(-1) ?? dir);
        this.recent.unshift({ dir, name: p.name, openedAt: NOW, exists: true });
        return p;
      },
      'projects.open': async ({ dir }) => {
        const r = this.recent.find((x) => x.dir === dir);
        if (!r) throw new ApiError('not-found', `${dir} is not a Spinscope project (no spinscope.json)`);
        return this.openProject(dir, r.name);
      },
      'projects.current': async () => (this.project ? this.projectDto() : null),
      'projects.close': async () => {
        this.project = null;
        return null;
      },
      'projects.recent': async () => structuredClone(this.recent),
      'projects.rename': notHere,
      'projects.reproduce': async ({ dir, budget = 'quick' }) => {
        const running = [...this.jobs.values()].find(
          (j) =>
            j.kind === 'reproduce' &&
            j.target?.project === dir &&
            (j.status === 'queued' || j.status === 'running'),
        );
        if (running) throw new ApiError('conflict', `the paper is already being reproduced in ${dir}`);
        const known = this.recent.find((x) => x.dir === dir);
        const name = known?.name ?? `Reproduction of arXiv:2408.06421 (${budget})`;
        if (this.project?.dir !== dir) this.openProject(dir, name);
        if (!known) this.recent.unshift({ dir, name, openedAt: NOW, exists: true });
        return structuredClone(
          this.newJobOn('reproduce', `reproduce the paper (${budget})`, { project: dir }),
        );
      },
      'runs.list': async () => structuredClone([...this.runs.values()]),
      'runs.create': async ({ config }) => {
        this.projectDto();
        const arch = config.arch as number[];
        const epochs = (config.epochs as number | undefined) ?? 5;
        const id = `${String(config.activation ?? 'relu')}-${arch.join('-')}-s${String(config.seed ?? 0)}`;
        if (this.runs.has(id)) throw new ApiError('conflict', `run ${id} exists`);
        const job = this.newJob('train', `train ${id}`, id);
        const run: RunDto = {
          id,
          status: 'running',
          arch,
          activation: String(config.activation ?? 'relu'),
          epochs,
          step: 0,
          totalSteps: 100 * epochs,
          checkpoints: [],
          latestTestAccuracy: null,
          created: NOW,
          updated: NOW,
          error: null,
          config,
          jobId: job.id,
        };
        this.runs.set(id, run);
        this.metrics.set(id, { train: [], checkpoints: [] });
        return structuredClone({ run, job });
      },
      'runs.cancel': async ({ runId }) => {
        this.run(runId);
        const job = this.activeJob(runId);
        return job ? this.cancelJob(job) : null;
      },
      'runs.resume': async ({ runId }) => {
        const run = this.run(runId);
        if (this.activeJob(runId)) throw new ApiError('conflict', `run '${runId}' is already being trained`);
        if (run.status === 'completed') throw new ApiError('conflict', `run '${runId}' is complete`);
        const job = this.newJob('train', `resume ${runId}`, runId);
        run.status = 'running';
        run.jobId = job.id;
        return structuredClone(job);
      },
      'runs.delete': async ({ runId }) => {
        this.run(runId);
        if (this.activeJob(runId))
          throw new ApiError('conflict', `run '${runId}' is being trained: cancel its job first`);
        this.runs.delete(runId);
        return null;
      },
      'runs.metrics': async ({ runId }) => {
        this.run(runId);
        return structuredClone(this.metrics.get(runId) ?? { train: [], checkpoints: [] });
      },
      'runs.sweep': async ({ runId }) => {
        this.run(runId);
        return structuredClone(this.newJob('sweep', `sweep ${runId}`, runId));
      },
      'runs.sweepReport': async ({ runId }) => structuredClone(this.sweeps.get(runId) ?? null),
      'runs.clusterSweep': async ({ runIds, shards, partition, time, cpus, scratch }) => {
        // The backend's checks and script (core/sweep/slurmScript.ts), without reading shard manifests.
        const problem = slurmOptionProblem({ partition, time, cpus, count: shards });
        if (problem) throw new ApiError('bad-request', problem);
        for (const r of runIds ?? []) this.run(r);
        const root = this.project?.dir ?? '/project';
        const shardsDir = scratch ?? `${root}/analyses/shards`;
        const path = `${root}/spinscope-sweep.sbatch`;
        const script = slurmScript({
          target: root,
          count: shards,
          partition,
          time,
          cpus,
          scratch: scratch ?? null,
          shardsDir,
          workdir: '/opt/spinscope',
          logs: `${root}/logs`,
          settings: { tMin: null, epsilon: 0, spectrumCount: 10 },
          configHash: 'fake-config-hash',
          version: '0.0.0-fake',
        });
        return {
          path,
          script,
          unfinished: [...Array(shards).keys()],
          shards,
          submitCommand: `sbatch ${shellQuote(path)}`,
          mergeCommand: `npx spinscope merge ${shellQuote(shardsDir)} --into ${shellQuote(root)}`,
        };
      },
      'runs.mergeShards': async () => {
        const home = `${this.project?.dir ?? '/project'}/analyses/shards`;
        if (!this.mergeOutcome)
          throw new ApiError(
            'not-found',
            `nothing to merge: ${home} does not exist. Run the exported array on the cluster first`,
          );
        return structuredClone(this.mergeOutcome);
      },
      'checkpoints.list': async ({ runId }) => structuredClone(this.run(runId).checkpoints),
      'checkpoints.analysis': async () => null,
      'checkpoints.curve': async ({ runId, step }) => {
        this.run(runId);
        return structuredClone(this.curves.get(`${runId}@${step}`) ?? null);
      },
      'spectra.get': async ({ runId, step }) => {
        this.run(runId);
        return structuredClone(this.spectra.get(`${runId}@${step}`) ?? null);
      },
      'spectra.list': async ({ runId }) => {
        this.run(runId);
        return [...this.spectra.keys()]
          .filter((k) => k.startsWith(`${runId}@`))
          .map((k) => Number(k.split('@')[1]))
          .sort((a, b) => a - b);
      },
      'spectra.start': async ({ runId, step }) => {
        this.run(runId);
        return structuredClone(this.newJob('spectrum', `spectrum ${runId} step ${step}`, runId, step));
      },
      'phaseDiagrams.get': async ({ runId }) => {
        this.run(runId);
        return structuredClone(this.phaseDiagrams.get(runId) ?? null);
      },
      'phaseDiagrams.start': async ({ runId }) => {
        this.run(runId);
        if (!this.sweeps.has(runId)) throw new ApiError('conflict', `run '${runId}' has no sweep yet`);
        return structuredClone(this.newJob('tap', `phase diagram ${runId}`, runId));
      },
      'montecarlo.get': async ({ runId, step }) => {
        this.run(runId);
        return structuredClone(this.montecarlo.get(`${runId}@${step}`) ?? null);
      },
      'montecarlo.start': async ({ runId, step }) => {
        this.run(runId);
        return structuredClone(this.newJob('montecarlo', `Monte Carlo ${runId} step ${step}`, runId, step));
      },
      'figures.export': async ({ name }) => {
        this.projectDto();
        const job: JobDto = {
          id: `job-${++this.jobCounter}`,
          kind: 'figure',
          label: `figure ${name}`,
          status: 'queued',
          progress: null,
          error: null,
          submittedAt: this.tick(),
          startedAt: null,
          endedAt: null,
          target: null,
        };
        this.jobs.set(job.id, job);
        return structuredClone(job);
      },
      'models.import': async ({ path }) => {
        this.projectDto();
        return structuredClone(this.newJobOn('import', `import ${path}`, null));
      },
      'models.upload': async ({ uploadId, name, offset, total, data }) => {
        this.projectDto();
        if (offset === 0) this.uploads.set(uploadId, { name, bytes: [] });
        const upload = this.uploads.get(uploadId);
        if (!upload || upload.bytes.length !== offset)
          throw new ApiError('conflict', `upload ${uploadId}: chunk out of order`);
        const binary = atob(data);
        for (let i = 0; i < binary.length; i++) upload.bytes.push(binary.charCodeAt(i));
        const received = upload.bytes.length;
        const job = received === total ? this.newJobOn('import', `import ${name}`, null) : null;
        return structuredClone({ received, job });
      },
      'models.list': async () => structuredClone([...this.models.values()]),
      'models.analysis': async ({ modelId }) => {
        this.model(modelId);
        return structuredClone(this.modelAnalyses.get(modelId) ?? null);
      },
      'weights.histograms': async ({ target }) => {
        const key = 'runId' in target ? `${target.runId}@${target.step}` : `model:${target.modelId}`;
        if ('runId' in target) this.run(target.runId);
        else this.model(target.modelId);
        const layers = this.weights.get(key);
        if (!layers) throw new ApiError('not-found', `no weights for ${key} in the fake backend`);
        return structuredClone({ target, layers });
      },
      'analyses.start': async ({ target }) => {
        if (!('runId' in target)) {
          this.model(target.modelId);
          return structuredClone(
            this.newJobOn('analyze', `analyze ${target.modelId}`, { modelId: target.modelId }),
          );
        }
        this.run(target.runId);
        return structuredClone(
          this.newJob('analyze', `analyze ${target.runId} step ${target.step}`, target.runId, target.step),
        );
      },
      'analyses.list': async () => [],
      'analyses.get': notHere,
      'jobs.list': async () => structuredClone([...this.jobs.values()]),
      'jobs.cancel': async ({ jobId }) => {
        const job = this.jobs.get(jobId);
        if (!job) throw new ApiError('not-found', `no job '${jobId}'`);
        return this.cancelJob(job);
      },
      'jobs.log': async ({ jobId, tail }) => {
        this.job(jobId);
        const lines = this.logs.get(jobId) ?? [];
        return tail ? lines.slice(-tail) : [...lines];
      },
    };
  }
}
