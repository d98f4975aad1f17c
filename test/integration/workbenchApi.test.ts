/**
 * The API behind the workbench's import and compare views, through real worker processes: an
 * imported PyTorch export reports its layers, how each weight was stored, its biases, the MNIST
 * accuracy and the consistency of Spinscope's forward pass with onnxruntime; an analysis of the
 * model is found again by models.analysis; weights.histograms bins the weights of a model and of a
 * checkpoint in the backend. Numbers are checked against the fixture's independent numpy reference
 * (expected.json) and against the initialisation's known variance.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src-main/api/backend.ts';
import type {
  AnalysisDto,
  JobDto,
  MetricsDto,
  ModelDto,
  RunDto,
  WeightHistogramsDto,
} from '../../src-main/api/contract.ts';
import type { RpcResult } from '../../src-main/api/rpc.ts';
import { RecentProjects } from '../../src-main/core/project/project.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { JobSupervisor } from '../../src-main/jobs/supervisor.ts';
import { OWN_FIXTURES } from '../helpers/fixtures.ts';

const base = mkdtempSync(join(tmpdir(), 'spinscope-workbench-api-'));
const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: 2, cancelGraceMs: 20_000 });
const backend = createBackend({
  supervisor,
  recent: new RecentProjects(join(base, 'recent.json')),
  transport: 'websocket',
  emit: () => {},
});
afterAll(() => backend.dispose());

async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const r: RpcResult = await backend.dispatch(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function finished(id: string): Promise<JobDto> {
  const end = Date.now() + 90_000;
  for (;;) {
    const j = (await call<JobDto[]>('jobs.list')).find((x) => x.id === id);
    if (j && ['completed', 'failed', 'cancelled'].includes(j.status)) return j;
    if (Date.now() > end) throw new Error(`timed out waiting for job ${id}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('workbench API: import report, model analysis, weight histograms', () => {
  it('reports an imported Gemm(transB=1) export: layers, [out, in] storage, biases, accuracy, consistency', async () => {
    await call('projects.create', { dir: join(base, 'proj') });
    const fixture = join(OWN_FIXTURES, 'gemm_bias_relu');
    const job = await call<JobDto>('models.import', { path: join(fixture, 'model.onnx') });
    const done = await finished(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('completed');
    const [m] = await call<ModelDto[]>('models.list');
    expect(m).toMatchObject({
      name: 'gemm_bias_relu',
      exists: true,
      layers: [784, 40, 24, 10],
      activations: ['relu', 'relu', 'identity'],
      biases: true,
      spins: 858,
      couplings: 784 * 40 + 40 * 24 + 24 * 10,
    });
    expect(m.layerSources.map((l) => l.stored)).toEqual(['[out, in]', '[out, in]', '[out, in]']);
    expect(m.evaluation?.samples).toBe(10_000);
    // PyTorch measured this model's accuracy at export (expected.json); onnxruntime agrees.
    const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as {
      accuracy: number;
      replica: { C: number[] };
      tap: { tc: number; phase: string };
    };
    expect(Math.abs(m.evaluation!.accuracy - expected.accuracy)).toBeLessThan(5e-4);
    expect(m.evaluation!.consistency).toBeLessThan(1e-4);

    // The project overview lists it next to the runs.
    const p = await call<{ models: ModelDto[] }>('projects.current');
    expect(p.models.map((x) => x.id)).toEqual([m.id]);

    // Analyse it: models.analysis finds the report, with λ_min(T) and the reference T_c.
    expect(await call('models.analysis', { modelId: m.id })).toBeNull();
    const a = await call<JobDto>('analyses.start', { target: { modelId: m.id } });
    expect(a.target).toEqual({ modelId: m.id });
    expect((await finished(a.id)).status).toBe('completed');
    const analysis = (await call<AnalysisDto>('models.analysis', { modelId: m.id }))!;
    expect(analysis.target).toEqual({ modelId: m.id });
    expect(Math.abs(analysis.report.tap.tc - expected.tap.tc)).toBeLessThan(1e-4 * expected.tap.tc);
    expect(analysis.report.tap.phase).toBe(expected.tap.phase);
    expect(analysis.report.tap.curve!.T.length).toBe(analysis.report.tap.curve!.lambda.length);

    // Its weights, binned in the backend: N_{k−1}(std² + mean²) is numpy's replica C_k.
    const h = await call<WeightHistogramsDto>('weights.histograms', { target: { modelId: m.id }, bins: 40 });
    expect(h.layers.map((l) => l.shape)).toEqual([
      [784, 40],
      [40, 24],
      [24, 10],
    ]);
    h.layers.forEach((l, k) => {
      expect(l.counts).toHaveLength(40);
      expect(sum(l.counts)).toBe(l.shape[0] * l.shape[1]);
      expect(l.shape[0] * (l.std ** 2 + l.mean ** 2)).toBeCloseTo(expected.replica.C[k], 5);
    });
  }, 120_000);

  it('uploads a file in chunks (served mode), imports the copy and removes it', async () => {
    const bytes = readFileSync(join(OWN_FIXTURES, 'gemm_bias_relu', 'model.onnx'));
    const total = bytes.length;
    const cuts = [0, Math.floor(total / 3), Math.floor((2 * total) / 3), total];
    const chunk = (i: number, uploadId = 'up1', name = 'gemm_bias_relu.onnx') => ({
      uploadId,
      name,
      offset: cuts[i],
      total,
      data: bytes.subarray(cuts[i], cuts[i + 1]).toString('base64'),
    });
    const upload = (args: unknown) => backend.dispatch('models.upload', args);
    expect(await upload(chunk(0))).toMatchObject({ ok: true, value: { received: cuts[1], job: null } });
    // A chunk out of order is refused, and names with folders never reach the disk.
    expect(await upload(chunk(2))).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await upload({ ...chunk(1), name: '../evil.onnx' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await upload(chunk(1))).toMatchObject({ ok: true, value: { received: cuts[2], job: null } });
    const last = await call<{ received: number; job: JobDto }>('models.upload', chunk(2));
    expect(last.received).toBe(total);
    expect((await finished(last.job.id)).status).toBe('completed');
    const models = await call<ModelDto[]>('models.list');
    const m = models.find((x) => x.source === 'uploaded gemm_bias_relu.onnx')!;
    expect(m.name).toBe('gemm_bias_relu');
    expect(m.layers).toEqual([784, 40, 24, 10]);
    // The copy in the project is byte for byte the file sent; the upload folder is gone.
    expect(readFileSync(join(base, 'proj', m.file)).equals(bytes)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (existsSync(join(base, 'proj', 'models', '.upload-up1')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(base, 'proj', 'models', '.upload-up1'))).toBe(false);
  }, 120_000);

  it('bins the weights of a checkpoint; step 0 has the Kaiming-normal variance 2/N_in', async () => {
    const { run, job } = await call<{ run: RunDto; job: JobDto }>('runs.create', {
      name: 'tiny',
      config: {
        arch: '784-64-10',
        epochs: 1,
        trainLimit: 600,
        testLimit: 100,
        batchSize: 60,
        checkpoints: 3,
      },
    });
    expect((await finished(job.id)).status).toBe('completed');
    const metrics = await call<MetricsDto>('runs.metrics', { runId: run.id });
    expect(metrics.checkpoints[0].step).toBe(0);
    const h = await call<WeightHistogramsDto>('weights.histograms', { target: { runId: run.id, step: 0 } });
    expect(h.layers).toHaveLength(2);
    const [w1] = h.layers;
    expect(w1.shape).toEqual([784, 64]);
    expect(sum(w1.counts)).toBe(784 * 64);
    expect(w1.counts).toHaveLength(60);
    // 50,176 Gaussian draws: the sample variance is within 3% of 2/784 (its relative error is ~0.6%).
    expect(Math.abs(w1.std ** 2 / (2 / 784) - 1)).toBeLessThan(0.03);
    expect(Math.abs(w1.mean)).toBeLessThan(4 * Math.sqrt(2 / 784 / (784 * 64)));

    expect(
      await backend.dispatch('weights.histograms', { target: { runId: run.id, step: 999_999 } }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await backend.dispatch('weights.histograms', { target: { modelId: 'nope' } })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await backend.dispatch('models.analysis', { modelId: '../x' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  }, 120_000);
});
