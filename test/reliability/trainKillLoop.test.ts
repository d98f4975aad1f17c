/**
 * `spinscope train` killed with SIGKILL at random moments, over and over (issue 9, faults): a small
 * run (784-16-10 on 2000 images, 500 steps, 13 checkpoints, a resume point every 50 ms) is started,
 * killed at a random moment (seeded: the same choices every run, up to the machine's speed), and
 * continued with `--resume` (or started again with `--out` if the kill came before run.json
 * existed), until it has been killed at least KILLS times and then completes. After every kill the
 * run folder must be sound: run.json and metrics.jsonl read, every checkpoint present is byte-equal
 * to the uninterrupted run's, state.npz decodes. At the end the checkpoints, metrics.jsonl and the
 * final weights equal the uninterrupted run's bit for bit. A run that completes before enough kills
 * landed is checked the same way and a new one started.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAtomicTempName } from '../../src-main/core/project/atomic.ts';
import { readNpzFile } from '../../src-main/core/project/arrayFiles.ts';
import { readMetrics, readRunRecord } from '../../src-main/core/train/runFolder.ts';
import { Random } from '../../src-main/core/util/random.ts';
import { finished, spawnSpinscope, spinscope } from '../helpers/cli.ts';
import { Tally } from './outcomes.ts';

const KILLS = 20;
const SEED = 90_400;
const ARGS = [
  ...['--arch', '784-16-10', '--activation', 'tanh', '--optimizer', 'adam', '--bias', '--seed', '5'],
  ...['--train-limit', '2000', '--test-limit', '200', '--batch-size', '20', '--epochs', '5'],
  ...['--checkpoints', '12', '--save-every', '0.05'],
];

const base = mkdtempSync(join(tmpdir(), 'spinscope-killloop-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const bytes = (x: ArrayBufferView): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/** What is wrong with the run folder `dir` after a kill (empty when it is sound). */
function damage(dir: string, straight: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  const names = readdirSync(dir).filter((n) => !isAtomicTempName(n));
  if (!existsSync(join(dir, 'run.json'))) {
    // Killed before run.json was written: nothing else may be there, or `--out` could not start again.
    if (names.length > 0) out.push(`no run.json, but ${names.join(', ')}`);
    return out;
  }
  try {
    readRunRecord(dir);
  } catch (e) {
    out.push((e as Error).message);
  }
  try {
    readMetrics(dir);
  } catch (e) {
    out.push((e as Error).message);
  }
  const ck = join(dir, 'checkpoints');
  for (const f of existsSync(ck) ? readdirSync(ck).filter((n) => !isAtomicTempName(n)) : []) {
    if (!readFileSync(join(ck, f)).equals(readFileSync(join(straight, 'checkpoints', f)))) {
      out.push(`checkpoints/${f} differs from the uninterrupted run's`);
    }
  }
  if (existsSync(join(dir, 'state.npz'))) {
    try {
      readNpzFile(join(dir, 'state.npz'));
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  return out;
}

/** What differs between a completed run folder and the uninterrupted one. */
function differences(dir: string, straight: string): string[] {
  const out: string[] = [];
  const files = (d: string): string[] => readdirSync(join(d, 'checkpoints')).sort();
  if (files(dir).join() !== files(straight).join()) out.push('not the same checkpoint files');
  for (const f of files(straight)) {
    const a = join(dir, 'checkpoints', f);
    if (!existsSync(a) || !readFileSync(a).equals(readFileSync(join(straight, 'checkpoints', f)))) {
      out.push(`checkpoints/${f} differs`);
    }
  }
  if (
    readFileSync(join(dir, 'metrics.jsonl'), 'utf8') !== readFileSync(join(straight, 'metrics.jsonl'), 'utf8')
  ) {
    out.push('metrics.jsonl differs');
  }
  const a = readNpzFile(join(straight, 'state.npz'));
  const b = readNpzFile(join(dir, 'state.npz'));
  for (const k of Object.keys(a))
    if (!b[k] || !bytes(b[k].data).equals(bytes(a[k].data))) out.push(`state.npz ${k} differs`);
  if (readRunRecord(dir).status !== 'completed') out.push('run.json does not say completed');
  return out;
}

describe('training under repeated SIGKILL', () => {
  it(`a run killed ${KILLS} times at random moments and resumed each time ends bit-identical to an uninterrupted one`, async () => {
    const tally = new Tally('training killed with SIGKILL', 'faults');
    const straight = join(base, 'straight');
    const t0 = performance.now();
    const ref = await spinscope('train', ...ARGS, '--out', straight, '--json');
    expect(ref.code, ref.stderr).toBe(0);
    const refMs = performance.now() - t0;
    const trainMs = 1000 * (JSON.parse(ref.stdout) as { trainSeconds: number }).trainSeconds;
    const startupMs = Math.max(200, refMs - trainMs);

    const rng = new Random(SEED);
    let kills = 0;
    let folders = 0;
    let dir = join(base, `killed-${folders}`);
    let resumes = 0;
    let midRun = 0;
    const problems: string[] = [];
    for (let attempt = 0; attempt < 200; attempt++) {
      const args = existsSync(join(dir, 'run.json')) ? ['--resume', dir] : [...ARGS, '--out', dir];
      if (args[0] === '--resume') resumes++;
      const child = spawnSpinscope('train', ...args, '--json');
      const done = finished(child);
      const stepBefore = existsSync(join(dir, 'run.json')) ? readRunRecord(dir).step : -1;
      // A quarter of the kills land at a random moment of start-up (loading code, data, the run
      // folder); the rest at a random moment within a quarter of the training time (≤ 300 ms) after
      // this attempt first moved the resume point — mid-training whatever the machine's load (a fixed
      // delay would mostly hit start-up on a busy machine, or come after the end on a fast one).
      const inStartup = rng.uniform() < 0.25;
      const delay = inStartup ? rng.uniform() * startupMs : rng.uniform() * Math.min(300, 0.25 * trainMs);
      const kill = (): void => void child.kill('SIGKILL');
      let timer: NodeJS.Timeout | undefined;
      let poll: NodeJS.Timeout | undefined;
      if (kills < KILLS && inStartup) timer = setTimeout(kill, delay);
      else if (kills < KILLS) {
        poll = setInterval(() => {
          if (existsSync(join(dir, 'run.json')) && readRunRecord(dir).step > stepBefore) {
            clearInterval(poll);
            timer = setTimeout(kill, delay);
          }
        }, 10);
      }
      const end = await done;
      clearInterval(poll);
      clearTimeout(timer);
      if (end.signal === 'SIGKILL') {
        kills++;
        const d = damage(dir, straight);
        // A kill "mid-training": the resume point moved during this attempt.
        if (d.length === 0 && existsSync(join(dir, 'run.json')) && readRunRecord(dir).step > stepBefore)
          midRun++;
        if (d.length) {
          tally.add('lostData', `kill ${kills} after ${delay.toFixed(0)} ms: ${d.join('; ')}`);
          problems.push(...d);
        } else {
          tally.add('valid');
        }
        continue;
      }
      // The run ended by itself: completed, and equal to the uninterrupted one.
      if (end.code !== 0) {
        problems.push(`attempt ${attempt} (${args.join(' ')}) exited ${end.code}: ${end.stderr.trim()}`);
        tally.add('crash', problems[problems.length - 1]);
        break;
      }
      const diff = differences(dir, straight);
      if (diff.length) {
        problems.push(...diff);
        tally.add('lostData', `completed run ${folders}: ${diff.join('; ')}`);
      }
      if (kills >= KILLS) break;
      dir = join(base, `killed-${++folders}`); // completed before enough kills: another run
    }
    const ms = performance.now() - t0;
    tally.save(`${midRun} mid-training, ${resumes} resumes, ${(ms / 1000).toFixed(0)} s`);
    console.log(
      `SIGKILL loop: ${kills} kills (${midRun} after the resume point had moved) over ${folders + 1} run(s), ` +
        `${resumes} resumes; uninterrupted run ${(refMs / 1000).toFixed(1)} s (training ${(trainMs / 1000).toFixed(1)} s), ` +
        `whole loop ${(ms / 1000).toFixed(1)} s`,
    );
    expect(problems).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(resumes).toBeGreaterThan(0);
    // No temporary files accumulate: a resume removes those its killed predecessors left.
    const litter = readdirSync(dir).filter(isAtomicTempName);
    expect(litter).toEqual([]);
  }, 240_000);
});
