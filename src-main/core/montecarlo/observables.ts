/**
 * What is measured after every sweep, per temperature slot, and what is derived from it.
 *
 * Per sweep and slot, for the two independent copies a, b at that temperature:
 *   e = E/N                      energy per spin
 *   m = v·σ / √N                 projection on the unit vector v (the top eigenvector of J: the
 *                                direction of the hidden order, science.md §3); |m| ≤ 1
 *   q = σ^a·σ^b / N              replica overlap (Edwards–Anderson order parameter's estimator)
 * Derived, with jackknife errors over blocks (statistics.ts), thermal averages ⟨·⟩ pooled over a, b:
 *   specific heat per spin  c = β² N (⟨e²⟩ − ⟨e⟩²)
 *   susceptibility          χ = β N (⟨m²⟩ − ⟨|m|⟩²)   (the connected one: it peaks at T_c at finite N)
 *   Binder cumulants        g = ½ (3 − ⟨x⁴⟩/⟨x²⟩²) for x = q and x = m: 0 for Gaussian
 *                           fluctuations (paramagnet), 1 for a single ± pair of states.
 *   P(q)                    histogram of q (both signs; symmetric by the σ → −σ symmetry).
 */
import { integratedAutocorrelationTime, jackknife, blockedMean, type Estimate } from './statistics.ts';

export interface TimedEstimate extends Estimate {
  /** Integrated autocorrelation time of the series, in sweeps. */
  tau: number;
}

export interface TemperatureSummary {
  T: number;
  beta: number;
  energyPerSpin: TimedEstimate;
  specificHeat: Estimate;
  projection: { abs: TimedEstimate; squared: Estimate; susceptibility: Estimate; binder: Estimate };
  overlap: { abs: Estimate; squared: TimedEstimate; binder: Estimate; spinGlassSusceptibility: Estimate };
  /** P(q) as a density over the report's overlap bins. */
  overlapDensity: number[];
  /** Fraction of spin updates that changed the spin (both copies, all sweeps measured). */
  flipRate: number;
}

export class MeasurementSeries {
  private readonly ea: Float64Array;
  private readonly eb: Float64Array;
  private readonly ma: Float64Array;
  private readonly mb: Float64Array;
  private readonly q: Float64Array;
  count = 0;

  constructor(
    readonly slots: number,
    readonly capacity: number,
  ) {
    const size = slots * capacity;
    this.ea = new Float64Array(size);
    this.eb = new Float64Array(size);
    this.ma = new Float64Array(size);
    this.mb = new Float64Array(size);
    this.q = new Float64Array(size);
  }

  record(slot: number, ea: number, eb: number, ma: number, mb: number, q: number): void {
    const i = slot * this.capacity + this.count;
    this.ea[i] = ea;
    this.eb[i] = eb;
    this.ma[i] = ma;
    this.mb[i] = mb;
    this.q[i] = q;
  }

  /** Closes the sweep: the next record() calls write the next sample. */
  next(): void {
    this.count++;
  }

  /** The raw series of one slot (views, length count). */
  series(slot: number): {
    ea: Float64Array;
    eb: Float64Array;
    ma: Float64Array;
    mb: Float64Array;
    q: Float64Array;
  } {
    const at = (a: Float64Array): Float64Array =>
      a.subarray(slot * this.capacity, slot * this.capacity + this.count);
    return { ea: at(this.ea), eb: at(this.eb), ma: at(this.ma), mb: at(this.mb), q: at(this.q) };
  }

  /** The estimates at one slot, temperature T, for a system of N spins. */
  summarize(
    slot: number,
    T: number,
    spins: number,
    blocks: number,
    bins: number,
    flipRate: number,
  ): TemperatureSummary {
    const s = this.series(slot);
    const n = this.count;
    const pooled = (f: (x: number) => number, a: Float64Array, b: Float64Array): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = 0.5 * (f(a[i]) + f(b[i]));
      return out;
    };
    const id = (x: number): number => x;
    const sq = (x: number): number => x * x;
    const quart = (x: number): number => x * x * x * x;
    const e = pooled(id, s.ea, s.eb);
    const e2 = pooled(sq, s.ea, s.eb);
    const mAbs = pooled(Math.abs, s.ma, s.mb);
    const m2 = pooled(sq, s.ma, s.mb);
    const m4 = pooled(quart, s.ma, s.mb);
    const qAbs = s.q.map(Math.abs);
    const q2 = s.q.map(sq);
    const q4 = s.q.map(quart);
    const beta = 1 / T;
    const binder = (x2: number, x4: number): number => (x2 > 0 ? 0.5 * (3 - x4 / (x2 * x2)) : 0);
    const timed = (x: Float64Array): TimedEstimate => ({
      ...blockedMean(x, blocks),
      tau: integratedAutocorrelationTime(x).tau,
    });

    const density = new Array<number>(bins).fill(0);
    for (let i = 0; i < n; i++) {
      const b = Math.min(bins - 1, Math.max(0, Math.floor(((s.q[i] + 1) / 2) * bins)));
      density[b]++;
    }
    const width = 2 / bins;
    for (let b = 0; b < bins; b++) density[b] /= n * width;

    return {
      T,
      beta,
      energyPerSpin: timed(e),
      specificHeat: jackknife([e, e2], blocks, ([a, a2]) => beta * beta * spins * (a2 - a * a)),
      projection: {
        abs: timed(mAbs),
        squared: blockedMean(m2, blocks),
        susceptibility: jackknife([m2, mAbs], blocks, ([x2, x1]) => beta * spins * (x2 - x1 * x1)),
        binder: jackknife([m2, m4], blocks, ([x2, x4]) => binder(x2, x4)),
      },
      overlap: {
        abs: blockedMean(qAbs, blocks),
        squared: timed(q2),
        binder: jackknife([q2, q4], blocks, ([x2, x4]) => binder(x2, x4)),
        spinGlassSusceptibility: jackknife([q2], blocks, ([x2]) => spins * x2),
      },
      overlapDensity: density,
      flipRate,
    };
  }
}
