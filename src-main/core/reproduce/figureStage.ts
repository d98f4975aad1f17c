/**
 * Stage 5: the report's figures as publication bundles in the project's figures/ (core/figures:
 * PDF, SVG, PNG, CSV and the spec JSON each), made by the same adapters as `spinscope figure`:
 *   tc            T_c(t) on log-log axes, mean ± 95% CI over seeds per activation, with each
 *                 activation's power law over its ordered window (science.md §5.3)
 *   lambda-<act>  λ_min(T) at checkpoints from the glass's touch to the hidden order's crossing (§5.1–2)
 *   spectra-<act> log-binned eigenvalue densities of J across training: the growing tails (§5.4)
 *   phase-<act>   the phase diagram over (step, T) (§5.5)
 *   training      test accuracy and training loss of every run
 * A bundle whose spec is unchanged is not rewritten.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  lambdaFromSweep,
  phaseDiagramData,
  spectrumFromReports,
  tcFromSweepSet,
  trainingFromMetrics,
} from '../figures/adapters.ts';
import { exportFigureBundle } from '../figures/bundle.ts';
import type { FigureData } from '../figures/figureData.ts';
import { makeFigureSpec, type FigureSpec } from '../figures/spec.ts';
import type { SpectrumReport } from '../spectral/report.ts';
import type { PhaseDiagram } from '../spin/phaseDiagram.ts';
import { seedGroups, SWEEP_SET_SCHEMA, type SweepReport, type SweepSetReport } from '../sweep/report.ts';
import { readMetrics } from '../train/runFolder.ts';
import type { ReproduceBudget } from './budget.ts';
import type { ProductCache } from './products.ts';
import { phaseDiagramFile } from './phaseStage.ts';
import type { StageReporter } from './progress.ts';
import type { SpectrumProduct } from './spectraStage.ts';
import type { PowerLawFile } from './sweepStage.ts';

export interface FigureEntry {
  /** Bundle name: figures/<name>.svg, .pdf, -300dpi.png, … */
  name: string;
  title: string;
  caption: string;
  /** The bundle's files, relative to the project. */
  files: string[];
  /**
   * SHA-256 of the bundle's SVG, the image the HTML and PDF embed: a redrawn figure changes
   * report.json, so the report is regenerated with it.
   */
  svgSha256: string;
}

const STYLE = { preset: 'aps-double' } as const;

function bundleFiles(name: string, panels: number, dpis: readonly number[]): string[] {
  const csvs =
    panels === 1
      ? [`${name}.csv`]
      : Array.from({ length: panels }, (_, i) => `${name}-${String.fromCharCode(97 + i)}.csv`);
  return [
    `${name}.svg`,
    `${name}.pdf`,
    ...dpis.map((d) => `${name}-${d}dpi.png`),
    ...csvs,
    `${name}.json`,
  ].map((f) => `figures/${f}`);
}

/** T_c(t) per activation: the seed groups' mean ± CI, with the fits across seeds over the shared ordered window. */
export function tcFigureData(reports: readonly SweepReport[], powerLaw: PowerLawFile): FigureData {
  const set: SweepSetReport = {
    schema: SWEEP_SET_SCHEMA,
    project: null,
    settings: reports[0].settings,
    runs: [...reports],
    groups: seedGroups(reports),
    warnings: [],
  };
  const data = tcFromSweepSet(set);
  data.fits = set.groups.flatMap((g) => {
    const a = powerLaw.activations.find((x) => x.activation === g.config?.activation);
    const fits = a?.runs.flatMap((r) => (r.fit ? [r.fit] : [])) ?? [];
    if (!a?.exponent || !a.window || fits.length === 0) return [];
    // The seeds' mean line: mean exponent, geometric mean of the prefactors.
    const prefactor = Math.exp(fits.reduce((s, f) => s + Math.log(f.prefactor), 0) / fits.length);
    return [{ name: g.label, exponent: a.exponent.mean, prefactor, window: a.window }];
  });
  return data;
}

/**
 * Log-binned densities without the histogram's `floor`: that floor is one eigenvalue in the
 * *narrowest* bin (histogram.ts), which on log-spaced bins is the lowest one, ~10⁴× narrower than
 * the top bins — so it would hide every bin of the bulk and the tail. On log bins any non-empty
 * bin already holds at least one eigenvalue, so non-zero densities are all drawn.
 */
function logSpectrum(reports: { name: string; report: SpectrumReport }[]): FigureData {
  const { floor: _floor, ...data } = spectrumFromReports(reports, { log: true });
  return data;
}

