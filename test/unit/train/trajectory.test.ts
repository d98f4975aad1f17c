/**
 * The training engine against PyTorch: reference trajectories from torch.optim in float64
 * (test/fixtures/train/generate.py; Debian's torch, run offline). Same initial weights, the same
 * MNIST batches in file order; the engine's float64 graph must reproduce the initial gradient, the
 * per-step losses and correct counts, and the final weights after every step of SGD or Adam.
 * Adam agrees to float64 rounding. SGD's lr and μ enter the graph as float32 values (they are Gemm
 * attributes in the fused update; graph.ts), a relative change of ≤ 3e-8 that the SGD tolerance
 * allows for; a wrong formula moves these numbers by 1e-3 or more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../../src-main/core/data/mnist.ts';
import { readNpzFile } from '../../../src-main/core/project/arrayFiles.ts';
import { resolveConfig } from '../../../src-main/core/train/config.ts';
import { BatchBuffer } from '../../../src-main/core/train/data.ts';
import { TrainEngine } from '../../../src-main/core/train/engine.ts';
import { buildGradientGraph, parameters } from '../../../src-main/core/train/graph.ts';
import { REPO_ROOT } from '../../helpers/fixtures.ts';

const DIR = join(REPO_ROOT, 'test/fixtures/train');

interface Fixture {
  name: string;
  file: string;
  widths: number[];
  activation: 'relu' | 'tanh' | 'sign';
  loss: 'ce' | 'hinge';
  optimizer: {
    kind: 'sgd' | 'adam';
    lr: number;
    momentum: number | null;
    weightDecay: number;
    betas: [number, number] | null;
    eps: number | null;
  };
  bias: boolean;
  batch: number;
  steps: number;
}

const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { fixtures: Fixture[] };

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

describe('training trajectories equal PyTorch (float64)', () => {
  it('covers every activation, both losses, both optimisers, with and without biases', () => {
    const f = index.fixtures;
    expect(new Set(f.map((x) => x.activation))).toEqual(new Set(['relu', 'tanh', 'sign']));
    expect(new Set(f.map((x) => x.loss))).toEqual(new Set(['ce', 'hinge']));
    expect(new Set(f.map((x) => x.optimizer.kind))).toEqual(new Set(['sgd', 'adam']));
    expect(new Set(f.map((x) => x.bias))).toEqual(new Set([true, false]));
  });

  it.each(index.fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fx) => {
    const o = fx.optimizer;
    const config = resolveConfig({
      arch: fx.widths,
      activation: fx.activation,
      loss: fx.loss,
      bias: fx.bias,
      optimizer: o.kind,
      lr: o.lr,
      momentum: o.momentum ?? 0,
      weightDecay: o.weightDecay,
      ...(o.betas ? { beta1: o.betas[0], beta2: o.betas[1] } : {}),
      ...(o.eps !== null ? { eps: o.eps } : {}),
      batchSize: fx.batch,
      precision: 'float64',
    });
    const ref = readNpzFile(join(DIR, fx.file));
    const initial = new Map<string, Float64Array>();
    for (const p of parameters(config)) initial.set(p.name, ref[`${p.name}_init`].data as Float64Array);
    const data = loadMnist('train', { limit: fx.batch * fx.steps });
    const buf = new BatchBuffer(fx.batch, 784, 10, 'float64');

    // The gradient at the initial weights on batch 0.
    buf.fill(data, null, 0, fx.batch);
    const { x, y } = buf.views(fx.batch);
    const session = await ort.InferenceSession.create(buildGradientGraph(config).model);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float64', x, [fx.batch, 784]),
      y: new ort.Tensor('float64', y, [fx.batch, 10]),
      inv_batch: new ort.Tensor('float64', new Float64Array([1 / fx.batch]), []),
    };
    for (const p of parameters(config))
      feeds[p.name] = new ort.Tensor('float64', initial.get(p.name)!, p.shape);
    const grads = await session.run(feeds);
    await session.release();
    for (const p of parameters(config)) {
      expect(
        maxRelDiff(grads[`grad.${p.name}`].data as Float64Array, ref[`grad_${p.name}`].data as Float64Array),
        `grad ${p.name}`,
      ).toBeLessThan(1e-10);
    }

    const tol = o.kind === 'sgd' ? 1e-7 : 1e-10;
    const engine = await TrainEngine.create(config, initial);
    const losses = ref.loss.data as Float64Array;
    const correct = ref.correct.data as Int32Array;
    for (let s = 0; s < fx.steps; s++) {
      buf.fill(data, null, s * fx.batch, (s + 1) * fx.batch);
      const v = buf.views(fx.batch);
      const r = await engine.step(v.x, v.y, fx.batch);
      expect(Math.abs(r.loss - losses[s]), `loss at step ${s}`).toBeLessThan(tol * Math.max(1, losses[s]));
      expect(r.correct, `correct at step ${s}`).toBe(correct[s]);
    }
    for (const p of parameters(config)) {
      expect(
        maxRelDiff(engine.state().get(p.name)!, ref[`${p.name}_final`].data as Float64Array),
        `final ${p.name}`,
      ).toBeLessThan(10 * tol);
    }
    await engine.release();
  });
});
