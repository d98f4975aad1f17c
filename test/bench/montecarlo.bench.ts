/**
 * Benchmark: Monte Carlo spin updates per second on the spin model of a Kaiming-normal
 * 784-512-512-512-10 network (N = 2330 spins, 930 816 couplings), against a straightforward
 * single-spin Metropolis measured in the same run: a random site, its local field by a dot product
 * over its neighbours (rows of W^(k+1) and of a transposed copy of W^(k), so both are contiguous),
 * accept with min(1, e^{−βΔE}). Goal: ≥ 20 M spin updates/s per core.
 *
 * Ours (core/montecarlo): parallel tempering with 2 replicas × 32 temperatures (R = 64 copies),
 * checkerboard sweeps whose local fields are one [R, N_{k−1}]×[N_{k−1}, N_k] product per layer,
 * everything (fields, updates, swaps, measurements) in the timed loop. One thread: onnxruntime with
 * intraOpNumThreads = 1, the JavaScript on the main thread.
 *
 * Rates are given per wall-clock second and per CPU second of this process (user + system, all
 * threads): on a machine shared with other work the second is what one free core would do.
 *
 * Also measured, to justify the field kernel: the local fields of every spin of 64 copies by
 * onnxruntime's GEMM, by the WebAssembly SIMD kernel of core/kernels (J·σ per copy, fused32: one pass
 * over the weights for both halves), and by plain JavaScript loops; and the cost of incremental field
 * updates (add the flipped spin's weight column to its neighbours' fields) at the flip rates the
 * sampler measured.
 *
 *   npm run bench:montecarlo
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelInstance, Layout } from '../../src-main/core/kernels/instance.ts';
import { JsFields } from '../../src-main/core/montecarlo/localFields.ts';
import { OrtFields } from '../../src-main/core/montecarlo/ortFields.ts';
import { runMonteCarlo } from '../../src-main/core/montecarlo/simulation.ts';
import { allocateLayers, SpinChain } from '../../src-main/core/montecarlo/spinChain.ts';
import { randomNetwork } from '../../src-main/core/network/init.ts';
import { Random } from '../../src-main/core/util/random.ts';

const WIDTHS = [784, 512, 512, 512, 10];
const TEMPERATURES = 32;
const COPIES = 2 * TEMPERATURES;
const T_MIN = 0.8;
const T_MAX = 3.5;
const GOAL = 20e6;

const net = randomNetwork({ widths: WIDTHS, seed: 0, init: 'kaiming' });
const chain = SpinChain.fromNetwork(net);
const N = chain.size;

interface Rate {
  /** Per wall-clock second. */
  wall: number;
  /** Per CPU second of this process. */
  cpu: number;
}

/** The straightforward sampler: random site, dot-product field, Metropolis; updates per second. */
function referenceMetropolis(T: number, updates: number): Rate {
  const rng = new Random(1);
  const sigma = Float64Array.from({ length: N }, () => (rng.uniform() < 0.5 ? -1 : 1));
  const { widths, offsets, weights } = chain;
  // W^(k)ᵀ as [N_k, N_{k−1}]: the incoming weights of a spin of layer k as one contiguous row.
  const transposed = weights.map((w, k) => {
    const [n, m] = [widths[k], widths[k + 1]];
    const t = new Float32Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = w[i * m + j];
    return t;
  });
  const layerOf = new Int32Array(N);
  widths.forEach((n, k) => layerOf.fill(k, offsets[k], offsets[k] + n));
  const beta = 1 / T;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let s = 0; s < updates; s++) {
    const i = Math.floor(rng.uniform() * N);
    const k = layerOf[i];
    const j = i - offsets[k];
    let h = 0;
    if (k > 0) {
      const n = widths[k - 1];
      const w = transposed[k - 1];
      const o = offsets[k - 1];
      for (let l = 0; l < n; l++) h += w[j * n + l] * sigma[o + l];
    }
    if (k < widths.length - 1) {
      const m = widths[k + 1];
      const w = weights[k];
      const o = offsets[k + 1];
      for (let l = 0; l < m; l++) h += w[j * m + l] * sigma[o + l];
    }
    const dE = 2 * sigma[i] * h;
    if (dE <= 0 || rng.uniform() < Math.exp(-beta * dE)) sigma[i] = -sigma[i];
  }
  const cpu = process.cpuUsage(cpuStarted);
  return {
    wall: updates / ((performance.now() - started) / 1000),
    cpu: updates / ((cpu.user + cpu.system) / 1e6),
  };
}

