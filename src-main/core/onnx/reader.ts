/**
 * ONNX → Network, by following the graph from its data input to its output (science.md §1):
 * never by initializer names. The data input is the one graph input that is not an initializer;
 * each node on the chain consumes the current value. Constant sub-expressions and shape side
 * branches (PyTorch's x.view(x.size(0), -1)) are evaluated on the side.
 *
 * Orientation: Gemm(transB=1) stores [out, in], MatMul(x, W) stores [in, out], MatMul(W, x) on
 * column-layout data (features × batch) stores [out, in]. Every weight ends up [in, out].
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  NetworkError,
  validateNetwork,
  type Activation,
  type Network,
  type OutputTransform,
  type WeightArray,
} from '../network/network.ts';
import { attrFloat, attrInt, attrInts, hasAttr } from './attributes.ts';
import { OnnxError, quote } from './errors.ts';
import { FoldError, foldNode, intsOf, sliceShape, type FoldContext, type Folded } from './fold.ts';
import { decodeModel, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './proto.ts';
import { ProtoError } from './protobuf.ts';
import {
  divide,
  formatShape,
  Fresh,
  isKnown,
  prodToDim,
  product,
  sameProduct,
  type Dim,
} from './symbolic.ts';
import {
  dataTypeName,
  decodeTensorData,
  isFloatType,
  isSinglePrecision,
  MAX_ELEMENTS,
  type Tensor,
  type TensorContext,
} from './tensor.ts';

export interface OnnxImport {
  network: Network;
  /** The graph's data input: name, declared shape (numbers and dimension names) and element type. */
  input: { name: string; shape: (number | string)[]; elemType: number };
  /** Name of the graph output the chain ends at. */
  outputName: string;
  /** Version of the default (ai.onnx) operator set, 0 if the file declares none. */
  opset: number;
  /** producer_name and producer_version of the file. */
  producer: string;
  /** Things the user may want to know; none of them stopped the import. */
  warnings: string[];
}

export const SUPPORTED =
  'Spinscope maps fully connected networks (Gemm/MatMul with Relu, LeakyRelu, Tanh, Sigmoid, Sign, Clip, ' +
  'Identity, Dropout, Flatten/Reshape, Softmax at the end) only';

/** Largest file readOnnxFile accepts. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Elements constant folding may produce in one model (weights are counted once more when transposed). */
const FOLD_BUDGET = 2 * MAX_ELEMENTS;

/** Ops that read the data's shape, not its values: side branches. */
const SHAPE_OPS = new Set(['Shape', 'Size']);

/** Reads an ONNX model from memory. `source` names the file in messages; `baseDir` is its folder (external data). */
export function readOnnxModel(bytes: Uint8Array, opts: { source: string; baseDir?: string }): OnnxImport {
  const source = opts.source;
  if (bytes.length === 0) throw new OnnxError(`${source}: not a valid ONNX file (the file is empty)`);
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof ProtoError) {
      throw new OnnxError(
        `${source}: not a valid ONNX file (truncated or corrupt at byte ${e.offset}: ${e.detail})`,
        {
          cause: e,
        },
      );
    }
    throw unexpected(source, e);
  }
  if (!model.graph) {
    const what = model.irVersion ? 'it has no graph' : 'no ir_version and no graph: not an ONNX model';
    throw new OnnxError(`${source}: not a valid ONNX file (${what})`);
  }
  try {
    return new ChainReader(model, model.graph, { source, baseDir: opts.baseDir }).read();
  } catch (e) {
    if (e instanceof OnnxError) throw e;
    if (e instanceof NetworkError) throw new OnnxError(e.message, { cause: e });
    throw unexpected(source, e);
  }
}

/** Reads an ONNX file; external data is looked up next to it. */
export async function readOnnxFile(path: string): Promise<OnnxImport> {
  let bytes: Uint8Array;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new OnnxError(`${path}: not a file`);
    if (s.size > MAX_FILE_BYTES) {
      throw new OnnxError(
        `${path}: the file has ${s.size} bytes, more than Spinscope reads (${MAX_FILE_BYTES})`,
      );
    }
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof OnnxError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new OnnxError(`${path}: cannot be read (${why})`, { cause: e });
  }
  return readOnnxModel(bytes, { source: path, baseDir: dirname(resolve(path)) });
}

function unexpected(source: string, e: unknown): OnnxError {
  const msg = e instanceof Error ? e.message : String(e);
  return new OnnxError(`${source}: could not be read (${msg})`, { cause: e });
}

// ---------------------------------------------------------------------------------------------

type Layout = 'row' | 'col';

/** What is known about a data value: its shape (null if unknown) and where its features are. */
interface DataInfo {
  shape: Dim[] | null;
  /** 'row': features on the last axis ([batch, features]); 'col': on the second-to-last ([features, batch]). */
  layout: Layout;
}

type Slot =
  | { kind: 'data'; info: DataInfo }
  | {
      kind: 'const' | 'shape';
      init?: TensorProto;
      value?: Folded;
      /** Why the value cannot be computed (reported only when it is needed). */
      error?: Error;
      /** Shape values whose failure means an unsupported side-branch op (not just an unknown shape). */
      fatal?: boolean;
    };

interface LayerDraft {
  inFeatures: number;
  outFeatures: number;
  weight: WeightArray;
  bias?: WeightArray;
  activation: Activation | null;
  /** The node that made the layer, and the one that set its activation, for messages. */
  node: string;
  activationNode?: string;
}

