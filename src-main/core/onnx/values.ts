/**
 * Every named value of a graph and what the reader knows of it: the data (its shape and layout),
 * constants (initializers, Constant nodes and what folds from them) and shapes (side branches that
 * read the data's shape, not its values, such as PyTorch's x.view(x.size(0), -1)).
 *
 * Values that do not depend on the data are computed here, when first needed. A value that cannot
 * be computed keeps its reason, which is reported only if a node on the chain needs the value.
 */
import { OnnxError, quote } from './errors.ts';
import { FoldError, foldNode, sliceShape, type FoldContext, type Folded } from './fold.ts';
import type { GraphProto, NodeProto, TensorProto } from './proto.ts';
import { Fresh, prodToDim, product, type Dim } from './symbolic.ts';
import {
  dataTypeName,
  decodeTensorData,
  isFloatType,
  MAX_ELEMENTS,
  type Tensor,
  type TensorContext,
} from './tensor.ts';

/** Elements constant folding may produce in one model (weights are counted once more when transposed). */
const FOLD_BUDGET = 2 * MAX_ELEMENTS;

export type Layout = 'row' | 'col';

/** What is known about a data value: its shape (null if unknown) and where its features are. */
export interface DataInfo {
  shape: Dim[] | null;
  /** 'row': features on the last axis ([batch, features]); 'col': on the second-to-last ([features, batch]). */
  layout: Layout;
}

export type Slot =
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

export class GraphValues {
  readonly source: string;
  readonly nodes: NodeProto[];
  /** What is known of each value, by name. */
  readonly slots = new Map<string, Slot>();
  /** The node that writes each value, and the nodes that read it (filled by topologicalOrder). */
  readonly producer = new Map<string, number>();
  readonly consumers = new Map<string, number[]>();
  /** Names for dimensions of unknown size, shared by the data, the side branches and the chain. */
  readonly fresh = new Fresh('?r');
  private readonly nodeIndex: Map<NodeProto, number>;
  private readonly fold: FoldContext;

  /** `foldOpset` is the operator set whose semantics constant folding follows. */
  constructor(
    graph: GraphProto,
    private readonly ctx: TensorContext,
    foldOpset: number,
  ) {
    this.source = ctx.source;
    this.nodes = graph.nodes;
    this.nodeIndex = new Map(graph.nodes.map((n, i) => [n, i]));
    this.fold = {
      budget: FOLD_BUDGET,
      fresh: this.fresh,
      opset: foldOpset,
      decode: (node) => {
        const t = node.attributes.find((a) => a.name === 'value')?.t;
        if (!t) throw new FoldError('Constant has no tensor value');
        return decodeTensorData(t, this.ctx, `the value of ${this.labelOf(node)}`);
      },
    };
  }

  fail(msg: string): never {
    throw new OnnxError(`${this.source}: ${msg}`);
  }

  /** Node i as messages name it: node 'fc1' (Gemm), or node #3 (Gemm) if it has no name. */
  label(i: number): string {
    const n = this.nodes[i];
    const op = !n.opType
      ? 'no op_type'
      : n.domain && n.domain !== 'ai.onnx'
        ? `${n.domain}.${n.opType}`
        : n.opType;
    return n.name
      ? `node ${quote(n.name)} (${quote(op).slice(1, -1)})`
      : `node #${i + 1} (${quote(op).slice(1, -1)})`;
  }

  private labelOf(node: NodeProto): string {
    return this.label(this.nodeIndex.get(node) ?? -1);
  }

  /** Who produces a value, for messages. */
  origin(name: string): string {
    const p = this.producer.get(name);
    if (p !== undefined) return `the output ${quote(name)} of ${this.label(p)}`;
    const slot = this.slots.get(name);
    return slot && slot.kind !== 'data' && slot.init
      ? `the initializer ${quote(name)}`
      : `the graph input ${quote(name)}`;
  }

  dataInfo(name: string): DataInfo {
    const s = this.slots.get(name);
    if (!s || s.kind !== 'data') throw new Error(`internal: ${name} is not data`);
    return s.info;
  }

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
  evaluateSide(i: number, kind: 'const' | 'shape'): void {
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
  evaluateShapeOf(i: number, dataName: string): void {
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

  /** A constant input of chain node i, as a tensor; `role` describes it in messages. */
  constant(i: number, name: string, role: string): Tensor {
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

  floatConstant(i: number, name: string, role: string): Tensor {
    const t = this.constant(i, name, role);
    if (!isFloatType(t.dataType)) {
      this.fail(
        `${this.label(i)}: its ${role} ${quote(name)} has element type ${dataTypeName(t.dataType)}; ` +
          'Spinscope needs float weights (float32, float16 or double) — quantized models are not supported',
      );
    }
    return t;
  }

  scalar(i: number, name: string, role: string): number {
    const t = this.constant(i, name, role);
    if (t.data.length !== 1)
      this.fail(`${this.label(i)}: its ${role} ${quote(name)} has ${t.data.length} values, expected one`);
    const v = t.data[0];
    if (Number.isNaN(v)) this.fail(`${this.label(i)}: its ${role} ${quote(name)} is NaN`);
    return v;
  }
}
