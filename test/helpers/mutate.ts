/**
 * Seeded byte-level mutators for fuzzing the ONNX reader: bit flips, byte sets, truncations,
 * splices (insert/delete/duplicate a chunk, cross-over with another file) and protobuf-aware
 * length-field edits. Every mutation is a pure function of (input bytes, seed): `mutate(bytes, seed)`
 * reproduces it exactly, and its `desc` says what was done.
 */
import { Random } from '../../src-main/core/util/random.ts';

export interface Mutation {
  bytes: Uint8Array;
  /** Mutator family (for counts). */
  kind: MutatorKind;
  /** What was done, e.g. "bitflip @1234 ^0x10": enough to understand a failure. */
  desc: string;
}

export const MUTATOR_KINDS = [
  'bitflip',
  'multiBitflip',
  'byteSet',
  'truncate',
  'insertChunk',
  'deleteChunk',
  'duplicateChunk',
  'crossover',
  'lengthEdit',
  'fieldSplice',
  'stacked',
] as const;
export type MutatorKind = (typeof MUTATOR_KINDS)[number];

/** A length-delimited field found by walkLengthFields: where its length varint sits. */
export interface LengthField {
  /** Offset of the tag varint. */
  tagAt: number;
  fieldNumber: number;
  /** Offset and byte size of the length varint. */
  lenAt: number;
  lenSize: number;
  /** The declared payload length. */
  length: number;
  /** Nesting depth (0 = top-level field of the message). */
  depth: number;
  /** Index (in walkLengthFields' result) of the field whose payload holds this one; -1 at the top. */
  parent: number;
}

/** Reads a varint at `pos`; null if it runs past `end` or is longer than 10 bytes. */
export function readVarint(b: Uint8Array, pos: number, end: number): { value: number; size: number } | null {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) return null;
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  return null;
}

/** Encodes a non-negative integer (exact up to 2^53; larger values are encoded via BigInt). */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt(value);
  if (v < 0n) v = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/**
 * Walks the protobuf message in b[start, end) and every nested length-delimited payload that
 * itself parses as a message, collecting the length-delimited fields. A payload that does not parse
 * completely is not a message (a packed array or a string); a field cut by the end of the buffer
 * (a truncated file) is kept, and its payload walked as far as it goes.
 */
export function walkLengthFields(b: Uint8Array, maxFields = 100_000): LengthField[] {
  const out: LengthField[] = [];
  /** `partial`: a truncated message (the top level, or a field cut by the end of the file). */
  const walk = (start: number, end: number, depth: number, partial: boolean, parent: number): boolean => {
    const found: LengthField[] = [];
    let cut = null as LengthField | null; // set inside parse(): keep TS from narrowing it to null
    // In a truncated message the fields before the cut are still there to edit.
    const parse = (): boolean => {
      let pos = start;
      while (pos < end) {
        const tag = readVarint(b, pos, end);
        if (!tag || tag.value === 0) return false;
        const wire = tag.value % 8;
        const fieldNumber = Math.floor(tag.value / 8);
        if (fieldNumber === 0) return false;
        const tagAt = pos;
        pos += tag.size;
        if (wire === 0) {
          const v = readVarint(b, pos, end);
          if (!v) return false;
          pos += v.size;
        } else if (wire === 1) {
          pos += 8;
        } else if (wire === 5) {
          pos += 4;
        } else if (wire === 2) {
          const len = readVarint(b, pos, end);
          if (!len) return false;
          if (pos + len.size + len.value > end) {
            cut = { tagAt, fieldNumber, lenAt: pos, lenSize: len.size, length: len.value, depth, parent };
            return false;
          }
          found.push({ tagAt, fieldNumber, lenAt: pos, lenSize: len.size, length: len.value, depth, parent });
          pos += len.size + len.value;
        } else {
          return false;
        }
        if (pos > end) return false;
      }
      return true;
    };
    if (!parse() && !partial) return false;
    // Only a payload that parsed completely counts as a message: record it, then descend.
    for (const f of found) {
      if (out.length >= maxFields) break;
      out.push(f);
      const p = f.lenAt + f.lenSize;
      if (depth < 16 && f.length > 1) walk(p, p + f.length, depth + 1, false, out.length - 1);
    }
    if (cut && out.length < maxFields) {
      out.push(cut);
      const p = cut.lenAt + cut.lenSize;
      if (depth < 16 && end - p > 1) walk(p, end, depth + 1, true, out.length - 1);
    }
    return true;
  };
  walk(0, b.length, 0, true, -1);
  return out;
}

const int = (rng: Random, n: number): number => Math.floor(rng.uniform() * n);
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

