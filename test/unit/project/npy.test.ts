/**
 * The .npy format: round trips for every dtype and shape, the exact header layout NumPy writes,
 * and one NpyError per kind of malformed input, each naming the source and what is wrong.
 * (The comparison with real NumPy files is numpy.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  decodeNpy,
  encodeNpy,
  int64ToNumbers,
  type NpyArray,
  type NpyDtype,
  NpyError,
} from '../../../src-main/core/project/npy.ts';
import { thrownBy } from '../../helpers/errors.ts';

const npyError = (fn: () => unknown): NpyError => thrownBy(fn, NpyError);

/** Deterministic values of a dtype, with the special values each one has. */
function sample(dtype: NpyDtype, n: number): NpyArray {
  const pick = (i: number): number => Math.sin(i * 12.9898 + 1) * 43758.5453;
  switch (dtype) {
    case 'float32':
    case 'float64': {
      const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      const special = [NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, 1e-40];
      for (let i = 0; i < n; i++) data[i] = i < special.length ? special[i] : pick(i);
      return { data, shape: [n] };
    }
    case 'int32':
      return {
        data: Int32Array.from({ length: n }, (_, i) => (i === 0 ? -(2 ** 31) : Math.floor(pick(i) * 1e4))),
        shape: [n],
      };
    case 'int64':
      return {
        data: BigInt64Array.from({ length: n }, (_, i) =>
          i === 0 ? -(2n ** 63n) : BigInt(Math.floor(pick(i))) * 3n ** 30n,
        ),
        shape: [n],
      };
    case 'uint8':
      return { data: Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff), shape: [n] };
    case 'bool':
      return { data: Uint8Array.from({ length: n }, (_, i) => ((i * 7) % 3) & 1), shape: [n], dtype: 'bool' };
  }
}

const bytesOf = (a: NpyArray['data']): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A .npy file with the given header dict text, padded as NumPy pads it, then `data`. */
function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const pad = 64 - ((prefix + dict.length + 1) % 64);
  const header = new TextEncoder().encode(dict + ' '.repeat(pad) + '\n');
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, header.length, true);
  else v.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(data, prefix + header.length);
  return out;
}

const f4Dict = (shape: string, extra = ''): string =>
  `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, ${extra}}`;

const DTYPES: NpyDtype[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];
const SHAPES: number[][] = [[], [0], [1], [7], [2, 3], [3, 0, 2], [1, 1, 1, 1], [2, 3, 4]];

describe('encodeNpy / decodeNpy round trip', () => {
  for (const dtype of DTYPES) {
    for (const shape of SHAPES) {
      it(`keeps ${dtype} shape [${shape.join(', ')}] bit for bit`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const original = { ...sample(dtype, n), shape };
        const decoded = decodeNpy(encodeNpy(original), 'roundtrip.npy');
        expect(decoded.dtype).toBe(dtype);
        expect(decoded.shape).toEqual(shape);
        expect(decoded.data.constructor).toBe(original.data.constructor);
        expect(decoded.data.length).toBe(n);
        // Bytes, not values: NaN payloads and -0 must survive too.
        expect(bytesOf(decoded.data)).toEqual(bytesOf(original.data));
      });
    }
  }

  it('stores a 0-d scalar as shape () with one value', () => {
    const decoded = decodeNpy(encodeNpy({ data: new Float64Array([2.5]), shape: [] }));
    expect(decoded).toEqual({ data: new Float64Array([2.5]), shape: [], dtype: 'float64' });
  });

  it('infers the dtype from the typed array and stores a Uint8Array as bool only when asked', () => {
    const data = new Uint8Array([1, 0, 1]);
    expect(decodeNpy(encodeNpy({ data, shape: [3] })).dtype).toBe('uint8');
    expect(decodeNpy(encodeNpy({ data, shape: [3], dtype: 'bool' })).dtype).toBe('bool');
  });

  it('reads from an unaligned offset and returns a copy, independent of the input bytes', () => {
    const file = encodeNpy({ data: new Float64Array([1.5, -2.25, 1e300]), shape: [3] });
    const buffer = new Uint8Array(file.length + 3);
    buffer.set(file, 3); // data now start at an odd address: a Float64Array view would throw
    const input = buffer.subarray(3);
    const decoded = decodeNpy(input);
    expect(decoded.data).toEqual(new Float64Array([1.5, -2.25, 1e300]));
    input.fill(0);
    expect(decoded.data).toEqual(new Float64Array([1.5, -2.25, 1e300]));
  });

  it('encodes a view into a larger buffer (subarray) without its neighbours', () => {
    const big = new Float32Array([9, 1, 2, 3, 9]);
    const decoded = decodeNpy(encodeNpy({ data: big.subarray(1, 4), shape: [3] }));
    expect(decoded.data).toEqual(new Float32Array([1, 2, 3]));
  });

  it('accepts a Node Buffer as input', () => {
    const file = Buffer.from(encodeNpy({ data: new Int32Array([4, -5]), shape: [2] }));
    expect(decodeNpy(file).data).toEqual(new Int32Array([4, -5]));
  });
});

