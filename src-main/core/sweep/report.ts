/**
 * The sweep report (architecture.md, contract 5) and the report of a set of runs.
 *
 * One run or checkpoint folder (`spinscope sweep RUN_DIR --json`):
 *   {"schema":"spinscope.sweep/1",
 *    "run":{"id","dir","kind","config"}, "model":{"layers","spins","couplings"},
 *    "settings":{"tMin","epsilon","spectrumCount","window"},
 *    "checkpoints":[{"step","tc","phase","minLambda","replicaTc","argminT","epoch","testAccuracy","top","file"},…],
 *    "powerLaw":{"exponent","prefactor","window":[s0,s1],"r2","n","exponentStderr","exponentCi95","logPrefactorStderr"},
 *    "failures":[{"step","file","message"}], "warnings":[…]}
 * Contract 5's fields (checkpoints[].step/tc/phase, powerLaw.exponent/prefactor/window/r2) keep their
 * meaning; the rest are additions. powerLaw is null when no fit is possible (the reason is a
 * warning). Every number is a pure function of the checkpoints and the settings: no timings, no
 * cache flags, so a report is the same bit for bit however it was computed.
 *
 * Several runs (several folders, or a project): {"schema":"spinscope.sweep-set/1","project",
 * "settings","runs":[sweep reports],"groups":[seed groups],"warnings"}, where a seed group holds
 * the runs of one configuration that differ only in their seed, with the mean and 95% Student-t
 * confidence interval of T_c at each step and of the power-law exponent.
 */
import type { Phase } from '../spin/criticalTemperature.ts';
import type { TrainConfig } from '../train/config.ts';
import type { AnalysisSettings } from './cache.ts';
import { meanWithConfidence, type MeanEstimate } from './confidence.ts';
import type { PowerLawFit } from './powerLaw.ts';

export const SWEEP_SCHEMA = 'spinscope.sweep/1';
export const SWEEP_SET_SCHEMA = 'spinscope.sweep-set/1';

export interface SweepCheckpoint {
  step: number;
  /** TAP critical temperature (contract 4's tap.tc). */
  tc: number;
  phase: Phase;
  /** Minimum over the scan of λ_min(H(β)) (contract 4's tap.minLambda). */
  minLambda: number;
  /** Replica T_c with C_k measured from this checkpoint's weights (science.md §2). */
  replicaTc: number;
  /** Temperature of the minimum of λ_min. */
  argminT: number;
  epoch: number | null;
  testAccuracy: number | null;
  /** The largest eigenvalues of J, descending (contract 4's spectrum.top). */
  top: number[];
  /** The checkpoint file, relative to the run folder. */
  file: string;
  /** λ_min(T) at the points of the TAP scan, T increasing (only with the `curves` option). */
  curve?: { T: number[]; lambda: number[] };
}

export interface SweepFailure {
  step: number;
  file: string;
  message: string;
}

export interface SweepSettings extends AnalysisSettings {
  /** The fit window as parseFitWindow reads it ('all', 'ordered', 'FROM:TO'). */
  window: string;
}

export interface SweepReport {
  schema: typeof SWEEP_SCHEMA;
  run: { id: string; dir: string; kind: 'run' | 'folder'; config: TrainConfig | null };
  /** The spin model of the first analysed checkpoint; null when none could be analysed. */
  model: { layers: number[]; spins: number; couplings: number } | null;
  settings: SweepSettings;
  /** Every analysed checkpoint, by increasing step (step 0 included; the fit leaves it out). */
  checkpoints: SweepCheckpoint[];
  powerLaw: PowerLawFit | null;
  /** Checkpoints that could not be analysed; they are not in `checkpoints`. */
  failures: SweepFailure[];
  warnings: string[];
}

export interface SeedGroupStep extends MeanEstimate {
  step: number;
  /** The runs' epoch at this step (their mean if they differ; null when no run says). */
  epoch: number | null;
  /** How many of the n runs are in the ordered phase at this step. */
  ordered: number;
}

export interface SeedGroup {
  /** "relu 784-64-64-64-10", with the config keys that tell groups apart when needed. */
  label: string;
  /** The runs' shared config without the keys that do not change the trained weights' law (GROUPING_IGNORES). */
  config: Partial<TrainConfig> | null;
  runs: { id: string; seed: number | null }[];
  /** Mean T_c over the runs at each step any of them has, with the 95% Student-t interval (n − 1 df). */
  tc: SeedGroupStep[];
  /** Each run's exponent (runs without a fit left out), their mean and 95% interval; null when no run has a fit. */
  exponent: (MeanEstimate & { values: number[] }) | null;
  prefactor: (MeanEstimate & { values: number[] }) | null;
}

