/**
 * Protocol-buffers wire format, hand-written so that hostile input is handled in bounded time and
 * memory: every varint is at most 10 bytes, every length is checked against the bytes that remain
 * before anything is allocated, unknown fields of every wire type are skipped, and 64-bit integers
 * become JavaScript numbers only when they are exactly representable (|x| ≤ 2^53 − 1).
 *
 * Errors are ProtoError with the absolute byte offset; the ONNX reader turns them into a message
 * naming the file.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

export function wireName(wire: number): string {
  return WIRE_NAMES[wire] ?? `invalid wire type ${wire}`;
}

export class ProtoError extends Error {
  override name = 'ProtoError';

  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`at byte ${offset}: ${detail}`);
  }
}

/** True on little-endian hosts (all platforms Node runs on in practice); big-endian falls back to DataView. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Growable typed array for repeated scalar fields (amortised doubling, exact-size result). */
export class NumberList<T extends Float32Array | Float64Array> {
  private data: T;
  length = 0;

  constructor(private readonly make: (n: number) => T) {
    this.data = make(8);
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = this.make(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }

  pushAll(values: T): void {
    this.reserve(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const float32List = (): NumberList<Float32Array> => new NumberList((n) => new Float32Array(n));
export const float64List = (): NumberList<Float64Array> => new NumberList((n) => new Float64Array(n));

const TWO_32 = 4294967296;

/**
 * Reads one message (or a length-delimited slice of one). `pos` is an absolute offset into `buf`,
 * so sub-readers report offsets that point into the whole file.
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  readonly end: number;
  pos: number;
  /** Field number and wire type of the last tag read by next(). */
  field = 0;
  wire = 0;
  /** Offset of the last tag read by next(). */
  tagPos = 0;
  /** Name of the last field checked by expect() (for messages), '' until then. */
  private fieldName = '';
  private readonly view: DataView;
  // Two halves of the last 64-bit varint.
  private lo = 0;
  private hi = 0;

  constructor(buf: Uint8Array, start = 0, end = buf.length, view?: DataView) {
    // A Node Buffer's slice() is a view; a plain Uint8Array keeps subarray/slice semantics standard.
    this.buf =
      Object.getPrototypeOf(buf) === Uint8Array.prototype
        ? buf
        : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(detail: string, at = this.pos): never {
    throw new ProtoError(at, detail);
  }

  /** Reads the next tag; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    this.tagPos = this.pos;
    const tag = this.uint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field < 1 || field > 536870911) this.fail(`invalid field number ${field}`, this.tagPos);
    if (wire > 5) this.fail(`field ${field} has invalid wire type ${wire}`, this.tagPos);
    this.field = field;
    this.wire = wire;
    this.fieldName = '';
    return true;
  }

  private byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data inside a varint');
    return this.buf[this.pos++];
  }

  /** Reads a varint into lo/hi (two unsigned 32-bit halves). */
  private varint64(): void {
    const start = this.pos;
    let lo = 0;
    let b: number;
    for (let i = 0; i < 4; i++) {
      b = this.byte();
      lo = (lo | ((b & 127) << (7 * i))) >>> 0;
      if (b < 128) {
        this.lo = lo;
        this.hi = 0;
        return;
      }
    }
    b = this.byte();
    lo = (lo | ((b & 127) << 28)) >>> 0;
    let hi = (b & 127) >>> 4;
    if (b < 128) {
      this.lo = lo;
      this.hi = hi;
      return;
    }
    for (let i = 0; i < 5; i++) {
      b = this.byte();
      hi = (hi | ((b & 127) << (7 * i + 3))) >>> 0;
      if (b < 128) {
        this.lo = lo;
        this.hi = hi;
        return;
      }
    }
    this.fail('varint longer than 10 bytes', start);
  }

  /** Unsigned varint (uint32/uint64/enum/length/tag), exact up to 2^53 − 1. */
  uint(): number {
    // Fast path: one byte.
    if (this.pos < this.end && this.buf[this.pos] < 128) return this.buf[this.pos++];
    const start = this.pos;
    this.varint64();
    if (this.hi >= 0x200000) this.fail('integer larger than 2^53 − 1', start);
    return this.hi * TWO_32 + this.lo;
  }

  /** Signed int64/int32 varint (two's complement), exact within ±(2^53 − 1). */
  int64(): number {
    if (this.pos < this.end && this.buf[this.pos] < 128) return this.buf[this.pos++];
    const start = this.pos;
    this.varint64();
    let v: number;
    if (this.hi & 0x80000000) {
      const lo = (~this.lo + 1) >>> 0;
      const hi = (~this.hi + (lo === 0 ? 1 : 0)) >>> 0;
      v = -(hi * TWO_32 + lo);
    } else {
      v = this.hi * TWO_32 + this.lo;
    }
    if (!Number.isSafeInteger(v)) this.fail('64-bit integer outside ±(2^53 − 1)', start);
    return v;
  }

  bool(): boolean {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      this.fail(`${what} needs ${n} bytes but only ${this.end - this.pos} remain`);
    }
  }

  float(): number {
    this.need(4, 'a fixed32 value');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8, 'a fixed64 value');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Length prefix of a length-delimited field, checked against the bytes that remain. */
  length(): number {
    const at = this.pos;
    const n = this.uint();
    if (n > this.end - this.pos) {
      const what = this.fieldName ? `${this.fieldName} (field ${this.field})` : `field ${this.field}`;
      this.fail(`${what} declares ${n} bytes but only ${this.end - this.pos} remain`, at);
    }
    return n;
  }

  /** A length-delimited field as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    const n = this.length();
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over an embedded message; the parent skips past it. */
  message(): ProtoReader {
    const n = this.length();
    const r = new ProtoReader(this.buf, this.pos, this.pos + n, this.view);
    this.pos += n;
    return r;
  }

  /** Skips the value of the last tag, whatever its wire type (groups are skipped iteratively). */
  skip(): void {
    this.skipValue(this.wire, this.field);
  }

  private skipValue(wire: number, field: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        this.need(8, 'a fixed64 value');
        this.pos += 8;
        return;
      case WIRE_LEN: {
        const n = this.length();
        this.pos += n;
        return;
      }
      case WIRE_I32:
        this.need(4, 'a fixed32 value');
        this.pos += 4;
        return;
      case WIRE_SGROUP: {
        const open: number[] = [field];
        while (open.length > 0) {
          if (!this.next()) this.fail(`group ${open[open.length - 1]} is not closed`);
          if (this.wire === WIRE_SGROUP) open.push(this.field);
          else if (this.wire === WIRE_EGROUP) {
            if (open.pop() !== this.field)
              this.fail(`group end ${this.field} does not match its start`, this.tagPos);
          } else this.skipValue(this.wire, this.field);
        }
        return;
      }
      default:
        this.fail(`unexpected ${wireName(wire)} for field ${field}`, this.tagPos);
    }
  }

  /** Fails unless the last tag has the given wire type. `what` names the field for the message. */
  expect(wire: number, what: string): void {
    this.fieldName = what;
    if (this.wire !== wire) {
      this.fail(
        `${what} (field ${this.field}) has wire type ${wireName(this.wire)}, expected ${wireName(wire)}`,
        this.tagPos,
      );
    }
  }

  // --- repeated scalar fields, packed or not -----------------------------------------------------

  /** Appends a repeated float (fixed32) field occurrence. */
  floats(into: NumberList<Float32Array>, what: string): void {
    if (this.wire === WIRE_I32) return into.push(this.float());
    this.expect(WIRE_LEN, what);
    const n = this.length();
    if (n % 4 !== 0) this.fail(`packed ${what} has ${n} bytes, not a multiple of 4`);
    into.pushAll(readFloat32LE(this.buf, this.pos, n / 4));
    this.pos += n;
  }

  /** Appends a repeated double (fixed64) field occurrence. */
  doubles(into: NumberList<Float64Array>, what: string): void {
    if (this.wire === WIRE_I64) return into.push(this.double());
    this.expect(WIRE_LEN, what);
    const n = this.length();
    if (n % 8 !== 0) this.fail(`packed ${what} has ${n} bytes, not a multiple of 8`);
    into.pushAll(readFloat64LE(this.buf, this.pos, n / 8));
    this.pos += n;
  }

  /** Appends a repeated varint field occurrence (signed int64/int32, or unsigned when `unsigned`). */
  varints(into: NumberList<Float64Array>, what: string, unsigned = false): void {
    if (this.wire === WIRE_VARINT) return into.push(unsigned ? this.uint() : this.int64());
    this.expect(WIRE_LEN, what);
    const n = this.length();
    const end = this.pos + n;
    let count = 0;
    for (let i = this.pos; i < end; i++) if (this.buf[i] < 128) count++;
    if (n > 0 && this.buf[end - 1] >= 128) this.fail(`packed ${what} ends inside a varint`, end - 1);
    const values = new Float64Array(count);
    const sub = new ProtoReader(this.buf, this.pos, end, this.view);
    for (let k = 0; k < count; k++) values[k] = unsigned ? sub.uint() : sub.int64();
    into.pushAll(values);
    this.pos = end;
  }
}

const utf8 = new TextDecoder('utf-8');

/**
 * A fresh, aligned copy of `n` bytes. (Not `buf.slice`: on a Node Buffer that returns a view into
 * the shared pool, whose offset need not be aligned.)
 */
function copyBytes(buf: Uint8Array, offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(buf.subarray(offset, offset + n));
  return out;
}

/** `count` little-endian float32 values from an arbitrary (possibly unaligned) offset: copies first. */
export function readFloat32LE(buf: Uint8Array, offset: number, count: number): Float32Array {
  if (LITTLE_ENDIAN_HOST) return new Float32Array(copyBytes(buf, offset, 4 * count).buffer);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, 4 * count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** `count` little-endian float64 values from an arbitrary (possibly unaligned) offset: copies first. */
export function readFloat64LE(buf: Uint8Array, offset: number, count: number): Float64Array {
  if (LITTLE_ENDIAN_HOST) return new Float64Array(copyBytes(buf, offset, 8 * count).buffer);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, 8 * count);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

// --- writer ----------------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();

/**
 * Builds a message. Embedded messages are separate writers whose chunks are appended without
 * copying; finish() concatenates once. The low-level tag()/varint()/raw() methods are public so
 * tests can build deliberately malformed input.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private used = 0;
  private flushed = 0;

  get length(): number {
    return this.flushed + this.used;
  }

  private flush(): void {
    if (this.used > 0) {
      this.chunks.push(this.scratch.slice(0, this.used));
      this.flushed += this.used;
      this.used = 0;
    }
  }

  private byte(b: number): void {
    if (this.used === this.scratch.length) {
      this.flush();
      if (this.scratch.length < 65536) this.scratch = new Uint8Array(this.scratch.length * 4);
    }
    this.scratch[this.used++] = b;
  }

  /** A non-negative integer ≤ 2^53 − 1, or a negative one as a 10-byte two's complement int64. */
  varint(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`varint: ${v} is not a safe integer`);
    if (v < 0) {
      let big = BigInt.asUintN(64, BigInt(v));
      while (big > 127n) {
        this.byte(Number(big & 127n) | 128);
        big >>= 7n;
      }
      this.byte(Number(big));
      return this;
    }
    while (v > 127) {
      this.byte((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.byte(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** Appends bytes as they are (no tag, no length). */
  raw(bytes: Uint8Array): this {
    if (bytes.length <= 64) {
      for (let i = 0; i < bytes.length; i++) this.byte(bytes[i]);
    } else {
      this.flush();
      this.chunks.push(bytes);
      this.flushed += bytes.length;
    }
    return this;
  }

  /** varint field (int32/int64/uint64/enum/bool). */
  int(field: number, v: number): this {
    return this.tag(field, WIRE_VARINT).varint(v);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.tag(field, WIRE_I32).raw(b);
  }

  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.tag(field, WIRE_I64).raw(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.tag(field, WIRE_LEN).varint(b.length).raw(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8Encoder.encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    m.flush();
    this.tag(field, WIRE_LEN).varint(m.length);
    this.flush();
    for (const c of m.chunks) this.chunks.push(c);
    this.flushed += m.flushed;
    return this;
  }

  packedInts(field: number, values: ArrayLike<number>): this {
    const w = new ProtoWriter();
    for (let i = 0; i < values.length; i++) w.varint(values[i]);
    w.flush();
    this.tag(field, WIRE_LEN).varint(w.length);
    return this.raw(w.finish());
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    return this.bytes(field, float32LE(values));
  }

  packedDoubles(field: number, values: ArrayLike<number>): this {
    return this.bytes(field, float64LE(values));
  }

  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.flushed);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** Little-endian float32 bytes of `values`. */
export function float32LE(values: ArrayLike<number>): Uint8Array {
  const a = Float32Array.from(values as ArrayLike<number>);
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer);
  const out = new Uint8Array(4 * a.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(4 * i, a[i], true);
  return out;
}

/** Little-endian float64 bytes of `values`. */
export function float64LE(values: ArrayLike<number>): Uint8Array {
  const a = Float64Array.from(values as ArrayLike<number>);
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer);
  const out = new Uint8Array(8 * a.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(8 * i, a[i], true);
  return out;
}
