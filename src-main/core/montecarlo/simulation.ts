/**
 * Parallel-tempering Monte Carlo on a network's Ising Hamiltonian (science.md §1, §6): an
 * independent, sampling-based check of the mean-field (TAP) T_c.
 *
 * A sweep is a checkerboard over the bipartite layer chain: the fields of all odd layers for all
 * copies (one matrix product per layer, localFields.ts), then Metropolis or heat-bath on every odd
 * spin (spinUpdates.ts); the same for the even layers, whose pass also yields every copy's energy.
 * Then neighbouring temperatures exchange configurations (tempering.ts) and, after the
 * thermalization sweeps, the observables are recorded (observables.ts). Everything random comes
 * from one seeded generator in a fixed order, so a run is reproducible from its seed.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { couplingCount, layerWidths, validateNetwork, type Network } from '../network/network.ts';
import { BondMatrix } from '../spin/bondMatrix.ts';
import { topEigenvalues } from '../spin/spectrum.ts';
import { symmetricEigen } from '../linalg/symmetricEigen.ts';
import { CancelledError } from '../util/cancel.ts';
import { Random } from '../util/random.ts';
import { peakTemperature } from './criticalPoint.ts';
import { adaptLadder, geometricLadder } from './ladder.ts';
import type { FieldBackendName } from './localFields.ts';
import { MeasurementSeries } from './observables.ts';
import {
  MONTECARLO_SCHEMA,
  MonteCarloError,
  type MonteCarloReport,
  type MonteCarloTiming,
} from './report.ts';
import { allocateLayers, SpinChain, type SpinLayers } from './spinChain.ts';
import type { UpdateRule } from './spinUpdates.ts';
import { JsSweep, type SweepKernel } from './sweepKernels.ts';
import { TemperingState } from './tempering.ts';

export interface MonteCarloOptions {
  /** Coldest and hottest temperature T of the ladder. */
  tMin: number;
  tMax: number;
  /** Number of temperatures (default 16); two copies run at each. */
  temperatures?: number;
  /** Measured sweeps. */
  sweeps: number;
  /** Unmeasured sweeps first (default sweeps / 2). */
  thermalize?: number;
  seed?: number;
  update?: UpdateRule;
  /** Adapt the inner temperatures toward equal swap acceptance during thermalization. */
  adaptive?: boolean;
  /** `auto` (default) picks onnxruntime when the products are big enough to repay its call cost. */
  backend?: 'auto' | FieldBackendName;
  /** onnxruntime intra-op threads (default 1: one core per sampler). */
  threads?: number;
  /** Unit vector (length N) for the projection m; default the top eigenvector of J. */
  direction?: Float64Array;
  /** Compute the TAP and replica T_c for the report (default true). */
  tap?: boolean;
  /** Jackknife blocks (default 20). */
  blocks?: number;
  /** Bins of P(q) over [−1, 1] (default 40). */
  overlapBins?: number;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

/** Below this many multiply-adds per half-sweep (couplings × copies) plain loops beat an onnxruntime call (measured crossover ≈ 1e4). */
const ORT_THRESHOLD = 12_000;
/** How long the sampler may compute before it lets the event loop run (cancel messages, progress). */
const YIELD_MS = 50;

