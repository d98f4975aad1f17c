/**
 * The job interface (architecture.md, contract 2) as seen by core code: a job is a plain async
 * function that takes its parameters and a context, reports progress and log lines through it,
 * stops with a CancelledError when the signal is aborted, and returns its result.
 */
export interface JobProgress {
  /** 0…1. */
  fraction: number;
  message: string;
  /** Estimated seconds to completion; null while unknown. */
  etaSeconds: number | null;
}

export interface JobContext {
  signal?: AbortSignal;
  progress?(p: JobProgress): void;
  log?(line: string): void;
}

/**
 * ETA from the rate so far, once enough work is done to trust it (≥ 2% and ≥ 1 s): null before.
 * `fraction` is the fraction done since `started` (performance.now() milliseconds).
 */
export function estimateEta(fraction: number, started: number, now = performance.now()): number | null {
  const elapsed = (now - started) / 1000;
  if (fraction <= 0.02 || elapsed < 1) return null;
  return Math.max(0, (elapsed * (1 - fraction)) / fraction);
}
