/**
 * Figure export end to end on real files: PDFs read back with poppler, PNGs checked against the
 * PDF's own rasterisation, CSVs against the data, the JSON spec against a re-render, and the
 * `spinscope figure` command.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFigureBundle, renderFigure } from '../../src-main/core/figures/bundle.ts';
import { FIGURE_KINDS } from '../../src-main/core/figures/figureData.ts';
import { renderPdf } from '../../src-main/core/figures/pdf.ts';
import { pngChunks, pngDpi, renderRgba } from '../../src-main/core/figures/png.ts';
import { makeFigureSpec, parseFigureSpec } from '../../src-main/core/figures/spec.ts';
import { PRESET_NAMES, type StyleChoice } from '../../src-main/core/figures/style.ts';
import { spinscope } from '../helpers/cli.ts';
import { SHARED_FIXTURES } from '../helpers/fixtures.ts';
import { AXIS_WORDS, LAMBDA_MAP, SAMPLES, STEPS, tcAt } from '../helpers/figureSamples.ts';
import { blockDifference, mediaBoxes, pdfInfo, pdfRaster, pdfText } from '../helpers/raster.ts';

const TMP = mkdtempSync(join(tmpdir(), 'spinscope-figure-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const choice = (preset: (typeof PRESET_NAMES)[number]): StyleChoice =>
  preset === 'custom' ? { preset, width: 12 * (72 / 2.54), height: 8 * (72 / 2.54) } : { preset };

describe('PDF: page = preset in points, text searchable', () => {
  for (const kind of FIGURE_KINDS) {
    it(`${kind}: every preset gives one page of exactly its size, and pdftotext finds the axis titles`, async () => {
      for (const preset of PRESET_NAMES) {
        const { svg, style } = renderFigure(makeFigureSpec(SAMPLES[kind], choice(preset)));
        const pdf = await renderPdf(svg, { width: style.width, height: style.height });
        const [page, ...more] = mediaBoxes(pdf);
        expect(more).toEqual([]);
        // pdfkit writes 6 decimals; 8.6 cm = 243.779528 pt.
        expect(page.width).toBeCloseTo(style.width, 5);
        expect(page.height).toBeCloseTo(style.height, 5);
        const text = pdfText(pdf).replace(/\s+/g, ' ');
        for (const word of AXIS_WORDS[kind]) expect(text).toContain(word);
        // Fonts are embedded as subsets (pdfkit names them ABCDEF+Family).
        expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
        expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+Liberation/);
      }
    });
  }
});

describe('PNG from resvg and the PDF rasterised by poppler agree', () => {
  // Both rasterise the same SVG at 150 dpi, so the images have the same size. Averaged over 4 × 4
  // pixel blocks (≈ 2 pt), the two renderers differ by ≤ 1.1 of 255 on average on these figures
  // (measured: 0.5–1.1; antialiasing and hinting of glyph edges). A real defect — text in another
  // face, a mark moved by a point, a missing series — shows up as ≥ 1.5 (the control below: the
  // same figure in the sans face differs by 1.5–4.6). Hence the threshold 1.3.
  const THRESHOLD = 1.3;
  const cases = [...FIGURE_KINDS.map((k) => [k, SAMPLES[k]] as const), ['λ_min map', LAMBDA_MAP] as const];
  for (const [kind, data] of cases) {
    it(`${kind}: mean block difference below ${THRESHOLD}, while the figure in another font is further off`, async () => {
      const spec = makeFigureSpec(data, { preset: 'aps-single' });
      const { svg, style } = renderFigure(spec);
      const poppler = pdfRaster(await renderPdf(svg, { width: style.width, height: style.height }), 150);
      const resvg = renderRgba(svg, 150);
      expect(Math.abs(resvg.width - poppler.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(resvg.height - poppler.height)).toBeLessThanOrEqual(1);
      const a = { width: poppler.width, height: poppler.height, data: poppler.rgb, channels: 3 };
      const same = blockDifference(a, { ...resvg, data: resvg.pixels, channels: 4 });
      expect(same).toBeLessThan(THRESHOLD);
      const sans = renderRgba(renderFigure({ ...spec, style: { ...spec.style, font: 'sans' } }).svg, 150);
      expect(blockDifference(a, { ...sans, data: sans.pixels, channels: 4 })).toBeGreaterThan(THRESHOLD);
    });
  }
});

describe('the bundle', () => {
  const spec = makeFigureSpec(
    [SAMPLES.tc, SAMPLES.phaseDiagram],
    { preset: 'aps-double' },
    {
      title: 'T_c(t) and the phase diagram',
      provenance: {
        project: '/nowhere',
        runs: [{ id: 'relu-0', seed: 1 }],
        seeds: [1],
        analysis: { epsilon: 0 },
      },
    },
  );

  it('holds the PDF, the SVG, PNGs at 300 and 600 dpi with pHYs, a CSV per panel and the spec', async () => {
    const out = join(TMP, 'bundle');
    const { files } = await exportFigureBundle(spec, out, 'fig2');
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'fig2.svg',
      'fig2.pdf',
      'fig2-300dpi.png',
      'fig2-600dpi.png',
      'fig2-a.csv',
      'fig2-b.csv',
      'fig2.json',
    ]);
    const width = (17.8 / 2.54) * 72;
    for (const dpi of [300, 600]) {
      const png = readFileSync(join(out, `fig2-${dpi}dpi.png`));
      expect(pngDpi(png)?.x).toBeCloseTo(dpi, 1);
      const ihdr = pngChunks(png)[0];
      // 17.8 cm at 300 dpi = 2102.4 → 2102 or 2103 px (resvg rounds the scaled size).
      expect(Math.abs(ihdr.data.readUInt32BE(0) - (width * dpi) / 72)).toBeLessThan(1);
    }
    const csv = readFileSync(join(out, 'fig2-a.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('series,type,Training step,T_c,T_c 95% low,T_c 95% high');
    expect(csv).toContain(`ReLU,data,1000,${tcAt(1000)},,`);
    const phases = readFileSync(join(out, 'fig2-b.csv'), 'utf8');
    expect(phases.split('\n')[0]).toBe('Training step,Temperature T,phase,T_c');
    expect(phases.trimEnd().split('\n')).toHaveLength(1 + (STEPS.length - 1) * 12);
    const info = pdfInfo(readFileSync(join(out, 'fig2.pdf')));
    expect(info.Title).toBe('T_c(t) and the phase diagram');
    expect(info.Pages).toBe('1');
  });

  it('re-rendered from its JSON spec, gives a byte-identical SVG', async () => {
    const out = join(TMP, 'rerender');
    await exportFigureBundle(spec, out, 'fig2', { dpis: [300] });
    const json = JSON.parse(readFileSync(join(out, 'fig2.json'), 'utf8'));
    expect(json.provenance.runs).toEqual([{ id: 'relu-0', seed: 1 }]);
    const again = renderFigure(parseFigureSpec(json)).svg;
    expect(again).toBe(readFileSync(join(out, 'fig2.svg'), 'utf8'));
  });
});

/** A sweep report as `spinscope sweep --curves --json` writes it, from the closed forms of the samples. */
function sweepReport(): object {
  const steps = STEPS;
  return {
    schema: 'spinscope.sweep/1',
    run: { id: 'relu-0', dir: '/runs/relu-0', kind: 'run', config: { seed: 7 } },
    model: { layers: [784, 64, 10], spins: 858, couplings: 50816 },
    settings: { tMin: null, epsilon: 0, spectrumCount: 10, window: 'all' },
    checkpoints: steps.map((step) => {
      const tc = step === 0 ? 1 : tcAt(step);
      const T = [0.5, 1, 1.5, 2, 2.5, 3, 4, 5];
      return {
        step,
        tc,
        phase: step === 0 ? 'glass' : 'ordered',
        minLambda: -0.1,
        replicaTc: 1,
        argminT: tc,
        epoch: step / 100,
        testAccuracy: null,
        top: [2],
        file: `checkpoints/step-${String(step).padStart(6, '0')}.onnx`,
        curve: { T, lambda: T.map((t) => 1 - tc / t) },
      };
    }),
    powerLaw: {
      exponent: 0.25,
      prefactor: 0.8,
      window: [10, 3000],
      r2: 1,
      n: 6,
      exponentStderr: 0,
      exponentCi95: [0.25, 0.25],
      logPrefactorStderr: 0,
    },
    failures: [],
    warnings: [],
  };
}

