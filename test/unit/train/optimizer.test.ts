/**
 * The optimiser part of the training step: three steps of the engine (float64) against the same
 * steps done in JavaScript with torch.optim's update rules, using the loss gradient of the
 * (finite-difference-checked) gradient graph. PyTorch itself is compared in trajectory.test.ts.
 * SGD runs in velocity form (v = −lr·buf); the reference keeps torch's buffer, so the two forms are
 * compared through the weights.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type TrainConfig } from '../../../src-main/core/train/config.ts';
import { TrainEngine } from '../../../src-main/core/train/engine.ts';
import { buildGradientGraph, parameters } from '../../../src-main/core/train/graph.ts';
import { Random } from '../../../src-main/core/util/random.ts';

const ARCH = [6, 5, 4, 3];
const N = 4;

async function gradients(
  config: TrainConfig,
  p: Map<string, Float64Array>,
  x: Float64Array,
  y: Float64Array,
) {
  const s = await ort.InferenceSession.create(buildGradientGraph(config).model);
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float64', x, [N, ARCH[0]]),
    y: new ort.Tensor('float64', y, [N, ARCH[3]]),
    inv_batch: new ort.Tensor('float64', new Float64Array([1 / N]), []),
  };
  for (const q of parameters(config)) feeds[q.name] = new ort.Tensor('float64', p.get(q.name)!, q.shape);
  const out = await s.run(feeds);
  await s.release();
  return new Map(parameters(config).map((q) => [q.name, out[`grad.${q.name}`].data as Float64Array]));
}

const cases: Record<string, unknown>[] = [
  { optimizer: 'sgd', momentum: 0, lr: 0.1 },
  { optimizer: 'sgd', momentum: 0.9, lr: 0.05, weightDecay: 0.01 },
  { optimizer: 'sgd', momentum: 0.8, nesterov: true, lr: 0.05, bias: true },
  { optimizer: 'adam', lr: 0.01, weightDecay: 0.001, bias: true },
  { optimizer: 'adam', lr: 0.003, beta1: 0.5, beta2: 0.9, eps: 1e-3, loss: 'hinge', activation: 'tanh' },
];

describe('optimiser steps', () => {
  it.each(cases)('%o: three engine steps equal torch.optim rules applied in JavaScript', async (options) => {
    const config = resolveConfig({ arch: ARCH, precision: 'float64', ...options });
    const rng = new Random(5);
    const p = new Map<string, Float64Array>();
    for (const q of parameters(config)) {
      p.set(
        q.name,
        Float64Array.from({ length: q.shape.reduce((a, b) => a * b, 1) }, () => 0.5 * rng.normal()),
      );
    }
    const engine = await TrainEngine.create(config, p);
    const m = new Map([...p].map(([k, v]) => [k, new Float64Array(v.length)]));
    const v = new Map([...p].map(([k, a]) => [k, new Float64Array(a.length)]));
    for (let t = 1; t <= 3; t++) {
      const x = Float64Array.from({ length: N * ARCH[0] }, () => rng.normal());
      const y = new Float64Array(N * ARCH[3]);
      for (let r = 0; r < N; r++) y[r * ARCH[3] + ((r + t) % ARCH[3])] = 1;
      const g = await gradients(config, p, x, y);
      for (const [name, w] of p) {
        const gw = g.get(name)!;
        const mm = m.get(name)!;
        const vv = v.get(name)!;
        for (let i = 0; i < w.length; i++) {
          const d = gw[i] + config.weightDecay * w[i];
          if (config.optimizer === 'sgd') {
            // The graph uses SGD's lr and μ as float32 values (Gemm attributes), in both precisions.
            const lr = Math.fround(config.lr);
            const mu = Math.fround(config.momentum);
            if (mu > 0) {
              mm[i] = mu * mm[i] + d;
              w[i] -= lr * (config.nesterov ? d + mu * mm[i] : mm[i]);
            } else w[i] = Math.fround(1 - lr * config.weightDecay) * w[i] - lr * gw[i];
          } else {
            mm[i] = config.beta1 * mm[i] + (1 - config.beta1) * d;
            vv[i] = config.beta2 * vv[i] + (1 - config.beta2) * d * d;
            const stepSize = config.lr / (1 - config.beta1 ** t);
            const denom = Math.sqrt(vv[i]) / Math.sqrt(1 - config.beta2 ** t) + config.eps;
            w[i] -= (stepSize * mm[i]) / denom;
          }
        }
      }
      await engine.step(x, y, N);
      for (const [name, w] of p) {
        const got = engine.state().get(name)!;
        for (let i = 0; i < w.length; i++) expect(got[i]).toBeCloseTo(w[i], 12);
      }
    }
    expect(engine.optimizerSteps).toBe(3);
    await engine.release();
  });
});

describe('unrolled steps', () => {
  it.each([
    { optimizer: 'sgd' },
    { optimizer: 'adam', bias: true },
    { optimizer: 'sgd', nesterov: true, weightDecay: 1e-3 },
  ])('%o: one call of a 5-step graph is bit-identical to 5 single steps (float32)', async (options) => {
    const config = resolveConfig({ arch: [20, 16, 8, 4], ...options });
    const rng = new Random(11);
    const p = new Map<string, Float32Array>();
    for (const q of parameters(config)) {
      p.set(
        q.name,
        Float32Array.from({ length: q.shape.reduce((a, b) => a * b, 1) }, () => 0.3 * rng.normal()),
      );
    }
    const batches = Array.from({ length: 5 }, (_, t) => {
      const x = Float32Array.from({ length: 6 * 20 }, () => rng.normal());
      const y = new Float32Array(6 * 4);
      for (let r = 0; r < 6; r++) y[r * 4 + ((r + t) % 4)] = 1;
      return { x, y };
    });
    const single = await TrainEngine.create(config, p);
    const unrolled = await TrainEngine.create(config, p);
    const a = [];
    for (const b of batches) a.push(await single.step(b.x, b.y, 6));
    const b = await unrolled.steps(batches, 6);
    expect(b).toEqual(a);
    expect(unrolled.optimizerSteps).toBe(5);
    for (const [name, values] of single.state()) {
      const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(unrolled.state().get(name)!).equals(bytes(values)), name).toBe(true);
      if (p.has(name)) expect(bytes(values).equals(bytes(p.get(name)!)), `${name} changed`).toBe(false);
    }
    await single.release();
    await unrolled.release();
  });
});
