/**
 * Malformed, hostile and unsupported files: each must give an OnnxError naming the file and saying
 * what is wrong — never a TypeError/RangeError — in bounded time and memory.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxError } from '../../../src-main/core/onnx/errors.ts';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, ProtoWriter } from '../../../src-main/core/onnx/protobuf.ts';
import { readOnnxFile, readOnnxModel, type OnnxImport } from '../../../src-main/core/onnx/reader.ts';
import { DataType } from '../../../src-main/core/onnx/tensor.ts';
import { Random } from '../../../src-main/core/util/random.ts';
import {
  buildModel,
  float32Bytes,
  type ModelSpec,
  type NodeSpec,
  type TensorSpec,
  uniform,
} from './build.ts';

/** 4 → 3 (Gemm transB=1 + bias, Relu) → 2 (Gemm transB=1). */
function base(): ModelSpec {
  return {
    inputs: [{ name: 'x', shape: ['N', 4] }],
    outputs: [{ name: 'y', shape: ['N', 2] }],
    inits: [
      { name: 'W1', dims: [3, 4], values: uniform(12, 1) },
      { name: 'b1', dims: [3], values: uniform(3, 2) },
      { name: 'W2', dims: [2, 3], values: uniform(6, 3) },
    ],
    nodes: [
      { op: 'Gemm', name: 'fc1', inputs: ['x', 'W1', 'b1'], outputs: ['h1'], attrs: { transB: { i: 1 } } },
      { op: 'Relu', name: 'relu1', inputs: ['h1'], outputs: ['a1'] },
      { op: 'Gemm', name: 'fc2', inputs: ['a1', 'W2'], outputs: ['y'], attrs: { transB: { i: 1 } } },
    ],
  };
}

function withNodes(nodes: NodeSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return { ...base(), nodes, ...extra };
}

function withInit(name: string, t: Partial<TensorSpec>): ModelSpec {
  const m = base();
  m.inits = m.inits!.map((x) => (x.name === name ? { ...x, ...t } : x));
  return m;
}

function read(bytes: Uint8Array, opts: { baseDir?: string } = {}): OnnxImport {
  return readOnnxModel(bytes, { source: 'bad.onnx', ...opts });
}

/** Asserts an OnnxError whose message starts with the file name and contains every fragment. */
function rejects(f: () => unknown, ...fragments: string[]): string {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').not.toBeNull();
  expect(err).toBeInstanceOf(OnnxError);
  const msg = (err as Error).message;
  expect(msg.startsWith('bad.onnx: ') || msg.includes('.onnx: ')).toBe(true);
  for (const s of fragments) expect(msg).toContain(s);
  return msg;
}

const rejectsSpec = (m: ModelSpec, ...fragments: string[]): string =>
  rejects(() => read(buildModel(m)), ...fragments);

