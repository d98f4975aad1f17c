/**
 * Free-energy valleys sampled by Monte Carlo: how many distinct states a network has at a temperature
 * T below T_c — the glass / hidden-order distinction of science.md §3 measured by sampling instead of
 * by counting exact TAP solutions.
 *
 * Why not exact TAP solutions: at the sizes Spinscope handles (N ≲ 10⁴), exact, physical TAP
 * solutions of a random (glassy) network are rare. Newton, damped/AMP iteration, continuation in T and
 * in the Onsager term, from quench or Monte Carlo starts, find at most one ± pair per temperature;
 * every other start ends at the paramagnet m = 0 (a minimum of βF below T_c, but unphysical by
 * Plefka's condition) or stalls where a minimum–saddle pair has merged (Aspelmeier & Moore 2019).
 * The many states of the glass exist at finite N as valleys that local dynamics do not leave, and
 * that is what this module counts.
 *
 * Protocol (ours): K independent copies at the same β, each from its own random configuration (no
 * parallel tempering — tempering is built to mix valleys, we want to see them), `thermalize` sweeps
 * unmeasured, then the time average m_a = ⟨σ⟩ over `measure` sweeps. Copies whose averages overlap
 * with |q_ab| ≥ threshold are one valley (tapClusters.ts: ±m is one valley, by the σ → −σ symmetry).
 * Glass: many valleys, none holding most copies. Hidden order: one ± valley holding (almost) all
 * copies, aligned with the top eigenvector of J.
 *
 * Finite-time caveat, stated in the report: a valley here is "not left within `measure` sweeps"; a
 * longer run can merge valleys whose barriers are low. The self-overlap q_EA = mean m_i² of each
 * average and the pairwise-overlap distribution are reported so the user can judge.
 */
import { validateNetwork, type Network } from '../network/network.ts';
import { BondMatrix } from '../spin/bondMatrix.ts';
import { clusterSolutions, overlap } from '../spin/tapClusters.ts';
import { topEigenvector } from './simulation.ts';
import { Random } from '../util/random.ts';
import { throwIfCancelled } from '../util/cancel.ts';
import { MonteCarloError } from './report.ts';
import { allocateLayers, configuration, SpinChain, type SpinLayers } from './spinChain.ts';
import type { UpdateRule } from './spinUpdates.ts';
import { JsSweep, type SweepKernel } from './sweepKernels.ts';

export const VALLEYS_SCHEMA = 'spinscope.valleys/1';

