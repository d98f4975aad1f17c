/**
 * The figure data (src-main/core/figures/figureData.ts) of what each on-screen chart shows, for
 * "Export figure bundle": figures.export draws it with the journal presets of core/figures into
 * the project's figures/ folder (PDF, SVG, PNG at 300 and 600 dpi, CSV, and the spec as JSON). The
 * exported T_c(t) carries the fit of the window chosen on screen.
 */
import type {
  LambdaCurveDto,
  PhaseDiagramDto,
  SpectrumDto,
  TrainRecordDto,
} from '../../../src-main/api/contract.ts';
import type {
  FigureData,
  LambdaFamilyData,
  PhaseDiagramData,
  PhaseName,
  SpectrumData,
  TcData,
  TrainingData,
} from '../../../src-main/core/figures/figureData.ts';
import type { Quantity } from '../../../src-main/core/figures/quantity.ts';
import type { PowerLawFit } from '../../../src-main/core/sweep/powerLaw.ts';
import type { TcPoint } from './options.ts';

// Temperatures are T in units of the couplings (k_B = 1): no unit.
const STEP: Quantity = { label: 'Training step', unit: '' };
const TEMPERATURE: Quantity = { label: 'Temperature T', unit: '' };

/** What "Export figure bundle" sends: the data, a title, and where it came from. */
export interface FigureRequest {
  title: string;
  data: FigureData;
  provenance: { runs?: { id: string }[]; checkpoints?: { step: number }[]; source?: string };
}

export function tcFigure(runId: string, points: readonly TcPoint[], fit: PowerLawFit | null): FigureRequest {
  const data: TcData = {
    kind: 'tc',
    x: STEP,
    y: { label: 'T_c', unit: '' },
    series: [{ name: runId, x: points.map((p) => p.step), y: points.map((p) => p.tc) }],
    fits: fit
      ? [
          {
            name: `T_c ∝ t^${fit.exponent.toPrecision(3)}`,
            exponent: fit.exponent,
            prefactor: fit.prefactor,
            window: fit.window,
          },
        ]
      : [],
  };
  return {
    title: `T_c(t) of ${runId}`,
    data,
    provenance: { runs: [{ id: runId }], source: 'spinscope.sweep/1' },
  };
}

export function lambdaFigure(curve: LambdaCurveDto): FigureRequest {
  const data: LambdaFamilyData = {
    kind: 'lambdaMin',
    x: TEMPERATURE,
    y: { label: 'λ_{min}(H)', unit: '' },
    series: [{ name: `step ${curve.step}`, x: curve.T, y: curve.lambda }],
  };
  return {
    title: `λ_min(T) of ${curve.runId}, step ${curve.step}`,
    data,
    provenance: {
      runs: [{ id: curve.runId }],
      checkpoints: [{ step: curve.step }],
      source: 'spinscope.analysis/1',
    },
  };
}

export function spectrumFigure(spectrum: SpectrumDto): FigureRequest {
  const h = spectrum.report.density.histogram;
  const data: SpectrumData = {
    kind: 'spectrum',
    x: { label: 'Eigenvalue λ of J', unit: '' },
    y: { label: 'Density ρ(λ)', unit: '' },
    series: [{ name: `step ${spectrum.step}`, edges: h.edges, density: h.density }],
    floor: h.floor,
  };
  return {
    title: `Spectrum of J, ${spectrum.runId} step ${spectrum.step}`,
    data,
    provenance: {
      runs: [{ id: spectrum.runId }],
      checkpoints: [{ step: spectrum.step }],
      source: spectrum.report.schema,
    },
  };
}

/** The diagram on its T grid (ascending, as the figure kind wants it); null if rows differ in grid. */
export function phaseFigure(diagram: PhaseDiagramDto): FigureRequest | null {
  const d = diagram.diagram;
  if (d.grid.kind !== 'absolute') return null;
  const temperatures = [...d.grid.values].sort((a, b) => a - b);
  const rows = [...d.checkpoints].sort((a, b) => a.step - b.step);
  const phases: PhaseName[][] = rows.map((r) =>
    temperatures.map((T) => (r.cells.find((c) => c.T === T)?.phase ?? 'undetermined') as PhaseName),
  );
  const data: PhaseDiagramData = {
    kind: 'phaseDiagram',
    x: STEP,
    y: TEMPERATURE,
    steps: rows.map((r) => r.step),
    temperatures,
    phases,
    tc: rows.map((r) => r.tc),
  };
  return {
    title: `Phase diagram of ${diagram.runId}`,
    data,
    provenance: {
      runs: [{ id: diagram.runId }],
      checkpoints: rows.map((r) => ({ step: r.step })),
      source: d.schema,
    },
  };
}

export function trainingFigure(
  runId: string,
  train: readonly TrainRecordDto[],
  logX: boolean,
): FigureRequest {
  const shown = train.filter((r) => !logX || r.step > 0);
  const data: TrainingData = {
    kind: 'training',
    x: STEP,
    y: { label: 'Loss', unit: '' },
    series: [{ name: 'batch loss', x: shown.map((r) => r.step), y: shown.map((r) => r.loss) }],
    logX,
  };
  return {
    title: `Training loss of ${runId}`,
    data,
    provenance: { runs: [{ id: runId }], source: 'metrics.jsonl' },
  };
}
