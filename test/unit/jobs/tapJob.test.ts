/**
 * The `tap` job kind (core/jobs/registry.ts): a TAP phase diagram over checkpoints, in-process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobRequestError, runJob } from '../../../src-main/core/jobs/registry.ts';
import type { PhaseDiagram } from '../../../src-main/core/spin/phaseDiagram.ts';
import { SHARED_FIXTURES } from '../../helpers/fixtures.ts';

const RANDOM = join(SHARED_FIXTURES, 'random_init/model.onnx');
const SIGN = join(SHARED_FIXTURES, 'sign_nobias/model.onnx');

describe('tap job', () => {
  it('computes the phase diagram of its checkpoints, reports progress and writes it to `out`', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spinscope-tap-')), 'analyses/t1/phase-diagram.json');
    const fractions: number[] = [];
    const d = (await runJob(
      'tap',
      {
        checkpoints: [
          { step: 0, model: RANDOM },
          { step: 100, model: SIGN },
        ],
        fractionsOfTc: [0.8],
        out,
        options: { starts: 3 },
      },
      { progress: (p) => fractions.push(p.fraction) },
      {},
    )) as PhaseDiagram;
    expect(d.schema).toBe('spinscope.phaseDiagram/1');
    expect(d.checkpoints.map((c) => [c.step, c.hessianPhase, c.cells[0].phase])).toEqual([
      [0, 'glass', 'glass'],
      [100, 'ordered', 'hiddenOrder'],
    ]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(d);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  });

  it('with valleys, every cell below T_c carries its Monte Carlo valleys and the phase follows them', async () => {
    const fractions: number[] = [];
    const d = (await runJob(
      'tap',
      {
        checkpoints: [
          { step: 0, model: RANDOM },
          { step: 100, model: SIGN },
        ],
        fractionsOfTc: [1.2, 0.3],
        valleys: true,
        options: { starts: 2, maxIterations: 200 },
      },
      { progress: (p) => fractions.push(p.fraction) },
      {},
    )) as PhaseDiagram;
    const cells = d.checkpoints.map((c) => c.cells.map((x) => [x.phase, x.valleys?.verdict ?? null]));
    expect(cells).toEqual([
      [
        ['paramagnet', null],
        ['glass', 'glass'],
      ],
      [
        ['paramagnet', null],
        ['hiddenOrder', 'hiddenOrder'],
      ],
    ]);
    expect(d.checkpoints[0].cells[1].valleys!.valleys.length).toBeGreaterThan(2);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
  });

  it('bad parameters are named: both grids, a relative path, an anneal below T_c', async () => {
    for (const [params, message] of [
      [
        { checkpoints: [{ step: 0, model: RANDOM }], temperatures: [1], fractionsOfTc: [0.5] },
        /either temperatures/,
      ],
      [
        { checkpoints: [{ step: 0, model: 'model.onnx' }], temperatures: [1] },
        /checkpoints\.0\.model: must be an absolute path/,
      ],
      [
        { checkpoints: [{ step: 0, model: RANDOM }], temperatures: [1], options: { annealFrom: 0.5 } },
        /annealFrom: must be 0/,
      ],
      [{ checkpoints: [], temperatures: [1] }, /checkpoints/],
    ] as const) {
      const e = await runJob('tap', params, {}, {}).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(JobRequestError);
      expect((e as JobRequestError).code).toBe('bad-params');
      expect((e as JobRequestError).message).toMatch(message);
    }
  });

  it('a cancel before the work starts ends it with a CancelledError', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await runJob(
      'tap',
      { checkpoints: [{ step: 0, model: RANDOM }], temperatures: [1] },
      { signal: controller.signal },
      {},
    ).catch((x: Error) => x);
    expect((e as Error).name).toBe('CancelledError');
  });
});
