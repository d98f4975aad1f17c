/**
 * Why a worker ended without reporting a result, in words a user can act on. The facts are the
 * exit code, the signal, what the process wrote to stderr, whether it ever spoke, and (from hosts
 * that know, like Electron's child-process-gone) a reason hint.
 */

/** A host's own reading of an exit, when it has one (Electron reports 'crashed', 'oom', 'killed'). */
export type ExitHint = 'crashed' | 'oom' | 'killed';

export type ExitFailureCode = 'crashed' | 'out-of-memory' | 'killed' | 'exited' | 'launch-failed';

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  /** The end of the worker's stderr. */
  stderr: string;
  /** Whether any message came from the worker (it got as far as running the worker code). */
  spoke: boolean;
  hint?: ExitHint;
}

/**
 * What V8 and native allocators print when memory runs out, e.g.
 * "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory".
 */
const OUT_OF_MEMORY =
  /JavaScript heap out of memory|Reached heap limit|process out of memory|Zone Allocation failed|FatalProcessOutOfMemory|std::bad_alloc/i;

/** Signals a process receives when it faults or aborts by itself, rather than being stopped by someone. */
const CRASH_SIGNALS = new Set(['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS']);

export function describeExit(facts: ExitFacts): { code: ExitFailureCode; message: string } {
  const { code, signal } = facts;
  const how = signal ?? `exit code ${code}`;
  if (facts.hint === 'oom' || OUT_OF_MEMORY.test(facts.stderr)) {
    return { code: 'out-of-memory', message: 'the worker ran out of memory' };
  }
  if (facts.hint === 'crashed' || (signal !== null && CRASH_SIGNALS.has(signal))) {
    return { code: 'crashed', message: `the worker crashed (${how})` };
  }
  if (!facts.spoke) {
    return {
      code: 'launch-failed',
      message: `the worker failed to start (${how}); its last output is in the log`,
    };
  }
  if (signal === 'SIGKILL') {
    return {
      code: 'killed',
      message:
        'the worker was killed (SIGKILL) by another process or by the system (often when memory runs out)',
    };
  }
  if (facts.hint === 'killed' || signal !== null)
    return { code: 'killed', message: `the worker was stopped (${how})` };
  if (code !== 0)
    return { code: 'exited', message: `the worker exited with code ${code} before finishing its job` };
  return { code: 'exited', message: 'the worker exited without reporting a result' };
}
