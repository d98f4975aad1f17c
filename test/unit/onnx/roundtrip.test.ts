/**
 * writeOnnxModel → readOnnxModel gives the same network, and the written file runs in
 * onnxruntime with the outputs of Spinscope's forward().
 */
import { describe, expect, it } from 'vitest';
import { forward } from '../../../src-main/core/network/forward.ts';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import type {
  Activation,
  DenseLayer,
  Network,
  OutputTransform,
} from '../../../src-main/core/network/network.ts';
import { OnnxError } from '../../../src-main/core/onnx/errors.ts';
import { decodeModel } from '../../../src-main/core/onnx/proto.ts';
import { readOnnxModel } from '../../../src-main/core/onnx/reader.ts';
import { DataType } from '../../../src-main/core/onnx/tensor.ts';
import { IR_VERSION, OPSET, writeOnnxModel } from '../../../src-main/core/onnx/writer.ts';
import { maxAbsDiff, runOrt, uniform } from './build.ts';

const ACTIVATIONS: Activation[] = [
  { kind: 'identity' },
  { kind: 'relu' },
  { kind: 'leakyRelu', alpha: 0.25 },
  { kind: 'tanh' },
  { kind: 'sigmoid' },
  { kind: 'sign' },
  { kind: 'clip', min: -1, max: 1 },
  { kind: 'clip', min: 0, max: Infinity },
  { kind: 'clip', min: -Infinity, max: 0.5 },
];

/** A random network with the given hidden activation, random non-zero biases, in float32 or float64. */
function network(
  activation: Activation,
  precision: 'f32' | 'f64',
  output: OutputTransform = 'none',
  seed = 7,
): Network {
  const base = randomNetwork({ widths: [12, 9, 7, 5], activation, bias: true, seed });
  const Arr = precision === 'f64' ? Float64Array : Float32Array;
  const layers: DenseLayer[] = base.layers.map((l, k) => ({
    ...l,
    weight: Arr.from(l.weight),
    bias: Arr.from(uniform(l.outFeatures, seed * 10 + k, -0.5, 0.5)),
  }));
  return { ...base, layers, output };
}

async function ortMatchesForward(bytes: Uint8Array, net: Network, batch = 6): Promise<number> {
  const double = net.layers[0].weight instanceof Float64Array;
  const x = Float32Array.from(uniform(batch * net.inputSize, 99, -2, 2));
  const out = await runOrt(bytes, {
    name: 'input',
    data: double ? Float64Array.from(x) : x,
    dims: [batch, net.inputSize],
  });
  expect(out.dims).toEqual([batch, net.layers[net.layers.length - 1].outFeatures]);
  return maxAbsDiff(out.data, forward(net, x, batch));
}

