/**
 * One instance of the WebAssembly kernels (kernels.wat) with its own linear memory. Callers lay out
 * their arrays in that memory and pass byte offsets; typed-array views are taken after the memory
 * has its final size (growing would detach them).
 */
import { KERNELS_WASM_BASE64 } from './kernelsWasm.ts';
import { NetworkError } from '../network/network.ts';

type Ptr = number;
export interface KernelExports {
  memory: WebAssembly.Memory;
  fused32(W: Ptr, n: number, m: number, vin: Ptr, vout: Ptr, yin: Ptr, yout: Ptr): void;
  fused64(W: Ptr, n: number, m: number, vin: Ptr, vout: Ptr, yin: Ptr, yout: Ptr): void;
  dots(V: Ptr, m: number, n: number, w: Ptr, c: Ptr): void;
  subtract(V: Ptr, m: number, n: number, c: Ptr, w: Ptr): void;
  affine32(W: Ptr, n: number, m: number, x: Ptr, y: Ptr): void;
  affine64(W: Ptr, n: number, m: number, x: Ptr, y: Ptr): void;
  rowdots32(W: Ptr, n: number, m: number, v: Ptr, y: Ptr): void;
  rowdots64(W: Ptr, n: number, m: number, v: Ptr, y: Ptr): void;
}

let compiled: WebAssembly.Module | null = null;

/** A kernel instance whose memory holds at least `bytes` bytes. */
export function kernelInstance(bytes: number): KernelExports {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > 65536) {
    throw new NetworkError(
      `the network is too large for Spinscope's kernels: ${bytes} bytes of weights and work space, the limit is 4 GiB`,
    );
  }
  const exports = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  const have = exports.memory.buffer.byteLength / 65536;
  if (pages > have) exports.memory.grow(pages - have);
  return exports;
}

/** Bump allocator over a byte range, 16-byte aligned (SIMD loads). */
export class Layout {
  private next = 0;
  alloc(bytes: number): Ptr {
    const at = (this.next + 15) & ~15;
    this.next = at + bytes;
    return at;
  }
  get size(): number {
    return this.next;
  }
}
