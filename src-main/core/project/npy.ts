/**
 * NumPy's .npy array format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
 * so that analysis arrays in a project folder open with a plain `np.load` (architecture.md, contract 3):
 *
 *   "\x93NUMPY" major minor | header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0) | header | data
 *
 * The header is a Python dict literal, {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), },
 * padded with spaces and a final newline so that the data starts at a multiple of 64 bytes. The
 * data are the values in C (row-major) order.
 *
 * Written: version 1.0, byte for byte what `np.save` writes (checked against NumPy 1.24: same key
 * order, the spare spaces after the dict that NumPy leaves so shape[0] can grow in place, same
 * padding; older NumPy versions pad differently, which no reader minds).
 * Read: versions 1.0, 2.0 and 3.0; six little-endian dtypes (see DTYPES), C order, any shape,
 * including 0-d scalars (shape []) and empty arrays.
 *
 * int64 ('<i8', NumPy's default integer) is read into a BigInt64Array, exactly; `int64ToNumbers`
 * turns it into numbers and refuses values beyond ±(2^53 − 1) rather than rounding them.
 * bool ('|b1') is a Uint8Array of 0/1 with dtype 'bool'.
 *
 * Every malformed input gives an NpyError naming the source and what is wrong; decoded data are
 * always a copy (never a view into the input, whose offsets may be unaligned).
 */
import { LiteralSyntaxError, parsePyLiteral, PyTuple, type PyValue, pyRepr } from './pyLiteral.ts';

