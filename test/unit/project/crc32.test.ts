import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src-main/core/project/crc32.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32 (ZIP/gzip CRC-32)', () => {
  it('gives the standard check value crc32("123456789") = 0xCBF43926', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('matches published values for the empty string, "a" and the pangram', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('continues over data that arrives in pieces', () => {
    const whole = ascii('spin glass, hidden order, critical temperature');
    expect(crc32(whole.subarray(17), crc32(whole.subarray(0, 17)))).toBe(crc32(whole));
  });

  it('agrees with zlib on 64 kB of every byte value', () => {
    const bytes = new Uint8Array(65536);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    // zlib.crc32 exists from Node 20.15; it is the independent reference where present.
    const reference = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    if (reference) expect(crc32(bytes)).toBe(reference(bytes));
    expect(crc32(bytes)).toBe(crc32(bytes.subarray(40000), crc32(bytes.subarray(0, 40000))));
  });
});
