/**
 * The "New training run" form as plain data: the text of each field, its validation (one message
 * per field, written for the person typing) and the runs.create options it stands for. The backend
 * validates again (core/train/config.ts); this catches mistakes at the field, before a round trip.
 * Bounds follow core/train/config.ts.
 */
import { checkpointSteps, stepsPerEpoch } from '../../../src-main/core/train/schedule.ts';
import type { TrainOptions } from '../stores/runs.ts';

export const ACTIVATIONS = ['relu', 'tanh', 'sign'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;

export interface TrainForm {
  /** Layer widths, input first: "784-64-10". */
  arch: string;
  activation: (typeof ACTIVATIONS)[number];
  epochs: string;
  batchSize: string;
  /** Empty: the optimiser's default (SGD 0.01, Adam 0.001). */
  lr: string;
  optimizer: (typeof OPTIMIZERS)[number];
  seed: string;
  /** Log-spaced checkpoints after step 0. */
  checkpoints: string;
  /** Empty: all 60 000 training images. */
  trainLimit: string;
  /** Empty: all 10 000 test images. */
  testLimit: string;
}

export type TrainField = keyof TrainForm;
export type FieldErrors = Partial<Record<TrainField, string>>;

/** The defaults of `spinscope train` (science.md §4). */
export function defaultTrainForm(): TrainForm {
  return {
    arch: '784-512-512-512-10',
    activation: 'relu',
    epochs: '5',
    batchSize: '128',
    lr: '',
    optimizer: 'sgd',
    seed: '0',
    checkpoints: '60',
    trainLimit: '',
    testLimit: '',
  };
}

const MAX_WIDTH = 1 << 16;
const MAX_LAYERS = 64;

/** A whole number in [min, max], or an error message. */
function wholeNumber(text: string, min: number, max: number): number | string {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) return `a whole number from ${min} to ${max}`;
  return n;
}

/** "784-64-10" (also "784x64x10", "784, 64, 10") → widths, or an error message. */
export function parseArch(text: string): number[] | string {
  const t = text.trim();
  if (!t) return 'layer widths separated by "-", input first, e.g. 784-64-10';
  const parts = t.split(/\s*[-x,]\s*|\s+/);
  if (parts.some((p) => !/^\d+$/.test(p))) return 'only whole numbers separated by "-", e.g. 784-64-10';
  const widths = parts.map(Number);
  if (widths.length < 2) return 'at least two widths: the input and the output layer';
  if (widths.length > MAX_LAYERS) return `at most ${MAX_LAYERS} layers`;
  if (widths.some((w) => w < 1 || w > MAX_WIDTH)) return `every width from 1 to ${MAX_WIDTH}`;
  return widths;
}

export interface Validated {
  errors: FieldErrors;
  /** The runs.create options; null while any field is invalid. */
  options: TrainOptions | null;
}

export function validateTrainForm(form: TrainForm): Validated {
  const errors: FieldErrors = {};
  const field = <T>(name: TrainField, value: T | string): T | undefined => {
    if (typeof value === 'string') {
      errors[name] = value.charAt(0).toUpperCase() + value.slice(1) + '.';
      return undefined;
    }
    return value;
  };

  const arch = field<number[]>('arch', parseArch(form.arch));
  if (!ACTIVATIONS.includes(form.activation)) errors.activation = `Choose one of ${ACTIVATIONS.join(', ')}.`;
  if (!OPTIMIZERS.includes(form.optimizer)) errors.optimizer = `Choose one of ${OPTIMIZERS.join(', ')}.`;
  const epochs = field<number>('epochs', wholeNumber(form.epochs, 1, 10_000));
  const batchSize = field<number>('batchSize', wholeNumber(form.batchSize, 1, MAX_WIDTH));
  const seed = field<number>('seed', wholeNumber(form.seed, 0, 0xffffffff));
  const checkpoints = field<number>('checkpoints', wholeNumber(form.checkpoints, 1, 100_000));

  let lr: number | null = null;
  if (form.lr.trim()) {
    const n = /^[0-9.eE+-]+$/.test(form.lr.trim()) ? Number(form.lr) : NaN;
    if (Number.isFinite(n) && n > 0) lr = n;
    else errors.lr = 'A positive number, e.g. 0.01 (empty: 0.01 for SGD, 0.001 for Adam).';
  }

  const limit = (name: 'trainLimit' | 'testLimit', max: number): number | null | undefined =>
    form[name].trim() ? field<number>(name, wholeNumber(form[name], 1, max)) : null;
  const trainLimit = limit('trainLimit', 1_000_000_000);
  const testLimit = limit('testLimit', 1_000_000_000);
  if (typeof trainLimit === 'number' && batchSize !== undefined && trainLimit < batchSize) {
    errors.trainLimit = `At least one batch (${batchSize} examples).`;
  }

  if (Object.keys(errors).length > 0) return { errors, options: null };
  const options: TrainOptions = {
    arch: arch!,
    activation: form.activation,
    optimizer: form.optimizer,
    epochs: epochs!,
    batchSize: batchSize!,
    seed: seed!,
    checkpoints: checkpoints!,
    trainLimit: trainLimit ?? null,
    testLimit: testLimit ?? null,
    ...(lr !== null ? { lr } : {}),
  };
  return { errors, options };
}

