/**
 * Comparing two checkpoints, or a checkpoint and an imported model (or two models): what each side
 * is, what is known of it, and the table of metric differences B − A. Pure: the compare store
 * fills SideData from the API, the compare view draws it.
 */
import type { LayerDiagnosticsDto, LayerWeightsDto, SpectrumDto } from '../../src-main/api/contract.ts';

/** A checkpoint of a run, or an imported model. */
export type CompareTarget = { runId: string; step: number } | { modelId: string };

/** "run:<id>@<step>" or "model:<id>": the value of a target in the pickers. */
export function targetKey(t: CompareTarget): string {
  return 'modelId' in t ? `model:${t.modelId}` : `run:${t.runId}@${t.step}`;
}

export function parseTargetKey(key: string): CompareTarget | null {
  const model = /^model:(.+)$/.exec(key);
  if (model) return { modelId: model[1] };
  const run = /^run:(.+)@(\d+)$/.exec(key);
  return run ? { runId: run[1], step: Number(run[2]) } : null;
}

export function targetLabel(t: CompareTarget): string {
  return 'modelId' in t ? `model ${t.modelId}` : `${t.runId} step ${t.step}`;
}

/** λ_min(T) of H(β = 1/T) with what the analysis concluded (science.md §3). T increasing. */
export interface CurveView {
  T: number[];
  lambda: number[];
  tc: number;
  phase: string;
  minLambda: number;
  replicaTc: number;
}

export interface SideData {
  target: CompareTarget;
  label: string;
  curve: CurveView | null;
  spectrum: SpectrumDto['report'] | null;
  /** The largest eigenvalue of J: from the spectrum report, else from the analysis' top list. */
  lambdaMax: number | null;
  weights: LayerWeightsDto[] | null;
}

export interface MetricRow {
  key: string;
  label: string;
  a: number | string | null;
  b: number | string | null;
  /** B − A for numbers known on both sides; for text, whether it changed. */
  diff: number | string | null;
  /** A count: shown as a whole number. */
  integer?: boolean;
}

const PHASES: Record<string, string> = { ordered: 'hidden order', glass: 'glass' };

function numeric(
  key: string,
  label: string,
  a: number | null | undefined,
  b: number | null | undefined,
): MetricRow {
  const x = a ?? null;
  const y = b ?? null;
  return { key, label, a: x, b: y, diff: x !== null && y !== null ? y - x : null };
}

function layerOf(s: SideData, k: number): LayerDiagnosticsDto | undefined {
  return s.spectrum?.layers.find((l) => l.layer === k);
}

/**
 * The metric table: T_c, phase, min λ_min, replica T_c, λ_max of J and the outlier count, then per
 * weight matrix W^(k) the WeightWatcher metrics (power-law α of the ESD tail, stable rank, log10
 * spectral and Frobenius norms; science.md §6) and the spread of its weights.
 */
export function compareMetrics(a: SideData, b: SideData): MetricRow[] {
  const phaseA = a.curve ? (PHASES[a.curve.phase] ?? a.curve.phase) : null;
  const phaseB = b.curve ? (PHASES[b.curve.phase] ?? b.curve.phase) : null;
  const rows: MetricRow[] = [
    numeric('tc', 'T_c (TAP), temperature T', a.curve?.tc, b.curve?.tc),
    {
      key: 'phase',
      label: 'phase below T_c',
      a: phaseA,
      b: phaseB,
      diff: phaseA && phaseB ? (phaseA === phaseB ? 'same' : 'changed') : null,
    },
    numeric('minLambda', 'min over T of λ_min(H)', a.curve?.minLambda, b.curve?.minLambda),
    numeric('replicaTc', 'replica T_c', a.curve?.replicaTc, b.curve?.replicaTc),
    numeric('lambdaMax', 'λ_max of J', a.lambdaMax, b.lambdaMax),
    {
      ...numeric(
        'outliers',
        'eigenvalues of J beyond the bulk edge (±)',
        a.spectrum?.density.outliers.count,
        b.spectrum?.density.outliers.count,
      ),
      integer: true,
    },
  ];
  const layers = Math.max(
    a.spectrum?.layers.length ?? 0,
    b.spectrum?.layers.length ?? 0,
    a.weights?.length ?? 0,
    b.weights?.length ?? 0,
  );
  for (let k = 1; k <= layers; k++) {
    const la = layerOf(a, k);
    const lb = layerOf(b, k);
    const w = `W^(${k})`;
    rows.push(
      numeric(`alpha${k}`, `${w} power-law α of the ESD tail`, la?.powerLaw?.alpha, lb?.powerLaw?.alpha),
      numeric(`stableRank${k}`, `${w} stable rank`, la?.stableRank, lb?.stableRank),
      numeric(`logSpectral${k}`, `${w} log10 spectral norm`, la?.log10SpectralNorm, lb?.log10SpectralNorm),
      numeric(
        `logFrobenius${k}`,
        `${w} log10 Frobenius norm`,
        la?.log10FrobeniusNorm,
        lb?.log10FrobeniusNorm,
      ),
      numeric(
        `std${k}`,
        `${w} standard deviation of the weights`,
        a.weights?.find((l) => l.layer === k)?.std,
        b.weights?.find((l) => l.layer === k)?.std,
      ),
    );
  }
  return rows;
}
