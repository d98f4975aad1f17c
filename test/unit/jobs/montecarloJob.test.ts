/**
 * The `montecarlo` job kind (core/jobs/registry.ts): parallel tempering on an ONNX model,
 * in-process, with progress, the report written to `out`, named parameter errors, and cancel
 * while the sampler runs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobRequestError, runJob } from '../../../src-main/core/jobs/registry.ts';
import type { MonteCarloReport } from '../../../src-main/core/montecarlo/report.ts';
import { SHARED_FIXTURES } from '../../helpers/fixtures.ts';
import expected from '../../../../shared/fixtures/onnx/random_init/expected.json' with { type: 'json' };

const RANDOM = join(SHARED_FIXTURES, 'random_init/model.onnx');

describe('montecarlo job', () => {
  it('samples the model, reports progress with an ETA and writes the report to `out`', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spinscope-mc-')), 'analyses/mc/report.json');
    const progress: { fraction: number; etaSeconds: number | null }[] = [];
    const report = (await runJob(
      'montecarlo',
      { model: RANDOM, out, tMin: 0.8, tMax: 3, temperatures: 4, sweeps: 400, thermalize: 100, seed: 1 },
      { progress: (p) => progress.push(p) },
      {},
    )) as MonteCarloReport;
    expect(report.schema).toBe('spinscope.montecarlo/1');
    expect(report.model.layers).toEqual(expected.model.layers);
    expect(report.tc.tap!.tc).toBeCloseTo(expected.tap.tc, 2);
    expect(report.temperatures.map((t) => t.T)).toHaveLength(4);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report);
    expect(progress[0].fraction).toBe(0);
    const fractions = progress.map((p) => p.fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  });

  it('names bad parameters', async () => {
    for (const [params, message] of [
      [{ model: 'model.onnx', tMin: 1, tMax: 2, sweeps: 100 }, /model: must be an absolute path/],
      [{ model: RANDOM, tMin: 2, tMax: 1, sweeps: 100 }, /tMax must not be below tMin/],
      [{ model: RANDOM, tMin: 1, tMax: 2, sweeps: 100, update: 'glauber' }, /update/],
      [{ model: RANDOM, tMin: 1, tMax: 2, sweeps: 10 }, /sweeps/],
    ] as const) {
      const e = await runJob('montecarlo', params, {}, {}).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(JobRequestError);
      expect((e as JobRequestError).message).toMatch(message);
    }
  });

  it('stops with a CancelledError soon after cancel, while sampling', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const job = runJob(
      'montecarlo',
      { model: RANDOM, tMin: 0.8, tMax: 3, temperatures: 8, sweeps: 10_000_000, seed: 1 },
      {
        signal: controller.signal,
        progress: (p) => {
          if (p.message.includes('sweep')) controller.abort();
        },
      },
      {},
    );
    const e = await job.catch((x: Error) => x);
    expect((e as Error).name).toBe('CancelledError');
    expect((e as Error).message).toMatch(/cancelled after \d+ of 15000000 sweeps/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
