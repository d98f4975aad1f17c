import { describe, expect, it } from 'vitest';
import { BOND_KERNEL_WASM_BASE64 } from '../../../src-main/core/spin/kernels/bondKernel.ts';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileBondKernel } from '../../../scripts/build-wasm.mjs';

describe('WebAssembly spin kernels', () => {
  it('the committed module is exactly bond.wat compiled (run `npm run build:wasm` after editing it)', async () => {
    expect(await compileBondKernel()).toBe(BOND_KERNEL_WASM_BASE64);
  });
});
