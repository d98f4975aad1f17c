/**
 * Exact thermal averages of a small network's Ising model by summing over all 2^N configurations
 * (science.md §1: H = −Σ_k σ_{k−1}ᵀ W^(k) σ_k, every neuron a spin). The reference the Monte Carlo
 * is tested against; written from the dense bond matrix, independently of core/montecarlo.
 */
import type { Network } from '../../src-main/core/network/network.ts';
import { BondMatrix } from '../../src-main/core/spin/bondMatrix.ts';

export interface ExactAverages {
  T: number;
  /** ⟨E⟩/N. */
  energyPerSpin: number;
  /** β²(⟨E²⟩ − ⟨E⟩²)/N. */
  specificHeat: number;
  /** ⟨m²⟩ and ⟨|m|⟩ for m = v·σ/√N. */
  m2: number;
  mAbs: number;
  /** ⟨q²⟩ of two independent replicas: Σ_ij ⟨σ_iσ_j⟩² / N². */
  q2: number;
}

export function exactAverages(net: Network, direction: Float64Array, T: number): ExactAverages {
  const bond = BondMatrix.fromNetwork(net, 'js');
  const n = bond.size;
  if (n > 20) throw new RangeError(`exact enumeration of ${n} spins is too slow for a test`);
  const J = bond.toDense();
  const beta = 1 / T;
  const states = 1 << n;
  const energies = new Float64Array(states);
  let eMin = Infinity;
  const sigma = new Float64Array(n);
  for (let c = 0; c < states; c++) {
    for (let i = 0; i < n; i++) sigma[i] = (c >> i) & 1 ? 1 : -1;
    let e = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e -= J[i * n + j] * sigma[i] * sigma[j];
    energies[c] = e;
    eMin = Math.min(eMin, e);
  }
  let Z = 0;
  let e1 = 0;
  let e2 = 0;
  let m2 = 0;
  let mAbs = 0;
  const corr = new Float64Array(n * n);
  for (let c = 0; c < states; c++) {
    const w = Math.exp(-beta * (energies[c] - eMin));
    for (let i = 0; i < n; i++) sigma[i] = (c >> i) & 1 ? 1 : -1;
    let m = 0;
    for (let i = 0; i < n; i++) m += direction[i] * sigma[i];
    m /= Math.sqrt(n);
    Z += w;
    e1 += w * energies[c];
    e2 += w * energies[c] ** 2;
    m2 += w * m * m;
    mAbs += w * Math.abs(m);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) corr[i * n + j] += w * sigma[i] * sigma[j];
  }
  e1 /= Z;
  e2 /= Z;
  let q2 = 0;
  for (let k = 0; k < n * n; k++) q2 += (corr[k] / Z) ** 2;
  return {
    T,
    energyPerSpin: e1 / n,
    specificHeat: (beta * beta * (e2 - e1 * e1)) / n,
    m2: m2 / Z,
    mAbs: mAbs / Z,
    q2: q2 / (n * n),
  };
}

/** The Boltzmann distribution over the 2^N configurations (index bit i = spin i is +1). */
export function boltzmannWeights(net: Network, T: number): Float64Array {
  const bond = BondMatrix.fromNetwork(net, 'js');
  const n = bond.size;
  const J = bond.toDense();
  const p = new Float64Array(1 << n);
  let Z = 0;
  for (let c = 0; c < p.length; c++) {
    let e = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) e -= J[i * n + j] * ((c >> i) & 1 ? 1 : -1) * ((c >> j) & 1 ? 1 : -1);
    p[c] = Math.exp(-e / T);
    Z += p[c];
  }
  return p.map((w) => w / Z);
}