export class NpyError extends Error {
  override name = 'NpyError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** An n-dimensional array in C order: `data.length` = product of `shape` (1 for shape [], a scalar). */
export interface NpyArray {
  data: NpyData;
  /** Outermost dimension first, as NumPy's `arr.shape`. */
  shape: number[];
  /** Needed only to store a Uint8Array as bool; otherwise implied by the class of `data`. */
  dtype?: NpyDtype;
}

/** What decodeNpy returns: the dtype is always stated. */
export interface DecodedNpy extends NpyArray {
  dtype: NpyDtype;
}

interface DtypeInfo {
  /** NumPy's descr string as written. */
  descr: string;
  itemsize: number;
  make: (buffer: ArrayBuffer, length: number) => NpyData;
  accepts: (data: NpyData) => boolean;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  float32: {
    descr: '<f4',
    itemsize: 4,
    make: (b, n) => new Float32Array(b, 0, n),
    accepts: (d) => d instanceof Float32Array,
  },
  float64: {
    descr: '<f8',
    itemsize: 8,
    make: (b, n) => new Float64Array(b, 0, n),
    accepts: (d) => d instanceof Float64Array,
  },
  int32: {
    descr: '<i4',
    itemsize: 4,
    make: (b, n) => new Int32Array(b, 0, n),
    accepts: (d) => d instanceof Int32Array,
  },
  int64: {
    descr: '<i8',
    itemsize: 8,
    make: (b, n) => new BigInt64Array(b, 0, n),
    accepts: (d) => d instanceof BigInt64Array,
  },
  uint8: {
    descr: '|u1',
    itemsize: 1,
    make: (b, n) => new Uint8Array(b, 0, n),
    accepts: (d) => d instanceof Uint8Array,
  },
  bool: {
    descr: '|b1',
    itemsize: 1,
    make: (b, n) => new Uint8Array(b, 0, n),
    accepts: (d) => d instanceof Uint8Array,
  },
};

const SUPPORTED =
  "Spinscope reads float32 ('<f4'), float64 ('<f8'), int32 ('<i4'), int64 ('<i8'), uint8 ('|u1') and bool ('|b1')";

/** Names of the NumPy type codes, for messages about the ones not supported. */
const KIND_NAMES: Record<string, string> = {
  f: 'float',
  i: 'int',
  u: 'uint',
  b: 'bool',
  c: 'complex',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  O: 'Python object',
  V: 'raw bytes (void)',
  M: 'datetime',
  m: 'timedelta',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy.lib.format.ARRAY_ALIGN: the data start at a multiple of this. */
const ARRAY_ALIGN = 64;
/** numpy.lib.format.GROWTH_AXIS_MAX_DIGITS: spare spaces so `shape[0]` can grow in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/**
 * Largest header accepted. The header of a supported array is under 2 kB even at 64 dimensions;
 * NumPy itself refuses headers over 10 000 characters unless told to trust the file.
 */
const MAX_HEADER_BYTES = 65536;
/** NumPy 2's limit on the number of dimensions (NumPy 1 allows 32). */
const MAX_DIMS = 64;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `itemsize`-byte group in place: .npy data are little-endian, typed arrays are host order. */
function swapOnBigEndianHost(bytes: Uint8Array, itemsize: number): void {
  if (LITTLE_ENDIAN_HOST || itemsize === 1) return;
  for (let i = 0; i < bytes.length; i += itemsize) bytes.subarray(i, i + itemsize).reverse();
}

function hex(bytes: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < Math.min(n, bytes.length); i++) s += bytes[i].toString(16).padStart(2, '0');
  return `0x${s}`;
}

/** A piece of text from a file, made printable and shortened for a message. */
function shown(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The same, in double quotes: for whole headers, whose own quotes and spaces would blur the message. */
function excerpt(text: string, max = 120): string {
  return JSON.stringify(shown(text, max));
}

function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function dtypeOf(array: NpyArray, what: string): NpyDtype {
  const { data, dtype } = array;
  if (dtype !== undefined) {
    const info = Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
    if (!info) throw new NpyError(`${what}: unknown dtype '${shown(String(dtype), 40)}'; ${SUPPORTED}`);
    if (!info.accepts(data)) {
      throw new NpyError(`${what}: dtype '${dtype}' does not match its data, a ${data?.constructor?.name}`);
    }
    return dtype;
  }
  for (const name of ['float32', 'float64', 'int32', 'int64', 'uint8'] as const) {
    if (DTYPES[name].accepts(data)) return name;
  }
  throw new NpyError(
    `${what}: cannot store a ${data?.constructor?.name ?? typeof data}; ` +
      'pass a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array',
  );
}

/** The header np.save writes for a C-order array (checked against NumPy 1.24), magic and length included. */
function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const prefix = MAGIC.length + 2 + 2; // magic, version, uint16 header length
  const hlen = dict.length + 1; // + the final '\n'
  const pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  const headerLength = hlen + pad;
  if (headerLength > 0xffff) throw new NpyError(`header for shape ${shapeText(shape)} is too long`);
  const out = new Uint8Array(prefix + headerLength);
  out.set(MAGIC);
  out[6] = 1; // version 1.0
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >>> 8;
  const text = dict + ' '.repeat(pad) + '\n';
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i); // ASCII only
  return out;
}

/**
 * Encodes an array as a .npy file (version 1.0, C order, little-endian). `what` names the array in
 * error messages (a file or member name).
 */
export function encodeNpy(array: NpyArray, what = 'array'): Uint8Array {
  const dtype = dtypeOf(array, what);
  const { data, shape } = array;
  if (!Array.isArray(shape)) throw new NpyError(`${what}: shape must be an array of dimensions`);
  if (shape.length > MAX_DIMS) {
    throw new NpyError(`${what}: ${shape.length} dimensions; NumPy allows at most ${MAX_DIMS}`);
  }
  let count = 1;
  shape.forEach((d, k) => {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NpyError(
        `${what}: dimension ${k} of shape [${shape.join(', ')}] is not a non-negative integer`,
      );
    }
    count *= d;
  });
  if (count !== data.length) {
    throw new NpyError(
      `${what}: shape ${shapeText(shape)} holds ${count} values but the data have ${data.length}`,
    );
  }
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) {
      throw new NpyError(`${what}: a bool array holds only 0 and 1, but value ${bad} is ${data[bad]}`);
    }
  }
  const info = DTYPES[dtype];
  const header = npyHeader(info.descr, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  const body = out.subarray(header.length);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  swapOnBigEndianHost(body, info.itemsize);
  return out;
}

