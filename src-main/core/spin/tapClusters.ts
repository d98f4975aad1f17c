/**
 * Grouping TAP solutions into clusters, and the order parameters of a solution (science.md §3).
 *
 * Two solutions a, b are the same state when |q_ab| = |m_a·m_b| / (‖m_a‖‖m_b‖) ≥ threshold: the
 * absolute value makes m and −m (the σ → −σ symmetry of H = −½σᵀJσ) one cluster, whose members
 * carry a sign relative to the representative. The paramagnet m ≈ 0 has no direction and is its
 * own cluster.
 */
import type { BondMatrix } from './bondMatrix.ts';

export interface ClusterOptions {
  /** |q_ab| at or above this joins a cluster (default 0.99). */
  threshold?: number;
  /** A solution with ‖m‖∞ below this is the paramagnet (default 1e-5). */
  paramagnetTolerance?: number;
}

export interface SolutionCluster {
  /** Indices into the list of solutions; the first is the representative. */
  members: number[];
  /** Per member, +1 if it is ≈ +m_rep and −1 if ≈ −m_rep (the representative's own sign is +1). */
  signs: number[];
  /** The paramagnet m ≈ 0. */
  paramagnet: boolean;
  /** The smallest |q| between the representative and a member (1 for a single member or the paramagnet). */
  minOverlap: number;
}

/** The signed overlap q_ab = a·b / (‖a‖‖b‖) (0 if either is zero). */
export function overlap(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Leader clustering: solutions are visited in `order` (e.g. by increasing free energy, so each
 * representative is its cluster's lowest-F member); each joins the first cluster whose
 * representative it overlaps with |q| ≥ threshold, or founds a new one. Clusters come back
 * largest first (ties: in order of foundation).
 */
export function clusterSolutions(
  solutions: readonly Float64Array[],
  opts: ClusterOptions & { order?: readonly number[] } = {},
): SolutionCluster[] {
  const threshold = opts.threshold ?? 0.99;
  const paraTol = opts.paramagnetTolerance ?? 1e-5;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError('cluster threshold must lie in (0, 1]');
  const order = opts.order ?? solutions.map((_, i) => i);
  const clusters: SolutionCluster[] = [];
  let para: SolutionCluster | null = null;
  for (const i of order) {
    const m = solutions[i];
    if (maxAbs(m) < paraTol) {
      if (!para) {
        para = { members: [], signs: [], paramagnet: true, minOverlap: 1 };
        clusters.push(para);
      }
      para.members.push(i);
      para.signs.push(1);
      continue;
    }
    let home: SolutionCluster | null = null;
    let q = 0;
    for (const c of clusters) {
      if (c.paramagnet) continue;
      q = overlap(solutions[c.members[0]], m);
      if (Math.abs(q) >= threshold) {
        home = c;
        break;
      }
    }
    if (home) {
      home.members.push(i);
      home.signs.push(q >= 0 ? 1 : -1);
      home.minOverlap = Math.min(home.minOverlap, Math.abs(q));
    } else clusters.push({ members: [i], signs: [1], paramagnet: false, minOverlap: 1 });
  }
  // Stable sort: largest first.
  return clusters
    .map((c, k) => ({ c, k }))
    .sort((a, b) => b.c.members.length - a.c.members.length || a.k - b.k)
    .map((x) => x.c);
}

/** Per-layer Edwards–Anderson-like order parameter q_k = mean_{i∈k} m_i², k = 0..L. */
export function layerOrder(bond: BondMatrix, m: Float64Array): number[] {
  return bond.widths.map((width, k) => {
    const o = bond.offsets[k];
    let s = 0;
    for (let i = 0; i < width; i++) s += m[o + i] * m[o + i];
    return s / width;
  });
}

/** |v·m| / (‖v‖‖m‖): how much of m lies along the mode v (up to sign). */
export function modeOverlap(v: Float64Array, m: Float64Array): number {
  return Math.abs(overlap(v, m));
}

function maxAbs(m: Float64Array): number {
  let x = 0;
  for (let i = 0; i < m.length; i++) x = Math.max(x, Math.abs(m[i]));
  return x;
}
