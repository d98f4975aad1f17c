/**
 * Test helpers: ONNX models built by hand with Spinscope's own protobuf writer (to reach storage
 * forms and malformed inputs that exporters do not produce), and onnxruntime runs to compare with.
 */
import * as ort from 'onnxruntime-node';
import { float32LE, float64LE, ProtoWriter } from '../../../src-main/core/onnx/protobuf.ts';
import { DataType } from '../../../src-main/core/onnx/tensor.ts';
import { Random } from '../../../src-main/core/util/random.ts';

export type Attr =
  | { f: number }
  | { i: number }
  | { ints: number[] }
  | { floats: number[] }
  | { t: TensorSpec }
  | { s: string };

export interface TensorSpec {
  name?: string;
  dims: number[];
  /** DataType (default FLOAT). */
  type?: number;
  values?: ArrayLike<number>;
  /** raw_data (default), the typed repeated field packed, or unpacked. */
  storage?: 'raw' | 'typed' | 'unpacked';
  /** Stored in a side file instead (location/offset/length written as given). */
  external?: { location: string; offset?: number; length?: number };
  /** raw_data bytes as they are (overrides values). */
  rawBytes?: Uint8Array;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, Attr>;
  domain?: string;
}

export interface ValueSpec {
  name: string;
  type?: number;
  /** undefined: [batch, ...] is not written at all (unknown shape). */
  shape?: (number | string)[];
}

export interface ModelSpec {
  nodes: NodeSpec[];
  inits?: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
  irVersion?: number;
  producer?: string;
}

/** Little-endian float32 bytes, e.g. for an external-data side file. */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  return float32LE(values);
}

/** float → IEEE half bits (round to nearest even), for float16 test data. */
export function halfBits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    const m = (mant | 0x800000) >>> (1 - exp + 13);
    return sign | m;
  }
  let h = sign | (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return h;
}

function rawOf(type: number, values: ArrayLike<number>): Uint8Array {
  const v = Array.from(values);
  switch (type) {
    case DataType.FLOAT:
      return float32LE(v);
    case DataType.DOUBLE:
      return float64LE(v);
    case DataType.FLOAT16:
      return new Uint8Array(Uint16Array.from(v.map(halfBits)).buffer);
    case DataType.INT64:
      return new Uint8Array(BigInt64Array.from(v.map((x) => BigInt(x))).buffer);
    case DataType.INT32:
      return new Uint8Array(Int32Array.from(v).buffer);
    case DataType.INT8:
      return new Uint8Array(Int8Array.from(v).buffer);
    case DataType.UINT8:
    case DataType.BOOL:
      return Uint8Array.from(v);
    default:
      throw new Error(`rawOf: type ${type}`);
  }
}

export function tensorProto(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter();
  const type = t.type ?? DataType.FLOAT;
  for (const d of t.dims) w.int(1, d);
  w.int(2, type);
  if (t.name !== undefined) w.string(8, t.name);
  const values = t.values ?? [];
  if (t.external) {
    w.message(13, new ProtoWriter().string(1, 'location').string(2, t.external.location));
    if (t.external.offset !== undefined) {
      w.message(13, new ProtoWriter().string(1, 'offset').string(2, String(t.external.offset)));
    }
    if (t.external.length !== undefined) {
      w.message(13, new ProtoWriter().string(1, 'length').string(2, String(t.external.length)));
    }
    w.int(14, 1);
    return w;
  }
  if (t.rawBytes) return w.bytes(9, t.rawBytes);
  const storage = t.storage ?? 'raw';
  if (storage === 'raw') return w.bytes(9, rawOf(type, values));
  const v = Array.from(values);
  const ints = type === DataType.FLOAT16 ? v.map(halfBits) : v;
  const field = type === DataType.FLOAT ? 4 : type === DataType.DOUBLE ? 10 : type === DataType.INT64 ? 7 : 5;
  if (storage === 'typed') {
    if (type === DataType.FLOAT) return w.packedFloats(4, v);
    if (type === DataType.DOUBLE) return w.packedDoubles(10, v);
    return w.packedInts(field, ints);
  }
  for (const x of ints) {
    if (type === DataType.FLOAT) w.float(4, x);
    else if (type === DataType.DOUBLE) w.double(10, x);
    else w.int(field, x);
  }
  return w;
}

function attrProto(name: string, a: Attr): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('f' in a) return w.float(2, a.f).int(20, 1);
  if ('i' in a) return w.int(3, a.i).int(20, 2);
  if ('s' in a) return w.string(4, a.s).int(20, 3);
  if ('t' in a) return w.message(5, tensorProto(a.t)).int(20, 4);
  if ('floats' in a) return w.packedFloats(7, a.floats).int(20, 6);
  return w.packedInts(8, a.ints).int(20, 7);
}

export function nodeProto(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, a] of Object.entries(n.attrs ?? {})) w.message(5, attrProto(k, a));
  if (n.domain !== undefined) w.string(7, n.domain);
  return w;
}

export function valueInfoProto(v: ValueSpec): ProtoWriter {
  const tt = new ProtoWriter().int(1, v.type ?? DataType.FLOAT);
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) {
      shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
    }
    tt.message(2, shape);
  }
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tt));
}

export function graphProto(m: ModelSpec): ProtoWriter {
  const g = new ProtoWriter();
  for (const n of m.nodes) g.message(1, nodeProto(n));
  g.string(2, 'test');
  for (const t of m.inits ?? []) g.message(5, tensorProto(t));
  for (const v of m.inputs) g.message(11, valueInfoProto(v));
  for (const v of m.outputs) g.message(12, valueInfoProto(v));
  return g;
}

export function buildModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion ?? 8);
  w.string(2, m.producer ?? 'spinscope-tests');
  w.message(7, graphProto(m));
  w.message(8, new ProtoWriter().string(1, '').int(2, m.opset ?? 13));
  return w.finish();
}

/** Seeded values in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

/** Runs a model (bytes or a file path) in onnxruntime on one float input; returns the first output. */
export async function runOrt(
  model: Uint8Array | string,
  input: { name: string; data: Float32Array | Float64Array; dims: number[] },
): Promise<{ data: Float64Array; dims: readonly number[] }> {
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model)
      : await ort.InferenceSession.create(model);
  try {
    const type = input.data instanceof Float64Array ? 'float64' : 'float32';
    const out = await session.run({ [input.name]: new ort.Tensor(type, input.data, input.dims) });
    const t = out[session.outputNames[0]] as ort.Tensor;
    return { data: Float64Array.from(t.data as Float32Array), dims: t.dims };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
  }
  return d;
}

/** A concrete input shape: symbolic dimensions become `batch` (the first) or fail. */
export function concreteShape(shape: (number | string)[], batch: number, inputSize: number): number[] {
  if (shape.length === 0) return [batch, inputSize];
  return shape.map((d, k) => (typeof d === 'number' && d > 0 ? d : k === 0 ? batch : NaN));
}
