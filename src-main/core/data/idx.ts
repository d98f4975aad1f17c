/**
 * Reader for the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/):
 *
 *   magic: 0x00 0x00 <type> <rank>, then <rank> big-endian uint32 dimensions, then the values.
 *
 * Only unsigned bytes (type 0x08) are read — that is what MNIST, Fashion-MNIST, EMNIST and KMNIST
 * ship. Gzip-compressed files (the form they are downloaded in) are decompressed transparently.
 */
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

export interface IdxArray {
  /** The dimensions, outermost first: [count, rows, cols] for images, [count] for labels. */
  dims: number[];
  /** The values, row-major, length = product of dims. */
  data: Uint8Array;
}

export class IdxError extends Error {
  override name = 'IdxError';
}

const HINT = 'expected MNIST-style idx3-ubyte images or idx1-ubyte labels';

/** Largest dimension accepted: the format's dims are uint32, but anything past 2^31 is a misread header. */
const MAX_DIM = 0x7fffffff;
/** Largest payload accepted (bytes): far beyond any IDX data set, below what a Uint8Array can hold. */
const MAX_BYTES = 2 ** 32;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

function hex(bytes: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < Math.min(n, bytes.length); i++) s += bytes[i].toString(16).padStart(2, '0');
  return `0x${s}`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Compressed bytes inflated first to read the header (deflate expands at most ~1032×: ≤ 4.2 MB). */
const HEAD_INPUT = 4096;

/**
 * Decompresses a gzip-compressed IDX file without trusting it: the start of the stream is inflated
 * first and its header read, and the whole stream may then grow only to the size that header
 * declares (+1 byte, so a trailing byte is still reported as such). A header that cannot be right
 * (wrong magic, absurd dimensions) fails before the rest is inflated, so a small "gzip bomb" never
 * allocates more than the data it claims to hold (issue 9: bounded sizes).
 */
function gunzipBounded(bytes: Uint8Array, source: string): Uint8Array {
  const inner = `${source} (decompressed)`;
  let head: Uint8Array | null;
  try {
    // Z_SYNC_FLUSH: a cut stream gives what it holds instead of an error.
    head = gunzipSync(bytes.subarray(0, HEAD_INPUT), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 23,
    });
  } catch {
    head = null; // the full inflation below reports what is wrong
  }
  let limit = MAX_BYTES + 4 + 16;
  let shape = '';
  if (head && head.length >= 4) {
    if (isGzip(head)) {
      throw new IdxError(
        `${source} is gzip-compressed twice; decompress it once (gunzip) and read the result`,
      );
    }
    const rank = head[3];
    const headerBytes = 4 + 4 * rank;
    if (head.length >= headerBytes && rank >= 1 && rank <= 4 && head[0] === 0 && head[1] === 0) {
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k, false));
      const expected = dims.reduce((a, b) => a * b, 1);
      shape = `[${dims.join(', ')}]`;
      if (expected === 0 || expected > MAX_BYTES || dims.some((d) => d > MAX_DIM)) parseIdx(head, inner);
      limit = headerBytes + expected + 1;
    } else {
      parseIdx(head, inner); // magic, type or rank are wrong: that error, from the first bytes alone
    }
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' && shape) {
      throw new IdxError(
        `${source} decompresses to more than the ${limit - 1} bytes its header (dimensions ${shape}) ` +
          'declares; the header does not match the data (a concatenated or corrupted file?)',
      );
    }
    throw new IdxError(
      `${source} is gzip-compressed but cannot be decompressed (${(e as Error).message}); ` +
        'the download is probably incomplete or corrupted — download it again',
    );
  }
}

/** Reads an IDX file (plain or gzip-compressed). Throws an IdxError naming the file and the problem. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new IdxError(`${path} does not exist`);
    if (code === 'EISDIR') throw new IdxError(`${path} is a directory, not an IDX file; ${HINT}`);
    throw new IdxError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseIdx(bytes, path);
}

/**
 * Parses the bytes of an IDX file; `source` names it in error messages. The returned data is a
 * view into `bytes` (or into the decompressed buffer), not a copy.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (isGzip(bytes)) return parseIdx(gunzipBounded(bytes, source), `${source} (decompressed)`);
  if (bytes.length < 4) {
    throw new IdxError(
      `${source} is not an IDX file (${bytes.length} bytes, too short for the 4-byte magic); ${HINT}`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const html = bytes[0] === 0x3c; // '<': an HTML error page saved in place of the data
    throw new IdxError(
      `${source} is not an IDX file (magic ${hex(bytes, 4)}); ${HINT}` +
        (html ? ' (it starts with "<": an HTML page saved by a failed download?)' : ''),
    );
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type];
    throw new IdxError(
      name
        ? `${source} holds ${name} values (IDX type 0x${type.toString(16).padStart(2, '0')}); ` +
            `only unsigned bytes (type 0x08) are supported — ${HINT}`
        : `${source} is not an IDX file (magic ${hex(bytes, 4)}: unknown value type ` +
            `0x${type.toString(16).padStart(2, '0')}); ${HINT}`,
    );
  }
  if (rank < 1 || rank > 4) {
    throw new IdxError(
      `${source} declares ${rank} dimensions (magic ${hex(bytes, 4)}); an IDX data file has 1 to 4 — ${HINT}`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxError(
      `${source} is truncated: it ends inside its header (${bytes.length} bytes, the header of a ` +
        `rank-${rank} IDX file takes ${headerBytes}); download it again`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < rank; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const shape = `[${dims.join(', ')}]`;
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    const swapped = dims.map((_, k) => view.getUint32(4 + 4 * k, true));
    if (swapped.every((d) => d > 0) && swapped.reduce((a, b) => a * b, 1) === actual) {
      throw new IdxError(
        `${source}: its header dimensions ${shape} do not match its ${actual} data bytes, but read ` +
          `little-endian they would ([${swapped.join(', ')}]); IDX headers are big-endian — rewrite the header`,
      );
    }
  }
  dims.forEach((d, k) => {
    if (d === 0) throw new IdxError(`${source}: dimension ${k} of ${shape} is zero; the file holds no data`);
    if (d > MAX_DIM) {
      throw new IdxError(
        `${source}: dimension ${k} of ${shape} is implausibly large (was the header written little-endian?); ${HINT}`,
      );
    }
  });
  if (expected > MAX_BYTES) {
    throw new IdxError(
      `${source}: dimensions ${shape} describe ${expected} values, more than an IDX file can hold`,
    );
  }
  if (actual < expected) {
    throw new IdxError(
      `${source} is truncated: dimensions ${shape} need ${expected} data bytes but only ${actual} follow ` +
        `the header (${((100 * actual) / expected).toFixed(1)}%); download it again`,
    );
  }
  if (actual > expected) {
    throw new IdxError(
      `${source} has ${actual - expected} trailing bytes after the ${expected} data bytes its dimensions ` +
        `${shape} describe; the header does not match the data (a concatenated or corrupted file?)`,
    );
  }
  // A plain Uint8Array view (not a Buffer), whatever `bytes` was.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}
