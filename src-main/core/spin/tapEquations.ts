/**
 * The TAP mean-field equations and free energy of one network (science.md §3), m_i = ⟨σ_i⟩:
 *
 *     βF(m) = Σ_i [ (1+m_i)/2 ln((1+m_i)/2) + (1−m_i)/2 ln((1−m_i)/2) ]
 *             − (β/2) Σ_ij J_ij m_i m_j − (β²/4) Σ_ij J_ij² (1 − m_i²)(1 − m_j²)
 *
 *     ∂βF/∂m_i = atanh(m_i) − β (J m)_i + β² m_i w_i,      w_i = Σ_j J_ij² (1 − m_j²),
 *
 * so ∂βF/∂m = 0 is exactly the TAP equations m_i = tanh(β (J m)_i − β² m_i w_i). The last term is
 * the Onsager reaction term. Both J·m and (J∘J)·(1 − m²) go through the block form of the bond
 * matrix (BondMatrix): the element-wise square J∘J is itself a bond matrix, of squared weights.
 * Every function here takes the inverse temperature β = 1/T.
 */
import { lanczos } from '../linalg/lanczos.ts';
import { BondMatrix } from './bondMatrix.ts';

/** J and its element-wise square J∘J, both in block form (never dense). */
export class TapCouplings {
  /** J∘J: the couplings of the Onsager reaction term. */
  readonly squared: BondMatrix;
  readonly size: number;

  constructor(readonly bond: BondMatrix) {
    this.size = bond.size;
    // float64 squares: a float32 square would lose half the digits the 1e-8 residual needs.
    this.squared = new BondMatrix(
      bond.blocks.map((b) => ({
        rows: b.rows,
        cols: b.cols,
        weight: Float64Array.from(b.weight, (w) => w * w),
      })),
    );
  }

  /** h = J m and w = (J∘J)(1 − m²), both overwritten. */
  fields(m: Float64Array, h: Float64Array, w: Float64Array): void {
    this.bond.apply(m, h);
    const u = Float64Array.from(m, (x) => 1 - x * x);
    this.squared.apply(u, w);
  }
}

/** The argument of tanh in the TAP equations: β (J m)_i − β² m_i w_i (the local "cavity" field × β). */
function tapArgument(beta: number, m: number, h: number, w: number): number {
  return beta * h - beta * beta * m * w;
}

/** ‖m − tanh(β J m − β² m ∘ (J∘J)(1 − m²))‖∞: how far m is from solving the TAP equations. */
export function tapResidual(c: TapCouplings, m: Float64Array, beta: number): number {
  const h = new Float64Array(c.size);
  const w = new Float64Array(c.size);
  c.fields(m, h, w);
  let r = 0;
  for (let i = 0; i < m.length; i++)
    r = Math.max(r, Math.abs(m[i] - Math.tanh(tapArgument(beta, m[i], h[i], w[i]))));
  return r;
}

/** (1+m)/2 ln((1+m)/2) + (1−m)/2 ln((1−m)/2): minus the entropy of a spin of magnetisation m (0 at |m| = 1). */
export function spinEntropyTerm(m: number): number {
  const p = (1 + m) / 2;
  const q = (1 - m) / 2;
  return (p > 0 ? p * Math.log(p) : 0) + (q > 0 ? q * Math.log(q) : 0);
}

/** βF(m), the TAP free energy times β (dimensionless, total over the N spins). */
export function tapFreeEnergy(c: TapCouplings, m: Float64Array, beta: number): number {
  const h = new Float64Array(c.size);
  const w = new Float64Array(c.size);
  c.fields(m, h, w);
  let entropy = 0;
  let energy = 0;
  let reaction = 0;
  for (let i = 0; i < m.length; i++) {
    entropy += spinEntropyTerm(m[i]);
    energy += m[i] * h[i];
    reaction += (1 - m[i] * m[i]) * w[i];
  }
  return entropy - (beta / 2) * energy - ((beta * beta) / 4) * reaction;
}

/** ∂βF/∂m_i = atanh(m_i) − β (J m)_i + β² m_i w_i (infinite where |m_i| = 1). */
export function tapFreeEnergyGradient(c: TapCouplings, m: Float64Array, beta: number): Float64Array {
  const h = new Float64Array(c.size);
  const w = new Float64Array(c.size);
  c.fields(m, h, w);
  return Float64Array.from(m, (mi, i) => Math.atanh(mi) - tapArgument(beta, mi, h[i], w[i]));
}

/**
 * Plefka's condition (Plefka 1982), the convergence condition of the expansion that yields the
 * TAP free energy: a solution is physical only if
 *     x = λ_max( β² D (J∘J) D ) ≤ 1,     D = diag(1 − m_i²),
 * which for SK couplings (J_ij² = 1/N) is the familiar β² (1/N) Σ_i (1 − m_i²)² ≤ 1. At the
 * paramagnet it reads β² λ_max(J∘J) ≤ 1, i.e. T above the replica T_c (λ_max(J∘J) ≈ T_c²): below
 * T_c the paramagnet still solves the TAP equations, and in the glass stays locally stable at
 * finite N (science.md §3), but is not a physical state. Returns x (β = 1/T).
 */
export function plefkaParameter(c: TapCouplings, m: Float64Array, beta: number): number {
  const d = Float64Array.from(m, (x) => 1 - x * x);
  const t = new Float64Array(c.size);
  const res = lanczos(
    (x, y) => {
      for (let i = 0; i < x.length; i++) t[i] = d[i] * x[i];
      c.squared.apply(t, y);
      for (let i = 0; i < y.length; i++) y[i] *= beta * beta * d[i];
    },
    c.size,
    // The Perron vector of a non-negative matrix: a positive start converges fast.
    { which: 'largest', tol: 1e-6, start: new Float64Array(c.size).fill(1), maxBasis: Math.min(c.size, 60) },
  );
  return res.values[0];
}