export interface SweepSetReport {
  schema: typeof SWEEP_SET_SCHEMA;
  project: string | null;
  settings: SweepSettings;
  runs: SweepReport[];
  groups: SeedGroup[];
  warnings: string[];
}

/**
 * Config keys that do not change the distribution of the trained weights, so runs differing in
 * them are repeats of one experiment: the seed (what repeats vary), threads (rounding only),
 * evaluation and bookkeeping settings.
 */
export const GROUPING_IGNORES = [
  'seed',
  'threads',
  'evalThreads',
  'saveEvery',
  'logEvery',
  'testLimit',
] as const;

function groupConfig(config: TrainConfig | null): Partial<TrainConfig> | null {
  if (!config) return null;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(config).sort()) {
    if (!(GROUPING_IGNORES as readonly string[]).includes(k)) out[k] = config[k as keyof TrainConfig];
  }
  return out as Partial<TrainConfig>;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function withValues(values: number[]): (MeanEstimate & { values: number[] }) | null {
  return values.length === 0 ? null : { ...meanWithConfidence(values), values };
}

/** The runs grouped by config minus seed (first appearance first), with seed statistics. */
export function seedGroups(reports: readonly SweepReport[]): SeedGroup[] {
  const groups = new Map<string, { config: Partial<TrainConfig> | null; members: SweepReport[] }>();
  for (const r of reports) {
    const config = groupConfig(r.run.config);
    const key = JSON.stringify(config);
    const g = groups.get(key) ?? { config, members: [] };
    g.members.push(r);
    groups.set(key, g);
  }
  const all = [...groups.values()];
  // Keys (besides activation and arch, always shown) whose values differ between groups.
  const differing = new Set<string>();
  for (const g of all) {
    for (const [k, v] of Object.entries(g.config ?? {})) {
      if (k === 'activation' || k === 'arch') continue;
      if (
        all.some(
          (o) => JSON.stringify((o.config as Record<string, unknown> | null)?.[k]) !== JSON.stringify(v),
        )
      ) {
        differing.add(k);
      }
    }
  }
  return all.map(({ config, members }) => {
    const c = config as Record<string, unknown> | null;
    const label = c
      ? [
          `${String(c.activation)} ${(c.arch as number[]).join('-')}`,
          ...[...differing].sort().map((k) => `${k}=${JSON.stringify(c[k])}`),
        ].join(' ')
      : 'checkpoint folders without run.json';
    const steps = [...new Set(members.flatMap((m) => m.checkpoints.map((p) => p.step)))].sort(
      (a, b) => a - b,
    );
    const tc = steps.map((step) => {
      const at = members.flatMap((m) => m.checkpoints.filter((p) => p.step === step));
      const epochs = at.map((p) => p.epoch).filter((e): e is number => e !== null);
      return {
        step,
        // Runs of one config share their schedule: the epoch is then the same number in each.
        epoch: epochs.length === 0 ? null : epochs.every((e) => e === epochs[0]) ? epochs[0] : mean(epochs),
        ordered: at.filter((p) => p.phase === 'ordered').length,
        ...meanWithConfidence(at.map((p) => p.tc)),
      };
    });
    const fits = members.map((m) => m.powerLaw).filter((f): f is PowerLawFit => f !== null);
    return {
      label,
      config,
      runs: members.map((m) => ({ id: m.run.id, seed: m.run.config?.seed ?? null })),
      tc,
      exponent: withValues(fits.map((f) => f.exponent)),
      prefactor: withValues(fits.map((f) => f.prefactor)),
    };
  });
}

/**
 * Warnings of many checkpoint analyses, each message once with the steps it came from:
 * "biases are ignored … (every checkpoint)", "… (steps 0, 12)".
 */
export function mergeWarnings(perStep: readonly { step: number; warnings: readonly string[] }[]): string[] {
  const steps = new Map<string, number[]>();
  for (const { step, warnings } of perStep) {
    for (const w of new Set(warnings)) steps.set(w, [...(steps.get(w) ?? []), step]);
  }
  return [...steps.entries()].map(([w, s]) =>
    s.length === perStep.length && s.length > 1
      ? `${w} (every checkpoint)`
      : `${w} (step${s.length > 1 ? 's' : ''} ${s.join(', ')})`,
  );
}
