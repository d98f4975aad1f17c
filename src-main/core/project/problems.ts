/**
 * How the project folder reports trouble. Two kinds:
 *  - ProjectError: the operation cannot go on (no manifest, a newer schema, a run that is still
 *    training). Its message names the path and says what to do; nothing was changed.
 *  - Problem: one damaged part of a project that otherwise opens fine (a corrupt run.json, a
 *    checkpoint file logged but missing). Listed next to the healthy parts, never thrown, so one bad
 *    file never hides the rest of the user's data.
 */

export class ProjectError extends Error {
  override name = 'ProjectError';
  /** The file or folder the message is about. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

export interface Problem {
  /** Absolute path of the damaged file or folder. */
  path: string;
  /** What is wrong, naming the path. */
  message: string;
  /** What the user can do about it. */
  action: string;
}

/** The message of any thrown value, for a Problem or a wrapped error. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
