/**
 * Files written by real NumPy (test/fixtures/npy, made by generate.py with Debian's NumPy): each
 * must decode to the values NumPy recorded in expected.json, and each version-1.0 .npy must come
 * back out of encodeNpy byte for byte — the header layout is NumPy's, not a look-alike.
 * (The other direction, NumPy loading Spinscope's files, is checked by generate.py itself.)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DecodedNpy, decodeNpy, encodeNpy, NpyError } from '../../../src-main/core/project/npy.ts';
import { decodeNpz, NpzError } from '../../../src-main/core/project/npz.ts';
import { thrownBy } from '../../helpers/errors.ts';
import { layout } from './zipBuilder.ts';

const DIR = resolve(import.meta.dirname, '../../fixtures/npy');

interface ExpectedArray {
  dtype: DecodedNpy['dtype'];
  shape: number[];
  values: (number | string | boolean)[];
}

const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  arrays: Record<string, ExpectedArray | Record<string, ExpectedArray>>;
  versions: Record<string, [number, number]>;
  errors: Record<string, string>;
};

const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));

/** The values as expected.json writes them: int64 as decimal strings, bool as true/false. */
function values(a: DecodedNpy): (number | string | boolean)[] {
  if (a.dtype === 'int64') return Array.from(a.data as BigInt64Array, (v) => v.toString());
  if (a.dtype === 'bool') return Array.from(a.data as Uint8Array, (v) => v === 1);
  return Array.from(a.data as ArrayLike<number>);
}

function expectArray(a: DecodedNpy, e: ExpectedArray): void {
  expect(a.dtype).toBe(e.dtype);
  expect(a.shape).toEqual(e.shape);
  const got = values(a);
  expect(got).toEqual(e.values);
  // toEqual does not tell -0 from 0; the sign bit is part of the value.
  got.forEach((v, i) => {
    if (typeof v === 'number') expect(Object.is(v, -0)).toBe(Object.is(e.values[i], -0));
  });
}

const npyFiles = Object.keys(expected.arrays).filter((f) => f.endsWith('.npy'));
const npzFiles = Object.keys(expected.arrays).filter((f) => f.endsWith('.npz'));

describe('.npy files written by NumPy', () => {
  it('cover every dtype, a 0-d scalar, an empty array and the three format versions', () => {
    const decoded = npyFiles.map((f) => decodeNpy(read(f), f));
    expect(new Set(decoded.map((a) => a.dtype))).toEqual(
      new Set(['float32', 'float64', 'int32', 'int64', 'uint8', 'bool']),
    );
    expect(decoded.some((a) => a.shape.length === 0)).toBe(true);
    expect(decoded.some((a) => a.data.length === 0)).toBe(true);
    expect(new Set(Object.values(expected.versions).map((v) => v.join('.')))).toEqual(
      new Set(['1.0', '2.0', '3.0']),
    );
  });

  for (const file of npyFiles) {
    const e = expected.arrays[file] as ExpectedArray;
    it(`${file}: decodes to NumPy's ${e.dtype} [${e.shape.join(', ')}]`, () => {
      const bytes = read(file);
      expect([bytes[6], bytes[7]]).toEqual(expected.versions[file]);
      expectArray(decodeNpy(bytes, file), e);
    });
    if (expected.versions[file].join('.') === '1.0') {
      it(`${file}: re-encodes to exactly the bytes np.save wrote`, () => {
        const bytes = read(file);
        expect(encodeNpy(decodeNpy(bytes, file))).toEqual(bytes);
      });
    }
  }

  it('the int64 fixture holds values a number cannot (BigInt64Array keeps them)', () => {
    const a = decodeNpy(read('i8_vec.npy'));
    expect(a.data).toBeInstanceOf(BigInt64Array);
    expect(a.data).toContain(-(2n ** 63n));
    expect(a.data).toContain(2n ** 62n + 1n);
  });
});

describe('.npy files NumPy writes that Spinscope refuses', () => {
  for (const [file, fragment] of Object.entries(expected.errors)) {
    it(`${file}: NpyError containing "${fragment}"`, () => {
      const e = thrownBy(() => decodeNpy(read(file), file), NpyError);
      expect(e.message.startsWith(file)).toBe(true);
      expect(e.message).toContain(fragment);
    });
  }
});

describe('.npz archives written by numpy.savez and numpy.savez_compressed', () => {
  for (const file of npzFiles) {
    const e = expected.arrays[file] as Record<string, ExpectedArray>;
    it(`${file}: decodes ${Object.keys(e).length} arrays in NumPy's order`, () => {
      const decoded = decodeNpz(read(file), file);
      expect(Object.keys(decoded)).toEqual(Object.keys(e));
      for (const [name, array] of Object.entries(e)) expectArray(decoded[name], array);
    });
  }

  /** The compression method of every member, from the central directory. */
  function methods(zip: Uint8Array): number[] {
    const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const { centralStart, centralSize } = layout(zip);
    const out: number[] = [];
    for (let p = centralStart; p < centralStart + centralSize;) {
      out.push(v.getUint16(p + 10, true));
      p += 46 + v.getUint16(p + 28, true) + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
    }
    return out;
  }

  it('stored.npz is STORED and compressed.npz is DEFLATE, so both read paths are exercised', () => {
    expect(new Set(methods(read('stored.npz')))).toEqual(new Set([0]));
    expect(new Set(methods(read('compressed.npz')))).toEqual(new Set([8]));
  });

  it('a flipped bit in the deflated data of a member is caught', () => {
    const zip = read('compressed.npz');
    const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const dataStart = 30 + v.getUint16(26, true) + v.getUint16(28, true); // of the first member, weights.npy
    const compressedSize = v.getUint32(layout(zip).centralStart + 20, true);
    zip[dataStart + Math.floor(compressedSize / 2)] ^= 0x10;
    const e = thrownBy(() => decodeNpz(zip, 'compressed.npz'), NpzError);
    // Which check fires depends on where the bit lands in the DEFLATE stream; one always does.
    expect(e.message).toMatch(
      /^compressed\.npz: member 'weights\.npy' (cannot be inflated|inflates to|fails its CRC-32)/,
    );
  });
});
