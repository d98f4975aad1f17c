/**
 * The New training run form's rules (forms/trainForm.ts) and the workbench's number formats: what
 * a field accepts, the message it shows, and the runs.create options it becomes.
 */
import { describe, expect, it } from 'vitest';
import { contract } from '../../src-main/api/contract.ts';
import { eta, percent } from '../../src-renderer/src/format.ts';
import { defaultTrainForm, parseArch, validateTrainForm } from '../../src-renderer/src/forms/trainForm.ts';

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