function splice(b: Uint8Array, at: number, removed: number, inserted: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length - removed + inserted.length);
  out.set(b.subarray(0, at), 0);
  out.set(inserted, at);
  out.set(b.subarray(at + removed), at + inserted.length);
  return out;
}

/** A chunk length biased toward small sizes (1..~4 KiB). */
function chunkLength(rng: Random, max: number): number {
  const n = 1 + Math.floor(Math.exp(rng.uniform() * Math.log(4096)));
  return Math.max(1, Math.min(n, max));
}

/** Lengths a length edit writes: off by one, halved, doubled, and the hostile ones. */
function newLength(rng: Random, old: number, room: number): { value: number | bigint; what: string } {
  const choices: [number | bigint, string][] = [
    [old + 1, 'len+1'],
    [Math.max(0, old - 1), 'len-1'],
    [0, '0'],
    [Math.floor(old / 2), 'len/2'],
    [old * 2 + 1, '2len+1'],
    [room, 'rest of buffer'],
    [room + 1, 'rest of buffer+1'],
    [2 ** 31 - 1, '2^31-1'],
    [2 ** 31, '2^31'],
    [2 ** 32, '2^32'],
    [Number.MAX_SAFE_INTEGER, '2^53-1'],
    [2n ** 63n, '2^63'],
    [2n ** 64n - 1n, '2^64-1'],
    [int(rng, 1 << 20), 'random'],
  ];
  const [value, what] = choices[int(rng, choices.length)]!;
  return { value, what };
}

/** Cache of the length fields of each input (the walk is the costly part of a length edit). */
const fieldCache = new WeakMap<Uint8Array, LengthField[]>();

function fieldsOf(b: Uint8Array): LengthField[] {
  let f = fieldCache.get(b);
  if (!f) {
    f = walkLengthFields(b);
    fieldCache.set(b, f);
  }
  return f;
}

/**
 * Replaces b[from, to) — inside the payload of field `fields[parent]` — by `inserted`, and rewrites
 * the length of every enclosing field so the message stays well-formed: a structural edit that
 * reaches the graph reader instead of the protobuf decoder.
 */
function spliceInField(
  b: Uint8Array,
  fields: readonly LengthField[],
  parent: number,
  from: number,
  to: number,
  inserted: Uint8Array,
): Uint8Array {
  let out = splice(b, from, to - from, inserted);
  let delta = inserted.length - (to - from);
  // Innermost first: each length varint lies before the edit and before the inner ones.
  for (let a = parent; a >= 0 && delta !== 0; a = fields[a]!.parent) {
    const f = fields[a]!;
    const enc = encodeVarint(Math.max(0, f.length + delta));
    out = splice(out, f.lenAt, f.lenSize, enc);
    delta += enc.length - f.lenSize;
  }
  return out;
}

