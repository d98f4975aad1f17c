/**
 * CRC-32 as used by ZIP, gzip and PNG (ISO 3309 / ITU-T V.42: reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF), one table lookup per byte.
 * Check value: crc32("123456789") = 0xCBF43926.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes`, an unsigned 32-bit number. Pass the previous result as `crc` to continue
 * over data that arrives in pieces: crc32(b, crc32(a)) = crc32(a ++ b).
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
