/**
 * A deliberately flexible ZIP writer for tests: each field can be set to a wrong value, and members
 * can be DEFLATE-compressed (node:zlib), so that the reader's checks can be reached one at a time.
 * Independent of src-main's writer except for the CRC-32 (checked on its own in crc32.test.ts).
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src-main/core/project/crc32.ts';

export interface TestMember {
  name: string;
  data: Uint8Array;
  /** 0 stored (default) or 8 deflate; any other number is written as is, with the data stored. */
  method?: number;
  flags?: number;
  /** Override the uncompressed size written in both headers. */
  size?: number;
  /** Override the CRC written in both headers. */
  crc?: number;
  /** Write sizes 0xFFFFFFFF in the local header and the real ones in a ZIP64 extra field, as numpy.savez does. */
  localZip64?: boolean;
}

export function buildZip(members: TestMember[], opts: { comment?: string } = {}): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = enc.encode(m.name);
    const method = m.method ?? 0;
    const body = method === 8 ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    const crc = m.crc ?? crc32(m.data);
    const size = m.size ?? m.data.length;
    const extra = new Uint8Array(m.localZip64 ? 20 : 0);
    const local = new Uint8Array(30 + name.length + extra.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, m.localZip64 ? 45 : 20, true);
    lv.setUint16(6, m.flags ?? 0, true);
    lv.setUint16(8, method, true);
    lv.setUint16(12, 0x21, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, m.localZip64 ? 0xffffffff : body.length, true);
    lv.setUint32(22, m.localZip64 ? 0xffffffff : size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extra.length, true);
    local.set(name, 30);
    if (m.localZip64) {
      const ev = new DataView(extra.buffer);
      ev.setUint16(0, 1, true);
      ev.setUint16(2, 16, true);
      ev.setBigUint64(4, BigInt(size), true);
      ev.setBigUint64(12, BigInt(body.length), true);
      local.set(extra, 30 + name.length);
    }
    local.set(body, 30 + name.length + extra.length);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, m.flags ?? 0, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const comment = enc.encode(opts.comment ?? '');
  const centralSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22 + comment.length);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  ev.setUint16(20, comment.length, true);
  end.set(comment, 22);
  const out = new Uint8Array(offset + centralSize + end.length);
  let pos = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Offsets of the parts of an archive, read back from its end record (no comment). */
export function layout(zip: Uint8Array): { end: number; centralStart: number; centralSize: number } {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  return { end, centralStart: v.getUint32(end + 16, true), centralSize: v.getUint32(end + 12, true) };
}
