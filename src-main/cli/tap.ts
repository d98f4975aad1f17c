import type { TapReport, TapTemperatureSummary } from '../core/spin/tapAnalysis.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { formatNumber, table } from './format.ts';
import { terminalProgress } from './progress.ts';

export const tapCommand: Command = {
  name: 'tap',
  summary:
    'TAP solutions below T_c from many random starts: clusters, order parameters, glass or hidden order',
  usage: 'tap MODEL.onnx [--T 0.5,0.8 | --below 0.9,0.7] [--starts 64] [--seed 0] [--valleys] [--json]',
  options: {
    T: { type: 'string', description: 'temperatures T, comma-separated' },
    below: {
      type: 'string',
      description: 'temperatures as fractions of the TAP T_c, comma-separated (default 0.9,0.8,0.6)',
    },
    starts: { type: 'string', description: 'random starts per temperature (default 64)' },
    seed: { type: 'string', description: 'seed of the random starts (default 0)' },
    threshold: { type: 'string', description: 'one cluster when |q_ab| ≥ threshold (default 0.99)' },
    'max-iterations': { type: 'string', description: 'sweeps allowed at each temperature (default 2000)' },
    'anneal-from': {
      type: 'string',
      description: 'anneal down from this multiple of T_c (default 1.1; 0 = start at each temperature)',
    },
    valleys: {
      type: 'boolean',
      description:
        'also sample free-energy valleys by Monte Carlo at each T (32 copies) and decide the phase from the Hessian and the valleys',
    },
    json: { type: 'boolean', description: 'print the report (spinscope.tap/1) as JSON' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError('expected one model file');
    if (values.T !== undefined && values.below !== undefined) {
      throw new UsageError('give either --T (temperatures) or --below (fractions of T_c), not both');
    }
    const choice =
      values.T !== undefined
        ? { temperatures: numberList(values.T, 'T') }
        : { fractionsOfTc: values.below === undefined ? [0.9, 0.8, 0.6] : numberList(values.below, 'below') };
    const starts = integer(values.starts, 'starts', 1);
    const seed = integer(values.seed, 'seed', 0);
    const maxIterations = integer(values['max-iterations'], 'max-iterations', 1);
    const threshold = number(values.threshold, 'threshold');
    if (threshold !== undefined && !(threshold > 0 && threshold <= 1))
      throw new UsageError('--threshold must lie in (0, 1]');
    const annealFrom = number(values['anneal-from'], 'anneal-from');
    if (annealFrom !== undefined && annealFrom !== 0 && !(annealFrom > 1))
      throw new UsageError('--anneal-from must be 0 or a multiple of T_c above 1');

    const { readOnnxFile } = await import('../core/onnx/reader.ts');
    const { analyzeTapSolutions } = await import('../core/spin/tapAnalysis.ts');
    const model = await readOnnxFile(positionals[0]);
    const progress = terminalProgress('tap');
    const { report } = analyzeTapSolutions(model.network, choice, {
      starts,
      seed,
      maxIterations,
      threshold,
      annealFrom,
      onProgress: progress.update,
    });
    if (values.valleys === true) {
      const { sampleValleys } = await import('../core/montecarlo/valleys.ts');
      const { withValleys } = await import('../core/spin/tapAnalysis.ts');
      const count = report.temperatures.length;
      for (let i = 0; i < count; i++) {
        const t = report.temperatures[i];
        const { report: valleys } = await sampleValleys(model.network, {
          temperature: t.T,
          seed,
          onProgress: (f) =>
            progress.update((i + f) / count, `Monte Carlo valleys at T = ${formatNumber(t.T)}`),
        });
        report.temperatures[i] = withValleys(t, valleys);
      }
    }
    progress.done();
    report.warnings.unshift(...model.warnings);
    if (model.network.layers.some((l) => l.bias && l.bias.some((b) => b !== 0))) {
      report.warnings.push(
        'biases are ignored: they would act as fields and break the σ → −σ symmetry (science.md §1)',
      );
    }
    console.log(values.json ? JSON.stringify(report) : readable(positionals[0], report));
    return 0;
  },
};

function numberList(v: string | boolean | undefined, name: string): number[] {
  const list = String(v)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (list.length === 0 || list.some((x) => !(x > 0) || !Number.isFinite(x))) {
    throw new UsageError(`--${name} must be a comma-separated list of positive numbers, e.g. 0.9,0.7`);
  }
  return list;
}

function integer(v: string | boolean | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return x;
}

function number(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number`);
  return x;
}

const PHASE_TEXT: Record<TapTemperatureSummary['phase'], string> = {
  paramagnet: 'paramagnet',
  glass: 'glass',
  hiddenOrder: 'hidden order',
  undetermined: 'undetermined (the Hessian and the solutions or valleys disagree)',
};

const EVIDENCE_TEXT: Record<TapTemperatureSummary['solutions'], string> = {
  orderedPair: 'one ± pair dominates',
  scattered: 'nontrivial states, no dominant pair',
  paramagnet: 'only the paramagnet m = 0',
  none: 'no physical solution converged',
};

function readable(file: string, r: TapReport): string {
  const s = r.settings;
  const lines = [
    file,
    `  layers    ${r.model.layers.join('-')}    spins ${r.model.spins}`,
    `  T_c       ${formatNumber(r.tc)}  (TAP Hessian: ${r.hessianPhase}, min λ_min = ${formatNumber(r.minLambda, 4)});` +
      ` replica ${formatNumber(r.replicaTc)}; λ_max(J) = ${formatNumber(r.topEigenvalue, 5)}`,
    `  starts    ${s.starts} per temperature, seed ${s.seed}, m ~ U(±${s.startAmplitude}),` +
      (s.annealFrom > 0 ? ` annealed from ${s.annealFrom} T_c,` : ' no anneal,') +
      ` one cluster when |q| ≥ ${s.threshold}`,
  ];
  for (const t of r.temperatures) lines.push('', ...temperatureBlock(t));
  lines.push('', `  ${r.sweeps} sweeps, ${r.seconds.toFixed(2)} s`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function temperatureBlock(t: TapTemperatureSummary): string[] {
  const u = t.unconverged;
  const head =
    `T = ${formatNumber(t.T, 5)} (${t.relativeT.toFixed(3)} T_c): ${PHASE_TEXT[t.phase]}` +
    ` — Hessian: ${t.hessian}; solutions: ${EVIDENCE_TEXT[t.solutions]}`;
  const counts =
    `  converged ${t.converged}/${t.starts}, ${t.clusters.length} cluster${t.clusters.length === 1 ? '' : 's'}` +
    (u.count > 0
      ? `; not converged ${u.count} (${u.distinct} distinct end states, residual ${formatNumber(u.residual!.min, 2)}…${formatNumber(u.residual!.max, 2)})`
      : '') +
    `; sweeps median ${t.iterations.median} (max ${t.iterations.max}) after ${t.iterations.annealMedian} annealing` +
    (t.rollbacks > 0 ? `; ${t.rollbacks} rollbacks` : '');
  const rows = t.clusters.map((c, i) => [
    String(i + 1),
    String(c.size),
    `${c.plus}/${c.minus}`,
    c.paramagnet ? 'm = 0' : formatNumber(c.q, 4),
    c.paramagnet ? '—' : c.layerQ.map((q) => q.toFixed(3)).join(' '),
    c.overlapTop === null ? '—' : c.overlapTop.toFixed(3),
    c.overlapCritical === null ? '—' : c.overlapCritical.toFixed(3),
    `${c.plefka.toFixed(3)}${c.physical ? '' : ' (violated)'}`,
    c.betaFPerSpin.toFixed(6),
    formatNumber(c.residual, 2),
  ]);
  const out = [head, counts];
  if (t.valleys !== undefined) {
    const v = t.valleys;
    out.push(
      `  Monte Carlo valleys: ${v.valleys.length} (sizes ${v.valleys.map((x) => x.size).join(', ') || '—'} of ${v.copies} copies;` +
        ` ${v.paramagnetic} paramagnetic), largest ${(100 * v.largestShare).toFixed(0)}%, pair |q| median ${v.pairOverlap.median.toFixed(2)}` +
        ` → ${v.verdict === 'hiddenOrder' ? 'hidden order' : v.verdict} (${v.thermalize}+${v.measure} sweeps per copy)`,
    );
  }
  if (rows.length > 0) {
    out.push(
      table(rows, [
        '#',
        'size',
        '+/−',
        'q',
        'q per layer',
        'overlap v_top',
        'overlap crit.',
        'Plefka x',
        'βF/N',
        'residual',
      ])
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  return out;
}
