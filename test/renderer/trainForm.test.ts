/**
 * The New training run form's rules (forms/trainForm.ts) and the workbench's number formats: what
 * a field accepts, the message it shows, and the runs.create options it becomes.
 */
import { describe, expect, it } from 'vitest';
import { contract } from '../../src-main/api/contract.ts';
import { eta, percent } from '../../src-renderer/src/format.ts';
import {
  defaultTrainForm,
  estimateRunTime,
  estimateTrainForm,
  parseArch,
  REFERENCE_FLOPS_PER_SECOND,
  validateTrainForm,
} from '../../src-renderer/src/forms/trainForm.ts';

describe('train form', () => {
  it('accepts the defaults of spinscope train, leaving the learning rate to the optimiser', () => {
    const { errors, options } = validateTrainForm(defaultTrainForm());
    expect(errors).toEqual({});
    expect(options).toEqual({
      arch: [784, 512, 512, 512, 10],
      activation: 'relu',
      optimizer: 'sgd',
      epochs: 5,
      batchSize: 128,
      seed: 0,
      checkpoints: 60,
      trainLimit: null,
      testLimit: null,
    });
    // What the form sends passes the contract's schema for runs.create.
    expect(contract['runs.create'].args.safeParse({ config: options }).success).toBe(true);
  });

  it('reads architectures written with -, x or commas, input first', () => {
    expect(parseArch('784-64-10')).toEqual([784, 64, 10]);
    expect(parseArch(' 784 x 64 x 10 ')).toEqual([784, 64, 10]);
    expect(parseArch('784, 64, 10')).toEqual([784, 64, 10]);
    expect(parseArch('784')).toMatch(/at least two widths/);
    expect(parseArch('784-0-10')).toMatch(/every width from 1 to 65536/);
    expect(parseArch('784-64.5-10')).toMatch(/only whole numbers/);
    expect(parseArch('')).toMatch(/e\.g\. 784-64-10/);
  });

  it('names each bad field once and gives no options', () => {
    const form = { ...defaultTrainForm(), epochs: '', batchSize: '70000', lr: '1e', testLimit: '-5' };
    const { errors, options } = validateTrainForm(form);
    expect(options).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'epochs', 'lr', 'testLimit']);
    expect(errors.batchSize).toBe('A whole number from 1 to 65536.');
  });

  it('accepts a learning rate in exponent notation', () => {
    expect(validateTrainForm({ ...defaultTrainForm(), lr: '3e-4' }).options?.lr).toBe(3e-4);
  });
});

describe('run time estimate', () => {
  // The reference (README, bench:train): 784-512-512-10 ReLU, batch 128, 60 000 images, 2.43 s.
  const referenceWeights = 784 * 512 + 512 * 512 + 512 * 10; // 668 672

  it('derives the reference speed from the measured epoch: 6 FLOPs per weight per example', () => {
    expect(REFERENCE_FLOPS_PER_SECOND).toBeCloseTo((6 * 668_672 * 60_000) / 2.43, 0);
    expect(REFERENCE_FLOPS_PER_SECOND / 1e9).toBeCloseTo(99.06, 2);
  });

  it('gives back the measured epoch for the reference network (one checkpoint, no test set to speak of)', () => {
    const e = estimateRunTime({
      arch: [784, 512, 512, 10],
      epochs: 1,
      batchSize: 128,
      checkpoints: 1,
      trainLimit: null,
      testLimit: 1,
    });
    // ⌈60 000 / 128⌉ = 469 steps of 128 images: 60 032 images, 32 more than the measured epoch.
    expect(e.steps).toBe(469);
    expect(e.trainSeconds).toBeCloseTo((2.43 * 469 * 128) / 60_000, 10);
  });

  it('scales the defaults by weights, images and evaluations, as by hand', () => {
    const e = estimateTrainForm(defaultTrainForm())!;
    const weights = 784 * 512 + 2 * 512 * 512 + 512 * 10; // 930 816
    // 5 epochs of ⌈60 000/128⌉ = 469 steps; step 0 and 60 checkpoints evaluate 10 000 test images.
    expect(e.steps).toBe(2345);
    expect(e.evaluations).toBe(61);
    const perEpoch = 2.43 * (weights / referenceWeights) * ((469 * 128) / 60_000);
    expect(e.trainSeconds).toBeCloseTo(5 * perEpoch, 9);
    // A forward pass is a third of a training step's 6 FLOPs per weight and example.
    const perEvaluation = 2.43 * (weights / referenceWeights) * (10_000 / 60_000) * (2 / 6);
    expect(e.evalSeconds).toBeCloseTo(61 * perEvaluation, 9);
    expect(e.seconds).toBeCloseTo(16.92 + 11.46, 1);
  });

  it('counts no more evaluations than steps, and the partial last batch as a step', () => {
    const e = estimateRunTime({
      arch: [784, 64, 10],
      epochs: 2,
      batchSize: 300,
      checkpoints: 60,
      trainLimit: 1000,
      testLimit: 500,
    });
    // ⌈1000/300⌉ = 4 steps per epoch; 8 steps, so 8 checkpoints + step 0.
    expect(e.steps).toBe(8);
    expect(e.evaluations).toBe(9);
    const w = 784 * 64 + 64 * 10;
    expect(e.trainSeconds).toBeCloseTo((8 * 6 * w * 300) / ((6 * referenceWeights * 60_000) / 2.43), 12);
    expect(e.evalSeconds).toBeCloseTo((9 * 2 * w * 500) / ((6 * referenceWeights * 60_000) / 2.43), 12);
  });
});

describe('formats', () => {
  it('shows the time left in s, min and h', () => {
    expect(eta(4.4)).toBe('4 s');
    expect(eta(125)).toBe('2 min 05 s');
    expect(eta(7800)).toBe('2 h 10 min');
    expect(eta(null)).toBe('—');
  });

  it('shows accuracies as percentages and unknown ones as a dash', () => {
    expect(percent(0.97312)).toBe('97.31 %');
    expect(percent(null)).toBe('—');
  });
});