// ── run time estimate ───────────────────────────────────────────────────────────────────────────

/** MNIST's training and test set sizes (the limits' defaults). */
export const MNIST_TRAIN_IMAGES = 60_000;
export const MNIST_TEST_IMAGES = 10_000;

/**
 * The measured reference (README, `npm run bench:train`): one epoch of 784-512-512-10 ReLU, batch
 * 128, SGD, one thread, took 2.43 s on the project's 2-core AMD EPYC.
 */
export const REFERENCE_EPOCH = { arch: [784, 512, 512, 10], images: MNIST_TRAIN_IMAGES, seconds: 2.43 };

/** Weights of a dense network with these widths: Σ_k n_k·n_{k+1} (biases are negligible). */
export function weightCount(arch: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k + 1 < arch.length; k++) sum += arch[k] * arch[k + 1];
  return sum;
}

/**
 * A training step costs ≈ 6 FLOPs per weight per example: 2 for the forward product, 4 for the
 * two backward products (gradient with respect to the activations and to the weights).
 */
export const TRAIN_FLOPS_PER_WEIGHT = 6;
/** Evaluating the test set is the forward product alone. */
export const EVAL_FLOPS_PER_WEIGHT = 2;

/** FLOP/s of the reference run: 6·(784·512 + 512·512 + 512·10)·60 000 / 2.43 s ≈ 99 GFLOP/s. */
export const REFERENCE_FLOPS_PER_SECOND =
  (TRAIN_FLOPS_PER_WEIGHT * weightCount(REFERENCE_EPOCH.arch) * REFERENCE_EPOCH.images) /
  REFERENCE_EPOCH.seconds;

export interface RunEstimate {
  /** Optimiser steps: ⌈images / batch⌉ per epoch (the last, partial batch is kept). */
  steps: number;
  /** Test-set evaluations: at step 0 and at each checkpoint. */
  evaluations: number;
  /** Seconds of training at the reference speed. */
  trainSeconds: number;
  /** Seconds of test-set evaluation at the reference speed. */
  evalSeconds: number;
  seconds: number;
}

/**
 * The run time of these options at the reference speed: steps × 6·weights·batch FLOPs, plus one
 * forward pass over the test images at step 0 and at each checkpoint (as many as there are steps,
 * at most: core/train/schedule.ts). An estimate: the real speed depends on the machine and, for
 * small layers or batches, on per-call overheads that FLOPs do not count.
 */
export function estimateRunTime(options: {
  arch: readonly number[];
  epochs: number;
  batchSize: number;
  checkpoints: number;
  trainLimit: number | null;
  testLimit: number | null;
}): RunEstimate {
  const weights = weightCount(options.arch);
  const images = Math.min(options.trainLimit ?? MNIST_TRAIN_IMAGES, MNIST_TRAIN_IMAGES);
  const testImages = Math.min(options.testLimit ?? MNIST_TEST_IMAGES, MNIST_TEST_IMAGES);
  const steps = stepsPerEpoch(images, options.batchSize) * options.epochs;
  const evaluations = checkpointSteps(steps, options.checkpoints).length;
  const trainSeconds =
    (steps * TRAIN_FLOPS_PER_WEIGHT * weights * options.batchSize) / REFERENCE_FLOPS_PER_SECOND;
  const evalSeconds =
    (evaluations * EVAL_FLOPS_PER_WEIGHT * weights * testImages) / REFERENCE_FLOPS_PER_SECOND;
  return { steps, evaluations, trainSeconds, evalSeconds, seconds: trainSeconds + evalSeconds };
}

/**
 * The estimate for the form as typed, once the fields it depends on are valid (the learning rate
 * is not one of them); null before.
 */
export function estimateTrainForm(form: TrainForm): RunEstimate | null {
  const { options } = validateTrainForm({ ...form, lr: '' });
  if (!options) return null;
  return estimateRunTime({
    arch: options.arch as number[],
    epochs: options.epochs as number,
    batchSize: options.batchSize as number,
    checkpoints: options.checkpoints as number,
    trainLimit: options.trainLimit as number | null,
    testLimit: options.testLimit as number | null,
  });
}