export async function figureStage(
  project: string,
  reports: readonly SweepReport[],
  powerLaw: PowerLawFile,
  spectra: readonly SpectrumProduct[],
  products: ProductCache,
  budget: ReproduceBudget,
  stage: StageReporter,
): Promise<{ figures: FigureEntry[]; written: number }> {
  const figures: { entry: Omit<FigureEntry, 'files' | 'svgSha256'>; panels: FigureData[] }[] = [];
  const activations = [...new Set(reports.map((r) => r.run.config?.activation ?? r.run.id))];
  figures.push({
    entry: {
      name: 'tc',
      title: 'T_c(t) on log-log axes with the power law per network type',
      caption:
        'TAP critical temperature against the training step (mean over seeds, 95% interval as error bars) and the power law T_c = b·t^a fitted over the hidden-order window.',
    },
    panels: [tcFigureData(reports, powerLaw)],
  });
  for (const activation of activations) {
    const first = reports.find((r) => r.run.config?.activation === activation)!;
    figures.push({
      entry: {
        name: `lambda-${activation}`,
        title: `λ_min(T) of the TAP Hessian through training (${activation}, ${first.run.id})`,
        caption:
          'Least eigenvalue of H(β) = I + β² diag(a) − βJ against T at checkpoints from step 0 to the end: it touches 0 in the glass and crosses it linearly in the hidden order.',
      },
      panels: [lambdaFromSweep(first, { count: budget.lambdaCurves })],
    });
    const mine = spectra.filter((s) => s.activation === activation);
    figures.push({
      entry: {
        name: `spectra-${activation}`,
        title: `Eigenvalue density of J through training (${activation}, ${mine[0]?.runId ?? first.run.id})`,
        caption:
          'Log-binned density of the positive eigenvalues of J (log-log axes): the bulk of the random network and the tail training grows beyond it.',
      },
      panels: [
        logSpectrum(
          mine.map((s) => ({
            name: `step ${s.step}`,
            report: JSON.parse(readFileSync(products.path(s.file), 'utf8')) as SpectrumReport,
          })),
        ),
      ],
    });
    const diagram = JSON.parse(
      readFileSync(products.path(phaseDiagramFile(activation)), 'utf8'),
    ) as PhaseDiagram;
    figures.push({
      entry: {
        name: `phase-${activation}`,
        title: `Phase diagram (${activation}, ${first.run.id})`,
        caption:
          'Phase at each checkpoint and temperature: paramagnet above T_c(t); below it glass or hidden order from the Hessian criterion, the TAP solutions and the Monte Carlo valleys; T_c(t) on top.',
      },
      panels: [phaseDiagramData(diagram)],
    });
  }
  const runs = reports.map((r) => ({ name: r.run.id, records: readMetrics(r.run.dir) }));
  figures.push({
    entry: {
      name: 'training',
      title: 'Training curves',
      caption: 'Test accuracy at the checkpoints and training loss of every run.',
    },
    panels: [trainingFromMetrics(runs, 'testAccuracy'), trainingFromMetrics(runs, 'loss')],
  });

  const dir = join(project, 'figures');
  const out: FigureEntry[] = [];
  let written = 0;
  for (const [i, f] of figures.entries()) {
    const spec: FigureSpec = makeFigureSpec(f.panels, STYLE, {
      title: f.entry.title,
      provenance: { project, source: 'spinscope reproduce' },
      ...(f.panels.length > 1 ? { layout: { columns: 1 } } : {}),
    });
    const files = bundleFiles(f.entry.name, f.panels.length, budget.dpis);
    const specFile = join(dir, `${f.entry.name}.json`);
    const same =
      existsSync(specFile) &&
      readFileSync(specFile, 'utf8') === `${JSON.stringify(spec, null, 2)}\n` &&
      files.every((file) => existsSync(join(project, file)));
    if (!same) {
      stage.update(i / figures.length, `drawing ${f.entry.name}`);
      await exportFigureBundle(spec, dir, f.entry.name, { dpis: budget.dpis });
      written++;
    }
    const svgSha256 = createHash('sha256')
      .update(readFileSync(join(dir, `${f.entry.name}.svg`)))
      .digest('hex');
    out.push({ ...f.entry, files, svgSha256 });
    stage.update((i + 1) / figures.length, `${f.entry.name} ${same ? 'unchanged' : 'written'}`);
  }
  return { figures: out, written };
}
