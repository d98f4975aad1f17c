/**
 * `spinscope sweep` end to end, as users run it (bin/spinscope.mjs), on real training runs: the
 * report of contract 5, parallel worker processes giving the same JSON as one process, the cache,
 * Ctrl-C, and a project's seeds grouped with confidence intervals (the end-to-end reproduction that
 * scripts/reproduce-small.ts did is `spinscope reproduce`'s, test/integration/reproduce.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import { writeOnnxModel } from '../../src-main/core/onnx/writer.ts';
import { createProject } from '../../src-main/core/project/project.ts';
import type { SweepReport, SweepSetReport } from '../../src-main/core/sweep/report.ts';
import { resolveConfig } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { checkpointName } from '../../src-main/core/train/runFolder.ts';
import { finished, spawnSpinscope, spinscope } from '../helpers/cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'spinscope-sweep-'));

/** The tiny training of the brief: 784-16-16-10, 2000 images, 2 epochs (32 steps), 10 log-spaced checkpoints. */
const tinyConfig = (seed: number) =>
  resolveConfig({
    arch: [784, 16, 16, 10],
    trainLimit: 2000,
    testLimit: 200,
    epochs: 2,
    checkpoints: 10,
    seed,
  });

let run: string;

beforeAll(async () => {
  run = join(tmp(), 'relu-0');
  await trainRun({ dir: run, config: tinyConfig(0) });
});

describe('spinscope sweep RUN_DIR', () => {
  it('--json prints contract 5: every checkpoint by increasing step, step 0 included but not fitted', async () => {
    const { code, stdout, stderr } = await spinscope('sweep', run, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as SweepReport;
    expect(r.schema).toBe('spinscope.sweep/1');
    const steps = r.checkpoints.map((c) => c.step);
    const record = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    expect(steps).toEqual(record.checkpointSteps);
    expect(steps[0]).toBe(0);
    steps.slice(1).forEach((s, i) => expect(s).toBeGreaterThan(steps[i]));
    for (const c of r.checkpoints) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(['step', 'tc', 'phase', 'minLambda', 'replicaTc']),
      );
      expect(c.tc).toBeGreaterThan(0);
      expect(['glass', 'ordered']).toContain(c.phase);
    }
    expect(r.checkpoints[0].phase).toBe('glass');
    const f = r.powerLaw!;
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining(['exponent', 'prefactor', 'window', 'r2', 'exponentStderr']),
    );
    expect(f.window).toEqual([steps[1], steps.at(-1)]);
    expect(f.n).toBe(steps.length - 1);
    expect(f.exponentStderr).toBeGreaterThan(0);
    // Each checkpoint is what `spinscope analyze` says about it.
    const last = JSON.parse(
      (await spinscope('analyze', join(run, r.checkpoints.at(-1)!.file), '--json')).stdout,
    );
    expect(r.checkpoints.at(-1)).toMatchObject({
      tc: last.tap.tc,
      phase: last.tap.phase,
      minLambda: last.tap.minLambda,
    });
    // Cached next to the run (it is not in a project).
    const cache = join(run, 'analyses/sweep');
    expect(readdirSync(cache)).toEqual(
      expect.arrayContaining(['sweep.json', 'step-000000.json', 'step-000000.curve.npy']),
    );
  });

  it('in worker processes (--jobs 2) the JSON is the same bit for bit as in one process (--jobs 1), and from the cache', async () => {
    const serial = await spinscope('sweep', run, '--json', '--jobs', '1', '--no-cache');
    const parallel = await spinscope('sweep', run, '--json', '--jobs', '2', '--no-cache');
    const cached = await spinscope('sweep', run, '--json');
    expect(serial.code).toBe(0);
    expect(parallel.code).toBe(0);
    expect(parallel.stdout).toBe(serial.stdout);
    expect(cached.stdout).toBe(serial.stdout);
  });

  it('the readable table, --window, and the cache summary', async () => {
    const { code, stdout } = await spinscope('sweep', run, '--window', '5:');
    expect(code).toBe(0);
    expect(stdout).toMatch(/relu 784-16-16-10, seed 0; 11 checkpoints/);
    expect(stdout).toMatch(/power law\s+T_c = [\d.]+ · step\^-?[\d.]+/);
    expect(stdout).toMatch(/window '5:'/);
    expect(stdout).toMatch(/11 checkpoints: 11 from the cache, 0 analysed/);
  });

  it('errors: a missing folder is one line (exit 1); a bad window or --jobs is usage (exit 2)', async () => {
    const missing = await spinscope('sweep', join(tmp(), 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^spinscope sweep: .*nowhere does not exist\n$/);
    const window = await spinscope('sweep', run, '--window', '50:5');
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(
      /the first step \(50\) is after the last \(5\)[\s\S]*Usage: spinscope sweep/,
    );
    expect((await spinscope('sweep', run, '--jobs', '0')).code).toBe(2);
  });
});