describe('the reader on malformed bytes', () => {
  it('reads the unmodified base model (the cases below break one thing each)', () => {
    const imp = read(buildModel(base()));
    expect(imp.network.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [4, 3],
      [3, 2],
    ]);
  });

  it('rejects an empty file', () => {
    rejects(() => read(new Uint8Array(0)), 'not a valid ONNX file (the file is empty)');
  });

  it('rejects random bytes with an OnnxError, never another error type (500 seeded buffers)', () => {
    const rng = new Random(5);
    let notOnnx = 0;
    for (let k = 0; k < 500; k++) {
      const n = 1 + Math.floor(rng.uniform() * 4096);
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rng.uniform() * 256));
      const msg = rejects(() => read(bytes));
      if (msg.includes('not a valid ONNX file')) notOnnx++;
    }
    expect(notOnnx).toBeGreaterThan(490);
  });

  it('rejects 4 KiB of random bytes as "not a valid ONNX file (truncated or corrupt at byte N: …)"', () => {
    const rng = new Random(34);
    const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(rng.uniform() * 256));
    rejects(() => read(bytes), 'bad.onnx: not a valid ONNX file (');
  });

  it('rejects every truncation of a valid model that cuts into its graph', () => {
    const bytes = buildModel(base());
    for (let n = 1; n < bytes.length; n++) {
      let ok: OnnxImport | null = null;
      try {
        ok = read(bytes.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(OnnxError);
        expect((e as Error).message).toMatch(/^bad\.onnx: /);
      }
      // A cut after the graph field leaves a valid (shorter) message: it must then be the whole graph.
      if (ok) expect(ok.network.layers.length).toBe(2);
    }
  });

  it('gives a result or an OnnxError for 3000 random byte mutations of a valid model', () => {
    const bytes = buildModel(base());
    const rng = new Random(11);
    for (let k = 0; k < 3000; k++) {
      const b = bytes.slice();
      const flips = 1 + Math.floor(rng.uniform() * 3);
      for (let j = 0; j < flips; j++)
        b[Math.floor(rng.uniform() * b.length)] = Math.floor(rng.uniform() * 256);
      try {
        read(b);
      } catch (e) {
        if (!(e instanceof OnnxError)) throw e;
      }
    }
  });

  it('rejects a known field with the wrong wire type, naming the field', () => {
    const bytes = new ProtoWriter().int(1, 8).int(7, 3).finish();
    rejects(
      () => read(bytes),
      'not a valid ONNX file (truncated or corrupt at byte 2: ModelProto.graph (field 7) has wire type varint, expected length-delimited)',
    );
    const node = new ProtoWriter().string(1, 'x').int(4, 12);
    const g = new ProtoWriter().message(1, node);
    rejects(
      () => read(new ProtoWriter().message(7, g).finish()),
      'NodeProto.op_type (field 4) has wire type varint',
    );
    const t = new ProtoWriter().tag(1, WIRE_I64).raw(new Uint8Array(8));
    rejects(
      () => read(new ProtoWriter().message(7, new ProtoWriter().message(5, t)).finish()),
      'TensorProto.dims (field 1) has wire type fixed64, expected length-delimited',
    );
  });

  it('rejects absurd declared lengths before allocating anything', () => {
    const bytes = new ProtoWriter()
      .int(1, 8)
      .tag(7, WIRE_LEN)
      .varint(2 ** 40)
      .finish();
    rejects(() => read(bytes), 'ModelProto.graph (field 7) declares 1099511627776 bytes but only 0 remain');
  });

  it('rejects a valid protobuf without a graph', () => {
    rejects(
      () => read(new ProtoWriter().int(1, 8).string(2, 'x').finish()),
      'not a valid ONNX file (it has no graph)',
    );
  });

  it('rejects int64 values beyond 2^53 (e.g. a dimension of 2^60)', () => {
    const two60 = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    const tensor = new ProtoWriter().tag(1, WIRE_VARINT).raw(two60).int(2, DataType.FLOAT).string(8, 'W');
    const bytes = new ProtoWriter().int(1, 8).message(7, new ProtoWriter().message(5, tensor)).finish();
    rejects(() => read(bytes), 'not a valid ONNX file', '64-bit integer outside ±(2^53 − 1)');
  });
});