type Stage = 'start' | 'linear' | 'activated' | 'final';

class ChainReader {
  private readonly source: string;
  private readonly nodes: NodeProto[];
  private readonly nodeIndex: Map<NodeProto, number>;
  private readonly slots = new Map<string, Slot>();
  private readonly consumers = new Map<string, number[]>();
  private readonly producer = new Map<string, number>();
  private readonly outputNames: Set<string>;
  private readonly layers: LayerDraft[] = [];
  private readonly warnings: string[] = [];
  private readonly fresh = new Fresh('?r');
  private readonly fold: FoldContext;
  private readonly opset: number;
  private stage: Stage = 'start';
  private output: OutputTransform = 'none';
  private finalNode = '';
  private cur = '';

  constructor(
    private readonly model: ModelProto,
    private readonly graph: GraphProto,
    private readonly ctx: TensorContext,
  ) {
    this.source = ctx.source;
    this.nodes = graph.nodes;
    this.nodeIndex = new Map(graph.nodes.map((n, i) => [n, i]));
    this.outputNames = new Set(graph.outputs.map((o) => o.name));
    const def = model.opsetImport.filter((o) => o.domain === '' || o.domain === 'ai.onnx');
    this.opset = def.reduce((m, o) => Math.max(m, o.version), 0);
    if (def.length === 0) {
      this.warnings.push('the file declares no ai.onnx operator set; assuming the newest operator semantics');
    }
    this.fold = {
      budget: FOLD_BUDGET,
      fresh: this.fresh,
      opset: this.opset || 1000,
      decode: (node) => {
        const t = node.attributes.find((a) => a.name === 'value')?.t;
        if (!t) throw new FoldError('Constant has no tensor value');
        return decodeTensorData(t, this.ctx, `the value of ${this.labelOf(node)}`);
      },
    };
  }

  private fail(msg: string): never {
    throw new OnnxError(`${this.source}: ${msg}`);
  }

  private label(i: number): string {
    const n = this.nodes[i];
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    return n.name
      ? `node ${quote(n.name)} (${quote(op).slice(1, -1)})`
      : `node #${i + 1} (${quote(op).slice(1, -1)})`;
  }

  private labelOf(node: NodeProto): string {
    return this.label(this.nodeIndex.get(node) ?? -1);
  }

  /** Who produces a value, for messages. */
  private origin(name: string): string {
    const p = this.producer.get(name);
    if (p !== undefined) return `the output ${quote(name)} of ${this.label(p)}`;
    const slot = this.slots.get(name);
    return slot && slot.kind !== 'data' && slot.init
      ? `the initializer ${quote(name)}`
      : `the graph input ${quote(name)}`;
  }

  read(): OnnxImport {
    const g = this.graph;
    for (const t of g.initializers) {
      if (!t.name) continue;
      if (this.slots.has(t.name)) this.fail(`two initializers are named ${quote(t.name)}`);
      this.slots.set(t.name, { kind: 'const', init: t });
    }
    const sparse = new Set(g.sparseInitializerNames);
    const seen = new Set<string>();
    const dataInputs = g.inputs.filter((v) => {
      if (this.slots.has(v.name) || sparse.has(v.name) || seen.has(v.name)) return false;
      seen.add(v.name);
      return true;
    });
    if (dataInputs.length === 0) {
      this.fail(`the graph has no data input (every graph input is an initializer); ${SUPPORTED}`);
    }
    if (dataInputs.length > 1) {
      this.fail(
        `the graph has ${dataInputs.length} data inputs (${dataInputs
          .slice(0, 5)
          .map((v) => quote(v.name))
          .join(', ')}); Spinscope maps networks with a single input`,
      );
    }
    const input = dataInputs[0];
    if (!input.isTensor) this.fail(`the graph input ${quote(input.name)} is not a tensor`);
    const inputShape =
      input.shape?.map((d) => (typeof d === 'number' && d < 0 ? this.fresh.next() : d)) ?? null;
    this.slots.set(input.name, { kind: 'data', info: { shape: inputShape, layout: 'row' } });
    this.cur = input.name;

    const order = this.topologicalOrder(sparse);
    for (const i of order) this.visit(i);
    const network = this.finish(input.name);
    return {
      network,
      input: { name: input.name, shape: input.shape ? input.shape.slice() : [], elemType: input.elemType },
      outputName: this.cur,
      opset: this.opset,
      producer: [this.model.producerName, this.model.producerVersion].filter(Boolean).join(' '),
      warnings: this.warnings,
    };
  }