export async function runMonteCarlo(
  net: Network,
  opts: MonteCarloOptions,
): Promise<{ report: MonteCarloReport; timing: MonteCarloTiming }> {
  validateNetwork(net);
  const nT = opts.temperatures ?? 16;
  const sweeps = opts.sweeps;
  const thermalize = opts.thermalize ?? Math.floor(sweeps / 2);
  const seed = opts.seed ?? 0;
  const update = opts.update ?? 'metropolis';
  const blocks = opts.blocks ?? 20;
  const bins = opts.overlapBins ?? 40;
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(nT) || nT < 1)
    throw new MonteCarloError(`temperatures must be a positive integer, got ${nT}`);
  if (!(opts.tMin > 0) || !(opts.tMax >= opts.tMin))
    throw new MonteCarloError(`need 0 < tMin ≤ tMax, got tMin = ${opts.tMin}, tMax = ${opts.tMax}`);
  if (nT > 1 && opts.tMax === opts.tMin)
    throw new MonteCarloError('tMax equals tMin: a ladder of several temperatures needs tMax > tMin');
  if (!Number.isInteger(sweeps) || sweeps < 2 * blocks)
    throw new MonteCarloError(
      `need at least ${2 * blocks} measured sweeps (${blocks} jackknife blocks of two), got ${sweeps}`,
    );
  if (!Number.isInteger(thermalize) || thermalize < 0)
    throw new MonteCarloError(`thermalize must be an integer ≥ 0, got ${thermalize}`);

  const chain = SpinChain.fromNetwork(net);
  const N = chain.size;
  const warnings: string[] = [];
  if (net.layers.some((l) => l.bias && l.bias.some((b) => b !== 0))) {
    warnings.push(
      'biases are ignored: they would act as fields and break the σ → −σ symmetry (science.md §1)',
    );
  }
  const progress = (f: number, msg: string): void => opts.onProgress?.(Math.min(1, f), msg);

  // The hidden order's direction (science.md §3): the top eigenvector of J.
  progress(0, 'top eigenvector of J');
  let direction = opts.direction;
  let topEigenvalue: number | null = null;
  if (direction === undefined) {
    const top = topEigenvector(BondMatrix.fromNetwork(net));
    direction = top.vector;
    topEigenvalue = top.value;
  } else if (direction.length !== N) {
    throw new MonteCarloError(
      `the projection direction has ${direction.length} components, the model has ${N} spins`,
    );
  }
  let norm = 0;
  for (const x of direction) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new MonteCarloError('the projection direction is zero');
  const v = Float64Array.from(direction, (x) => x / (norm * Math.sqrt(N)));

  let tap: MonteCarloReport['tc']['tap'] = null;
  let replica: number | null = null;
  if (opts.tap !== false) {
    progress(0.01, 'TAP critical temperature');
    const { analyzeNetwork } = await import('../spin/analysis.ts');
    const a = analyzeNetwork(net, { signal: opts.signal });
    tap = { tc: a.tap.tc, phase: a.tap.phase };
    replica = a.replica.tc;
  }

  let temperatures = geometricLadder(opts.tMin, opts.tMax, nT);
  const copies = 2 * nT;
  const backendName: FieldBackendName =
    opts.backend === 'js' || opts.backend === 'ort'
      ? opts.backend
      : chain.couplings * copies >= ORT_THRESHOLD
        ? 'ort'
        : 'js';
  const kernel: SweepKernel =
    backendName === 'ort'
      ? await (await import('./ortSweep.ts')).OrtSweep.create(chain, copies, update, threads)
      : new JsSweep(chain, copies, update);

  const rng = new Random(seed);
  // Hot start: independent random configurations.
  const spins: SpinLayers = allocateLayers(chain, copies);
  for (const layer of spins) for (let i = 0; i < layer.length; i++) layer[i] = rng.nextUint32() & 1 ? 1 : -1;
  const state = new TemperingState(temperatures, 2);
  const energy = new Float64Array(copies);
  const flips = new Float64Array(copies);
  const slotFlips = new Float64Array(nT);
  const projection = new Float64Array(copies);
  const series = new MeasurementSeries(nT, sweeps);

  // Odd layers first, then even ones: the even pass leaves every copy's energy (spinChain.ts).
  const sweep = async (measure: boolean): Promise<void> => {
    await kernel.halfSweep(1, spins, state.beta, rng, null, measure ? flips : null);
    energy.fill(0);
    await kernel.halfSweep(0, spins, state.beta, rng, energy, measure ? flips : null);
  };

  const total = thermalize + sweeps;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let lastYield = started;
  let done = 0;
  const step = async (phase: string): Promise<void> => {
    done++;
    const now = performance.now();
    if (now - lastYield > YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
      if (opts.signal?.aborted)
        throw new CancelledError(`Monte Carlo cancelled after ${done} of ${total} sweeps`);
      progress(0.02 + (0.96 * done) / total, `${phase}: sweep ${done} of ${total}`);
    }
  };

  try {
    // Thermalization, with the ladder adapted in the first half of it when asked.
    const adaptRounds = opts.adaptive && nT > 2 ? 8 : 0;
    const roundLength = adaptRounds > 0 ? Math.floor(thermalize / 2 / adaptRounds) : 0;
    if (opts.adaptive && roundLength === 0 && nT > 2) {
      warnings.push('the ladder was not adapted: --adaptive needs at least 16 thermalization sweeps');
    }
    for (let s = 0; s < thermalize; s++) {
      await sweep(false);
      state.attemptSwaps(energy, rng);
      if (roundLength > 0 && s < adaptRounds * roundLength && (s + 1) % roundLength === 0) {
        temperatures = adaptLadder(temperatures, state.acceptance());
        state.setTemperatures(temperatures);
        state.resetCounts();
      }
      await step('thermalizing');
    }
    state.resetCounts();

    const slotOf = new Int32Array(copies);
    for (let s = 0; s < sweeps; s++) {
      flips.fill(0);
      await sweep(true);
      for (let t = 0; t < 2 * nT; t++) slotOf[state.copyAt[t]] = t % nT;
      for (let r = 0; r < copies; r++) slotFlips[slotOf[r]] += flips[r];
      state.attemptSwaps(energy, rng);
      measure(chain, spins, v, projection);
      for (let t = 0; t < nT; t++) {
        const a = state.copyAt[t];
        const b = state.copyAt[nT + t];
        series.record(
          t,
          energy[a] / N,
          energy[b] / N,
          projection[a],
          projection[b],
          overlap(chain, spins, a, b),
        );
      }
      series.next();
      await step('measuring');
    }
  } finally {
    await kernel.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  progress(0.99, 'statistics');

  const summaries = temperatures.map((T, t) =>
    series.summarize(t, T, N, blocks, bins, slotFlips[t] / (2 * sweeps * N)),
  );
  const acceptance = state.acceptance();
  const swaps = acceptance.map((a, t) => ({
    T: [temperatures[t], temperatures[t + 1]] as [number, number],
    acceptance: a,
  }));

  // Is the run long enough? Jackknife blocks must be longer than the correlation time.
  const blockLength = Math.floor(sweeps / blocks);
  const slow = summaries.filter(
    (s) => Math.max(s.energyPerSpin.tau, s.projection.abs.tau, s.overlap.squared.tau) * 2 > blockLength,
  );
  if (slow.length > 0) {
    const worst = Math.max(
      ...slow.map((s) => Math.max(s.energyPerSpin.tau, s.projection.abs.tau, s.overlap.squared.tau)),
    );
    warnings.push(
      `run too short to be trusted at ${slow.length} of ${nT} temperatures (T = ${slow.map((s) => s.T.toPrecision(3)).join(', ')}): ` +
        `τ_int up to ${worst.toPrecision(3)} sweeps against ${sweeps} measured sweeps (${blockLength} per jackknife block, want ≥ 2 τ_int); ` +
        `error bars there are underestimated: raise --sweeps (and --thermalize)`,
    );
  }
  const stuck = swaps.filter((s) => s.acceptance < 0.02);
  if (stuck.length > 0) {
    warnings.push(
      `parallel tempering is blocked: swap acceptance below 2% between ${stuck.map((s) => `T = ${s.T[0].toPrecision(3)}–${s.T[1].toPrecision(3)} (${(100 * s.acceptance).toFixed(1)}%)`).join(', ')}; ` +
        `copies do not travel through the ladder: add temperatures (--temps) or use --adaptive`,
    );
  }

  const Ts = summaries.map((s) => s.T);
  const chiPeak =
    nT >= 3
      ? peakTemperature(
          Ts,
          summaries.map((s) => s.projection.susceptibility.value),
        )
      : null;
  const cPeak =
    nT >= 3
      ? peakTemperature(
          Ts,
          summaries.map((s) => s.specificHeat.value),
        )
      : null;
  if (chiPeak?.atEdge) {
    warnings.push(
      `the projection susceptibility peaks at the ${chiPeak.T === Ts[0] ? 'cold' : 'hot'} end of the ladder: T_c may lie outside [${opts.tMin}, ${opts.tMax}]`,
    );
  }
  const spinUpdates = total * copies * N;
  return {
    report: {
      schema: MONTECARLO_SCHEMA,
      model: { layers: layerWidths(net), spins: N, couplings: couplingCount(net) },
      settings: {
        tMin: opts.tMin,
        tMax: opts.tMax,
        temperatures: nT,
        ladder: opts.adaptive ? 'adaptive' : 'geometric',
        sweeps,
        thermalize,
        seed,
        update,
        replicasPerTemperature: 2,
        backend: backendName,
        threads: backendName === 'ort' ? threads : 1,
        blocks,
        overlapBins: { min: -1, max: 1, count: bins },
        direction: opts.direction ? 'given' : 'top eigenvector of J',
      },
      topEigenvalue,
      temperatures: summaries,
      swaps,
      tc: {
        estimate: chiPeak && !chiPeak.atEdge ? chiPeak.T : null,
        projectionSusceptibilityPeak: chiPeak,
        specificHeatPeak: cPeak,
        tap,
        replica,
      },
      warnings,
    },
    timing: { seconds, cpuSeconds, spinUpdates, spinUpdatesPerSecond: spinUpdates / seconds },
  };
}

