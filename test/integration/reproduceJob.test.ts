/**
 * The `reproduce` job kind (core/reproduce/job.ts), the app's "Reproduce the paper": the pipeline
 * of `spinscope reproduce` as one job with one progress bar, cancelled mid-training and started
 * again (it resumes), its analyses published where the workbench's run views read them; and
 * `projects.reproduce` through the backend with a real worker process.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src-main/api/backend.ts';
import type { JobDto, PhaseDiagramDto, ProjectDto } from '../../src-main/api/contract.ts';
import type { ApiEvent, RpcResult } from '../../src-main/api/rpc.ts';
import { phaseDiagramFile, spectrumFile } from '../../src-main/api/runAnalyses.ts';
import type { JobProgress } from '../../src-main/core/jobs/job.ts';
import { runJob } from '../../src-main/core/jobs/registry.ts';
import { RecentProjects } from '../../src-main/core/project/project.ts';
import type { ReproduceReport } from '../../src-main/core/reproduce/evidence.ts';
import type { ReproduceJobResult } from '../../src-main/core/reproduce/job.ts';
import { STAGES } from '../../src-main/core/reproduce/progress.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { JobSupervisor } from '../../src-main/jobs/supervisor.ts';

const base = mkdtempSync(join(tmpdir(), 'spinscope-reproduce-job-'));
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('the reproduce job kind (in this process, as a worker runs it)', () => {
  it('stops on cancel with the run’s resume point; started again it resumes that run and finishes, with one monotone progress bar', async () => {
    const out = join(base, 'in-process');
    const params = { out, budget: 'tiny', seeds: 1 };
    const early = join(out, 'runs/relu-seed0/checkpoints/step-000004.onnx');
    const controller = new AbortController();
    const first: JobProgress[] = [];
    const stopped = await runJob('reproduce', params, {
      signal: controller.signal,
      // Cancel as soon as the first run has written an early checkpoint (mid-training).
      progress: (p) => {
        first.push(p);
        if (existsSync(early)) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((stopped as Error).name).toBe('CancelledError');
    expect(readJson<{ status: string }>(join(out, 'runs/relu-seed0/run.json')).status).toBe('cancelled');
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((p) => p.message.startsWith('train: '))).toBe(true);

    const again: JobProgress[] = [];
    const result = (await runJob('reproduce', params, {
      progress: (p) => again.push(p),
    })) as ReproduceJobResult;
    expect(result.project).toBe(out);
    expect(result.runs).toEqual(['relu-seed0', 'sign-seed0']);
    expect(result.firstRun).toBe('relu-seed0');
    expect(result.work.resumed).toEqual(['relu-seed0']);
    expect(result.work.trained).toEqual(['sign-seed0']);
    expect(result.work.reportWritten).toBe(true);
    expect(existsSync(result.reportHtml)).toBe(true);
    expect(result.reportHtml).toBe(join(out, 'report.html'));
    expect(readJson<{ status: string }>(join(out, 'runs/relu-seed0/run.json')).status).toBe('completed');

    // One bar for the whole pipeline: never going back, ending full, the stages in their order.
    const fractions = again.map((p) => p.fraction);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.at(-1)).toBeCloseTo(1, 12);
    const stages = [...new Set(again.map((p) => p.message.split(':')[0]))];
    expect(stages).toEqual([...STAGES]);
    expect(again.some((p) => p.etaSeconds !== null && p.etaSeconds >= 0)).toBe(true);

    // The workbench's Phase diagram and Spectra tabs read these files (api/runAnalyses.ts): the
    // pipeline's own reports, byte for byte, for the first seed of each activation.
    const report = readJson<ReproduceReport>(join(out, 'report.json'));
    const expected: string[] = [];
    for (const a of report.activations) {
      const run = a.runs[0];
      const diagram = phaseDiagramFile(out, run);
      expect(readFileSync(diagram, 'utf8')).toBe(readFileSync(join(out, a.phaseDiagram!.file), 'utf8'));
      expected.push(diagram);
      for (const s of a.spectra) {
        const file = spectrumFile(out, run, s.step);
        expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(out, s.file), 'utf8'));
        expected.push(file);
      }
    }
    expect(result.published.map((f) => join(out, f)).sort()).toEqual(expected.sort());

    // Done is done: a third start changes nothing and publishes nothing again.
    const third = (await runJob('reproduce', params)) as ReproduceJobResult;
    expect(third.work).toEqual({
      trained: [],
      resumed: [],
      checkpointsAnalysed: 0,
      phaseDiagrams: 0,
      spectra: 0,
      figures: 0,
      reportWritten: false,
    });
    expect(third.published).toEqual([]);
  }, 300_000);

  it('refuses bad parameters before any work', async () => {
    await expect(runJob('reproduce', { out: 'relative/dir', budget: 'tiny' })).rejects.toThrow(
      /out: must be an absolute path/,
    );
    await expect(runJob('reproduce', { out: join(base, 'x'), budget: 'huge' })).rejects.toThrow(/budget/);
    expect(existsSync(join(base, 'x'))).toBe(false);
  });
});

describe('projects.reproduce (backend, real worker)', () => {
  const events: ApiEvent[] = [];
  const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: 1, cancelGraceMs: 20_000 });
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
  const updates = (id: string): JobDto[] =>
    events
      .filter((e) => e.event === 'jobs.update')
      .map((e) => e.payload as JobDto)
      .filter((j) => j.id === id);
  async function until<T>(what: string, f: () => T | undefined, ms = 120_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('creates the project, opens it, runs the pipeline as one job with stage progress, refuses a second start, cancels, and started again completes with what the run views read', async () => {
    const dir = join(base, 'served');
    const job = await call<JobDto>('projects.reproduce', { dir, budget: 'tiny', seeds: 1 });
    expect(job).toMatchObject({ kind: 'reproduce', target: { project: dir } });
    const current = await call<ProjectDto>('projects.current');
    expect(current).toMatchObject({ dir, name: 'Reproduction of arXiv:2408.06421 (tiny)' });
    expect((await call<{ dir: string }[]>('projects.recent')).map((r) => r.dir)).toContain(dir);

    const r = await backend.dispatch('projects.reproduce', { dir, budget: 'tiny', seeds: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('conflict');
      expect(r.error.message).toContain(`already being reproduced in ${dir} (job ${job.id})`);
    }

    const training = await until('training progress', () =>
      updates(job.id).find((j) => j.status === 'running' && j.progress?.message.startsWith('train: ')),
    );
    expect(training.target).toEqual({ project: dir });
    await call<JobDto>('jobs.cancel', { jobId: job.id });
    const ended = await until('the job to end', () =>
      updates(job.id).find((j) => ['completed', 'failed', 'cancelled'].includes(j.status)),
    );
    expect(ended.status).toBe('cancelled');

    // Started again it resumes and completes; the app then finds the run and its phase diagram.
    const again = await call<JobDto>('projects.reproduce', { dir, budget: 'tiny', seeds: 1 });
    const done = await until(
      'the second job to end',
      () => updates(again.id).find((j) => ['completed', 'failed', 'cancelled'].includes(j.status)),
      240_000,
    );
    expect(done.error).toBeNull();
    const result = done.result as ReproduceJobResult;
    expect(result.work.resumed).toEqual(['relu-seed0']);
    expect(existsSync(result.reportHtml)).toBe(true);
    const project = await call<ProjectDto>('projects.current');
    expect(project.runs.map((r) => [r.id, r.status])).toEqual([
      ['relu-seed0', 'completed'],
      ['sign-seed0', 'completed'],
    ]);
    const diagram = await call<PhaseDiagramDto | null>('phaseDiagrams.get', { runId: 'relu-seed0' });
    expect(diagram?.diagram).toEqual(readJson(join(dir, 'analyses/reproduce/phase-relu.json')));
    expect(await call<number[]>('spectra.list', { runId: 'sign-seed0' })).toEqual(
      readJson<ReproduceReport>(join(dir, 'report.json')).activations[1].spectra.map((x) => x.step),
    );
  }, 400_000);
});
