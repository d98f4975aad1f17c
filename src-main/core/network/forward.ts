import { validateNetwork, type Activation, type Network, type OutputTransform } from './network.ts';
import { kernelInstance, Layout, type KernelExports } from '../kernels/instance.ts';

/** Applies an activation in place. */
export function applyActivation(a: Activation, x: Float64Array): void {
  const n = x.length;
  switch (a.kind) {
    case 'identity':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (x[i] < 0) x[i] = 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) if (x[i] < 0) x[i] *= a.alpha;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) x[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
      return;
    case 'sign':
      // ONNX Sign: sign(0) = 0.
      for (let i = 0; i < n; i++) x[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0;
      return;
    case 'clip':
      for (let i = 0; i < n; i++) x[i] = Math.min(a.max, Math.max(a.min, x[i]));
      return;
  }
}

/** Applies the output transform row by row to a [batch, classes] matrix, in place. */
export function applyOutputTransform(t: OutputTransform, y: Float64Array, classes: number): void {
  if (t === 'none') return;
  for (let r = 0; r < y.length; r += classes) {
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, y[r + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(y[r + j] - max);
    const logZ = max + Math.log(sum);
    for (let j = 0; j < classes; j++) {
      const logp = y[r + j] - logZ;
      y[r + j] = t === 'logSoftmax' ? logp : Math.exp(logp);
    }
  }
}

/**
 * The forward pass of one network, its weights laid out once in WebAssembly kernel memory
 * (kernels.wat, affine32/affine64: f64 arithmetic, rows with a zero input skipped). Float64
 * throughout, so it is the exact function of the extracted weights that ORT's float32 output is
 * compared with.
 */
export class ForwardPass {
  private readonly kernel: KernelExports;
  private readonly weightPtrs: number[];
  private readonly xPtr: number;
  private readonly yPtr: number;
  private readonly width: number;

  constructor(readonly net: Network) {
    validateNetwork(net);
    const layout = new Layout();
    this.weightPtrs = net.layers.map((l) => layout.alloc(l.weight.byteLength));
    this.width = Math.max(net.inputSize, ...net.layers.map((l) => l.outFeatures));
    this.xPtr = layout.alloc(8 * this.width);
    this.yPtr = layout.alloc(8 * this.width);
    this.kernel = kernelInstance(layout.size);
    const buf = this.kernel.memory.buffer;
    net.layers.forEach((l, k) => {
      const Ctor = l.weight instanceof Float32Array ? Float32Array : Float64Array;
      new Ctor(buf, this.weightPtrs[k], l.weight.length).set(l.weight);
    });
  }

  /** x is row-major [batch, inputSize]; returns [batch, outputs] after the output transform. */
  run(x: ArrayLike<number>, batch: number): Float64Array {
    const net = this.net;
    if (x.length !== batch * net.inputSize) {
      throw new RangeError(`forward: input has ${x.length} values, expected ${batch}×${net.inputSize}`);
    }
    const classes = net.layers[net.layers.length - 1].outFeatures;
    const out = new Float64Array(batch * classes);
    const buf = this.kernel.memory.buffer;
    const xv = new Float64Array(buf, this.xPtr, this.width);
    const yv = new Float64Array(buf, this.yPtr, this.width);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < net.inputSize; i++) xv[i] = x[b * net.inputSize + i];
      net.layers.forEach((l, k) => {
        const y = yv.subarray(0, l.outFeatures);
        if (l.bias) y.set(l.bias);
        else y.fill(0);
        const fn = l.weight instanceof Float32Array ? this.kernel.affine32 : this.kernel.affine64;
        fn(this.weightPtrs[k], l.inFeatures, l.outFeatures, this.xPtr, this.yPtr);
        applyActivation(l.activation, y);
        xv.set(y);
      });
      out.set(xv.subarray(0, classes), b * classes);
    }
    applyOutputTransform(net.output, out, classes);
    return out;
  }
}

/** Forward pass of a batch (row-major [batch, inputSize]) → [batch, outputs], float64. */
export function forward(net: Network, x: ArrayLike<number>, batch: number): Float64Array {
  return new ForwardPass(net).run(x, batch);
}

/** The same in plain TypeScript loops: the reference the kernel is tested against. */
export function forwardReference(net: Network, x: ArrayLike<number>, batch: number): Float64Array {
  let h = Float64Array.from(x as ArrayLike<number>);
  if (h.length !== batch * net.inputSize) {
    throw new RangeError(`forward: input has ${h.length} values, expected ${batch}×${net.inputSize}`);
  }
  for (const layer of net.layers) {
    const { inFeatures: n, outFeatures: m, weight: w, bias } = layer;
    const out = new Float64Array(batch * m);
    for (let b = 0; b < batch; b++) {
      const row = b * m;
      if (bias) for (let j = 0; j < m; j++) out[row + j] = bias[j];
      for (let i = 0; i < n; i++) {
        const xi = h[b * n + i];
        if (xi === 0) continue;
        const wi = i * m;
        for (let j = 0; j < m; j++) out[row + j] += xi * w[wi + j];
      }
    }
    applyActivation(layer.activation, out);
    h = out;
  }
  const classes = net.layers[net.layers.length - 1].outFeatures;
  applyOutputTransform(net.output, h, classes);
  return h;
}
