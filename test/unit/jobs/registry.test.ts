/**
 * The job kinds (core/jobs/registry.ts) called in-process: which kinds exist, what bad parameters
 * are told, and the analyze kind against the analysis the CLI would print.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../src-main/core/jobs/job.ts';
import {
  availableJobKinds,
  JobRequestError,
  parseJobParams,
  runJob,
} from '../../../src-main/core/jobs/registry.ts';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';
import { analyzeNetwork } from '../../../src-main/core/spin/analysis.ts';
import { OWN_FIXTURES } from '../../helpers/fixtures.ts';

const testEnv = { SPINSCOPE_TEST_JOBS: '1' };

async function requestError(p: Promise<unknown>): Promise<JobRequestError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(JobRequestError);
  return e as JobRequestError;
}

describe('job kinds', () => {
  it('train, analyze, import, spectrum and tap always; the misbehaving test kinds only with SPINSCOPE_TEST_JOBS=1', () => {
    expect(availableJobKinds({})).toEqual([
      'train',
      'analyze',
      'import',
      'spectrum',
      'tap',
      'sweep',
      'montecarlo',
      'figure',
      'reproduce',
    ]);
    expect(availableJobKinds(testEnv)).toEqual([
      'train',
      'analyze',
      'import',
      'spectrum',
      'tap',
      'sweep',
      'montecarlo',
      'figure',
      'reproduce',
      'test.sleep',
      'test.busy',
      'test.crash',
      'test.oom',
      'test.hang',
      'test.fail',
    ]);
  });

  it('an unknown kind is named, with the kinds that exist', async () => {
    const e = await requestError(runJob('trian', {}, {}, {}));
    expect(e.code).toBe('unknown-kind');
    expect(e.message).toBe(
      "unknown job kind 'trian'; the kinds are train, analyze, import, spectrum, tap, sweep, montecarlo, figure, reproduce",
    );
    const t = await requestError(runJob('test.crash', {}, {}, {}));
    expect(t.message).toContain('SPINSCOPE_TEST_JOBS=1');
  });
});

describe('parameters', () => {
  it('defaults are filled in', () => {
    expect(parseJobParams('test.sleep', { ms: 5 }, testEnv)).toEqual({ ms: 5, steps: 10 });
  });

  it.each([
    ['analyze', { model: 'model.onnx' }, 'analyze: model: must be an absolute path'],
    ['analyze', { model: '/m.onnx', options: { tMin: -1 } }, 'analyze: options.tMin:'],
    ['analyze', { model: '/m.onnx', colour: 'red' }, 'analyze: unknown key(s) colour'],
    ['train', { dir: '/runs/a' }, 'train: give either config (a new run) or resume: true'],
    ['train', { dir: '/runs/a', config: {}, resume: true }, 'train: give either config'],
    ['train', { dir: '/runs/a', resume: false }, 'train: resume:'],
    ['test.sleep', null, 'test.sleep: '],
  ])('%s %j → bad-params "%s…"', (kind, params, message) => {
    let error: unknown = null;
    try {
      parseJobParams(kind, params, testEnv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobRequestError);
    expect((error as JobRequestError).code).toBe('bad-params');
    expect((error as JobRequestError).message).toContain(message);
  });

  it("a train config the trainer rejects is bad-params too, in the config's own words", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spinscope-registry-')), 'run');
    const e = await requestError(runJob('train', { dir, config: { arch: [784, 10], lr: -1 } }, {}, {}));
    expect(e.code).toBe('bad-params');
    expect(e.message).toMatch(/^train: config: lr: /);
  });
});

describe('analyze', () => {
  it('returns the report analyzeNetwork gives, reports progress, and writes it to `out` as JSON', async () => {
    const model = join(OWN_FIXTURES, 'reshape_dynamic_relu/model.onnx');
    const out = join(mkdtempSync(join(tmpdir(), 'spinscope-registry-')), 'analyses/a1/report.json');
    const progress: JobProgress[] = [];
    const logs: string[] = [];
    const report = await runJob(
      'analyze',
      { model, out, options: { spectrumCount: 4 } },
      { progress: (p) => progress.push(p), log: (l) => logs.push(l) },
      {},
    );
    const imported = await readOnnxFile(model);
    const direct = analyzeNetwork(imported.network, { spectrumCount: 4 });
    direct.warnings.unshift(...imported.warnings);
    expect(report).toEqual(direct);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(progress[0]).toEqual({ fraction: 0, message: 'reading the model', etaSeconds: null });
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(logs).toEqual([`wrote ${out}`]);
  });

  it('a cancel before the analysis starts ends it with a CancelledError', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = join(OWN_FIXTURES, 'reshape_dynamic_relu/model.onnx');
    const e = await runJob('analyze', { model }, { signal: controller.signal }, {}).catch((x: Error) => x);
    expect((e as Error).name).toBe('CancelledError');
  });
});