describe('the header NumPy writes', () => {
  const text = (file: Uint8Array, len: number): string =>
    new TextDecoder('latin1').decode(file.subarray(10, 10 + len));

  it('is magic, version 1.0, a little-endian length, the dict, spaces and a newline; data start at 128', () => {
    const file = encodeNpy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(Array.from(file.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = file[8] | (file[9] << 8);
    expect(10 + headerLength).toBe(128);
    const header = text(file, headerLength);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(header.startsWith(dict)).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(header.slice(dict.length, -1)).toMatch(/^ +$/);
    expect(file.length).toBe(128 + 24);
    expect(new DataView(file.buffer).getFloat32(128 + 4 * 5, true)).toBe(6);
  });

  it('writes 1-d shapes as (n,) and 0-d as ()', () => {
    const one = encodeNpy({ data: new Int32Array(5), shape: [5] });
    expect(text(one, one[8])).toContain("'shape': (5,), }");
    const zero = encodeNpy({ data: new Float64Array(1), shape: [] });
    expect(text(zero, zero[8])).toContain("{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
  });

  it('aligns the data to 64 bytes for every shape, however long the header', () => {
    for (const shape of [[], [3], [123456789, 0], Array(40).fill(1), [0, 2 ** 40, 2 ** 52]]) {
      const file = encodeNpy({ data: new Uint8Array(shape.reduce((a, b) => a * b, 1)), shape });
      const headerEnd = 10 + (file[8] | (file[9] << 8));
      expect(headerEnd % 64).toBe(0);
      expect(file[headerEnd - 1]).toBe(0x0a);
    }
  });

  it('names each dtype as NumPy does', () => {
    const descr = (a: NpyArray): string => /'descr': '([^']+)'/.exec(text(encodeNpy(a), 100))![1];
    expect(descr({ data: new Float32Array(0), shape: [0] })).toBe('<f4');
    expect(descr({ data: new Float64Array(0), shape: [0] })).toBe('<f8');
    expect(descr({ data: new Int32Array(0), shape: [0] })).toBe('<i4');
    expect(descr({ data: new BigInt64Array(0), shape: [0] })).toBe('<i8');
    expect(descr({ data: new Uint8Array(0), shape: [0] })).toBe('|u1');
    expect(descr({ data: new Uint8Array(0), shape: [0], dtype: 'bool' })).toBe('|b1');
  });
});

describe('headers NumPy may write that are read too', () => {
  const data = new Uint8Array(new Float32Array([1, 2]).buffer);

  it('reads version 2.0 (uint32 length) and 3.0 (UTF-8) headers', () => {
    for (const version of [2, 3]) {
      const decoded = decodeNpy(npyWithHeader(f4Dict('(2,)'), data, version));
      expect(decoded.data).toEqual(new Float32Array([1, 2]));
    }
  });

  it("reads Python 2's long integers (2L,), double quotes and no trailing comma", () => {
    expect(decodeNpy(npyWithHeader(f4Dict('(2L,)'), data)).shape).toEqual([2]);
    const dict = '{"shape": (1, 2), "fortran_order": False, "descr": "<f4"}';
    expect(decodeNpy(npyWithHeader(dict, data)).shape).toEqual([1, 2]);
  });

  it("accepts any byte-order mark on one-byte types ('<u1', '|u1', 'u1')", () => {
    for (const descr of ['<u1', '|u1', 'u1', '>b1']) {
      const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`;
      expect(decodeNpy(npyWithHeader(dict, new Uint8Array([1, 0]))).data).toEqual(new Uint8Array([1, 0]));
    }
  });
});

describe('decodeNpy errors name the source and the problem', () => {
  const data6 = new Uint8Array(24);

  it('rejects a file without the magic, showing its first bytes', () => {
    expect(npyError(() => decodeNpy(new TextEncoder().encode('<html>hello'), 'a.npy')).message).toBe(
      'a.npy is not a NumPy .npy file (it starts with 0x3c68746d6c3e, not "\\x93NUMPY")',
    );
  });

  it('recognises an .npz archive passed as .npy', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0]);
    expect(npyError(() => decodeNpy(zip, 'w.npy')).message).toMatch(
      /w\.npy is not .*an \.npz file\? Read it with decodeNpz/,
    );
  });

  it('rejects an empty or cut-off magic as truncated', () => {
    expect(npyError(() => decodeNpy(new Uint8Array(0), 'e.npy')).message).toMatch(
      /^e\.npy is truncated: 0 bytes/,
    );
    const cut = npyWithHeader(f4Dict('(2, 3)'), data6).subarray(0, 9);
    expect(npyError(() => decodeNpy(cut, 'c.npy')).message).toMatch(/^c\.npy is truncated: 9 bytes/);
  });

  it('rejects unknown format versions', () => {
    const file = npyWithHeader(f4Dict('(2, 3)'), data6);
    file[6] = 4;
    expect(npyError(() => decodeNpy(file, 'v.npy')).message).toBe(
      'v.npy: .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)',
    );
  });

  it('rejects a version 2.0 file cut inside its 4-byte header length', () => {
    const file = npyWithHeader(f4Dict('(2, 3)'), data6, 2).subarray(0, 11);
    expect(npyError(() => decodeNpy(file, 'v2.npy')).message).toMatch(
      /^v2\.npy is truncated: 11 bytes, it ends inside the header length/,
    );
  });

  it('rejects an absurd header length before reading it', () => {
    const file = npyWithHeader(f4Dict('(2, 3)'), data6, 2);
    new DataView(file.buffer).setUint32(8, 0xfffffff0, true);
    expect(npyError(() => decodeNpy(file, 'h.npy')).message).toBe(
      'h.npy: its header length field says 4294967280 bytes, implausibly long for a .npy header (limit 65536); ' +
        'the file is corrupted',
    );
  });

  it('rejects a file that ends inside its header', () => {
    const file = npyWithHeader(f4Dict('(2, 3)'), data6).subarray(0, 100);
    expect(npyError(() => decodeNpy(file, 't.npy')).message).toBe(
      't.npy is truncated: its 118-byte header ends at byte 128 but the file has 100 bytes',
    );
  });

  it('rejects a header that is not a Python literal, saying where it fails', () => {
    const e = npyError(() =>
      decodeNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", data6), 'p.npy'),
    );
    expect(e.message).toMatch(
      /^p\.npy: its header is not a Python dict literal \(expected '}' at character 118\): "\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\)"$/,
    );
    const call = npyError(() => decodeNpy(npyWithHeader("__import__('os').system('rm -rf /')"), 'x.npy'));
    expect(call.message).toMatch(
      /^x\.npy: its header is not a Python dict literal \(unexpected '_' at character 0\)/,
    );
  });

  it('rejects a header nested beyond any real one, in bounded time', () => {
    const deep = '('.repeat(5000) + ')'.repeat(5000);
    expect(npyError(() => decodeNpy(npyWithHeader(deep), 'deep.npy')).message).toMatch(
      /nested more than 16 levels deep/,
    );
  });

  it('rejects a header that is not a dict, or has the wrong keys', () => {
    expect(npyError(() => decodeNpy(npyWithHeader("['<f4']"), 'l.npy')).message).toMatch(
      /^l\.npy: its header is not a dict: "\['<f4'\]"$/,
    );
    expect(
      npyError(() => decodeNpy(npyWithHeader("{'descr': '<f4', 'shape': (2, 3)}", data6), 'k.npy')).message,
    ).toBe(
      "k.npy: its header has keys ['descr', 'shape']; a .npy header has exactly 'descr', 'fortran_order' and 'shape'",
    );
    expect(
      npyError(() => decodeNpy(npyWithHeader(f4Dict('(2, 3)', "'extra': 1, "), data6), 'k.npy')).message,
    ).toMatch(/has keys \['descr', 'extra', 'fortran_order', 'shape'\]/);
    expect(
      npyError(() => decodeNpy(npyWithHeader(f4Dict('(2, 3)', "'shape': (2, 3), "), data6), 'k.npy')).message,
    ).toMatch(/key 'shape' appears twice/);
  });

  it('refuses Fortran order, saying how to save C order', () => {
    const dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
    expect(npyError(() => decodeNpy(npyWithHeader(dict, data6), 'f.npy')).message).toBe(
      'f.npy is stored in Fortran (column-major) order; Spinscope reads C order only — ' +
        'in NumPy, save np.ascontiguousarray(arr)',
    );
    const notBool = "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }";
    expect(npyError(() => decodeNpy(npyWithHeader(notBool, data6), 'f.npy')).message).toBe(
      'f.npy: fortran_order is 0, not True or False',
    );
  });

  it('rejects shapes that are not tuples of non-negative integers', () => {
    const msg = (shape: string): string =>
      npyError(() => decodeNpy(npyWithHeader(f4Dict(shape), data6), 's.npy')).message;
    expect(msg('[2, 3]')).toBe('s.npy: shape is [2, 3], not a tuple of integers');
    expect(msg('(6)')).toBe('s.npy: shape is 6, not a tuple of integers'); // (6) is an int in Python
    expect(msg("(2, '3')")).toBe("s.npy: shape is (2, '3'), not a tuple of integers");
    expect(msg('(2, -3)')).toBe('s.npy: dimension 1 of shape (2, -3) is negative');
    expect(msg('(99999999999999999999,)')).toBe(
      's.npy: dimension 0 of shape (100000000000000000000,) is implausibly large',
    );
    expect(msg(`(${Array(65).fill(1).join(', ')})`)).toBe(
      's.npy: shape has 65 dimensions; NumPy allows at most 64',
    );
  });

  it('rejects data shorter or longer than the shape needs, with exact byte counts', () => {
    expect(
      npyError(() => decodeNpy(npyWithHeader(f4Dict('(2, 3)'), new Uint8Array(20)), 'd.npy')).message,
    ).toBe("d.npy is truncated: shape (2, 3) of '<f4' needs 24 data bytes but only 20 follow the header");
    expect(
      npyError(() => decodeNpy(npyWithHeader(f4Dict('(2, 3)'), new Uint8Array(25)), 'd.npy')).message,
    ).toBe(
      "d.npy has 1 bytes after the data: shape (2, 3) of '<f4' needs 24 data bytes and 25 follow the header " +
        '(the header does not match the data)',
    );
    // A product beyond 2^53 is still counted exactly.
    expect(
      npyError(() => decodeNpy(npyWithHeader(f4Dict('(4294967296, 4294967296)'), data6), 'd.npy')).message,
    ).toMatch(/needs 73786976294838206464 data bytes but only 24 follow/);
  });

  it('names unsupported dtypes and says which are supported', () => {
    const msg = (descr: string): string =>
      npyError(() =>
        decodeNpy(
          npyWithHeader(`{'descr': ${descr}, 'fortran_order': False, 'shape': (2, 3), }`, data6),
          'u.npy',
        ),
      ).message;
    expect(msg("'<f2'")).toBe(
      "u.npy: dtype '<f2' (float16) is not supported; Spinscope reads float32 ('<f4'), float64 ('<f8'), " +
        "int32 ('<i4'), int64 ('<i8'), uint8 ('|u1') and bool ('|b1')",
    );
    expect(msg("'<c16'")).toMatch(/dtype '<c16' \(complex128\) is not supported/);
    expect(msg("'<U5'")).toMatch(/dtype '<U5' \(unicode string\) is not supported/);
    expect(msg("'|O'")).toMatch(/dtype '\|O' \(Python object\) is not supported/);
    expect(msg("'<u4'")).toMatch(/dtype '<u4' \(uint32\) is not supported/);
    expect(msg("'>f8'")).toBe(
      "u.npy is big-endian (dtype '>f8'); Spinscope reads little-endian arrays only — in NumPy, save arr.astype('<f8')",
    );
    expect(msg("'=f4'")).toMatch(/dtype '=f4' does not state its byte order/);
    expect(msg("[('x', '<f4'), ('n', '<i4')]")).toMatch(/^u\.npy holds a structured \(record\) array/);
    expect(msg('7')).toBe('u.npy: descr is 7, not a dtype string');
  });

  it('rejects a version 3.0 header that is not UTF-8', () => {
    const file = npyWithHeader(f4Dict('(2, 3)'), data6, 3);
    file[14] = 0xff;
    expect(npyError(() => decodeNpy(file, 'u8.npy')).message).toBe(
      'u8.npy: its version 3.0 header is not valid UTF-8',
    );
  });

  it('rejects bool bytes other than 0 and 1', () => {
    const dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
    expect(npyError(() => decodeNpy(npyWithHeader(dict, new Uint8Array([1, 0, 2])), 'b.npy')).message).toBe(
      'b.npy: bool value 2 is stored as byte 2; NumPy writes only 0 and 1',
    );
  });

  it('uses "npy data" as the source when none is given', () => {
    expect(npyError(() => decodeNpy(new Uint8Array([1, 2, 3]))).message).toMatch(
      /^npy data is not a NumPy \.npy file/,
    );
  });
});

describe('encodeNpy errors', () => {
  it('rejects data that do not fill the shape', () => {
    expect(npyError(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] }, 'w.npy')).message).toBe(
      'w.npy: shape (2, 3) holds 6 values but the data have 5',
    );
  });

  it('rejects negative, fractional and too many dimensions', () => {
    expect(npyError(() => encodeNpy({ data: new Float32Array(0), shape: [-1, 0] })).message).toBe(
      'array: dimension 0 of shape [-1, 0] is not a non-negative integer',
    );
    expect(npyError(() => encodeNpy({ data: new Float32Array(3), shape: [1.5, 2] })).message).toMatch(
      /dimension 0/,
    );
    expect(npyError(() => encodeNpy({ data: new Float32Array(1), shape: Array(65).fill(1) })).message).toBe(
      'array: 65 dimensions; NumPy allows at most 64',
    );
  });

  it('rejects a dtype that does not match the data, and arrays it cannot store', () => {
    expect(
      npyError(() => encodeNpy({ data: new Float32Array(1), shape: [1], dtype: 'float64' })).message,
    ).toBe("array: dtype 'float64' does not match its data, a Float32Array");
    for (const dtype of ['float16', 'constructor']) {
      expect(
        npyError(() => encodeNpy({ data: new Uint8Array(1), shape: [1], dtype: dtype as NpyDtype })).message,
      ).toMatch(new RegExp(`^array: unknown dtype '${dtype}'; Spinscope reads float32`));
    }
    const int16 = new Int16Array(2) as unknown as Float32Array;
    expect(npyError(() => encodeNpy({ data: int16, shape: [2] })).message).toBe(
      'array: cannot store a Int16Array; pass a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array',
    );
  });

  it('rejects a bool array holding values other than 0 and 1', () => {
    expect(
      npyError(() => encodeNpy({ data: new Uint8Array([0, 1, 5]), shape: [3], dtype: 'bool' })).message,
    ).toBe('array: a bool array holds only 0 and 1, but value 2 is 5');
  });
});

describe('int64ToNumbers', () => {
  it('converts values within ±(2^53 − 1) exactly', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(Array.from(int64ToNumbers(new BigInt64Array([0n, -7n, max, -max])))).toEqual([
      0,
      -7,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ]);
  });

  it('refuses 2^53, which a number would round', () => {
    expect(npyError(() => int64ToNumbers(new BigInt64Array([1n, 2n ** 53n]), 'steps.npy')).message).toBe(
      'steps.npy: int64 value 1 is 9007199254740992, beyond ±(2^53 − 1); it has no exact number',
    );
  });
});
