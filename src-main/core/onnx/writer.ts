/**
 * Network → ONNX bytes, the way PyTorch exports nn.Linear: one Gemm(transB=1) per layer with the
 * weight initializer stored [out, in] (raw_data, little-endian; float32, or double when the layer's
 * weight is a Float64Array), the bias as Gemm's input C, then the activation node, and a final
 * Softmax/LogSoftmax(axis=1) when the network says so. ir_version 8, opset 17. Input
 * [batch, inputSize], output [batch, outputs]. The result runs in onnxruntime and reads back
 * (readOnnxModel) into an identical network — except that LeakyRelu's alpha is a float32
 * attribute, and Clip bounds are stored in the layer's precision.
 */
import {
  NetworkError,
  transposeWeight,
  validateNetwork,
  type DenseLayer,
  type Network,
} from '../network/network.ts';
import { AttrType } from './attributes.ts';
import { OnnxError } from './errors.ts';
import { float32LE, float64LE, ProtoWriter } from './protobuf.ts';
import { DataType } from './tensor.ts';

export const IR_VERSION = 8;
export const OPSET = 17;

export interface WriteOptions {
  /** producer_name (default 'spinscope'). */
  producer?: string;
  /** The model's doc_string. */
  docString?: string;
  /** Name of the graph input (default 'input'). */
  inputName?: string;
  /** Name of the graph output (default 'logits'). */
  outputName?: string;
}

interface NodeSpec {
  op: string;
  name: string;
  inputs: string[];
  output: string;
  attrs?: { name: string; f?: number; i?: number }[];
}

export function writeOnnxModel(net: Network, opts: WriteOptions = {}): Uint8Array {
  try {
    validateNetwork(net, 'writeOnnxModel');
  } catch (e) {
    if (e instanceof NetworkError) throw new OnnxError(e.message, { cause: e });
    throw e;
  }
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'logits';
  if (!inputName || !outputName || inputName === outputName) {
    throw new OnnxError(`writeOnnxModel: input and output need two different, non-empty names`);
  }

  const nodes: NodeSpec[] = [];
  const inits: ProtoWriter[] = [];
  const firstType = elemType(net.layers[0]);
  let cur = inputName;
  let curType = firstType;
  let seq = 0;
  const value = (base: string): string => {
    let v = base;
    while (v === inputName || v === outputName) v = `${base}_${++seq}`;
    return v;
  };
  const add = (spec: Omit<NodeSpec, 'output'>, out: string): void => {
    nodes.push({ ...spec, output: out });
    cur = out;
  };

  net.layers.forEach((layer, k) => {
    const n = k + 1;
    const dt = elemType(layer);
    if (dt !== curType) {
      add(
        { op: 'Cast', name: `/layer${n}/Cast`, inputs: [cur], attrs: [{ name: 'to', i: dt }] },
        value(`layer${n}.cast`),
      );
      curType = dt;
    }
    const w = `layer${n}.weight`;
    inits.push(tensor(w, [layer.outFeatures, layer.inFeatures], dt, transposeWeight(layer)));
    const inputs = [cur, w];
    if (layer.bias) {
      const b = `layer${n}.bias`;
      inits.push(tensor(b, [layer.outFeatures], dt, layer.bias));
      inputs.push(b);
    }
    add(
      { op: 'Gemm', name: `/layer${n}/Gemm`, inputs, attrs: [{ name: 'transB', i: 1 }] },
      value(`layer${n}.linear`),
    );
    const a = layer.activation;
    const act = (op: string, attrs?: NodeSpec['attrs'], extra: string[] = []): void =>
      add(
        { op, name: `/layer${n}/${op}`, inputs: [cur, ...extra], attrs },
        value(`layer${n}.${op.toLowerCase()}`),
      );
    switch (a.kind) {
      case 'identity':
        break;
      case 'relu':
        act('Relu');
        break;
      case 'leakyRelu':
        act('LeakyRelu', [{ name: 'alpha', f: a.alpha }]);
        break;
      case 'tanh':
        act('Tanh');
        break;
      case 'sigmoid':
        act('Sigmoid');
        break;
      case 'sign':
        act('Sign');
        break;
      case 'clip': {
        const extra: string[] = [];
        if (a.min !== -Infinity) {
          inits.push(tensor(`layer${n}.clip_min`, [], dt, [a.min]));
          extra.push(`layer${n}.clip_min`);
        } else extra.push('');
        if (a.max !== Infinity) {
          inits.push(tensor(`layer${n}.clip_max`, [], dt, [a.max]));
          extra.push(`layer${n}.clip_max`);
        }
        while (extra.length > 0 && extra[extra.length - 1] === '') extra.pop();
        act('Clip', undefined, extra);
        break;
      }
    }
  });
  if (net.output !== 'none') {
    const op = net.output === 'softmax' ? 'Softmax' : 'LogSoftmax';
    add({ op, name: `/${op}`, inputs: [cur], attrs: [{ name: 'axis', i: 1 }] }, value(op.toLowerCase()));
  }
  if (nodes.length === 0) throw new OnnxError('writeOnnxModel: the network has no layer');
  const initNames = new Set(
    nodes.flatMap((s) => s.inputs.filter((x) => /^layer\d+\.(weight|bias|clip_m)/.test(x))),
  );
  if (initNames.has(inputName) || initNames.has(outputName)) {
    throw new OnnxError(`writeOnnxModel: the names '${inputName}'/'${outputName}' are used by initializers`);
  }
  nodes[nodes.length - 1].output = outputName;

  const graph = new ProtoWriter();
  for (const spec of nodes) graph.message(1, nodeProto(spec));
  graph.string(2, 'spinscope');
  for (const t of inits) graph.message(5, t);
  const classes = net.layers[net.layers.length - 1].outFeatures;
  graph.message(11, valueInfo(inputName, firstType, net.inputSize));
  graph.message(12, valueInfo(outputName, curType, classes));

  const model = new ProtoWriter();
  model.int(1, IR_VERSION);
  model.string(2, opts.producer ?? 'spinscope');
  if (opts.docString) model.string(6, opts.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, OPSET));
  return model.finish();
}

function elemType(layer: DenseLayer): number {
  return layer.weight instanceof Float64Array ? DataType.DOUBLE : DataType.FLOAT;
}

function tensor(name: string, dims: number[], dt: number, values: ArrayLike<number>): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  t.int(2, dt);
  t.string(8, name);
  t.bytes(9, dt === DataType.DOUBLE ? float64LE(values) : float32LE(values));
  return t;
}

function nodeProto(spec: NodeSpec): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of spec.inputs) n.string(1, i);
  n.string(2, spec.output);
  n.string(3, spec.name);
  n.string(4, spec.op);
  for (const a of spec.attrs ?? []) {
    const w = new ProtoWriter().string(1, a.name);
    if (a.f !== undefined) w.float(2, a.f).int(20, AttrType.FLOAT);
    else w.int(3, a.i!).int(20, AttrType.INT);
    n.message(5, w);
  }
  return n;
}

function valueInfo(name: string, dt: number, features: number): ProtoWriter {
  const shape = new ProtoWriter()
    .message(1, new ProtoWriter().string(2, 'batch'))
    .message(1, new ProtoWriter().int(1, features));
  const tensorType = new ProtoWriter().int(1, dt).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}
