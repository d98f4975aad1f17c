/**
 * The sweep itself (core/sweep/sweep.ts, analyzers.ts, report.ts): the report of contract 5, the
 * same bit for bit whatever order results arrive in and whoever computes them (in process, or
 * `analyze` batch jobs through the JobSupervisor), failures kept apart, cancel, seed groups, and the
 * `analyze` job kind's batch form.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JobRequestError,
  parseJobParams,
  runJob,
  type AnalyzeBatchResult,
} from '../../../src-main/core/jobs/registry.ts';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';
import { analyzeNetwork } from '../../../src-main/core/spin/analysis.ts';
import {
  batchSize,
  inProcessAnalyzer,
  supervisedAnalyzer,
  type CheckpointAnalyzer,
} from '../../../src-main/core/sweep/analyzers.ts';
import { meanWithConfidence } from '../../../src-main/core/sweep/confidence.ts';
import type { SweepReport, SweepSetReport } from '../../../src-main/core/sweep/report.ts';
import { sweep } from '../../../src-main/core/sweep/sweep.ts';
import { CancelledError } from '../../../src-main/core/util/cancel.ts';
import { JobSupervisor } from '../../../src-main/jobs/supervisor.ts';
import type { StartMessage } from '../../../src-main/workers/protocol.ts';
import { FakeHost, type FakeWorker } from '../jobs/fakeHost.ts';
import { STEPS, tmp, writeCheckpoints, writeRun } from './helpers.ts';

/** Analyses in process but hands the results back in reverse order, as parallel workers may. */
function reversed(): CheckpointAnalyzer {
  return async (request, callbacks) => {
    const outcomes: Parameters<typeof callbacks.onResult>[1][] = [];
    await inProcessAnalyzer()(request, { ...callbacks, onResult: (i, o) => (outcomes[i] = o) });
    for (let i = outcomes.length - 1; i >= 0; i--) callbacks.onResult(i, outcomes[i]);
  };
}

/**
 * The JobSupervisor with fake worker processes that run each `analyze` job in this process, the
 * later-started ones first: the supervised analyzer's batching and bookkeeping without forks.
 */
async function viaSupervisor(request: Parameters<CheckpointAnalyzer>[0], concurrency: number) {
  const host = new FakeHost();
  const supervisor = new JobSupervisor({ host, concurrency });
  const starts: StartMessage[] = [];
  const outcomes: Parameters<Parameters<CheckpointAnalyzer>[1]['onResult']>[1][] = [];
  const done = supervisedAnalyzer(supervisor, { concurrency })(request, {
    onResult: (i, o) => (outcomes[i] = o),
  });
  const answered = new Set<FakeWorker>();
  for (;;) {
    const open = host.workers.filter((w) => !answered.has(w));
    if (open.length === 0) break;
    for (const w of open.reverse()) {
      answered.add(w);
      const start = w.sent[0] as StartMessage;
      starts.push(start);
      w.say({ type: 'progress', fraction: 0.5, message: 'half way', etaSeconds: null });
      w.finish(await runJob('analyze', start.params));
    }
  }
  await done;
  return { outcomes, starts };
}

