/**
 * The two sweep kernels compute the same things: onnxruntime's local fields equal the plain
 * loops' (to float32 rounding) and the direct energy of each copy; at zero temperature (β → ∞)
 * both rules become deterministic (σ ← sign h), so the float32 graph and the float64 loops must
 * produce identical spins, energies and flip counts, sweep after sweep.
 */
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { JsFields } from '../../../src-main/core/montecarlo/localFields.ts';
import { OrtFields } from '../../../src-main/core/montecarlo/ortFields.ts';
import { OrtSweep } from '../../../src-main/core/montecarlo/ortSweep.ts';
import { allocateLayers, configuration, SpinChain } from '../../../src-main/core/montecarlo/spinChain.ts';
import { JsSweep } from '../../../src-main/core/montecarlo/sweepKernels.ts';
import { Random } from '../../../src-main/core/util/random.ts';

const chain = SpinChain.fromNetwork(randomNetwork({ widths: [30, 17, 24, 5], seed: 6, init: 'kaiming' }));
const copies = 6;

function randomSpins(seed: number) {
  const rng = new Random(seed);
  const spins = allocateLayers(chain, copies);
  for (const l of spins) for (let i = 0; i < l.length; i++) l[i] = rng.uniform() < 0.5 ? 1 : -1;
  return spins;
}

describe('sweep kernels', () => {
  it('onnxruntime fields equal the loops, and −Σ_even σ·h is the energy of each copy', async () => {
    const spins = randomSpins(1);
    const ort = await OrtFields.create(chain, copies);
    const js = new JsFields(chain, copies);
    for (const parity of [0, 1] as const) {
      const a = (await ort.compute(parity, spins)).map((x) => Float32Array.from(x));
      const b = js.compute(parity, spins);
      for (const k of chain.layersOf(parity)) {
        for (let i = 0; i < a[k].length; i++) expect(a[k][i]).toBeCloseTo(b[k][i], 4);
      }
      if (parity === 0) {
        for (let r = 0; r < copies; r++) {
          let e = 0;
          for (const k of chain.layersOf(0)) {
            const n = chain.widths[k];
            for (let i = 0; i < n; i++) e -= spins[k][r * n + i] * b[k][r * n + i];
          }
          expect(e).toBeCloseTo(chain.energy(configuration(chain, spins, r)), 4);
        }
      }
    }
    await ort.dispose();
  });

  for (const rule of ['metropolis', 'heatbath'] as const) {
    it(`at zero temperature the float32 graph and the float64 loops agree exactly (${rule})`, async () => {
      const a = randomSpins(2);
      const b = randomSpins(2);
      const beta = new Float64Array(copies).fill(1e6);
      const ort = await OrtSweep.create(chain, copies, rule);
      const js = new JsSweep(chain, copies, rule);
      const [ra, rb] = [new Random(3), new Random(4)];
      let changed = 0;
      for (let s = 0; s < 4; s++) {
        for (const parity of [1, 0] as const) {
          const [ea, eb, fa, fb] = [0, 0, 0, 0].map(() => new Float64Array(copies));
          await ort.halfSweep(parity, a, beta, ra, ea, fa);
          js.halfSweep(parity, b, beta, rb, eb, fb);
          for (let k = 0; k < a.length; k++) expect(Array.from(a[k])).toEqual(Array.from(b[k]));
          for (let r = 0; r < copies; r++) {
            expect(ea[r]).toBeCloseTo(eb[r], 4);
            expect(fa[r]).toBe(fb[r]);
            changed += fa[r];
          }
          if (parity === 0) {
            for (let r = 0; r < copies; r++)
              expect(ea[r]).toBeCloseTo(chain.energy(configuration(chain, a, r)), 4);
          }
        }
      }
      expect(changed).toBeGreaterThan(0);
      await ort.dispose();
    });
  }
});
