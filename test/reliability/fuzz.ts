/**
 * The loop every fuzz target of the reliability suite shares: run each input, bound its time and
 * the heap, and sort the ending into the outcome table (outcomes.ts). A target supplies how to tell
 * a clear error (its domain's error class, naming the input) and, optionally, a valid result.
 */
import { performance } from 'node:perf_hooks';
import type { Tally } from './outcomes.ts';

export interface FuzzInput {
  /** Enough to rebuild the input: the seed and the mutation. */
  desc: string;
  run: () => unknown;
}

export interface FuzzOptions {
  /** Per-input wall-clock bound; slower inputs count as hangs. */
  timeBoundMs: number;
  /** Heap growth over the start of the loop allowed (checked every 100 inputs). */
  heapBoundBytes?: number;
  /** null when `e` is a clear error; otherwise why it is not. */
  clearError: (e: unknown) => string | null;
  /**
   * null when a result is valid; CLEAR_ERROR when the result is itself a clear error (an API error
   * answer); otherwise why it is neither (default: any result is valid).
   */
  validResult?: (result: unknown) => string | null | typeof CLEAR_ERROR;
}

// Not SyntaxError: JSON.parse's report of a damaged file is the right cause of a "file is corrupt" error.
/** What validResult returns for a result that reports a clear error (see FuzzOptions). */
export const CLEAR_ERROR = Symbol('clear error');

const INTERNAL = new Set(['TypeError', 'RangeError', 'ReferenceError', 'InternalError', 'Error']);

/**
 * The common rules for a clear error: one of `classes`, a message that names `source` and says
 * something, and not a wrapper around an internal JavaScript error.
 */
export function clearErrorOf(
  classes: readonly (abstract new (...args: never[]) => Error)[],
  source: string | ((e: Error) => boolean),
): (e: unknown) => string | null {
  return (e) => {
    if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
    if (!classes.some((c) => e instanceof c)) return `uncaught ${e.name}: ${e.message}`;
    const msg = e.message;
    const names = typeof source === 'string' ? msg.includes(source) : source(e);
    if (!names) return `${e.name} does not name the input: ${msg}`;
    if (msg.replace(/\s+/g, ' ').trim().length < 20) return `${e.name} says too little: ${msg}`;
    if (msg.includes('[object Object]')) return `${e.name} prints an object: ${msg}`;
    const cause = e.cause;
    if (cause instanceof Error && INTERNAL.has(cause.name) && !(cause as NodeJS.ErrnoException).code) {
      return `${e.name} wraps an internal ${cause.name} (${cause.message}): ${msg}`;
    }
    return null;
  };
}

/** Runs every input; adds each outcome to `tally`. Returns the slowest input and the heap growth. */
export async function runFuzz(
  tally: Tally,
  inputs: Iterable<FuzzInput>,
  opts: FuzzOptions,
): Promise<{ slowestMs: number; slowest: string; maxHeapGrowthMB: number }> {
  const heap0 = process.memoryUsage().heapUsed;
  const bound = opts.heapBoundBytes ?? 512 * 2 ** 20;
  let slowestMs = 0;
  let slowest = '';
  let maxHeap = 0;
  let i = 0;
  for (const input of inputs) {
    const t0 = performance.now();
    let outcome: 'valid' | 'clearError' | 'crash';
    let why: string | null;
    try {
      let result = input.run();
      if (result instanceof Promise) result = await result;
      const verdict = opts.validResult?.(result) ?? null;
      why = typeof verdict === 'string' ? verdict : null;
      outcome = verdict === CLEAR_ERROR ? 'clearError' : verdict === null ? 'valid' : 'crash';
    } catch (e) {
      why = opts.clearError(e);
      outcome = why === null ? 'clearError' : 'crash';
    }
    const ms = performance.now() - t0;
    if (ms > slowestMs) [slowestMs, slowest] = [ms, input.desc];
    if (ms > opts.timeBoundMs) {
      tally.add('hang', `${input.desc}: took ${ms.toFixed(0)} ms (bound ${opts.timeBoundMs} ms)`);
    } else {
      tally.add(outcome, `${input.desc}: ${why}`);
    }
    if (++i % 100 === 0) {
      const growth = process.memoryUsage().heapUsed - heap0;
      maxHeap = Math.max(maxHeap, growth);
      if (growth > bound)
        tally.add('hang', `${input.desc}: heap grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
    }
  }
  return { slowestMs, slowest, maxHeapGrowthMB: maxHeap / 2 ** 20 };
}
