/**
 * NumPy's .npz: a ZIP archive with one .npy file per array, member "<name>.npy" for the array
 * called <name> — what `np.savez` writes and `np.load(path)[name]` reads. Names in this API are
 * without the ".npy", as in NumPy.
 *
 * Written: uncompressed (STORED) members, so the bytes of each array can be found at a fixed offset.
 * Read: what numpy.savez and numpy.savez_compressed write (zip.ts has the details and limits).
 *
 * Keys keep the archive's order, except that JavaScript lists integer-like keys ("0", "17") first
 * in any object; give arrays names that are not plain numbers if the order matters.
 */
import { type DecodedNpy, decodeNpy, encodeNpy, type NpyArray, NpyError } from './npy.ts';
import { decodeZip, encodeZip, ZipError, type ZipLimits } from './zip.ts';

export class NpzError extends Error {
  override name = 'NpzError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type NpzLimits = ZipLimits;

const SUFFIX = '.npy';

function quoteName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return `'${s.length > 80 ? `${s.slice(0, 80)}…` : s}'`;
}

/**
 * Encodes named arrays as a .npz archive (uncompressed). A name must be a plain file name: not
 * empty, no '/' or '\', no control characters. `what` names the archive in error messages.
 */
export function encodeNpz(arrays: Record<string, NpyArray>, what = 'npz archive'): Uint8Array {
  const members = Object.entries(arrays).map(([name, array]) => {
    // eslint-disable-next-line no-control-regex
    if (name === '' || /[/\\\u0000-\u001f\u007f]/.test(name)) {
      throw new NpzError(
        `${what}: array name ${quoteName(name)} is not a plain file name (empty, or holds '/', '\\' or a control character)`,
      );
    }
    try {
      return { name: name + SUFFIX, data: encodeNpy(array, `${what}[${quoteName(name)}]`) };
    } catch (e) {
      if (e instanceof NpyError) throw new NpzError(e.message, { cause: e });
      throw e;
    }
  });
  try {
    return encodeZip(members, what);
  } catch (e) {
    if (e instanceof ZipError) throw new NpzError(e.message, { cause: e });
    throw e;
  }
}

/**
 * Decodes a .npz archive into its arrays, keyed by name (without ".npy"). `source` names it in
 * error messages; every problem, in the archive or in one of its arrays, is an NpzError.
 */
export function decodeNpz(
  bytes: Uint8Array,
  source = 'npz data',
  limits: NpzLimits = {},
): Record<string, DecodedNpy> {
  let members;
  try {
    members = decodeZip(bytes, source, limits);
  } catch (e) {
    if (e instanceof ZipError) throw new NpzError(e.message, { cause: e });
    throw e;
  }
  const out: Record<string, DecodedNpy> = {};
  for (const { name, data } of members) {
    if (!name.endsWith(SUFFIX) || name.length === SUFFIX.length) {
      throw new NpzError(
        `${source}: member ${quoteName(name)} is not a .npy array; an .npz archive holds only "<name>.npy" members`,
      );
    }
    const key = name.slice(0, -SUFFIX.length);
    let array: DecodedNpy;
    try {
      // Named as in Python, np.load(source)[key].
      array = decodeNpy(data, `${source}[${quoteName(key)}]`);
    } catch (e) {
      if (e instanceof NpyError) throw new NpzError(e.message, { cause: e });
      throw e;
    }
    // defineProperty, not assignment: a member named "__proto__.npy" must not change the prototype.
    Object.defineProperty(out, key, {
      value: array,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
