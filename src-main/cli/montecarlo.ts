import type { FiniteSizeReport } from '../core/montecarlo/criticalPoint.ts';
import type { MonteCarloReport, MonteCarloTiming } from '../core/montecarlo/report.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { formatNumber, table } from './format.ts';
import { terminalProgress } from './progress.ts';

export const montecarloCommand: Command = {
  name: 'montecarlo',
  summary:
    'parallel-tempering Monte Carlo on the spin model: energy, specific heat, projection on J’s top eigenvector, P(q), T_c next to TAP',
  usage:
    'montecarlo MODEL.onnx [MORE.onnx …] --tmin 0.5 --tmax 3 [--temps 16] [--sweeps 2000] [--thermalize 1000] [--seed 0] [--update metropolis|heatbath] [--adaptive] [--json]',
  options: {
    tmin: { type: 'string', description: 'coldest temperature T of the ladder (required)' },
    tmax: { type: 'string', description: 'hottest temperature T of the ladder (required)' },
    temps: { type: 'string', description: 'number of temperatures, two replicas at each (default 16)' },
    sweeps: { type: 'string', description: 'measured sweeps (default 2000)' },
    thermalize: { type: 'string', description: 'unmeasured sweeps before them (default sweeps / 2)' },
    seed: { type: 'string', description: 'seed of the random numbers (default 0); same seed, same report' },
    update: { type: 'string', description: 'metropolis (default) or heatbath' },
    adaptive: {
      type: 'boolean',
      description: 'move the inner temperatures toward equal swap acceptance during thermalization',
    },
    backend: {
      type: 'string',
      description: 'local fields by auto (default), ort (onnxruntime GEMM) or js (plain loops)',
    },
    threads: { type: 'string', description: 'onnxruntime threads (default 1)' },
    json: {
      type: 'boolean',
      description:
        'print the report (spinscope.montecarlo/1) as JSON; with several models spinscope.montecarloSizes/1 (all runs + Binder crossings)',
    },
  },
  async run({ positionals, values }) {
    if (positionals.length === 0)
      throw new UsageError(
        'expected a model file (or several sizes of one network, for the Binder crossing)',
      );
    const tMin = positiveNumber(values.tmin, 'tmin');
    const tMax = positiveNumber(values.tmax, 'tmax');
    if (tMin === undefined || tMax === undefined)
      throw new UsageError(
        'give the temperature range: --tmin and --tmax (temperatures T, e.g. --tmin 0.5 --tmax 3)',
      );
    if (tMax < tMin) throw new UsageError(`--tmax (${tMax}) must not be below --tmin (${tMin})`);
    const temperatures = integer(values.temps, 'temps', 1);
    if (temperatures !== undefined && temperatures > 1 && tMax === tMin)
      throw new UsageError('--tmax equals --tmin: several temperatures need a range');
    const sweeps = integer(values.sweeps, 'sweeps', 40) ?? 2000;
    const thermalize = integer(values.thermalize, 'thermalize', 0);
    const seed = integer(values.seed, 'seed', 0);
    const threads = integer(values.threads, 'threads', 1);
    const update = values.update ?? 'metropolis';
    if (update !== 'metropolis' && update !== 'heatbath')
      throw new UsageError(`--update must be metropolis or heatbath, got '${String(update)}'`);
    const backend = values.backend ?? 'auto';
    if (backend !== 'auto' && backend !== 'ort' && backend !== 'js')
      throw new UsageError(`--backend must be auto, ort or js, got '${String(backend)}'`);

    const { readOnnxFile } = await import('../core/onnx/reader.ts');
    const { runMonteCarlo } = await import('../core/montecarlo/simulation.ts');
    const progress = terminalProgress('montecarlo');
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const runs: { file: string; report: MonteCarloReport; timing: MonteCarloTiming }[] = [];
      for (const [i, file] of positionals.entries()) {
        const model = await readOnnxFile(file);
        const label = positionals.length > 1 ? `${i + 1}/${positionals.length} ` : '';
        const { report, timing } = await runMonteCarlo(model.network, {
          tMin,
          tMax,
          temperatures,
          sweeps,
          thermalize,
          seed,
          update,
          adaptive: values.adaptive === true,
          backend,
          threads,
          signal: controller.signal,
          onProgress: (f, m) => progress.update((i + f) / positionals.length, label + m),
        });
        report.warnings.unshift(...model.warnings);
        runs.push({ file, report, timing });
      }
      progress.done();
      if (runs.length === 1) {
        const [{ file, report, timing }] = runs;
        console.log(values.json ? JSON.stringify(report) : readable(file, report, timing));
        return 0;
      }
      const { finiteSizeReport } = await import('../core/montecarlo/criticalPoint.ts');
      const sizes = finiteSizeReport(runs.map((r) => r.report));
      if (values.json) console.log(JSON.stringify(sizes));
      else {
        const blocks = runs.map((r) => readable(r.file, r.report, r.timing));
        console.log([...blocks, readableCrossings(sizes)].join('\n\n'));
      }
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      progress.done();
    }
  },
};

