/**
 * The resume point of a run (state.npz): every carried tensor of the training step under its own
 * name (w1, w1.m, …), the optimiser step count, and the running sums of the current logging
 * interval — everything that, with the config, determines the rest of the run bit for bit.
 * The data order is not stored: it is a function of (seed, epoch) (data.ts).
 */
import { existsSync } from 'node:fs';
import { readNpzFile, writeNpzFile } from '../project/arrayFiles.ts';
import type { NpyArray } from '../project/npy.ts';
import type { FloatArray } from './data.ts';
import type { CarriedTensor } from './graph.ts';
import { RunError } from './runFolder.ts';

export interface IntervalSums {
  /** Σ batch-mean loss × batch size. */
  loss: number;
  correct: number;
  examples: number;
  steps: number;
}

export interface TrainState {
  step: number;
  optimizerSteps: number;
  interval: IntervalSums;
  tensors: Map<string, FloatArray>;
}

export function emptyInterval(): IntervalSums {
  return { loss: 0, correct: 0, examples: 0, steps: 0 };
}

export function saveState(file: string, state: TrainState, layout: readonly CarriedTensor[]): void {
  const arrays: Record<string, NpyArray> = {
    step: { data: new Float64Array([state.step]), shape: [] },
    optimizer_steps: { data: new Float64Array([state.optimizerSteps]), shape: [] },
    interval: {
      data: new Float64Array([
        state.interval.loss,
        state.interval.correct,
        state.interval.examples,
        state.interval.steps,
      ]),
      shape: [4],
    },
  };
  for (const t of layout) arrays[t.name] = { data: state.tensors.get(t.name)!, shape: t.shape };
  writeNpzFile(file, arrays);
}

/** Reads a resume point, checking it against the run's tensor layout and precision. Null if none. */
export function loadState(
  file: string,
  layout: readonly CarriedTensor[],
  precision: 'float32' | 'float64',
): TrainState | null {
  if (!existsSync(file)) return null;
  const arrays = readNpzFile(file);
  const scalar = (name: string): number => {
    const a = arrays[name];
    if (!a || a.data.length !== 1 || !(a.data instanceof Float64Array)) {
      throw new RunError(
        `${file}: '${name}' is missing or not a float64 scalar; the resume state is damaged`,
      );
    }
    return a.data[0];
  };
  const step = scalar('step');
  const optimizerSteps = scalar('optimizer_steps');
  const iv = arrays.interval;
  if (!iv || !(iv.data instanceof Float64Array) || iv.data.length !== 4) {
    throw new RunError(`${file}: 'interval' is missing or malformed; the resume state is damaged`);
  }
  const tensors = new Map<string, FloatArray>();
  const want = precision === 'float64' ? Float64Array : Float32Array;
  for (const t of layout) {
    const a = arrays[t.name];
    if (!a)
      throw new RunError(
        `${file}: the tensor '${t.name}' is missing; the state does not belong to this run's config`,
      );
    if (!(a.data instanceof want) || a.shape.join(',') !== t.shape.join(',')) {
      throw new RunError(
        `${file}: '${t.name}' is ${a.dtype} [${a.shape}], expected ${precision} [${t.shape}]`,
      );
    }
    tensors.set(t.name, a.data);
  }
  if (!Number.isSafeInteger(step) || step < 0)
    throw new RunError(`${file}: step ${step} is not a valid step`);
  return {
    step,
    optimizerSteps,
    interval: { loss: iv.data[0], correct: iv.data[1], examples: iv.data[2], steps: iv.data[3] },
    tensors,
  };
}
