/**
 * The walk from the graph's data input to its output. Nodes are visited in topological order
 * (graphOrder.ts). A node that does not touch the data's values is evaluated on the side
 * (values.ts); a node that does must continue the single chain of layers, and the handler of its
 * op reads it (CHAIN_OPS below). At the end the layers read become a Network.
 */
import { validateNetwork, type Network } from '../network/network.ts';
import { activation, cast, dropout, identity, softmax } from './activationOps.ts';
import type { ChainStep, NetworkDraft, OpHandler } from './chainStep.ts';
import { quote, SUPPORTED } from './errors.ts';
import { topologicalOrder } from './graphOrder.ts';
import { addBias, gemm, matmul } from './linearOps.ts';
import type { GraphProto, ModelProto } from './proto.ts';
import type { OnnxImport } from './reader.ts';
import { reshapeData, transposeData } from './shapeOps.ts';
import type { TensorContext } from './tensor.ts';
import { GraphValues, type DataInfo } from './values.ts';

/** Ops that read the data's shape, not its values: side branches. */
const SHAPE_OPS = new Set(['Shape', 'Size']);

/** The ops a node on the chain may have, and the handler that reads each. Anything else is refused. */
const CHAIN_OPS = new Map<string, OpHandler>([
  ['Gemm', gemm],
  ['MatMul', matmul],
  ['Add', addBias],
  ['Relu', activation],
  ['LeakyRelu', activation],
  ['Tanh', activation],
  ['Sigmoid', activation],
  ['Sign', activation],
  ['Clip', activation],
  ['Identity', identity],
  ['Dropout', dropout],
  ['Cast', cast],
  ['Transpose', transposeData],
  ['Flatten', reshapeData],
  ['Reshape', reshapeData],
  ['Softmax', softmax],
  ['LogSoftmax', softmax],
]);

export class ChainReader {
  private readonly values: GraphValues;
  private readonly outputNames: Set<string>;
  private readonly draft: NetworkDraft = { layers: [], stage: 'start', output: 'none', finalNode: '' };
  private readonly warnings: string[] = [];
  private readonly opset: number;
  /** The value the chain has reached: the output of the last node on the chain. */
  private cur = '';

  constructor(
    private readonly model: ModelProto,
    private readonly graph: GraphProto,
    ctx: TensorContext,
  ) {
    this.outputNames = new Set(graph.outputs.map((o) => o.name));
    const def = model.opsetImport.filter((o) => o.domain === '' || o.domain === 'ai.onnx');
    this.opset = def.reduce((m, o) => Math.max(m, o.version), 0);
    if (def.length === 0) {
      this.warnings.push('the file declares no ai.onnx operator set; assuming the newest operator semantics');
    }
    this.values = new GraphValues(graph, ctx, this.opset || 1000);
  }

  read(): OnnxImport {
    const g = this.graph;
    const v: GraphValues = this.values;
    // ONNX requires these; a file without them is damaged, and later messages would be cryptic.
    g.nodes.forEach((n, i) => {
      if (!n.opType) v.fail(`${v.label(i)} has no op_type: the file is damaged (re-export the model)`);
    });
    for (const [what, list] of [
      ['input', g.inputs],
      ['output', g.outputs],
    ] as const) {
      const k = list.findIndex((x) => !x.name);
      if (k >= 0)
        v.fail(`graph ${what} #${k + 1} has an empty name: the file is damaged (re-export the model)`);
    }
    for (const t of g.initializers) {
      if (!t.name) continue;
      if (v.slots.has(t.name)) v.fail(`two initializers are named ${quote(t.name)}`);
      v.slots.set(t.name, { kind: 'const', init: t });
    }
    const sparse = new Set(g.sparseInitializerNames);
    const seen = new Set<string>();
    const dataInputs = g.inputs.filter((x) => {
      if (v.slots.has(x.name) || sparse.has(x.name) || seen.has(x.name)) return false;
      seen.add(x.name);
      return true;
    });
    if (dataInputs.length === 0) {
      v.fail(`the graph has no data input (every graph input is an initializer); ${SUPPORTED}`);
    }
    if (dataInputs.length > 1) {
      v.fail(
        `the graph has ${dataInputs.length} data inputs (${dataInputs
          .slice(0, 5)
          .map((x) => quote(x.name))
          .join(', ')}); Spinscope maps networks with a single input`,
      );
    }
    const input = dataInputs[0];
    if (!input.isTensor) v.fail(`the graph input ${quote(input.name)} is not a tensor`);
    const inputShape = input.shape?.map((d) => (typeof d === 'number' && d < 0 ? v.fresh.next() : d)) ?? null;
    v.slots.set(input.name, { kind: 'data', info: { shape: inputShape, layout: 'row' } });
    this.cur = input.name;

    const order = topologicalOrder(v, sparse);
    for (const i of order) this.visit(i);
    const network = this.finish(input.name);
    this.warnDeadEnds();
    return {
      network,
      input: { name: input.name, shape: input.shape ? input.shape.slice() : [], elemType: input.elemType },
      outputName: this.cur,
      opset: this.opset,
      producer: [this.model.producerName, this.model.producerVersion].filter(Boolean).join(' '),
      warnings: this.warnings,
      layerSources: this.draft.layers.map((l) => ({ node: l.node, stored: l.stored })),
    };
  }

