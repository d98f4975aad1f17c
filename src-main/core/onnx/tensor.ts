/**
 * TensorProto → typed values. Float tensors keep their precision class (float32 and float16 /
 * bfloat16 → Float32Array, double → Float64Array); integer and bool tensors become exact numbers
 * in a Float64Array (int64 only within ±(2^53 − 1)). Every size is validated before anything is
 * allocated; external data must live inside the model's folder.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep, win32 } from 'node:path';
import { OnnxError, quote } from './errors.ts';
import type { TensorProto } from './proto.ts';
import { readFloat32LE, readFloat64LE } from './protobuf.ts';

export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

const TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
};

export function dataTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `data type ${t}`;
}

const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  16: 2,
};

export function isFloatType(t: number): boolean {
  return t === DataType.FLOAT || t === DataType.DOUBLE || t === DataType.FLOAT16 || t === DataType.BFLOAT16;
}

/** Float types whose values are held in a Float32Array (float32, float16, bfloat16). */
export function isSinglePrecision(t: number): boolean {
  return t === DataType.FLOAT || t === DataType.FLOAT16 || t === DataType.BFLOAT16;
}

export function isIntegerType(t: number): boolean {
  return ELEMENT_BYTES[t] !== undefined && !isFloatType(t);
}

/** Largest tensor Spinscope accepts (elements): 2^28 = 268M (1 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 28;

/** Decoded values. `data` is Float64Array for double and for every integer/bool type. */
export interface Tensor {
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly data: Float32Array | Float64Array;
}

export interface TensorContext {
  /** File name for messages. */
  source: string;
  /** Folder of the model, for external data. */
  baseDir?: string;
}

function fail(ctx: TensorContext, what: string, detail: string): never {
  throw new OnnxError(`${ctx.source}: ${what} ${detail}`);
}

/** Validated element count of `dims` (non-negative integers, product ≤ MAX_ELEMENTS). */
export function elementCount(dims: readonly number[], ctx: TensorContext, what: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      fail(ctx, what, `has an invalid dimension ${d} in [${dims.join(', ')}]`);
    n *= d;
    if (n > MAX_ELEMENTS) {
      fail(
        ctx,
        what,
        `has shape [${dims.join(', ')}]: more than ${MAX_ELEMENTS} values, beyond what Spinscope reads`,
      );
    }
  }
  return n;
}

/** A tensor's name for messages. */
export function tensorLabel(t: TensorProto): string {
  return t.name ? `tensor ${quote(t.name)}` : 'an unnamed tensor';
}

/** Decodes a TensorProto. `what` describes it in messages (default: tensor 'name'). */
export function decodeTensorData(t: TensorProto, ctx: TensorContext, what = tensorLabel(t)): Tensor {
  const dt = t.dataType;
  const size = ELEMENT_BYTES[dt];
  if (size === undefined) {
    fail(
      ctx,
      what,
      `has element type ${dataTypeName(dt)}, which Spinscope does not read (only numeric tensors)`,
    );
  }
  const count = elementCount(t.dims, ctx, what);
  const dims = t.dims.slice();
  const external =
    t.dataLocation === 1 || (t.externalData.some((e) => e.key === 'location') && !hasInlineData(t));
  const raw = external ? readExternal(t, ctx, what, count * size) : t.rawData;
  if (raw) {
    if (raw.length !== count * size) {
      fail(
        ctx,
        what,
        `has shape [${dims.join(', ')}] (${count} values of ${dataTypeName(dt)}) but ${raw.length} bytes of data, expected ${count * size}`,
      );
    }
    return { dims, dataType: dt, data: fromRaw(raw, dt, count, ctx, what) };
  }
  const typed = typedField(t);
  const have = typed ? typed.length : 0;
  if (have !== count) {
    fail(ctx, what, `has shape [${dims.join(', ')}] (${count} values) but holds ${have} values`);
  }
  if (count === 0)
    return { dims, dataType: dt, data: isSinglePrecision(dt) ? new Float32Array(0) : new Float64Array(0) };
  return { dims, dataType: dt, data: fromTyped(typed!, dt, ctx, what) };
}

function hasInlineData(t: TensorProto): boolean {
  return !!(t.rawData || t.floatData || t.int32Data || t.int64Data || t.uint64Data || t.doubleData);
}

/** The typed repeated field that holds a tensor of this type (ONNX's storage rules). */
function typedField(t: TensorProto): Float32Array | Float64Array | null {
  switch (t.dataType) {
    case DataType.FLOAT:
      return t.floatData;
    case DataType.DOUBLE:
      return t.doubleData;
    case DataType.INT64:
      return t.int64Data;
    case DataType.UINT32:
    case DataType.UINT64:
      return t.uint64Data;
    default:
      return t.int32Data; // int8..int32, uint8, uint16, bool, float16 and bfloat16 (as bits)
  }
}

function fromTyped(
  v: Float32Array | Float64Array,
  dt: number,
  ctx: TensorContext,
  what: string,
): Float32Array | Float64Array {
  switch (dt) {
    case DataType.FLOAT:
    case DataType.DOUBLE:
      return v;
    case DataType.FLOAT16: {
      const out = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = halfToFloat(v[i] & 0xffff);
      return out;
    }
    case DataType.BFLOAT16: {
      const bits = new Uint32Array(v.length);
      for (let i = 0; i < v.length; i++) bits[i] = (v[i] & 0xffff) << 16;
      return new Float32Array(bits.buffer);
    }
    case DataType.BOOL: {
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
      return out;
    }
    default:
      for (let i = 0; i < v.length; i++) {
        if (!Number.isInteger(v[i])) fail(ctx, what, `holds a non-integer value ${v[i]}`);
      }
      return v;
  }
}

