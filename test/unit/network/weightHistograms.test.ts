/**
 * Per-layer weight histograms: the counts of every layer add up to its number of couplings, the
 * bins hold the weights a direct count puts there, and the moments agree with an independent
 * reference — the replica C_k = N_{k−1}·mean(W²) that numpy computed for the shared fixture
 * (science.md §2; mean(W²) = std² + mean²).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Network } from '../../../src-main/core/network/network.ts';
import { layerWeightHistograms } from '../../../src-main/core/network/weightHistograms.ts';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';
import { histogram } from '../../../src-main/core/spectral/histogram.ts';

const SHARED = resolve(import.meta.dirname, '../../../../shared/fixtures/onnx');

function net(layers: { nIn: number; nOut: number; w: number[] }[]): Network {
  return {
    inputSize: layers[0].nIn,
    output: 'none',
    layers: layers.map((l) => ({
      inFeatures: l.nIn,
      outFeatures: l.nOut,
      weight: Float64Array.from(l.w),
      activation: { kind: 'identity' as const },
    })),
  };
}

describe('layerWeightHistograms', () => {
  it('bins a small matrix as a direct count does, maximum in the closed last bin', () => {
    // 2×3 weights on 4 bins over [−1, 1]: edges −1, −0.5, 0, 0.5, 1.
    const [h] = layerWeightHistograms(net([{ nIn: 2, nOut: 3, w: [-1, -0.75, 0, 0.25, 0.5, 1] }]), 4);
    expect(h.edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(h.counts).toEqual([2, 0, 2, 2]);
    expect(h.shape).toEqual([2, 3]);
    expect(h.count).toBe(6);
    expect(h.mean).toBeCloseTo(0, 15);
    // Population variance: (1 + 0.5625 + 0 + 0.0625 + 0.25 + 1) / 6.
    expect(h.std).toBeCloseTo(Math.sqrt(2.875 / 6), 14);
    expect([h.min, h.max]).toEqual([-1, 1]);
  });

  it('puts every weight in the bin the binary search of core/spectral/histogram.ts picks, edges included', () => {
    // Gaussian weights, plus values exactly on the inner edges (where rounding could tip them over).
    let seed = 12345;
    const uniform = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const w = Array.from(
      { length: 20_000 },
      () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
    );
    const [probe] = layerWeightHistograms(net([{ nIn: 100, nOut: 200, w }]), 37);
    w.splice(0, 36, ...probe.edges.slice(1, -1));
    for (const bins of [1, 7, 37, 60, 400]) {
      const [h] = layerWeightHistograms(net([{ nIn: 100, nOut: 200, w }]), bins);
      expect(h.counts).toEqual(histogram(w, h.edges).counts);
    }
  });

  it('gives a constant matrix a grid around its value, all weights in one bin', () => {
    const [h] = layerWeightHistograms(net([{ nIn: 1, nOut: 4, w: [0.2, 0.2, 0.2, 0.2] }]), 5);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h.counts.filter((c) => c > 0)).toEqual([4]);
    expect(h.std).toBe(0);
  });

  it('on a trained PyTorch export: counts sum to N_{k−1}·N_k and N_{k−1}·(std² + mean²) is numpy’s replica C_k', async () => {
    const dir = join(SHARED, 'relu_gemm_bias');
    const { network } = await readOnnxFile(join(dir, 'model.onnx'));
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
      replica: { C: number[] };
    };
    const hs = layerWeightHistograms(network, 60);
    expect(hs.map((h) => h.shape)).toEqual([
      [784, 32],
      [32, 32],
      [32, 10],
    ]);
    hs.forEach((h, k) => {
      expect(h.counts).toHaveLength(60);
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(h.shape[0] * h.shape[1]);
      expect(h.shape[0] * (h.std ** 2 + h.mean ** 2)).toBeCloseTo(expected.replica.C[k], 5);
      expect(h.edges[0]).toBe(h.min);
      expect(h.edges.at(-1)).toBe(h.max);
    });
  });
});
