/**
 * Runs the training-step graph (graph.ts) in onnxruntime-node, carrying parameters and optimiser
 * state between steps, and evaluates the current network on a data set in chunks.
 *
 * Determinism: onnxruntime's CPU kernels give identical results for identical inputs and thread
 * count, and the engine's state is exactly (carried tensors, optimiser step count), so a run
 * restored from that state continues bit for bit.
 */
import * as ort from 'onnxruntime-node';
import type { Dataset } from '../data/mnist.ts';
import type { DenseLayer, Network } from '../network/network.ts';
import type { TrainConfig } from './config.ts';
import { BatchBuffer, type FloatArray } from './data.ts';
import {
  buildEvalGraph,
  buildTrainStep,
  carriedTensors,
  nextName,
  parameters,
  type CarriedTensor,
  type GraphSpec,
} from './graph.ts';

export interface StepResult {
  /** Batch-mean loss before the update. */
  loss: number;
  /** Correct predictions in the batch before the update. */
  correct: number;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

export type EngineSpec = GraphSpec & Pick<TrainConfig, 'threads'> & Partial<Pick<TrainConfig, 'evalThreads'>>;

export class TrainEngineError extends Error {
  override name = 'TrainEngineError';
}

const EVAL_CHUNK = 1000;

export class TrainEngine {
  private readonly carried: CarriedTensor[];
  private readonly tensors = new Map<string, FloatArray>();
  private evalBuffer: BatchBuffer | null = null;
  /** Optimiser steps taken (Adam's t). */
  optimizerSteps = 0;

  /** Training-step sessions by the number of steps their graph unrolls. */
  private readonly stepSessions = new Map<number, Promise<ort.InferenceSession>>();

  private constructor(
    readonly spec: EngineSpec,
    private readonly options: ort.InferenceSession.SessionOptions,
    private readonly evalSession: ort.InferenceSession,
  ) {
    this.carried = carriedTensors(spec);
  }

  /**
   * An engine starting from `initial` (every carried tensor by name: parameters w1, b1 …, and
   * optimiser state w1.m …; missing optimiser state starts at zero).
   */
  static async create(
    spec: EngineSpec,
    initial: ReadonlyMap<string, ArrayLike<number>>,
    optimizerSteps = 0,
  ): Promise<TrainEngine> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: spec.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const evaluate = await ort.InferenceSession.create(buildEvalGraph(spec).model, {
      ...options,
      intraOpNumThreads: spec.evalThreads ?? spec.threads,
    });
    const engine = new TrainEngine(spec, options, evaluate);
    await engine.session(1);
    engine.optimizerSteps = optimizerSteps;
    for (const t of engine.carried) {
      const size = t.shape.reduce((a, b) => a * b, 1);
      const values = initial.get(t.name);
      if (values === undefined && t.role === 'param') {
        throw new TrainEngineError(`no initial values for the parameter ${t.name}`);
      }
      if (values !== undefined && values.length !== size) {
        throw new TrainEngineError(
          `${t.name}: ${values.length} values, expected ${size} ([${t.shape.join(', ')}])`,
        );
      }
      const a = engine.alloc(size);
      if (values) a.set(values);
      engine.tensors.set(t.name, a);
    }
    return engine;
  }

