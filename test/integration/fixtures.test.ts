/**
 * Every PyTorch-exported fixture through the real reader and the spin core, against the expected
 * report computed by an independent numpy/scipy implementation. Tolerances are those of
 * shared/fixtures/onnx/README.md (ours are tighter where we can be).
 */
import { describe, expect, it } from 'vitest';
import { readOnnxFile } from '../../src-main/core/onnx/reader.ts';
import { analyzeNetwork } from '../../src-main/core/spin/analysis.ts';
import { evaluateModel } from '../../src-main/core/onnx/evaluate.ts';
import { listFixtures, relErr } from '../helpers/fixtures.ts';

const fixtures = listFixtures();

describe('analysis of the PyTorch fixtures equals the independent reference', () => {
  it('finds the shared corpus', () => {
    expect(fixtures.filter((f) => f.corpus === 'shared').length).toBeGreaterThanOrEqual(6);
  });

  for (const f of fixtures) {
    const title = `${f.corpus}/${f.name}`;
    if (!f.expected) {
      it(`${title}: is rejected with a clear error`, async () => {
        const err = await readOnnxFile(f.model).then(
          () => null,
          (e: Error) => e,
        );
        expect(err).not.toBeNull();
        expect(['OnnxError', 'NetworkError']).toContain(err!.name);
        expect(err!.message).toContain('model.onnx');
        if (f.errorContains) expect(err!.message).toContain(f.errorContains);
      });
      continue;
    }
    const exp = f.expected;
    it(`${title}: layers exact; replica, spectrum to 1e-6; TAP T_c, phase and minLambda within tolerance`, async () => {
      const { network } = await readOnnxFile(f.model);
      const r = analyzeNetwork(network);
      expect(r.model).toEqual(exp.model);
      r.replica.C.forEach((c, k) => expect(relErr(c, exp.replica.C[k])).toBeLessThan(1e-6));
      expect(relErr(r.replica.tc, exp.replica.tc)).toBeLessThan(1e-6);
      r.spectrum.top.forEach((v, k) => expect(relErr(v, exp.spectrum.top[k])).toBeLessThan(1e-6));
      expect(Math.abs(r.tap.minLambda - exp.tap.minLambda)).toBeLessThan(1e-4);
      if (Math.abs(exp.tap.minLambda) >= 1e-3) expect(r.tap.phase).toBe(exp.tap.phase);
      const tol = exp.tap.phase === 'ordered' ? 1e-4 : 5e-3;
      expect(relErr(r.tap.tc, exp.tap.tc)).toBeLessThan(tol);
      if (exp.activations) {
        expect(network.layers.map((l) => l.activation.kind)).toEqual(exp.activations);
      }
      if (exp.output) expect(network.output).toBe(exp.output);
    });
  }

  // PyTorch measured these accuracies on the same 10k images (pixels/255): onnxruntime on the
  // exported file must agree up to a couple of float32 near-ties.
  for (const f of fixtures.filter((x) => x.expected?.accuracy !== undefined)) {
    it(`${f.corpus}/${f.name}: evaluate's MNIST accuracy equals PyTorch's (${f.expected!.accuracy})`, async (ctx) => {
      const { network, input } = await readOnnxFile(f.model);
      if (input.elemType === 10) ctx.skip('float16 input: MNIST evaluation feeds float32 or float64');
      const r = await evaluateModel(f.model, network);
      expect(r.samples).toBe(10000);
      expect(Math.abs(r.accuracy - f.expected!.accuracy!)).toBeLessThanOrEqual(2e-4);
      expect(r.consistency).toBeLessThan(2e-5);
    });
  }
});
