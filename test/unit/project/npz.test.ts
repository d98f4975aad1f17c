/**
 * .npz archives: round trips, the ZIP structure written, and an NpzError for each way an archive
 * can be damaged, unsupported or hostile. Crafted archives come from zipBuilder.ts; archives written
 * by NumPy itself are tested in numpy.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src-main/core/project/crc32.ts';
import { decodeNpy, encodeNpy, type NpyArray } from '../../../src-main/core/project/npy.ts';
import { decodeNpz, encodeNpz, NpzError } from '../../../src-main/core/project/npz.ts';
import { decodeZip, encodeZip, ZipError } from '../../../src-main/core/project/zip.ts';
import { thrownBy } from '../../helpers/errors.ts';
import { buildZip, layout } from './zipBuilder.ts';

const npzError = (fn: () => unknown): NpzError => thrownBy(fn, NpzError);
const zipError = (fn: () => unknown): ZipError => thrownBy(fn, ZipError);
const u8 = (...values: number[]): Uint8Array => new Uint8Array(values);
const npy = (values: number[]): Uint8Array =>
  encodeNpy({ data: Float64Array.from(values), shape: [values.length] });

const arrays: Record<string, NpyArray> = {
  weights: { data: new Float32Array([0.5, -1, 2, 3.25, -0, 1e-3]), shape: [2, 3] },
  spectrum: { data: new Float64Array([3, 1 / 3, -2.5e-300]), shape: [3] },
  layers: { data: new Int32Array([784, 128, 10]), shape: [3] },
  steps: { data: new BigInt64Array([0n, 100n, -(2n ** 63n)]), shape: [3] },
  image: { data: new Uint8Array([0, 128, 255, 64]), shape: [2, 2] },
  mask: { data: new Uint8Array([1, 0, 0, 1]), shape: [4], dtype: 'bool' },
  tc: { data: new Float64Array([1.25]), shape: [] },
  empty: { data: new Float32Array(0), shape: [0, 3] },
};

describe('encodeNpz / decodeNpz', () => {
  it('round-trips every dtype, a 0-d scalar and an empty array, in order', () => {
    const decoded = decodeNpz(encodeNpz(arrays), 'run.npz');
    expect(Object.keys(decoded)).toEqual(Object.keys(arrays));
    for (const [name, a] of Object.entries(arrays)) {
      expect(decoded[name].shape).toEqual(a.shape);
      expect(decoded[name].data).toEqual(a.data);
    }
    expect(decoded.mask.dtype).toBe('bool');
    expect(decoded.image.dtype).toBe('uint8');
  });

  it('stores each array as "<name>.npy", uncompressed, byte for byte its .npy encoding', () => {
    const members = decodeZip(encodeNpz({ a: arrays.weights, b: arrays.tc }));
    expect(members.map((m) => m.name)).toEqual(['a.npy', 'b.npy']);
    expect(members[0].data).toEqual(encodeNpy(arrays.weights));
    const zip = encodeNpz({ a: arrays.weights });
    const v = new DataView(zip.buffer);
    expect(v.getUint16(8, true)).toBe(0); // STORED
    expect(v.getUint32(18, true)).toBe(v.getUint32(22, true)); // compressed = uncompressed size
  });

  it('is deterministic: the same arrays give the same bytes', () => {
    expect(encodeNpz(arrays)).toEqual(encodeNpz(arrays));
  });

  it('round-trips an empty archive, non-ASCII names and a name that is an Object property', () => {
    expect(decodeNpz(encodeNpz({}))).toEqual({});
    const odd = { ['__proto__']: arrays.tc, βJ_ij: arrays.layers, 'T c': arrays.tc };
    const decoded = decodeNpz(encodeNpz(odd));
    expect(Object.keys(decoded)).toEqual(['__proto__', 'βJ_ij', 'T c']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded['βJ_ij'].data).toEqual(arrays.layers.data);
    // A non-ASCII name is flagged UTF-8 (bit 11) so that other readers decode it right.
    const zip = encodeNpz({ β: arrays.tc });
    expect(new DataView(zip.buffer).getUint16(6, true)).toBe(0x0800);
  });

  it('refuses names that are not plain file names', () => {
    for (const name of ['', 'a/b', 'a\\b', 'a\nb']) {
      expect(npzError(() => encodeNpz({ [name]: arrays.tc }, 'out.npz')).message).toMatch(
        /^out\.npz: array name '.*' is not a plain file name/,
      );
    }
  });

  it('reports an array it cannot encode with the archive and array name', () => {
    const bad = { data: new Float32Array(5), shape: [2, 3] };
    expect(npzError(() => encodeNpz({ w: bad }, 'out.npz')).message).toBe(
      "out.npz['w']: shape (2, 3) holds 6 values but the data have 5",
    );
  });
});

describe('decodeZip reads what other writers produce', () => {
  it('reads DEFLATE members and checks them', () => {
    const data = npy(Array.from({ length: 500 }, (_, i) => i % 7));
    const members = decodeZip(buildZip([{ name: 'x.npy', data, method: 8 }]), 'c.npz');
    expect(members[0].data).toEqual(data);
  });

  it("reads numpy.savez's ZIP64 extra field in local headers, and a data descriptor flag", () => {
    const data = npy([1, 2, 3]);
    expect(decodeZip(buildZip([{ name: 'x.npy', data, localZip64: true }]))[0].data).toEqual(data);
    expect(decodeZip(buildZip([{ name: 'x.npy', data, flags: 0x0008 }]))[0].data).toEqual(data);
  });

  it('finds the end record behind an archive comment', () => {
    const data = npy([4]);
    expect(decodeZip(buildZip([{ name: 'x.npy', data }], { comment: 'made by hand' }))[0].data).toEqual(data);
  });

  it('returns copies that do not change with the archive', () => {
    const zip = encodeZip([{ name: 'a', data: u8(1, 2, 3) }]);
    const [member] = decodeZip(zip);
    zip.fill(0);
    expect(member.data).toEqual(u8(1, 2, 3));
  });
});

describe('decodeNpz errors name the archive and the problem', () => {
  const good = (): Uint8Array => encodeNpz({ a: arrays.spectrum, b: arrays.layers });

  it('rejects bytes that are not a ZIP archive, recognising a .npy file', () => {
    expect(npzError(() => decodeNpz(u8(1, 2, 3), 'x.npz')).message).toBe(
      'x.npz is not a ZIP archive: 3 bytes, shorter than the smallest (22)',
    );
    expect(npzError(() => decodeNpz(new Uint8Array(100), 'x.npz')).message).toBe(
      'x.npz is not a ZIP archive (no end-of-central-directory record in its 100 bytes)',
    );
    expect(npzError(() => decodeNpz(npy([1, 2]), 'x.npz')).message).toMatch(
      /; it is a \.npy file — read it with decodeNpy$/,
    );
  });

  it('rejects a truncated archive', () => {
    const zip = good();
    expect(npzError(() => decodeNpz(zip.subarray(0, zip.length - 30), 't.npz')).message).toMatch(
      /^t\.npz is truncated: it starts like a ZIP archive but has no end-of-central-directory record/,
    );
  });

  it('rejects archives that need ZIP64 or span several disks', () => {
    const zip = good();
    const { end } = layout(zip);
    const v = new DataView(zip.buffer);
    v.setUint32(end + 16, 0xffffffff, true);
    expect(npzError(() => decodeNpz(zip, 'big.npz')).message).toBe(
      'big.npz is a ZIP64 archive (over 65 535 members or 4 GiB); Spinscope reads plain ZIP archives only',
    );
    const split = good();
    new DataView(split.buffer).setUint16(end + 4, 1, true);
    expect(npzError(() => decodeNpz(split, 's.npz')).message).toMatch(/multi-volume \(split\) ZIP archive/);
    const member = buildZip([{ name: 'a.npy', data: npy([1]), size: 0xffffffff }]);
    expect(npzError(() => decodeNpz(member, 'm.npz')).message).toMatch(
      /^m\.npz: member 'a\.npy' needs ZIP64/,
    );
  });

  it('bounds the member count and total size before inflating anything', () => {
    expect(npzError(() => decodeNpz(good(), 'n.npz', { maxMembers: 1 })).message).toBe(
      'n.npz declares 2 members, more than the 1 accepted',
    );
    expect(npzError(() => decodeNpz(good(), 'n.npz', { maxTotalBytes: 200 })).message).toBe(
      'n.npz: its members hold more than 200 bytes uncompressed, more than accepted',
    );
    // 100 bytes cannot inflate to 1 GB: the claim alone marks the archive as corrupt.
    const bomb = buildZip([{ name: 'a.npy', data: new Uint8Array(100), method: 8, size: 1e9 }]);
    expect(npzError(() => decodeNpz(bomb, 'b.npz')).message).toMatch(
      /^b\.npz: member 'a\.npy' claims to inflate \d+ bytes to 1000000000, more than DEFLATE can/,
    );
  });

  it('rejects a damaged central directory', () => {
    const zip = good();
    const { centralStart, end } = layout(zip);
    zip[centralStart] = 0;
    expect(npzError(() => decodeNpz(zip, 'd.npz')).message).toBe(
      `d.npz is corrupted: directory record 0 at byte ${centralStart} is missing or damaged`,
    );
    const past = good();
    new DataView(past.buffer).setUint32(end + 12, 5000, true);
    expect(npzError(() => decodeNpz(past, 'd.npz')).message).toMatch(
      /^d\.npz is corrupted: its central directory \(5000 bytes/,
    );
  });

  it('rejects encrypted members and compression methods other than stored and DEFLATE', () => {
    const data = npy([1]);
    expect(npzError(() => decodeNpz(buildZip([{ name: 'a.npy', data, flags: 1 }]), 'e.npz')).message).toBe(
      "e.npz: member 'a.npy' is encrypted; store the arrays unencrypted",
    );
    expect(npzError(() => decodeNpz(buildZip([{ name: 'a.npy', data, method: 12 }]), 'e.npz')).message).toBe(
      "e.npz: member 'a.npy' uses compression method 12 (BZIP2); Spinscope reads stored (0) and DEFLATE (8) " +
        'members, as numpy.savez and numpy.savez_compressed write them',
    );
  });

  it('rejects a stored member whose sizes disagree', () => {
    const zip = buildZip([{ name: 'a.npy', data: npy([1]), size: 3 }]);
    expect(npzError(() => decodeNpz(zip, 'z.npz')).message).toMatch(
      /^z\.npz: member 'a\.npy' is stored uncompressed but its directory record gives \d+ stored bytes for 3 bytes/,
    );
  });

  it('rejects a member whose data run into the directory', () => {
    const zip = good();
    const { centralStart } = layout(zip);
    const v = new DataView(zip.buffer);
    const second = v.getUint32(centralStart + 46 + 5 + 42, true); // 'a.npy' is 5 bytes
    // Grow the second member by 100 bytes in its local header and its directory record.
    for (const at of [second + 18, second + 22, centralStart + 46 + 5 + 20, centralStart + 46 + 5 + 24]) {
      v.setUint32(at, v.getUint32(at, true) + 100, true);
    }
    expect(npzError(() => decodeNpz(zip, 'r.npz')).message).toMatch(
      /^r\.npz: member 'b\.npy' is truncated: its \d+ bytes would end at byte \d+, past the start of the central directory/,
    );
  });

  it('rejects overlapping members (a zip-bomb technique)', () => {
    const zip = buildZip([
      { name: 'a.npy', data: npy([1, 2]) },
      { name: 'b.npy', data: npy([3]) },
    ]);
    const { centralStart } = layout(zip);
    const v = new DataView(zip.buffer);
    // Member a claims 40 more bytes, reaching into b's local header.
    for (const at of [18, 22, centralStart + 20, centralStart + 24])
      v.setUint32(at, v.getUint32(at, true) + 40, true);
    expect(npzError(() => decodeNpz(zip, 'o.npz')).message).toBe(
      "o.npz: members 'a.npy' and 'b.npy' overlap; the archive is corrupted or crafted",
    );
  });

  it('rejects a local header that disagrees with the directory', () => {
    const renamed = good();
    renamed[30] = 'x'.charCodeAt(0); // first byte of the local name 'a.npy'
    expect(npzError(() => decodeNpz(renamed, 'l.npz')).message).toBe(
      "l.npz: member 'a.npy': the name in its local header differs from the directory's; corrupted",
    );
    const crc = good();
    crc[14] ^= 0xff;
    expect(npzError(() => decodeNpz(crc, 'l.npz')).message).toMatch(
      /^l\.npz: member 'a\.npy': its local header \(CRC [0-9a-f]+, 152 → 152 bytes\) disagrees with the directory/,
    );
    const missing = good();
    const { centralStart } = layout(missing);
    new DataView(missing.buffer).setUint32(centralStart + 42, 7, true);
    expect(npzError(() => decodeNpz(missing, 'l.npz')).message).toBe(
      "l.npz: member 'a.npy': no local file header at byte 7; the archive is corrupted",
    );
    const zip64 = buildZip([{ name: 'a.npy', data: npy([1]), localZip64: true }]);
    new DataView(zip64.buffer).setBigUint64(30 + 5 + 4, 12345n, true); // the extra field's size
    expect(npzError(() => decodeNpz(zip64, 'l.npz')).message).toMatch(
      /12345 bytes\) disagrees with the directory/,
    );
  });

  it('catches a flipped bit with the CRC-32', () => {
    const zip = good();
    zip[30 + 5 + 140] ^= 0x01; // inside the data of 'a.npy'
    const e = npzError(() => decodeNpz(zip, 'bit.npz'));
    expect(e.message).toMatch(
      /^bit\.npz: member 'a\.npy' fails its CRC-32 check \(computed [0-9a-f]{8}, recorded [0-9a-f]{8}\)/,
    );
    expect(e.cause).toBeInstanceOf(ZipError);
  });

  it('rejects DEFLATE data that do not inflate, or inflate to another size', () => {
    const data = npy(Array.from({ length: 100 }, (_, i) => i));
    const broken = buildZip([{ name: 'a.npy', data, method: 8 }]);
    broken[30 + 5] = 0xff; // block type 3 does not exist
    expect(npzError(() => decodeNpz(broken, 'i.npz')).message).toMatch(
      /^i\.npz: member 'a\.npy' cannot be inflated \(/,
    );
    const longer = buildZip([{ name: 'a.npy', data, method: 8, size: data.length - 8 }]);
    expect(npzError(() => decodeNpz(longer, 'i.npz')).message).toBe(
      `i.npz: member 'a.npy' inflates to more than the ${data.length - 8} bytes its directory record declares; corrupted`,
    );
    const shorter = buildZip([{ name: 'a.npy', data, method: 8, size: data.length + 8 }]);
    expect(npzError(() => decodeNpz(shorter, 'i.npz')).message).toBe(
      `i.npz: member 'a.npy' inflates to ${data.length} bytes but its directory record declares ${data.length + 8}; corrupted`,
    );
  });

  it('rejects duplicate names, names in an unknown code page and members that are not .npy', () => {
    const data = npy([1]);
    const dup = buildZip([
      { name: 'a.npy', data },
      { name: 'a.npy', data },
    ]);
    expect(npzError(() => decodeNpz(dup, 'n.npz')).message).toBe("n.npz holds two members named 'a.npy'");
    const latin = buildZip([{ name: 'x.npy', data }]);
    const { centralStart } = layout(latin);
    latin[centralStart + 46] = 0xe9; // 'é' in a legacy code page, without the UTF-8 flag
    expect(npzError(() => decodeNpz(latin, 'n.npz')).message).toMatch(
      /^n\.npz: the name of member 0 is not ASCII and not marked UTF-8/,
    );
    const text = buildZip([{ name: 'README.txt', data: u8(104, 105) }]);
    expect(npzError(() => decodeNpz(text, 'n.npz')).message).toBe(
      'n.npz: member \'README.txt\' is not a .npy array; an .npz archive holds only "<name>.npy" members',
    );
    expect(npzError(() => decodeNpz(buildZip([{ name: '.npy', data }]), 'n.npz')).message).toMatch(
      /member '\.npy' is not a \.npy array/,
    );
  });

  it('reports a damaged array inside as np.load(source)[name] would name it', () => {
    const zip = buildZip([{ name: 'weights.npy', data: npy([1, 2, 3]).subarray(0, 140) }]);
    const e = npzError(() => decodeNpz(zip, 'run.npz'));
    expect(e.message).toBe(
      "run.npz['weights'] is truncated: shape (3,) of '<f8' needs 24 data bytes but only 12 follow the header",
    );
  });
});

describe('encodeZip', () => {
  it('writes a structure any reader can follow: local headers, directory, end record', () => {
    const zip = encodeZip([
      { name: 'a', data: u8(1, 2, 3) },
      { name: 'bb', data: new Uint8Array(0) },
    ]);
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    expect(v.getUint32(14, true)).toBe(crc32(u8(1, 2, 3)));
    const { end, centralStart, centralSize } = layout(zip);
    expect(centralStart).toBe(30 + 1 + 3 + 30 + 2);
    expect(centralSize).toBe(46 + 1 + 46 + 2);
    expect(end).toBe(centralStart + centralSize);
    expect(v.getUint16(end + 10, true)).toBe(2);
    expect(v.getUint32(centralStart + 46 + 1 + 42, true)).toBe(34); // second member's local header
    expect(decodeZip(zip).map((m) => [m.name, Array.from(m.data)])).toEqual([
      ['a', [1, 2, 3]],
      ['bb', []],
    ]);
  });

  it('refuses duplicate and empty names', () => {
    expect(
      zipError(() =>
        encodeZip(
          [
            { name: 'a', data: u8() },
            { name: 'a', data: u8() },
          ],
          'w.zip',
        ),
      ).message,
    ).toBe("w.zip: two members are named 'a'");
    expect(zipError(() => encodeZip([{ name: '', data: u8() }], 'w.zip')).message).toMatch(
      /member name '' must have 1 to 65535 bytes/,
    );
  });

  it('decodes what it encodes for a member in the middle of a large buffer', () => {
    const data = new Uint8Array(70000).map((_, i) => i * 31);
    const zip = encodeZip([{ name: 'big', data }]);
    const [back] = decodeZip(zip);
    expect(back.data).toEqual(data);
    expect(decodeNpy(encodeNpy({ data: back.data, shape: [70000] })).data).toEqual(data);
  });
});
