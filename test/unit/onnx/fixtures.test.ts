/**
 * The reader on real PyTorch exports: the shared corpus (../shared/fixtures/onnx) and, when present,
 * the repository's own (test/fixtures/onnx). Orientation is checked against onnxruntime: the
 * original file is run on random inputs and compared with Spinscope's forward() of the imported
 * network.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forward } from '../../../src-main/core/network/forward.ts';
import { layerWidths } from '../../../src-main/core/network/network.ts';
import { OnnxError } from '../../../src-main/core/onnx/errors.ts';
import { readOnnxFile, type OnnxImport } from '../../../src-main/core/onnx/reader.ts';
import { DataType } from '../../../src-main/core/onnx/tensor.ts';
import { concreteShape, maxAbsDiff, runOrt, uniform } from './build.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const SHARED = resolve(REPO, '../shared/fixtures/onnx');
const OWN = resolve(REPO, 'test/fixtures/onnx');
const model = (name: string): string => join(SHARED, name, 'model.onnx');

/** Runs the original file in onnxruntime; max |ORT − forward(imported network)| and max |ORT|. */
async function ortDiscrepancy(
  file: string,
  imp: OnnxImport,
  batch = 4,
  seed = 1,
): Promise<{ diff: number; scale: number }> {
  const { network, input } = imp;
  const x = Float32Array.from(uniform(batch * network.inputSize, seed, 0, 1));
  const dims = concreteShape(input.shape, batch, network.inputSize);
  const data = input.elemType === DataType.DOUBLE ? Float64Array.from(x) : x;
  const out = await runOrt(file, { name: input.name, data, dims });
  const scale = out.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return { diff: maxAbsDiff(out.data, forward(network, x, batch)), scale };
}

async function readError(file: string): Promise<Error> {
  return readOnnxFile(file).then(
    () => {
      throw new Error(`${file} was accepted`);
    },
    (e: Error) => e,
  );
}

describe('shared PyTorch fixtures', () => {
  const index = JSON.parse(readFileSync(join(SHARED, 'index.json'), 'utf8')) as {
    fixtures: Record<string, { error: boolean }>;
  };
  const good = Object.entries(index.fixtures)
    .filter(([, f]) => !f.error)
    .map(([n]) => n);

  it('lists the five readable fixtures and one broken one', () => {
    expect(good.sort()).toEqual([
      'random_init',
      'relu_gemm_bias',
      'relu_matmul_add',
      'relu_nobias',
      'sign_nobias',
    ]);
  });

  for (const name of good) {
    it(`${name}: layers [784, 32, 32, 10] and the same function as onnxruntime (max abs diff < 1e-5)`, async () => {
      const imp = await readOnnxFile(model(name));
      expect(layerWidths(imp.network)).toEqual([784, 32, 32, 10]);
      const expected = JSON.parse(readFileSync(join(SHARED, name, 'expected.json'), 'utf8'));
      expect(layerWidths(imp.network)).toEqual(expected.model.layers);
      for (const l of imp.network.layers) expect(l.weight).toBeInstanceOf(Float32Array);
      expect(imp.opset).toBeGreaterThan(0);
      expect(imp.producer).toMatch(/pytorch/);
      expect(imp.input.elemType).toBe(DataType.FLOAT);
      for (const seed of [1, 2, 3])
        expect((await ortDiscrepancy(model(name), imp, 4, seed)).diff).toBeLessThan(1e-5);
    });
  }

  it('relu_gemm_bias (Gemm transB=1, [out,in]) and relu_matmul_add (MatMul [in,out] + Add) give identical weights', async () => {
    const a = (await readOnnxFile(model('relu_gemm_bias'))).network;
    const b = (await readOnnxFile(model('relu_matmul_add'))).network;
    expect(a.layers.length).toBe(3);
    a.layers.forEach((la, k) => {
      const lb = b.layers[k];
      expect(lb.weight).toEqual(la.weight);
      expect(lb.bias).toEqual(la.bias);
      expect(la.bias).toBeDefined();
      expect(lb.activation).toEqual(la.activation);
    });
    expect(a.layers.map((l) => l.activation.kind)).toEqual(['relu', 'relu', 'identity']);
  });

  it('relu_matmul_add reports its 3-D input [batch, 1, 784]', async () => {
    const imp = await readOnnxFile(model('relu_matmul_add'));
    expect(imp.input).toEqual({ name: 'input', shape: ['batch', 1, 784], elemType: DataType.FLOAT });
    expect(imp.outputName).toBe('output');
  });

  it('relu_nobias and random_init carry no biases', async () => {
    for (const name of ['relu_nobias', 'random_init']) {
      const { network } = await readOnnxFile(model(name));
      expect(network.layers.every((l) => l.bias === undefined)).toBe(true);
    }
  });

  it('sign_nobias has Sign hidden activations and a linear output', async () => {
    const { network } = await readOnnxFile(model('sign_nobias'));
    expect(network.layers.map((l) => l.activation.kind)).toEqual(['sign', 'sign', 'identity']);
    expect(network.output).toBe('none');
  });

  it('broken_truncated is rejected as a truncated ONNX file, naming the file and the byte', async () => {
    const err = await readError(model('broken_truncated'));
    expect(err).toBeInstanceOf(OnnxError);
    expect(err.message).toMatch(
      /broken_truncated\/model\.onnx: not a valid ONNX file \(truncated or corrupt at byte \d+: .*declares \d+ bytes but only \d+ remain\)/,
    );
  });
});

