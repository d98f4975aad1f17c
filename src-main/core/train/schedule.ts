/**
 * When to write checkpoints and how training steps map to epochs. A power law only shows on
 * log-log axes, so checkpoints are log-spaced: step 0, then `count` distinct steps in [1, total]
 * as close to geometric as integers allow, the last one being `total`.
 */

/**
 * The checkpoint steps: 0 and `count` log-spaced steps ending at `total` (all steps 0…total when
 * count ≥ total). Strictly increasing, unique, integer.
 */
export function checkpointSteps(total: number, count: number): number[] {
  if (!Number.isSafeInteger(total) || total < 1)
    throw new RangeError(`checkpointSteps: total ${total} must be ≥ 1`);
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`checkpointSteps: count ${count} must be ≥ 1`);
  const k = Math.min(count, total);
  const steps = [0];
  if (k === 1) return [0, total];
  // Geometric targets from 1 to total; where integers collide, move up by one step, but leave room
  // for the points still to come (point i may not exceed total − (k − 1 − i)).
  for (let i = 0; i < k; i++) {
    const target = Math.round(Math.exp((Math.log(total) * i) / (k - 1)));
    const lower = steps[steps.length - 1] + 1;
    const upper = total - (k - 1 - i);
    steps.push(Math.min(Math.max(target, lower), upper));
  }
  return steps;
}

/** Steps per epoch: the last, partial batch is kept (PyTorch's DataLoader default). */
export function stepsPerEpoch(examples: number, batchSize: number): number {
  return Math.ceil(examples / batchSize);
}

/** Batch `index` (0-based within its epoch): [start, end) positions in the epoch's permutation. */
export function batchRange(index: number, examples: number, batchSize: number): [number, number] {
  const start = index * batchSize;
  return [start, Math.min(examples, start + batchSize)];
}
