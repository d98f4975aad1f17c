/**
 * The MLP's training step as one ONNX graph: forward pass, loss, hand-derived backward pass and
 * the optimiser update, so that onnxruntime runs all dense algebra (its GEMM is ~50× faster than
 * JavaScript loops). Weights and optimiser state go in as inputs and come out as `<name>.next`;
 * the trainer feeds them back for the next step.
 *
 * Conventions (shared with core/network): layer k computes a_k = h_{k−1}·W_k (+ b_k) with W_k
 * stored [in, out]; h_k = act(a_k) for hidden layers, logits z = a_L. Batch losses are means.
 *   cross-entropy  ℓ = −Σ y·log softmax(z) / B,          ∂ℓ/∂z = (softmax(z) − y)/B
 *   squared hinge  ℓ = Σ max(0, 1 − t·z)² / B, t = 2y−1,   ∂ℓ/∂z = −2·t·max(0, 1 − t·z)/B
 * Backward: ∂W_k = h_{k−1}ᵀ·δ_k, ∂b_k = Σ_batch δ_k, δ_{k−1} = (δ_k·W_kᵀ) ⊙ act'(a_{k−1}) with
 * relu' = 1{a > 0}, tanh' = 1 − h², and sign's straight-through 1{|a| ≤ 1}.
 * Optimisers follow torch.optim exactly (SGD with momentum/Nesterov and L2 weight decay; Adam with
 * bias corrections passed in as scalars `step_size` = lr/(1−β1ᵗ) and `bc2_sqrt` = √(1−β2ᵗ)).
 */
import { GraphBuilder } from '../onnx/graph.ts';
import { DataType } from '../onnx/tensor.ts';
import type { TrainConfig } from './config.ts';

export type GraphSpec = Pick<
  TrainConfig,
  | 'arch'
  | 'activation'
  | 'bias'
  | 'loss'
  | 'optimizer'
  | 'momentum'
  | 'nesterov'
  | 'beta1'
  | 'beta2'
  | 'eps'
  | 'weightDecay'
  | 'precision'
>;

/** A tensor the step carries from one call to the next (a parameter or optimiser state). */
export interface CarriedTensor {
  name: string;
  shape: number[];
  /** The parameter this belongs to ('w1', 'b1', …); itself for a parameter. */
  param: string;
  role: 'param' | 'momentum' | 'adam.m' | 'adam.v';
}

export interface BuiltGraph {
  model: Uint8Array;
  /** Scalar inputs besides x, y and the carried tensors. */
  scalars: string[];
}

/** The parameters in order: w1, (b1), w2, (b2), … with their shapes. */
export function parameters(spec: Pick<GraphSpec, 'arch' | 'bias'>): { name: string; shape: number[] }[] {
  const out: { name: string; shape: number[] }[] = [];
  for (let k = 1; k < spec.arch.length; k++) {
    out.push({ name: `w${k}`, shape: [spec.arch[k - 1], spec.arch[k]] });
    if (spec.bias) out.push({ name: `b${k}`, shape: [spec.arch[k]] });
  }
  return out;
}

/** Everything the training step carries: parameters, then optimiser state per parameter. */
export function carriedTensors(spec: GraphSpec): CarriedTensor[] {
  const params = parameters(spec);
  const out: CarriedTensor[] = params.map((p) => ({ ...p, param: p.name, role: 'param' }));
  for (const p of params) {
    if (spec.optimizer === 'sgd' && spec.momentum > 0)
      out.push({ name: `${p.name}.m`, shape: p.shape, param: p.name, role: 'momentum' });
    if (spec.optimizer === 'adam') {
      out.push({ name: `${p.name}.m`, shape: p.shape, param: p.name, role: 'adam.m' });
      out.push({ name: `${p.name}.v`, shape: p.shape, param: p.name, role: 'adam.v' });
    }
  }
  return out;
}

export const nextName = (name: string): string => `${name}.next`;

function elemType(spec: Pick<GraphSpec, 'precision'>): typeof DataType.FLOAT | typeof DataType.DOUBLE {
  return spec.precision === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
}

interface Forward {
  /** Pre-activations a_1 … a_L (a_L = logits). */
  pre: string[];
  /** h_0 = x, h_1 … h_{L−1}. */
  post: string[];
}

