/**
 * The part of the ZIP format (PKWARE APPNOTE.TXT, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
 * that .npz files use: a local file header and the bytes of each member, then the central directory
 * (one record per member, §4.3.12) and the end-of-central-directory record (§4.3.16).
 *
 * Written: STORED members (method 0, no compression), no extra fields, a fixed timestamp
 * (1980-01-01 00:00, the DOS epoch) so that the same arrays give the same bytes.
 * Read: STORED and DEFLATE (method 8, what `numpy.savez_compressed` writes) members, taking sizes
 * and offsets from the central directory and checking them against each local header, the data
 * descriptor flag and the ZIP64 extra field that `numpy.savez` puts in every local header
 * (`force_zip64=True`) — but not archives that need ZIP64 (over 4 GiB or 65 535 members): those
 * give a ZipError. Every member's size and CRC-32 are verified.
 *
 * Hostile input is bounded: member count and total size have limits, a DEFLATE stream cannot
 * inflate past the size its directory record declares, and members may not overlap.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.ts';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipMember {
  /** The member's path inside the archive, e.g. "weights.npy". */
  name: string;
  data: Uint8Array;
}

export interface ZipLimits {
  /** Most members accepted (default 10 000). */
  maxMembers?: number;
  /** Most uncompressed bytes accepted over all members (default 4 GiB). */
  maxTotalBytes?: number;
}

const DEFAULT_MAX_MEMBERS = 10_000;
const DEFAULT_MAX_TOTAL_BYTES = 2 ** 32;

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;
const MAX_COMMENT = 0xffff;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_NAMES: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'BZIP2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  99: 'AES encryption',
};

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

