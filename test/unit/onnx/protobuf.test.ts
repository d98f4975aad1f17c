/** The bounded protobuf wire-format reader and the writer. */
import { describe, expect, it } from 'vitest';
import {
  float32List,
  float64List,
  ProtoError,
  ProtoReader,
  ProtoWriter,
  readFloat32LE,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
} from '../../../src-main/core/onnx/protobuf.ts';
import { thrownBy } from '../../helpers/errors.ts';

const protoError = (fn: () => unknown): ProtoError => thrownBy(fn, ProtoError);

describe('ProtoReader / ProtoWriter', () => {
  it('round-trips varints from 0 to 2^53 − 1 and negative int64 (10-byte two’s complement)', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35 + 7, Number.MAX_SAFE_INTEGER];
    const negatives = [-1, -2, -128, -(2 ** 31), -(2 ** 40) - 3, -Number.MAX_SAFE_INTEGER];
    const w = new ProtoWriter();
    for (const v of [...values, ...negatives]) w.int(3, v);
    const bytes = w.finish();
    const r = new ProtoReader(bytes);
    const got: number[] = [];
    while (r.next()) {
      expect(r.field).toBe(3);
      expect(r.wire).toBe(WIRE_VARINT);
      got.push(r.int64());
    }
    expect(got).toEqual([...values, ...negatives]);
    // -1 takes 10 bytes.
    expect(new ProtoWriter().varint(-1).finish().length).toBe(10);
  });

  it('rejects a varint longer than 10 bytes', () => {
    const bytes = new Uint8Array(12).fill(0xff);
    const e = protoError(() => new ProtoReader(bytes).uint());
    expect(e.detail).toBe('varint longer than 10 bytes');
    expect(e.offset).toBe(0);
  });

  it('rejects a varint cut off by the end of the data', () => {
    expect(protoError(() => new ProtoReader(new Uint8Array([0x80, 0x80])).uint()).detail).toMatch(
      /end of data inside a varint/,
    );
  });

  it('rejects 64-bit integers outside the safe range instead of rounding them', () => {
    const big = new ProtoWriter()
      .raw(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))
      .finish(); // 2^63
    expect(protoError(() => new ProtoReader(big).int64()).detail).toMatch(/outside ±\(2\^53 − 1\)/);
    const w = new ProtoWriter().varint(2 ** 53 - 1).finish();
    const over = new Uint8Array(w);
    over[over.length - 1] += 1; // 2^53 − 1 + 2^49
    expect(protoError(() => new ProtoReader(over).uint()).detail).toMatch(/larger than 2\^53/);
  });

  it('checks a declared length against the bytes that remain, before reading', () => {
    const bytes = new ProtoWriter()
      .tag(2, WIRE_LEN)
      .varint(2 ** 40)
      .raw(new Uint8Array(5))
      .finish();
    const r = new ProtoReader(bytes);
    r.next();
    const e = protoError(() => r.bytes());
    expect(e.detail).toBe('field 2 declares 1099511627776 bytes but only 5 remain');
    expect(e.offset).toBe(1);
  });

  it('skips unknown fields of every wire type, including nested groups', () => {
    const w = new ProtoWriter()
      .int(1, 5)
      .double(2, 1.5)
      .string(3, 'skip me')
      .float(4, 2.5)
      .tag(5, WIRE_SGROUP)
      .int(1, 9)
      .tag(6, WIRE_SGROUP)
      .string(2, 'inner')
      .tag(6, 4)
      .tag(5, 4)
      .string(9, 'kept');
    const r = new ProtoReader(w.finish());
    let kept = '';
    while (r.next()) {
      if (r.field === 9) kept = r.string();
      else r.skip();
    }
    expect(kept).toBe('kept');
    expect(r.pos).toBe(r.end);
  });

  it('rejects an unclosed or mismatched group and invalid wire types', () => {
    const open = new ProtoWriter().tag(5, WIRE_SGROUP).int(1, 1).finish();
    const r1 = new ProtoReader(open);
    r1.next();
    expect(protoError(() => r1.skip()).detail).toMatch(/group 5 is not closed/);
    const bad = new ProtoWriter().tag(5, WIRE_SGROUP).tag(6, 4).finish();
    const r2 = new ProtoReader(bad);
    r2.next();
    expect(protoError(() => r2.skip()).detail).toMatch(/group end 6 does not match/);
    expect(protoError(() => new ProtoReader(new Uint8Array([0x0f])).next()).detail).toMatch(
      /invalid wire type 7/,
    );
    expect(protoError(() => new ProtoReader(new Uint8Array([0x00])).next()).detail).toMatch(
      /invalid field number 0/,
    );
    const stray = new ProtoReader(new ProtoWriter().tag(3, 4).finish());
    stray.next();
    expect(protoError(() => stray.skip()).detail).toMatch(/unexpected end-group/);
  });

  it('names the field and both wire types when a known field has the wrong type', () => {
    const r = new ProtoReader(new ProtoWriter().int(7, 1).finish());
    r.next();
    expect(protoError(() => r.expect(WIRE_LEN, 'ModelProto.graph')).detail).toBe(
      'ModelProto.graph (field 7) has wire type varint, expected length-delimited',
    );
  });

  it('reads repeated floats, doubles and varints packed and unpacked, in any mix', () => {
    const w = new ProtoWriter()
      .packedFloats(4, [1, 2.5])
      .float(4, -3)
      .packedDoubles(10, [0.1, 0.2])
      .double(10, 0.3)
      .packedInts(7, [1, -2, 2 ** 40])
      .int(7, 5);
    const r = new ProtoReader(w.finish());
    const f = float32List();
    const d = float64List();
    const i = float64List();
    while (r.next()) {
      if (r.field === 4) r.floats(f, 'f');
      else if (r.field === 10) r.doubles(d, 'd');
      else r.varints(i, 'i');
    }
    expect(Array.from(f.toArray())).toEqual([1, 2.5, -3]);
    expect(Array.from(d.toArray())).toEqual([0.1, 0.2, 0.3]);
    expect(Array.from(i.toArray())).toEqual([1, -2, 2 ** 40, 5]);
  });

  it('rejects packed fixed-size data whose length is not a multiple of the element size', () => {
    const r = new ProtoReader(new ProtoWriter().bytes(4, new Uint8Array(6)).finish());
    r.next();
    expect(protoError(() => r.floats(float32List(), 'TensorProto.float_data')).detail).toMatch(
      /packed TensorProto.float_data has 6 bytes, not a multiple of 4/,
    );
    const r2 = new ProtoReader(new ProtoWriter().tag(4, WIRE_I64).raw(new Uint8Array(8)).finish());
    r2.next();
    expect(protoError(() => r2.floats(float32List(), 'x')).detail).toMatch(
      /wire type fixed64, expected length-delimited/,
    );
  });

  it('rejects a packed varint run that ends inside a varint', () => {
    const r = new ProtoReader(new ProtoWriter().bytes(7, new Uint8Array([1, 0x80])).finish());
    r.next();
    expect(protoError(() => r.varints(float64List(), 'ints')).detail).toMatch(/ends inside a varint/);
  });

  it('reads fixed32/fixed64 only when the bytes are there', () => {
    const r = new ProtoReader(new ProtoWriter().tag(2, WIRE_I32).raw(new Uint8Array(2)).finish());
    r.next();
    expect(protoError(() => r.float()).detail).toMatch(/fixed32 value needs 4 bytes but only 2 remain/);
  });

  it('copies float32 data from unaligned offsets (and from Node Buffers, whose slice() is a view)', () => {
    const values = new Float32Array([1.5, -2.25, 3e-8]);
    const bytes = new Uint8Array(3 + 12);
    bytes.set(new Uint8Array(values.buffer), 3);
    expect(Array.from(readFloat32LE(bytes, 3, 3))).toEqual(Array.from(values));
    const buf = Buffer.concat([Buffer.from([9]), Buffer.from(values.buffer)]);
    expect(Array.from(readFloat32LE(buf, 1, 3))).toEqual(Array.from(values));
  });

  it('reports offsets relative to the whole buffer from inside embedded messages', () => {
    const inner = new ProtoWriter().tag(1, WIRE_LEN).varint(50);
    const bytes = new ProtoWriter().string(1, 'abc').message(2, inner).finish();
    const r = new ProtoReader(bytes);
    r.next();
    r.skip();
    r.next();
    const sub = r.message();
    sub.next();
    const e = protoError(() => sub.bytes());
    expect(e.offset).toBe(5 + 2 + 1); // 'abc' field (5 bytes), tag + length of field 2, inner tag
  });

  it('writes strings as UTF-8 and embedded messages with their length', () => {
    const bytes = new ProtoWriter().message(1, new ProtoWriter().string(2, 'é')).finish();
    expect(Array.from(bytes)).toEqual([0x0a, 4, 0x12, 2, 0xc3, 0xa9]);
  });
});