function forward(g: GraphBuilder, spec: GraphSpec, x: string): Forward {
  const L = spec.arch.length - 1;
  const pre: string[] = [];
  const post: string[] = [x];
  for (let k = 1; k <= L; k++) {
    const inputs = [post[k - 1], `w${k}`];
    if (spec.bias) inputs.push(`b${k}`);
    const a = g.node('Gemm', inputs);
    pre.push(a);
    if (k < L) {
      const op = spec.activation === 'relu' ? 'Relu' : spec.activation === 'tanh' ? 'Tanh' : 'Sign';
      post.push(g.node(op, [a]));
    }
  }
  return { pre, post };
}

/** Loss (scaled by `scale`, or a plain sum without it), its gradient w.r.t. z, and the correct count. */
function lossAndGradient(
  g: GraphBuilder,
  spec: GraphSpec,
  z: string,
  y: string,
  scale: string | null,
): { loss: string; dz: string; correct: string } {
  const dt = elemType(spec);
  const c = (v: number): string => g.scalar(v, dt);
  const scaled = (v: string): string => (scale ? g.node('Mul', [v, scale]) : v);
  let loss: string;
  let dz: string;
  if (spec.loss === 'ce') {
    const ls = g.node('LogSoftmax', [z], { axis: 1 });
    loss = scaled(g.node('Neg', [g.node('ReduceSum', [g.node('Mul', [y, ls])], { keepdims: 0 })]));
    dz = scaled(g.node('Sub', [g.node('Exp', [ls]), y]));
  } else {
    const t = g.node('Sub', [g.node('Mul', [y, c(2)]), c(1)]);
    const m = g.node('Relu', [g.node('Sub', [c(1), g.node('Mul', [t, z])])]);
    loss = scaled(g.node('ReduceSum', [g.node('Mul', [m, m])], { keepdims: 0 }));
    dz = scaled(g.node('Mul', [g.node('Mul', [t, m]), c(-2)]));
  }
  const hit = g.node('Equal', [
    g.node('ArgMax', [z], { axis: 1, keepdims: 0 }),
    g.node('ArgMax', [y], { axis: 1, keepdims: 0 }),
  ]);
  const correct = g.node('ReduceSum', [g.node('Cast', [hit], { to: dt })], { keepdims: 0 });
  return { loss, dz, correct };
}

/** Gradients of the loss w.r.t. every parameter, by name. */
function backward(g: GraphBuilder, spec: GraphSpec, f: Forward, dz: string): Map<string, string> {
  const dt = elemType(spec);
  const L = spec.arch.length - 1;
  const grads = new Map<string, string>();
  const axes0 = spec.bias ? g.int64s('axes0', [1], [0]) : '';
  let delta = dz;
  for (let k = L; k >= 1; k--) {
    grads.set(`w${k}`, g.node('Gemm', [f.post[k - 1], delta], { transA: 1 }));
    if (spec.bias) grads.set(`b${k}`, g.node('ReduceSum', [delta, axes0], { keepdims: 0 }));
    if (k === 1) break;
    const dh = g.node('Gemm', [delta, `w${k}`], { transB: 1 });
    const a = f.pre[k - 2];
    const h = f.post[k - 1];
    let slope: string;
    if (spec.activation === 'relu') {
      slope = g.node('Cast', [g.node('Greater', [a, g.scalar(0, dt)])], { to: dt });
    } else if (spec.activation === 'tanh') {
      slope = g.node('Sub', [g.scalar(1, dt), g.node('Mul', [h, h])]);
    } else {
      slope = g.node('Cast', [g.node('LessOrEqual', [g.node('Abs', [a]), g.scalar(1, dt)])], { to: dt });
    }
    delta = g.node('Mul', [dh, slope]);
  }
  return grads;
}

function declareInputs(
  g: GraphBuilder,
  spec: GraphSpec,
  carried: { name: string; shape: number[] }[],
): { x: string; y: string } {
  const dt = elemType(spec);
  const x = g.input('x', dt, ['batch', spec.arch[0]]);
  const y = g.input('y', dt, ['batch', spec.arch[spec.arch.length - 1]]);
  for (const t of carried) g.input(t.name, dt, t.shape);
  return { x, y };
}

/**
 * One optimiser step. Inputs: x [B, n0], y [B, classes] (one-hot), the carried tensors, and the
 * scalars `inv_batch` (1/B) plus `lr` (SGD) or `step_size`, `bc2_sqrt` (Adam). Outputs: every
 * carried tensor as `<name>.next`, `loss` (batch mean) and `correct` (count) — both measured
 * before the update.
 */