/** projection[r] = v·σ_r for every copy (v already divided by √N). */
function measure(chain: SpinChain, spins: SpinLayers, v: Float64Array, projection: Float64Array): void {
  projection.fill(0);
  chain.widths.forEach((n, k) => {
    const s = spins[k];
    const o = chain.offsets[k];
    for (let r = 0; r < projection.length; r++) {
      let d = 0;
      const base = r * n;
      for (let i = 0; i < n; i++) d += v[o + i] * s[base + i];
      projection[r] += d;
    }
  });
}

/** q = σ^a·σ^b / N. */
function overlap(chain: SpinChain, spins: SpinLayers, a: number, b: number): number {
  let q = 0;
  chain.widths.forEach((n, k) => {
    const s = spins[k];
    for (let i = 0; i < n; i++) q += s[a * n + i] * s[b * n + i];
  });
  return q / chain.size;
}

/** Dense for small models (exact and robust), Lanczos on the bipartite Gram operator otherwise. */
export function topEigenvector(bond: BondMatrix): { vector: Float64Array; value: number } {
  const n = bond.size;
  if (n <= 400) {
    const { values, vectors } = symmetricEigen(bond.toDense(), n);
    return { vector: Float64Array.from(vectors!.subarray((n - 1) * n, n * n)), value: values[n - 1] };
  }
  const top = topEigenvalues(bond, 1);
  return { vector: top.vectors[0], value: top.values[0] };
}