// The repository's own fixtures (generated by test/fixtures/generate.py), when they exist.
const own = existsSync(OWN)
  ? readdirSync(OWN)
      .filter((n) => existsSync(join(OWN, n, 'expected.json')))
      .sort()
  : [];

describe('own PyTorch fixtures (test/fixtures/onnx)', () => {
  it('are all there (test/fixtures/generate.py writes 24)', () => {
    expect(own.length).toBeGreaterThanOrEqual(24);
  });
  for (const name of own) {
    const dir = join(OWN, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    if (expected.error) {
      it(`${name}: is rejected with an OnnxError${expected.errorContains ? ` containing '${expected.errorContains}'` : ''}`, async () => {
        const err = await readError(join(dir, 'model.onnx'));
        expect(err).toBeInstanceOf(OnnxError);
        expect(err.message).toContain('model.onnx');
        if (expected.errorContains) expect(err.message).toContain(expected.errorContains);
      });
      continue;
    }
    it(`${name}: reads with the expected layers, activations, output and biases`, async () => {
      const imp = await readOnnxFile(join(dir, 'model.onnx'));
      expect(layerWidths(imp.network)).toEqual(expected.model.layers);
      if (expected.activations)
        expect(imp.network.layers.map((l) => l.activation.kind)).toEqual(expected.activations);
      if (expected.output) expect(imp.network.output).toBe(expected.output);
      if (expected.biases !== undefined) {
        expect(imp.network.layers.some((l) => l.bias !== undefined)).toBe(expected.biases);
      }
      (expected.activationParams ?? []).forEach((p: Record<string, number> | null, k: number) => {
        if (p) expect(imp.network.layers[k].activation).toMatchObject(p);
      });
    });
    it(`${name}: computes what onnxruntime computes (max abs diff < 1e-5 relative to the output scale)`, async (ctx) => {
      const imp = await readOnnxFile(join(dir, 'model.onnx'));
      // onnxruntime's CPU provider lacks float16 kernels: those files only need to be read.
      if (imp.input.elemType !== DataType.FLOAT && imp.input.elemType !== DataType.DOUBLE) {
        ctx.skip(`input type ${imp.input.elemType} cannot run in onnxruntime`);
      }
      const { diff, scale } = await ortDiscrepancy(join(dir, 'model.onnx'), imp);
      expect(diff / Math.max(1, scale)).toBeLessThan(1e-5);
    });
  }
});
