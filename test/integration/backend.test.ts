/**
 * The backend of the contract with real worker processes (child_process.fork), driven through the
 * dispatcher as the UI drives it: a project, a training run with progress events, cancel and
 * resume, metrics and checkpoints, an analysis of a checkpoint, an ONNX import, job logs, and
 * typed errors for bad calls.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src-main/api/backend.ts';
import type {
  AnalysisDto,
  JobDto,
  LambdaCurveDto,
  ModelDto,
  MonteCarloDto,
  PhaseDiagramDto,
  ProjectDto,
  RunDto,
  SpectrumDto,
  SweepReportDto,
} from '../../src-main/api/contract.ts';
import type { ApiEvent, RpcResult } from '../../src-main/api/rpc.ts';
import { RecentProjects } from '../../src-main/core/project/project.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { JobSupervisor } from '../../src-main/jobs/supervisor.ts';
import { SHARED_FIXTURES } from '../helpers/fixtures.ts';
import { fitPowerLaw } from '../../src-main/core/sweep/powerLaw.ts';
import {
  lambdaFigure,
  phaseFigure,
  spectrumFigure,
  tcFigure,
} from '../../src-renderer/src/charts/figureSpecs.ts';

const base = mkdtempSync(join(tmpdir(), 'spinscope-backend-'));
const events: ApiEvent[] = [];
const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: 2, cancelGraceMs: 20_000 });
const backend = createBackend({
  supervisor,
  recent: new RecentProjects(join(base, 'recent.json')),
  transport: 'websocket',
  emit: (e) => events.push(e),
});
afterAll(() => backend.dispose());

async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const r: RpcResult = await backend.dispatch(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined | null | false>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const job = (id: string): Promise<JobDto | undefined> =>
  call<JobDto[]>('jobs.list').then((js) => js.find((j) => j.id === id));
const finished = (id: string): Promise<JobDto> =>
  until(`job ${id}`, async () => {
    const j = await job(id);
    return j && ['completed', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
  });

const small = {
  arch: '784-32-10',
  epochs: 2,
  trainLimit: 3000,
  testLimit: 300,
  batchSize: 30,
  checkpoints: 12,
};

describe('backend', () => {
  it('needs a project; creates one; lists it as recent', async () => {
    expect(await backend.dispatch('runs.list', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const p = await call<ProjectDto>('projects.create', { dir: join(base, 'proj'), name: 'Glass study' });
    expect(p).toMatchObject({ name: 'Glass study', runs: [], models: [], problems: [] });
    expect(await call('projects.recent')).toMatchObject([{ dir: p.dir, name: 'Glass study', exists: true }]);
    expect(await backend.dispatch('projects.create', { dir: join(base, 'proj') })).toMatchObject({
      ok: false,
    });
  });

  it('trains a run in a worker with progress events, then analyses a checkpoint', async () => {
    const { run, job: j } = await call<{ run: RunDto; job: JobDto }>('runs.create', {
      name: 'relu small',
      config: small,
    });
    expect(run.id).toBe('relu-small');
    expect(j.kind).toBe('train');
    const done = await finished(j.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const progress = events.filter((e) => e.event === 'jobs.update' && (e.payload as JobDto).id === j.id);
    expect(progress.every((e) => (e.payload as JobDto).target?.runId === run.id)).toBe(true);
    const fractions = progress.map((e) => (e.payload as JobDto).progress?.fraction ?? 0);
    expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
    expect(events.some((e) => e.event === 'project.changed')).toBe(true);

    const metrics = await call<{
      train: unknown[];
      checkpoints: { step: number; testAccuracy: number; exists: boolean }[];
    }>('runs.metrics', { runId: run.id });
    expect(metrics.checkpoints.length).toBe(13);
    expect(metrics.checkpoints.every((c) => c.exists)).toBe(true);
    expect(metrics.checkpoints.at(-1)!.testAccuracy).toBeGreaterThan(0.7);
    expect(metrics.train.length).toBeGreaterThan(0);
    const runs = await call<RunDto[]>('runs.list');
    expect(runs[0]).toMatchObject({
      id: 'relu-small',
      status: 'completed',
      arch: [784, 32, 10],
      jobId: null,
    });

    const last = metrics.checkpoints.at(-1)!;
    const a = await call<JobDto>('analyses.start', { target: { runId: run.id, step: last.step } });
    expect((await finished(a.id)).status).toBe('completed');
    const analysis = await call<AnalysisDto>('checkpoints.analysis', { runId: run.id, step: last.step });
    expect(analysis.report.model).toEqual({ layers: [784, 32, 10], spins: 826, couplings: 784 * 32 + 320 });
    expect(analysis.report.tap.tc).toBeGreaterThan(0);
    expect(await call('analyses.list')).toHaveLength(1);
    expect(await call('runs.sweepReport', { runId: run.id })).toBeNull();
    const sw = await call<JobDto>('runs.sweep', { runId: run.id });
    expect((await finished(sw.id)).status).toBe('completed');
    const report = await call<{
      schema: string;
      checkpoints: { step: number; tc: number }[];
      powerLaw: unknown;
    }>('runs.sweepReport', { runId: run.id });
    expect(report.schema).toBe('spinscope.sweep/1');
    expect(report.checkpoints.map((c) => c.step)).toEqual(metrics.checkpoints.map((c) => c.step));
    const tcAtLast = report.checkpoints.at(-1)!.tc;
    expect(Math.abs(tcAtLast - analysis.report.tap.tc)).toBeLessThan(1e-9 * tcAtLast);
    expect(report.powerLaw).not.toBeNull();
    const badWindow = await call<JobDto>('runs.sweep', { runId: run.id, window: 'nonsense' });
    const bad = await finished(badWindow.id);
    expect(bad.status).toBe('failed');
    expect(bad.error?.message).toMatch(/nonsense/);
    const log = await call<string[]>('jobs.log', { jobId: j.id });
    expect(log.join('\n')).toMatch(/test accuracy/);
    expect(existsSync(join(base, 'proj/logs', `${j.id}.log`))).toBe(true);
  }, 120_000);

  it("serves the swept run's λ_min(T) curves, a checkpoint's spectrum and the run's phase diagram", async () => {
    const runId = 'relu-small';
    const sweep = await call<SweepReportDto>('runs.sweepReport', { runId });
    const last = sweep.checkpoints.at(-1)!;

    // λ_min(T) from the sweep cache: the same T_c as the sweep report, and the same curve as the
    // direct analysis of that checkpoint (analyses.start in the test above) — two computations.
    const curve = (await call<LambdaCurveDto>('checkpoints.curve', { runId, step: last.step }))!;
    expect(curve.source).toBe('sweep');
    expect(curve.tc).toBe(last.tc);
    expect(curve.phase).toBe(last.phase);
    expect(Math.min(...curve.lambda)).toBeCloseTo(last.minLambda, 12);
    for (let i = 1; i < curve.T.length; i++) expect(curve.T[i]).toBeGreaterThan(curve.T[i - 1]);
    const analysis = await call<AnalysisDto>('checkpoints.analysis', { runId, step: last.step });
    const direct = analysis.report.tap as unknown as { curve: { T: number[]; lambda: number[] } };
    expect(curve.T).toEqual(direct.curve.T);
    expect(curve.lambda).toEqual(direct.curve.lambda);
    // Without the sweep's cache entry, the curve comes from the analysis of that checkpoint.
    const entry = join(
      base,
      'proj',
      'analyses',
      `sweep-${runId}`,
      `step-${String(last.step).padStart(6, '0')}.json`,
    );
    renameSync(entry, `${entry}.away`);
    const fromAnalysis = (await call<LambdaCurveDto>('checkpoints.curve', { runId, step: last.step }))!;
    renameSync(`${entry}.away`, entry);
    expect(fromAnalysis.source).toBe('analysis');
    expect(fromAnalysis.lambda).toEqual(curve.lambda);
    expect(fromAnalysis.tc).toBe(curve.tc);
    expect(await backend.dispatch('checkpoints.curve', { runId: 'nope', step: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });

    // The spectrum of J: N = 826 eigenvalues, symmetric about 0 (bipartite chain), trace J = 0, and
    // the bulk edge is λ_max of J at step 0, which the sweep found by Lanczos (top[0]).
    expect(await call('spectra.get', { runId, step: last.step })).toBeNull();
    const sj = await call<JobDto>('spectra.start', { runId, step: last.step });
    expect(sj.kind).toBe('spectrum');
    expect((await finished(sj.id)).status).toBe('completed');
    const spectrum = (await call<SpectrumDto>('spectra.get', { runId, step: last.step }))!;
    expect(spectrum.referenceStep).toBe(0);
    expect(await call('spectra.list', { runId })).toEqual([last.step]);
    const eig = spectrum.report.density.eigenvalues!;
    expect(eig).toHaveLength(826);
    expect(Math.abs(eig.reduce((s, x) => s + x, 0))).toBeLessThan(1e-9 * eig.at(-1)!);
    expect(eig[0]).toBeCloseTo(-eig.at(-1)!, 9);
    expect(spectrum.report.density.edge.used).toBe('reference');
    expect(spectrum.report.density.edge.value).toBeCloseTo((sweep.checkpoints[0].top as number[])[0], 5);
    expect(spectrum.report.layers.map((l) => l.shape)).toEqual([
      [784, 32],
      [32, 10],
    ]);

    // The phase diagram over 3 checkpoints (first and last included) and 4 temperatures.
    expect(await call('phaseDiagrams.get', { runId })).toBeNull();
    const pj = await call<JobDto>('phaseDiagrams.start', {
      runId,
      maxCheckpoints: 3,
      temperatureCount: 4,
      starts: 4,
    });
    expect(pj.kind).toBe('tap');
    expect((await finished(pj.id)).status).toBe('completed');
    const { diagram } = (await call<PhaseDiagramDto>('phaseDiagrams.get', { runId }))!;
    expect(diagram.checkpoints.map((c) => c.step)).toEqual([0, sweep.checkpoints[6].step, last.step]);
    const tcMax = Math.max(...sweep.checkpoints.map((c) => c.tc));
    expect(diagram.grid.values).toEqual([4, 3, 2, 1].map((k) => (1.5 * tcMax * k) / 4));
    for (const row of diagram.checkpoints) {
      const swept = sweep.checkpoints.find((c) => c.step === row.step)!;
      expect(Math.abs(row.tc - swept.tc)).toBeLessThan(1e-4 * swept.tc);
      for (const cell of row.cells) if (cell.T > row.tc) expect(cell.phase).toBe('paramagnet');
    }
    // The training job is the run's job: a sweep or a phase diagram is not cancelled with the run.
    expect(await call('runs.cancel', { runId })).toBeNull();

    // What the workbench's "Figure bundle" sends for each of these views is accepted by the
    // exporter of core/figures, which writes the bundle into the project's figures/ folder.
    const version = (await call<{ version: string }>('app.info')).version;
    const requests = [
      tcFigure(
        runId,
        sweep.checkpoints,
        fitPowerLaw(sweep.checkpoints.map((c) => ({ step: c.step, tc: c.tc }))).fit,
      ),
      lambdaFigure(curve),
      spectrumFigure(spectrum),
      phaseFigure({ runId, diagram })!,
    ];
    for (const [i, r] of requests.entries()) {
      const spec = {
        schema: 'spinscope.figure/1',
        title: r.title,
        style: { preset: 'aps-single' },
        panels: [{ data: r.data, provenance: r.provenance }],
        spinscope: { version },
      };
      const fj = await call<JobDto>('figures.export', { spec, name: `view-${i}` });
      const done = await finished(fj.id);
      expect(done.status, `${r.data.kind}: ${JSON.stringify(done.error)}`).toBe('completed');
      expect(existsSync(join(base, 'proj', 'figures', `view-${i}.pdf`))).toBe(true);
    }
  }, 180_000);

  it("runs a checkpoint's Monte Carlo check on a ladder around its T_c, and counts valleys in the phase diagram", async () => {
    const runId = 'relu-small';
    const sweep = await call<SweepReportDto>('runs.sweepReport', { runId });
    const last = sweep.checkpoints.at(-1)!;
    expect(await call('montecarlo.get', { runId, step: last.step })).toBeNull();
    const quick = { temperatures: 4, sweeps: 100, seed: 3 };
    const mj = await call<JobDto>('montecarlo.start', { runId, step: last.step, options: quick });
    expect(mj).toMatchObject({ kind: 'montecarlo', target: { runId, checkpoint: last.step } });
    const done = await finished(mj.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const mc = (await call<MonteCarloDto>('montecarlo.get', { runId, step: last.step }))!;
    expect(mc.report).toEqual(done.result);
    const file = `step-${String(last.step).padStart(6, '0')}.json`;
    expect(
      JSON.parse(readFileSync(join(base, 'proj/analyses', `montecarlo-${runId}`, file), 'utf8')),
    ).toEqual(mc.report);
    // The default ladder: 0.5 to 2 × the checkpoint's TAP T_c from the sweep; the worker's own TAP
    // analysis of the checkpoint (another computation) finds the same T_c.
    expect(mc.report.settings).toMatchObject({ tMin: 0.5 * last.tc, tMax: 2 * last.tc, ...quick });
    expect(Math.abs(mc.report.tc.tap!.tc - last.tc)).toBeLessThan(1e-4 * last.tc);
    expect(mc.report.temperatures.map((t) => t.T)).toHaveLength(4);
    expect(mc.report.temperatures[0].T).toBeCloseTo(0.5 * last.tc, 12);

    // Without a sweep entry or an analysis (step 0 has neither once its cache entry is away), the
    // ladder brackets the replica T_c of the weights, which the worker computes again for its report.
    const entry = join(base, 'proj', 'analyses', `sweep-${runId}`, 'step-000000.json');
    renameSync(entry, `${entry}.away`);
    try {
      const rj = await call<JobDto>('montecarlo.start', { runId, step: 0, options: quick });
      expect((await finished(rj.id)).status).toBe('completed');
    } finally {
      renameSync(`${entry}.away`, entry);
    }
    const initial = (await call<MonteCarloDto>('montecarlo.get', { runId, step: 0 }))!;
    expect(initial.report.settings.tMin / initial.report.tc.replica!).toBeCloseTo(0.5, 12);
    expect(initial.report.settings.tMax / initial.report.tc.replica!).toBeCloseTo(2, 12);

    // A ladder that is not one is refused before any worker starts.
    for (const options of [{ tMin: 2, tMax: 1 }, { tMin: 100 * last.tc }]) {
      expect(await backend.dispatch('montecarlo.start', { runId, step: last.step, options })).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    }
    expect(await backend.dispatch('montecarlo.start', { runId, step: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });

    // "Count glass valleys by Monte Carlo": the tap job samples valleys in the cells below T_c.
    const pj = await call<JobDto>('phaseDiagrams.start', {
      runId,
      maxCheckpoints: 1,
      temperatures: [0.6 * last.tc],
      starts: 2,
      valleys: true,
    });
    expect((await finished(pj.id)).status).toBe('completed');
    const { diagram } = (await call<PhaseDiagramDto>('phaseDiagrams.get', { runId }))!;
    const [cell] = diagram.checkpoints[0].cells;
    expect(diagram.checkpoints[0].step).toBe(last.step);
    const valleys = cell.valleys!;
    // Every copy is in one valley or sampled the paramagnet.
    expect(valleys.valleys.reduce((n, v) => n + v.size, 0) + valleys.paramagnetic).toBe(valleys.copies);
    expect(valleys.largestShare).toBe(valleys.valleys[0].size / valleys.copies);
  }, 180_000);

  it('cancels a running run and resumes it to completion', async () => {
    const { run, job: j } = await call<{ run: RunDto; job: JobDto }>('runs.create', {
      // Long enough (≈ 2,000 steps of 784-512-512-10) that the cancel lands mid-run on any machine.
      config: { ...small, arch: '784-512-512-10', epochs: 4, trainLimit: 15_000, seed: 1 },
    });
    await until('progress', async () => ((await job(j.id))?.progress?.fraction ?? 0) > 0.05);
    const cancelled = await call<JobDto | null>('runs.cancel', { runId: run.id });
    expect(cancelled?.id).toBe(j.id);
    expect((await finished(j.id)).status).toBe('cancelled');
    const after = (await call<RunDto[]>('runs.list')).find((r) => r.id === run.id)!;
    expect(after.status).toBe('cancelled');
    expect(after.step).toBeGreaterThan(0);
    const resumed = await call<JobDto>('runs.resume', { runId: run.id });
    expect((await finished(resumed.id)).status).toBe('completed');
    const complete = (await call<RunDto[]>('runs.list')).find((r) => r.id === run.id)!;
    expect(complete.status).toBe('completed');
    expect(await backend.dispatch('runs.resume', { runId: run.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  }, 120_000);

  it('imports an ONNX model through a worker; bad files and bad calls are typed errors', async () => {
    const imp = await call<JobDto>('models.import', {
      path: join(SHARED_FIXTURES, 'relu_gemm_bias/model.onnx'),
    });
    const done = await finished(imp.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const models = await call<ModelDto[]>('models.list');
    expect(models).toHaveLength(1);
    expect(models[0].layers).toEqual([784, 32, 32, 10]);
    expect(models[0].accuracy).toBeGreaterThan(0.8);

    const bad = await call<JobDto>('models.import', { path: join(base, 'recent.json') });
    const failed = await finished(bad.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/recent\.json/);

    expect(await backend.dispatch('runs.metrics', { runId: '../etc' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await backend.dispatch('runs.metrics', { runId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await backend.dispatch('runs.create', { config: { arch: '784-10', lr: -1 } })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/lr/) },
    });
    expect(await backend.dispatch('jobs.cancel', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(JSON.parse(readFileSync(join(base, 'proj/spinscope.json'), 'utf8')).name).toBe('Glass study');
  }, 120_000);
});