describe('spinscope figure', () => {
  it('--from a sweep report makes a T_c(t) bundle, and re-rendering its spec gives the same SVG', async () => {
    const report = join(TMP, 'sweep.json');
    writeFileSync(report, JSON.stringify(sweepReport()));
    const out = join(TMP, 'cli');
    const made = await spinscope(
      'figure',
      '--from',
      report,
      '--kind',
      'tc',
      '--preset',
      'nature-single',
      '--out',
      out,
    );
    expect(made.stderr).toMatch(/7 files|6 files/);
    expect(made.code).toBe(0);
    for (const f of ['tc.pdf', 'tc.svg', 'tc-300dpi.png', 'tc-600dpi.png', 'tc.csv', 'tc.json']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const spec = JSON.parse(readFileSync(join(out, 'tc.json'), 'utf8'));
    expect(spec.style.preset).toBe('nature-single');
    expect(spec.provenance.source).toBe('spinscope.sweep/1');
    expect(spec.provenance.seeds).toEqual([7]);
    expect(spec.panels[0].data.fits).toEqual([
      { name: 'relu-0', exponent: 0.25, prefactor: 0.8, window: [10, 3000] },
    ]);
    expect(mediaBoxes(readFileSync(join(out, 'tc.pdf')))[0].width).toBeCloseTo((89 / 25.4) * 72, 5);

    const again = await spinscope('figure', join(out, 'tc.json'), '--out', join(TMP, 'cli2'));
    expect(again.code).toBe(0);
    expect(readFileSync(join(TMP, 'cli2', 'tc.svg'), 'utf8')).toBe(readFileSync(join(out, 'tc.svg'), 'utf8'));
  });

  it('--kind lambdaMin draws the chosen checkpoints’ λ_min(T) curves; --name names the files', async () => {
    const report = join(TMP, 'sweep.json');
    writeFileSync(report, JSON.stringify(sweepReport()));
    const out = join(TMP, 'cli-lambda');
    const r = await spinscope(
      'figure',
      '--from',
      report,
      '--kind',
      'lambdaMin',
      '--steps',
      '0,1000',
      '--name',
      'fig3',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const csv = readFileSync(join(out, 'fig3.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('series,Temperature T,λ_{min}(H)');
    expect(csv).toContain(`step 1000,2,${1 - tcAt(1000) / 2}`);
    expect(csv.filter((l) => l.startsWith('step 0,'))).toHaveLength(8);
  });

  it('--from a run folder draws its training curve from metrics.jsonl; --from a model its weight histograms', async () => {
    const run = join(TMP, 'run-relu');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'run.json'), '{}');
    const records = [10, 20, 40].map((step) => ({
      type: 'train',
      step,
      epoch: step / 100,
      loss: 2 / Math.sqrt(step),
      accuracy: 0.5,
      steps: 10,
    }));
    writeFileSync(join(run, 'metrics.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = join(TMP, 'cli-run');
    const r = await spinscope('figure', '--from', run, '--metric', 'loss', '--out', out, '--dpi', '300');
    expect(r.code).toBe(0);
    const csv = readFileSync(join(out, 'training.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toEqual([
      'series,Training step,Training loss (nats)',
      ...[10, 20, 40].map((t) => `run-relu,${t},${2 / Math.sqrt(t)}`),
    ]);
    expect(existsSync(join(out, 'training-600dpi.png'))).toBe(false);

    const model = join(SHARED_FIXTURES, 'relu_nobias', 'model.onnx');
    const h = await spinscope('figure', '--from', model, '--out', join(TMP, 'cli-onnx'), '--dpi', '300');
    expect(h.code).toBe(0);
    const spec = JSON.parse(readFileSync(join(TMP, 'cli-onnx', 'weightHistogram.json'), 'utf8'));
    const { readOnnxFile } = await import('../../src-main/core/onnx/reader.ts');
    const net = (await readOnnxFile(model)).network;
    // Every weight of every layer is counted once.
    expect(
      spec.panels[0].data.series.map((s: { counts: number[] }) => s.counts.reduce((a, b) => a + b, 0)),
    ).toEqual(net.layers.map((l) => l.weight.length));
  });

  it('--from a folder of checkpoints sweeps them here: the CSV holds the T_c that analyzing each one gives', async () => {
    const { randomNetwork } = await import('../../src-main/core/network/init.ts');
    const { writeOnnxModel } = await import('../../src-main/core/onnx/writer.ts');
    const { analyzeNetwork } = await import('../../src-main/core/spin/analysis.ts');
    const folder = join(TMP, 'checkpoints');
    mkdirSync(folder, { recursive: true });
    // Three "checkpoints": the same small network with weights scaled up, so T_c grows ∝ the scale.
    const base = randomNetwork({ widths: [24, 16, 8], seed: 3 });
    const nets = [1, 1.5, 2.25].map((scale) => ({
      ...base,
      layers: base.layers.map((l) => ({ ...l, weight: l.weight.map((w) => w * scale) })),
    }));
    const steps = [0, 10, 100];
    steps.forEach((step, i) =>
      writeFileSync(join(folder, `step-${String(step).padStart(6, '0')}.onnx`), writeOnnxModel(nets[i])),
    );
    const out = join(TMP, 'cli-folder');
    const r = await spinscope('figure', '--from', folder, '--kind', 'tc', '--out', out, '--dpi', '300');
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, 'tc.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((c) => c[1] === 'data');
    // Step 0 is not on a log axis; steps 10 and 100 are, with T_c of the TAP scan of each network.
    expect(rows.map((c) => Number(c[2]))).toEqual([10, 100]);
    for (const [k, row] of rows.entries()) {
      expect(Number(row[3])).toBeCloseTo(analyzeNetwork(nets[k + 1]).tap.tc, 10);
    }
  });

  it('--kind phaseDiagram from a sweep report draws the λ_min(T, t) map: values at the scan ends are the curve’s', async () => {
    const report = join(TMP, 'sweep.json');
    writeFileSync(report, JSON.stringify(sweepReport()));
    const out = join(TMP, 'cli-map');
    const r = await spinscope(
      'figure',
      '--from',
      report,
      '--kind',
      'phaseDiagram',
      '--out',
      out,
      '--dpi',
      '300',
    );
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, 'phaseDiagram.csv'), 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('Training step,Temperature T,phase,T_c,λ_{min}(H)');
    const cells = rows.slice(1).map((l) => l.split(',').map((x, i) => (i === 2 ? x : Number(x))));
    // The grid spans the scans' common range [0.5, 5]: its ends are scan points, where the value is exact.
    for (const [step, T, phase, tc, lambda] of cells as [number, number, string, number, number][]) {
      if (T === 0.5 || T === 5) expect(lambda).toBeCloseTo(1 - tc / T, 12);
      expect(phase).toBe(T >= tc ? 'paramagnet' : 'hiddenOrder');
      expect(step).toBeGreaterThan(0);
    }
    expect(cells.filter((c) => c[1] === 5)).toHaveLength(STEPS.length - 1);
  });

  it('explains bad input: no --out, a report for the wrong kind, a damaged spec', async () => {
    const noOut = await spinscope('figure', join(TMP, 'x.json'));
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out DIR is required/);
    const report = join(TMP, 'sweep.json');
    writeFileSync(report, JSON.stringify(sweepReport()));
    const wrong = await spinscope('figure', '--from', report, '--kind', 'spectrum', '--out', TMP);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot make a 'spectrum' figure; it makes tc, lambdaMin/);
    const bad = join(TMP, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ schema: 'spinscope.figure/1', style: { preset: 'aps-single' }, panels: [] }),
    );
    const damaged = await spinscope('figure', bad, '--out', TMP);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/not a valid figure spec: panels/);
  });
});
