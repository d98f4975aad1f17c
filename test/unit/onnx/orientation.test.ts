/**
 * The reader says how each weight was stored in the file (science.md §1, the orientation trap),
 * checked against what the exporter wrote, as the fixture corpora describe their files (index.json):
 * PyTorch's nn.Linear with a bias → Gemm(transB=1), [out, in]; a bias-free or batched export →
 * MatMul(x, W), [in, out]; W·x on transposed data → [out, in].
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const SHARED = resolve(REPO, '../shared/fixtures/onnx');
const OWN = resolve(REPO, 'test/fixtures/onnx');

describe('layerSources: the stored orientation of each weight', () => {
  it('nn.Linear with a bias exports Gemm(transB=1): every weight stored [out, in]', async () => {
    const imp = await readOnnxFile(join(SHARED, 'relu_gemm_bias', 'model.onnx'));
    expect(imp.layerSources.map((l) => l.stored)).toEqual(['[out, in]', '[out, in]', '[out, in]']);
    expect(imp.layerSources.every((l) => /\(Gemm\)/.test(l.node))).toBe(true);
  });

  it('the same weights exported with a 3-D input are MatMul(x, W): stored [in, out]', async () => {
    const imp = await readOnnxFile(join(SHARED, 'relu_matmul_add', 'model.onnx'));
    expect(imp.layerSources.map((l) => l.stored)).toEqual(['[in, out]', '[in, out]', '[in, out]']);
    expect(imp.layerSources.every((l) => /\(MatMul\)/.test(l.node))).toBe(true);
  });

  it('W·x on transposed data stores [out, in]; the last x·W stores [in, out]', async () => {
    const imp = await readOnnxFile(join(OWN, 'weight_first_transposed', 'model.onnx'));
    expect(imp.layerSources.map((l) => l.stored)).toEqual(['[out, in]', '[out, in]', '[in, out]']);
  });

  it('one entry per dense layer, in network order', async () => {
    const imp = await readOnnxFile(join(OWN, 'gemm_bias_relu', 'model.onnx'));
    expect(imp.layerSources).toHaveLength(imp.network.layers.length);
  });
});
