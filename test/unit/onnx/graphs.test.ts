/**
 * The graph forms the reader follows, built by hand and checked against onnxruntime: the imported
 * network's forward() must reproduce the runtime's output of the same file.
 */
import { describe, expect, it } from 'vitest';
import { forward } from '../../../src-main/core/network/forward.ts';
import type { Network } from '../../../src-main/core/network/network.ts';
import { ProtoWriter } from '../../../src-main/core/onnx/protobuf.ts';
import { readOnnxModel, type OnnxImport } from '../../../src-main/core/onnx/reader.ts';
import { DataType, halfToFloat } from '../../../src-main/core/onnx/tensor.ts';
import {
  buildModel,
  graphProto,
  halfBits,
  maxAbsDiff,
  runOrt,
  uniform,
  type ModelSpec,
  type NodeSpec,
  type TensorSpec,
} from './build.ts';

const IN = 12;
const H = 5;
const OUT = 3;
const W1 = uniform(IN * H, 1); // as [in, out] unless a test says otherwise
const W2 = uniform(H * OUT, 2);
const B1 = uniform(H, 3, -0.5, 0.5);
const B2 = uniform(OUT, 4, -0.5, 0.5);

/** [rows, cols] row-major → [cols, rows]. */
function t(a: number[], rows: number, cols: number): number[] {
  const out = new Array<number>(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

const f32 = (a: number[]): number[] => Array.from(Float32Array.from(a));

function spec(nodes: NodeSpec[], inits: TensorSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return {
    nodes,
    inits,
    inputs: [{ name: 'x', shape: ['N', IN] }],
    outputs: [{ name: 'y', shape: ['N', OUT] }],
    ...extra,
  };
}

/** Reads the model, runs it in onnxruntime on random input and compares with forward(). */
async function check(m: ModelSpec, inputDims: number[] = [4, IN]): Promise<OnnxImport> {
  const bytes = buildModel(m);
  const imp = readOnnxModel(bytes, { source: 'hand.onnx' });
  const count = inputDims.reduce((a, b) => a * b, 1);
  const batch = inputDims.length === 1 ? 1 : inputDims[0];
  const x = Float32Array.from(uniform(count, 42, -2, 2));
  const double = m.inputs[0].type === DataType.DOUBLE;
  const out = await runOrt(bytes, {
    name: m.inputs[0].name,
    data: double ? Float64Array.from(x) : x,
    dims: inputDims,
  });
  expect(maxAbsDiff(out.data, forward(imp.network, x, batch))).toBeLessThan(1e-5);
  return imp;
}

function expectLayers(net: Network, kinds: string[]): void {
  expect(net.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
    [IN, H],
    [H, OUT],
  ]);
  expect(net.layers.map((l) => l.activation.kind)).toEqual(kinds);
}

describe('Gemm and MatMul forms', () => {
  it('Gemm with alpha and beta scales the weight and the bias; transB=0 stores [in, out]; C of shape [1, out]', async () => {
    const imp = await check(
      spec(
        [
          {
            op: 'Gemm',
            inputs: ['x', 'W1', 'B1'],
            outputs: ['h'],
            attrs: { alpha: { f: 0.5 }, beta: { f: 2 } },
          },
          { op: 'Relu', inputs: ['h'], outputs: ['a'] },
          { op: 'Gemm', inputs: ['a', 'W2', 'B2'], outputs: ['y'], attrs: { transB: { i: 1 } } },
        ],
        [
          { name: 'W1', dims: [IN, H], values: W1 },
          { name: 'B1', dims: [1, H], values: B1 },
          { name: 'W2', dims: [OUT, H], values: t(W2, H, OUT) },
          { name: 'B2', dims: [], values: [0.25] },
        ],
      ),
    );
    expectLayers(imp.network, ['relu', 'identity']);
    const [l1, l2] = imp.network.layers;
    expect(Array.from(l1.weight)).toEqual(f32(W1).map((v) => Math.fround(v * 0.5)));
    expect(Array.from(l1.bias!)).toEqual(f32(B1).map((v) => Math.fround(v * 2)));
    expect(Array.from(l2.weight)).toEqual(f32(W2));
    expect(Array.from(l2.bias!)).toEqual([0.25, 0.25, 0.25]);
  });

  it('MatMul with the bias added on the left, LeakyRelu with its default alpha 0.01', async () => {
    const imp = await check(
      spec(
        [
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['m'] },
          { op: 'Add', inputs: ['B1', 'm'], outputs: ['h'] },
          { op: 'LeakyRelu', inputs: ['h'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['a', 'W2'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [IN, H], values: W1 },
          { name: 'B1', dims: [H], values: B1 },
          { name: 'W2', dims: [H, OUT], values: W2 },
        ],
      ),
    );
    expectLayers(imp.network, ['leakyRelu', 'identity']);
    expect(imp.network.layers[0].activation).toEqual({ kind: 'leakyRelu', alpha: 0.01 });
    expect(Array.from(imp.network.layers[0].bias!)).toEqual(f32(B1));
    expect(imp.network.layers[1].bias).toBeUndefined();
  });

  it('W·x on transposed data: Transpose(x), MatMul(W [out,in], xᵀ), bias [out, 1], Tanh, Transpose back', async () => {
    const imp = await check(
      spec(
        [
          { op: 'Transpose', inputs: ['x'], outputs: ['xt'] },
          { op: 'MatMul', inputs: ['W1', 'xt'], outputs: ['m'] },
          { op: 'Add', inputs: ['m', 'B1'], outputs: ['h'] },
          { op: 'Tanh', inputs: ['h'], outputs: ['a'] },
          { op: 'Transpose', inputs: ['a'], outputs: ['at'], attrs: { perm: { ints: [1, 0] } } },
          { op: 'MatMul', inputs: ['at', 'W2'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [H, IN], values: t(W1, IN, H) },
          { name: 'B1', dims: [H, 1], values: B1 },
          { name: 'W2', dims: [H, OUT], values: W2 },
        ],
      ),
    );
    expectLayers(imp.network, ['tanh', 'identity']);
    expect(Array.from(imp.network.layers[0].weight)).toEqual(f32(W1));
  });

  it('Gemm with the data as B (W·x, transB=0) after a Transpose, and Gemm(W, x, transB=1) on row data', async () => {
    const imp = await check(
      spec(
        [
          { op: 'Transpose', inputs: ['x'], outputs: ['xt'] },
          { op: 'Gemm', inputs: ['W1', 'xt', 'B1'], outputs: ['h'] },
          { op: 'Sigmoid', inputs: ['h'], outputs: ['a'] },
          { op: 'Transpose', inputs: ['a'], outputs: ['at'] },
          {
            op: 'Gemm',
            inputs: ['W2', 'at'],
            outputs: ['yt'],
            attrs: { transA: { i: 1 }, transB: { i: 1 } },
          },
          { op: 'Transpose', inputs: ['yt'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [H, IN], values: t(W1, IN, H) },
          { name: 'B1', dims: [H, 1], values: B1 },
          { name: 'W2', dims: [H, OUT], values: W2 },
        ],
      ),
    );
    expectLayers(imp.network, ['sigmoid', 'identity']);
    expect(Array.from(imp.network.layers[1].weight)).toEqual(f32(W2));
  });

  it('Transpose nodes on [out, in] weight initializers are folded (x @ w.t() without constant folding)', async () => {
    const imp = await check(
      spec(
        [
          { op: 'Transpose', inputs: ['w1'], outputs: ['w1t'], attrs: { perm: { ints: [1, 0] } } },
          { op: 'Identity', inputs: ['w2'], outputs: ['w2i'] },
          { op: 'Transpose', inputs: ['w2i'], outputs: ['w2t'] },
          { op: 'MatMul', inputs: ['x', 'w1t'], outputs: ['h'] },
          { op: 'Sign', inputs: ['h'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['a', 'w2t'], outputs: ['y'] },
        ],
        [
          { name: 'w1', dims: [H, IN], values: t(W1, IN, H) },
          { name: 'w2', dims: [OUT, H], values: t(W2, H, OUT) },
        ],
      ),
    );
    expectLayers(imp.network, ['sign', 'identity']);
    expect(Array.from(imp.network.layers[0].weight)).toEqual(f32(W1));
  });

  it('two linear ops in a row make a layer with the identity activation', async () => {
    const W3 = uniform(OUT * 4, 8);
    const imp = await check(
      spec(
        [
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['h'] },
          { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['g'] },
          { op: 'Relu', inputs: ['g'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['a', 'W3'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [IN, H], values: W1 },
          { name: 'W2', dims: [H, OUT], values: W2 },
          { name: 'W3', dims: [OUT, 4], values: W3 },
        ],
        { outputs: [{ name: 'y', shape: ['N', 4] }] },
      ),
    );
    expect(imp.network.layers.map((l) => l.activation.kind)).toEqual(['identity', 'relu', 'identity']);
  });

  it('a 1-D input (no batch axis): x·W then W·x', async () => {
    const imp = await check(
      spec(
        [
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['h'] },
          { op: 'Relu', inputs: ['h'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['W2', 'a'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [IN, H], values: W1 },
          { name: 'W2', dims: [OUT, H], values: t(W2, H, OUT) },
        ],
        { inputs: [{ name: 'x', shape: [IN] }], outputs: [{ name: 'y', shape: [OUT] }] },
      ),
      [IN],
    );
    expectLayers(imp.network, ['relu', 'identity']);
    expect(imp.input.shape).toEqual([IN]);
  });
});

describe('shape handling: Flatten, Reshape, side branches', () => {
  const tail = (from: string): NodeSpec[] => [
    { op: 'Gemm', inputs: [from, 'W1', 'B1'], outputs: ['h'] },
    { op: 'Relu', inputs: ['h'], outputs: ['a'] },
    { op: 'Gemm', inputs: ['a', 'W2', 'B2'], outputs: ['y'] },
  ];
  const inits: TensorSpec[] = [
    { name: 'W1', dims: [IN, H], values: W1 },
    { name: 'B1', dims: [H], values: B1 },
    { name: 'W2', dims: [H, OUT], values: W2 },
    { name: 'B2', dims: [OUT], values: B2 },
  ];

  it('x.view(x.size(0), -1): Shape → Gather → Unsqueeze → Concat side branch into Reshape (input [N, 1, 3, 4])', async () => {
    const imp = await check(
      spec(
        [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          {
            op: 'Constant',
            inputs: [],
            outputs: ['zero'],
            attrs: { value: { t: { dims: [], type: DataType.INT64, values: [0] } } },
          },
          { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: { i: 0 } } },
          {
            op: 'Constant',
            inputs: [],
            outputs: ['ax'],
            attrs: { value: { t: { dims: [1], type: DataType.INT64, values: [0] } } },
          },
          { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
          { op: 'Constant', inputs: [], outputs: ['m1'], attrs: { value_ints: { ints: [-1] } } },
          { op: 'Concat', inputs: ['n1', 'm1'], outputs: ['shape'], attrs: { axis: { i: 0 } } },
          { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['flat'] },
          ...tail('flat'),
        ],
        inits,
        { inputs: [{ name: 'x', shape: ['N', 1, 3, 4] }] },
      ),
      [4, 1, 3, 4],
    );
    expectLayers(imp.network, ['relu', 'identity']);
    expect(imp.input.shape).toEqual(['N', 1, 3, 4]);
    expect(imp.warnings).toEqual([]);
  });

  it('Flatten of [N, 1, 3, 4] and Reshape with a constant shape [-1, 12]', async () => {
    for (const first of [
      [{ op: 'Flatten', inputs: ['x'], outputs: ['flat'] }],
      [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['flat'] }],
    ] as NodeSpec[][]) {
      const imp = await check(
        spec(
          [...first, ...tail('flat')],
          [...inits, { name: 'shape', dims: [2], type: DataType.INT64, values: [-1, IN] }],
          {
            inputs: [{ name: 'x', shape: ['N', 1, 3, 4] }],
          },
        ),
        [3, 1, 3, 4],
      );
      expectLayers(imp.network, ['relu', 'identity']);
    }
  });

  it('3-D data [N, 1, 12] through MatMul, and a Reshape back to [N, 3] at the end', async () => {
    const imp = await check(
      spec(
        [
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['h'] },
          { op: 'Relu', inputs: ['h'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['a', 'W2'], outputs: ['z'] },
          { op: 'Reshape', inputs: ['z', 'shape'], outputs: ['y'] },
        ],
        [
          { name: 'W1', dims: [IN, H], values: W1 },
          { name: 'W2', dims: [H, OUT], values: W2 },
          { name: 'shape', dims: [2], type: DataType.INT64, values: [0, -1] },
        ],
        { inputs: [{ name: 'x', shape: ['N', 1, IN] }] },
      ),
      [2, 1, IN],
    );
    expectLayers(imp.network, ['relu', 'identity']);
  });
});

describe('activations and pass-through nodes', () => {
  const net = (
    act: NodeSpec[],
    opset: number,
    extraInits: TensorSpec[] = [],
    last: NodeSpec[] = [],
  ): ModelSpec =>
    spec(
      [
        { op: 'Gemm', inputs: ['x', 'W1', 'B1'], outputs: ['h'] },
        ...act,
        { op: 'Gemm', inputs: ['a', 'W2', 'B2'], outputs: last.length ? ['z'] : ['y'] },
        ...last,
      ],
      [
        { name: 'W1', dims: [IN, H], values: W1 },
        { name: 'B1', dims: [H], values: B1 },
        { name: 'W2', dims: [H, OUT], values: W2 },
        { name: 'B2', dims: [OUT], values: B2 },
        ...extraInits,
      ],
      { opset },
    );

  it('Clip before opset 11 takes min/max attributes', async () => {
    const imp = await check(
      net([{ op: 'Clip', inputs: ['h'], outputs: ['a'], attrs: { min: { f: -0.5 }, max: { f: 0.75 } } }], 10),
    );
    expect(imp.network.layers[0].activation).toEqual({ kind: 'clip', min: -0.5, max: 0.75 });
  });

  it('Clip from opset 11 takes constant inputs; an empty name means no bound (Hardtanh, clamp(max=...))', async () => {
    const imp = await check(
      net(
        [
          { op: 'Constant', inputs: [], outputs: ['hi'], attrs: { value_float: { f: 0.5 } } },
          { op: 'Clip', inputs: ['h', '', 'hi'], outputs: ['a'] },
        ],
        13,
      ),
    );
    expect(imp.network.layers[0].activation).toEqual({ kind: 'clip', min: -Infinity, max: 0.5 });
    const imp2 = await check(
      net([{ op: 'Clip', inputs: ['h', 'lo', 'hi'], outputs: ['a'] }], 13, [
        { name: 'lo', dims: [], values: [-1] },
        { name: 'hi', dims: [], values: [1] },
      ]),
    );
    expect(imp2.network.layers[0].activation).toEqual({ kind: 'clip', min: -1, max: 1 });
  });

  it('Identity and Dropout (ratio input, unused mask) pass the data through', async () => {
    const imp = await check(
      net(
        [
          { op: 'Identity', inputs: ['h'], outputs: ['h1'] },
          { op: 'Relu', inputs: ['h1'], outputs: ['r'] },
          { op: 'Dropout', inputs: ['r', 'ratio'], outputs: ['a', 'unused_mask'] },
        ],
        13,
        [{ name: 'ratio', dims: [], values: [0.5] }],
      ),
    );
    expect(imp.network.layers.map((l) => l.activation.kind)).toEqual(['relu', 'identity']);
  });

  it('Softmax at the end with the opset-11 default axis 1, LogSoftmax with axis -1 (opset 13)', async () => {
    const relu: NodeSpec[] = [{ op: 'Relu', inputs: ['h'], outputs: ['a'] }];
    const imp = await check(net(relu, 11, [], [{ op: 'Softmax', inputs: ['z'], outputs: ['y'] }]));
    expect(imp.network.output).toBe('softmax');
    const imp2 = await check(
      net(relu, 13, [], [{ op: 'LogSoftmax', inputs: ['z'], outputs: ['y'], attrs: { axis: { i: -1 } } }]),
    );
    expect(imp2.network.output).toBe('logSoftmax');
  });
});

describe('tensor storage', () => {
  const model = (
    w1: TensorSpec,
    w2: TensorSpec,
    extra: Partial<ModelSpec> = {},
    nodes?: NodeSpec[],
  ): ModelSpec =>
    spec(
      nodes ?? [
        { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['h'] },
        { op: 'Tanh', inputs: ['h'], outputs: ['a'] },
        { op: 'MatMul', inputs: ['a', 'W2'], outputs: ['y'] },
      ],
      [w1, w2],
      extra,
    );

  it('float_data packed and unpacked give the same weights as raw_data', async () => {
    const imp = await check(
      model(
        { name: 'W1', dims: [IN, H], values: W1, storage: 'typed' },
        { name: 'W2', dims: [H, OUT], values: W2, storage: 'unpacked' },
      ),
    );
    expect(Array.from(imp.network.layers[0].weight)).toEqual(f32(W1));
    expect(Array.from(imp.network.layers[1].weight)).toEqual(f32(W2));
  });

  it('double weights (raw_data and double_data) stay Float64Array', async () => {
    const imp = await check(
      model(
        { name: 'W1', dims: [IN, H], values: W1, type: DataType.DOUBLE },
        { name: 'W2', dims: [H, OUT], values: W2, type: DataType.DOUBLE, storage: 'typed' },
        {
          inputs: [{ name: 'x', type: DataType.DOUBLE, shape: ['N', IN] }],
          outputs: [{ name: 'y', type: DataType.DOUBLE, shape: ['N', OUT] }],
        },
      ),
    );
    for (const l of imp.network.layers) expect(l.weight).toBeInstanceOf(Float64Array);
    expect(Array.from(imp.network.layers[0].weight)).toEqual(W1);
    expect(Array.from(imp.network.layers[1].weight)).toEqual(W2);
  });

  it('float16 weights (raw_data and int32_data bits) are widened to Float32Array exactly', () => {
    const m = model(
      { name: 'W1', dims: [IN, H], values: W1, type: DataType.FLOAT16 },
      { name: 'W2', dims: [H, OUT], values: W2, type: DataType.FLOAT16, storage: 'typed' },
      { inputs: [{ name: 'x', type: DataType.FLOAT16, shape: ['N', IN] }] },
    );
    const imp = readOnnxModel(buildModel(m), { source: 'half.onnx' });
    const half = (a: number[]): number[] => a.map((v) => halfToFloat(halfBits(v)));
    expect(imp.network.layers[0].weight).toBeInstanceOf(Float32Array);
    expect(Array.from(imp.network.layers[0].weight)).toEqual(half(W1));
    expect(Array.from(imp.network.layers[1].weight)).toEqual(half(W2));
    expect(imp.input.elemType).toBe(DataType.FLOAT16);
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
  });

  it('weights and biases from Constant nodes (value tensor in float_data, value_floats)', async () => {
    const imp = await check(
      spec(
        [
          {
            op: 'Constant',
            inputs: [],
            outputs: ['W1'],
            attrs: { value: { t: { dims: [IN, H], values: W1, storage: 'typed' } } },
          },
          { op: 'Constant', inputs: [], outputs: ['B1'], attrs: { value_floats: { floats: B1 } } },
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['m'] },
          { op: 'Add', inputs: ['m', 'B1'], outputs: ['h'] },
          { op: 'Relu', inputs: ['h'], outputs: ['a'] },
          { op: 'MatMul', inputs: ['a', 'W2'], outputs: ['y'] },
        ],
        [{ name: 'W2', dims: [H, OUT], values: W2 }],
      ),
    );
    expect(Array.from(imp.network.layers[0].bias!)).toEqual(f32(B1));
  });

  it('initializers also listed as graph inputs are not data inputs', async () => {
    const m = model({ name: 'W1', dims: [IN, H], values: W1 }, { name: 'W2', dims: [H, OUT], values: W2 });
    m.inputs.push({ name: 'W1', shape: [IN, H] }, { name: 'W2', shape: [H, OUT] });
    const imp = await check(m);
    expect(imp.input.name).toBe('x');
  });

  it('skips unknown fields, doc strings, value_info, metadata and sub-graph attributes', () => {
    const m = model({ name: 'W1', dims: [IN, H], values: W1 }, { name: 'W2', dims: [H, OUT], values: W2 });
    const g = graphProto(m)
      .string(10, 'graph doc')
      .message(13, new ProtoWriter().string(1, 'h'))
      .message(99, new ProtoWriter().string(1, 'future field'));
    const bytes = new ProtoWriter()
      .int(1, 8)
      .string(6, 'model doc')
      .message(14, new ProtoWriter().string(1, 'k').string(2, 'v'))
      .message(7, g)
      .message(8, new ProtoWriter().string(1, '').int(2, 13))
      .message(8, new ProtoWriter().string(1, 'com.microsoft').int(2, 1))
      .finish();
    const imp = readOnnxModel(bytes, { source: 'extra.onnx' });
    expect(imp.network.layers.map((l) => l.activation.kind)).toEqual(['tanh', 'identity']);
    expect(imp.opset).toBe(13);
    expect(imp.producer).toBe('');
  });

  it('reads a model whose input declares no shape', () => {
    const m = model({ name: 'W1', dims: [IN, H], values: W1 }, { name: 'W2', dims: [H, OUT], values: W2 });
    m.inputs = [{ name: 'x' }];
    const imp = readOnnxModel(buildModel(m), { source: 'noshape.onnx' });
    expect(imp.input.shape).toEqual([]);
    expect(imp.network.inputSize).toBe(IN);
  });
});
