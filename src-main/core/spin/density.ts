/**
 * The full eigenvalue density of the bond matrix J (science.md §4, §5 item 4): bulk, tails and
 * outliers, per checkpoint.
 *
 * The layer chain is bipartite (science.md §1): J = [[0, B], [Bᵀ, 0]] between the spins of even and
 * odd layers, so the eigenvalues of J are ±σ_i (the singular values of B) plus |N_even − N_odd|
 * exact zeros. Two ways to get the σ_i:
 *   dense  σ² = eigenvalues of the smaller side's Gram matrix BᵀB, formed block-wise in float64
 *          (core/spectral/bipartiteGram.ts) and diagonalised by tred2/tql2. Exact to round-off:
 *          the absolute error of σ is about ε σ_max² / σ, so σ below √(10 n ε) σ_max are not
 *          resolved and are reported as zero modes (`zeroModes.numerical`).
 *   slq    stochastic Lanczos quadrature on the Gram operator (core/spectral/slq.ts) for networks
 *          too big to diagonalise, with the top eigenvalues and vectors from Lanczos (spectrum.ts).
 *
 * Outliers are the eigenvalues beyond a bulk edge. The edge that matters for training is the one of
 * the same network at step 0 (pass it as `referenceEdge`). Without one, two intrinsic estimates:
 *   shuffled          λ_max of J after permuting the entries of every weight matrix at random: the
 *                     same weights, no structure (WeightWatcher's randomised ESD, applied to J);
 *                     mean + 3 sd over a few shuffles, since λ_max of one shuffle fluctuates;
 *   varianceProfile   the edge of the limiting spectrum for independent couplings with the measured
 *                     per-layer variances (core/spectral/varianceProfileEdge.ts), no finite-size or
 *                     heavy-tail effects.
 * Outliers are counted against the reference edge if given, else against the shuffled one.
 */
import { lanczos } from '../linalg/lanczos.ts';
import { symmetricEigen } from '../linalg/symmetricEigen.ts';
import type { WeightArray } from '../network/network.ts';
import { bipartiteGram, smallerSide } from '../spectral/bipartiteGram.ts';
import { denseOperator } from '../spectral/gram.ts';
import { histogram, linearEdges, logEdges, type Histogram } from '../spectral/histogram.ts';
import { stochasticLanczosQuadrature } from '../spectral/slq.ts';
import { varianceProfileEdge } from '../spectral/varianceProfileEdge.ts';
import { throwIfCancelled } from '../util/cancel.ts';
import { Random } from '../util/random.ts';
import { BondMatrix } from './bondMatrix.ts';
import { localise, type EigenvectorLocalisation } from './localisation.ts';
import { topEigenvalues } from './spectrum.ts';

export type DensityMethod = 'dense' | 'slq';