function mutateOnce(
  b: Uint8Array,
  rng: Random,
  kind: Exclude<MutatorKind, 'stacked'>,
  others: readonly Uint8Array[],
): { bytes: Uint8Array; desc: string } {
  const n = b.length;
  switch (kind) {
    case 'bitflip': {
      const out = b.slice();
      const at = int(rng, n);
      const bit = 1 << int(rng, 8);
      out[at]! ^= bit;
      return { bytes: out, desc: `bitflip @${at} ^${hex(bit)}` };
    }
    case 'multiBitflip': {
      const out = b.slice();
      const k = 2 + int(rng, 15);
      const at: number[] = [];
      for (let i = 0; i < k; i++) {
        const p = int(rng, n);
        out[p]! ^= 1 << int(rng, 8);
        at.push(p);
      }
      return { bytes: out, desc: `${k} bitflips @${at.join(',')}` };
    }
    case 'byteSet': {
      const out = b.slice();
      const k = 1 + int(rng, 4);
      const parts: string[] = [];
      for (let i = 0; i < k; i++) {
        const p = int(rng, n);
        const r = rng.uniform();
        const v = r < 0.35 ? 0x00 : r < 0.7 ? 0xff : int(rng, 256);
        out[p] = v;
        parts.push(`@${p}=${hex(v)}`);
      }
      return { bytes: out, desc: `byteSet ${parts.join(' ')}` };
    }
    case 'truncate': {
      const at = int(rng, n);
      return { bytes: b.slice(0, at), desc: `truncate to ${at} of ${n}` };
    }
    case 'insertChunk': {
      const at = int(rng, n + 1);
      const len = chunkLength(rng, 4096);
      const r = rng.uniform();
      const fill = r < 0.3 ? 0x00 : r < 0.6 ? 0xff : -1;
      const chunk = Uint8Array.from({ length: len }, () => (fill >= 0 ? fill : int(rng, 256)));
      return {
        bytes: splice(b, at, 0, chunk),
        desc: `insert ${len} ${fill >= 0 ? hex(fill) : 'random'} bytes @${at}`,
      };
    }
    case 'deleteChunk': {
      const at = int(rng, n);
      const len = chunkLength(rng, n - at);
      return { bytes: splice(b, at, len, new Uint8Array(0)), desc: `delete ${len} bytes @${at}` };
    }
    case 'duplicateChunk': {
      const from = int(rng, n);
      const len = chunkLength(rng, n - from);
      const at = int(rng, n + 1);
      return {
        bytes: splice(b, at, 0, b.slice(from, from + len)),
        desc: `duplicate [${from}, ${from + len}) @${at}`,
      };
    }
    case 'crossover': {
      const o = others.length > 0 ? int(rng, others.length) : -1;
      const other = o >= 0 ? others[o]! : b;
      const cut = int(rng, n + 1);
      const from = int(rng, other.length + 1);
      const out = new Uint8Array(cut + other.length - from);
      out.set(b.subarray(0, cut), 0);
      out.set(other.subarray(from), cut);
      return { bytes: out, desc: `crossover: [0, ${cut}) + other#${o}[${from}, end)` };
    }
    case 'lengthEdit': {
      const fields = fieldsOf(b);
      if (fields.length === 0) return mutateOnce(b, rng, 'bitflip', others);
      const f = fields[int(rng, fields.length)]!;
      const room = n - (f.lenAt + f.lenSize);
      const { value, what } = newLength(rng, f.length, room);
      return {
        bytes: splice(b, f.lenAt, f.lenSize, encodeVarint(value)),
        desc: `length of field ${f.fieldNumber} (depth ${f.depth}, tag @${f.tagAt}) ${f.length} -> ${value} (${what})`,
      };
    }
    case 'fieldSplice': {
      const fields = fieldsOf(b);
      if (fields.length === 0) return mutateOnce(b, rng, 'bitflip', others);
      const fi = int(rng, fields.length);
      const f = fields[fi]!;
      const end = Math.min(n, f.lenAt + f.lenSize + f.length);
      const whole = b.slice(f.tagAt, end);
      const r = rng.uniform();
      const at = `field ${f.fieldNumber} (depth ${f.depth}, tag @${f.tagAt})`;
      if (r < 0.4) {
        return {
          bytes: spliceInField(b, fields, f.parent, f.tagAt, end, new Uint8Array(0)),
          desc: `remove ${at}`,
        };
      }
      if (r < 0.7) {
        return { bytes: spliceInField(b, fields, f.parent, end, end, whole), desc: `repeat ${at}` };
      }
      // Swap in a sibling-kind field (same number and depth) from this or another input.
      const o = others.length > 0 ? int(rng, others.length) : -1;
      const src = o >= 0 ? others[o]! : b;
      const cands = fieldsOf(src).filter((g) => g.fieldNumber === f.fieldNumber && g.depth === f.depth);
      if (cands.length === 0) {
        return {
          bytes: spliceInField(b, fields, f.parent, f.tagAt, end, new Uint8Array(0)),
          desc: `remove ${at}`,
        };
      }
      const g = cands[int(rng, cands.length)]!;
      const gEnd = Math.min(src.length, g.lenAt + g.lenSize + g.length);
      return {
        bytes: spliceInField(b, fields, f.parent, f.tagAt, end, src.slice(g.tagAt, gEnd)),
        desc: `replace ${at} by other#${o} field @${g.tagAt}`,
      };
    }
  }
}

/**
 * One mutation of `b`, chosen and carried out from `seed` alone. `others` are inputs for
 * cross-over (pass the same list in the same order to reproduce).
 */
export function mutate(b: Uint8Array, seed: number, others: readonly Uint8Array[] = []): Mutation {
  const rng = new Random(seed);
  const kind = MUTATOR_KINDS[int(rng, MUTATOR_KINDS.length)]!;
  if (b.length === 0) return { bytes: new Uint8Array([int(rng, 256)]), kind, desc: 'one byte (empty input)' };
  if (kind !== 'stacked') return { kind, ...mutateOnce(b, rng, kind, others) };
  const steps = 2 + int(rng, 3);
  let cur = b;
  const descs: string[] = [];
  for (let i = 0; i < steps; i++) {
    const k = MUTATOR_KINDS[int(rng, MUTATOR_KINDS.length - 1)] as Exclude<MutatorKind, 'stacked'>;
    if (cur.length === 0) break;
    const m = mutateOnce(cur, rng, k, others);
    cur = m.bytes;
    descs.push(m.desc);
  }
  return { bytes: cur, kind, desc: `stacked: ${descs.join('; ')}` };
}
