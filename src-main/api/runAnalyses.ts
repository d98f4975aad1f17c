/**
 * Where the backend finds and puts the analyses the workbench's scientific views show for a run
 * (architecture.md, contract 3: plain files in the project's analyses/ folder):
 *
 *   analyses/sweep-<run>/step-000123.json + .curve.npy   the sweep cache (core/sweep/cache.ts): λ_min(T)
 *   analyses/<id>/report.json                            an analysis of one checkpoint (analyses.start)
 *   analyses/spectrum-<run>/step-000123.json             the spectrum report of a checkpoint (spectra.start)
 *   analyses/phase-<run>/diagram.json                    the run's phase diagram over (checkpoint, T) (`tap` job)
 *   analyses/montecarlo-<run>/step-000123.json           the Monte Carlo report of a checkpoint (montecarlo.start)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_CACHE_SCHEMA, entryName, SweepCache, type CacheEntry } from '../core/sweep/cache.ts';
import type { AnalysisReport } from '../core/spin/analysis.ts';
import type { LambdaCurveDto } from './contract.ts';

export function sweepCacheDir(project: string, runId: string): string {
  return join(project, 'analyses', `sweep-${runId}`);
}

export function spectrumFile(project: string, runId: string, step: number): string {
  return join(project, 'analyses', `spectrum-${runId}`, `${entryName(step)}.json`);
}

/** The steps whose spectrum report is in the run's spectrum folder, ascending. */
export function spectrumSteps(project: string, runId: string): number[] {
  const dir = join(project, 'analyses', `spectrum-${runId}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^step-(\d+)\.json$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function phaseDiagramFile(project: string, runId: string): string {
  return join(project, 'analyses', `phase-${runId}`, 'diagram.json');
}

/** The curve of an analysis report as the UI's DTO. */
export function curveDto(
  runId: string,
  step: number,
  report: Pick<AnalysisReport, 'tap' | 'replica'>,
  source: LambdaCurveDto['source'],
): LambdaCurveDto {
  return {
    runId,
    step,
    T: report.tap.curve.T,
    lambda: report.tap.curve.lambda,
    tc: report.tap.tc,
    phase: report.tap.phase,
    minLambda: report.tap.minLambda,
    argminT: report.tap.argminT,
    replicaTc: report.replica.tc,
    source,
  };
}

/**
 * The λ_min(T) curve of the checkpoint `checkpointPath` from the run's sweep cache, if its entry
 * is current (the cache's own key check: same file, settings and Spinscope version); null if
 * there is none or it is stale.
 */
export function sweepCacheCurve(
  project: string,
  runId: string,
  step: number,
  checkpointPath: string,
): LambdaCurveDto | null {
  const cache = new SweepCache(sweepCacheDir(project, runId));
  const { json } = cache.paths(step);
  if (!existsSync(json)) return null;
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(json, 'utf8')) as CacheEntry;
  } catch {
    return null;
  }
  if (entry?.schema !== CHECKPOINT_CACHE_SCHEMA || !entry.key?.settings) return null;
  const found = cache.lookup(step, checkpointPath, entry.key.settings);
  return found.status === 'hit' ? curveDto(runId, step, found.report, 'sweep') : null;
}

/**
 * The default temperature grid of a phase diagram: `count` temperatures T, evenly spaced from
 * 1.5 × the largest T_c of the run down to 1.5 × T_c_max / count, so every checkpoint has cells
 * above its T_c (paramagnet) and below it. Decreasing, as the diagram stores its cells.
 */
export function phaseGrid(tcs: readonly number[], count: number): number[] {
  const top = 1.5 * Math.max(...tcs);
  return Array.from({ length: count }, (_, i) => (top * (count - i)) / count);
}

export function montecarloFile(project: string, runId: string, step: number): string {
  return join(project, 'analyses', `montecarlo-${runId}`, `${entryName(step)}.json`);
}

/**
 * Measured sweeps of the workbench's "Monte Carlo check" (after as many / 2 for thermalization):
 * 16 temperatures × 2 replicas of a random 784-128³-10 take 8.4 s on one core (27 M spin
 * updates/s, measured with `spinscope montecarlo`, no warning), and the integrated autocorrelation
 * times there stay below ~5 sweeps away from T_c, so 20 jackknife blocks of 200 sweeps are many τ long.
 */
export const MONTECARLO_DEFAULT_SWEEPS = 4000;

/**
 * The default temperature ladder around a checkpoint's T_c: from 0.5 T_c (deep in the ordered or
 * glass phase) to 2 T_c (paramagnet), so the susceptibility and specific-heat peaks fall inside it.
 */
export function monteCarloLadder(tc: number): { tMin: number; tMax: number } {
  return { tMin: 0.5 * tc, tMax: 2 * tc };
}

/**
 * The replica (layered SK) T_c of the ONNX model at `file` (science.md §2, C_k measured from its
 * weights): the scale of the ladder when the checkpoint has no TAP T_c yet. One pass over the
 * weights — milliseconds, not numerical work the main process should hand to a worker.
 */
export async function replicaTcOfModel(file: string): Promise<number> {
  const { readOnnxFile } = await import('../core/onnx/reader.ts');
  const { BondMatrix } = await import('../core/spin/bondMatrix.ts');
  const { couplingStrengths, replicaCriticalTemperature } = await import('../core/spin/replica.ts');
  const { layerWidths } = await import('../core/network/network.ts');
  const { network } = await readOnnxFile(file);
  return replicaCriticalTemperature(
    layerWidths(network),
    couplingStrengths(BondMatrix.fromNetwork(network, 'js')),
  );
}