describe('sweep report', () => {
  it('contract 5 for one run: every checkpoint by step (step 0 included), the fit over step > 0, and the additions', async () => {
    const dir = join(tmp(), 'relu-3');
    const config = writeRun(dir, { seed: 3 });
    const { report, stats } = await sweep([dir], { analyzer: inProcessAnalyzer() });
    const r = report as SweepReport;
    expect(stats).toMatchObject({ checkpoints: STEPS.length, computed: STEPS.length, failed: 0 });
    expect(r.schema).toBe('spinscope.sweep/1');
    expect(r.run).toEqual({ id: 'relu-3', dir, kind: 'run', config });
    expect(r.model).toEqual({ layers: [40, 30, 30, 10], spins: 110, couplings: 40 * 30 + 30 * 30 + 300 });
    expect(r.settings).toEqual({ tMin: null, epsilon: 0, spectrumCount: 10, window: 'all' });
    expect(r.checkpoints.map((c) => c.step)).toEqual(STEPS);
    const direct = analyzeNetwork((await readOnnxFile(join(dir, 'checkpoints/step-001000.onnx'))).network);
    expect(r.checkpoints.at(-1)).toEqual({
      step: 1000,
      tc: direct.tap.tc,
      phase: 'ordered',
      minLambda: direct.tap.minLambda,
      replicaTc: direct.replica.tc,
      argminT: direct.tap.argminT,
      epoch: 10,
      testAccuracy: 1000 / 1010,
      top: direct.spectrum.top,
      file: 'checkpoints/step-001000.onnx',
    });
    expect(r.checkpoints[0].phase).toBe('glass');
    expect(r.powerLaw).toMatchObject({ window: [1, 1000], n: STEPS.length - 1 });
    expect(r.powerLaw!.exponentStderr).toBeGreaterThan(0);
    expect(r.failures).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('the JSON is the same bit for bit whatever order results arrive in and whoever computes them', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const serial = JSON.stringify(
      (await sweep([folder], { analyzer: inProcessAnalyzer(), cache: 'off' })).report,
    );
    const backwards = JSON.stringify((await sweep([folder], { analyzer: reversed(), cache: 'off' })).report);
    const supervised = JSON.stringify(
      (
        await sweep([folder], {
          cache: 'off',
          analyzer: async (request, callbacks) => {
            const { outcomes } = await viaSupervisor(request, 2);
            outcomes.forEach((o, i) => callbacks.onResult(i, o));
          },
        })
      ).report,
    );
    expect(backwards).toBe(serial);
    expect(supervised).toBe(serial);
  });

  it('a checkpoint that cannot be read is a failure with its message, kept out of the checkpoints, the fit and the cache', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, [0, 10, 100, 1000]);
    writeFileSync(join(folder, 'step-000100.onnx'), 'these are not the weights you are looking for');
    const { report, stats } = await sweep([folder], { analyzer: inProcessAnalyzer() });
    const r = report as SweepReport;
    expect(stats.failed).toBe(1);
    expect(r.checkpoints.map((c) => c.step)).toEqual([0, 10, 1000]);
    expect(r.failures).toEqual([
      {
        step: 100,
        file: 'step-000100.onnx',
        message: expect.stringMatching(/step-000100\.onnx: not a valid ONNX file/),
      },
    ]);
    expect(r.powerLaw!.n).toBe(2);
    const again = await sweep([folder], { analyzer: inProcessAnalyzer() });
    expect(again.stats).toMatchObject({ cached: 3, computed: 1, failed: 1 });
  });

  it('a fit window and the warnings of the analyses (each once, with its steps) are in the report', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const r = (await sweep([folder], { analyzer: inProcessAnalyzer(), window: { kind: 'ordered' } }))
      .report as SweepReport;
    expect(r.settings.window).toBe('ordered');
    expect(r.powerLaw!.window).toEqual([300, 1000]);
    const none = (
      await sweep([folder], {
        analyzer: inProcessAnalyzer(),
        window: { kind: 'steps', from: 2000, to: null },
      })
    ).report as SweepReport;
    expect(none.powerLaw).toBeNull();
    expect(none.warnings).toEqual(["no power-law fit: no checkpoint in the window '2000:': a fit needs two"]);
  });

  it('cancel: the sweep stops with a CancelledError saying what was kept; the finished checkpoints are cached', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const controller = new AbortController();
    const inner = inProcessAnalyzer();
    let results = 0;
    const e = await sweep([folder], {
      signal: controller.signal,
      analyzer: (request, callbacks) =>
        inner(request, {
          ...callbacks,
          onResult: (i, o) => {
            callbacks.onResult(i, o);
            if (++results === 3) controller.abort();
          },
        }),
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CancelledError);
    expect((e as Error).message).toBe(
      'cancelled: 3 of 8 checkpoints analysed and cached; run the same command again to continue',
    );
    const resumed = await sweep([folder], { analyzer: inProcessAnalyzer() });
    expect(resumed.stats).toMatchObject({ cached: 3, computed: 5 });
  });
});

