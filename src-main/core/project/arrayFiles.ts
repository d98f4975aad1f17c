/**
 * .npy and .npz files on disk: reads that turn file-system failures into the format's own error
 * (naming the path), and atomic writes (atomic.ts), so an analysis folder never holds half an array.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';
import { type DecodedNpy, decodeNpy, encodeNpy, type NpyArray, NpyError } from './npy.ts';
import { decodeNpz, encodeNpz, NpzError, type NpzLimits } from './npz.ts';

function readBytes(path: string, fail: (message: string, cause: unknown) => Error): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail(`${path} does not exist`, e);
    if (code === 'EISDIR') throw fail(`${path} is a folder, not an array file`, e);
    throw fail(`cannot read ${path}: ${(e as Error).message}`, e);
  }
}

/** Reads a .npy file; every problem is an NpyError naming the path. */
export function readNpyFile(path: string): DecodedNpy {
  return decodeNpy(
    readBytes(path, (m, cause) => new NpyError(m, { cause })),
    path,
  );
}

/** Writes an array as a .npy file, atomically. */
export function writeNpyFile(path: string, array: NpyArray): void {
  writeFileAtomic(path, encodeNpy(array, path));
}

/** Reads a .npz file (stored or compressed); every problem is an NpzError naming the path. */
export function readNpzFile(path: string, limits?: NpzLimits): Record<string, DecodedNpy> {
  return decodeNpz(
    readBytes(path, (m, cause) => new NpzError(m, { cause })),
    path,
    limits,
  );
}

/** Writes named arrays as an uncompressed .npz file, atomically. */
export function writeNpzFile(path: string, arrays: Record<string, NpyArray>): void {
  writeFileAtomic(path, encodeNpz(arrays, path));
}