export interface ValleyOptions {
  /** Temperature T (not β) of every copy. */
  temperature: number;
  /** Independent copies K (default 32). */
  copies?: number;
  /** Unmeasured sweeps from the random start (default 500). */
  thermalize?: number;
  /** Sweeps averaged into m_a (default 1000). */
  measure?: number;
  /** |q_ab| at or above this joins a valley (default 0.8). */
  threshold?: number;
  seed?: number;
  update?: UpdateRule;
  /** onnxruntime for big systems (as runMonteCarlo; default picks by size). */
  backend?: 'auto' | 'js' | 'ort';
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface Valley {
  /** Copies in this valley. */
  size: number;
  /** Mean self-overlap q_EA = mean_i m_i² of its members' averages. */
  selfOverlap: number;
  /** |overlap| of its representative with the top eigenvector of J (the hidden order's direction). */
  topEigenvectorOverlap: number;
  /** Smallest |q| between the representative and a member. */
  minOverlap: number;
}

export interface ValleyReport {
  schema: typeof VALLEYS_SCHEMA;
  temperature: number;
  copies: number;
  thermalize: number;
  measure: number;
  threshold: number;
  seed: number;
  /** Largest first. */
  valleys: Valley[];
  /** Share of copies in the largest valley. */
  largestShare: number;
  /** Distribution of |q_ab| over all pairs of copies: median and maximum. */
  pairOverlap: { median: number; max: number };
  /** Copies whose average is ≈ 0 (mean m_i² < 0.01): they sampled the paramagnet. */
  paramagnetic: number;
  /** 'glass' (several valleys, none with ≥ 75% of the copies), 'hiddenOrder' (one valley with ≥ 75%), 'paramagnet'. */
  verdict: 'glass' | 'hiddenOrder' | 'paramagnet';
}

const ORT_THRESHOLD = 12_000;
/** A valley holding at least this share of the copies is "dominant" (hidden order). */
const DOMINANT_SHARE = 0.75;
/** Mean m_i² below this: the copy's average is the paramagnet. */
const PARAMAGNET_Q = 0.01;

/** The report and, per valley (same order), its representative's time-averaged magnetisation m (length N). */
export interface ValleySampling {
  report: ValleyReport;
  representatives: Float64Array[];
}

export async function sampleValleys(net: Network, opts: ValleyOptions): Promise<ValleySampling> {
  validateNetwork(net);
  const T = opts.temperature;
  const K = opts.copies ?? 32;
  const thermalize = opts.thermalize ?? 500;
  const measure = opts.measure ?? 1000;
  const threshold = opts.threshold ?? 0.8;
  const seed = opts.seed ?? 0;
  const update = opts.update ?? 'metropolis';
  if (!(T > 0 && Number.isFinite(T))) throw new MonteCarloError(`temperature must be a positive T, got ${T}`);
  if (!Number.isInteger(K) || K < 2) throw new MonteCarloError(`copies must be an integer ≥ 2, got ${K}`);
  if (!Number.isInteger(thermalize) || thermalize < 0)
    throw new MonteCarloError(`thermalize must be an integer ≥ 0, got ${thermalize}`);
  if (!Number.isInteger(measure) || measure < 1)
    throw new MonteCarloError(`measure must be a positive integer, got ${measure}`);
  if (!(threshold > 0 && threshold <= 1))
    throw new MonteCarloError(`threshold must lie in (0, 1], got ${threshold}`);

  const chain = SpinChain.fromNetwork(net);
  const N = chain.size;
  const useOrt = opts.backend === 'ort' || (opts.backend !== 'js' && chain.couplings * K >= ORT_THRESHOLD);
  const kernel: SweepKernel = useOrt
    ? await (await import('./ortSweep.ts')).OrtSweep.create(chain, K, update, 1)
    : new JsSweep(chain, K, update);
  const rng = new Random(seed);
  const spins: SpinLayers = allocateLayers(chain, K);
  for (const layer of spins) for (let i = 0; i < layer.length; i++) layer[i] = rng.nextUint32() & 1 ? 1 : -1;
  const beta = new Float64Array(K).fill(1 / T);
  const sums = Array.from({ length: K }, () => new Float64Array(N));
  const total = thermalize + measure;
  try {
    for (let s = 0; s < total; s++) {
      if ((s & 15) === 0) {
        throwIfCancelled(opts.signal);
        opts.onProgress?.(s / total, s < thermalize ? 'thermalizing' : 'averaging');
        await new Promise<void>((r) => setImmediate(r));
      }
      await kernel.halfSweep(1, spins, beta, rng, null, null);
      await kernel.halfSweep(0, spins, beta, rng, null, null);
      if (s >= thermalize) {
        for (let r = 0; r < K; r++) {
          const c = configuration(chain, spins, r);
          const acc = sums[r];
          for (let i = 0; i < N; i++) acc[i] += c[i];
        }
      }
    }
  } finally {
    await kernel.dispose();
  }
  const averages = sums.map((acc) => Float64Array.from(acc, (x) => x / measure));
  const selfOverlap = averages.map((m) => m.reduce((a, x) => a + x * x, 0) / N);
  const paramagnetic = selfOverlap.filter((q) => q < PARAMAGNET_Q).length;

  const pairs: number[] = [];
  for (let a = 0; a < K; a++)
    for (let b = a + 1; b < K; b++) pairs.push(Math.abs(overlap(averages[a], averages[b])));
  pairs.sort((x, y) => x - y);

  // Paramagnetic copies form no valley: treat them as m = 0 for the clustering.
  const forClustering = averages.map((m, i) => (selfOverlap[i] < PARAMAGNET_Q ? new Float64Array(N) : m));
  const clusters = clusterSolutions(forClustering, { threshold });
  const top = topEigenvector(BondMatrix.fromNetwork(net)).vector;
  const found = clusters.filter((c) => !c.paramagnet);
  const valleys: Valley[] = found.map((c) => ({
    size: c.members.length,
    selfOverlap: c.members.reduce((a, i) => a + selfOverlap[i], 0) / c.members.length,
    topEigenvectorOverlap: Math.abs(overlap(averages[c.members[0]], top)),
    minOverlap: c.minOverlap,
  }));
  const largestShare = valleys.length > 0 ? valleys[0].size / K : 0;
  const verdict: ValleyReport['verdict'] =
    paramagnetic > K / 2 ? 'paramagnet' : largestShare >= DOMINANT_SHARE ? 'hiddenOrder' : 'glass';
  opts.onProgress?.(1, 'done');
  const report: ValleyReport = {
    schema: VALLEYS_SCHEMA,
    temperature: T,
    copies: K,
    thermalize,
    measure,
    threshold,
    seed,
    valleys,
    largestShare,
    pairOverlap: {
      median: pairs.length ? pairs[Math.floor(pairs.length / 2)] : 1,
      max: pairs[pairs.length - 1] ?? 1,
    },
    paramagnetic,
    verdict,
  };
  return { report, representatives: found.map((c) => averages[c.members[0]]) };
}
