/**
 * Benchmark: seconds per epoch of training 784-512-512-10 ReLU (no biases, Kaiming init, softmax
 * cross-entropy, SGD momentum 0.9, lr 0.01, batch 128, one thread) on MNIST with Spinscope's engine,
 * against the same training in PyTorch measured in the same run (test/bench/train_torch.py, Debian's
 * torch with OpenBLAS; skipped with a note when /usr/bin/python3 has no torch).
 *
 * Both sides time the same loop — shuffle, gather the batch, forward, backward, update — for whole
 * epochs after a warm-up, with data loading and test evaluation outside the timer. The two are
 * interleaved (ours, PyTorch, ours, …) so that machine noise hits both; the ratio is of medians.
 * A last line times a whole `spinscope train` run of one epoch with its 61 checkpoints (each one an
 * ONNX file and a 10k-image test evaluation), for what a user waits.
 *
 *   npm run bench:train                 # 3 interleaved rounds of one epoch each
 *   npm run bench:train -- --rounds 5
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import { resolveConfig } from '../../src-main/core/train/config.ts';
import { BatchBuffer, epochOrder, loadTrainingData } from '../../src-main/core/train/data.ts';
import { TrainEngine } from '../../src-main/core/train/engine.ts';
import { UNROLL } from '../../src-main/core/train/run.ts';
import { stepsPerEpoch } from '../../src-main/core/train/schedule.ts';
import { BIN } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';

const args = process.argv.slice(2);
const flag = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const rounds = flag('rounds', 3);
const ARCH = [784, 512, 512, 10];
const GOAL = 1.25;

const config = resolveConfig({
  arch: ARCH,
  activation: 'relu',
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.9,
  batchSize: 128,
  threads: 1,
  epochs: 1,
});
const data = loadTrainingData(config);
const perEpoch = stepsPerEpoch(data.train.count, config.batchSize);

function initial(seed: number): Map<string, Float32Array> {
  const net = randomNetwork({ widths: ARCH, init: 'kaiming', seed });
  return new Map(net.layers.map((l, i) => [`w${i + 1}`, l.weight as Float32Array]));
}

/** One epoch of Spinscope's training loop (as core/train/run.ts runs it, without checkpoints). */
async function oursEpoch(round: number): Promise<{ seconds: number; accuracy: number }> {
  const buffer = new BatchBuffer(config.batchSize, 784, 10, 'float32');
  // Warm-up (20 steps) on a throwaway engine: first-run allocations, caches.
  const warm = await TrainEngine.create(config, initial(1000 + round));
  const order0 = epochOrder(99, 0, data.train.count);
  for (let s = 0; s < 20; s++) {
    const n = buffer.fill(data.train, order0, s * 128, s * 128 + 128);
    const v = buffer.views(n);
    await warm.step(v.x, v.y, n);
  }
  await warm.release();
  const buffers = Array.from({ length: UNROLL }, () => new BatchBuffer(config.batchSize, 784, 10, 'float32'));
  const full = Math.floor(data.train.count / config.batchSize);
  const fresh = await TrainEngine.create(config, initial(round));
  await fresh.prepare(UNROLL);
  const t0 = performance.now();
  const order = epochOrder(round, 0, data.train.count);
  // The loop of core/train/run.ts: groups of UNROLL full batches per call, the partial batch alone.
  for (let s = 0; s < perEpoch;) {
    const group = s < full ? Math.min(UNROLL, full - s) : 1;
    let n = 0;
    for (let i = 0; i < group; i++) {
      const start = (s + i) * config.batchSize;
      n = buffers[i].fill(data.train, order, start, Math.min(data.train.count, start + config.batchSize));
    }
    await fresh.steps(
      buffers.slice(0, group).map((b) => b.views(n)),
      n,
    );
    s += group;
  }
  const seconds = (performance.now() - t0) / 1000;
  const test = await fresh.evaluate(data.test);
  await fresh.release();
  return { seconds, accuracy: test.accuracy };
}

