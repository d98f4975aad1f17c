import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from '../../src-main/core/kernels/kernelsWasm.ts';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileKernels } from '../../scripts/build-wasm.mjs';

describe('WebAssembly kernels', () => {
  it('the committed module is exactly kernels.wat compiled (run `npm run build:wasm` after editing it)', async () => {
    expect(await compileKernels()).toBe(KERNELS_WASM_BASE64);
  });
});

describe('forward pass in the WebAssembly kernel', () => {
  it('equals the plain TypeScript loops for every activation, with and without biases, f32 and f64', async () => {
    const { randomNetwork } = await import('../../src-main/core/network/init.ts');
    const { ForwardPass, forwardReference } = await import('../../src-main/core/network/forward.ts');
    const { Random } = await import('../../src-main/core/util/random.ts');
    const rng = new Random(4);
    const activations = [
      { kind: 'relu' },
      { kind: 'sign' },
      { kind: 'tanh' },
      { kind: 'leakyRelu', alpha: 0.1 },
      { kind: 'clip', min: -1, max: 1 },
    ] as const;
    for (const activation of activations) {
      for (const bias of [false, true]) {
        const net = randomNetwork({ widths: [23, 17, 9, 5], activation, bias, seed: 3 });
        if (bias) net.layers.forEach((l) => l.bias!.forEach((_, j) => (l.bias![j] = rng.normal())));
        const f64 = {
          ...net,
          layers: net.layers.map((l) => ({ ...l, weight: Float64Array.from(l.weight) })),
        };
        const x = Float64Array.from({ length: 4 * 23 }, (_, i) => (i % 3 === 0 ? 0 : rng.normal()));
        for (const n of [net, f64]) {
          const a = new ForwardPass(n).run(x, 4);
          const b = forwardReference(n, x, 4);
          a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
        }
      }
    }
  });
});