  /** Kahn's algorithm: an order in which every node comes after the producers of its inputs; fails on a cycle. */
  private topologicalOrder(sparse: Set<string>): number[] {
    const n = this.nodes.length;
    this.nodes.forEach((node, i) => {
      node.outputs.forEach((out) => {
        if (out === '') return;
        if (this.producer.has(out) || this.slots.has(out)) {
          this.fail(`${this.label(i)} writes ${quote(out)}, which is already ${this.origin(out)}`);
        }
        this.producer.set(out, i);
      });
    });
    const pending = new Int32Array(n);
    this.nodes.forEach((node, i) => {
      for (const inp of node.inputs) {
        if (inp === '') continue;
        let list = this.consumers.get(inp);
        if (!list) this.consumers.set(inp, (list = []));
        list.push(i);
        if (this.producer.has(inp)) pending[i]++;
        else if (!this.slots.has(inp)) {
          if (sparse.has(inp)) {
            this.fail(
              `${this.label(i)} uses the sparse initializer ${quote(inp)}; Spinscope reads dense tensors only`,
            );
          }
          this.fail(
            `${this.label(i)} reads ${quote(inp)}, which no node, initializer or graph input provides`,
          );
        }
      }
    });
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (pending[i] === 0) order.push(i);
    for (let k = 0; k < order.length; k++) {
      for (const out of this.nodes[order[k]].outputs) {
        if (out === '') continue;
        for (const c of this.consumers.get(out) ?? []) if (--pending[c] === 0) order.push(c);
      }
    }
    if (order.length < n) {
      // Walk back along unfinished producers until a node repeats: that node is on a cycle.
      let i = pending.findIndex((p) => p > 0);
      const visited = new Set<number>();
      while (!visited.has(i)) {
        visited.add(i);
        const back = this.nodes[i].inputs.find((inp) => {
          const p = this.producer.get(inp);
          return p !== undefined && pending[p] > 0;
        });
        if (back === undefined) break;
        i = this.producer.get(back)!;
      }
      this.fail(`the graph has a cycle through ${this.label(i)}; ONNX graphs must be acyclic (${SUPPORTED})`);
    }
    return order;
  }

  // --- constants and side branches -----------------------------------------------------------

  private folded(name: string): Folded {
    const slot = this.slots.get(name);
    if (!slot || slot.kind === 'data') throw new FoldError(`${quote(name)} is computed from the data`);
    if (slot.error) throw slot.error;
    if (!slot.value) {
      try {
        slot.value = { t: decodeTensorData(slot.init!, this.ctx) };
      } catch (e) {
        slot.error = e as Error;
        throw e;
      }
    }
    return slot.value;
  }

