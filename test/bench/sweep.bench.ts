/**
 * Benchmark: a sweep of 60 checkpoints of 784-512-512-512-10 (what `spinscope sweep RUN_DIR` does
 * on a default run), against the simplest correct method measured in the same run: dense
 * eigenvalues of H(β) = I + β² diag(a) − βJ on the reference 400-point β grid, per checkpoint.
 *
 * The checkpoints imitate training: a Kaiming-normal network plus a growing rank-one spike
 * g(t)·ξ_{k−1}ξ_kᵀ in every layer (ξ_k random ±1/√N_k, g ∝ t^¼), so the spin model goes from the
 * glass to hidden order (near step 100) with a T_c that rises, as science.md §4 describes. They are written with
 * writeOnnxModel, as `spinscope train` writes its checkpoints.
 *
 * Timed: the sweep in this process (`--jobs 1`, the default on a 2-core machine: cores − 1), in 2
 * worker processes (`--jobs 2`, batches of checkpoints per worker), again from the cache, and
 * through the command line when `sweep` is registered there. The dense reference times one solve
 * (tens of seconds at N = 2330) and multiplies by 400 × 60.
 *
 *   npm run bench:sweep
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import type { DenseLayer, Network } from '../../src-main/core/network/network.ts';
import { writeOnnxModel } from '../../src-main/core/onnx/writer.ts';
import { BondMatrix } from '../../src-main/core/spin/bondMatrix.ts';
import { inProcessAnalyzer, supervisedAnalyzer } from '../../src-main/core/sweep/analyzers.ts';
import type { SweepReport } from '../../src-main/core/sweep/report.ts';
import { sweep, type SweepOutcome } from '../../src-main/core/sweep/sweep.ts';
import { checkpointSteps } from '../../src-main/core/train/schedule.ts';
import { Random } from '../../src-main/core/util/random.ts';
import { createForkHost } from '../../src-main/jobs/forkHost.ts';
import { defaultConcurrency, JobSupervisor } from '../../src-main/jobs/supervisor.ts';
import { denseLambdaMin } from '../helpers/spinReference.ts';

const WIDTHS = [784, 512, 512, 512, 10];
const CHECKPOINTS = 60;
const LAST_STEP = 10_000;
/** Spike strength at the last step: T_c ends near 4 (from 1.76 at init). */
const G_MAX = 3;
const GRID = 400;
const GOAL_SECONDS = 60;
const BIN = join(import.meta.dirname, '../../bin/spinscope.mjs');

/** The network at `step`: the Kaiming base plus g(step)·ξ_{k−1}ξ_kᵀ in each layer ([in, out]). */
function checkpointAt(base: Network, spikes: Float64Array[], step: number): Network {
  const g = G_MAX * (step / LAST_STEP) ** 0.25;
  const layers: DenseLayer[] = base.layers.map((l, k) => {
    const w = Float32Array.from(l.weight);
    const u = spikes[k];
    const v = spikes[k + 1];
    for (let i = 0; i < l.inFeatures; i++) {
      for (let j = 0; j < l.outFeatures; j++) w[i * l.outFeatures + j] += g * u[i] * v[j];
    }
    return { ...l, weight: w };
  });
  return { ...base, layers };
}

