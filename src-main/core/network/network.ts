/**
 * The network Spinscope maps onto a spin model: an ordered chain of dense layers.
 *
 * Orientation convention (science.md §1): every weight matrix is stored row-major with shape
 * [in, out] — rows are the neurons of layer k−1, columns the neurons of layer k — whatever the
 * orientation in the file it came from (PyTorch's Gemm(transB=1) stores [out, in]).
 */

/** Weights keep the precision of their source: float32 (or float16, widened) stays float32, double stays double. */
export type WeightArray = Float32Array | Float64Array;

export type Activation =
  | { kind: 'identity' }
  | { kind: 'relu' }
  | { kind: 'leakyRelu'; alpha: number }
  | { kind: 'tanh' }
  | { kind: 'sigmoid' }
  | { kind: 'sign' }
  | { kind: 'clip'; min: number; max: number };

export type ActivationKind = Activation['kind'];

/** What the network's last node produces from the last layer's pre-activations. */
export type OutputTransform = 'none' | 'softmax' | 'logSoftmax';

export interface DenseLayer {
  /** Fan-in N_{k−1}. */
  readonly inFeatures: number;
  /** Fan-out N_k. */
  readonly outFeatures: number;
  /** Row-major [in, out]: weight[i * outFeatures + j] couples input neuron i to output neuron j. */
  readonly weight: WeightArray;
  /** Length outFeatures, or absent. */
  readonly bias?: WeightArray;
  /** Applied to this layer's pre-activation (identity for a linear output layer). */
  readonly activation: Activation;
}

export interface Network {
  readonly inputSize: number;
  readonly layers: readonly DenseLayer[];
  readonly output: OutputTransform;
}

/** Widths N_0..N_L: the spin layers of the model (input and output included). */
export function layerWidths(net: Network): number[] {
  return [net.inputSize, ...net.layers.map((l) => l.outFeatures)];
}

export function spinCount(net: Network): number {
  return layerWidths(net).reduce((a, b) => a + b, 0);
}

export function couplingCount(net: Network): number {
  return net.layers.reduce((a, l) => a + l.inFeatures * l.outFeatures, 0);
}

export class NetworkError extends Error {
  override name = 'NetworkError';
}

/**
 * Checks the invariants every consumer relies on: matching widths, array sizes, finite values.
 * Throws a NetworkError naming the layer and what is wrong.
 */
export function validateNetwork(net: Network, source = 'network'): void {
  if (net.layers.length === 0) throw new NetworkError(`${source}: has no dense layer`);
  let width = net.inputSize;
  net.layers.forEach((layer, k) => {
    const name = `${source}: layer ${k + 1}`;
    if (layer.inFeatures !== width) {
      throw new NetworkError(
        `${name} expects ${layer.inFeatures} inputs but the previous layer has ${width}`,
      );
    }
    if (layer.weight.length !== layer.inFeatures * layer.outFeatures) {
      throw new NetworkError(
        `${name}: weight has ${layer.weight.length} values, expected ${layer.inFeatures}×${layer.outFeatures}`,
      );
    }
    if (layer.bias && layer.bias.length !== layer.outFeatures) {
      throw new NetworkError(`${name}: bias has ${layer.bias.length} values, expected ${layer.outFeatures}`);
    }
    const bad = firstNonFinite(layer.weight);
    if (bad >= 0) {
      const i = Math.floor(bad / layer.outFeatures);
      const j = bad % layer.outFeatures;
      throw new NetworkError(
        `${name}: weight [${i}, ${j}] is ${layer.weight[bad]}; a spin model needs finite couplings (was the model trained to divergence?)`,
      );
    }
    if (layer.bias) {
      const b = firstNonFinite(layer.bias);
      if (b >= 0) {
        throw new NetworkError(
          `${name}: bias [${b}] is ${layer.bias[b]}; biases become fields h_i when kept, and must be finite (was the model trained to divergence?)`,
        );
      }
    }
    width = layer.outFeatures;
  });
}

function firstNonFinite(a: WeightArray): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** The weight of layer k as [out, in] (PyTorch's nn.Linear layout), for writers and comparisons. */
export function transposeWeight(layer: DenseLayer): WeightArray {
  const { inFeatures: n, outFeatures: m, weight } = layer;
  const t = new (weight.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = weight[i * m + j];
  return t;
}

export function describeActivation(a: Activation): string {
  switch (a.kind) {
    case 'leakyRelu':
      return `leakyRelu(${a.alpha})`;
    case 'clip':
      return `clip(${a.min}, ${a.max})`;
    default:
      return a.kind;
  }
}
