/**
 * Regression tests for the bugs the reliability suite found (issue 9), one per bug, each failing on
 * the code before its fix. (Three more live beside their fuzzers: the IDX "gzip bomb" cases in
 * idxFuzz.test.ts; in servedMode.test.ts, the oversized WebSocket message and the messages `null`
 * and {"method":{"toString":1}}, each of which ended the whole server.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFigure } from '../../src-main/core/figures/bundle.ts';
import { makeFigureSpec } from '../../src-main/core/figures/spec.ts';
import { isAtomicTempName, removeStaleTemps } from '../../src-main/core/project/atomic.ts';
import { ConfigError, resolveConfig } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { readRunRecord } from '../../src-main/core/train/runFolder.ts';
import { thrownBy } from '../helpers/errors.ts';
import { SAMPLES } from '../helpers/figureSamples.ts';

const tmp = mkdtempSync(join(tmpdir(), 'spinscope-regress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;
const small = resolveConfig({
  arch: [784, 8, 10],
  epochs: 1,
  trainLimit: 100,
  testLimit: 50,
  batchSize: 20,
  checkpoints: 2,
});

describe('found by the reliability suite', () => {
  it('a bad arch in a config file names the file, not the --arch flag, and does not echo 100k characters', () => {
    const e = thrownBy(() => resolveConfig({ arch: 'x'.repeat(100_000) }, 'config.json'), ConfigError);
    expect(e.message).toMatch(
      /^config\.json: arch "x{60}… \(100000 characters\)": expected widths separated by '-'/,
    );
    expect(e.message.length).toBeLessThan(300);
    // The command line still says --arch.
    expect(thrownBy(() => resolveConfig({ arch: '1e3' }, 'options'), ConfigError).message).toBe(
      `options: arch "1e3": expected widths separated by '-', input first, e.g. 784-512-512-10`,
    );
  });

  it('a run killed before run.json was written starts again with --out (its temporary file is no obstacle)', async () => {
    const dir = join(tmp, 'killed-at-start');
    mkdirSync(dir);
    // What a kill -9 during the first write of run.json leaves.
    writeFileSync(join(dir, `.run.json.${deadPid()}.0123456789ab.tmp`), '{"schema":"spinscope.ru');
    const r = await trainRun({ dir, config: small });
    expect(r.status).toBe('completed');
    expect(readdirSync(dir).filter(isAtomicTempName)).toEqual([]);
  });

  it('a run killed between run.json and checkpoints/ resumes (the folder is made again)', async () => {
    const dir = join(tmp, 'no-checkpoints-folder');
    await trainRun({ dir, config: small });
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    rmSync(join(dir, 'state.npz'));
    unlinkSync(join(dir, 'metrics.jsonl'));
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({ ...readRunRecord(dir), status: 'running', step: 0 }),
    );
    const r = await trainRun({ dir, resume: true });
    expect(r.status).toBe('completed');
    expect(existsSync(join(dir, 'checkpoints', 'step-000000.onnx'))).toBe(true);
  });

  it("a resume removes the temporary files killed writes left, and keeps a live writer's", () => {
    const dir = join(tmp, 'temps');
    mkdirSync(dir);
    const stale = `.state.npz.${deadPid()}.aaaaaaaaaaaa.tmp`;
    const live = `.run.json.${process.pid}.bbbbbbbbbbbb.tmp`;
    for (const n of [stale, live, 'run.json', '.hidden.tmp']) writeFileSync(join(dir, n), 'x');
    expect(removeStaleTemps(dir)).toEqual([stale]);
    expect(readdirSync(dir).sort()).toEqual(['.hidden.tmp', live, 'run.json'].sort());
  });

  it('a subnormal value on a log axis (1e-320) is left out instead of laying the figure out at NaN', () => {
    const data = structuredClone(SAMPLES.training) as typeof SAMPLES.training & { series: { x: number[] }[] };
    const clean = renderFigure(makeFigureSpec(data, { preset: 'aps-single' })).svg;
    data.series[0]!.x[3] = 1e-320;
    const svg = renderFigure(makeFigureSpec(data, { preset: 'aps-single' })).svg;
    expect(svg).not.toContain('NaN');
    // One point fewer on the first curve, the rest of the figure as before.
    expect(svg.length).toBeGreaterThan(clean.length * 0.9);
  });
});