/** The dtype a descr names, or an NpyError saying why Spinscope cannot read it. */
function dtypeFromDescr(descr: PyValue, source: string): NpyDtype {
  if (typeof descr !== 'string') {
    if (Array.isArray(descr)) {
      throw new NpyError(
        `${source} holds a structured (record) array, descr ${shown(pyRepr(descr))}; ${SUPPORTED} ` +
          'as plain arrays — save each field as its own array',
      );
    }
    throw new NpyError(`${source}: descr is ${shown(pyRepr(descr))}, not a dtype string`);
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  const exact = (Object.keys(DTYPES) as NpyDtype[]).find((name) => {
    const d = DTYPES[name].descr;
    // One-byte types have no byte order: NumPy writes '|'; accept any other prefix, or none, too.
    return d === descr || (d[0] === '|' && m !== null && `${m[2]}${m[3]}` === d.slice(1));
  });
  if (exact) return exact;
  if (m && m[1] === '>' && Number(m[3]) > 1) {
    const le = `<${m[2]}${m[3]}`;
    const hint = Object.values(DTYPES).some((d) => d.descr === le)
      ? ` — in NumPy, save arr.astype('${le}')`
      : '';
    throw new NpyError(
      `${source} is big-endian (dtype '${descr}'); Spinscope reads little-endian arrays only${hint}`,
    );
  }
  if (m && (m[1] === '=' || m[1] === '') && Number(m[3]) > 1) {
    throw new NpyError(
      `${source}: dtype '${descr}' does not state its byte order; NumPy writes '<' or '>' — ${SUPPORTED}`,
    );
  }
  const kind = m ? KIND_NAMES[m[2]] : undefined;
  const bits = m && m[3] && 'fiuc'.includes(m[2]) ? String(8 * Number(m[3])) : '';
  const named = kind ? ` (${kind}${bits})` : '';
  throw new NpyError(`${source}: dtype '${shown(descr, 40)}'${named} is not supported; ${SUPPORTED}`);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Decodes the bytes of a .npy file; `source` names it in error messages. The data are copied out
 * of `bytes`.
 */
export function decodeNpy(bytes: Uint8Array, source = 'npy data'): DecodedNpy {
  const isPrefixOfMagic = MAGIC.slice(0, Math.min(bytes.length, MAGIC.length)).every(
    (b, i) => bytes[i] === b,
  );
  if (!isPrefixOfMagic) {
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b; // "PK"
    throw new NpyError(
      `${source} is not a NumPy .npy file (it starts with ${hex(bytes, 6)}, not "\\x93NUMPY")` +
        (zip ? '; it is a ZIP archive — an .npz file? Read it with decodeNpz' : ''),
    );
  }
  if (bytes.length < 10) {
    throw new NpyError(
      `${source} is truncated: ${bytes.length} bytes, it ends inside the .npy magic and header length`,
    );
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new NpyError(
      `${source}: .npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw new NpyError(`${source} is truncated: ${bytes.length} bytes, it ends inside the header length`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new NpyError(
      `${source}: its header length field says ${headerLength} bytes, implausibly long for a .npy header ` +
        `(limit ${MAX_HEADER_BYTES}); the file is corrupted`,
    );
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new NpyError(
      `${source} is truncated: its ${headerLength}-byte header ends at byte ${dataStart} but the file has ` +
        `${bytes.length} bytes`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let headerText: string;
  if (major === 3) {
    try {
      headerText = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      throw new NpyError(`${source}: its version 3.0 header is not valid UTF-8`);
    }
  } else {
    headerText = new TextDecoder('latin1').decode(headerBytes);
  }

  let header: PyValue;
  try {
    header = parsePyLiteral(headerText);
  } catch (e) {
    if (!(e instanceof LiteralSyntaxError)) throw e;
    throw new NpyError(
      `${source}: its header is not a Python dict literal (${e.message} at character ${e.at}): ${excerpt(headerText.trimEnd())}`,
    );
  }
  if (!(header instanceof Map)) {
    throw new NpyError(`${source}: its header is not a dict: ${excerpt(headerText.trimEnd())}`);
  }
  const keys = [...header.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw new NpyError(
      `${source}: its header has keys [${keys.map((k) => `'${k}'`).join(', ')}]; ` +
        "a .npy header has exactly 'descr', 'fortran_order' and 'shape'",
    );
  }
  const fortran = header.get('fortran_order');
  if (typeof fortran !== 'boolean') {
    throw new NpyError(`${source}: fortran_order is ${shown(pyRepr(fortran ?? null))}, not True or False`);
  }
  const shapeValue = header.get('shape');
  if (!(shapeValue instanceof PyTuple) || !shapeValue.items.every((d) => typeof d === 'number')) {
    throw new NpyError(`${source}: shape is ${shown(pyRepr(shapeValue ?? null))}, not a tuple of integers`);
  }
  const shape = shapeValue.items as number[];
  if (shape.length > MAX_DIMS) {
    throw new NpyError(`${source}: shape has ${shape.length} dimensions; NumPy allows at most ${MAX_DIMS}`);
  }
  shape.forEach((d, k) => {
    if (d < 0) throw new NpyError(`${source}: dimension ${k} of shape ${shapeText(shape)} is negative`);
    if (!Number.isSafeInteger(d)) {
      throw new NpyError(`${source}: dimension ${k} of shape ${shapeText(shape)} is implausibly large`);
    }
  });
  const dtype = dtypeFromDescr(header.get('descr')!, source);
  const descr = header.get('descr') as string;
  if (fortran) {
    // NumPy writes True only for arrays that are Fortran- but not C-contiguous.
    throw new NpyError(
      `${source} is stored in Fortran (column-major) order; Spinscope reads C order only — ` +
        'in NumPy, save np.ascontiguousarray(arr)',
    );
  }

  const { itemsize, make } = DTYPES[dtype];
  // Exact even for shapes whose product exceeds 2^53 (a corrupted header).
  const count = shape.reduce((a, d) => a * BigInt(d), 1n);
  const needed = count * BigInt(itemsize);
  const available = bytes.length - dataStart;
  if (needed !== BigInt(available)) {
    const what = `shape ${shapeText(shape)} of '${descr}' needs ${needed} data bytes`;
    throw new NpyError(
      needed > BigInt(available)
        ? `${source} is truncated: ${what} but only ${available} follow the header`
        : `${source} has ${BigInt(available) - needed} bytes after the data: ${what} and ${available} follow ` +
            'the header (the header does not match the data)',
    );
  }
  const n = Number(count);
  const copy = new Uint8Array(available);
  copy.set(bytes.subarray(dataStart));
  swapOnBigEndianHost(copy, itemsize);
  const data = make(copy.buffer, n);
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) {
      throw new NpyError(
        `${source}: bool value ${bad} is stored as byte ${data[bad]}; NumPy writes only 0 and 1`,
      );
    }
  }
  return { data, shape: [...shape], dtype };
}

/**
 * The values of an int64 array as numbers. Throws an NpyError (naming `source` and the index) for
 * a value beyond ±(2^53 − 1), which a number cannot hold exactly.
 */
export function int64ToNumbers(data: BigInt64Array, source = 'array'): Float64Array {
  const out = new Float64Array(data.length);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v > limit || v < -limit) {
      throw new NpyError(`${source}: int64 value ${i} is ${v}, beyond ±(2^53 − 1); it has no exact number`);
    }
    out[i] = Number(v);
  }
  return out;
}
