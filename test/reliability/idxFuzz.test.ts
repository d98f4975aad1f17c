/**
 * IDX data files (core/data/idx.ts through loadMnist, as `spinscope train --data DIR` reads them)
 * under mutation: the real MNIST files cut down to a few images, plain and gzip-compressed, each
 * mutated by test/helpers/mutate.ts, plus hostile headers. Every input must load as a consistent
 * data set or fail with an IdxError/MnistError naming the file, within a time bound, and a header
 * that declares 10^12 values must fail without allocating them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IdxError, parseIdx } from '../../src-main/core/data/idx.ts';
import { defaultMnistDir, loadMnist, MnistError, type Dataset } from '../../src-main/core/data/mnist.ts';
import { mutate } from '../helpers/mutate.ts';
import { clearErrorOf, runFuzz, type FuzzInput } from './fuzz.ts';
import { Tally } from './outcomes.ts';

const INPUTS = 3000;
const SEED = 90_001;
const tmp = mkdtempSync(join(tmpdir(), 'spinscope-idxfuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The first `n` records of a real MNIST IDX file, with its header's count rewritten to n. */
function headOf(file: string, n: number, recordBytes: number, headerBytes: number): Uint8Array {
  const bytes = readFileSync(join(defaultMnistDir(), file));
  const out = new Uint8Array(bytes.subarray(0, headerBytes + n * recordBytes));
  new DataView(out.buffer).setUint32(4, n, false);
  return out;
}

function idxHeader(dims: number[], dataBytes = 0): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + dataBytes);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, k) => new DataView(out.buffer).setUint32(4 + 4 * k, d, false));
  return out;
}

const images = headOf('train-images-idx3-ubyte', 40, 784, 16);
const labels = headOf('train-labels-idx1-ubyte', 40, 1, 8);
/** Seeds: [file name, bytes]; the other file of the pair stays the valid one. */
const seeds: [string, Uint8Array][] = [
  ['train-images-idx3-ubyte', images],
  ['train-labels-idx1-ubyte', labels],
  ['train-images-idx3-ubyte.gz', gzipSync(images)],
  ['train-labels-idx1-ubyte.gz', gzipSync(labels)],
];

function validDataset(r: unknown): string | null {
  const d = r as Dataset;
  if (d.features !== d.rows * d.cols) return `features ${d.features} ≠ ${d.rows}×${d.cols}`;
  if (d.images.length !== d.count * d.features) return `${d.images.length} pixels for ${d.count} images`;
  if (d.labels.length !== d.count) return `${d.labels.length} labels for ${d.count} images`;
  if (!d.labels.every((l) => l < 10)) return 'a label ≥ 10';
  if (!d.images.every((x) => x >= 0 && x <= 1)) return 'a pixel outside [0, 1]';
  return null;
}

/** One data folder per seed: the mutated file beside its valid partner. */
function* inputs(): Generator<FuzzInput> {
  for (let i = 0; i < INPUTS; i++) {
    const s = i % seeds.length;
    const [name, bytes] = seeds[s]!;
    const seed = SEED + i;
    const m = mutate(
      bytes,
      seed,
      seeds.map((x) => x[1]),
    );
    const dir = join(tmp, `d${s}`);
    yield {
      desc: `${name} seed ${seed}: ${m.desc}`,
      run: () => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const partner = name.includes('images') ? 'train-labels-idx1-ubyte' : 'train-images-idx3-ubyte';
        writeFileSync(join(dir, partner), name.includes('images') ? labels : images);
        writeFileSync(join(dir, name), m.bytes);
        return loadMnist('train', { dir });
      },
    };
  }
}

describe('IDX files under mutation', () => {
  it(`${INPUTS} mutated MNIST files each load as a consistent data set or fail with an error naming the file`, async () => {
    const tally = new Tally('IDX data files (mutation)', 'inputs');
    const clear = clearErrorOf([IdxError, MnistError], (e) => e.message.includes(tmp));
    const stats = await runFuzz(tally, inputs(), {
      timeBoundMs: 2000,
      clearError: clear,
      validResult: validDataset,
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    console.log(
      `IDX fuzz: ${tally.row.tried} inputs, ${tally.row.counts.valid} valid, ${tally.row.counts.clearError} clear errors; ` +
        `slowest ${stats.slowestMs.toFixed(1)} ms (${stats.slowest}); heap growth ≤ ${stats.maxHeapGrowthMB.toFixed(0)} MB`,
    );
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.row.counts.valid).toBeGreaterThan(0);
    expect(tally.row.counts.clearError).toBeGreaterThan(INPUTS / 4);
  });

  it('headers declaring absurd sizes fail fast, before anything of that size is allocated', () => {
    const tally = new Tally('IDX hostile headers', 'inputs');
    const hostile: [string, Uint8Array, RegExp][] = [
      ['10^12 values', idxHeader([1_000_000, 1000, 1000], 64), /more than an IDX file can hold/],
      ['2^32−1 × 2^32−1', idxHeader([0xffffffff, 0xffffffff]), /implausibly large/],
      ['rank 4 of 2^31−1', idxHeader([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff]), /more than an IDX/],
      ['gzip of 10^12 values', gzipSync(idxHeader([1_000_000, 1000, 1000], 4096)), /more than an IDX file/],
      // 64 MiB of data behind a header that declares 10 bytes: a small "gzip bomb" (~64 KB).
      [
        'gzip bomb, 10 declared',
        gzipSync(idxHeader([10], 64 << 20)),
        /decompresses to more than the \d+ bytes/,
      ],
      ['gzip bomb, bad magic', gzipSync(new Uint8Array(64 << 20).fill(1)), /not an IDX file/],
      ['gzip twice', gzipSync(gzipSync(idxHeader([10], 10))), /compressed twice/],
    ];
    for (const [what, bytes, expected] of hostile) {
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      let err: unknown = null;
      try {
        parseIdx(bytes, `${what}.idx`);
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t0;
      const grew = process.memoryUsage().arrayBuffers - before;
      const why = clearErrorOf([IdxError], `${what}.idx`)(err);
      if (err === null) tally.add('crash', `${what}: accepted`);
      else if (why) tally.add('crash', `${what}: ${why}`);
      else if (!expected.test((err as Error).message))
        tally.add('crash', `${what}: ${(err as Error).message}`);
      else if (ms > 500 || grew > 16 << 20)
        tally.add('hang', `${what}: ${ms.toFixed(0)} ms, ${grew >> 20} MB`);
      else tally.add('clearError');
    }
    tally.save();
    expect(tally.failures).toEqual([]);
  });
});
