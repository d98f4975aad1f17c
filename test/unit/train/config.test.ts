import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, parseArch, resolveConfig } from '../../../src-main/core/train/config.ts';
import { thrownBy } from '../../helpers/errors.ts';

describe('training config', () => {
  it('defaults are science.md §4: 784-512-512-512-10, no biases, kaiming, CE, SGD momentum 0.9, batch 128, 60 checkpoints', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({
      arch: [784, 512, 512, 512, 10],
      bias: false,
      init: 'kaiming',
      loss: 'ce',
      optimizer: 'sgd',
      momentum: 0.9,
      batchSize: 128,
      checkpoints: 60,
      lr: 0.01,
    });
    expect(resolveConfig({ optimizer: 'adam' }).lr).toBe(0.001);
    expect(Object.keys(c).sort()).toEqual([...Object.keys(DEFAULTS), 'lr'].sort());
  });

  it('parses architectures', () => {
    expect(parseArch('784-512-10')).toEqual([784, 512, 10]);
    expect(parseArch('784x64x10')).toEqual([784, 64, 10]);
    expect(resolveConfig({ arch: '784-32-10' }).arch).toEqual([784, 32, 10]);
    for (const bad of ['784', '784--10', '784-0-10', 'a-b', '784-1.5-10'])
      expect(() => parseArch(bad)).toThrow(ConfigError);
  });

  it('names every bad field, and unknown keys', () => {
    const e = thrownBy(
      () => resolveConfig({ lr: -1, activation: 'gelu', batchSize: 0, learningRate: 3 }, 'run.cfg'),
      ConfigError,
    );
    expect(e.message).toMatch(/^run\.cfg: /);
    expect(e.message).toMatch(/lr/);
    expect(e.message).toMatch(/activation/);
    expect(e.message).toMatch(/batchSize/);
    expect(e.message).toMatch(/unknown option\(s\) learningRate/);
  });

  it('a training subset smaller than one batch is an error', () => {
    expect(() => resolveConfig({ trainLimit: 100, batchSize: 128 })).toThrow(/smaller than one batch/);
  });
});