  private visit(i: number): void {
    const v: GraphValues = this.values;
    const node = v.nodes[i];
    const kinds = node.inputs.map((inp) => {
      if (inp === '') return null;
      const slot = v.slots.get(inp);
      if (!slot) {
        const p = v.producer.get(inp);
        const by = p === undefined ? 'no node' : v.label(p);
        v.fail(`${v.label(i)} reads ${quote(inp)}, an extra output of ${by} that Spinscope does not follow`);
      }
      return slot.kind;
    });
    const dataIdx: number[] = [];
    kinds.forEach((k, j) => k === 'data' && dataIdx.push(j));
    if (dataIdx.length === 0) {
      v.evaluateSide(i, kinds.includes('shape') ? 'shape' : 'const');
      return;
    }
    if (SHAPE_OPS.has(node.opType) && (node.domain === '' || node.domain === 'ai.onnx')) {
      v.evaluateShapeOf(i, node.inputs[dataIdx[0]]);
      return;
    }
    this.visitChain(i, dataIdx);
  }

  /** A node that reads the data: it must continue the chain, and its op must have a handler. */
  private visitChain(i: number, dataIdx: number[]): void {
    const v: GraphValues = this.values;
    const node = v.nodes[i];
    const label = v.label(i);
    const names = dataIdx.map((j) => node.inputs[j]);
    const stray = names.find((n) => n !== this.cur);
    if (stray !== undefined) {
      v.fail(
        `${label} reads ${v.origin(stray)}, but the chain has already moved on to ${quote(this.cur)}: ` +
          `the network branches; ${SUPPORTED}`,
      );
    }
    if (dataIdx.length > 1) {
      v.fail(
        `${label} combines ${v.origin(this.cur)} with itself: a branch, not a chain of layers; ${SUPPORTED}`,
      );
    }
    const users = [...new Set(v.consumers.get(this.cur) ?? [])].filter(
      (c) => !SHAPE_OPS.has(v.nodes[c].opType),
    );
    if (users.length > 1) {
      v.fail(
        `${v.origin(this.cur)} feeds ${users.length} nodes (${users
          .slice(0, 4)
          .map((c) => v.label(c))
          .join(', ')}): the network branches; Spinscope maps a single chain of layers`,
      );
    }
    if (this.outputNames.has(this.cur)) {
      v.fail(
        `the graph output ${quote(this.cur)} is also used by ${label}; Spinscope expects the chain to end at the graph output`,
      );
    }
    if (this.draft.stage === 'final' && node.opType !== 'Identity') {
      v.fail(
        `${label} follows ${this.draft.finalNode}; Softmax/LogSoftmax must be the last node of the network`,
      );
    }
    if (node.domain !== '' && node.domain !== 'ai.onnx') this.unsupported(i);
    node.outputs.forEach((out, k) => {
      if (k === 0 || out === '') return;
      if ((v.consumers.get(out)?.length ?? 0) > 0 || this.outputNames.has(out)) {
        const which = node.opType === 'Dropout' && k === 1 ? 'mask output' : `output #${k + 1}`;
        v.fail(
          `${label}: its ${which} ${quote(out)} is used; Spinscope follows the data through the first output only`,
        );
      }
    });
    const out = node.outputs[0];
    if (!out) v.fail(`${label} has no output`);
    const info = v.dataInfo(this.cur);
    const handler = CHAIN_OPS.get(node.opType);
    if (!handler) this.unsupported(i);
    const next = handler(this.step(i, dataIdx[0], info));
    v.slots.set(out, { kind: 'data', info: next });
    this.cur = out;
  }

