/**
 * Parallel tempering (replica exchange; Hukushima & Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996)):
 * two independent sets of copies, one copy per temperature in each set. After each sweep,
 * neighbouring slots (t, t+1) of a set exchange their configurations with probability
 *     min(1, exp[(β_t − β_{t+1})(E_t − E_{t+1})]),
 * which satisfies detailed balance for the product of the Boltzmann weights of all slots.
 * Configurations do not move in memory: the copies exchange their temperatures (`beta[r]`) and
 * the slot ↔ copy maps, which is the same move.
 */
import type { Random } from '../util/random.ts';

/** The Metropolis probability of exchanging the configurations at β_a (energy E_a) and β_b (E_b). */
export function swapProbability(betaA: number, betaB: number, energyA: number, energyB: number): number {
  const x = (betaA - betaB) * (energyA - energyB);
  return x >= 0 ? 1 : Math.exp(x);
}

export class TemperingState {
  /** Inverse temperature of each copy r (copies are rows of the spin matrices). */
  readonly beta: Float64Array;
  /** copyAt[set · n + t]: the copy at slot t of set `set`. */
  readonly copyAt: Int32Array;
  /** Swap attempts and acceptances per neighbouring pair (t, t+1), both sets together. */
  readonly attempts: Float64Array;
  readonly accepted: Float64Array;

  constructor(
    temperatures: readonly number[],
    readonly sets = 2,
  ) {
    const n = temperatures.length;
    this.beta = new Float64Array(sets * n);
    this.copyAt = new Int32Array(sets * n);
    for (let s = 0; s < sets; s++) {
      for (let t = 0; t < n; t++) {
        this.copyAt[s * n + t] = s * n + t;
        this.beta[s * n + t] = 1 / temperatures[t];
      }
    }
    this.attempts = new Float64Array(Math.max(0, n - 1));
    this.accepted = new Float64Array(Math.max(0, n - 1));
  }

  get slots(): number {
    return this.copyAt.length / this.sets;
  }

  /** Sets a new ladder (ascending T) in place: each slot's copy takes the slot's new temperature. */
  setTemperatures(temperatures: readonly number[]): void {
    const n = this.slots;
    for (let s = 0; s < this.sets; s++)
      for (let t = 0; t < n; t++) this.beta[this.copyAt[s * n + t]] = 1 / temperatures[t];
  }

  resetCounts(): void {
    this.attempts.fill(0);
    this.accepted.fill(0);
  }

  /** One pass of exchange attempts over the pairs (0,1), (1,2), … of every set; energy[r] of copy r. */
  attemptSwaps(energy: Float64Array, rng: Random): void {
    const n = this.slots;
    for (let s = 0; s < this.sets; s++) {
      for (let t = 0; t + 1 < n; t++) {
        const a = this.copyAt[s * n + t];
        const b = this.copyAt[s * n + t + 1];
        const p = swapProbability(this.beta[a], this.beta[b], energy[a], energy[b]);
        this.attempts[t]++;
        if (p >= 1 || (rng.nextUint32() + 0.5) * 2 ** -32 < p) {
          this.accepted[t]++;
          this.copyAt[s * n + t] = b;
          this.copyAt[s * n + t + 1] = a;
          const tmp = this.beta[a];
          this.beta[a] = this.beta[b];
          this.beta[b] = tmp;
        }
      }
    }
  }

  /** Acceptance per pair (NaN where nothing was attempted). */
  acceptance(): number[] {
    return Array.from(this.attempts, (n, t) => (n > 0 ? this.accepted[t] / n : NaN));
  }
}