async function timed(
  label: string,
  run: () => Promise<SweepOutcome>,
): Promise<{ seconds: number; outcome: SweepOutcome }> {
  const t0 = performance.now();
  const outcome = await run();
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `  ${label.padEnd(34)} ${seconds.toFixed(seconds < 1 ? 3 : 1)} s  (${((1000 * seconds) / CHECKPOINTS).toFixed(seconds < 1 ? 1 : 0)} ms per checkpoint)`,
  );
  return { seconds, outcome };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spinscope-bench-sweep-'));
  const folder = join(dir, 'checkpoints');
  mkdirSync(folder);
  const base = randomNetwork({ widths: WIDTHS, init: 'kaiming', seed: 0 });
  const rng = new Random(1);
  const spikes = WIDTHS.map((n) =>
    Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) / Math.sqrt(n)),
  );
  const steps = checkpointSteps(LAST_STEP, CHECKPOINTS - 1);
  for (const s of steps) {
    writeFileSync(
      join(folder, `step-${String(s).padStart(6, '0')}.onnx`),
      writeOnnxModel(checkpointAt(base, spikes, s)),
    );
  }
  console.log(
    `\nspinscope sweep: ${steps.length} checkpoints of ${WIDTHS.join('-')} (steps 0…${LAST_STEP}), ${folder}\n`,
  );

  const serial = await timed('in this process (--jobs 1)', () =>
    sweep([folder], { analyzer: inProcessAnalyzer(), cache: 'use' }),
  );
  const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: 2 });
  const parallel = await timed('2 worker processes (--jobs 2)', () =>
    sweep([folder], { analyzer: supervisedAnalyzer(supervisor, { concurrency: 2 }), cache: 'off' }),
  );
  await supervisor.shutdown();
  const cached = await timed('from the cache', () =>
    sweep([folder], { analyzer: () => Promise.reject(new Error('everything should be cached')) }),
  );
  // The same through the command line (Node + tsx start-up included; default --jobs: cores − 1).
  let cliSeconds: number | null = null;
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout;
  if (/^\s+sweep\s/m.test(help)) {
    const t1 = performance.now();
    execFileSync(process.execPath, [BIN, 'sweep', folder, '--json', '--no-cache'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    cliSeconds = (performance.now() - t1) / 1000;
    console.log(
      `  ${`spinscope sweep (CLI, --jobs ${defaultConcurrency()})`.padEnd(34)} ${cliSeconds.toFixed(1)} s  (${((1000 * cliSeconds) / CHECKPOINTS).toFixed(0)} ms per checkpoint)`,
    );
  } else console.log('  (spinscope sweep is not registered in the CLI: CLI not timed)');
  const same = [parallel, cached].every(
    (r) => JSON.stringify(r.outcome.report) === JSON.stringify(serial.outcome.report),
  );
  const report = serial.outcome.report as SweepReport;
  const first = report.checkpoints[0];
  const last = report.checkpoints.at(-1)!;
  const ordered = report.checkpoints.filter((c) => c.phase === 'ordered').length;
  console.log(`  reports identical (serial, parallel, cached): ${same ? 'yes' : 'NO'}`);
  console.log(
    `  T_c ${first.tc.toFixed(4)} (${first.phase}) at step 0 → ${last.tc.toFixed(4)} (${last.phase}) at step ${last.step}; ${ordered}/${report.checkpoints.length} ordered`,
  );
  const f = report.powerLaw;
  if (f) {
    console.log(
      `  power law (window 'all'): exponent ${f.exponent.toFixed(4)} ± ${f.exponentStderr?.toFixed(4)}, R² ${f.r2.toFixed(4)}`,
    );
  }

  // Reference: one dense solve at β_c of the last checkpoint, times the grid, times the checkpoints.
  const bond = BondMatrix.fromNetwork(checkpointAt(base, spikes, LAST_STEP));
  const t2 = performance.now();
  denseLambdaMin(bond, 1 / last.tc);
  const denseOne = (performance.now() - t2) / 1000;
  const denseSweep = denseOne * GRID * CHECKPOINTS;
  const best = Math.min(serial.seconds, parallel.seconds);
  console.log(
    `  dense (TS, O(N³), N = ${bond.size})   ${denseOne.toFixed(1)} s per β → ${((denseOne * GRID) / 60).toFixed(0)} min per checkpoint, ${(denseSweep / 3600).toFixed(0)} h for the sweep`,
  );
  console.log(
    `  ratio (dense / sweep)              ${(denseSweep / serial.seconds).toFixed(0)}× in process, ${(denseSweep / parallel.seconds).toFixed(0)}× with 2 workers`,
  );
  console.log(
    `  goal ≤ ${GOAL_SECONDS} s: ${best <= GOAL_SECONDS ? 'met' : 'NOT met'} (best ${best.toFixed(1)} s)\n`,
  );

  const outDir = join(import.meta.dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'sweep.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        arch: WIDTHS.join('-'),
        checkpoints: CHECKPOINTS,
        serialSeconds: serial.seconds,
        parallelSeconds: parallel.seconds,
        parallelWorkers: 2,
        cachedSeconds: cached.seconds,
        cliSeconds,
        secondsPerCheckpoint: {
          serial: serial.seconds / CHECKPOINTS,
          parallel: parallel.seconds / CHECKPOINTS,
        },
        denseOneSolveSeconds: denseOne,
        denseSweepSeconds: denseSweep,
        ratioVsDense: { serial: denseSweep / serial.seconds, parallel: denseSweep / parallel.seconds },
        identicalReports: same,
        tc: report.checkpoints.map((c) => ({ step: c.step, tc: c.tc, phase: c.phase })),
        goalSeconds: GOAL_SECONDS,
      },
      null,
      2,
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
