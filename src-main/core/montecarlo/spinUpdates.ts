/**
 * Single-spin updates of a whole layer for all R copies, given the local fields of that layer
 * (localFields.ts). The spins of one layer do not interact, and neither do the layers of one parity
 * (the chain is bipartite), so updating them all at once from the same fields is the same Markov
 * chain as updating them one by one: each spin's move satisfies detailed balance with respect to its
 * conditional Boltzmann weight exp(β σ_i h_i) exactly.
 *
 *   Metropolis: flip with probability min(1, exp(−β ΔE)), ΔE = 2 σ_i h_i.
 *   heat bath:  σ_i = +1 with probability 1 / (1 + exp(−2 β h_i)), whatever it was.
 *
 * Uniform numbers are u = (k + ½)·2⁻³² with k a 32-bit draw, so u ∈ (0, 1) never hits 0 or 1; one
 * draw per spin, made in bulk before the loop (Random.fillUint32), whether the spin needs it or not.
 * Metropolis avoids most exponentials with two exact bounds, 1 − x ≤ e^{−x} ≤ 1/(1 + x): u < 1 − x
 * accepts and u ≥ 1/(1 + x) rejects without changing any decision; only the band between them
 * needs Math.exp. For x ≥ 23, e^{−x} < 2⁻³³ ≤ u always rejects.
 */
import type { Random } from '../util/random.ts';

export type UpdateRule = 'metropolis' | 'heatbath';

const TWO_POW_MINUS_32 = 2 ** -32;

/** Room for the random draws of the largest layer block: R × max N_k. */
export function drawBuffer(copies: number, widths: readonly number[]): Uint32Array {
  return new Uint32Array(copies * Math.max(...widths));
}

/**
 * Updates layer block `spins` ([R, n] row-major, ±1) in `fields` ([R, n]) at inverse temperature
 * beta[r] for copy r. When `energy` is given, adds −Σ_i σ_i h_i of the new spins to energy[r]:
 * summed over the layers of one parity with fields from the other, that is the energy (spinChain.ts).
 * `draws` is scratch space of at least R·n values (drawBuffer). When `flips` is given, adds the
 * number of changed spins of copy r to flips[r].
 */
export function updateLayer(
  rule: UpdateRule,
  spins: Float32Array,
  fields: Float32Array,
  n: number,
  beta: Float64Array,
  rng: Random,
  draws: Uint32Array,
  energy: Float64Array | null,
  flips: Float64Array | null = null,
): void {
  const u = draws.subarray(0, spins.length);
  rng.fillUint32(u);
  if (rule === 'metropolis') metropolisLayer(spins, fields, n, beta, u, energy, flips);
  else heatBathLayer(spins, fields, n, beta, u, energy, flips);
}

function metropolisLayer(
  spins: Float32Array,
  fields: Float32Array,
  n: number,
  beta: Float64Array,
  draws: Uint32Array,
  energy: Float64Array | null,
  flips: Float64Array | null,
): void {
  const copies = beta.length;
  for (let r = 0; r < copies; r++) {
    let flipped = 0;
    const b2 = 2 * beta[r];
    const base = r * n;
    let e = 0;
    for (let i = base; i < base + n; i++) {
      const s = spins[i];
      const h = fields[i];
      const x = b2 * s * h; // β ΔE of flipping σ_i
      let flip = x <= 0;
      if (!flip && x < 23) {
        const u = (draws[i] + 0.5) * TWO_POW_MINUS_32;
        if (u < 1 - x) flip = true;
        else if (u * (1 + x) < 1) flip = u < Math.exp(-x);
      }
      if (flip) {
        spins[i] = -s;
        e += s * h; // −(−s)·h
        flipped++;
      } else e -= s * h;
    }
    if (energy) energy[r] += e;
    if (flips) flips[r] += flipped;
  }
}

function heatBathLayer(
  spins: Float32Array,
  fields: Float32Array,
  n: number,
  beta: Float64Array,
  draws: Uint32Array,
  energy: Float64Array | null,
  flips: Float64Array | null,
): void {
  const copies = beta.length;
  for (let r = 0; r < copies; r++) {
    let flipped = 0;
    const b2 = 2 * beta[r];
    const base = r * n;
    let e = 0;
    for (let i = base; i < base + n; i++) {
      const h = fields[i];
      const y = b2 * h;
      let s: number;
      // Beyond |y| = 30 the probability is within 1e-13 of 0 or 1: closer than any u can resolve.
      if (y > 30) s = 1;
      else if (y < -30) s = -1;
      else {
        const u = (draws[i] + 0.5) * TWO_POW_MINUS_32;
        s = u * (1 + Math.exp(-y)) < 1 ? 1 : -1;
      }
      if (s !== spins[i]) {
        spins[i] = s;
        flipped++;
      }
      e -= s * h;
    }
    if (energy) energy[r] += e;
    if (flips) flips[r] += flipped;
  }
}
