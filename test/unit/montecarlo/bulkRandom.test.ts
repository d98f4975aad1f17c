/**
 * The bulk draws of Random (util/random.ts) that the sampler's hot loops use are the same
 * xoshiro128** stream as nextUint32(), one draw per value, and the float32 uniforms lie strictly
 * inside (0, 1) with the right mean and variance.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src-main/core/util/random.ts';

describe('bulk random draws', () => {
  it('fillUint32 continues the nextUint32 stream exactly, across calls and with calls in between', () => {
    const a = new Random(12345);
    const b = new Random(12345);
    const buf = new Uint32Array(777);
    for (let round = 0; round < 3; round++) {
      b.fillUint32(buf);
      for (let i = 0; i < buf.length; i++) expect(buf[i]).toBe(a.nextUint32());
      expect(b.nextUint32()).toBe(a.nextUint32());
    }
  });

  it('fillUniformFloat32 gives (top 23 bits + ½)·2⁻²³ of the same draws: inside (0, 1), mean ½, variance 1/12', () => {
    const a = new Random(7);
    const b = new Random(7);
    const u = new Float32Array(200_000);
    b.fillUniformFloat32(u);
    let mean = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < 1000; i++) expect(u[i]).toBe(((a.nextUint32() >>> 9) + 0.5) / 2 ** 23);
    for (let i = 0; i < u.length; i++) {
      if (!(u[i] > 0 && u[i] < 1)) outside++;
      mean += u[i];
      sq += u[i] * u[i];
    }
    expect(outside).toBe(0);
    mean /= u.length;
    // The largest possible value, 1 − 2⁻²⁴, is a float32 below 1 (it does not round up).
    expect(Math.fround(1 - 2 ** -24)).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / u.length));
    expect(Math.abs(sq / u.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });
});
