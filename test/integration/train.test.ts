/**
 * `spinscope train` end to end on the real MNIST files: accuracy, the run folder, checkpoints that
 * evaluate/analyze accept, kill -9 + --resume bit-identical to an uninterrupted run, Ctrl-C, bad
 * data and bad options.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMnistDir } from '../../src-main/core/data/mnist.ts';
import { readNpzFile } from '../../src-main/core/project/arrayFiles.ts';
import { checkpointSteps } from '../../src-main/core/train/schedule.ts';
import { finished, spawnSpinscope, spinscope } from '../helpers/cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'spinscope-train-'));

/** The four MNIST IDX files copied into a new folder (stands in for another IDX data set). */
function copyOfMnist(dir: string): string {
  mkdirSync(dir);
  for (const f of [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ]) {
    copyFileSync(join(defaultMnistDir(), f), join(dir, f));
  }
  return dir;
}

function jsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('spinscope train', () => {
  it('784-64-10 ReLU reaches ≥ 90% test accuracy after one epoch; its checkpoints evaluate to the logged accuracy', async () => {
    const dir = join(tmp(), 'run');
    const r = await spinscope(
      'train',
      '--arch',
      '784-64-10',
      '--epochs',
      '1',
      '--seed',
      '3',
      '--out',
      dir,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.finalTestAccuracy).toBeGreaterThanOrEqual(0.9);

    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.schema).toBe('spinscope.run/1');
    expect(run.status).toBe('completed');
    expect(run.config.arch).toEqual([784, 64, 10]);
    expect(run.config.seed).toBe(3);
    expect(run.stepsPerEpoch).toBe(469);
    expect(run.checkpointSteps).toEqual(checkpointSteps(469, 60));
    expect(run.versions.onnxruntime).toMatch(/^\d+\.\d+/);

    const files = readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.onnx'));
    expect(files.sort()).toEqual(
      run.checkpointSteps.map((s: number) => `step-${String(s).padStart(6, '0')}.onnx`),
    );
    const metrics = jsonl(join(dir, 'metrics.jsonl'));
    const checkpoints = metrics.filter((m) => m.type === 'checkpoint');
    expect(checkpoints.map((m) => m.step)).toEqual(run.checkpointSteps);
    const train = metrics.filter((m) => m.type === 'train');
    expect(train.map((m) => m.step)).toEqual([...Array.from({ length: 9 }, (_, i) => 50 * (i + 1)), 469]);
    for (const m of train) {
      expect(m.loss).toBeGreaterThan(0);
      expect(m.accuracy).toBeGreaterThan(0);
    }

    // The last checkpoint through `spinscope evaluate` (onnxruntime on the exported file + Spinscope's own
    // forward pass): the same accuracy the trainer logged, from a different graph.
    const last = checkpoints[checkpoints.length - 1];
    const ev = await spinscope('evaluate', join(dir, last.file as string), '--json');
    expect(ev.code).toBe(0);
    const evaluated = JSON.parse(ev.stdout);
    expect(Math.abs(evaluated.accuracy - (last.testAccuracy as number))).toBeLessThanOrEqual(2e-4);
    expect(evaluated.consistency).toBeLessThan(1e-4);
    const an = await spinscope('analyze', join(dir, last.file as string), '--json');
    expect(an.code).toBe(0);
    expect(JSON.parse(an.stdout).model).toEqual({
      layers: [784, 64, 10],
      spins: 858,
      couplings: 784 * 64 + 640,
    });
  });

  it('a run killed with SIGKILL and resumed ends bit-identical to an uninterrupted one', async () => {
    const base = tmp();
    const args = [
      '--arch',
      '784-128-128-10',
      '--activation',
      'sign',
      '--optimizer',
      'adam',
      '--bias',
      '--epochs',
      '2',
    ];
    args.push(
      '--train-limit',
      '8000',
      '--test-limit',
      '500',
      '--batch-size',
      '20',
      '--checkpoints',
      '25',
      '--save-every',
      '0.2',
    );
    const straight = join(base, 'straight');
    expect((await spinscope('train', ...args, '--out', straight, '--json')).code).toBe(0);

    const killed = join(base, 'killed');
    let kills = 0;
    // Kill twice mid-run (after the first checkpoints and later), resuming after each kill.
    // 800 steps in all; the kills land well before the end even on a fast machine.
    for (const after of [40, 300]) {
      const child = spawnSpinscope(
        'train',
        ...(kills === 0 ? [...args, '--out', killed] : ['--resume', killed]),
      );
      const done = finished(child);
      const metrics = join(killed, 'metrics.jsonl');
      for (;;) {
        await new Promise((r) => setTimeout(r, 10));
        if (child.exitCode !== null) break;
        if (existsSync(metrics) && jsonl(metrics).some((m) => (m.step as number) >= after)) {
          child.kill('SIGKILL');
          break;
        }
      }
      const end = await done;
      expect(end.signal, `the run finished before the kill at step ${after}; make it longer`).toBe('SIGKILL');
      kills++;
      expect(JSON.parse(readFileSync(join(killed, 'run.json'), 'utf8')).status).toBe('running');
    }
    const resumed = await spinscope('train', '--resume', killed, '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).resumedFrom).toBeGreaterThan(0);

    for (const f of readdirSync(join(straight, 'checkpoints'))) {
      expect(
        readFileSync(join(killed, 'checkpoints', f)).equals(readFileSync(join(straight, 'checkpoints', f))),
        f,
      ).toBe(true);
    }
    expect(readdirSync(join(killed, 'checkpoints')).sort()).toEqual(
      readdirSync(join(straight, 'checkpoints')).sort(),
    );
    expect(readFileSync(join(killed, 'metrics.jsonl'), 'utf8')).toBe(
      readFileSync(join(straight, 'metrics.jsonl'), 'utf8'),
    );
    const a = readNpzFile(join(straight, 'state.npz'));
    const b = readNpzFile(join(killed, 'state.npz'));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const bytes = (x: ArrayBufferView): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    for (const k of Object.keys(a)) expect(bytes(b[k].data).equals(bytes(a[k].data)), k).toBe(true);
    const run = JSON.parse(readFileSync(join(killed, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    expect(run.resumes).toBe(2);
  }, 120_000);

  it('SIGINT stops at the next step with a resume point; --resume completes the run', async () => {
    const dir = join(tmp(), 'run');
    const child = spawnSpinscope(
      'train',
      '--arch',
      '784-512-512-10',
      '--epochs',
      '5',
      '--train-limit',
      '12800',
      '--test-limit',
      '500',
      '--out',
      dir,
    );
    const done = finished(child);
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      if (existsSync(join(dir, 'state.npz'))) break;
    }
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const end = await done;
    expect(end.code).toBe(130);
    expect(end.stderr).toMatch(/cancelled at step \d+ of 500; continue with `spinscope train --resume /);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.status).toBe('cancelled');
    expect(run.step).toBeGreaterThan(0);
    const again = await spinscope('train', '--resume', dir, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      status: 'completed',
      steps: 500,
      resumedFrom: run.step,
    });
  }, 60_000);

  it('--config FILE with flags on top; --data reads MNIST-format IDX files from another folder', async () => {
    const base = tmp();
    const data = copyOfMnist(join(base, 'fashion'));
    const cfg = join(base, 'cfg.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        arch: '784-16-10',
        epochs: 3,
        batchSize: 100,
        trainLimit: 1000,
        testLimit: 200,
        checkpoints: 5,
      }),
    );
    const dir = join(base, 'run');
    const r = await spinscope(
      'train',
      '--config',
      cfg,
      '--epochs',
      '1',
      '--data',
      data,
      '--loss',
      'hinge',
      '--out',
      dir,
      '--json',
    );
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.config).toMatchObject({ arch: [784, 16, 10], epochs: 1, batchSize: 100, loss: 'hinge', data });
    expect(run.checkpointSteps).toEqual([0, 1, 2, 3, 6, 10]);
    expect(run.data.train.source).toBe(join(data, 'train-images-idx3-ubyte'));
  });

  it('bad data, bad options and an existing run are clear errors that touch nothing', async () => {
    const base = tmp();
    const data = copyOfMnist(join(base, 'data'));
    truncateSync(join(data, 'train-images-idx3-ubyte'), 5000);
    const corrupt = await spinscope('train', '--arch', '784-8-10', '--data', data, '--out', join(base, 'r1'));
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/train-images-idx3-ubyte/);
    expect(corrupt.stderr).toMatch(/truncated|expected|bytes/i);
    expect(corrupt.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(base, 'r1', 'run.json'))).toBe(false);

    const badArch = await spinscope(
      'train',
      '--arch',
      '100-10',
      '--train-limit',
      '200',
      '--out',
      join(base, 'r2'),
    );
    expect(badArch.code).toBe(1);
    expect(badArch.stderr).toMatch(/28×28 = 784 pixels but the network's input width is 100/);

    const badLr = await spinscope('train', '--lr', 'fast', '--out', join(base, 'r3'));
    expect(badLr.code).toBe(2);
    expect(badLr.stderr).toMatch(/--lr expects a number/);

    const badAct = await spinscope('train', '--activation', 'gelu', '--out', join(base, 'r4'));
    expect(badAct.code).toBe(1);
    expect(badAct.stderr).toMatch(/activation/);

    const dir = join(base, 'r5');
    expect(
      (
        await spinscope(
          'train',
          '--arch',
          '784-8-10',
          '--epochs',
          '1',
          '--train-limit',
          '256',
          '--test-limit',
          '100',
          '--out',
          dir,
        )
      ).code,
    ).toBe(0);
    const before = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    const again = await spinscope('train', '--arch', '784-8-10', '--out', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a training run: continue it with --resume/);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(before);
    const mixed = await spinscope('train', '--resume', dir, '--lr', '0.1');
    expect(mixed.code).toBe(2);

    writeFileSync(join(dir, 'run.json'), '{"schema": "spinscope.run/1", "config": ');
    const corruptRun = await spinscope('train', '--resume', dir);
    expect(corruptRun.code).toBe(1);
    expect(corruptRun.stderr).toMatch(/run\.json is not valid JSON.*checkpoints are untouched/);
  }, 60_000);
});