export interface BondDensityOptions {
  /** Bins of the linear histogram on [−range, range] (default 201, so that 0 is a bin centre). */
  bins?: number;
  /** Bins of the log-spaced histogram of the positive eigenvalues (default 100). */
  logBins?: number;
  /**
   * Half-width of the linear grid, and top of the log grid (default 1.05 × the largest eigenvalue).
   * Pass the same value for every checkpoint of a run to compare their densities bin by bin.
   */
  range?: number;
  /** Bottom of the log grid (default 10⁻⁴ × the largest eigenvalue). */
  logMin?: number;
  /** How many of the top eigenvectors to localise across layers (default 5). */
  top?: number;
  /** Bulk edge of a reference spectrum, e.g. λ_max of J at step 0: outliers are the eigenvalues above it. */
  referenceEdge?: number;
  /** 'dense', 'slq', or 'auto' (default): dense up to `denseLimit` spins. */
  method?: 'auto' | DensityMethod;
  /** Largest network (in spins) that 'auto' diagonalises densely (default 6000). */
  denseLimit?: number;
  /** Stochastic Lanczos quadrature: probe vectors (default 20) and Lanczos steps each (default 80). */
  slq?: { probes?: number; steps?: number; seed?: number };
  /** Independent shuffles behind the shuffled-weights edge (default 5) and their seed (default 1). */
  shuffles?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export interface BondDensity {
  method: DensityMethod;
  spins: number;
  /** Spins on the even and odd layers; the Gram matrix is the smaller side's. */
  sides: { even: number; odd: number; gram: 'even' | 'odd' };
  /**
   * Zero eigenvalues of J: |N_even − N_odd| from the bipartite structure, and (dense only) 2 per
   * singular value of B below the numerical resolution √(10 n ε) σ_max.
   */
  zeroModes: { structural: number; numerical: number };
  /** All N eigenvalues of J, ascending (dense only; null for slq). */
  eigenvalues: number[] | null;
  /** The largest eigenvalues of J, descending (at least 10 when the spectrum has them). */
  largest: number[];
  /** ρ_J on the linear grid [−range, range]: every eigenvalue, normalised by N. */
  histogram: Histogram;
  /** ρ_J for λ > 0 on a log-spaced grid, normalised by N (the same density, bins for heavy tails). */
  logHistogram: Histogram;
  /** Bulk edges: the reference (if given) and the two intrinsic estimates; `used` counts the outliers. */
  edge: {
    reference: number | null;
    /** mean + 3 sd of λ_max over the shuffles (a single shuffle's λ_max is itself a fluctuating sample). */
    shuffled: number;
    /** λ_max of J after each shuffle. */
    shuffledSamples: number[];
    varianceProfile: number;
    used: 'reference' | 'shuffled';
    value: number;
  };
  /**
   * Positive eigenvalues above the edge, descending (each has its mirror −λ). `count` is exact for
   * dense; for slq it is the quadrature's estimate and `values` holds those among the Lanczos top
   * values, `complete` false when every computed top value was an outlier (there may be more).
   */
  outliers: { values: number[]; count: number; complete: boolean };
  /** Layer shares of the top eigenvectors (positive eigenvalues, descending). */
  localisation: EigenvectorLocalisation[];
  /** Present for slq: the quadrature's size and cost. */
  slq: { probes: number; steps: number; matvecs: number } | null;
  /** Seconds spent per stage. */
  timings: Record<string, number>;
}

const EPSILON = 2 ** -52;

export function bondDensity(bond: BondMatrix, opts: BondDensityOptions = {}): BondDensity {
  const N = bond.size;
  const denseLimit = opts.denseLimit ?? 6000;
  const method: DensityMethod =
    opts.method === 'dense' || opts.method === 'slq' ? opts.method : N <= denseLimit ? 'dense' : 'slq';
  const top = opts.top ?? 5;
  const side = smallerSide(bond);
  const n = bond.sideSize(side);
  const structural = N - 2 * n;
  const timings: Record<string, number> = {};
  const progress = (f: number, msg: string): void => opts.onProgress?.(f, msg);
  const timed = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    timings[name] = (performance.now() - t0) / 1000;
    throwIfCancelled(opts.signal);
    return r;
  };

  const spectrum =
    method === 'dense'
      ? denseSpectrum(bond, side, top, timed, progress)
      : slqSpectrum(bond, side, top, opts, timed, progress);

  progress(0.85, 'bulk edges');
  const edges = timed('edges', () => bulkEdges(bond, opts.shuffles ?? 5, opts.seed ?? 1));
  const reference = opts.referenceEdge ?? null;
  const edgeValue = reference ?? edges.shuffled;

  const lambdaMax = spectrum.largest[0] ?? 0;
  const range = opts.range ?? (lambdaMax > 0 ? 1.05 * lambdaMax : 1);
  const logMin = opts.logMin ?? (lambdaMax > 0 ? 1e-4 * lambdaMax : 1e-4 * range);
  const linear = histogram(
    spectrum.values,
    linearEdges(-range, range, opts.bins ?? 201),
    spectrum.weights,
    N,
  );
  const logGrid = logEdges(logMin, range, opts.logBins ?? 100);
  const positive = positivePart(spectrum.values, spectrum.weights);
  // `below` of the log histogram counts the positive eigenvalues under its grid only.
  const logHist = histogram(positive.values, logGrid, positive.weights, N);

