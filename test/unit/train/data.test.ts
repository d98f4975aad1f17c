import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-main/core/data/mnist.ts';
import { BatchBuffer, epochOrder } from '../../../src-main/core/train/data.ts';

describe('training data order', () => {
  it('each epoch is a permutation, reproducible from (seed, epoch), different across epochs and seeds', () => {
    const a = epochOrder(7, 0, 1000);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect(epochOrder(7, 0, 1000)).toEqual(a);
    const b = epochOrder(7, 1, 1000);
    const c = epochOrder(8, 0, 1000);
    const same = (p: Uint32Array, q: Uint32Array): number => p.filter((v, i) => v === q[i]).length;
    // A random permutation has ~1 fixed point relative to another one.
    expect(same(a, b)).toBeLessThan(10);
    expect(same(a, c)).toBeLessThan(10);
  });

  it('is uniform: each example visits each position equally often across epochs', () => {
    const n = 5;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const epochs = 5000;
    for (let e = 0; e < epochs; e++) epochOrder(3, e, n).forEach((v, pos) => counts[v][pos]++);
    for (const row of counts)
      for (const c of row) expect(Math.abs(c - epochs / n)).toBeLessThan(5 * Math.sqrt(epochs / n));
  });
});

describe('BatchBuffer', () => {
  const data: Dataset = {
    images: Float32Array.from({ length: 6 * 4 }, (_, i) => i),
    labels: Uint8Array.from([0, 1, 2, 0, 1, 2]),
    count: 6,
    rows: 2,
    cols: 2,
    features: 4,
    source: 'test',
  };

  it('gathers rows in the given order and one-hot labels, clearing the previous batch', () => {
    const buf = new BatchBuffer(4, 4, 3, 'float32');
    expect(buf.fill(data, Uint32Array.from([5, 0, 3, 1, 2, 4]), 0, 3)).toBe(3);
    let v = buf.views(3);
    expect([...v.x]).toEqual([20, 21, 22, 23, 0, 1, 2, 3, 12, 13, 14, 15]);
    expect([...v.y]).toEqual([0, 0, 1, 1, 0, 0, 1, 0, 0]);
    buf.fill(data, null, 4, 6);
    v = buf.views(2);
    expect([...v.x]).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect([...v.y]).toEqual([0, 1, 0, 0, 0, 1]);
    expect(() => buf.fill(data, null, 0, 5)).toThrow(RangeError);
  });

  it('float64 buffers for the float64 graph', () => {
    const buf = new BatchBuffer(2, 4, 3, 'float64');
    buf.fill(data, null, 0, 2);
    expect(buf.views(2).x).toBeInstanceOf(Float64Array);
  });
});