describe('the reader on bad tensors', () => {
  it('rejects negative dimensions', () => {
    rejectsSpec(withInit('W1', { dims: [-3, 4] }), "tensor 'W1' has an invalid dimension -3 in [-3, 4]");
  });

  it('rejects absurd element counts quickly, without allocating', () => {
    const t0 = performance.now();
    rejectsSpec(
      withInit('W1', { dims: [65536, 65536, 65536], values: [] }),
      "tensor 'W1' has shape [65536, 65536, 65536]",
      'more than 268435456 values',
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('rejects raw_data whose length does not match the dimensions', () => {
    rejectsSpec(
      withInit('W1', { values: uniform(11, 1) }),
      "tensor 'W1' has shape [3, 4] (12 values of FLOAT) but 44 bytes of data, expected 48",
    );
  });

  it('rejects float_data whose count does not match the dimensions (packed and unpacked)', () => {
    for (const storage of ['typed', 'unpacked'] as const) {
      rejectsSpec(
        withInit('b1', { values: [1, 2], storage }),
        "tensor 'b1' has shape [3] (3 values) but holds 2 values",
      );
    }
  });

  it('rejects a weight that holds no data at all', () => {
    rejectsSpec(
      withInit('W2', { values: [], storage: 'typed' }),
      "tensor 'W2' has shape [2, 3] (6 values) but holds 0 values",
    );
  });

  it('rejects non-float weights (int8) with a clear message', () => {
    rejectsSpec(
      withInit('W2', { type: DataType.INT8, values: [1, 2, 3, 4, 5, 6] }),
      "node 'fc2' (Gemm): its weight 'W2' has element type INT8; Spinscope needs float weights (float32, float16 or double)",
    );
  });

  it('rejects string tensors', () => {
    rejectsSpec(
      withInit('W2', { type: DataType.STRING, values: [], storage: 'typed' }),
      "tensor 'W2' has element type STRING",
    );
  });

  it('rejects a NaN weight through validateNetwork, as an OnnxError naming the layer', () => {
    const w = uniform(6, 3);
    w[4] = NaN;
    rejectsSpec(withInit('W2', { values: w }), 'bad.onnx: layer 2: weight [1, 1] is NaN');
  });

  it('rejects an infinite bias', () => {
    rejectsSpec(withInit('b1', { values: [0, Infinity, 0] }), 'bad.onnx: layer 1: bias [1] is Infinity');
  });

  it('rejects a weight that is not a matrix', () => {
    rejectsSpec(
      withInit('W2', { dims: [1, 2, 3] }),
      "its weight 'W2' has shape [1, 2, 3]; a dense layer needs a matrix",
    );
  });
});

describe('the reader on unsupported graphs', () => {
  const [fc1, relu1, fc2] = base().nodes;
  const SUPPORTED = 'Spinscope maps fully connected networks (Gemm/MatMul with Relu';

  it('rejects an unsupported op in the middle, naming the node, its op and what is supported', () => {
    rejectsSpec(
      withNodes([fc1, { op: 'Conv', name: 'Conv_3', inputs: ['h1', 'W1'], outputs: ['a1'] }, fc2]),
      "bad.onnx: node 'Conv_3' (Conv) is not a dense layer; " + SUPPORTED,
      'Softmax at the end) only',
    );
  });

  it('names an unnamed node by its position and a custom-domain op by its domain', () => {
    rejectsSpec(
      withNodes([fc1, { op: 'Relu', domain: 'com.example', inputs: ['h1'], outputs: ['a1'] }, fc2]),
      'node #2 (com.example.Relu) is not a dense layer',
    );
  });

  it('rejects a cycle', () => {
    rejectsSpec(
      withNodes([
        fc1,
        { op: 'Add', name: 'add', inputs: ['h1', 'r'], outputs: ['s'] },
        { op: 'Relu', name: 'loop', inputs: ['s'], outputs: ['r'] },
        { ...fc2, inputs: ['r', 'W2'] },
      ]),
      'the graph has a cycle through node',
    );
  });

  it('rejects two data inputs', () => {
    const m = base();
    m.inputs.push({ name: 'x2', shape: ['N', 4] });
    rejectsSpec(m, "the graph has 2 data inputs ('x', 'x2'); Spinscope maps networks with a single input");
  });

  it('rejects a graph without a data input', () => {
    const m = base();
    m.inputs = [{ name: 'W1', shape: [3, 4] }];
    rejectsSpec(m, 'the graph has no data input');
  });

  it('rejects a branch (a residual connection)', () => {
    const m = withNodes([
      fc1,
      relu1,
      { op: 'MatMul', name: 'mm', inputs: ['a1', 'W3'], outputs: ['m'] },
      { op: 'Add', name: 'res', inputs: ['a1', 'm'], outputs: ['s'] },
      { ...fc2, inputs: ['s', 'W2'] },
    ]);
    m.inits!.push({ name: 'W3', dims: [3, 3], values: uniform(9, 4) });
    rejectsSpec(m, "the output 'a1' of node 'relu1' (Relu) feeds 2 nodes", 'the network branches');
  });

  it('rejects a node that reads the data twice', () => {
    rejectsSpec(
      withNodes([fc1, { op: 'Add', name: 'dbl', inputs: ['h1', 'h1'], outputs: ['a1'] }, fc2]),
      'combines',
      'with itself: a branch',
    );
  });

  it('rejects an activation before any dense layer', () => {
    rejectsSpec(
      withNodes([
        { op: 'Relu', name: 'r0', inputs: ['x'], outputs: ['x0'] },
        { ...fc1, inputs: ['x0', 'W1', 'b1'] },
        relu1,
        fc2,
      ]),
      "node 'r0' (Relu) comes before any dense layer",
    );
  });

  it('rejects two activations in a row', () => {
    rejectsSpec(
      withNodes([
        fc1,
        relu1,
        { op: 'Tanh', name: 't', inputs: ['a1'], outputs: ['a2'] },
        { ...fc2, inputs: ['a2', 'W2'] },
      ]),
      "node 't' (Tanh) follows node 'relu1' (Relu), the activation of layer 1: two activations in a row",
    );
  });

  it('rejects a bias added after the activation, a second bias, and a bias before any layer', () => {
    const m1 = withNodes([
      fc1,
      relu1,
      { op: 'Add', name: 'late', inputs: ['a1', 'b1'], outputs: ['a2'] },
      { ...fc2, inputs: ['a2', 'W2'] },
    ]);
    rejectsSpec(m1, "node 'late' (Add) adds a constant after the activation of layer 1");
    const m2 = withNodes([
      fc1,
      { op: 'Add', name: 'again', inputs: ['h1', 'b1'], outputs: ['h2'] },
      { ...relu1, inputs: ['h2'] },
      fc2,
    ]);
    rejectsSpec(m2, "node 'again' (Add) adds a second bias to layer 1");
    const m3 = withNodes([
      { op: 'Add', name: 'early', inputs: ['x', 'c'], outputs: ['x1'] },
      { ...fc1, inputs: ['x1', 'W1', 'b1'] },
      relu1,
      fc2,
    ]);
    m3.inits!.push({ name: 'c', dims: [4], values: [1, 2, 3, 4] });
    rejectsSpec(m3, "node 'early' (Add) adds a constant before any dense layer");
  });

  it('rejects an added constant that is not one value per feature', () => {
    const m = withNodes([fc1, relu1, fc2, { op: 'Add', name: 'b', inputs: ['y0', 'c'], outputs: ['y'] }]);
    m.nodes[2] = { ...fc2, outputs: ['y0'] };
    m.inits!.push({ name: 'c', dims: [3, 2], values: uniform(6, 9) });
    rejectsSpec(m, "its added constant 'c' has shape [3, 2], which is not one value per feature");
  });

  it('rejects a chain that does not end at the graph output, and several outputs', () => {
    const m = base();
    m.outputs = [{ name: 'h1', shape: ['N', 3] }];
    rejectsSpec(m, "the graph output 'h1' is also used by node 'relu1' (Relu)");
    const m2 = withNodes([fc1, relu1, fc2, { op: 'Relu', name: 'dangling', inputs: ['y'], outputs: ['z'] }]);
    rejectsSpec(m2, "the graph output 'y' is also used by node 'dangling'");
    const m3 = withNodes([fc1, relu1, { ...fc2, outputs: ['z'] }]);
    rejectsSpec(
      m3,
      "the chain of layers ends at the output 'z' of node 'fc2' (Gemm), which is not a graph output",
    );
    const m4 = base();
    m4.outputs.push({ name: 'W1', shape: [3, 4] });
    rejectsSpec(m4, 'the graph has 2 outputs');
  });

  it('rejects a used Dropout mask and Dropout in training mode', () => {
    const m = withNodes([
      fc1,
      relu1,
      { op: 'Dropout', name: 'drop', inputs: ['a1'], outputs: ['d', 'mask'] },
      { ...fc2, inputs: ['d', 'W2'] },
    ]);
    m.outputs.push({ name: 'mask', type: DataType.BOOL, shape: ['N', 3] });
    rejectsSpec(m, "node 'drop' (Dropout): its mask output 'mask' is used");
    const m2 = withNodes([
      fc1,
      relu1,
      { op: 'Dropout', name: 'drop', inputs: ['a1', 'ratio', 'train'], outputs: ['d'] },
      { ...fc2, inputs: ['d', 'W2'] },
    ]);
    m2.inits!.push(
      { name: 'ratio', dims: [], values: [0.5] },
      { name: 'train', dims: [], type: DataType.BOOL, values: [1] },
    );
    rejectsSpec(m2, "node 'drop' (Dropout) is in training mode");
  });

  it('rejects Softmax anywhere but at the end, and over a non-feature axis', () => {
    rejectsSpec(
      withNodes([fc1, { op: 'Softmax', name: 'sm', inputs: ['h1'], outputs: ['a1'] }, fc2]),
      "node 'fc2' (Gemm) follows node 'sm' (Softmax); Softmax/LogSoftmax must be the last node",
    );
    rejectsSpec(
      withNodes([
        fc1,
        relu1,
        { ...fc2, outputs: ['z'] },
        { op: 'Softmax', name: 'sm', inputs: ['z'], outputs: ['y'], attrs: { axis: { i: 0 } } },
      ]),
      "node 'sm' (Softmax) normalises over axis 0",
    );
  });

  it('rejects a graph without nodes ("no dense layer")', () => {
    rejectsSpec(
      { inputs: [{ name: 'x', shape: ['N', 4] }], outputs: [{ name: 'x', shape: ['N', 4] }], nodes: [] },
      'the graph has no dense layer',
    );
  });

  it('rejects consecutive layers whose shapes do not match', () => {
    const m = withInit('W2', { dims: [2, 5], values: uniform(10, 3) });
    rejectsSpec(m, "node 'fc2' (Gemm): its weight 'W2' expects 5 inputs but the data has 3 features");
  });

  it('rejects a first layer that does not match the declared input', () => {
    const m = base();
    m.inputs = [{ name: 'x', shape: ['N', 7] }];
    rejectsSpec(m, "node 'fc1' (Gemm): its weight 'W1' expects 4 inputs but the data has 7 features");
  });

  it('rejects Gemm with transA=1 on [batch, features] data', () => {
    rejectsSpec(
      withNodes([{ ...fc1, attrs: { transA: { i: 1 }, transB: { i: 1 } } }, relu1, fc2]),
      "node 'fc1' (Gemm) has transA=1",
    );
  });

  it('rejects a reference to a value nothing provides, and a value written twice', () => {
    rejectsSpec(
      withNodes([fc1, { ...relu1, inputs: ['nope'] }, fc2]),
      "node 'relu1' (Relu) reads 'nope', which no node, initializer or graph input provides",
    );
    rejectsSpec(
      withNodes([fc1, { ...relu1, outputs: ['h1'] }, fc2]),
      "node 'relu1' (Relu) writes 'h1', which is already",
    );
  });

  it('rejects a Reshape that would split samples, a Transpose that mixes axes, and a Cast to integers', () => {
    const m = withNodes([
      { op: 'Reshape', name: 'rs', inputs: ['x', 'shape'], outputs: ['x1'] },
      { ...fc1, inputs: ['x1', 'W1', 'b1'] },
      relu1,
      fc2,
    ]);
    m.inits!.push({ name: 'shape', dims: [2], type: DataType.INT64, values: [-1, 2] });
    rejectsSpec(
      m,
      "node 'rs' (Reshape) turns shape [N, 4] into [?, 2], which does not keep one sample per row",
    );
    const m2 = withNodes([
      fc1,
      relu1,
      { op: 'Transpose', name: 'tr', inputs: ['a1'], outputs: ['t'], attrs: { perm: { ints: [0, 2, 1] } } },
      { ...fc2, inputs: ['t', 'W2'] },
    ]);
    rejectsSpec(m2, "node 'tr' (Transpose) has perm [0, 2, 1], not a permutation of the data's 2 axes");
    const m3 = withNodes([
      fc1,
      relu1,
      { op: 'Cast', name: 'c', inputs: ['a1'], outputs: ['t'], attrs: { to: { i: DataType.INT32 } } },
      { ...fc2, inputs: ['t', 'W2'] },
    ]);
    rejectsSpec(m3, "node 'c' (Cast) casts the data to INT32");
  });

  it('rejects W·x on data that was not transposed', () => {
    const m = withNodes([{ op: 'MatMul', name: 'wx', inputs: ['W1', 'x'], outputs: ['h1'] }, relu1, fc2]);
    rejectsSpec(m, "node 'wx' (MatMul) computes W·x on data in row layout");
  });

  it('rejects a Reshape whose target comes from an op Spinscope cannot evaluate', () => {
    const m = withNodes([
      { op: 'Shape', name: 'shape', inputs: ['x'], outputs: ['s'] },
      { op: 'ReduceProd', name: 'rp', inputs: ['s'], outputs: ['p'] },
      { op: 'Reshape', name: 'rs', inputs: ['x', 'p'], outputs: ['x1'] },
      { ...fc1, inputs: ['x1', 'W1', 'b1'] },
      relu1,
      fc2,
    ]);
    rejectsSpec(
      m,
      "node 'rs' (Reshape): its shape comes from a side branch Spinscope cannot evaluate",
      'ReduceProd cannot be evaluated',
    );
  });
});

describe('external data', () => {
  const root = mkdtempSync(join(tmpdir(), 'spinscope-onnx-ext-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const w1 = uniform(12, 1);

  function modelIn(dir: string, location: string, extra: Partial<TensorSpec['external']> = {}): Uint8Array {
    mkdirSync(dir, { recursive: true });
    return buildModel(withInit('W1', { values: undefined, external: { location, ...extra } }));
  }

  it('refuses a location with ".." even when the file exists, as outside the model folder', () => {
    const dir = join(root, 'a', 'model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'a', 'w.bin'), float32Bytes(w1));
    rejects(
      () => read(modelIn(dir, '../w.bin'), { baseDir: dir }),
      "external data '../w.bin' of tensor 'W1' is outside the model's folder",
      "'..'",
    );
    rejects(() => read(modelIn(dir, 'sub\\..\\..\\w.bin'), { baseDir: dir }), 'outside the model');
  });

  it('refuses an absolute location', () => {
    const dir = join(root, 'b');
    const abs = join(root, 'a', 'w.bin');
    rejects(() => read(modelIn(dir, abs), { baseDir: dir }), 'is outside the model', 'absolute path');
    rejects(() => read(modelIn(dir, 'C:\\weights.bin'), { baseDir: dir }), 'absolute path');
  });

  it('refuses a symbolic link that leads out of the model folder', () => {
    const dir = join(root, 'c');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'secret.bin'), float32Bytes(w1));
    symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
    rejects(() => read(modelIn(dir, 'link.bin'), { baseDir: dir }), 'outside the model', 'symbolic link');
  });

  it('reports a missing file, a missing folder and a length that does not fit', () => {
    const dir = join(root, 'd');
    rejects(
      () => read(modelIn(dir, 'none.bin'), { baseDir: dir }),
      "'none.bin', which does not exist in the model's folder",
    );
    rejects(() => read(modelIn(dir, 'none.bin')), "the model's folder is not known");
    writeFileSync(join(dir, 'short.bin'), float32Bytes(w1.slice(0, 5)));
    rejects(
      () => read(modelIn(dir, 'short.bin'), { baseDir: dir }),
      "has 20 bytes of external data in 'short.bin', expected 48",
    );
    rejects(
      () => read(modelIn(dir, 'short.bin', { offset: 8, length: 48 }), { baseDir: dir }),
      'wants bytes 8..56',
    );
  });

  it('reads a tensor stored in a side file inside the model folder (with offset and length)', async () => {
    const dir = join(root, 'e');
    mkdirSync(join(dir, 'weights'), { recursive: true });
    const bytes = new Uint8Array(7 + 48 + 5);
    bytes.set(float32Bytes(w1), 7);
    writeFileSync(join(dir, 'weights', 'w1.bin'), bytes);
    const model = modelIn(dir, 'weights/w1.bin', { offset: 7, length: 48 });
    const imp = read(model, { baseDir: dir });
    const inline = read(buildModel(base())).network;
    expect(imp.network).toEqual(inline);
    // And through readOnnxFile, which takes the folder from the path.
    writeFileSync(join(dir, 'model.onnx'), model);
    expect((await readOnnxFile(join(dir, 'model.onnx'))).network).toEqual(inline);
  });

  it('readOnnxFile reports a missing file as an OnnxError', async () => {
    await expect(readOnnxFile(join(root, 'missing.onnx'))).rejects.toThrow(
      /missing\.onnx: cannot be read \(no such file\)/,
    );
  });
});

describe('damaged graphs that ONNX forbids (found by the mutation fuzzer)', () => {
  it('a node without op_type is named as such', () => {
    const m = base();
    m.nodes[1] = { ...m.nodes[1], op: '' };
    rejectsSpec(m, "node 'relu1' (no op_type) has no op_type: the file is damaged");
  });

  it('graph inputs and outputs without names are refused before anything else', () => {
    rejectsSpec(
      {
        ...base(),
        inputs: [
          { name: 'x', shape: ['N', 4] },
          { name: '', shape: ['N', 4] },
        ],
      },
      'graph input #2 has an empty name',
    );
    rejectsSpec({ ...base(), outputs: [{ name: '', shape: ['N', 2] }] }, 'graph output #1 has an empty name');
  });
});

describe('parts of the graph that cannot reach its output', () => {
  it('load with a warning that names each ignored node (singular and plural), but not unused Constant nodes', () => {
    const [fc1, relu1, fc2] = base().nodes;
    const constant: NodeSpec = {
      op: 'Constant',
      name: 'unused_const',
      inputs: [],
      outputs: ['k'],
      attrs: { value: { t: { dims: [1], values: [1] } } },
    };
    expect(read(buildModel(withNodes([fc1, relu1, fc2, constant]))).warnings).toEqual([]);
    const one = read(
      buildModel(withNodes([fc1, relu1, fc2, { op: 'Relu', name: 'lone', inputs: ['W1'], outputs: ['z'] }])),
    );
    expect(one.warnings).toEqual([
      "node 'lone' (Relu) is not connected to the path from the input to the output and nothing reads its result: " +
        'ignored (it is not part of the spin model)',
    ]);
    // The network is the one without the dead node.
    expect(one.network).toEqual(read(buildModel(base())).network);
    const six = Array.from({ length: 6 }, (_, k): NodeSpec => ({
      op: 'Relu',
      name: `d${k}`,
      inputs: [k === 0 ? 'W1' : `z${k - 1}`],
      outputs: [`z${k}`],
    }));
    expect(read(buildModel(withNodes([fc1, relu1, fc2, ...six]))).warnings[0]).toMatch(
      /^node 'd0' \(Relu\), node 'd1' \(Relu\), node 'd2' \(Relu\), node 'd3' \(Relu\), 2 more are not connected/,
    );
  });
});