  /** What the handler of node i sees (chainStep.ts); messages name node i. */
  private step(i: number, dataInput: number, data: DataInfo): ChainStep {
    const v: GraphValues = this.values;
    return {
      node: v.nodes[i],
      label: v.label(i),
      dataInput,
      data,
      draft: this.draft,
      fresh: v.fresh,
      opset: this.opset,
      warnings: this.warnings,
      fail: (msg) => v.fail(msg),
      origin: (name) => v.origin(name),
      slot: (name) => v.slots.get(name)!,
      constant: (name, role) => v.constant(i, name, role),
      floatConstant: (name, role) => v.floatConstant(i, name, role),
      scalar: (name, role) => v.scalar(i, name, role),
    };
  }

  /**
   * Nodes from which no graph output can be reached (a disconnected branch on constants): they
   * cannot change the network, so they do not stop the import, but the user should know that they
   * were ignored — a dense layer there is not part of the spin model. Constant nodes are left out:
   * exporters leave unused ones behind.
   */
  private warnDeadEnds(): void {
    const v: GraphValues = this.values;
    const live = new Set<number>();
    const stack = [...this.outputNames].flatMap((o) => v.producer.get(o) ?? []);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (live.has(i)) continue;
      live.add(i);
      for (const inp of v.nodes[i].inputs) {
        const p = v.producer.get(inp);
        if (p !== undefined && !live.has(p)) stack.push(p);
      }
    }
    const dead = v.nodes.flatMap((n, i) => (live.has(i) || n.opType === 'Constant' ? [] : [i]));
    if (dead.length === 0) return;
    const names = dead.slice(0, 4).map((i) => v.label(i));
    if (dead.length > 4) names.push(`${dead.length - 4} more`);
    const one = dead.length === 1;
    this.warnings.push(
      `${names.join(', ')} ${one ? 'is' : 'are'} not connected to the path from the input to the output ` +
        `and nothing reads ${one ? 'its result' : 'their results'}: ignored (${one ? 'it is' : 'they are'} ` +
        'not part of the spin model)',
    );
  }

  private unsupported(i: number): never {
    return this.values.fail(`${this.values.label(i)} is not a dense layer; ${SUPPORTED}`);
  }

  private finish(inputName: string): Network {
    const v: GraphValues = this.values;
    const { layers: drafts, output } = this.draft;
    if (drafts.length === 0) {
      v.fail(
        `the graph has no dense layer (Gemm or MatMul) on the path from its input ${quote(inputName)} to its output; ${SUPPORTED}`,
      );
    }
    const outs = this.graph.outputs.map((o) => o.name);
    if (!this.outputNames.has(this.cur)) {
      v.fail(
        `the chain of layers ends at ${v.origin(this.cur)}, which is not a graph output ` +
          `(outputs: ${outs.map((o) => quote(o)).join(', ') || 'none'}); ${SUPPORTED}`,
      );
    }
    if (outs.length !== 1) {
      v.fail(
        `the graph has ${outs.length} outputs (${outs
          .slice(0, 5)
          .map((o) => quote(o))
          .join(', ')}); Spinscope maps networks with a single output`,
      );
    }
    const info = v.dataInfo(this.cur);
    if (info.layout === 'col' && info.shape?.length !== 1) {
      v.fail(
        `the graph output ${quote(this.cur)} is transposed (features × batch); Spinscope expects [batch, outputs]`,
      );
    }
    const layers = drafts.map((l) => ({
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
      weight: l.weight,
      ...(l.bias ? { bias: l.bias } : {}),
      activation: l.activation ?? { kind: 'identity' as const },
    }));
    const network: Network = { inputSize: layers[0].inFeatures, layers, output };
    validateNetwork(network, v.source);
    return network;
  }
}
