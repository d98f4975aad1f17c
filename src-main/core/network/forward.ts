import type { Activation, Network, OutputTransform } from './network.ts';

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
 * Forward pass of a batch in float64: x is row-major [batch, inputSize]; returns [batch, outputs]
 * after the network's output transform. Row-major i-k-j loops keep the inner loop streaming
 * through one weight row.
 */
export function forward(net: Network, x: ArrayLike<number>, batch: number): Float64Array {
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
