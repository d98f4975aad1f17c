/**
 * Benchmark: `spinscope analyze` on Kaiming-initialised 784-512-512-512-10 and
 * 784-1024-1024-1024-10 networks, written to ONNX here, against the simplest correct method
 * measured in the same run: dense eigenvalues of H(β) = I + β² diag(a) − βJ on the reference
 * 400-point β grid (shared/fixtures/onnx/README.md).
 *
 * A dense solve takes tens of seconds at these sizes (hours for the whole grid), so the reference
 * times `--dense-samples` solves (default 1) and multiplies by the grid size; the ratio printed is
 * (dense time for the grid) / (analyze time). When Debian's python3 with numpy is present, LAPACK's
 * dense eigvalsh (OpenBLAS) is timed the same way as a second, stronger reference.
 *
 *   npm run bench                 # both sizes
 *   npm run bench -- --quick      # 512 only for the dense reference (1024 extrapolated by N³)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import { writeOnnxModel } from '../../src-main/core/onnx/writer.ts';
import { readOnnxFile } from '../../src-main/core/onnx/reader.ts';
import { analyzeNetwork } from '../../src-main/core/spin/analysis.ts';
import { BondMatrix } from '../../src-main/core/spin/bondMatrix.ts';
import { denseLambdaMin } from '../helpers/spinReference.ts';

const GRID = 400;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repeats = 3;

interface Row {
  arch: string;
  spins: number;
  couplings: number;
  analyzeSeconds: number;
  cliSeconds: number;
  goalSeconds: number;
  denseOneSolveSeconds: number;
  denseGridSeconds: number;
  denseMeasured: boolean;
  ratioVsDense: number;
  lapackOneSolveSeconds: number | null;
  ratioVsLapackGrid: number | null;
  tc: number;
  phase: string;
  replicaTc: number;
  evaluations: number;
  matvecs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function hasNumpy(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/** LAPACK dense λ_min at one β, via numpy (eigvalsh), timed inside Python (load excluded). */
function lapackOneSolve(dir: string, bond: BondMatrix, beta: number): number {
  const blocks = bond.blocks.map((b, k) => {
    const f = join(dir, `w${k}.f32`);
    writeFileSync(f, Buffer.from(Float32Array.from(b.weight).buffer));
    return [f, b.rows, b.cols];
  });
  const script = `
import numpy as np, json, sys, time
blocks = json.loads(sys.argv[1]); beta = float(sys.argv[2])
W = [np.fromfile(f, dtype=np.float32).astype(np.float64).reshape(r, c) for f, r, c in blocks]
sizes = [W[0].shape[0]] + [w.shape[1] for w in W]; off = np.cumsum([0] + sizes); N = off[-1]
t = time.perf_counter()
J = np.zeros((N, N))
for k, w in enumerate(W):
    J[off[k]:off[k+1], off[k+1]:off[k+2]] = w; J[off[k+1]:off[k+2], off[k]:off[k+1]] = w.T
a = (J * J).sum(1)
H = np.eye(N) + beta * beta * np.diag(a) - beta * J
lam = np.linalg.eigvalsh(H)[0]
print(json.dumps({"seconds": time.perf_counter() - t, "lambda": float(lam)}))
`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(blocks), String(beta)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '2' },
  });
  return (JSON.parse(out) as { seconds: number }).seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spinscope-bench-'));
  const numpy = hasNumpy();
  const rows: Row[] = [];
  let denseRef: { n: number; seconds: number } | null = null;
  for (const [hidden, goal] of [
    [512, 1],
    [1024, 5],
  ]) {
    const widths = [784, hidden, hidden, hidden, 10];
    const arch = widths.join('-');
    const net = randomNetwork({ widths, init: 'kaiming', seed: 0 });
    const file = join(dir, `kaiming-${arch}.onnx`);
    writeFileSync(file, writeOnnxModel(net));

    // Spinscope: read the ONNX file and analyse it (what `spinscope analyze` does), median of 3.
    const times: number[] = [];
    let report = null;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const model = await readOnnxFile(file);
      report = analyzeNetwork(model.network);
      times.push((performance.now() - t0) / 1000);
    }
    const analyzeSeconds = median(times);
    // The same through the command line (includes Node + tsx start-up).
    const t1 = performance.now();
    execFileSync(
      process.execPath,
      [join(import.meta.dirname, '../../bin/spinscope.mjs'), 'analyze', file, '--json'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const cliSeconds = (performance.now() - t1) / 1000;

    // Reference: dense eigenvalues of H at one β of the grid (near β_c, where it matters).
    const bond = BondMatrix.fromNetwork(net);
    const beta = 1 / report!.tap.tc;
    let denseOne: number;
    let measured = true;
    if (quick && denseRef) {
      denseOne = denseRef.seconds * (bond.size / denseRef.n) ** 3;
      measured = false;
    } else {
      const t2 = performance.now();
      denseLambdaMin(bond, beta);
      denseOne = (performance.now() - t2) / 1000;
      denseRef = { n: bond.size, seconds: denseOne };
    }
    const lapack = numpy ? lapackOneSolve(dir, bond, beta) : null;
    rows.push({
      arch,
      spins: bond.size,
      couplings: report!.model.couplings,
      analyzeSeconds,
      cliSeconds,
      goalSeconds: goal,
      denseOneSolveSeconds: denseOne,
      denseGridSeconds: denseOne * GRID,
      denseMeasured: measured,
      ratioVsDense: (denseOne * GRID) / analyzeSeconds,
      lapackOneSolveSeconds: lapack,
      ratioVsLapackGrid: lapack === null ? null : (lapack * GRID) / analyzeSeconds,
      tc: report!.tap.tc,
      phase: report!.tap.phase,
      replicaTc: report!.replica.tc,
      evaluations: report!.tap.scan.evaluations,
      matvecs: report!.tap.scan.matvecs,
    });
  }

  console.log('\nspinscope analyze vs dense eigenvalues of H(β) on the 400-point grid (same run)\n');
  for (const r of rows) {
    console.log(`${r.arch}  (${r.spins} spins, ${r.couplings} couplings)`);
    console.log(
      `  analyze            ${r.analyzeSeconds.toFixed(3)} s (median of ${repeats}; goal < ${r.goalSeconds} s: ${r.analyzeSeconds < r.goalSeconds ? 'met' : 'NOT met'}), CLI incl. start-up ${r.cliSeconds.toFixed(2)} s`,
    );
    console.log(
      `  T_c                TAP ${r.tc.toFixed(4)} (${r.phase}), replica ${r.replicaTc.toFixed(4)}; TAP scan: ${r.evaluations} eigen-solves, ${r.matvecs} J·v`,
    );
    console.log(
      `  dense (TS, O(N³))  ${r.denseOneSolveSeconds.toFixed(2)} s per β${r.denseMeasured ? '' : ' (extrapolated by N³ from the smaller net)'} → ${(r.denseGridSeconds / 60).toFixed(1)} min for the grid; ratio ${r.ratioVsDense.toFixed(0)}×`,
    );
    if (r.lapackOneSolveSeconds !== null) {
      console.log(
        `  dense (LAPACK)     ${r.lapackOneSolveSeconds.toFixed(2)} s per β → ${(r.lapackOneSolveSeconds * GRID).toFixed(0)} s for the grid; ratio ${r.ratioVsLapackGrid!.toFixed(0)}×`,
      );
    }
  }
  const outDir = join(import.meta.dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'analyze.json'),
    JSON.stringify({ date: new Date().toISOString(), rows }, null, 2),
  );
}

await main();
