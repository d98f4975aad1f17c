/**
 * ONNX messages (onnx.proto3) decoded into plain objects — only the subset Spinscope needs.
 * Unknown fields, sub-graphs (attribute g/graphs), sparse tensors' contents, strings etc. are
 * skipped. A known field with the wrong wire type is an error (the file is not what it claims).
 */
import {
  float32List,
  float64List,
  ProtoReader,
  WIRE_I32,
  WIRE_LEN,
  WIRE_VARINT,
  type NumberList,
} from './protobuf.ts';

export interface OpsetId {
  domain: string;
  version: number;
}

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  floatData: Float32Array | null;
  int32Data: Float64Array | null;
  int64Data: Float64Array | null;
  uint64Data: Float64Array | null;
  doubleData: Float64Array | null;
  /** A view into the file's bytes (unaligned): copy before viewing as a typed array. */
  rawData: Uint8Array | null;
  externalData: { key: string; value: string }[];
  /** 0 = DEFAULT, 1 = EXTERNAL. */
  dataLocation: number;
  /** Byte offset of the message in the file, for messages. */
  offset: number;
}

export interface AttributeProto {
  name: string;
  /** AttributeType: FLOAT=1, INT=2, STRING=3, TENSOR=4, GRAPH=5, FLOATS=6, INTS=7, ... (0 if absent). */
  type: number;
  f: number | null;
  i: number | null;
  s: Uint8Array | null;
  t: TensorProto | null;
  floats: number[];
  ints: number[];
}

export interface NodeProto {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
  attributes: AttributeProto[];
  offset: number;
}

export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  /** TensorProto.DataType of a tensor type, 0 if unknown or not a tensor. */
  elemType: number;
  /** Dimensions (dim_value, dim_param, or '?' when neither), or null when the shape is unknown. */
  shape: Dim[] | null;
  /** False when the value's type is not a tensor (sequence, map, ...). */
  isTensor: boolean;
}

export interface GraphProto {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  sparseInitializerNames: string[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: number;
  opsetImport: OpsetId[];
  producerName: string;
  producerVersion: string;
  graph: GraphProto | null;
}

/**
 * Most nodes, initializers or value infos a graph may have (memory bound on hostile input; real
 * networks have a few hundred).
 */
export const MAX_GRAPH_ENTRIES = 1 << 20;

function checkCount(r: ProtoReader, n: number, what: string): void {
  if (n >= MAX_GRAPH_ENTRIES) r.fail(`the graph has more than ${MAX_GRAPH_ENTRIES} ${what}`, r.tagPos);
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  unnamedDims = 0;
  const r = new ProtoReader(bytes);
  const m: ModelProto = { irVersion: 0, opsetImport: [], producerName: '', producerVersion: '', graph: null };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WIRE_VARINT, 'ModelProto.ir_version');
        m.irVersion = r.int64();
        break;
      case 8:
        r.expect(WIRE_LEN, 'ModelProto.opset_import');
        if (m.opsetImport.length >= 1024) r.fail('more than 1024 opset imports', r.tagPos);
        m.opsetImport.push(decodeOpset(r.message()));
        break;
      case 2:
        r.expect(WIRE_LEN, 'ModelProto.producer_name');
        m.producerName = r.string();
        break;
      case 3:
        r.expect(WIRE_LEN, 'ModelProto.producer_version');
        m.producerVersion = r.string();
        break;
      case 7:
        r.expect(WIRE_LEN, 'ModelProto.graph');
        m.graph = decodeGraph(r.message());
        break;
      default:
        r.skip();
    }
  }
  return m;
}

function decodeOpset(r: ProtoReader): OpsetId {
  const o: OpsetId = { domain: '', version: 0 };
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WIRE_LEN, 'OperatorSetIdProto.domain');
      o.domain = r.string();
    } else if (r.field === 2) {
      r.expect(WIRE_VARINT, 'OperatorSetIdProto.version');
      o.version = r.int64();
    } else r.skip();
  }
  return o;
}