describe('seed groups', () => {
  it('runs of one config (seeds differ) form a group: mean T_c ± 95% CI per step, the exponent across seeds', async () => {
    const root = tmp();
    const dirs = [0, 1, 2].map((seed) => {
      const dir = join(root, `relu-${seed}`);
      writeRun(dir, { seed });
      return dir;
    });
    const other = join(root, 'sign-0');
    writeRun(other, { seed: 0, config: { activation: 'sign' } });
    const { report } = await sweep([...dirs, other], { analyzer: inProcessAnalyzer() });
    const set = report as SweepSetReport;
    expect(set.schema).toBe('spinscope.sweep-set/1');
    expect(set.runs.map((r) => r.run.id)).toEqual(['relu-0', 'relu-1', 'relu-2', 'sign-0']);
    expect(set.groups.map((g) => [g.label, g.runs])).toEqual([
      ['relu 40-30-30-10', [0, 1, 2].map((seed) => ({ id: `relu-${seed}`, seed }))],
      ['sign 40-30-30-10', [{ id: 'sign-0', seed: 0 }]],
    ]);
    const [relu, sign] = set.groups;
    expect(relu.config).not.toHaveProperty('seed');
    expect(relu.tc.map((s) => s.step)).toEqual(STEPS);
    for (const s of relu.tc) {
      const values = set.runs.slice(0, 3).map((r) => r.checkpoints.find((c) => c.step === s.step)!.tc);
      expect(s).toEqual({
        step: s.step,
        epoch: s.step / 100,
        ordered: set.runs
          .slice(0, 3)
          .filter((r) => r.checkpoints.find((c) => c.step === s.step)!.phase === 'ordered').length,
        ...meanWithConfidence(values),
      });
      // t_{0.975, 2} = 4.3027: the interval is mean ± 4.3027 · sd/√3.
      expect(s.ci95![1] - s.mean).toBeCloseTo((4.302652729749462 * s.sd!) / Math.sqrt(3), 12);
    }
    const exponents = set.runs.slice(0, 3).map((r) => r.powerLaw!.exponent);
    expect(relu.exponent).toEqual({ ...meanWithConfidence(exponents), values: exponents });
    expect(sign.exponent!.ci95).toBeNull(); // one seed: no interval
  });
});

