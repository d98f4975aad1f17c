/**
 * WeightWatcher-style spectral diagnostics of one weight matrix (science.md §6; Martin & Mahoney,
 * "Implicit self-regularization in deep neural networks", JMLR 22 (2021)).
 *
 * Convention (stated once, used everywhere here): the layer's weight, stored [in, out], is taken as
 * W of N × M with N ≥ M (transposed if in < out), and its empirical spectral density (ESD) is the M
 * eigenvalues of X = WᵀW / N — WeightWatcher's normalised ESD, the one its Marchenko–Pastur fit
 * uses. alpha, D, the spike counts and the stable rank do not depend on that 1/N; the norms are
 * given both as plain norms of W and in WeightWatcher's default (unnormalised, squared) units.
 */
import type { WeightArray } from '../network/network.ts';
import { symmetricEigen } from '../linalg/symmetricEigen.ts';
import { smallerGram } from './gram.ts';
import { fitMarchenkoPastur, type MpFit } from './marchenkoPastur.ts';
import { fitPowerLaw, type PowerLawFit, type PowerLawOptions } from './powerLaw.ts';

export interface LayerDiagnosticsOptions {
  powerLaw?: PowerLawOptions;
  /** Fit alpha only if the ESD has at least this many positive eigenvalues (default 20). */
  minEigenvalues?: number;
}

export interface LayerDiagnostics {
  /** k of W^(k): the weight between spin layers k − 1 and k (1-based). */
  layer: number;
  /** As stored: [in, out] = [N_{k−1}, N_k]. */
  shape: [number, number];
  /** W as N × M with N ≥ M, and q = M / N. */
  N: number;
  M: number;
  q: number;
  /** The ESD: eigenvalues of X = WᵀW / N, ascending (M of them). */
  eigenvalues: number[];
  /** Power-law fit of the ESD's tail (null if too few eigenvalues; see warnings). */
  powerLaw: PowerLawFit | null;
  /** Marchenko–Pastur bulk and spikes. */
  mp: MpFit;
  /** ‖W‖_F² / ‖W‖_2²: how many directions carry the weight (M for a flat spectrum, 1 for rank one). */
  stableRank: number;
  log10FrobeniusNorm: number;
  log10SpectralNorm: number;
  /** The same quantities as WeightWatcher's `analyze()` table, in its default unnormalised units. */
  weightwatcher: {
    /** log10 ‖W‖_F² (log_norm). */
    logNorm: number;
    /** log10 ‖W‖_2² = log10 σ_max² (log_spectral_norm). */
    logSpectralNorm: number;
    /** alpha · log10 σ_max² (alpha_weighted); null without alpha. */
    alphaWeighted: number | null;
    /** log10 Σ σ_i^(2·alpha) (log_alpha_norm); null without alpha. */
    logAlphaNorm: number | null;
  };
  warnings: string[];
}

/** The diagnostics of one weight W^(k), stored row-major [rows = in, cols = out]. */
export function weightDiagnostics(
  weight: WeightArray,
  rows: number,
  cols: number,
  layer: number,
  opts: LayerDiagnosticsOptions = {},
): LayerDiagnostics {
  const N = Math.max(rows, cols);
  const M = Math.min(rows, cols);
  const { gram } = smallerGram(weight, rows, cols);
  // Eigenvalues of the M × M Gram are σ_i²; round-off can leave tiny negatives.
  const squared = Array.from(symmetricEigen(gram, M, false).values, (v) => Math.max(v, 0));
  const eigenvalues = squared.map((v) => v / N);
  const warnings: string[] = [];
  const frob2 = squared.reduce((s, v) => s + v, 0);
  const spec2 = squared[M - 1];
  const minEigenvalues = opts.minEigenvalues ?? 20;
  const positive = eigenvalues.filter((v) => v > 0).length;
  let powerLaw: PowerLawFit | null = null;
  if (positive < minEigenvalues) {
    warnings.push(
      `layer ${layer}: ${positive} nonzero eigenvalues, fewer than ${minEigenvalues}: no power-law fit (alpha is meaningless on so few)`,
    );
  } else {
    powerLaw = fitPowerLaw(eigenvalues, opts.powerLaw);
    if (!powerLaw) warnings.push(`layer ${layer}: no power-law fit (the tail is too short or constant)`);
  }
  const alpha = powerLaw?.alpha ?? null;
  return {
    layer,
    shape: [rows, cols],
    N,
    M,
    q: M / N,
    eigenvalues,
    powerLaw,
    mp: fitMarchenkoPastur(eigenvalues, N, M),
    stableRank: spec2 > 0 ? frob2 / spec2 : 0,
    log10FrobeniusNorm: Math.log10(frob2) / 2,
    log10SpectralNorm: Math.log10(spec2) / 2,
    weightwatcher: {
      logNorm: Math.log10(frob2),
      logSpectralNorm: Math.log10(spec2),
      alphaWeighted: alpha === null ? null : alpha * Math.log10(spec2),
      logAlphaNorm: alpha === null ? null : Math.log10(squared.reduce((s, v) => s + v ** alpha, 0)),
    },
    warnings,
  };
}

/** The diagnostics of every weight matrix of a layer chain (blocks as in BondMatrix: [N_{k−1}, N_k]). */
export function layerDiagnostics(
  blocks: readonly { weight: WeightArray; rows: number; cols: number }[],
  opts: LayerDiagnosticsOptions = {},
): LayerDiagnostics[] {
  return blocks.map((b, i) => weightDiagnostics(b.weight, b.rows, b.cols, i + 1, opts));
}
