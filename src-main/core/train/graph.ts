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
 * Optimisers follow torch.optim (SGD with momentum/Nesterov and L2 weight decay, in velocity form
 * v = −lr·buf; Adam with bias corrections passed in as scalars `step_size` = lr/(1−β1ᵗ) and
 * `bc2_sqrt` = √(1−β2ᵗ)).
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
  | 'lr'
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
  role: 'param' | 'velocity' | 'adam.m' | 'adam.v';
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
      out.push({ name: `${p.name}.v`, shape: p.shape, param: p.name, role: 'velocity' });
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

/** The current value of a carried tensor (its input name, or the output of the previous step). */
type Values = (name: string) => string;
const asInputs: Values = (name) => name;

function forward(g: GraphBuilder, spec: GraphSpec, x: string, val: Values = asInputs): Forward {
  const L = spec.arch.length - 1;
  const pre: string[] = [];
  const post: string[] = [x];
  for (let k = 1; k <= L; k++) {
    const inputs = [post[k - 1], val(`w${k}`)];
    if (spec.bias) inputs.push(val(`b${k}`));
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

/**
 * A parameter's gradient: a weight's is the product h_{k−1}ᵀ·δ_k, kept as its two operands so that
 * the optimiser can fuse it into one Gemm with its own update (Gemm computes α·AᵀB + β·C); a bias's
 * is a plain value.
 */
type Gradient = { product: [string, string] } | { value: string };

function materialize(g: GraphBuilder, grad: Gradient): string {
  return 'value' in grad ? grad.value : g.node('Gemm', grad.product, { transA: 1 });
}

/** Gradients of the loss w.r.t. every parameter, by name. */
function backward(
  g: GraphBuilder,
  spec: GraphSpec,
  f: Forward,
  dz: string,
  val: Values = asInputs,
): Map<string, Gradient> {
  const dt = elemType(spec);
  const L = spec.arch.length - 1;
  const grads = new Map<string, Gradient>();
  const axes0 = !spec.bias ? '' : g.has('axes0') ? 'axes0' : g.int64s('axes0', [1], [0]);
  let delta = dz;
  for (let k = L; k >= 1; k--) {
    grads.set(`w${k}`, { product: [f.post[k - 1], delta] });
    if (spec.bias) grads.set(`b${k}`, { value: g.node('ReduceSum', [delta, axes0], { keepdims: 0 }) });
    if (k === 1) break;
    const dh = g.node('Gemm', [delta, val(`w${k}`)], { transB: 1 });
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
 * `steps` optimiser steps in one graph (one onnxruntime call; fewer copies of the carried tensors
 * between JavaScript and the runtime). Inputs: x.i [B, n0] and y.i [B, classes] (one-hot) for each
 * step i, the carried tensors, the scalar `inv_batch` (1/B), and for Adam `step_size.i`,
 * `bc2_sqrt.i`. Outputs: every carried tensor after the last step as `<name>.next`, and `loss.i`
 * (batch mean) and `correct.i` (count) of step i, measured before its update. The ops of each step
 * are those of a one-step graph, so k calls of it and one call of the k-step graph agree bit for bit.
 *
 * SGD is written in velocity form, v = −lr·buf with buf torch's momentum buffer:
 *   v' = μ·v − lr·(g + λ·W),  W' = W + v'          (Nesterov: W' = W − lr·(g + λW) + μ·v')
 * so that for weights the gradient product and the momentum update are one Gemm
 * (α = −lr, β = μ, C = v) and the parameter update one Add; without momentum,
 * W' = Gemm(h, δ, C = W, α = −lr, β = 1 − lr·λ). Gemm's α and β are float32 attributes, so lr and μ
 * are rounded to float32 (relative 3e-8) in both precisions; float32 training is unaffected.
 */
export function buildTrainStep(spec: GraphSpec, steps = 1): BuiltGraph {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`buildTrainStep: steps ${steps}`);
  const dt = elemType(spec);
  const g = new GraphBuilder('spinscope_train_step');
  const carried = carriedTensors(spec);
  const classes = spec.arch[spec.arch.length - 1];
  for (const t of carried) g.input(t.name, dt, t.shape);
  const invBatch = g.input('inv_batch', dt, []);
  const scalars = ['inv_batch'];
  const c = (v: number): string => g.scalar(v, dt);
  // Gemm's α and β are float32 attributes: SGD uses lr and μ as float32 values everywhere, so that
  // the fused and unfused forms agree exactly in both precisions.
  const lr = Math.fround(spec.lr);
  const mu = Math.fround(spec.momentum);
  const wd = spec.weightDecay;
  const current = new Map(carried.map((t) => [t.name, t.name]));
  const val: Values = (name) => current.get(name)!;

  for (let i = 0; i < steps; i++) {
    const last = i === steps - 1;
    // The value names this step produces: the graph outputs after the last step.
    const out = (name: string): string => (last ? nextName(name) : `${name}@${i + 1}`);
    const x = g.input(`x.${i}`, dt, ['batch', spec.arch[0]]);
    const y = g.input(`y.${i}`, dt, ['batch', classes]);
    const f = forward(g, spec, x, val);
    const { loss, dz, correct } = lossAndGradient(g, spec, f.pre[f.pre.length - 1], y, invBatch);
    g.output(loss, `loss.${i}`, dt, []);
    g.output(correct, `correct.${i}`, dt, []);
    const grads = backward(g, spec, f, dz, val);
    const fused = (grad: Gradient, C: string, alpha: number, beta: number, name: string): string =>
      'product' in grad
        ? g.node(
            'Gemm',
            [...grad.product, C],
            { transA: 1, alpha: { float: alpha }, beta: { float: beta } },
            name,
          )
        : g.node('Add', [g.node('Mul', [C, c(beta)]), g.node('Mul', [grad.value, c(alpha)])], {}, name);
    let stepSize = '';
    let bc2Sqrt = '';
    if (spec.optimizer === 'adam') {
      stepSize = g.input(`step_size.${i}`, dt, []);
      bc2Sqrt = g.input(`bc2_sqrt.${i}`, dt, []);
      scalars.push(stepSize, bc2Sqrt);
    }
    const updated = new Map<string, string>();
    for (const p of parameters(spec)) {
      const grad = grads.get(p.name)!;
      const W = val(p.name);
      const wNext = out(p.name);
      if (spec.optimizer === 'sgd' && mu === 0) {
        fused(grad, W, -lr, Math.fround(1 - lr * wd), wNext);
      } else if (spec.optimizer === 'sgd' && !spec.nesterov) {
        const v = val(`${p.name}.v`);
        // C = μ·v − lr·λ·W with β = 1, or v itself with β = μ.
        const C = wd > 0 ? g.node('Sub', [g.node('Mul', [v, c(mu)]), g.node('Mul', [W, c(lr * wd)])]) : v;
        const vNext = fused(grad, C, -lr, wd > 0 ? 1 : mu, out(`${p.name}.v`));
        updated.set(`${p.name}.v`, vNext);
        g.node('Add', [W, vNext], {}, wNext);
      } else if (spec.optimizer === 'sgd') {
        const v = val(`${p.name}.v`);
        let d = materialize(g, grad);
        if (wd > 0) d = g.node('Add', [d, g.node('Mul', [W, c(wd)])]);
        const step = g.node('Mul', [d, c(lr)]);
        const vNext = g.node('Sub', [g.node('Mul', [v, c(mu)]), step], {}, out(`${p.name}.v`));
        updated.set(`${p.name}.v`, vNext);
        g.node('Add', [g.node('Sub', [W, step]), g.node('Mul', [vNext, c(mu)])], {}, wNext);
      } else {
        let d = materialize(g, grad);
        if (wd > 0) d = g.node('Add', [d, g.node('Mul', [W, c(wd)])]);
        const m = val(`${p.name}.m`);
        const v = val(`${p.name}.v`);
        const mNext = g.node(
          'Add',
          [g.node('Mul', [m, c(spec.beta1)]), g.node('Mul', [d, c(1 - spec.beta1)])],
          {},
          out(`${p.name}.m`),
        );
        const vNext = g.node(
          'Add',
          [g.node('Mul', [v, c(spec.beta2)]), g.node('Mul', [g.node('Mul', [d, d]), c(1 - spec.beta2)])],
          {},
          out(`${p.name}.v`),
        );
        updated.set(`${p.name}.m`, mNext);
        updated.set(`${p.name}.v`, vNext);
        const denom = g.node('Add', [g.node('Div', [g.node('Sqrt', [vNext]), bc2Sqrt]), c(spec.eps)]);
        g.node('Sub', [W, g.node('Mul', [g.node('Div', [mNext, denom]), stepSize])], {}, wNext);
      }
      updated.set(p.name, wNext);
    }
    for (const [name, value] of updated) current.set(name, value);
  }
  for (const t of carried) g.output(nextName(t.name), nextName(t.name), dt, t.shape);
  return {
    model: g.toModel({
      docString: `Spinscope training: ${steps} step(s) of forward, backward and optimiser update`,
    }),
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
  for (const p of parameters(spec))
    g.output(materialize(g, grads.get(p.name)!), `grad.${p.name}`, dt, p.shape);
  g.output(loss, 'loss', dt, []);
  return { model: g.toModel({ docString: 'Spinscope loss gradient' }), scalars: ['inv_batch'] };
}