function fromRaw(
  raw: Uint8Array,
  dt: number,
  count: number,
  ctx: TensorContext,
  what: string,
): Float32Array | Float64Array {
  switch (dt) {
    case DataType.FLOAT:
      return readFloat32LE(raw, 0, count);
    case DataType.DOUBLE:
      return readFloat64LE(raw, 0, count);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out =
    dt === DataType.FLOAT16 || dt === DataType.BFLOAT16 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (dt) {
      case DataType.FLOAT16:
        out[i] = halfToFloat(view.getUint16(2 * i, true));
        break;
      case DataType.BFLOAT16:
        out[i] = bfloatToFloat(view.getUint16(2 * i, true));
        break;
      case DataType.UINT8:
        out[i] = raw[i];
        break;
      case DataType.INT8:
        out[i] = view.getInt8(i);
        break;
      case DataType.BOOL:
        out[i] = raw[i] !== 0 ? 1 : 0;
        break;
      case DataType.UINT16:
        out[i] = view.getUint16(2 * i, true);
        break;
      case DataType.INT16:
        out[i] = view.getInt16(2 * i, true);
        break;
      case DataType.INT32:
        out[i] = view.getInt32(4 * i, true);
        break;
      case DataType.UINT32:
        out[i] = view.getUint32(4 * i, true);
        break;
      case DataType.INT64:
      case DataType.UINT64: {
        const lo = view.getUint32(8 * i, true);
        const hi = dt === DataType.INT64 ? view.getInt32(8 * i + 4, true) : view.getUint32(8 * i + 4, true);
        const v = hi * 4294967296 + lo;
        if (!Number.isSafeInteger(v)) fail(ctx, what, `holds the 64-bit integer ${v}, beyond ±(2^53 − 1)`);
        out[i] = v;
        break;
      }
    }
  }
  return out;
}

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

function bfloatToFloat(bits: number): number {
  u32Bits[0] = bits << 16;
  return f32Bits[0];
}

/** IEEE half → float (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Rounds to the nearest float16 value (ties to even), as a Cast to FLOAT16 does. */
export function roundHalf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a >= 65520) return sign * Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  if (e < -14) e = -14;
  const q = 2 ** (e - 10);
  const v = a / q;
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1;
  return sign * r * q;
}

// --- external data -----------------------------------------------------------------------------

function parseSize(v: string | undefined, ctx: TensorContext, what: string, key: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) {
    fail(ctx, what, `has an invalid external-data ${key} ${quote(v)}`);
  }
  return Number(v);
}

/**
 * Reads the bytes of an externally stored tensor. The file must resolve inside the model's folder:
 * no absolute paths, no '..', no symbolic link that leads out of the folder.
 */
function readExternal(t: TensorProto, ctx: TensorContext, what: string, expectedBytes: number): Uint8Array {
  const info = new Map(t.externalData.map((e) => [e.key, e.value]));
  const location = info.get('location');
  if (!location) fail(ctx, what, 'is stored externally but names no location');
  const shown = quote(location);
  const outside = `external data ${shown} of ${what} is outside the model's folder`;
  if (location.includes('\0')) fail(ctx, what, `has an invalid external-data location ${shown}`);
  if (isAbsolute(location) || win32.isAbsolute(location) || /^[A-Za-z]:/.test(location)) {
    throw new OnnxError(
      `${ctx.source}: ${outside}: it is an absolute path; external data must be a file inside the model's folder`,
    );
  }
  if (location.split(/[\\/]/).includes('..')) {
    throw new OnnxError(
      `${ctx.source}: ${outside}: it climbs out with '..'; external data must be a file inside the model's folder`,
    );
  }
  if (ctx.baseDir === undefined) {
    fail(
      ctx,
      what,
      `stores its data in the external file ${shown}, but the model's folder is not known (read the model from its file)`,
    );
  }
  let root: string;
  let target: string;
  try {
    root = realpathSync(ctx.baseDir);
  } catch {
    fail(
      ctx,
      what,
      `stores its data in ${shown}, but the model's folder ${quote(ctx.baseDir)} cannot be opened`,
    );
  }
  try {
    target = realpathSync(resolve(root, location));
  } catch {
    fail(
      ctx,
      what,
      `stores its data in the external file ${shown}, which does not exist in the model's folder`,
    );
  }
  const prefix = root.endsWith(sep) ? root : root + sep;
  if (!target.startsWith(prefix)) {
    throw new OnnxError(
      `${ctx.source}: ${outside}: it resolves (through a symbolic link) to a file outside that folder`,
    );
  }
  if (!statSync(target).isFile()) fail(ctx, what, `stores its data in ${shown}, which is not a regular file`);
  const offset = parseSize(info.get('offset'), ctx, what, 'offset') ?? 0;
  const declared = parseSize(info.get('length'), ctx, what, 'length');
  const fd = openSync(target, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = declared ?? size - offset;
    if (offset > size || length < 0 || offset + length > size) {
      fail(
        ctx,
        what,
        `wants bytes ${offset}..${offset + (declared ?? 0)} of ${shown}, which has ${size} bytes`,
      );
    }
    if (length !== expectedBytes) {
      fail(
        ctx,
        what,
        `has ${length} bytes of external data in ${shown}, expected ${expectedBytes} for its shape [${t.dims.join(', ')}]`,
      );
    }
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, offset + got);
      if (n <= 0) fail(ctx, what, `could not read ${length} bytes from ${shown}`);
      got += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