describe('writeOnnxModel → readOnnxModel round trip', () => {
  for (const precision of ['f32', 'f64'] as const) {
    for (const act of ACTIVATIONS) {
      const title = `${precision} ${JSON.stringify(act)}`;
      it(`${title}: reads back identical and runs in onnxruntime like forward()`, async () => {
        const net = network(act, precision);
        const bytes = writeOnnxModel(net);
        const back = readOnnxModel(bytes, { source: 'written.onnx' });
        expect(back.network).toEqual(net);
        for (const [k, l] of back.network.layers.entries()) {
          expect(l.weight.constructor).toBe(net.layers[k].weight.constructor);
          expect(l.bias!.constructor).toBe(net.layers[k].bias!.constructor);
        }
        expect(back.warnings).toEqual([]);
        expect(await ortMatchesForward(bytes, net)).toBeLessThan(1e-5);
      });
    }
  }

  for (const output of ['softmax', 'logSoftmax'] as const) {
    it(`keeps the ${output} output transform and onnxruntime agrees`, async () => {
      const net = network({ kind: 'tanh' }, 'f32', output);
      const bytes = writeOnnxModel(net);
      expect(readOnnxModel(bytes, { source: 'w.onnx' }).network).toEqual(net);
      expect(await ortMatchesForward(bytes, net)).toBeLessThan(1e-5);
    });
  }

  it('writes a bias-free network without bias inputs', async () => {
    const net = randomNetwork({ widths: [784, 32, 32, 10], seed: 3 });
    const bytes = writeOnnxModel(net);
    const back = readOnnxModel(bytes, { source: 'w.onnx' });
    expect(back.network).toEqual(net);
    expect(back.network.layers.every((l) => !('bias' in l))).toBe(true);
    expect(await ortMatchesForward(bytes, net)).toBeLessThan(1e-5);
  });

  it('mixed precision (a float64 layer between float32 layers) gets Cast nodes and reads back identical', async () => {
    const f32 = network({ kind: 'relu' }, 'f32');
    const layers = f32.layers.map((l, k) =>
      k === 1 ? { ...l, weight: Float64Array.from(l.weight), bias: Float64Array.from(l.bias!) } : l,
    );
    const net: Network = { ...f32, layers };
    const bytes = writeOnnxModel(net);
    const back = readOnnxModel(bytes, { source: 'w.onnx' });
    expect(back.network).toEqual(net);
    expect(back.network.layers.map((l) => l.weight.constructor.name)).toEqual([
      'Float32Array',
      'Float64Array',
      'Float32Array',
    ]);
    expect(await ortMatchesForward(bytes, net)).toBeLessThan(1e-5);
  });

  it('stores LeakyRelu alpha as a float32 attribute (0.1 reads back as fround(0.1))', () => {
    const net = network({ kind: 'leakyRelu', alpha: 0.1 }, 'f32');
    const back = readOnnxModel(writeOnnxModel(net), { source: 'w.onnx' }).network;
    expect(back.layers[0].activation).toEqual({ kind: 'leakyRelu', alpha: Math.fround(0.1) });
  });

  it('writes PyTorch-style metadata: ir_version 8, opset 17, producer, input [batch, n], Gemm(transB=1) with [out, in] weights', () => {
    const net = network({ kind: 'relu' }, 'f32');
    const bytes = writeOnnxModel(net, { producer: 'my-tool', docString: 'hello' });
    const m = decodeModel(bytes);
    expect(m.irVersion).toBe(IR_VERSION);
    expect(IR_VERSION).toBe(8);
    expect(m.opsetImport).toEqual([{ domain: '', version: OPSET }]);
    expect(OPSET).toBe(17);
    expect(m.producerName).toBe('my-tool');
    const g = m.graph!;
    expect(g.inputs.map((v) => [v.name, v.elemType, v.shape])).toEqual([
      ['input', DataType.FLOAT, ['batch', 12]],
    ]);
    expect(g.outputs.map((v) => [v.name, v.elemType, v.shape])).toEqual([
      ['logits', DataType.FLOAT, ['batch', 5]],
    ]);
    const gemms = g.nodes.filter((n) => n.opType === 'Gemm');
    expect(gemms).toHaveLength(3);
    for (const n of gemms) expect(n.attributes.map((a) => [a.name, a.i])).toEqual([['transB', 1]]);
    const w1 = g.initializers.find((t) => t.name === 'layer1.weight')!;
    expect(w1.dims).toEqual([9, 12]);
    expect(w1.dataType).toBe(DataType.FLOAT);
    expect(w1.rawData!.length).toBe(9 * 12 * 4);
    // [out, in] storage: element (j, i) is weight[i][j].
    const stored = new Float32Array(new Uint8Array(w1.rawData!).buffer);
    expect(stored[2 * 12 + 5]).toBe(net.layers[0].weight[5 * 9 + 2]);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
  });

  it('writes double weights as data_type 11 and a float64 input', () => {
    const m = decodeModel(writeOnnxModel(network({ kind: 'relu' }, 'f64')));
    expect(m.graph!.initializers.every((t) => t.dataType === DataType.DOUBLE)).toBe(true);
    expect(m.graph!.inputs[0].elemType).toBe(DataType.DOUBLE);
  });

  it('honours inputName and outputName', () => {
    const net = network({ kind: 'sigmoid' }, 'f32', 'softmax');
    const back = readOnnxModel(writeOnnxModel(net, { inputName: 'x', outputName: 'probs' }), {
      source: 'w.onnx',
    });
    expect(back.input).toEqual({ name: 'x', shape: ['batch', 12], elemType: DataType.FLOAT });
    expect(back.outputName).toBe('probs');
    expect(back.producer).toBe('spinscope');
    expect(back.opset).toBe(17);
  });

  it('refuses an invalid network with an OnnxError', () => {
    const net = network({ kind: 'relu' }, 'f32');
    const bad: Network = { ...net, layers: [net.layers[0], net.layers[2]] };
    expect(() => writeOnnxModel(bad)).toThrow(OnnxError);
    expect(() => writeOnnxModel(bad)).toThrow(/layer 2 expects 7 inputs but the previous layer has 9/);
    expect(() => writeOnnxModel(net, { inputName: 'a', outputName: 'a' })).toThrow(OnnxError);
  });
});
