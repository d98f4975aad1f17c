/**
 * The analysis options that change a sweep's results, apart from the cache (cache.ts) that keys
 * on them, so that code without a filesystem (the renderer's cluster export, slurmScript.ts) can
 * name them.
 */

/** The analysis options that change a result (as the `analyze` job kind takes them). */
export interface AnalysisSettings {
  /** Lowest temperature T of the scan; null: the analysis default, T_replica/4. */
  tMin: number | null;
  /** Ordered if min λ_min < −epsilon. */
  epsilon: number;
  /** How many of the largest eigenvalues of J. */
  spectrumCount: number;
}

export const DEFAULT_SETTINGS: AnalysisSettings = { tMin: null, epsilon: 0, spectrumCount: 10 };
