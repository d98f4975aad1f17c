import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFigureSpec } from '../../../src-main/core/figures/spec.ts';
import { JobRequestError, runJob } from '../../../src-main/core/jobs/registry.ts';
import { SAMPLES } from '../../helpers/figureSamples.ts';

const dir = mkdtempSync(join(tmpdir(), 'spinscope-figure-job-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the figure job', () => {
  it('writes the bundle of a spec into `out` and returns the files, reporting progress to 1', async () => {
    const progress: number[] = [];
    const spec = makeFigureSpec(SAMPLES.layerBars, { preset: 'nature-single' });
    const result = (await runJob(
      'figure',
      { spec, out: dir, name: 'bars', dpis: [300] },
      { progress: (p) => progress.push(p.fraction) },
      {},
    )) as { files: string[] };
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'bars.svg',
      'bars.pdf',
      'bars-300dpi.png',
      'bars.csv',
      'bars.json',
    ]);
    for (const f of result.files) expect(existsSync(f)).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('refuses a name that is not a plain file stem and a spec that is not a figure spec', async () => {
    const spec = makeFigureSpec(SAMPLES.tc, { preset: 'aps-single' });
    const bad = await runJob('figure', { spec, out: dir, name: '../escape' }, {}, {}).catch(
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(JobRequestError);
    expect((bad as JobRequestError).message).toMatch(/figure name '..\/escape'/);
    const notSpec = await runJob('figure', { spec: { schema: 'x' }, out: dir, name: 'a' }, {}, {}).catch(
      (e: unknown) => e,
    );
    expect((notSpec as JobRequestError).code).toBe('bad-params');
  });
});
