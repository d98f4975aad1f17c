/**
 * `spinscope montecarlo` as users run it, on a real PyTorch export: --json prints the report,
 * the same seed prints the same bytes, the readable table carries the T_c comparison, and usage
 * errors are one line with exit code 2; several models give the Binder crossings between sizes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import { writeOnnxModel } from '../../src-main/core/onnx/writer.ts';
import { spinscope } from '../helpers/cli.ts';
import { withSpike } from '../helpers/spinNetworks.ts';
import { SHARED_FIXTURES } from '../helpers/fixtures.ts';
import expected from '../../../shared/fixtures/onnx/random_init/expected.json' with { type: 'json' };

const MODEL = join(SHARED_FIXTURES, 'random_init/model.onnx');
const ARGS = [
  'montecarlo',
  MODEL,
  '--tmin',
  '0.8',
  '--tmax',
  '3',
  '--temps',
  '4',
  '--sweeps',
  '100',
  '--thermalize',
  '40',
];

describe('spinscope montecarlo', () => {
  it('--json prints the report; the same seed gives identical output, another seed not', async () => {
    const [a, b, c] = await Promise.all([
      spinscope(...ARGS, '--seed', '7', '--json'),
      spinscope(...ARGS, '--seed', '7', '--json'),
      spinscope(...ARGS, '--seed', '8', '--json'),
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const report = JSON.parse(a.stdout);
    expect(report.schema).toBe('spinscope.montecarlo/1');
    expect(report.model.spins).toBe(expected.model.spins);
    expect(report.settings).toMatchObject({ sweeps: 100, thermalize: 40, seed: 7, update: 'metropolis' });
    expect(Math.abs(report.tc.tap.tc / expected.tap.tc - 1)).toBeLessThan(0.015);
    expect(report.temperatures).toHaveLength(4);
    expect(report.swaps).toHaveLength(3);
  }, 60_000);

  it('prints a readable table with the T_c comparison by default (heat bath)', async () => {
    const { code, stdout } = await spinscope(...ARGS, '--update', 'heatbath');
    expect(code).toBe(0);
    expect(stdout).toMatch(/784-32-32-10/);
    expect(stdout).toMatch(/heatbath/);
    expect(stdout).toMatch(/TAP \(single instance\)\s+1\.56\d+ \(glass\)/);
    expect(stdout).toMatch(/M spin updates\/s/);
  }, 60_000);

  it('usage errors name the option', async () => {
    const missing = await spinscope('montecarlo', MODEL, '--sweeps', '100');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--tmin and --tmax/);
    const rule = await spinscope(...ARGS, '--update', 'glauber');
    expect(rule.code).toBe(2);
    expect(rule.stderr).toMatch(/--update must be metropolis or heatbath/);
  }, 60_000);

  it('several sizes of one network: every run and the Binder crossings (spinscope.montecarloSizes/1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-mc-sizes-'));
    const files = [40, 16].map((width) => {
      const zero = randomNetwork({ widths: [width, width], seed: 1, init: { gaussianC: 0 } });
      const file = join(dir, `mattis-${width}.onnx`);
      writeFileSync(file, writeOnnxModel(withSpike(zero, 2, 3).network));
      return file;
    });
    const { code, stdout } = await spinscope(
      'montecarlo',
      ...files,
      '--tmin',
      '1',
      '--tmax',
      '4',
      '--temps',
      '6',
      '--sweeps',
      '200',
      '--json',
    );
    expect(code).toBe(0);
    const sizes = JSON.parse(stdout);
    expect(sizes.schema).toBe('spinscope.montecarloSizes/1');
    expect(sizes.runs.map((r: { model: { spins: number } }) => r.model.spins)).toEqual([32, 80]);
    expect(sizes.binderCrossing.projection.crossings[0].sizes).toEqual([32, 80]);
    // Two layers, unit vectors: T_c = λ_max(J) = θ = 2 for the Mattis chain.
    expect(sizes.binderCrossing.projection.tc).toBeGreaterThan(1.5);
    expect(sizes.binderCrossing.projection.tc).toBeLessThan(2.5);
  }, 60_000);
});