  private alloc(n: number): FloatArray {
    return this.spec.precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  private tensor(data: FloatArray, dims: readonly number[]): ort.Tensor {
    return new ort.Tensor(this.spec.precision === 'float64' ? 'float64' : 'float32', data, dims);
  }

  private scalar(v: number): ort.Tensor {
    const a = this.alloc(1);
    a[0] = v;
    return this.tensor(a, []);
  }

  /** The carried tensors (parameters and optimiser state) by name; live views, do not modify. */
  state(): ReadonlyMap<string, FloatArray> {
    return this.tensors;
  }

  /** The names and shapes of the carried tensors, in a fixed order. */
  layout(): readonly CarriedTensor[] {
    return this.carried;
  }

  private session(steps: number): Promise<ort.InferenceSession> {
    let session = this.stepSessions.get(steps);
    if (!session) {
      session = ort.InferenceSession.create(buildTrainStep(this.spec, steps).model, this.options);
      this.stepSessions.set(steps, session);
    }
    return session;
  }

  /** Builds the sessions for these unroll counts ahead of use (otherwise built on first use). */
  async prepare(...steps: number[]): Promise<void> {
    await Promise.all(steps.map((k) => this.session(k)));
  }

  /** One optimiser step on a batch (x [n, inputs], y one-hot [n, classes]). */
  async step(x: FloatArray, y: FloatArray, n: number): Promise<StepResult> {
    return (await this.steps([{ x, y }], n))[0];
  }

  /**
   * Consecutive optimiser steps on batches of the same size n, in one onnxruntime call (a graph
   * that unrolls them; bit-identical to as many calls of step()).
   */
  async steps(batches: readonly { x: FloatArray; y: FloatArray }[], n: number): Promise<StepResult[]> {
    const { arch } = this.spec;
    const k = batches.length;
    const feeds: Record<string, ort.Tensor> = { inv_batch: this.scalar(1 / n) };
    batches.forEach((b, i) => {
      feeds[`x.${i}`] = this.tensor(b.x, [n, arch[0]]);
      feeds[`y.${i}`] = this.tensor(b.y, [n, arch[arch.length - 1]]);
      if (this.spec.optimizer === 'adam') {
        // torch.optim.Adam: step_size = lr / (1 − β1ᵗ), denominator √v / √(1 − β2ᵗ) + ε.
        const t = this.optimizerSteps + i + 1;
        feeds[`step_size.${i}`] = this.scalar(this.spec.lr / (1 - this.spec.beta1 ** t));
        feeds[`bc2_sqrt.${i}`] = this.scalar(Math.sqrt(1 - this.spec.beta2 ** t));
      }
    });
    for (const c of this.carried) feeds[c.name] = this.tensor(this.tensors.get(c.name)!, c.shape);
    const out = await (await this.session(k)).run(feeds);
    for (const c of this.carried) this.tensors.set(c.name, out[nextName(c.name)].data as FloatArray);
    this.optimizerSteps += k;
    return batches.map((_, i) => ({
      loss: Number(out[`loss.${i}`].data[0]),
      correct: Number(out[`correct.${i}`].data[0]),
    }));
  }

  /** Mean loss and accuracy of the current parameters on `data` (in chunks of 1000). */
  async evaluate(data: Dataset, onChunk?: (done: number) => void): Promise<EvalResult> {
    const { arch } = this.spec;
    const classes = arch[arch.length - 1];
    const chunk = Math.min(EVAL_CHUNK, data.count);
    if (!this.evalBuffer || this.evalBuffer.capacity < chunk) {
      this.evalBuffer = new BatchBuffer(chunk, arch[0], classes, this.spec.precision);
    }
    const params = parameters(this.spec);
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < data.count; start += chunk) {
      const end = Math.min(data.count, start + chunk);
      const n = this.evalBuffer.fill(data, null, start, end);
      const { x, y } = this.evalBuffer.views(n);
      const feeds: Record<string, ort.Tensor> = {
        x: this.tensor(x, [n, arch[0]]),
        y: this.tensor(y, [n, classes]),
      };
      for (const p of params) feeds[p.name] = this.tensor(this.tensors.get(p.name)!, p.shape);
      const out = await this.evalSession.run(feeds);
      loss += Number(out.loss.data[0]);
      correct += Number(out.correct.data[0]);
      onChunk?.(end);
    }
    return { loss: loss / data.count, accuracy: correct / data.count, count: data.count };
  }

  /** A copy of the current network (hidden activation included, linear output). */
  network(): Network {
    const { arch, activation, bias } = this.spec;
    const layers: DenseLayer[] = [];
    for (let k = 1; k < arch.length; k++) {
      const last = k === arch.length - 1;
      layers.push({
        inFeatures: arch[k - 1],
        outFeatures: arch[k],
        weight: this.tensors.get(`w${k}`)!.slice(),
        bias: bias ? this.tensors.get(`b${k}`)!.slice() : undefined,
        activation: last ? { kind: 'identity' } : { kind: activation },
      });
    }
    return { inputSize: arch[0], layers, output: 'none' };
  }

  async release(): Promise<void> {
    const sessions = await Promise.all(this.stepSessions.values());
    await Promise.all([...sessions.map((x) => x.release()), this.evalSession.release()]);
  }
}
