import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMnistDir, loadMnist, MnistError, type Dataset } from '../../../src-main/core/data/mnist.ts';
import { thrownBy } from '../../helpers/errors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'spinscope-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function stats(d: Dataset): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sum2 = 0;
  for (const v of d.images) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / d.images.length;
  return { min, max, mean, std: Math.sqrt(sum2 / d.images.length - mean * mean) };
}

function idxBytes(dims: number[], fill: (i: number) => number = (i) => i % 256): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, k) => new DataView(out.buffer).setUint32(4 + 4 * k, d, false));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = fill(i);
  return out;
}

function folder(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(dir, f), bytes);
  return dir;
}

const mnistError = (fn: () => unknown): MnistError => thrownBy(fn, MnistError);

describe('loadMnist', () => {
  it('loads the test split with pixels in [0, 1]', () => {
    const d = loadMnist('test');
    expect(d.count).toBe(10000);
    expect([d.rows, d.cols, d.features]).toEqual([28, 28, 784]);
    expect(d.images.length).toBe(10000 * 784);
    expect(d.labels.length).toBe(10000);
    expect(d.labels[0]).toBe(7);
    expect(d.source).toBe(join(defaultMnistDir(), 't10k-images-idx3-ubyte'));
    const s = stats(d);
    expect(s.min).toBe(0);
    expect(s.max).toBe(1);
    expect(s.mean).toBeCloseTo(0.1325, 3); // the known MNIST test-set mean
  });

  it("standardises the training images to mean ≈ 0, std ≈ 1 with 'standard'", () => {
    const d = loadMnist('train', { normalize: 'standard' });
    expect(d.count).toBe(60000);
    const s = stats(d);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.02);
    expect(s.min).toBeCloseTo(-0.1307 / 0.3081, 5);
    expect(s.max).toBeCloseTo((1 - 0.1307) / 0.3081, 5);
  });

  it('keeps only the first `limit` examples', () => {
    const all = loadMnist('test');
    const d = loadMnist('test', { limit: 25 });
    expect(d.count).toBe(25);
    expect(d.images).toEqual(all.images.subarray(0, 25 * 784));
    expect(Array.from(d.labels)).toEqual(Array.from(all.labels.subarray(0, 25)));
    expect(loadMnist('test', { limit: 1e6 }).count).toBe(10000);
    expect(mnistError(() => loadMnist('test', { limit: 0 })).message).toMatch(
      /limit must be a positive integer/,
    );
  });

  it('reads gzip-compressed copies and the Fashion-MNIST/Kaggle naming from a folder', () => {
    const src = defaultMnistDir();
    const dir = folder('kaggle', {
      't10k-images.idx3-ubyte': readFileSync(join(src, 't10k-images-idx3-ubyte')),
      't10k-labels.idx1-ubyte.gz': gzipSync(readFileSync(join(src, 't10k-labels-idx1-ubyte'))),
    });
    const d = loadMnist('test', { dir, limit: 100 });
    expect(d.source).toBe(join(dir, 't10k-images.idx3-ubyte'));
    expect(d.labels[0]).toBe(7);
    expect(d.images).toEqual(loadMnist('test', { limit: 100 }).images);
  });

  it('rejects image and label files with different counts', () => {
    const dir = folder('mismatch', {
      'train-images-idx3-ubyte': idxBytes([5, 4, 4]),
      'train-labels-idx1-ubyte': idxBytes([4], (i) => i),
    });
    expect(mnistError(() => loadMnist('train', { dir })).message).toMatch(
      /train-images-idx3-ubyte holds 5 images but .*train-labels-idx1-ubyte holds 4 labels/,
    );
  });

  it('rejects labels out of range unless told there are more classes', () => {
    const dir = folder('labels', {
      'train-images-idx3-ubyte': idxBytes([3, 2, 2]),
      'train-labels-idx1-ubyte': idxBytes([3], (i) => [1, 12, 3][i]),
    });
    expect(mnistError(() => loadMnist('train', { dir })).message).toMatch(
      /label 1 is 12, but only 10 classes \(0…9\) are expected/,
    );
    const d = loadMnist('train', { dir, classes: 26 });
    expect(Array.from(d.labels)).toEqual([1, 12, 3]);
    expect(d.features).toBe(4);
    expect(d.images[1]).toBeCloseTo(1 / 255, 7);
  });

  it('rejects swapped files and missing files, saying what it looked for', () => {
    const swapped = folder('swapped', {
      'train-images-idx3-ubyte': idxBytes([3]),
      'train-labels-idx1-ubyte': idxBytes([3, 2, 2]),
    });
    expect(mnistError(() => loadMnist('train', { dir: swapped })).message).toMatch(
      /has shape \[3\]; images must be idx3-ubyte \[count, rows, cols\] \(is it a labels file\?\)/,
    );
    const empty = folder('empty', {});
    expect(mnistError(() => loadMnist('test', { dir: empty })).message).toMatch(
      /no MNIST test images in .*empty: looked for t10k-images-idx3-ubyte, t10k-images-idx3-ubyte\.gz, t10k-images\.idx3-ubyte/,
    );
    expect(mnistError(() => loadMnist('test', { dir: join(tmp, 'missing') })).message).toMatch(
      /does not exist/,
    );
  });
});