/** Seconds per evaluation of the fields of all N spins for all copies, by each kernel. */
async function fieldKernels(): Promise<Record<string, number>> {
  const rng = new Random(2);
  const spins = allocateLayers(chain, COPIES);
  for (const l of spins) for (let i = 0; i < l.length; i++) l[i] = rng.uniform() < 0.5 ? -1 : 1;
  const time = async (f: () => unknown, reps: number): Promise<number> => {
    await f();
    const t = performance.now();
    for (let r = 0; r < reps; r++) await f();
    return (performance.now() - t) / 1000 / reps;
  };
  const ort = await OrtFields.create(chain, COPIES, 1);
  const js = new JsFields(chain, COPIES);
  const out: Record<string, number> = {};
  out['onnxruntime GEMM (1 thread)'] = await time(async () => {
    await ort.compute(0, spins);
    await ort.compute(1, spins);
  }, 30);
  await ort.dispose();
  // WebAssembly: J·σ_r per copy with the fused kernel (weights f32, vectors f64).
  const layout = new Layout();
  const wPtr = chain.weights.map((w) => layout.alloc(4 * w.length));
  const xPtr = layout.alloc(8 * N);
  const yPtr = layout.alloc(8 * N);
  const k = kernelInstance(layout.size);
  chain.weights.forEach((w, b) => new Float32Array(k.memory.buffer, wPtr[b], w.length).set(w));
  const x = new Float64Array(k.memory.buffer, xPtr, N);
  const y = new Float64Array(k.memory.buffer, yPtr, N);
  out['WebAssembly SIMD J·σ per copy'] = await time(() => {
    for (let r = 0; r < COPIES; r++) {
      chain.widths.forEach((n, l) => {
        for (let i = 0; i < n; i++) x[chain.offsets[l] + i] = spins[l][r * n + i];
      });
      y.fill(0);
      chain.weights.forEach((_, b) => {
        const o0 = chain.offsets[b];
        const o1 = chain.offsets[b + 1];
        k.fused32(
          wPtr[b],
          chain.widths[b],
          chain.widths[b + 1],
          xPtr + 8 * o0,
          xPtr + 8 * o1,
          yPtr + 8 * o0,
          yPtr + 8 * o1,
        );
      });
    }
  }, 5);
  out['JavaScript loops'] = await time(() => {
    js.compute(0, spins);
    js.compute(1, spins);
  }, 3);
  return out;
}

/**
 * Seconds to update the neighbours' fields after one flip (h_nbr += 2σ_new·w for the flipped spin's
 * weights: a row of W^(k+1) and a row of a transposed copy of W^(k), both contiguous), averaged over sites.
 */
function incrementalFlipCost(): { seconds: number; degree: number } {
  const rng = new Random(3);
  const fields = chain.widths.map((n) => new Float32Array(n));
  const { widths, weights } = chain;
  const transposed = weights.map((w, k) => {
    const [n, m] = [widths[k], widths[k + 1]];
    const t = new Float32Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = w[i * m + j];
    return t;
  });
  let spinsTimesDegree = 0;
  widths.forEach(
    (n, k) =>
      (spinsTimesDegree += n * ((k > 0 ? widths[k - 1] : 0) + (k < widths.length - 1 ? widths[k + 1] : 0))),
  );
  const reps = 200_000;
  const started = performance.now();
  for (let s = 0; s < reps; s++) {
    const i = Math.floor(rng.uniform() * chain.size);
    let k = 0;
    while (chain.offsets[k + 1] <= i) k++;
    const j = i - chain.offsets[k];
    const d = rng.uniform() < 0.5 ? 2 : -2;
    if (k < widths.length - 1) {
      const m = widths[k + 1];
      const w = weights[k];
      const h = fields[k + 1];
      for (let l = 0; l < m; l++) h[l] += d * w[j * m + l];
    }
    if (k > 0) {
      const n = widths[k - 1];
      const w = transposed[k - 1];
      const h = fields[k - 1];
      for (let l = 0; l < n; l++) h[l] += d * w[j * n + l];
    }
  }
  return { seconds: (performance.now() - started) / 1000 / reps, degree: spinsTimesDegree / chain.size };
}

async function ours(update: 'metropolis' | 'heatbath', backend: 'ort' | 'js', sweeps: number, blocks = 20) {
  const { report, timing } = await runMonteCarlo(net, {
    tMin: T_MIN,
    tMax: T_MAX,
    temperatures: TEMPERATURES,
    sweeps,
    thermalize: 0,
    seed: 0,
    update,
    backend,
    blocks,
    tap: false,
  });
  const flipRate = report.temperatures.reduce((a, t) => a + t.flipRate, 0) / report.temperatures.length;
  const rate: Rate = { wall: timing.spinUpdatesPerSecond, cpu: timing.spinUpdates / timing.cpuSeconds };
  return { rate, flipRate };
}