/** DOS date of 1980-01-01: (year − 1980) << 9 | month << 5 | day. */
const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;
/** Version 2.0 of the format: what stored and deflated members need. */
const VERSION_NEEDED = 20;
/** Made by: Unix (3) << 8 | version 2.0, so the external attributes below are Unix permissions. */
const VERSION_MADE_BY = (3 << 8) | 20;
/** A regular file, rw-r--r--. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** Largest inflate ratio DEFLATE can reach (a 258-byte match per ~2 bits): a bigger claim is corrupt. */
const MAX_DEFLATE_RATIO = 1032;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function quoteName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return `'${s.length > 80 ? `${s.slice(0, 80)}…` : s}'`;
}

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b < 0x80);
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Builds a ZIP archive of STORED members, in the given order. `what` names it in error messages. */
export function encodeZip(members: ZipMember[], what = 'archive'): Uint8Array {
  if (members.length > U16_MAX) {
    throw new ZipError(`${what}: ${members.length} members need ZIP64 (the plain format holds ${U16_MAX})`);
  }
  const encoder = new TextEncoder();
  const names = members.map((m) => encoder.encode(m.name));
  const seen = new Set<string>();
  members.forEach((m, i) => {
    if (names[i].length === 0 || names[i].length > U16_MAX) {
      throw new ZipError(`${what}: member name ${quoteName(m.name)} must have 1 to ${U16_MAX} bytes`);
    }
    if (seen.has(m.name)) throw new ZipError(`${what}: two members are named ${quoteName(m.name)}`);
    seen.add(m.name);
  });
  let localBytes = 0;
  let centralBytes = 0;
  members.forEach((m, i) => {
    localBytes += LOCAL_SIZE + names[i].length + m.data.length;
    centralBytes += CENTRAL_SIZE + names[i].length;
  });
  // The directory's offset and size are 32-bit fields, and 0xFFFFFFFF means "see the ZIP64 record".
  if (localBytes >= U32_MAX || centralBytes >= U32_MAX) {
    throw new ZipError(
      `${what}: ${localBytes + centralBytes} bytes need ZIP64 (the plain format holds 4 GiB); ` +
        'split the arrays over several files',
    );
  }

  const out = new Uint8Array(localBytes + centralBytes + END_SIZE);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  const crcs: number[] = [];
  let pos = 0;
  members.forEach((m, i) => {
    const name = names[i];
    const crc = crc32(m.data);
    offsets.push(pos);
    crcs.push(crc);
    view.setUint32(pos, LOCAL_SIG, true);
    view.setUint16(pos + 4, VERSION_NEEDED, true);
    view.setUint16(pos + 6, isAscii(name) ? 0 : FLAG_UTF8, true);
    view.setUint16(pos + 8, METHOD_STORED, true);
    view.setUint16(pos + 10, 0, true); // time 00:00:00
    view.setUint16(pos + 12, DOS_DATE_1980, true);
    view.setUint32(pos + 14, crc, true);
    view.setUint32(pos + 18, m.data.length, true); // compressed size
    view.setUint32(pos + 22, m.data.length, true); // uncompressed size
    view.setUint16(pos + 26, name.length, true);
    view.setUint16(pos + 28, 0, true); // extra field length
    out.set(name, pos + LOCAL_SIZE);
    out.set(m.data, pos + LOCAL_SIZE + name.length);
    pos += LOCAL_SIZE + name.length + m.data.length;
  });
  const centralStart = pos;
  members.forEach((m, i) => {
    const name = names[i];
    view.setUint32(pos, CENTRAL_SIG, true);
    view.setUint16(pos + 4, VERSION_MADE_BY, true);
    view.setUint16(pos + 6, VERSION_NEEDED, true);
    view.setUint16(pos + 8, isAscii(name) ? 0 : FLAG_UTF8, true);
    view.setUint16(pos + 10, METHOD_STORED, true);
    view.setUint16(pos + 12, 0, true);
    view.setUint16(pos + 14, DOS_DATE_1980, true);
    view.setUint32(pos + 16, crcs[i], true);
    view.setUint32(pos + 20, m.data.length, true);
    view.setUint32(pos + 24, m.data.length, true);
    view.setUint16(pos + 28, name.length, true);
    // extra length, comment length, disk number, internal attributes: 0
    view.setUint32(pos + 38, EXTERNAL_ATTRIBUTES, true);
    view.setUint32(pos + 42, offsets[i], true);
    out.set(name, pos + CENTRAL_SIZE);
    pos += CENTRAL_SIZE + name.length;
  });
  view.setUint32(pos, END_SIG, true);
  // disk numbers: 0
  view.setUint16(pos + 8, members.length, true);
  view.setUint16(pos + 10, members.length, true);
  view.setUint32(pos + 12, pos - centralStart, true);
  view.setUint32(pos + 16, centralStart, true);
  // comment length: 0
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface CentralRecord {
  name: string;
  nameBytes: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the record starts, for messages. */
  at: number;
}

/** Finds the end-of-central-directory record: the last signature whose comment reaches the end. */
function findEnd(bytes: Uint8Array, view: DataView, source: string): number {
  const lowest = Math.max(0, bytes.length - END_SIZE - MAX_COMMENT);
  for (let pos = bytes.length - END_SIZE; pos >= lowest; pos--) {
    if (
      view.getUint32(pos, true) === END_SIG &&
      pos + END_SIZE + view.getUint16(pos + 20, true) === bytes.length
    ) {
      return pos;
    }
  }
  const startsLikeZip = bytes.length >= 4 && view.getUint32(0, true) === LOCAL_SIG;
  const npy = bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55; // "\x93NU"
  throw new ZipError(
    startsLikeZip
      ? `${source} is truncated: it starts like a ZIP archive but has no end-of-central-directory record ` +
          `(${bytes.length} bytes; cut short by an interrupted copy or write?)`
      : `${source} is not a ZIP archive (no end-of-central-directory record in its ${bytes.length} bytes)` +
          (npy ? '; it is a .npy file — read it with decodeNpy' : ''),
  );
}

function readCentralDirectory(
  bytes: Uint8Array,
  view: DataView,
  source: string,
  maxMembers: number,
): { records: CentralRecord[]; centralStart: number } {
  const end = findEnd(bytes, view, source);
  const disk = view.getUint16(end + 4, true);
  const centralDisk = view.getUint16(end + 6, true);
  const diskEntries = view.getUint16(end + 8, true);
  const entries = view.getUint16(end + 10, true);
  const centralSize = view.getUint32(end + 12, true);
  const centralStart = view.getUint32(end + 16, true);
  if (entries === U16_MAX || centralSize === U32_MAX || centralStart === U32_MAX) {
    throw new ZipError(
      `${source} is a ZIP64 archive (over 65 535 members or 4 GiB); Spinscope reads plain ZIP archives only`,
    );
  }
  if (disk !== 0 || centralDisk !== 0 || diskEntries !== entries) {
    throw new ZipError(`${source} is one part of a multi-volume (split) ZIP archive; join the parts first`);
  }
  if (entries > maxMembers) {
    throw new ZipError(`${source} declares ${entries} members, more than the ${maxMembers} accepted`);
  }
  if (centralStart + centralSize > end) {
    throw new ZipError(
      `${source} is corrupted: its central directory (${centralSize} bytes at byte ${centralStart}) runs past ` +
        `its end record at byte ${end}`,
    );
  }
  if (entries * CENTRAL_SIZE > centralSize) {
    throw new ZipError(
      `${source} is corrupted: ${entries} members cannot fit in a ${centralSize}-byte central directory`,
    );
  }

  const records: CentralRecord[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pos = centralStart;
  const centralEnd = centralStart + centralSize;
  for (let i = 0; i < entries; i++) {
    if (pos + CENTRAL_SIZE > centralEnd || view.getUint32(pos, true) !== CENTRAL_SIG) {
      throw new ZipError(
        `${source} is corrupted: directory record ${i} at byte ${pos} is missing or damaged`,
      );
    }
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    const next = pos + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > centralEnd) {
      throw new ZipError(`${source} is corrupted: directory record ${i} runs past the end of the directory`);
    }
    const flags = view.getUint16(pos + 8, true);
    const nameBytes = bytes.subarray(pos + CENTRAL_SIZE, pos + CENTRAL_SIZE + nameLength);
    let name: string;
    if (isAscii(nameBytes) || flags & FLAG_UTF8) {
      try {
        name = utf8.decode(nameBytes);
      } catch {
        throw new ZipError(`${source}: the name of member ${i} is marked UTF-8 but is not valid UTF-8`);
      }
    } else {
      throw new ZipError(
        `${source}: the name of member ${i} is not ASCII and not marked UTF-8 (an old code page); ` +
          'rewrite the archive with a current zip tool or NumPy',
      );
    }
    records.push({
      name,
      nameBytes,
      flags,
      method: view.getUint16(pos + 10, true),
      crc: view.getUint32(pos + 16, true),
      compressedSize: view.getUint32(pos + 20, true),
      size: view.getUint32(pos + 24, true),
      localOffset: view.getUint32(pos + 42, true),
      at: pos,
    });
    pos = next;
  }
  return { records, centralStart };
}

/** The sizes in a local header's ZIP64 extra field (id 0x0001), present where the 32-bit field is 0xFFFFFFFF. */
function localZip64Sizes(
  view: DataView,
  extraStart: number,
  extraEnd: number,
  sizeField: number,
  compressedField: number,
): { size?: number; compressedSize?: number } {
  let pos = extraStart;
  while (pos + 4 <= extraEnd) {
    const id = view.getUint16(pos, true);
    const length = view.getUint16(pos + 2, true);
    const body = pos + 4;
    if (body + length > extraEnd) break;
    if (id === 0x0001) {
      const out: { size?: number; compressedSize?: number } = {};
      let p = body;
      const u64 = (): number | undefined => {
        if (p + 8 > body + length) return undefined;
        const v = view.getBigUint64(p, true);
        p += 8;
        return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
      };
      if (sizeField === U32_MAX) out.size = u64();
      if (compressedField === U32_MAX) out.compressedSize = u64();
      return out;
    }
    pos = body + length;
  }
  return {};
}

/**
 * Reads every member of a ZIP archive, in directory order, verifying sizes and CRC-32s. `source`
 * names the archive in error messages.
 */
export function decodeZip(bytes: Uint8Array, source = 'archive', limits: ZipLimits = {}): ZipMember[] {
  const maxMembers = limits.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  if (bytes.length < END_SIZE) {
    throw new ZipError(
      `${source} is not a ZIP archive: ${bytes.length} bytes, shorter than the smallest (22)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { records, centralStart } = readCentralDirectory(bytes, view, source, maxMembers);

  // Sizes first, so nothing is inflated before the whole archive is known to be within limits.
  let total = 0;
  const names = new Set<string>();
  for (const r of records) {
    const member = `${source}: member ${quoteName(r.name)}`;
    if (names.has(r.name)) throw new ZipError(`${source} holds two members named ${quoteName(r.name)}`);
    names.add(r.name);
    if (r.flags & FLAG_ENCRYPTED) throw new ZipError(`${member} is encrypted; store the arrays unencrypted`);
    if (r.size === U32_MAX || r.compressedSize === U32_MAX || r.localOffset === U32_MAX) {
      throw new ZipError(`${member} needs ZIP64 (4 GiB or more); Spinscope reads plain ZIP archives only`);
    }
    if (r.method === METHOD_STORED && r.compressedSize !== r.size) {
      throw new ZipError(
        `${member} is stored uncompressed but its directory record gives ${r.compressedSize} stored bytes ` +
          `for ${r.size} bytes of content; the archive is corrupted`,
      );
    }
    if (r.method === METHOD_DEFLATE && r.size > MAX_DEFLATE_RATIO * r.compressedSize + 1024) {
      throw new ZipError(
        `${member} claims to inflate ${r.compressedSize} bytes to ${r.size}, more than DEFLATE can; ` +
          'the archive is corrupted',
      );
    }
    if (r.method !== METHOD_STORED && r.method !== METHOD_DEFLATE) {
      const name = METHOD_NAMES[r.method] ? ` (${METHOD_NAMES[r.method]})` : '';
      throw new ZipError(
        `${member} uses compression method ${r.method}${name}; Spinscope reads stored (0) and DEFLATE (8) ` +
          'members, as numpy.savez and numpy.savez_compressed write them',
      );
    }
    total += r.size;
    if (total > maxTotalBytes) {
      throw new ZipError(
        `${source}: its members hold more than ${maxTotalBytes} bytes uncompressed, more than accepted`,
      );
    }
  }

  // Each member's local header and data must lie before the directory, in order, without overlap.
  const spans = records.map((r) => {
    const member = `${source}: member ${quoteName(r.name)}`;
    const at = r.localOffset;
    if (at + LOCAL_SIZE > centralStart || view.getUint32(at, true) !== LOCAL_SIG) {
      throw new ZipError(`${member}: no local file header at byte ${at}; the archive is corrupted`);
    }
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const dataStart = at + LOCAL_SIZE + nameLength + extraLength;
    const dataEnd = dataStart + r.compressedSize;
    if (dataEnd > centralStart) {
      throw new ZipError(
        `${member} is truncated: its ${r.compressedSize} bytes would end at byte ${dataEnd}, past the start ` +
          `of the central directory at byte ${centralStart}`,
      );
    }
    const localName = bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength);
    if (localName.length !== r.nameBytes.length || !localName.every((b, k) => b === r.nameBytes[k])) {
      throw new ZipError(`${member}: the name in its local header differs from the directory's; corrupted`);
    }
    const localMethod = view.getUint16(at + 8, true);
    if (localMethod !== r.method) {
      throw new ZipError(
        `${member}: its local header gives compression method ${localMethod}, the directory ${r.method}`,
      );
    }
    if (!(r.flags & FLAG_DATA_DESCRIPTOR)) {
      // Without a data descriptor the local header carries the CRC and sizes too; numpy.savez
      // writes the sizes as 0xFFFFFFFF with the real values in a ZIP64 extra field.
      const localCrc = view.getUint32(at + 14, true);
      let compressedSize = view.getUint32(at + 18, true);
      let size = view.getUint32(at + 22, true);
      const zip64 = localZip64Sizes(view, at + LOCAL_SIZE + nameLength, dataStart, size, compressedSize);
      if (size === U32_MAX && zip64.size !== undefined) size = zip64.size;
      if (compressedSize === U32_MAX && zip64.compressedSize !== undefined)
        compressedSize = zip64.compressedSize;
      if (localCrc !== r.crc || compressedSize !== r.compressedSize || size !== r.size) {
        throw new ZipError(
          `${member}: its local header (CRC ${localCrc.toString(16)}, ${compressedSize} → ${size} bytes) ` +
            `disagrees with the directory (CRC ${r.crc.toString(16)}, ${r.compressedSize} → ${r.size} bytes); ` +
            'the archive is corrupted',
        );
      }
    }
    return { start: at, end: dataEnd, name: r.name, dataStart };
  });
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].start < ordered[i - 1].end) {
      throw new ZipError(
        `${source}: members ${quoteName(ordered[i - 1].name)} and ${quoteName(ordered[i].name)} overlap; ` +
          'the archive is corrupted or crafted',
      );
    }
  }

  return records.map((r, i) => {
    const member = `${source}: member ${quoteName(r.name)}`;
    const raw = bytes.subarray(spans[i].dataStart, spans[i].end);
    let data: Uint8Array;
    if (r.method === METHOD_STORED) {
      data = new Uint8Array(raw); // a copy, independent of the archive's buffer
    } else {
      try {
        const inflated = inflateRawSync(raw, { maxOutputLength: Math.max(1, r.size) });
        data = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      } catch (e) {
        const tooBig = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        throw new ZipError(
          tooBig
            ? `${member} inflates to more than the ${r.size} bytes its directory record declares; corrupted`
            : `${member} cannot be inflated (${(e as Error).message}); the archive is corrupted`,
          { cause: e },
        );
      }
      if (data.length !== r.size) {
        throw new ZipError(
          `${member} inflates to ${data.length} bytes but its directory record declares ${r.size}; corrupted`,
        );
      }
    }
    const crc = crc32(data);
    if (crc !== r.crc) {
      throw new ZipError(
        `${member} fails its CRC-32 check (computed ${crc.toString(16).padStart(8, '0')}, recorded ` +
          `${r.crc.toString(16).padStart(8, '0')}); the archive is corrupted`,
      );
    }
    return { name: r.name, data };
  });
}