  const outliers = spectrum.outliers(edgeValue);
  progress(1, 'done');
  return {
    method,
    spins: N,
    sides: { even: bond.sideSize(0), odd: bond.sideSize(1), gram: side === 0 ? 'even' : 'odd' },
    zeroModes: { structural, numerical: spectrum.numericalZeros },
    eigenvalues: spectrum.eigenvalues,
    largest: spectrum.largest,
    histogram: linear,
    logHistogram: logHist,
    edge: {
      reference,
      shuffled: edges.shuffled,
      shuffledSamples: edges.shuffledSamples,
      varianceProfile: edges.varianceProfile,
      used: reference === null ? 'shuffled' : 'reference',
      value: edgeValue,
    },
    outliers,
    localisation: spectrum.localisation,
    slq: spectrum.slq,
    timings,
  };
}

/** What the dense and the slq paths both produce. */
interface Spectrum {
  /** Eigenvalues of J (dense), or quadrature nodes ±σ and 0 with `weights` in eigenvalue counts (slq). */
  values: number[];
  weights: number[] | undefined;
  eigenvalues: number[] | null;
  largest: number[];
  numericalZeros: number;
  localisation: EigenvectorLocalisation[];
  outliers(edge: number): BondDensity['outliers'];
  slq: BondDensity['slq'];
}

type Timed = <T>(name: string, f: () => T) => T;

function denseSpectrum(
  bond: BondMatrix,
  side: 0 | 1,
  top: number,
  timed: Timed,
  progress: (f: number, msg: string) => void,
): Spectrum {
  const n = bond.sideSize(side);
  const structural = bond.size - 2 * n;
  progress(0, `Gram matrix BᵀB (${n} × ${n})`);
  const gram = timed('gram', () => bipartiteGram(bond, side));
  progress(0.2, `eigenvalues of BᵀB (${n} × ${n})`);
  const squared = timed('eigenvalues', () => symmetricEigen(gram, n, false).values);
  const gramMax = Math.max(squared[n - 1], 0);
  const zeroTol = 10 * n * EPSILON * gramMax;
  const sigmas = Array.from(squared, (v) => (v <= zeroTol ? 0 : Math.sqrt(v))); // ascending
  const numericalZeros = 2 * sigmas.filter((s) => s === 0).length;
  const eigenvalues = [
    ...sigmas.map((s) => (s === 0 ? 0 : -s)).reverse(),
    ...new Array<number>(structural).fill(0),
    ...sigmas,
  ];
  const descending = [...sigmas].reverse();
  const largest = eigenvalues.slice(-Math.max(top, 10)).reverse();

  progress(0.7, `top ${Math.min(top, n)} eigenvectors`);
  const localisation = timed('vectors', () => {
    const k = Math.min(top, n);
    if (k === 0 || gramMax === 0) return [];
    const res = lanczos(denseOperator(gram, n), n, {
      which: 'largest',
      count: k,
      tol: 1e-10 * gramMax,
      maxBasis: Math.min(n, Math.max(60, 4 * k)),
      seed: 11,
    });
    return res.vectors.map((v, i) => localise(bond.offsets, descending[i], jEigenvector(bond, side, v)));
  });
  return {
    values: eigenvalues,
    weights: undefined,
    eigenvalues,
    largest,
    numericalZeros,
    localisation,
    outliers: (edge) => {
      const values = descending.filter((s) => s > edge);
      return { values, count: values.length, complete: true };
    },
    slq: null,
  };
}