  /** Evaluates a node that does not touch the data's values (constant or shape side branch). */
  private visitSide(i: number, kind: 'const' | 'shape'): void {
    const node = this.nodes[i];
    let value: Folded | undefined;
    let error: Error | undefined;
    let fatal = true;
    const inputs: (Folded | null)[] = [];
    for (const inp of node.inputs) {
      try {
        inputs.push(inp === '' ? null : this.folded(inp));
      } catch (e) {
        error = e instanceof Error ? e : new FoldError(String(e)); // already names its origin
        const upstream = this.slots.get(inp);
        fatal = upstream?.kind === 'data' || upstream?.fatal !== false;
        break;
      }
    }
    if (!error) {
      try {
        value = foldNode(node, inputs, this.fold);
      } catch (e) {
        error =
          e instanceof OnnxError
            ? e
            : new FoldError(`${this.label(i)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    node.outputs.forEach((out, k) => {
      if (out === '') return;
      if (k === 0) this.slots.set(out, { kind, value, error, fatal: kind === 'shape' && !!error && fatal });
      else
        this.slots.set(out, {
          kind,
          error: new FoldError(`${this.label(i)}: only its first output is evaluated`),
        });
    });
  }

  /** Shape/Size of a data value: a symbolic shape side branch. */
  private visitShapeOf(i: number, dataName: string): void {
    const node = this.nodes[i];
    const info = this.dataInfo(dataName);
    let slot: Slot;
    if (!info.shape) {
      slot = {
        kind: 'shape',
        error: new FoldError(`the shape of ${this.origin(dataName)} is unknown`),
        fatal: false,
      };
    } else if (node.opType === 'Shape') {
      const vals = sliceShape(info.shape, node);
      slot = { kind: 'shape', value: { s: { dims: [vals.length], vals } } };
    } else {
      slot = {
        kind: 'shape',
        value: { s: { dims: [], vals: [prodToDim(product(info.shape), this.fresh)] } },
      };
    }
    if (node.outputs[0]) this.slots.set(node.outputs[0], slot);
  }

  private dataInfo(name: string): DataInfo {
    const s = this.slots.get(name);
    if (!s || s.kind !== 'data') throw new Error(`internal: ${name} is not data`);
    return s.info;
  }

  /** A constant input of a chain node, as a tensor; `role` describes it in messages. */
  private constant(i: number, name: string, role: string): Tensor {
    const slot = this.slots.get(name)!;
    if (slot.kind === 'data') {
      this.fail(
        `${this.label(i)} uses ${this.origin(name)} as its ${role}: two data paths meet, the network branches`,
      );
    }
    if (slot.kind === 'shape' && !slot.error && slot.value?.s) {
      this.fail(`${this.label(i)}: its ${role} ${quote(name)} is computed from the data's shape`);
    }
    try {
      const v = this.folded(name);
      if (!v.t) this.fail(`${this.label(i)}: its ${role} ${quote(name)} is computed from the data's shape`);
      return v.t;
    } catch (e) {
      if (e instanceof OnnxError) throw e;
      this.fail(`${this.label(i)}: its ${role} ${quote(name)} cannot be computed (${(e as Error).message})`);
    }
  }

  private floatConstant(i: number, name: string, role: string): Tensor {
    const t = this.constant(i, name, role);
    if (!isFloatType(t.dataType)) {
      this.fail(
        `${this.label(i)}: its ${role} ${quote(name)} has element type ${dataTypeName(t.dataType)}; ` +
          'Spinscope needs float weights (float32, float16 or double) — quantized models are not supported',
      );
    }
    return t;
  }

  private scalar(i: number, name: string, role: string): number {
    const t = this.constant(i, name, role);
    if (t.data.length !== 1)
      this.fail(`${this.label(i)}: its ${role} ${quote(name)} has ${t.data.length} values, expected one`);
    const v = t.data[0];
    if (Number.isNaN(v)) this.fail(`${this.label(i)}: its ${role} ${quote(name)} is NaN`);
    return v;
  }

  // --- the chain -------------------------------------------------------------------------------

  private visit(i: number): void {
    const node = this.nodes[i];
    const kinds = node.inputs.map((inp) => {
      if (inp === '') return null;
      const slot = this.slots.get(inp);
      if (!slot) {
        const p = this.producer.get(inp);
        const by = p === undefined ? 'no node' : this.label(p);
        this.fail(
          `${this.label(i)} reads ${quote(inp)}, an extra output of ${by} that Spinscope does not follow`,
        );
      }
      return slot.kind;
    });
    const dataIdx: number[] = [];
    kinds.forEach((k, j) => k === 'data' && dataIdx.push(j));
    if (dataIdx.length === 0) {
      this.visitSide(i, kinds.includes('shape') ? 'shape' : 'const');
      return;
    }
    if (SHAPE_OPS.has(node.opType) && (node.domain === '' || node.domain === 'ai.onnx')) {
      this.visitShapeOf(i, node.inputs[dataIdx[0]]);
      return;
    }
    this.visitChain(i, dataIdx);
  }

  private visitChain(i: number, dataIdx: number[]): void {
    const node = this.nodes[i];
    const label = this.label(i);
    const names = dataIdx.map((j) => node.inputs[j]);
    const stray = names.find((n) => n !== this.cur);
    if (stray !== undefined) {
      this.fail(
        `${label} reads ${this.origin(stray)}, but the chain has already moved on to ${quote(this.cur)}: ` +
          `the network branches; ${SUPPORTED}`,
      );
    }
    if (dataIdx.length > 1) {
      this.fail(
        `${label} combines ${this.origin(this.cur)} with itself: a branch, not a chain of layers; ${SUPPORTED}`,
      );
    }
    const users = [...new Set(this.consumers.get(this.cur) ?? [])].filter(
      (c) => !SHAPE_OPS.has(this.nodes[c].opType),
    );
    if (users.length > 1) {
      this.fail(
        `${this.origin(this.cur)} feeds ${users.length} nodes (${users
          .slice(0, 4)
          .map((c) => this.label(c))
          .join(', ')}): the network branches; Spinscope maps a single chain of layers`,
      );
    }
    if (this.outputNames.has(this.cur)) {
      this.fail(
        `the graph output ${quote(this.cur)} is also used by ${label}; Spinscope expects the chain to end at the graph output`,
      );
    }
    if (this.stage === 'final' && node.opType !== 'Identity') {
      this.fail(
        `${label} follows ${this.finalNode}; Softmax/LogSoftmax must be the last node of the network`,
      );
    }
    if (node.domain !== '' && node.domain !== 'ai.onnx') this.unsupported(i);
    node.outputs.forEach((out, k) => {
      if (k === 0 || out === '') return;
      if ((this.consumers.get(out)?.length ?? 0) > 0 || this.outputNames.has(out)) {
        const which = node.opType === 'Dropout' && k === 1 ? 'mask output' : `output #${k + 1}`;
        this.fail(
          `${label}: its ${which} ${quote(out)} is used; Spinscope follows the data through the first output only`,
        );
      }
    });
    const out = node.outputs[0];
    if (!out) this.fail(`${label} has no output`);
    const di = dataIdx[0];
    const info = this.dataInfo(this.cur);
    let next: DataInfo;
    switch (node.opType) {
      case 'Gemm':
        next = this.gemm(i, di, info);
        break;
      case 'MatMul':
        next = this.matmul(i, di, info);
        break;
      case 'Add':
        next = this.addBias(i, di, info);
        break;
      case 'Relu':
      case 'LeakyRelu':
      case 'Tanh':
      case 'Sigmoid':
      case 'Sign':
      case 'Clip':
        this.activation(i, di);
        next = info;
        break;
      case 'Identity':
        next = info;
        break;
      case 'Dropout':
        this.dropout(i, di);
        next = info;
        break;
      case 'Cast': {
        const to = attrInt(node, 'to', 0);
        if (!isFloatType(to)) {
          this.fail(
            `${label} casts the data to ${dataTypeName(to)}; only casts between float types can be mapped`,
          );
        }
        next = info;
        break;
      }
      case 'Transpose':
        next = this.transposeData(i, info);
        break;
      case 'Flatten':
      case 'Reshape':
        next = this.reshapeData(i, di, info);
        break;
      case 'Softmax':
      case 'LogSoftmax':
        this.softmax(i, info);
        next = info;
        break;
      default:
        this.unsupported(i);
    }
    this.slots.set(out, { kind: 'data', info: next });
    this.cur = out;
  }

  private unsupported(i: number): never {
    return this.fail(`${this.label(i)} is not a dense layer; ${SUPPORTED}`);
  }

  private features(info: DataInfo): Dim | undefined {
    const s = info.shape;
    if (!s || s.length === 0) return undefined;
    if (s.length === 1) return s[0];
    return info.layout === 'row' ? s[s.length - 1] : s[s.length - 2];
  }

  /** A dense layer needs one feature axis and batch axes; extra axes of known size > 1 mean something else. */
  private checkLinearInput(i: number, info: DataInfo, nIn: number, weightName: string): void {
    const s = info.shape;
    if (!s) return;
    if (s.length === 0) this.fail(`${this.label(i)} gets a scalar; a dense layer needs a vector of features`);
    const f = this.features(info);
    if (isKnown(f) && f !== nIn) {
      this.fail(
        `${this.label(i)}: its weight ${quote(weightName)} expects ${nIn} inputs but the data has ${f} features ` +
          `(shape ${formatShape(s)})`,
      );
    }
    const fa = s.length === 1 ? 0 : info.layout === 'row' ? s.length - 1 : s.length - 2;
    const ba = info.layout === 'row' ? 0 : s.length - 1;
    const extra = s.findIndex((d, k) => s.length > 2 && k !== fa && k !== ba && isKnown(d) && d !== 1);
    if (extra >= 0) {
      this.fail(
        `${this.label(i)} gets data of shape ${formatShape(s)}; a dense layer needs [batch, features] ` +
          '(flatten the input first)',
      );
    }
  }

  private matrix(i: number, name: string): Tensor {
    const t = this.floatConstant(i, name, 'weight');
    if (t.dims.length !== 2) {
      this.fail(
        `${this.label(i)}: its weight ${quote(name)} has shape [${t.dims.join(', ')}]; a dense layer needs a matrix`,
      );
    }
    return t;
  }

  private pushLayer(i: number, weight: WeightArray, nIn: number, nOut: number): void {
    if (nIn === 0 || nOut === 0) this.fail(`${this.label(i)} has an empty weight matrix (${nIn}×${nOut})`);
    // Two linear ops in a row: the previous layer keeps activation null, i.e. identity.
    this.layers.push({ inFeatures: nIn, outFeatures: nOut, weight, activation: null, node: this.label(i) });
    this.stage = 'linear';
  }

  private matmul(i: number, di: number, info: DataInfo): DataInfo {
    const node = this.nodes[i];
    if (node.inputs.length !== 2) this.fail(`${this.label(i)} has ${node.inputs.length} inputs, expected 2`);
    const wName = node.inputs[1 - di];
    const W = this.matrix(i, wName);
    const s = info.shape;
    const rank = s?.length;
    if (di === 0) {
      if (info.layout === 'col' && rank !== 1) {
        this.fail(
          `${this.label(i)} multiplies transposed data (features × batch) by a weight on the right; ` +
            'Spinscope maps x·W on [batch, features] data or W·x on [features, batch] data',
        );
      }
      const [nIn, nOut] = W.dims;
      this.checkLinearInput(i, info, nIn, wName);
      this.pushLayer(i, copyWeight(W), nIn, nOut);
      return { shape: s ? (s.length === 1 ? [nOut] : [...s.slice(0, -1), nOut]) : null, layout: 'row' };
    }
    if (info.layout === 'row' && rank !== 1) {
      this.fail(
        `${this.label(i)} computes W·x on data in row layout (batch × features); W·x needs the features along ` +
          'the rows (e.g. after a Transpose of the data). Spinscope maps x·W on [batch, features] data',
      );
    }
    const [nOut, nIn] = W.dims;
    this.checkLinearInput(i, info, nIn, wName);
    this.pushLayer(i, transposeMatrix(W.data, nOut, nIn), nIn, nOut);
    if (!s) return { shape: null, layout: 'col' };
    if (s.length === 1) return { shape: [nOut], layout: 'row' };
    const shape = s.slice();
    shape[s.length - 2] = nOut;
    return { shape, layout: 'col' };
  }

  private gemm(i: number, di: number, info: DataInfo): DataInfo {
    const node = this.nodes[i];
    const label = this.label(i);
    const transA = attrInt(node, 'transA', 0);
    const transB = attrInt(node, 'transB', 0);
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    if (!Number.isFinite(alpha) || !Number.isFinite(beta))
      this.fail(`${label} has alpha=${alpha}, beta=${beta}`);
    if (di === 2)
      this.fail(`${label} uses ${this.origin(this.cur)} as its bias C: not a dense layer; ${SUPPORTED}`);
    const s = info.shape;
    if (s && s.length !== 2) this.fail(`${label} needs 2-D data but gets shape ${formatShape(s)}`);
    let weight: WeightArray;
    let nIn: number;
    let nOut: number;
    let next: DataInfo;
    if (di === 0) {
      const rowData = info.layout === 'row' ? transA === 0 : transA === 1;
      if (!rowData) {
        this.fail(
          `${label} has transA=${transA} on data in ${info.layout === 'row' ? 'row' : 'column'} layout; ` +
            'Spinscope maps Gemm(x, W) with transA=0 on [batch, features] data',
        );
      }
      const wName = node.inputs[1];
      if (!wName) this.fail(`${label} has no input B`);
      const B = this.matrix(i, wName);
      if (transB) {
        [nOut, nIn] = B.dims;
        weight = transposeMatrix(B.data, nOut, nIn);
      } else {
        [nIn, nOut] = B.dims;
        weight = copyWeight(B);
      }
      this.checkLinearInput(i, info, nIn, wName);
      const batch = s ? (info.layout === 'row' ? s[0] : s[1]) : this.fresh.next();
      next = { shape: [batch, nOut], layout: 'row' };
    } else {
      const colData = info.layout === 'col' ? transB === 0 : transB === 1;
      if (!colData) {
        this.fail(
          `${label} multiplies a weight by data in ${info.layout === 'row' ? 'row' : 'column'} layout with transB=${transB}; ` +
            'W·x needs the features along the rows',
        );
      }
      const wName = node.inputs[0];
      const A = this.matrix(i, wName);
      if (transA) {
        [nIn, nOut] = A.dims;
        weight = copyWeight(A);
      } else {
        [nOut, nIn] = A.dims;
        weight = transposeMatrix(A.data, nOut, nIn);
      }
      this.checkLinearInput(i, info, nIn, wName);
      const batch = s ? (info.layout === 'col' ? s[1] : s[0]) : this.fresh.next();
      next = { shape: [nOut, batch], layout: 'col' };
    }
    if (alpha !== 1) for (let k = 0; k < weight.length; k++) weight[k] *= alpha;
    this.pushLayer(i, weight, nIn, nOut);
    const cName = node.inputs[2];
    if (cName) {
      const C = this.floatConstant(i, cName, 'bias C');
      if (beta === 0) {
        this.warnings.push(`${label} has beta=0: its bias C is ignored`);
      } else {
        const bias = this.biasVector(i, C, nOut, next, `bias C ${quote(cName)}`, weight);
        if (beta !== 1) for (let k = 0; k < bias.length; k++) bias[k] *= beta;
        this.layers[this.layers.length - 1].bias = bias;
      }
    }
    return next;
  }

  /** A constant that broadcasts as one value per feature (or one for all), as a vector of length `out`. */
  private biasVector(
    i: number,
    t: Tensor,
    out: number,
    info: DataInfo,
    what: string,
    like: WeightArray,
  ): WeightArray {
    const d = t.dims;
    const s = info.shape;
    const featFromEnd = info.layout === 'row' || s?.length === 1 ? 1 : 2;
    const bad = (): never =>
      this.fail(
        `${this.label(i)}: its ${what} has shape [${d.join(', ')}], which is not one value per feature for data of ` +
          `shape ${formatShape(s)} with ${out} features`,
      );
    if (s && d.length > s.length) bad();
    d.forEach((n, k) => {
      const fromEnd = d.length - k;
      if (fromEnd === featFromEnd ? n !== out && n !== 1 : n !== 1) bad();
    });
    const v = like instanceof Float64Array ? new Float64Array(out) : new Float32Array(out);
    if (t.data.length === 1) v.fill(t.data[0]);
    else if (t.data.length === out) v.set(t.data);
    else bad();
    return v;
  }

  private addBias(i: number, di: number, info: DataInfo): DataInfo {
    const node = this.nodes[i];
    const label = this.label(i);
    if (node.inputs.length !== 2) this.fail(`${label} has ${node.inputs.length} inputs, expected 2`);
    const cName = node.inputs[1 - di];
    const slot = this.slots.get(cName)!;
    if (slot.kind === 'data') {
      this.fail(
        `${label} adds two values computed from the input: the network branches (a residual connection?); ${SUPPORTED}`,
      );
    }
    if (this.layers.length === 0) {
      this.fail(`${label} adds a constant before any dense layer; a bias must follow a Gemm or MatMul`);
    }
    const layer = this.layers[this.layers.length - 1];
    const k = this.layers.length;
    if (this.stage === 'activated') {
      this.fail(
        `${label} adds a constant after the activation of layer ${k} (${layer.activationNode}); ` +
          'Spinscope maps a bias only directly after its Gemm or MatMul',
      );
    }
    if (layer.bias)
      this.fail(`${label} adds a second bias to layer ${k} (${layer.node}), which already has one`);
    const C = this.floatConstant(i, cName, 'added constant');
    layer.bias = this.biasVector(
      i,
      C,
      layer.outFeatures,
      info,
      `added constant ${quote(cName)}`,
      layer.weight,
    );
    return info;
  }

  private activation(i: number, di: number): void {
    const node = this.nodes[i];
    const label = this.label(i);
    if (di !== 0) this.fail(`${label} takes the data as input ${di + 1}; ${SUPPORTED}`);
    if (this.stage === 'start') {
      this.fail(
        `${label} comes before any dense layer; Spinscope maps activations that follow a Gemm or MatMul`,
      );
    }
    const layer = this.layers[this.layers.length - 1];
    if (this.stage === 'activated') {
      this.fail(
        `${label} follows ${layer.activationNode}, the activation of layer ${this.layers.length}: ` +
          'two activations in a row cannot be mapped to one layer',
      );
    }
    let act: Activation;
    switch (node.opType) {
      case 'Relu':
        act = { kind: 'relu' };
        break;
      case 'LeakyRelu': {
        const alpha = attrFloat(node, 'alpha', 0.01);
        if (!Number.isFinite(alpha)) this.fail(`${label} has alpha=${alpha}`);
        act = { kind: 'leakyRelu', alpha };
        break;
      }
      case 'Tanh':
        act = { kind: 'tanh' };
        break;
      case 'Sigmoid':
        act = { kind: 'sigmoid' };
        break;
      case 'Sign':
        act = { kind: 'sign' };
        break;
      default: {
        // Clip: attributes before opset 11, optional constant inputs (empty name = absent) from 11.
        let min = -Infinity;
        let max = Infinity;
        if (hasAttr(node, 'min') || hasAttr(node, 'max')) {
          min = attrFloat(node, 'min', -Infinity);
          max = attrFloat(node, 'max', Infinity);
        } else {
          if (node.inputs[1]) min = this.scalar(i, node.inputs[1], 'min');
          if (node.inputs[2]) max = this.scalar(i, node.inputs[2], 'max');
        }
        if (Number.isNaN(min) || Number.isNaN(max)) this.fail(`${label} has a NaN bound`);
        act = { kind: 'clip', min, max };
      }
    }
    layer.activation = act;
    layer.activationNode = label;
    this.stage = 'activated';
  }

  private dropout(i: number, di: number): void {
    const node = this.nodes[i];
    if (di !== 0) this.fail(`${this.label(i)} takes the data as input ${di + 1}; ${SUPPORTED}`);
    const mode = node.inputs[2];
    if (mode && this.scalar(i, mode, 'training_mode') !== 0) {
      this.fail(`${this.label(i)} is in training mode (random); export the model in eval mode`);
    }
  }

  private transposeData(i: number, info: DataInfo): DataInfo {
    const node = this.nodes[i];
    const s = info.shape;
    const perm = attrInts(node, 'perm');
    const swap: DataInfo = { shape: s, layout: info.layout === 'row' ? 'col' : 'row' };
    if (!s) {
      if (perm && perm.every((x, k) => x === k)) return info;
      if (!perm || (perm.length === 2 && perm[0] === 1 && perm[1] === 0)) return swap;
      this.fail(`${this.label(i)} permutes data of unknown rank with perm [${perm.join(', ')}]`);
    }
    const r = s.length;
    const p = perm ?? s.map((_, k) => r - 1 - k);
    if (p.length !== r || new Set(p).size !== r || p.some((x) => x < 0 || x >= r)) {
      this.fail(`${this.label(i)} has perm [${p.join(', ')}], not a permutation of the data's ${r} axes`);
    }
    if (p.every((x, k) => x === k)) return info;
    const swapsLastTwo =
      r >= 2 && p[r - 2] === r - 1 && p[r - 1] === r - 2 && p.slice(0, r - 2).every((x, k) => x === k);
    if (!swapsLastTwo) {
      this.fail(
        `${this.label(i)} permutes the data's axes with perm [${p.join(', ')}] (shape ${formatShape(s)}); ` +
          'Spinscope follows only transposes that swap the last two axes',
      );
    }
    const shape = s.slice();
    shape[r - 2] = s[r - 1];
    shape[r - 1] = s[r - 2];
    return { shape, layout: swap.layout };
  }

  private reshapeData(i: number, di: number, info: DataInfo): DataInfo {
    const node = this.nodes[i];
    const label = this.label(i);
    if (di !== 0) this.fail(`${label} takes the data as its shape input; ${SUPPORTED}`);
    const s = info.shape;
    if (info.layout === 'col' && s?.length !== 1) {
      this.fail(
        `${label} reshapes transposed data (features × batch); Spinscope needs [batch, features] data there`,
      );
    }
    let out: Dim[] | null = null;
    if (node.opType === 'Flatten') {
      const axis = attrInt(node, 'axis', 1);
      if (s) {
        const a = axis < 0 ? axis + s.length : axis;
        if (a < 0 || a > s.length)
          this.fail(`${label} has axis ${axis}, out of range for shape ${formatShape(s)}`);
        out = [prodToDim(product(s.slice(0, a)), this.fresh), prodToDim(product(s.slice(a)), this.fresh)];
      }
    } else {
      const target = this.reshapeTarget(i);
      if (target) out = this.reshapeDims(i, s, target, attrInt(node, 'allowzero', 0) === 1);
    }
    if (s && out) {
      if (out.length === 0) this.fail(`${label} turns the data into a scalar`);
      const outLast = product([out[out.length - 1]]);
      const expected =
        this.layers.length === 0
          ? product(s.length <= 1 ? s : s.slice(1))
          : product(s.length === 0 ? [] : [s[s.length - 1]]);
      if (sameProduct(outLast, expected) === false) {
        this.fail(
          `${label} turns shape ${formatShape(s)} into ${formatShape(out)}, which ` +
            (this.layers.length === 0
              ? 'does not keep one sample per row'
              : 'mixes the features of different samples') +
            '; Spinscope needs [batch, features] data',
        );
      }
    }
    return { shape: out, layout: 'row' };
  }

  /** The target of a Reshape: a constant, or a shape side branch (symbolic); null if unknown. */
  private reshapeTarget(i: number): Dim[] | null {
    const node = this.nodes[i];
    if (hasAttr(node, 'shape')) return attrInts(node, 'shape') ?? [];
    const name = node.inputs[1];
    if (!name) this.fail(`${this.label(i)} has no shape input`);
    const slot = this.slots.get(name)!;
    if (slot.kind === 'data')
      this.fail(`${this.label(i)} takes its shape from the data's values; ${SUPPORTED}`);
    if (slot.kind === 'const') {
      const t = this.constant(i, name, 'shape');
      try {
        return intsOf({ t }, 'shape');
      } catch (e) {
        this.fail(`${this.label(i)}: its shape ${quote(name)} ${(e as Error).message}`);
      }
    }
    if (slot.error) {
      if (slot.fatal) {
        this.fail(
          `${this.label(i)}: its shape comes from a side branch Spinscope cannot evaluate (${slot.error.message}); ${SUPPORTED}`,
        );
      }
      this.warnings.push(
        `${this.label(i)}: its target shape is unknown (${slot.error.message}); assuming it keeps the samples`,
      );
      return null;
    }
    const v = slot.value!;
    if (v.t) return Array.from(v.t.data);
    if (v.s!.dims.length !== 1) this.fail(`${this.label(i)}: its shape input is not a vector`);
    return v.s!.vals.slice();
  }

  private reshapeDims(i: number, s: Dim[] | null, target: Dim[], allowZero: boolean): Dim[] {
    const label = this.label(i);
    const out = target.map((t, k): Dim => {
      if (t === 0 && !allowZero) {
        if (!s) return this.fresh.next();
        if (k >= s.length)
          this.fail(`${label}: target dimension ${k} is 0 but the data has rank ${s.length}`);
        return s[k];
      }
      if (typeof t === 'number' && (t < -1 || !Number.isSafeInteger(t))) {
        this.fail(`${label} has an invalid target shape [${target.join(', ')}]`);
      }
      return t;
    });
    const minus = out.filter((d) => d === -1).length;
    if (minus > 1) this.fail(`${label} has more than one -1 in its target shape`);
    if (minus === 1) {
      const k = out.indexOf(-1);
      const rest = out.filter((_, j) => j !== k);
      const q = s ? divide(product(s), product(rest)) : null;
      out[k] = q ? prodToDim(q, this.fresh) : this.fresh.next();
      if (s && !q && rest.every(isKnown) && s.every(isKnown)) {
        this.fail(`${label} cannot reshape ${formatShape(s)} to [${target.join(', ')}]`);
      }
    } else if (s && sameProduct(product(s), product(out)) === false) {
      this.fail(`${label} cannot reshape ${formatShape(s)} to ${formatShape(out)}: the sizes differ`);
    }
    return out;
  }

  private softmax(i: number, info: DataInfo): void {
    const node = this.nodes[i];
    const label = this.label(i);
    if (this.layers.length === 0) this.fail(`${label} comes before any dense layer`);
    const s = info.shape;
    const modern = this.opset === 0 || this.opset >= 13;
    const axis = attrInt(node, 'axis', modern ? -1 : 1);
    let ok: boolean;
    if (!s) {
      ok = axis === -1 || axis === 1;
    } else {
      const r = s.length;
      const a = axis < 0 ? axis + r : axis;
      if (a < 0 || a >= r) this.fail(`${label} has axis ${axis}, out of range for shape ${formatShape(s)}`);
      const fa = r === 1 ? 0 : info.layout === 'row' ? r - 1 : r - 2;
      if (modern || r === 1) ok = a === fa;
      else ok = info.layout === 'row' && s.slice(a, r - 1).every((d) => d === 1);
    }
    if (!ok) {
      this.fail(
        `${label} normalises over axis ${axis} of data of shape ${formatShape(s)}, not over the features`,
      );
    }
    this.output = node.opType === 'Softmax' ? 'softmax' : 'logSoftmax';
    this.finalNode = label;
    this.stage = 'final';
  }

  private finish(inputName: string): Network {
    if (this.layers.length === 0) {
      this.fail(
        `the graph has no dense layer (Gemm or MatMul) on the path from its input ${quote(inputName)} to its output; ${SUPPORTED}`,
      );
    }
    const outs = this.graph.outputs.map((o) => o.name);
    if (!this.outputNames.has(this.cur)) {
      this.fail(
        `the chain of layers ends at ${this.origin(this.cur)}, which is not a graph output ` +
          `(outputs: ${outs.map((o) => quote(o)).join(', ') || 'none'}); ${SUPPORTED}`,
      );
    }
    if (outs.length !== 1) {
      this.fail(
        `the graph has ${outs.length} outputs (${outs
          .slice(0, 5)
          .map((o) => quote(o))
          .join(', ')}); Spinscope maps networks with a single output`,
      );
    }
    const info = this.dataInfo(this.cur);
    if (info.layout === 'col' && info.shape?.length !== 1) {
      this.fail(
        `the graph output ${quote(this.cur)} is transposed (features × batch); Spinscope expects [batch, outputs]`,
      );
    }
    const layers = this.layers.map((l) => ({
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
      weight: l.weight,
      ...(l.bias ? { bias: l.bias } : {}),
      activation: l.activation ?? { kind: 'identity' as const },
    }));
    const network: Network = { inputSize: layers[0].inFeatures, layers, output: this.output };
    validateNetwork(network, this.source);
    return network;
  }
}

/** A weight matrix as a fresh WeightArray in its source precision (float16 widened to float32). */
function copyWeight(t: Tensor): WeightArray {
  return isSinglePrecision(t.dataType) ? Float32Array.from(t.data) : Float64Array.from(t.data);
}

/** [rows, cols] → [cols, rows], keeping the array type. */
function transposeMatrix(data: Float32Array | Float64Array, rows: number, cols: number): WeightArray {
  const out = data instanceof Float32Array ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}