describe('Ctrl-C', () => {
  it('cancels cleanly: exit 130, workers gone, no half-written file; the next sweep analyses only the rest', async () => {
    const folder = join(tmp(), 'checkpoints');
    mkdirSync(folder);
    const steps = Array.from({ length: 24 }, (_, i) => i * 10);
    for (const s of steps) {
      const net = randomNetwork({ widths: [784, 256, 256, 10], seed: s });
      writeFileSync(join(folder, checkpointName(s)), writeOnnxModel(net));
    }
    const child = spawnSpinscope('sweep', folder, '--json', '--jobs', '2');
    const result = finished(child);
    const cache = join(folder, 'analyses/sweep');
    const entries = (): string[] =>
      existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith('.json')) : [];
    const deadline = Date.now() + 60_000;
    while (entries().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(workers.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const { code, stdout, stderr } = await result;
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /cancelled: \d+ of 24 checkpoints analysed and cached; run the same command again to continue/,
    );
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const kept = entries().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(24);
    const again = await spinscope('sweep', folder, '--jobs', '2');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `24 checkpoints: ${kept} from the cache, ${24 - kept} analysed in 2 worker processes`,
    );
  });
});

describe('spinscope sweep PROJECT', () => {
  it('groups the runs by config minus seed: mean T_c ± 95% CI per step and of the exponent; caches in analyses/', async () => {
    const project = join(tmp(), 'project');
    createProject(project);
    for (const seed of [0, 1])
      await trainRun({ dir: join(project, 'runs', `relu-${seed}`), config: tinyConfig(seed) });
    const { code, stdout } = await spinscope('sweep', project, '--json', '--jobs', '2');
    expect(code).toBe(0);
    const set = JSON.parse(stdout) as SweepSetReport;
    expect(set.schema).toBe('spinscope.sweep-set/1');
    expect(set.runs.map((r) => r.run.id)).toEqual(['relu-0', 'relu-1']);
    expect(set.groups).toHaveLength(1);
    const [g] = set.groups;
    expect(g.label).toBe('relu 784-16-16-10');
    expect(g.runs).toEqual([
      { id: 'relu-0', seed: 0 },
      { id: 'relu-1', seed: 1 },
    ]);
    for (const s of g.tc) {
      const [a, b] = set.runs.map((r) => r.checkpoints.find((c) => c.step === s.step)!.tc);
      expect(s.n).toBe(2);
      expect(s.mean).toBeCloseTo((a + b) / 2, 14);
      // Two seeds: t_{0.975, 1} = 12.706 times the standard error |a − b| / 2.
      expect(s.ci95![1] - s.mean).toBeCloseTo((12.706204736174694 * Math.abs(a - b)) / 2, 10);
    }
    expect(g.exponent!.values).toEqual(set.runs.map((r) => r.powerLaw!.exponent));
    expect(g.exponent!.ci95).toHaveLength(2);
    expect(readdirSync(join(project, 'analyses')).sort()).toEqual(['sweep-relu-0', 'sweep-relu-1']);
    const readable = await spinscope('sweep', project);
    expect(readable.stdout).toMatch(/relu 784-16-16-10: 2 runs \(seeds 0, 1\)/);
    expect(readable.stdout).toMatch(/22 checkpoints: 22 from the cache/);
  });
});
