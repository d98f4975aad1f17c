/**
 * What the handler of one node on the chain sees: the node, the data it reads, the network read so
 * far and the graph's constants. The walk (chainReader.ts) builds one ChainStep per node; the
 * handlers (linearOps.ts, shapeOps.ts, activationOps.ts) are plain functions of it.
 */
import type { Activation, OutputTransform, WeightArray } from '../network/network.ts';
import type { NodeProto } from './proto.ts';
import type { Fresh } from './symbolic.ts';
import type { Tensor } from './tensor.ts';
import type { DataInfo, Slot } from './values.ts';

export interface LayerDraft {
  inFeatures: number;
  outFeatures: number;
  weight: WeightArray;
  bias?: WeightArray;
  activation: Activation | null;
  /** The node that made the layer, and the one that set its activation, for messages. */
  node: string;
  activationNode?: string;
  /** How the file stored the weight before it became [in, out] (science.md §1, the orientation trap). */
  stored: WeightOrientation;
}

/** '[out, in]': PyTorch's Gemm(transB=1) or W·x; '[in, out]': MatMul(x, W) or Gemm(transB=0). */
export type WeightOrientation = '[in, out]' | '[out, in]';

/**
 * Where the chain is: before the first dense layer, after a Gemm/MatMul (and its bias), after the
 * layer's activation, or after the Softmax/LogSoftmax that ends the network.
 */
export type Stage = 'start' | 'linear' | 'activated' | 'final';

/** The network as read so far. */
export interface NetworkDraft {
  readonly layers: LayerDraft[];
  stage: Stage;
  output: OutputTransform;
  /** The node that ended the network (Softmax or LogSoftmax), for messages. */
  finalNode: string;
}

export interface ChainStep {
  readonly node: NodeProto;
  /** The node as messages name it: node 'fc1' (Gemm). */
  readonly label: string;
  /** Which input of the node is the data, and what is known of the data. */
  readonly dataInput: number;
  readonly data: DataInfo;
  /** The network read so far; a handler adds layers to it and moves its stage on. */
  readonly draft: NetworkDraft;
  /** Names for dimensions of unknown size. */
  readonly fresh: Fresh;
  /** Version of the default operator set, 0 if the file declares none. */
  readonly opset: number;
  /** Things the user may want to know; none of them stops the import. */
  readonly warnings: string[];
  /** Stops the import with a message about the file. */
  fail(msg: string): never;
  /** Who produces a value, for messages. */
  origin(name: string): string;
  slot(name: string): Slot;
  /** A constant input of the node, as a tensor; `role` describes it in messages. */
  constant(name: string, role: string): Tensor;
  /** A constant input that must hold floats (weights, biases). */
  floatConstant(name: string, role: string): Tensor;
  /** A constant input that must hold a single number. */
  scalar(name: string, role: string): number;
}

/** Reads one node on the chain: checks it, adds what it means to the draft, and describes its output. */
export type OpHandler = (step: ChainStep) => DataInfo;
