import type { AnalysisReport } from '../core/spin/analysis.ts';
import { describeActivation } from '../core/network/network.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { formatNumber, table } from './format.ts';
import { terminalProgress } from './progress.ts';

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'the spin model of an ONNX network: replica and TAP T_c, phase, top of the bond spectrum',
  usage: 'analyze MODEL.onnx [--json] [--tmin T] [--epsilon E] [--top N] [--curve]',
  options: {
    json: { type: 'boolean', description: 'print the analysis report (spinscope.analysis/1) as JSON' },
    tmin: { type: 'string', description: 'lowest temperature of the TAP scan (default: replica T_c / 4)' },
    epsilon: { type: 'string', description: 'ordered if min λ_min < −epsilon (default 0)' },
    curve: { type: 'boolean', description: 'also print the λ_min(T) points of the scan' },
    top: { type: 'string', description: 'how many of the largest eigenvalues of J to report (default 10)' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError('expected one model file');
    const tMin = positiveNumber(values.tmin, 'tmin');
    const epsilon = values.epsilon === undefined ? undefined : Number(values.epsilon);
    if (epsilon !== undefined && !(epsilon >= 0)) throw new UsageError('--epsilon must be a number ≥ 0');
    let spectrumCount: number | undefined;
    if (values.top !== undefined) {
      spectrumCount = Number(values.top);
      if (!Number.isInteger(spectrumCount) || spectrumCount < 1)
        throw new UsageError('--top must be a positive integer');
    }
    const { readOnnxFile } = await import('../core/onnx/reader.ts');
    const { analyzeNetwork } = await import('../core/spin/analysis.ts');
    const model = await readOnnxFile(positionals[0]);
    const started = performance.now();
    const progress = terminalProgress('analyze');
    const report = analyzeNetwork(model.network, {
      tMin,
      epsilon,
      spectrumCount,
      onProgress: progress.update,
    });
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    report.warnings.unshift(...model.warnings);
    if (values.json) {
      console.log(JSON.stringify(report));
      return 0;
    }
    console.log(
      readable(
        positionals[0],
        report,
        model.network.layers.map((l) => describeActivation(l.activation)),
        seconds,
      ),
    );
    if (values.curve) {
      console.log('\nλ_min of the TAP Hessian along the scan:');
      console.log(
        table(
          report.tap.curve.T.map((t, i) => [t, report.tap.curve.lambda[i]]),
          ['T', 'λ_min'],
        ),
      );
    }
    return 0;
  },
};

function positiveNumber(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`--${name} must be a positive number`);
  return x;
}

function readable(file: string, r: AnalysisReport, activations: string[], seconds: number): string {
  const phase =
    r.tap.phase === 'ordered' ? 'ordered (hidden order: λ_min crosses 0)' : 'glass (λ_min touches 0)';
  const lines = [
    `${file}`,
    `  layers    ${r.model.layers.join('-')}  (${activations.join(', ')})`,
    `  spins     ${r.model.spins}    couplings ${r.model.couplings}`,
    '',
    table(
      [
        [
          'replica (layered SK)',
          formatNumber(r.replica.tc),
          `C = ${r.replica.C.map((c) => c.toFixed(4)).join(', ')}`,
        ],
        [
          'TAP (single instance)',
          formatNumber(r.tap.tc),
          `${phase}; min λ_min = ${formatNumber(r.tap.minLambda, 4)}`,
        ],
      ],
      ['T_c', 'value', 'notes'],
    ),
    '',
    `  top eigenvalues of J: ${r.spectrum.top.map((x) => x.toFixed(4)).join(' ')}`,
    `  scan: T ≥ ${formatNumber(r.tap.scan.tMin, 4)}, ${r.tap.scan.evaluations} eigen-solves, ${r.tap.scan.matvecs} J·v products, ${seconds.toFixed(2)} s`,
  ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