function readableCrossings(s: FiniteSizeReport): string {
  const rows = (name: string, c: FiniteSizeReport['binderCrossing']['overlap']): string[][] => [
    ...c.crossings.map((x) => [
      name,
      `N = ${x.sizes[0]} × ${x.sizes[1]}`,
      x.T === null ? 'no crossing' : formatNumber(x.T, 4),
    ]),
    [name, 'T_c (mean of the crossings)', c.tc === null ? '—' : formatNumber(c.tc, 4)],
  ];
  const lines = [
    'Binder-cumulant crossings between sizes',
    table(
      [
        ...rows('overlap q (glass)', s.binderCrossing.overlap),
        ...rows('projection m (hidden order)', s.binderCrossing.projection),
      ],
      ['cumulant', 'sizes', 'T'],
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ];
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function positiveNumber(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || !(x > 0))
    throw new UsageError(`--${name} must be a positive number (a temperature T)`);
  return x;
}

function integer(v: string | boolean | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return x;
}

const pm = (e: { value: number; error: number }, digits = 4): string =>
  `${formatNumber(e.value, digits)} ± ${formatNumber(e.error, 2)}`;

function readable(file: string, r: MonteCarloReport, timing: MonteCarloTiming): string {
  const s = r.settings;
  const tc = r.tc;
  const peak = (p: MonteCarloReport['tc']['specificHeatPeak']): string =>
    p === null ? '—' : `${formatNumber(p.T, 4)}${p.atEdge ? ' (at the ladder end)' : ''}`;
  const lines = [
    file,
    `  layers    ${r.model.layers.join('-')}    spins ${r.model.spins}    couplings ${r.model.couplings}`,
    `  ladder    ${s.temperatures} temperatures ${formatNumber(s.tMin, 4)}…${formatNumber(s.tMax, 4)} (${s.ladder}), 2 replicas each, ${s.update}`,
    `  sweeps    ${s.thermalize} thermalization + ${s.sweeps} measured, seed ${s.seed}; errors: jackknife over ${s.blocks} blocks`,
    `  projection on the top eigenvector of J${r.topEigenvalue === null ? '' : ` (λ_max = ${formatNumber(r.topEigenvalue, 5)})`}: m = v·σ/√N`,
    '',
    table(
      r.temperatures.map((t) => [
        formatNumber(t.T, 4),
        pm(t.energyPerSpin),
        pm(t.specificHeat, 3),
        pm(t.projection.abs, 3),
        pm(t.projection.susceptibility, 3),
        pm(t.overlap.squared, 3),
        pm(t.overlap.binder, 3),
        `${t.energyPerSpin.tau.toFixed(1)} / ${t.projection.abs.tau.toFixed(1)} / ${t.overlap.squared.tau.toFixed(1)}`,
      ]),
      ['T', 'E/N', 'C/N', '⟨|m|⟩', 'χ_m', '⟨q²⟩', 'Binder g_q', 'τ_int E/|m|/q²'],
    ),
    '',
    `  swap acceptance  ${r.swaps.map((w) => w.acceptance.toFixed(2)).join(' ')}`,
    '',
    table(
      [
        ['Monte Carlo: χ_m peak', peak(tc.projectionSusceptibilityPeak)],
        ['Monte Carlo: C peak', peak(tc.specificHeatPeak)],
        ['TAP (single instance)', tc.tap === null ? '—' : `${formatNumber(tc.tap.tc, 4)} (${tc.tap.phase})`],
        ['replica (layered SK)', tc.replica === null ? '—' : formatNumber(tc.replica, 4)],
      ],
      ['T_c', 'value'],
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
    '',
    `  ${timing.seconds.toFixed(2)} s, ${(timing.spinUpdatesPerSecond / 1e6).toFixed(1)} M spin updates/s` +
      ` (${(timing.spinUpdates / timing.cpuSeconds / 1e6).toFixed(1)} M per CPU second; kernel ${s.backend}, ${s.threads} thread${s.threads === 1 ? '' : 's'})`,
  ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
