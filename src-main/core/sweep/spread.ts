/**
 * A few checkpoints out of many, for analyses too costly to run at every checkpoint (the phase
 * diagram, spectra across training). Checkpoints are log-spaced in the step (science.md §4), so
 * picking them evenly by index keeps them evenly spaced on the log-step axis of the figures.
 */

/** `count` of `steps` (ascending), evenly spread by index, first and last included. */
export function spreadSteps(steps: readonly number[], count: number): number[] {
  if (steps.length <= count) return [...steps];
  if (count <= 1) return steps.slice(-1);
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(steps[Math.round((i * (steps.length - 1)) / (count - 1))]);
  return [...picked];
}
