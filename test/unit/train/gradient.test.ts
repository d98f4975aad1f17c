/**
 * The hand-derived backward pass of the training graph against central finite differences of an
 * independent JavaScript float64 loss, for every activation, both losses, with and without biases.
 * For sign networks the check is against the frozen linearisation whose exact gradient the
 * straight-through estimator is (test/helpers/mlpReference.ts).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src-main/core/train/config.ts';
import { buildGradientGraph, parameters } from '../../../src-main/core/train/graph.ts';
import { Random } from '../../../src-main/core/util/random.ts';
import { loss, preActivations, type Params, type RefSpec } from '../../helpers/mlpReference.ts';

const ARCH = [7, 6, 5, 4];
const N = 5;

async function graphGradient(
  spec: RefSpec,
  p: Params,
  x: Float64Array,
  y: Float64Array,
): Promise<Map<string, Float64Array>> {
  const config = resolveConfig({ ...spec, precision: 'float64' });
  const session = await ort.InferenceSession.create(buildGradientGraph(config).model);
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float64', x, [N, ARCH[0]]),
    y: new ort.Tensor('float64', y, [N, ARCH[ARCH.length - 1]]),
    inv_batch: new ort.Tensor('float64', new Float64Array([1 / N]), []),
  };
  for (const q of parameters(config)) feeds[q.name] = new ort.Tensor('float64', p.get(q.name)!, q.shape);
  const out = await session.run(feeds);
  const refLoss = loss(spec, p, x, y, N);
  expect(Number(out.loss.data[0])).toBeCloseTo(refLoss, 12);
  const grads = new Map<string, Float64Array>();
  for (const q of parameters(config)) grads.set(q.name, out[`grad.${q.name}`].data as Float64Array);
  await session.release();
  return grads;
}

function problem(spec: RefSpec, seed: number): { p: Params; x: Float64Array; y: Float64Array } {
  const rng = new Random(seed);
  const p: Params = new Map();
  for (const q of parameters(spec)) {
    const size = q.shape.reduce((a, b) => a * b, 1);
    // Scale so that pre-activations spread over ±2: both sides of the STE window are exercised.
    const scale = q.name.startsWith('b') ? 0.3 : 1.6 / Math.sqrt(q.shape[0]);
    p.set(
      q.name,
      Float64Array.from({ length: size }, () => scale * rng.normal()),
    );
  }
  const x = Float64Array.from({ length: N * ARCH[0] }, () => rng.normal());
  const y = new Float64Array(N * ARCH[ARCH.length - 1]);
  for (let r = 0; r < N; r++) y[r * ARCH[ARCH.length - 1] + (r % ARCH[ARCH.length - 1])] = 1;
  return { p, x, y };
}

const cases: RefSpec[] = [];
for (const activation of ['relu', 'tanh', 'sign'] as const)
  for (const lossKind of ['ce', 'hinge'] as const)
    for (const bias of [false, true]) cases.push({ arch: ARCH, activation, loss: lossKind, bias });

describe('training graph gradients', () => {
  it.each(cases)('$activation, $loss, bias=$bias: equal central finite differences', async (spec) => {
    const { p, x, y } = problem(spec, 17 + cases.indexOf(spec));
    const pre = preActivations(spec, p, x, N);
    const hidden = pre.slice(0, -1);
    // Stay away from kinks: relu's 0, sign's 0 and the STE window's ±1.
    const margin = Math.min(
      ...hidden.flatMap((a) => [...a].map((v) => Math.min(Math.abs(v), Math.abs(Math.abs(v) - 1)))),
    );
    expect(margin).toBeGreaterThan(1e-4);
    const frozen = spec.activation === 'sign' ? hidden : null;
    if (spec.activation === 'sign') {
      // The STE window must actually cut some units off, or the check would not see the mask.
      const outside = hidden.flatMap((a) => [...a]).filter((v) => Math.abs(v) > 1).length;
      expect(outside).toBeGreaterThan(0);
    }
    const grads = await graphGradient(spec, p, x, y);
    const h = 1e-6;
    let checked = 0;
    for (const [name, values] of p) {
      const g = grads.get(name)!;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        values[i] = v + h;
        const up = loss(spec, p, x, y, N, frozen);
        values[i] = v - h;
        const down = loss(spec, p, x, y, N, frozen);
        values[i] = v;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(g[i] - fd), `${name}[${i}]: graph ${g[i]}, finite difference ${fd}`).toBeLessThan(
          1e-7 * Math.max(1, Math.abs(fd)),
        );
        checked++;
      }
    }
    expect(checked).toBe(parameters(spec).reduce((s, q) => s + q.shape.reduce((a, b) => a * b, 1), 0));
  });

  it('the sign network has non-zero hidden gradients only through the STE window', async () => {
    const spec: RefSpec = { arch: ARCH, activation: 'sign', loss: 'ce', bias: false };
    const { p, x, y } = problem(spec, 99);
    const grads = await graphGradient(spec, p, x, y);
    const a1 = preActivations(spec, p, x, N)[0];
    // Column j of ∂W1 is Σ_r x_r,i δ_r,j and δ_r,j = 0 wherever |a1_r,j| > 1.
    const g1 = grads.get('w1')!;
    const width = ARCH[1];
    for (let j = 0; j < width; j++) {
      const open = [...Array(N).keys()].some((r) => Math.abs(a1[r * width + j]) <= 1);
      if (!open) for (let i = 0; i < ARCH[0]; i++) expect(g1[i * width + j]).toBe(0);
    }
  });
});
