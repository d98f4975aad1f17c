/**
 * The spectrum report (core/spectral/report.ts) on the shared PyTorch fixtures, the `spectrum` job
 * kind, and the `spinscope spectrum` command (called in-process; cli/main.ts registers it).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spectrumCommand } from '../../../src-main/cli/spectrum.ts';
import { UsageError } from '../../../src-main/cli/errors.ts';
import { runJob } from '../../../src-main/core/jobs/registry.ts';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';
import {
  SPECTRUM_SCHEMA,
  spectrumReport,
  type SpectrumReport,
} from '../../../src-main/core/spectral/report.ts';
import { SHARED_FIXTURES, relErr } from '../../helpers/fixtures.ts';
import expectedTrained from '../../../../shared/fixtures/onnx/relu_nobias/expected.json' with { type: 'json' };
import expectedRandom from '../../../../shared/fixtures/onnx/random_init/expected.json' with { type: 'json' };

const trained = join(SHARED_FIXTURES, 'relu_nobias/model.onnx');
const step0 = join(SHARED_FIXTURES, 'random_init/model.onnx');

/** The report without its timings, which differ from run to run. */
function timeless(r: SpectrumReport): unknown {
  const copy = JSON.parse(JSON.stringify(r)) as SpectrumReport;
  copy.timings = {};
  copy.density.timings = {};
  return copy;
}

describe('spectrum report', () => {
  it('agrees with the independent float64 reference on the top of J, and counts outliers against step 0', async () => {
    const model = await readOnnxFile(trained);
    const reference = await readOnnxFile(step0);
    const r = spectrumReport(model.network, { reference: reference.network });
    expect(r.schema).toBe(SPECTRUM_SCHEMA);
    expect(r.model).toEqual(expectedTrained.model);
    expectedTrained.spectrum.top.forEach((v, i) =>
      expect(relErr(r.density.largest[i], v)).toBeLessThan(1e-4),
    );
    expect(relErr(r.reference!.lambdaMax, expectedRandom.spectrum.top[0])).toBeLessThan(1e-4);
    // the outliers are the trained network's eigenvalues above step 0's λ_max
    const beyond = expectedTrained.spectrum.top.filter((v) => v > expectedRandom.spectrum.top[0]).length;
    expect(r.density.edge.used).toBe('reference');
    expect(r.density.outliers.count).toBe(beyond);
    expect(r.density.outliers.count).toBeGreaterThan(0);
    // one WeightWatcher row per weight matrix, [in, out] as the spin model has them
    expect(r.layers.map((l) => l.shape)).toEqual([
      [784, 32],
      [32, 32],
      [32, 10],
    ]);
    // 10 eigenvalues are too few for a power-law fit: the last layer says so
    expect(r.layers[2].powerLaw).toBeNull();
    expect(r.warnings.some((w) => w.startsWith('layer 3:'))).toBe(true);
    // the report is plain JSON: no typed arrays that would serialise as objects
    expect(JSON.parse(JSON.stringify(r)).density.eigenvalues).toHaveLength(r.model.spins);
  });

  it('the random network has no outlier against its own intrinsic edge', async () => {
    const r = spectrumReport((await readOnnxFile(step0)).network);
    expect(r.reference).toBeNull();
    expect(r.density.edge.used).toBe('shuffled');
    expect(r.density.outliers.count).toBe(0);
  });
});

describe('spectrum job', () => {
  it('returns what spectrumReport gives and writes it to `out`', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spinscope-spectrum-')), 'spectra/s1.json');
    const progress: number[] = [];
    const report = (await runJob(
      'spectrum',
      { model: trained, reference: step0, out, options: { bins: 51, top: 2 } },
      { progress: (p) => progress.push(p.fraction) },
      {},
    )) as SpectrumReport;
    const direct = spectrumReport((await readOnnxFile(trained)).network, {
      bins: 51,
      top: 2,
      reference: (await readOnnxFile(step0)).network,
    });
    expect(timeless(report)).toEqual(timeless(direct));
    expect(timeless(JSON.parse(readFileSync(out, 'utf8')))).toEqual(timeless(direct));
    expect(report.density.histogram.counts).toHaveLength(51);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('rejects relative paths and unknown options by name', async () => {
    await expect(runJob('spectrum', { model: 'm.onnx' }, {}, {})).rejects.toThrow(
      'spectrum: model: must be an absolute path',
    );
    await expect(
      runJob('spectrum', { model: trained, options: { method: 'exact' } }, {}, {}),
    ).rejects.toThrow(/^spectrum: options\.method:/);
  });
});

describe('spinscope spectrum', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Parses like cli/main.ts and runs the command, collecting what it prints. */
  async function run(...args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    const options = Object.fromEntries(
      Object.entries(spectrumCommand.options).map(([k, o]) => [k, { type: o.type }]),
    ) as NonNullable<ParseArgsConfig['options']>;
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    const code = await spectrumCommand.run({
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
    });
    return { code, out: lines.join('\n') };
  }

  it('--json prints the report', async () => {
    const { code, out } = await run(trained, '--json', '--bins', '21', '--top', '3');
    expect(code).toBe(0);
    const r = JSON.parse(out) as SpectrumReport;
    expect(r.schema).toBe('spinscope.spectrum/1');
    expect(r.density.histogram.counts).toHaveLength(21);
    expect(r.density.localisation).toHaveLength(3);
  });

  it('prints the density summary, the outliers, the localisation and the WeightWatcher table', async () => {
    const { code, out } = await run(trained, '--reference', step0, '--top', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/layers\s+784-32-32-10\s+spins 858 \(even layers 816, odd 42\)/);
    expect(out).toContain('774 structural zero modes');
    expect(out).toMatch(/bulk edge 3\.1765\d* \(λ_max of the reference .*random_init\/model\.onnx\)/);
    expect(out).toMatch(/outliers\s+5: 3\.61834/);
    expect(out).toMatch(/λ\s+L0\s+L1\s+L2\s+L3\s+PR/);
    expect(out).toMatch(/W1\s+784×32\s+\d\.\d+ ± /);
    expect(out).toMatch(/W3\s+32×10\s+–/);
  });

  it('bad options are usage errors', async () => {
    await expect(run(trained, '--method', 'exact')).rejects.toThrow(UsageError);
    await expect(run(trained, '--bins', '0')).rejects.toThrow('--bins must be a positive integer');
    await expect(run(trained, '--range=-2')).rejects.toThrow('--range must be a positive number');
    await expect(run()).rejects.toThrow('expected one model file');
  });
});