function slqSpectrum(
  bond: BondMatrix,
  side: 0 | 1,
  top: number,
  opts: BondDensityOptions,
  timed: Timed,
  progress: (f: number, msg: string) => void,
): Spectrum {
  const n = bond.sideSize(side);
  const N = bond.size;
  const structural = N - 2 * n;
  const measure = timed('quadrature', () =>
    stochasticLanczosQuadrature((x, y) => bond.applyGram(side, x, y), n, {
      ...opts.slq,
      signal: opts.signal,
      onProgress: (f) => progress(0.7 * f, 'stochastic Lanczos quadrature'),
    }),
  );
  // Each Gram node θ stands for n·w eigenvalues σ² = θ of BᵀB, i.e. n·w eigenvalues of J at +√θ and at −√θ.
  const values: number[] = [0];
  const weights: number[] = [structural];
  measure.nodes.forEach((theta, j) => {
    const s = Math.sqrt(Math.max(theta, 0));
    const w = n * measure.weights[j];
    values.push(s, -s);
    weights.push(w, w);
  });
  progress(0.7, 'top eigenvalues (Lanczos)');
  const count = Math.min(Math.max(top, 10), n);
  const topSpectrum = timed('vectors', () => topEigenvalues(bond, count, 1e-9));
  const largest = topSpectrum.values;
  const localisation = topSpectrum.vectors.slice(0, top).map((x, i) => localise(bond.offsets, largest[i], x));
  return {
    values,
    weights,
    eigenvalues: null,
    largest,
    numericalZeros: 0,
    localisation,
    outliers: (edge) => {
      let count = 0;
      measure.nodes.forEach((theta, j) => {
        if (Math.sqrt(Math.max(theta, 0)) > edge) count += n * measure.weights[j];
      });
      const found = largest.filter((v) => v > edge);
      return { values: found, count, complete: found.length < largest.length };
    },
    slq: { probes: measure.probes, steps: measure.steps, matvecs: measure.matvecs },
  };
}

/**
 * The unit eigenvector of J for +σ from the unit eigenvector v of BᵀB on `side`:
 * [v; B v / σ] / √2 (spectrum.ts uses the same construction).
 */
function jEigenvector(bond: BondMatrix, side: 0 | 1, v: Float64Array): Float64Array {
  const otherSide = side === 0 ? 1 : 0;
  const u = new Float64Array(bond.sideSize(otherSide));
  bond.applyHalf(side, v, u);
  let norm = 0;
  for (const x of u) norm += x * x;
  norm = Math.sqrt(norm); // = σ for an exact eigenvector
  const full = bond.expandSide(side, v);
  const rest = bond.expandSide(otherSide, u);
  const scale = norm > 0 ? 1 / norm : 0;
  for (let i = 0; i < full.length; i++) full[i] = (full[i] + scale * rest[i]) / Math.SQRT2;
  return full;
}

/** The two intrinsic bulk edges (see the file comment). */
function bulkEdges(
  bond: BondMatrix,
  shuffles: number,
  seed: number,
): { shuffled: number; shuffledSamples: number[]; varianceProfile: number } {
  const variances = bond.blocks.map((b) => {
    let s = 0;
    for (let i = 0; i < b.weight.length; i++) s += b.weight[i] * b.weight[i];
    return s / b.weight.length;
  });
  const rng = new Random(seed);
  const samples = Array.from({ length: Math.max(1, shuffles) }, () => {
    const shuffled = new BondMatrix(
      bond.blocks.map((b) => ({ rows: b.rows, cols: b.cols, weight: shuffle(b.weight, rng) })),
    );
    return topEigenvalues(shuffled, 1).values[0];
  });
  // The edge of a structureless matrix with these weights is a random variable (Tracy–Widom-like
  // fluctuations of λ_max); 3 standard deviations above the mean keeps random networks outlier-free.
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd =
    samples.length > 1
      ? Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (samples.length - 1))
      : 0;
  return {
    shuffled: mean + 3 * sd,
    shuffledSamples: samples,
    varianceProfile: varianceProfileEdge(bond.widths, variances),
  };
}

function shuffle(w: WeightArray, rng: Random): WeightArray {
  const out = w.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

function positivePart(
  values: number[],
  weights: number[] | undefined,
): { values: number[]; weights: number[] | undefined } {
  const v: number[] = [];
  const w: number[] = [];
  values.forEach((x, i) => {
    if (x > 0) {
      v.push(x);
      if (weights) w.push(weights[i]);
    }
  });
  return { values: v, weights: weights ? w : undefined };
}