function decodeGraph(r: ProtoReader): GraphProto {
  const g: GraphProto = {
    name: '',
    nodes: [],
    initializers: [],
    sparseInitializerNames: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
  };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WIRE_LEN, 'GraphProto.node');
        checkCount(r, g.nodes.length, 'nodes');
        g.nodes.push(decodeNode(r));
        break;
      case 2:
        r.expect(WIRE_LEN, 'GraphProto.name');
        g.name = r.string();
        break;
      case 5:
        r.expect(WIRE_LEN, 'GraphProto.initializer');
        checkCount(r, g.initializers.length, 'initializers');
        g.initializers.push(decodeTensor(r));
        break;
      case 11:
        r.expect(WIRE_LEN, 'GraphProto.input');
        checkCount(r, g.inputs.length, 'inputs');
        g.inputs.push(decodeValueInfo(r.message()));
        break;
      case 12:
        r.expect(WIRE_LEN, 'GraphProto.output');
        checkCount(r, g.outputs.length, 'outputs');
        g.outputs.push(decodeValueInfo(r.message()));
        break;
      case 13:
        r.expect(WIRE_LEN, 'GraphProto.value_info');
        checkCount(r, g.valueInfo.length, 'value infos');
        g.valueInfo.push(decodeValueInfo(r.message()));
        break;
      case 15: {
        r.expect(WIRE_LEN, 'GraphProto.sparse_initializer');
        // SparseTensorProto { values = 1 (TensorProto) }: keep the name only, for a clear error.
        const s = r.message();
        while (s.next()) {
          if (s.field === 1 && s.wire === WIRE_LEN) g.sparseInitializerNames.push(decodeTensor(s).name);
          else s.skip();
        }
        break;
      }
      default:
        r.skip();
    }
  }
  return g;
}

function decodeNode(parent: ProtoReader): NodeProto {
  const offset = parent.tagPos;
  const r = parent.message();
  const n: NodeProto = { inputs: [], outputs: [], name: '', opType: '', domain: '', attributes: [], offset };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WIRE_LEN, 'NodeProto.input');
        n.inputs.push(r.string());
        break;
      case 2:
        r.expect(WIRE_LEN, 'NodeProto.output');
        n.outputs.push(r.string());
        break;
      case 3:
        r.expect(WIRE_LEN, 'NodeProto.name');
        n.name = r.string();
        break;
      case 4:
        r.expect(WIRE_LEN, 'NodeProto.op_type');
        n.opType = r.string();
        break;
      case 5:
        r.expect(WIRE_LEN, 'NodeProto.attribute');
        n.attributes.push(decodeAttribute(r.message()));
        break;
      case 7:
        r.expect(WIRE_LEN, 'NodeProto.domain');
        n.domain = r.string();
        break;
      default:
        r.skip();
    }
  }
  return n;
}

function decodeAttribute(r: ProtoReader): AttributeProto {
  const a: AttributeProto = {
    name: '',
    type: 0,
    f: null,
    i: null,
    s: null,
    t: null,
    floats: [],
    ints: [],
  };
  let floats: NumberList<Float32Array> | null = null;
  let ints: NumberList<Float64Array> | null = null;
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WIRE_LEN, 'AttributeProto.name');
        a.name = r.string();
        break;
      case 2:
        r.expect(WIRE_I32, 'AttributeProto.f');
        a.f = r.float();
        break;
      case 3:
        r.expect(WIRE_VARINT, 'AttributeProto.i');
        a.i = r.int64();
        break;
      case 4:
        r.expect(WIRE_LEN, 'AttributeProto.s');
        a.s = r.bytes();
        break;
      case 5:
        r.expect(WIRE_LEN, 'AttributeProto.t');
        a.t = decodeTensor(r);
        break;
      case 7:
        floats ??= float32List();
        r.floats(floats, 'AttributeProto.floats');
        break;
      case 8:
        ints ??= float64List();
        r.varints(ints, 'AttributeProto.ints');
        break;
      case 20:
        r.expect(WIRE_VARINT, 'AttributeProto.type');
        a.type = r.int64();
        break;
      default:
        r.skip(); // g, graphs, strings, tensors, sparse tensors, ref_attr_name, doc_string
    }
  }
  if (floats) a.floats = Array.from(floats.toArray());
  if (ints) a.ints = Array.from(ints.toArray());
  return a;
}

