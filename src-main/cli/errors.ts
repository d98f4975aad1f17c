/** Errors the CLI reports as one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Error classes whose messages are written for users (they name the file and what to do). */
const USER_ERRORS = new Set([
  'OnnxError',
  'NetworkError',
  'IdxError',
  'MnistError',
  'UsageError',
  'CancelledError',
  'ConfigError',
  'ProjectError',
  'ProjectLockedError',
  'SweepError',
  'FitWindowError',
  'RunError',
  'NpyError',
  'NpzError',
  'ZipError',
  'AtomicWriteError',
  'TrainEngineError',
  'EvaluationError',
  'MonteCarloError',
  'FigureSpecError',
  'FigureDataError',
  'FigureStyleError',
  'FigureNameError',
  'FontError',
  'ReproduceError',
]);

export function userMessage(e: unknown): string {
  if (e instanceof Error) {
    if (USER_ERRORS.has(e.name)) return e.message;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return e.message;
    return `${e.message} (unexpected error: run again with --debug for details and please report it)`;
  }
  return String(e);
}
