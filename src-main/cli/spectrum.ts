import type { SpectrumReport } from '../core/spectral/report.ts';
import type { Histogram } from '../core/spectral/histogram.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { formatNumber, table } from './format.ts';
import { terminalProgress } from './progress.ts';

export const spectrumCommand: Command = {
  name: 'spectrum',
  summary: 'eigenvalue density of J (outliers, their layers) and WeightWatcher diagnostics per layer',
  usage:
    'spectrum MODEL.onnx [--json] [--bins N] [--top k] [--reference STEP0.onnx] [--method auto|dense|slq] [--range R]',
  options: {
    json: { type: 'boolean', description: 'print the spectrum report (spinscope.spectrum/1) as JSON' },
    bins: { type: 'string', description: 'bins of the density histogram on [−range, range] (default 201)' },
    top: {
      type: 'string',
      description: 'how many top eigenvectors of J to localise across layers (default 5)',
    },
    reference: {
      type: 'string',
      description: 'a model (e.g. step 0 of the run) whose λ_max of J is the bulk edge for outliers',
    },
    method: {
      type: 'string',
      description: 'dense (bipartite Gram, exact), slq (stochastic Lanczos quadrature) or auto (default)',
    },
    'dense-limit': {
      type: 'string',
      description: 'largest network (spins) auto diagonalises densely (default 6000)',
    },
    range: {
      type: 'string',
      description: 'half-width of the density grid (default 1.05 λ_max; fix it to compare checkpoints)',
    },
    probes: { type: 'string', description: 'slq: random probe vectors (default 20)' },
    steps: { type: 'string', description: 'slq: Lanczos steps per probe (default 80)' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError('expected one model file');
    const bins = positiveInteger(values.bins, 'bins');
    const top = positiveInteger(values.top, 'top', true);
    const denseLimit = positiveInteger(values['dense-limit'], 'dense-limit');
    const probes = positiveInteger(values.probes, 'probes');
    const steps = positiveInteger(values.steps, 'steps');
    const range = values.range === undefined ? undefined : Number(values.range);
    if (range !== undefined && !(range > 0 && Number.isFinite(range)))
      throw new UsageError('--range must be a positive number');
    const method = values.method ?? 'auto';
    if (method !== 'auto' && method !== 'dense' && method !== 'slq')
      throw new UsageError('--method must be auto, dense or slq');
    if (values.reference === true) throw new UsageError('--reference needs a model file');

    const { readOnnxFile } = await import('../core/onnx/reader.ts');
    const { spectrumReport } = await import('../core/spectral/report.ts');
    const model = await readOnnxFile(positionals[0]);
    const reference = values.reference ? await readOnnxFile(values.reference) : undefined;
    const started = performance.now();
    const progress = terminalProgress('spectrum');
    const report = spectrumReport(model.network, {
      bins,
      top,
      range,
      method,
      denseLimit,
      slq: { probes, steps },
      reference: reference?.network,
      onProgress: progress.update,
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    report.warnings.unshift(...model.warnings, ...(reference?.warnings ?? []));
    if (values.json) {
      console.log(JSON.stringify(report));
      return 0;
    }
    console.log(readable(positionals[0], report, seconds, values.reference || undefined));
    return 0;
  },
};

function positiveInteger(
  v: string | boolean | undefined,
  name: string,
  zeroAllowed = false,
): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < (zeroAllowed ? 0 : 1))
    throw new UsageError(`--${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} integer`);
  return x;
}

function readable(
  file: string,
  r: SpectrumReport,
  seconds: number,
  referenceFile: string | undefined,
): string {
  const d = r.density;
  const f = (x: number, digits = 4): string => formatNumber(x, digits);
  const method =
    d.method === 'dense'
      ? `dense: BᵀB of the ${d.sides.gram} layers, ${d.sides[d.sides.gram]} × ${d.sides[d.sides.gram]}, float64`
      : `stochastic Lanczos quadrature: ${d.slq!.probes} probes × ${d.slq!.steps} steps; top by Lanczos`;
  const zeros =
    d.zeroModes.numerical > 0
      ? `${d.zeroModes.structural} structural + ${d.zeroModes.numerical} numerical zero modes`
      : `${d.zeroModes.structural} structural zero modes`;
  const edgeSource =
    d.edge.used === 'reference'
      ? `λ_max of the reference ${referenceFile ?? ''}`.trimEnd()
      : `shuffled weights, mean + 3 sd of ${d.edge.shuffledSamples.length}`;
  const outliers =
    d.outliers.values.length === 0 && d.outliers.count < 0.5
      ? 'none'
      : `${d.method === 'dense' ? d.outliers.count : `≈ ${d.outliers.count.toFixed(1)}`}: ` +
        d.outliers.values.map((v) => f(v, 6)).join(' ') +
        (d.outliers.complete ? '' : ' … (more beyond the computed top)') +
        '  (each with its mirror −λ)';
  const lines = [
    file,
    `  layers    ${r.model.layers.join('-')}    spins ${r.model.spins} (even layers ${d.sides.even}, odd ${d.sides.odd})`,
    `  method    ${method}    ${seconds.toFixed(2)} s`,
    '',
    `Spectrum of J: ±σ of the even→odd block B, plus ${zeros}`,
    `  λ_max     ${f(d.largest[0] ?? 0, 6)}${quantiles(d.eigenvalues)}`,
    `  bulk edge ${f(d.edge.value, 6)} (${edgeSource});  intrinsic: shuffled ${f(d.edge.shuffled)}, variance profile ${f(d.edge.varianceProfile)}`,
    `  outliers  ${outliers}`,
    '',
    'Density ρ_J of the positive eigenvalues (log-spaced bins; bar ∝ log10 ρ above one eigenvalue per bin):',
    densityBars(d.logHistogram, 20),
  ];
  if (d.localisation.length > 0) {
    const L = r.model.layers.length;
    lines.push(
      '',
      'Top eigenvectors of J: share of the squared weight per layer (%), participation ratio',
      indent(
        table(
          d.localisation.map((l) => [
            f(l.eigenvalue, 6),
            ...l.layerShares.map((s) => (100 * s).toFixed(1)),
            f(l.participationRatio, 3),
          ]),
          ['λ', ...Array.from({ length: L }, (_, k) => `L${k}`), 'PR'],
        ),
      ),
    );
  }
  lines.push(
    '',
    'Per weight matrix (WeightWatcher conventions: W is N × M with N ≥ M, ESD of X = WᵀW/N):',
    indent(
      table(
        r.layers.map((l) => {
          const pl = l.powerLaw;
          return [
            `W${l.layer}`,
            `${l.shape[0]}×${l.shape[1]}`,
            pl ? `${f(pl.alpha, 3)} ± ${f(pl.alphaError, 2)}` : '–',
            pl ? `${f(pl.alphaRange[0], 3)}–${f(pl.alphaRange[1], 3)}` : '–',
            pl ? f(pl.D, 3) : '–',
            pl ? f(pl.xmin, 4) : '–',
            pl ? String(pl.tailSize) : '–',
            f(l.mp.sigma2, 4),
            f(l.mp.lambdaPlus, 4),
            `${l.mp.spikes} (${l.mp.significantSpikes})`,
            f(l.stableRank, 4),
            f(l.log10FrobeniusNorm, 4),
            f(l.log10SpectralNorm, 4),
          ];
        }),
        [
          'layer',
          'in×out',
          'alpha',
          'alpha range',
          'D',
          'xmin',
          'tail',
          'σ² (MP)',
          'λ+',
          'spikes (TW 99%)',
          'stable rank',
          'log10‖W‖_F',
          'log10‖W‖_2',
        ],
      ),
    ),
  );
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function quantiles(eigenvalues: number[] | null): string {
  if (!eigenvalues) return '';
  const sigmas = eigenvalues.filter((v) => v > 0);
  if (sigmas.length === 0) return '';
  const q = (p: number): string =>
    formatNumber(sigmas[Math.min(sigmas.length - 1, Math.floor(p * sigmas.length))], 4);
  return `    positive λ: median ${q(0.5)}, 90% ${q(0.9)}, 99% ${q(0.99)}`;
}

/**
 * The occupied part of the histogram (first to last nonempty bin) merged into at most `rows` rows,
 * each drawn as a bar of log10(ρ / ρ_one), ρ_one the density of one eigenvalue in that row.
 */
function densityBars(h: Histogram, rows: number): string {
  const first = h.counts.findIndex((c) => c > 0);
  if (first < 0) return '  (no positive eigenvalues on the grid)';
  let last = h.counts.length - 1;
  while (h.counts[last] <= 0) last--;
  const group = Math.max(1, Math.ceil((last - first + 1) / rows));
  const merged: { lo: number; hi: number; rho: number; one: number }[] = [];
  for (let i = first; i <= last; i += group) {
    const j = Math.min(i + group, last + 1);
    let count = 0;
    for (let k = i; k < j; k++) count += h.counts[k];
    const lo = h.edges[i];
    const hi = h.edges[j];
    merged.push({ lo, hi, rho: count / (h.total * (hi - lo)), one: 1 / (h.total * (hi - lo)) });
  }
  const decades = Math.max(1, ...merged.map((m) => (m.rho > 0 ? Math.log10(m.rho / m.one) : 0)));
  return merged
    .map((m) => {
      const bar =
        m.rho > 0 ? '█'.repeat(Math.max(1, Math.round((40 * Math.log10(m.rho / m.one)) / decades))) : '';
      const rho = m.rho > 0 ? m.rho.toExponential(2) : '0';
      return `  ${formatNumber(m.lo, 3).padStart(10)} – ${formatNumber(m.hi, 3).padEnd(10)} ${rho.padStart(9)}  ${bar}`;
    })
    .join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