describe('supervised analyzer', () => {
  it('batches of at most 8 models, about three per worker, interleaved so cheap and costly checkpoints mix', async () => {
    expect([batchSize(60, 1), batchSize(60, 2), batchSize(60, 7), batchSize(5, 2), batchSize(1, 4)]).toEqual([
      8, 8, 3, 1, 1,
    ]);
    const models = Array.from({ length: 10 }, (_, i) => `/m${i}.onnx`);
    const host = new FakeHost();
    const supervisor = new JobSupervisor({ host, concurrency: 2 });
    const results: [number, string][] = [];
    const progress: [number, number][] = [];
    const done = supervisedAnalyzer(supervisor, { concurrency: 2 })(
      { models, options: { epsilon: 0 } },
      {
        onResult: (i, o) => results.push([i, o.error ?? 'report']),
        onProgress: (i, f) => progress.push([i, f]),
      },
    );
    expect(host.workers.map((w) => (w.sent[0] as StartMessage).params)).toEqual([
      { models: ['/m0.onnx', '/m5.onnx'], options: { epsilon: 0 } },
      { models: ['/m1.onnx', '/m6.onnx'], options: { epsilon: 0 } },
    ]);
    // Half of a two-model batch: the first model done, the second not started.
    host.workers[0].say({ type: 'progress', fraction: 0.5, message: '1/2', etaSeconds: null });
    expect(progress).toEqual([
      [0, 1],
      [5, 0],
    ]);
    // One model of a batch fails, the other is fine; a crashed worker fails its whole batch.
    host.workers[0].finish({
      reports: [{ error: '/m0.onnx: not a valid ONNX file' }, { report: {} }],
    } satisfies {
      reports: unknown[];
    });
    host.workers[1].stderr('Segmentation fault\n');
    host.workers[1].exit(null, 'SIGSEGV');
    for (let k = 2; k < 5; k++) host.workers[k].finish({ reports: [{ report: {} }, { report: {} }] });
    await done;
    expect(new Map(results)).toEqual(
      new Map([
        [0, '/m0.onnx: not a valid ONNX file'],
        [5, 'report'],
        [1, 'the worker crashed (SIGSEGV)'],
        [6, 'the worker crashed (SIGSEGV)'],
        ...[2, 7, 3, 8, 4, 9].map((i) => [i, 'report'] as [number, string]),
      ]),
    );
  });

  it('cancel: every queued and running job is cancelled, then the analyzer rejects', async () => {
    const host = new FakeHost();
    const supervisor = new JobSupervisor({ host, concurrency: 1, cancelGraceMs: 10 });
    const controller = new AbortController();
    const done = supervisedAnalyzer(supervisor, { concurrency: 1 })(
      { models: ['/a.onnx', '/b.onnx', '/c.onnx', '/d.onnx'], options: {} },
      { signal: controller.signal, onResult: () => undefined },
    );
    expect(host.workers).toHaveLength(1);
    controller.abort();
    expect(host.workers[0].sent.at(-1)).toEqual({ type: 'cancel' });
    host.workers[0].say({ type: 'error', code: 'cancelled', message: 'cancelled' });
    host.workers[0].exit(0);
    await expect(done).rejects.toBeInstanceOf(CancelledError);
    expect(host.workers).toHaveLength(1); // the queued ones never started
    expect(supervisor.list().map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('the analyze job kind with models (a batch)', () => {
  it('gives, in order, exactly the reports of single analyze jobs, and the error of a bad file in its place', async () => {
    const folder = join(tmp(), 'ckpts');
    const [a, b] = writeCheckpoints(folder, [0, 1000]);
    const bad = join(folder, 'bad.onnx');
    writeFileSync(bad, 'junk');
    const fractions: number[] = [];
    const batch = (await runJob(
      'analyze',
      { models: [a, bad, b], options: { spectrumCount: 3 } },
      { progress: (p) => fractions.push(p.fraction) },
    )) as AnalyzeBatchResult;
    expect(batch.reports).toHaveLength(3);
    expect(batch.reports[0].report).toEqual(
      await runJob('analyze', { model: a, options: { spectrumCount: 3 } }),
    );
    expect(batch.reports[1].error).toMatch(/bad\.onnx: not a valid ONNX file/);
    expect(batch.reports[2].report).toEqual(
      await runJob('analyze', { model: b, options: { spectrumCount: 3 } }),
    );
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  });

  it('model or models, not both; out only with model', () => {
    const message = (params: unknown): string => {
      try {
        parseJobParams('analyze', params);
      } catch (e) {
        expect(e).toBeInstanceOf(JobRequestError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ model: '/a.onnx', models: ['/b.onnx'] })).toMatch(
      /give either model \(one report\) or models/,
    );
    expect(message({})).toMatch(/give either model/);
    expect(message({ models: ['/a.onnx'], out: '/r.json' })).toMatch(/out goes with model/);
    expect(message({ models: [] })).toMatch(/models/);
    expect(message({ models: ['a.onnx'] })).toMatch(/models\.0: must be an absolute path/);
  });
});
