/**
 * Checkpoints for the sweep's unit tests: small networks (fast to analyse) that go from the glass
 * to hidden order as a rank-one spike g·ξ_{k−1}ξ_kᵀ grows with the step, written as ONNX the way
 * training writes them, and run folders around them (run.json, metrics.jsonl) as core/train writes
 * them. The end-to-end tests (test/integration/sweep.test.ts) use real training runs instead.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import { writeOnnxModel } from '../../../src-main/core/onnx/writer.ts';
import { resolveConfig, type TrainConfig } from '../../../src-main/core/train/config.ts';
import { checkpointName, RUN_SCHEMA, type RunRecord } from '../../../src-main/core/train/runFolder.ts';
import { Random } from '../../../src-main/core/util/random.ts';

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'spinscope-sweep-'));

export const STEPS = [0, 1, 3, 10, 30, 100, 300, 1000];
export const WIDTHS = [40, 30, 30, 10];

/** The network at `step` of a toy "training": Kaiming init plus a spike of strength 3·(step/1000)^¼. */
export function networkAt(step: number, seed = 0, widths = WIDTHS): Network {
  const base = randomNetwork({ widths, seed });
  const rng = new Random(1000 + seed);
  const xi = widths.map((n) =>
    Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) / Math.sqrt(n)),
  );
  const g = 3 * (step / 1000) ** 0.25;
  return {
    ...base,
    layers: base.layers.map((l, k) => {
      const w = Float32Array.from(l.weight);
      for (let i = 0; i < l.inFeatures; i++)
        for (let j = 0; j < l.outFeatures; j++) w[i * l.outFeatures + j] += g * xi[k][i] * xi[k + 1][j];
      return { ...l, weight: w };
    }),
  };
}

/** Writes step-XXXXXX.onnx for each step into `folder` (made if missing); returns the paths. */
export function writeCheckpoints(folder: string, steps = STEPS, seed = 0): string[] {
  mkdirSync(folder, { recursive: true });
  return steps.map((s) => {
    const path = join(folder, checkpointName(s));
    writeFileSync(path, writeOnnxModel(networkAt(s, seed)));
    return path;
  });
}

/** A completed run folder with these checkpoints, as `spinscope train` leaves it. */
export function writeRun(
  dir: string,
  opts: { seed?: number; steps?: number[]; config?: Partial<TrainConfig> } = {},
): TrainConfig {
  const steps = opts.steps ?? STEPS;
  const config = resolveConfig({
    arch: WIDTHS,
    seed: opts.seed ?? 0,
    checkpoints: steps.length - 1,
    ...opts.config,
  });
  const last = steps[steps.length - 1];
  const now = '2026-11-30T12:00:00.000Z';
  const record: RunRecord = {
    schema: RUN_SCHEMA,
    config,
    status: 'completed',
    created: now,
    updated: now,
    finished: now,
    versions: { spinscope: '0.1.0', onnxruntime: '1.30.0', node: 'v20.20.2' },
    data: { train: { source: 'test', count: 100 * last }, test: { source: 'test', count: 100 } },
    stepsPerEpoch: 100,
    totalSteps: last,
    checkpointSteps: steps,
    step: last,
    trainSeconds: 1,
    resumes: 0,
    error: null,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
  writeCheckpoints(join(dir, 'checkpoints'), steps, opts.seed ?? 0);
  writeFileSync(
    join(dir, 'metrics.jsonl'),
    steps
      .map((s) =>
        JSON.stringify({
          type: 'checkpoint',
          step: s,
          epoch: s / 100,
          file: `checkpoints/${checkpointName(s)}`,
          testLoss: 1 / (1 + s),
          testAccuracy: s / (s + 10),
        }),
      )
      .map((l) => l + '\n')
      .join(''),
  );
  return config;
}
