/**
 * `spinscope reproduce --budget tiny`: the whole pipeline (train → sweep → phase diagrams →
 * spectra → figures → report) through the CLI and its worker processes. The project and the report
 * must be complete and consistent: every figure file exists, every number of report.json and
 * report.html equals what the analysis files hold (re-read and recomputed here independently), the
 * HTML and PDF are self-contained and carry those numbers, and a re-run is a no-op (resumable).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReproduceReport } from '../../src-main/core/reproduce/evidence.ts';
import type { SpectrumReport } from '../../src-main/core/spectral/report.ts';
import type { PhaseDiagram } from '../../src-main/core/spin/phaseDiagram.ts';
import type { SweepReport } from '../../src-main/core/sweep/report.ts';
import { finished, spawnSpinscope, spinscope } from '../helpers/cli.ts';

const out = join(mkdtempSync(join(tmpdir(), 'spinscope-reproduce-')), 'project');
const read = <T>(rel: string): T => JSON.parse(readFileSync(join(out, rel), 'utf8')) as T;
/** The report's number format, written out again: four significant digits. */
const four = (x: number): string => String(Number(x.toPrecision(4)));

/** Least squares of ln T_c on ln t: the slope (written out here, not core/sweep's fit). */
function slope(points: { step: number; tc: number }[]): number {
  const x = points.map((p) => Math.log(p.step));
  const y = points.map((p) => Math.log(p.tc));
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

let report: ReproduceReport;
let firstRun: { code: number; stdout: string; stderr: string; seconds: number };

beforeAll(async () => {
  const t0 = performance.now();
  const result = await spinscope('reproduce', '--out', out, '--budget', 'tiny', '--jobs', '2');
  firstRun = { ...result, seconds: (performance.now() - t0) / 1000 };
  if (result.code !== 0) throw new Error(`spinscope reproduce failed:\n${result.stderr}\n${result.stdout}`);
  report = read<ReproduceReport>('report.json');
}, 400_000);

describe('spinscope reproduce --budget tiny', () => {
  it('makes a normal project with two seeds of ReLU and sign runs, every figure bundle and the report', () => {
    expect(existsSync(join(out, 'spinscope.json'))).toBe(true);
    expect(report.runs.map((r) => r.id)).toEqual(['relu-seed0', 'relu-seed1', 'sign-seed0', 'sign-seed1']);
    for (const r of report.runs)
      expect(read<{ status: string }>(`runs/${r.id}/run.json`).status).toBe('completed');
    expect(report.figures.map((f) => f.name)).toEqual([
      'tc',
      'lambda-relu',
      'spectra-relu',
      'phase-relu',
      'lambda-sign',
      'spectra-sign',
      'phase-sign',
      'training',
    ]);
    for (const f of report.figures) {
      for (const ext of ['.svg', '.pdf', '-300dpi.png', '.json'])
        expect(existsSync(join(out, 'figures', `${f.name}${ext}`)), `${f.name}${ext}`).toBe(true);
      for (const file of f.files) expect(statSync(join(out, file)).size, file).toBeGreaterThan(0);
    }
    // The spectra are drawn: densities in their CSV (an empty column would mean an empty plot).
    const densities = readFileSync(join(out, 'figures/spectra-relu.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[2] || 'NaN'));
    expect(densities.filter((d) => d > 0).length).toBeGreaterThan(20);
    for (const file of ['report.json', 'report.html', 'report.pdf'])
      expect(existsSync(join(out, file))).toBe(true);
    expect(report.claims.map((c) => c.id)).toEqual([
      'glassAtInit',
      'fastDestruction',
      'powerLaw',
      'similarTypes',
      'spectralTails',
    ]);
    expect(firstRun.stdout).toMatch(
      /trained 4, 52 checkpoints analysed, 2 phase diagrams, 6 spectra, 8 figures drawn, report written/,
    );
  });

  it('states T_c at initialisation (replica and TAP), the final state and the glass → order step as the sweep files hold them', () => {
    for (const r of report.runs) {
      const sweep = read<SweepReport>(`analyses/sweep-${r.id}/sweep.json`);
      const first = sweep.checkpoints[0];
      const last = sweep.checkpoints.at(-1)!;
      expect(r.init).toMatchObject({
        step: 0,
        replicaTc: first.replicaTc,
        tapTc: first.tc,
        phase: first.phase,
      });
      expect(r.init.relativeDifference).toBeCloseTo(
        Math.abs(first.tc - first.replicaTc) / first.replicaTc,
        14,
      );
      expect(r.final).toMatchObject({
        step: last.step,
        tapTc: last.tc,
        testAccuracy: last.testAccuracy,
        phase: last.phase,
      });
      // The step from which every later checkpoint is ordered, found by walking back from the end.
      let k = sweep.checkpoints.length;
      while (k > 0 && sweep.checkpoints[k - 1].phase === 'ordered') k--;
      const expected = k < sweep.checkpoints.length ? sweep.checkpoints[Math.max(k, 1)].step : null;
      expect(r.glassToOrderStep).toBe(expected);
    }
  });

  it('gives each network type the mean of its seeds’ exponents over their shared ordered window', () => {
    for (const a of report.activations) {
      const sweeps = a.runs.map((id) => read<SweepReport>(`analyses/sweep-${id}/sweep.json`));
      const from = Math.max(
        ...report.runs.filter((r) => r.activation === a.activation).map((r) => r.glassToOrderStep!),
      );
      const slopes = sweeps.map((s) => slope(s.checkpoints.filter((c) => c.step >= from)));
      expect(a.window?.[0]).toBe(from);
      expect(a.exponent!.n).toBe(2);
      expect(a.exponent!.mean).toBeCloseTo((slopes[0] + slopes[1]) / 2, 10);
      // Two seeds: mean ± t(0.975, 1) · |x1 − x2| / 2.
      const half = (12.7062047 * Math.abs(slopes[0] - slopes[1])) / 2;
      expect(a.exponent!.ci95![0]).toBeCloseTo(a.exponent!.mean - half, 6);
      expect(a.exponent!.ci95![1]).toBeCloseTo(a.exponent!.mean + half, 6);
    }
  });

  it('takes the spectra and the phase diagrams from their files', () => {
    for (const a of report.activations) {
      expect(a.spectra.map((s) => s.step)).toEqual([0, 8, 94]);
      for (const s of a.spectra) {
        const spectrum = read<SpectrumReport>(s.file);
        expect(s.lambdaMax).toBe(spectrum.density.largest[0]);
        expect(s.outliers).toBe(spectrum.density.outliers.count);
        expect(s.edge).toBe(spectrum.reference!.lambdaMax);
      }
      const d = read<PhaseDiagram>(a.phaseDiagram!.file);
      const cells = d.checkpoints.flatMap((r) => r.cells.map((c) => c.phase));
      expect(cells).toHaveLength(3 * 3);
      expect(a.phaseDiagram!.counts.hiddenOrder).toBe(cells.filter((p) => p === 'hiddenOrder').length);
      expect(a.phaseDiagram!.counts.paramagnet).toBe(cells.filter((p) => p === 'paramagnet').length);
      // The glass and the paramagnet at step 0, above T_c the paramagnet everywhere.
      expect(d.checkpoints[0].cells.some((c) => c.phase === 'paramagnet')).toBe(true);
    }
  });

  it('prints the same numbers in report.html, with every figure embedded as its SVG and nothing loaded from the network', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    for (const r of report.runs) {
      const sweep = read<SweepReport>(`analyses/sweep-${r.id}/sweep.json`);
      expect(html).toContain(
        `<td>${r.id}</td><td>${four(sweep.checkpoints[0].replicaTc)}</td><td>${four(sweep.checkpoints[0].tc)}</td>`,
      );
    }
    for (const a of report.activations) expect(html).toContain(`<td>${four(a.exponent!.mean)}</td>`);
    const verdicts = [...html.matchAll(/<strong>(Supported|Not supported):<\/strong>/g)].map(
      (m) => m[1] === 'Supported',
    );
    expect(verdicts).toEqual(report.claims.map((c) => c.supported));
    const images = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1], 'base64').toString('utf8'),
    );
    expect(images).toEqual(
      report.figures.map((f) => readFileSync(join(out, 'figures', `${f.name}.svg`), 'utf8')),
    );
    // report.json names the SVG it was made with: a redrawn figure regenerates the report.
    for (const f of report.figures) {
      const svg = readFileSync(join(out, 'figures', `${f.name}.svg`));
      expect(f.svgSha256).toBe(createHash('sha256').update(svg).digest('hex'));
    }
  });

  it('puts the same content into report.pdf (searchable text)', () => {
    const text = execFileSync('pdftotext', [join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    for (const r of report.runs) expect(text).toContain(four(r.init.replicaTc));
    expect(text).toContain('From glass to hidden order');
    expect(text.match(/Not supported:|Supported:/g)?.length).toBe(report.claims.length);
  });

  it('re-running is a no-op that changes no file; a deleted analysis or figure is recomputed alone', async () => {
    const watched = [
      'report.json',
      'report.pdf',
      'figures/tc.svg',
      'analyses/reproduce/phase-relu.json',
      'runs/relu-seed0/state.npz',
    ];
    const before = watched.map((f) => statSync(join(out, f)).mtimeMs);
    const t0 = performance.now();
    const again = await spinscope('reproduce', '--out', out, '--budget', 'tiny');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do \(everything was done before\)/);
    expect((performance.now() - t0) / 1000).toBeLessThan(30);
    expect(watched.map((f) => statSync(join(out, f)).mtimeMs)).toEqual(before);

    const spectrum = 'analyses/reproduce/spectrum-sign-seed0-step-000008.json';
    rmSync(join(out, spectrum));
    rmSync(join(out, 'figures/training.svg'));
    const repaired = await spinscope('reproduce', '--out', out, '--budget', 'tiny');
    expect(repaired.code).toBe(0);
    // The spectrum is recomputed (dense eigenvalues: the same density), so its figure and the
    // report stay as they were; only the training figure is drawn again.
    expect(repaired.stdout).toMatch(/; 1 spectra, 1 figures drawn; /);
    expect(existsSync(join(out, spectrum))).toBe(true);
    expect(existsSync(join(out, 'figures/training.svg'))).toBe(true);
    expect(read<ReproduceReport>('report.json')).toEqual(report);
  }, 200_000);

  it('refuses to mix a project made with another budget into this one', async () => {
    const other = await spinscope('reproduce', '--out', out, '--budget', 'quick');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /relu-seed0 was trained with arch = \[784,64,64,64,10\], this budget needs \[784,128,128,128,10\]: use a new --out folder/,
    );
  });
});

