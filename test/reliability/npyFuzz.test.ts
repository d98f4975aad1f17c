/**
 * NumPy array files under mutation (issue 9, bad input): the .npy and .npz fixtures written by
 * NumPy (test/fixtures/npy) and the trainer's resume points written as .npz (test/fixtures/train),
 * mutated by test/helpers/mutate.ts. Every input must decode to arrays whose data match their shape,
 * or fail with an NpyError/NpzError naming the file — and a header declaring 10^12 values fails
 * before anything of that size is allocated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { decodeNpy, NpyError, type DecodedNpy } from '../../src-main/core/project/npy.ts';
import { decodeNpz, NpzError } from '../../src-main/core/project/npz.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { mutate } from '../helpers/mutate.ts';
import { clearErrorOf, runFuzz, type FuzzInput } from './fuzz.ts';
import { Tally } from './outcomes.ts';

const INPUTS = 3000;
const SEED = 90_300;

const files = ['test/fixtures/npy', 'test/fixtures/train'].flatMap((d) =>
  readdirSync(join(REPO_ROOT, d))
    .filter((f) => f.endsWith('.npy') || f.endsWith('.npz'))
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(REPO_ROOT, d, f))) })),
);

function consistent(a: DecodedNpy, where: string): string | null {
  const n = a.shape.reduce((x, y) => x * y, 1);
  if (!a.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    return `${where}: shape [${a.shape.join(', ')}]`;
  if (a.data.length !== n) return `${where}: ${a.data.length} values for shape [${a.shape.join(', ')}]`;
  return null;
}

/** A .npy 1.0 file whose header declares `shape` over `dataBytes` bytes. */
function npyWithHeader(shape: string, dataBytes: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + dataBytes);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  return out;
}

describe('.npy and .npz files under mutation', () => {
  it(`${INPUTS} mutated array files decode consistently or fail with an error naming the file`, async () => {
    expect(files.length).toBeGreaterThan(10);
    const tally = new Tally('NumPy .npy/.npz files (mutation)', 'inputs');
    const corpus = files.map((f) => f.bytes);
    const inputs = Array.from({ length: INPUTS }, (_, i): FuzzInput => {
      const f = files[i % files.length]!;
      const seed = SEED + i;
      const m = mutate(f.bytes, seed, corpus);
      const source = `fuzz/${f.name}`;
      return {
        desc: `${f.name} seed ${seed}: ${m.desc}`,
        run: () =>
          f.name.endsWith('.npz') ? decodeNpz(m.bytes, source) : { array: decodeNpy(m.bytes, source) },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: clearErrorOf([NpyError, NpzError], 'fuzz/'),
      validResult: (r) => {
        for (const [k, a] of Object.entries(r as Record<string, DecodedNpy>)) {
          const why = consistent(a, k);
          if (why) return why;
        }
        return null;
      },
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.row.counts.valid).toBeGreaterThan(50);
  });

  it('headers declaring absurd sizes fail fast, without allocating them', () => {
    const tally = new Tally('NumPy hostile headers', 'inputs');
    const hostile: [string, Uint8Array][] = [
      ['10^12 values', npyWithHeader('(1000000, 1000000)', 64)],
      ['2^63 values', npyWithHeader('(9223372036854775808,)', 64)],
      ['negative dimension', npyWithHeader('(-1, 10)', 64)],
      ['1000 dimensions', npyWithHeader(`(${'2, '.repeat(1000)})`, 64)],
    ];
    for (const [what, bytes] of hostile) {
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      let err: unknown = null;
      try {
        decodeNpy(bytes, `${what}.npy`);
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t0;
      const grew = process.memoryUsage().arrayBuffers - before;
      const why = err === null ? 'accepted' : clearErrorOf([NpyError], `${what}.npy`)(err);
      if (why) tally.add('crash', `${what}: ${why}`);
      else if (ms > 500 || grew > 16 << 20)
        tally.add('hang', `${what}: ${ms.toFixed(0)} ms, ${grew >> 20} MB`);
      else tally.add('clearError');
    }
    tally.save();
    expect(tally.failures).toEqual([]);
  });
});
