/**
 * A small builder for general ONNX graphs: named inputs/outputs, initializers, nodes with
 * attributes, and serialisation to a ModelProto (ir_version 8, opset 17 by default). The training
 * step (core/train/graph.ts) is built with it; writer.ts keeps its own PyTorch-shaped layout.
 *
 * Value names are generated (`<prefix>_<n>`) unless given, so graph code reads as expressions:
 *   const h = g.node('Relu', [g.node('Gemm', [x, w])]);
 */
import { AttrType } from './attributes.ts';
import { OnnxError } from './errors.ts';
import { float32LE, float64LE, ProtoWriter } from './protobuf.ts';
import { DataType } from './tensor.ts';
import { IR_VERSION, OPSET } from './writer.ts';

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

/** Element types the builder writes. */
export type ElemType =
  typeof DataType.FLOAT | typeof DataType.DOUBLE | typeof DataType.INT64 | typeof DataType.BOOL;

export type Dim = number | string;

interface Value {
  name: string;
  type: number;
  shape: Dim[];
}

export class GraphBuilder {
  private readonly nodes: ProtoWriter[] = [];
  private readonly inits: ProtoWriter[] = [];
  private readonly inputs: Value[] = [];
  private readonly outputs: Value[] = [];
  private readonly names = new Set<string>();
  private readonly scalars = new Map<string, string>();
  private seq = 0;

  constructor(private readonly graphName = 'spinscope') {}

  /** Whether a value of this name exists (input, initializer or node output). */
  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Declares a graph input and returns its name. */
  input(name: string, type: ElemType, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, type, shape });
    return name;
  }

  /** Declares `value` (an existing value name) as a graph output under `name`. */
  output(value: string, name: string, type: ElemType, shape: Dim[]): string {
    if (value !== name) this.node('Identity', [value], {}, name);
    else if (!this.names.has(name)) throw new OnnxError(`GraphBuilder: no value named '${name}'`);
    this.outputs.push({ name, type, shape });
    return name;
  }

  /** A float/double initializer (raw_data, little-endian). */
  initializer(
    name: string,
    type: typeof DataType.FLOAT | typeof DataType.DOUBLE,
    dims: number[],
    values: ArrayLike<number>,
  ): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) {
      throw new OnnxError(
        `GraphBuilder: initializer '${name}' has ${values.length} values for dims [${dims}]`,
      );
    }
    this.claim(name);
    const t = new ProtoWriter();
    for (const d of dims) t.int(1, d);
    t.int(2, type);
    t.string(8, name);
    t.bytes(9, type === DataType.DOUBLE ? float64LE(values) : float32LE(values));
    this.inits.push(t);
    return name;
  }

  /** An int64 initializer (e.g. the axes input of ReduceSum). */
  int64s(name: string, dims: number[], values: readonly number[]): string {
    this.claim(name);
    const t = new ProtoWriter();
    for (const d of dims) t.int(1, d);
    t.int(2, DataType.INT64);
    t.string(8, name);
    const raw = new Uint8Array(8 * values.length);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    t.bytes(9, raw);
    this.inits.push(t);
    return name;
  }

  /** A scalar constant of the given float type, shared between uses. */
  scalar(value: number, type: typeof DataType.FLOAT | typeof DataType.DOUBLE): string {
    const key = `${type}:${Object.is(value, -0) ? '-0' : String(value)}`;
    let name = this.scalars.get(key);
    if (!name) {
      name = this.initializer(this.fresh('const'), type, [], [value]);
      this.scalars.set(key, name);
    }
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.nodeN(op, inputs, 1, attrs, output ? [output] : undefined)[0];
  }

  /** Adds a node with `count` outputs. */
  nodeN(
    op: string,
    inputs: string[],
    count: number,
    attrs: Record<string, AttrValue> = {},
    outputs?: string[],
  ): string[] {
    for (const i of inputs) {
      if (i !== '' && !this.names.has(i))
        throw new OnnxError(`GraphBuilder: ${op} uses the unknown value '${i}'`);
    }
    const outs = outputs ?? Array.from({ length: count }, () => this.fresh(op.toLowerCase()));
    for (const o of outs) this.claim(o);
    const n = new ProtoWriter();
    for (const i of inputs) n.string(1, i);
    for (const o of outs) n.string(2, o);
    n.string(3, `${op}_${this.nodes.length}`);
    n.string(4, op);
    for (const [name, v] of Object.entries(attrs)) n.message(5, attribute(name, v));
    this.nodes.push(n);
    return outs;
  }

  /** The serialised ModelProto. */
  toModel(opts: { producer?: string; docString?: string; opset?: number } = {}): Uint8Array {
    if (this.outputs.length === 0) throw new OnnxError('GraphBuilder: the graph has no output');
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.message(1, n);
    graph.string(2, this.graphName);
    for (const t of this.inits) graph.message(5, t);
    for (const v of this.inputs) graph.message(11, valueInfo(v));
    for (const v of this.outputs) graph.message(12, valueInfo(v));
    const model = new ProtoWriter();
    model.int(1, IR_VERSION);
    model.string(2, opts.producer ?? 'spinscope');
    if (opts.docString) model.string(6, opts.docString);
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, '').int(2, opts.opset ?? OPSET));
    return model.finish();
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${++this.seq}`;
    while (this.names.has(name));
    return name;
  }

  private claim(name: string): void {
    if (!name) throw new OnnxError('GraphBuilder: empty value name');
    if (this.names.has(name)) throw new OnnxError(`GraphBuilder: the value '${name}' is defined twice`);
    this.names.add(name);
  }
}

function attribute(name: string, v: AttrValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new OnnxError(`GraphBuilder: attribute ${name}=${v}: use {float: v} for floats`);
    a.int(3, v).int(20, AttrType.INT);
  } else if (typeof v === 'string') {
    a.string(4, v).int(20, AttrType.STRING);
  } else if (Array.isArray(v)) {
    a.packedInts(8, v).int(20, AttrType.INTS);
  } else if ('float' in v) {
    a.float(2, v.float).int(20, AttrType.FLOAT);
  } else {
    a.packedFloats(7, v.floats).int(20, AttrType.FLOATS);
  }
  return a;
}

function valueInfo(v: Value): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  }
  const tensorType = new ProtoWriter().int(1, v.type).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}