export function buildTrainStep(spec: GraphSpec): BuiltGraph {
  const dt = elemType(spec);
  const g = new GraphBuilder('spinscope_train_step');
  const carried = carriedTensors(spec);
  const { x, y } = declareInputs(g, spec, carried);
  const invBatch = g.input('inv_batch', dt, []);
  const scalars = ['inv_batch'];
  const f = forward(g, spec, x);
  const { loss, dz, correct } = lossAndGradient(g, spec, f.pre[f.pre.length - 1], y, invBatch);
  const grads = backward(g, spec, f, dz);
  const c = (v: number): string => g.scalar(v, dt);

  let lr = '';
  let stepSize = '';
  let bc2Sqrt = '';
  if (spec.optimizer === 'sgd') {
    lr = g.input('lr', dt, []);
    scalars.push('lr');
  } else {
    stepSize = g.input('step_size', dt, []);
    bc2Sqrt = g.input('bc2_sqrt', dt, []);
    scalars.push('step_size', 'bc2_sqrt');
  }
  for (const p of parameters(spec)) {
    const shape = p.shape;
    let grad = grads.get(p.name)!;
    if (spec.weightDecay > 0) grad = g.node('Add', [grad, g.node('Mul', [p.name, c(spec.weightDecay)])]);
    let update: string;
    if (spec.optimizer === 'sgd') {
      if (spec.momentum > 0) {
        const m = `${p.name}.m`;
        const mNext = g.node('Add', [g.node('Mul', [m, c(spec.momentum)]), grad], {}, nextName(m));
        g.output(mNext, mNext, dt, shape);
        const dir = spec.nesterov ? g.node('Add', [grad, g.node('Mul', [mNext, c(spec.momentum)])]) : mNext;
        update = g.node('Mul', [dir, lr]);
      } else {
        update = g.node('Mul', [grad, lr]);
      }
    } else {
      const m = `${p.name}.m`;
      const v = `${p.name}.v`;
      const mNext = g.node(
        'Add',
        [g.node('Mul', [m, c(spec.beta1)]), g.node('Mul', [grad, c(1 - spec.beta1)])],
        {},
        nextName(m),
      );
      const vNext = g.node(
        'Add',
        [g.node('Mul', [v, c(spec.beta2)]), g.node('Mul', [g.node('Mul', [grad, grad]), c(1 - spec.beta2)])],
        {},
        nextName(v),
      );
      g.output(mNext, mNext, dt, shape);
      g.output(vNext, vNext, dt, shape);
      const denom = g.node('Add', [g.node('Div', [g.node('Sqrt', [vNext]), bc2Sqrt]), c(spec.eps)]);
      update = g.node('Mul', [g.node('Div', [mNext, denom]), stepSize]);
    }
    const pNext = g.node('Sub', [p.name, update], {}, nextName(p.name));
    g.output(pNext, pNext, dt, shape);
  }
  g.output(loss, 'loss', dt, []);
  g.output(correct, 'correct', dt, []);
  return {
    model: g.toModel({ docString: 'Spinscope training step (forward, backward, optimiser update)' }),
    scalars,
  };
}

/** Forward only: `loss` summed over the batch and the `correct` count, for evaluation in chunks. */
export function buildEvalGraph(spec: GraphSpec): BuiltGraph {
  const dt = elemType(spec);
  const g = new GraphBuilder('spinscope_eval');
  declareInputs(g, spec, parameters(spec));
  const f = forward(g, spec, 'x');
  const { loss, correct } = lossAndGradient(g, spec, f.pre[f.pre.length - 1], 'y', null);
  g.output(loss, 'loss', dt, []);
  g.output(correct, 'correct', dt, []);
  return { model: g.toModel({ docString: 'Spinscope evaluation (loss sum, correct count)' }), scalars: [] };
}

/** The batch-mean loss and its gradient w.r.t. every parameter (`grad.<name>`), for gradient checks. */
export function buildGradientGraph(spec: GraphSpec): BuiltGraph {
  const dt = elemType(spec);
  const g = new GraphBuilder('spinscope_gradient');
  declareInputs(g, spec, parameters(spec));
  const invBatch = g.input('inv_batch', dt, []);
  const f = forward(g, spec, 'x');
  const { loss, dz } = lossAndGradient(g, spec, f.pre[f.pre.length - 1], 'y', invBatch);
  const grads = backward(g, spec, f, dz);
  for (const p of parameters(spec)) g.output(grads.get(p.name)!, `grad.${p.name}`, dt, p.shape);
  g.output(loss, 'loss', dt, []);
  return { model: g.toModel({ docString: 'Spinscope loss gradient' }), scalars: ['inv_batch'] };
}
