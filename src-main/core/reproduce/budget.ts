/**
 * How much compute `spinscope reproduce` spends (science.md §4–§5): the networks it trains and how
 * finely it analyses them. `quick` is the default a 2-core laptop finishes in minutes; `paper` is
 * the paper's setting as science.md §4 states it (784-512³-10, 5 epochs, 60 log-spaced
 * checkpoints); `tiny` exists for the integration test (small widths, a data subset, few steps).
 */
import type { TrainConfig } from '../train/config.ts';

export const BUDGET_NAMES = ['quick', 'paper', 'tiny'] as const;
export type BudgetName = (typeof BUDGET_NAMES)[number];

/** The two network types of the paper: continuous (ReLU) and binarized (sign, straight-through). */
export const REPRODUCE_ACTIVATIONS = ['relu', 'sign'] as const;
export type ReproduceActivation = (typeof REPRODUCE_ACTIVATIONS)[number];

export interface ReproduceBudget {
  name: BudgetName;
  /** Training configuration shared by every run (activation and seed vary). */
  train: Pick<TrainConfig, 'arch' | 'epochs' | 'lr' | 'trainLimit' | 'testLimit' | 'checkpoints'>;
  /** Seeds per activation (seeds 0 … seeds − 1): the spread across them gives the confidence intervals. */
  seeds: number;
  /** Phase diagram (TAP solutions + Monte Carlo valleys) of the first seed of each activation. */
  phaseDiagram: {
    /** Checkpoints (log-spaced over the run, step 0 and the last included). */
    checkpoints: number;
    /** Temperatures of the absolute grid. */
    temperatures: number;
    /** TAP random starts per cell, and the solver's sweeps per temperature. */
    starts: number;
    maxIterations: number;
    /** Monte Carlo valleys in each cell below T_c: independent copies and sweeps (thermalize, then measure). */
    valleys: { copies: number; thermalize: number; measure: number };
  };
  /** PNG resolutions of the figure bundles. */
  dpis: number[];
  /** Eigenvalue densities of J at this many checkpoints of the first seed of each activation. */
  spectra: number;
  /** λ_min(T) curves drawn per activation, from the glass's touch to the hidden order's crossing. */
  lambdaCurves: number;
}

export const BUDGETS: Record<BudgetName, ReproduceBudget> = {
  quick: {
    name: 'quick',
    train: {
      arch: [784, 128, 128, 128, 10],
      epochs: 1,
      lr: 0.02,
      trainLimit: null,
      testLimit: null,
      checkpoints: 30,
    },
    seeds: 2,
    phaseDiagram: {
      checkpoints: 4,
      temperatures: 5,
      starts: 8,
      maxIterations: 500,
      valleys: { copies: 16, thermalize: 200, measure: 400 },
    },
    dpis: [300, 600],
    spectra: 4,
    lambdaCurves: 6,
  },
  paper: {
    name: 'paper',
    train: {
      arch: [784, 512, 512, 512, 10],
      epochs: 5,
      lr: 0.01,
      trainLimit: null,
      testLimit: null,
      checkpoints: 60,
    },
    seeds: 3,
    phaseDiagram: {
      checkpoints: 6,
      temperatures: 8,
      starts: 32,
      maxIterations: 2000,
      valleys: { copies: 32, thermalize: 500, measure: 1000 },
    },
    dpis: [300, 600],
    spectra: 5,
    lambdaCurves: 6,
  },
  // ~94 SGD steps on 6000 images: enough for the hidden order to appear (measured with the
  // precursor scripts/reproduce-small.ts), in seconds.
  tiny: {
    name: 'tiny',
    train: {
      arch: [784, 64, 64, 64, 10],
      epochs: 2,
      lr: 0.05,
      trainLimit: 6000,
      testLimit: 500,
      checkpoints: 12,
    },
    seeds: 2,
    phaseDiagram: {
      checkpoints: 3,
      temperatures: 3,
      starts: 4,
      maxIterations: 200,
      valleys: { copies: 8, thermalize: 150, measure: 300 },
    },
    dpis: [300],
    spectra: 3,
    lambdaCurves: 4,
  },
};

export class ReproduceError extends Error {
  override name = 'ReproduceError';
}

/** One training run of the plan. */
export interface PlannedRun {
  /** Folder name under the project's runs/: "relu-seed0". */
  id: string;
  activation: ReproduceActivation;
  seed: number;
  /** Keys of the training config (the rest take their defaults, core/train/config.ts). */
  config: Record<string, unknown>;
}

export interface ReproducePlan {
  budget: ReproduceBudget;
  runs: PlannedRun[];
}

export function reproducePlan(name: BudgetName, seeds?: number): ReproducePlan {
  const base = BUDGETS[name];
  if (!base) throw new ReproduceError(`unknown budget '${name}': choose ${BUDGET_NAMES.join(', ')}`);
  if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1 && seeds <= 100))
    throw new ReproduceError(`seeds must be a whole number from 1 to 100, not ${seeds}`);
  const budget: ReproduceBudget = { ...base, seeds: seeds ?? base.seeds };
  const runs = REPRODUCE_ACTIVATIONS.flatMap((activation) =>
    Array.from({ length: budget.seeds }, (_, seed) => ({
      id: `${activation}-seed${seed}`,
      activation,
      seed,
      // One thread per run: runs go in parallel instead (at most one per core), and a resumed run
      // must use the thread count it started with to stay bit-identical.
      config: { ...budget.train, activation, seed, threads: 1 },
    })),
  );
  return { budget, runs };
}

/**
 * `count` indices spread evenly over a list of `length` (first and last included, no repeats). The
 * checkpoints are log-spaced in step already, so even picks in the list are log-spaced in time.
 */
export function spreadPicks(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  if (count <= 1) return [length - 1];
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (length - 1)) / (count - 1))))];
}