describe('spinscope reproduce after Ctrl-C', () => {
  it('stops with the run’s resume point and, run again, resumes that run and finishes the pipeline', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spinscope-reproduce-')), 'project');
    const child = spawnSpinscope(
      'reproduce',
      '--out',
      dir,
      '--budget',
      'tiny',
      '--seeds',
      '1',
      '--jobs',
      '1',
    );
    const ended = finished(child);
    // Interrupt training once the first run has written an early checkpoint.
    const early = join(dir, 'runs/relu-seed0/checkpoints/step-000004.onnx');
    while (!existsSync(early)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const stopped = await ended;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/stopped; finished work is kept — run the same command again to continue/);
    const record = JSON.parse(readFileSync(join(dir, 'runs/relu-seed0/run.json'), 'utf8'));
    expect(record.status).toBe('cancelled');
    expect(existsSync(join(dir, 'report.json'))).toBe(false);

    const resumed = await spinscope('reproduce', '--out', dir, '--budget', 'tiny', '--seeds', '1');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/; trained 1, resumed 1, 26 checkpoints analysed/);
    const done = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReproduceReport;
    // One seed: the exponent's interval is its least-squares one.
    expect(done.activations.map((a) => a.exponent?.interval)).toEqual(['regression', 'regression']);
    expect(done.runs[0].fit?.ci95).toEqual(done.activations[0].exponent?.ci95);
  }, 300_000);
});