/** Decodes the TensorProto of the current length-delimited field of `parent`. */
export function decodeTensor(parent: ProtoReader): TensorProto {
  const offset = parent.tagPos;
  const r = parent.message();
  const t: TensorProto = {
    name: '',
    dims: [],
    dataType: 0,
    floatData: null,
    int32Data: null,
    int64Data: null,
    uint64Data: null,
    doubleData: null,
    rawData: null,
    externalData: [],
    dataLocation: 0,
    offset,
  };
  const dims = float64List();
  let floatData: NumberList<Float32Array> | null = null;
  let int32Data: NumberList<Float64Array> | null = null;
  let int64Data: NumberList<Float64Array> | null = null;
  let uint64Data: NumberList<Float64Array> | null = null;
  let doubleData: NumberList<Float64Array> | null = null;
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.varints(dims, 'TensorProto.dims');
        break;
      case 2:
        r.expect(WIRE_VARINT, 'TensorProto.data_type');
        t.dataType = r.int64();
        break;
      case 4:
        floatData ??= float32List();
        r.floats(floatData, 'TensorProto.float_data');
        break;
      case 5:
        int32Data ??= float64List();
        r.varints(int32Data, 'TensorProto.int32_data');
        break;
      case 7:
        int64Data ??= float64List();
        r.varints(int64Data, 'TensorProto.int64_data');
        break;
      case 8:
        r.expect(WIRE_LEN, 'TensorProto.name');
        t.name = r.string();
        break;
      case 9:
        r.expect(WIRE_LEN, 'TensorProto.raw_data');
        t.rawData = r.bytes();
        break;
      case 10:
        doubleData ??= float64List();
        r.doubles(doubleData, 'TensorProto.double_data');
        break;
      case 11:
        uint64Data ??= float64List();
        r.varints(uint64Data, 'TensorProto.uint64_data', true);
        break;
      case 13: {
        r.expect(WIRE_LEN, 'TensorProto.external_data');
        const e = r.message();
        const entry = { key: '', value: '' };
        while (e.next()) {
          if (e.field === 1) {
            e.expect(WIRE_LEN, 'StringStringEntryProto.key');
            entry.key = e.string();
          } else if (e.field === 2) {
            e.expect(WIRE_LEN, 'StringStringEntryProto.value');
            entry.value = e.string();
          } else e.skip();
        }
        t.externalData.push(entry);
        break;
      }
      case 14:
        r.expect(WIRE_VARINT, 'TensorProto.data_location');
        t.dataLocation = r.int64();
        break;
      default:
        r.skip();
    }
  }
  t.dims = Array.from(dims.toArray());
  t.floatData = floatData?.toArray() ?? null;
  t.int32Data = int32Data?.toArray() ?? null;
  t.int64Data = int64Data?.toArray() ?? null;
  t.uint64Data = uint64Data?.toArray() ?? null;
  t.doubleData = doubleData?.toArray() ?? null;
  return t;
}

function decodeValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '', elemType: 0, shape: null, isTensor: true };
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WIRE_LEN, 'ValueInfoProto.name');
      v.name = r.string();
    } else if (r.field === 2) {
      r.expect(WIRE_LEN, 'ValueInfoProto.type');
      decodeType(r.message(), v);
    } else r.skip();
  }
  return v;
}

function decodeType(r: ProtoReader, v: ValueInfoProto): void {
  let sawTensor = false;
  let sawOther = false;
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WIRE_LEN, 'TypeProto.tensor_type');
      sawTensor = true;
      const t = r.message();
      while (t.next()) {
        if (t.field === 1) {
          t.expect(WIRE_VARINT, 'TypeProto.Tensor.elem_type');
          v.elemType = t.int64();
        } else if (t.field === 2) {
          t.expect(WIRE_LEN, 'TypeProto.Tensor.shape');
          v.shape = decodeShape(t.message());
        } else t.skip();
      }
    } else if (r.field === 6) {
      r.skip(); // denotation
    } else {
      sawOther = true; // sequence, map, optional, sparse tensor types
      r.skip();
    }
  }
  v.isTensor = sawTensor || !sawOther;
}

let unnamedDims = 0;

function decodeShape(r: ProtoReader): Dim[] {
  const dims: Dim[] = [];
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    r.expect(WIRE_LEN, 'TensorShapeProto.dim');
    const d = r.message();
    let dim: Dim | null = null;
    while (d.next()) {
      if (d.field === 1) {
        d.expect(WIRE_VARINT, 'Dimension.dim_value');
        dim = d.int64();
      } else if (d.field === 2) {
        d.expect(WIRE_LEN, 'Dimension.dim_param');
        dim = d.string();
      } else d.skip();
    }
    // A dimension with neither value nor name: unknown, distinct from every other.
    dims.push(dim === null || dim === '' ? `?${++unnamedDims}` : dim);
  }
  return dims;
}