const mega = (x: number): string => `${(x / 1e6).toFixed(2)} M/s`;

console.log(
  `Monte Carlo on ${WIDTHS.join('-')} (Kaiming-normal, N = ${N} spins, ${chain.couplings} couplings)`,
);
console.log(
  `ladder ${TEMPERATURES} temperatures ${T_MIN}…${T_MAX}, 2 replicas each (R = ${COPIES}); one thread\n`,
);

// Warm-up (JIT, onnxruntime sessions), then interleaved rounds so load changes hit both alike.
referenceMetropolis(1.5, 200_000);
await ours('metropolis', 'ort', 40);
const rounds = 3;
const ref: Rate[] = [];
const met: Rate[] = [];
const hb: Rate[] = [];
let flipRate = 0;
for (let r = 0; r < rounds; r++) {
  ref.push(referenceMetropolis(1.5, 1_000_000));
  const m = await ours('metropolis', 'ort', 150);
  met.push(m.rate);
  flipRate = m.flipRate;
  hb.push((await ours('heatbath', 'ort', 150)).rate);
}
const jsFields = (await ours('metropolis', 'js', 10, 5)).rate;
const median = (a: Rate[], key: keyof Rate): number =>
  a.map((x) => x[key]).sort((x, y) => x - y)[Math.floor(a.length / 2)];
const summary = (a: Rate[]): Rate => ({ wall: median(a, 'wall'), cpu: median(a, 'cpu') });
const refRate = summary(ref);
const metRate = summary(met);
const hbRate = summary(hb);

console.log(
  'spin updates per second (median of 3 interleaved rounds; per wall-clock second and per CPU second)',
);
const rows: [string, Rate][] = [
  ['reference: single-spin Metropolis, random site, dot-product field (T = 1.5)', refRate],
  ['parallel tempering, Metropolis, onnxruntime kernel', metRate],
  ['parallel tempering, heat bath, onnxruntime kernel', hbRate],
  ['parallel tempering, Metropolis, JavaScript kernel (one short run)', jsFields],
];
for (const [label, rate] of rows) {
  console.log(
    `  ${label.padEnd(76)} ${mega(rate.wall).padStart(11)} ${(rate.wall / refRate.wall).toFixed(1).padStart(6)}×` +
      `   CPU: ${mega(rate.cpu).padStart(11)} ${(rate.cpu / refRate.cpu).toFixed(1).padStart(6)}×`,
  );
}
console.log(
  `\n  goal ≥ ${mega(GOAL)} per core: Metropolis ${mega(metRate.wall)} per wall second (${metRate.wall >= GOAL ? 'met' : 'not met'}),` +
    ` ${mega(metRate.cpu)} per CPU second (${metRate.cpu >= GOAL ? 'met' : 'not met'}); ratio to the reference ${(metRate.wall / refRate.wall).toFixed(1)}×`,
);

console.log('\nlocal fields of all spins of all 64 copies, per evaluation');
const kernels = await fieldKernels();
const fastest = Math.min(...Object.values(kernels));
for (const [label, s] of Object.entries(kernels)) {
  const gflops = (4 * COPIES * chain.couplings) / s / 1e9;
  console.log(
    `  ${label.padEnd(34)} ${(s * 1e3).toFixed(2).padStart(8)} ms  ${gflops.toFixed(1).padStart(6)} GFLOP/s  ${(s / fastest).toFixed(1)}× the fastest`,
  );
}
const flip = incrementalFlipCost();
const incremental = flip.seconds * flipRate * COPIES * N;
console.log(
  `  incremental updates on flips        ${(incremental * 1e3).toFixed(2).padStart(8)} ms  at the measured mean flip rate ${flipRate.toFixed(3)} ` +
    `(${(flip.seconds * 1e9).toFixed(0)} ns per flip, mean degree ${flip.degree.toFixed(0)})`,
);

const results = {
  date: new Date().toISOString(),
  widths: WIDTHS,
  copies: COPIES,
  threads: 1,
  spinUpdatesPerSecond: {
    reference: refRate,
    metropolis: metRate,
    heatbath: hbRate,
    metropolisJsKernel: jsFields,
  },
  ratio: metRate.wall / refRate.wall,
  goal: GOAL,
  fieldSecondsPerEvaluation: { ...kernels, incrementalAtMeasuredFlipRate: incremental },
};
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'montecarlo.json'), JSON.stringify(results, null, 2) + '\n');
