import { Random } from '../util/random.ts';
import type { Activation, DenseLayer, Network } from './network.ts';

/**
 * Weight initialisations, described by C = variance × fan-in (science.md §2):
 * Kaiming-normal C = 2, Glorot-normal C = 2·fan_in/(fan_in+fan_out), PyTorch's default
 * Linear init (uniform ±1/√fan_in) C = 1/3.
 */
export type InitScheme = 'kaiming' | 'glorot' | 'pytorch-default' | { gaussianC: number };

export interface RandomNetworkOptions {
  widths: readonly number[];
  init?: InitScheme;
  seed?: number;
  /** Hidden activation; the output layer is linear. */
  activation?: Activation;
  bias?: boolean;
}

export function randomNetwork(opts: RandomNetworkOptions): Network {
  const { widths, init = 'kaiming', seed = 0, activation = { kind: 'relu' }, bias = false } = opts;
  const rng = new Random(seed);
  const layers: DenseLayer[] = [];
  for (let k = 1; k < widths.length; k++) {
    const n = widths[k - 1];
    const m = widths[k];
    const w = new Float32Array(n * m);
    if (init === 'pytorch-default') {
      const bound = 1 / Math.sqrt(n);
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * bound;
    } else {
      const c = init === 'kaiming' ? 2 : init === 'glorot' ? (2 * n) / (n + m) : init.gaussianC;
      const std = Math.sqrt(c / n);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    }
    const last = k === widths.length - 1;
    layers.push({
      inFeatures: n,
      outFeatures: m,
      weight: w,
      bias: bias ? new Float32Array(m) : undefined,
      activation: last ? { kind: 'identity' } : activation,
    });
  }
  return { inputSize: widths[0], layers, output: 'none' };
}