interface TorchResult {
  epochSeconds: number[];
  testAccuracy: number;
  torch: string;
  blasLoaded: Record<string, unknown>;
  environment: Record<string, string>;
}

function hasTorch(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function torchEpoch(round: number): TorchResult {
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(REPO_ROOT, 'test/bench/train_torch.py'),
      '--arch',
      ARCH.join('-'),
      '--batch',
      '128',
      '--lr',
      '0.01',
      '--momentum',
      '0.9',
      '--epochs',
      '1',
      '--threads',
      '1',
      '--seed',
      String(round),
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (r.status !== 0) throw new Error(`train_torch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TorchResult;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const torch = hasTorch();
const ours: { seconds: number; accuracy: number }[] = [];
const theirs: TorchResult[] = [];
console.log(
  `bench:train — ${ARCH.join('-')} ReLU, batch 128, SGD momentum 0.9, one thread, ${perEpoch} steps/epoch`,
);
for (let r = 0; r < rounds; r++) {
  const o = await oursEpoch(r);
  ours.push(o);
  let line = `round ${r + 1}: spinscope ${o.seconds.toFixed(2)} s/epoch (test acc ${(100 * o.accuracy).toFixed(2)}%)`;
  if (torch) {
    const t = torchEpoch(r);
    theirs.push(t);
    line += ` · pytorch ${t.epochSeconds[0].toFixed(2)} s/epoch (test acc ${(100 * t.testAccuracy).toFixed(2)}%)`;
  }
  console.log(line);
}

// What a user waits for: a whole one-epoch run with 61 checkpoints and test evaluations.
const dir = join(mkdtempSync(join(tmpdir(), 'spinscope-bench-')), 'run');
const t0 = performance.now();
const cli = spawnSync(
  process.execPath,
  [BIN, 'train', '--arch', ARCH.join('-'), '--epochs', '1', '--out', dir, '--json'],
  { encoding: 'utf8' },
);
const cliSeconds = (performance.now() - t0) / 1000;
if (cli.status !== 0) throw new Error(`spinscope train failed: ${cli.stderr}`);

const oursMedian = median(ours.map((o) => o.seconds));
const result: Record<string, unknown> = {
  arch: ARCH,
  rounds,
  stepsPerEpoch: perEpoch,
  spinscopeEpochSeconds: ours.map((o) => o.seconds),
  spinscopeMedian: oursMedian,
  spinscopeTestAccuracy: ours.map((o) => o.accuracy),
  cliOneEpochWithCheckpointsSeconds: cliSeconds,
};
console.log('');
console.log(
  `spinscope   median ${oursMedian.toFixed(2)} s/epoch (${(perEpoch / oursMedian).toFixed(0)} steps/s)`,
);
if (torch) {
  const torchMedian = median(theirs.map((t) => t.epochSeconds[0]));
  const ratio = oursMedian / torchMedian;
  Object.assign(result, {
    pytorchEpochSeconds: theirs.map((t) => t.epochSeconds[0]),
    pytorchMedian: torchMedian,
    pytorchTestAccuracy: theirs.map((t) => t.testAccuracy),
    pytorch: theirs[0].torch,
    pytorchBlas: theirs[0].blasLoaded,
    pytorchEnvironment: theirs[0].environment,
    ratio,
    goal: GOAL,
  });
  console.log(
    `pytorch     median ${torchMedian.toFixed(2)} s/epoch (${(perEpoch / torchMedian).toFixed(0)} steps/s), torch ${theirs[0].torch}`,
  );
  console.log(
    `ratio       ${ratio.toFixed(2)}× PyTorch's time (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'met' : 'NOT met'}`,
  );
} else {
  console.log(
    'pytorch     not measured: /usr/bin/python3 has no torch (apt-get install python3-torch libopenblas0-pthread)',
  );
}
console.log(`whole run   spinscope train, 1 epoch with 61 checkpoints: ${cliSeconds.toFixed(1)} s`);
const out = join(REPO_ROOT, 'test/bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, `train-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
