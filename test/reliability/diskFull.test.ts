/**
 * A full disk (issue 9, faults): ENOSPC injected at the file-system layer (node:fs and
 * node:fs/promises mocked for this file only) while Spinscope writes a project manifest, a training
 * run's files (run.json, checkpoints, state.npz, metrics.jsonl) and analysis results. Once the disk
 * "fills", every later write fails, as on a real full disk. Expected each time: the operation fails
 * with an error that says the disk is full and what to do; every file written before is intact
 * (byte-equal, or a whole newer version); and once space is back, the operation completes — a
 * resumed run bit-identical to an uninterrupted one.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAtomicTempName, writeJsonAtomicAsync } from '../../src-main/core/project/atomic.ts';
import { readNpyFile, readNpzFile, writeNpyFile } from '../../src-main/core/project/arrayFiles.ts';
import { createProject, renameProject } from '../../src-main/core/project/project.ts';
import { resolveConfig } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { readMetrics, readRunRecord } from '../../src-main/core/train/runFolder.ts';
import { CancelledError } from '../../src-main/core/util/cancel.ts';
import { Tally } from './outcomes.ts';

/** The fault switch: `writesLeft` writes succeed, then every write fails with ENOSPC. */
const disk = vi.hoisted(() => ({ writesLeft: Infinity, writes: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const full = (syscall: string): void => {
    disk.writes++;
    if (disk.writesLeft-- > 0) return;
    throw Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), {
      code: 'ENOSPC',
      errno: -28,
      syscall,
    });
  };
  const wrapped = {
    ...fs,
    writeSync: ((...a: Parameters<typeof fs.writeSync>) => {
      full('write');
      return fs.writeSync(...a);
    }) as typeof fs.writeSync,
    appendFileSync: ((...a: Parameters<typeof fs.appendFileSync>) => {
      full('write');
      return fs.appendFileSync(...a);
    }) as typeof fs.appendFileSync,
    writeFileSync: ((...a: Parameters<typeof fs.writeFileSync>) => {
      full('write');
      return fs.writeFileSync(...a);
    }) as typeof fs.writeFileSync,
  };
  return { ...wrapped, default: wrapped };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...a: Parameters<typeof fsp.open>) => {
    const handle = await fsp.open(...a);
    return new Proxy(handle, {
      get(target, prop) {
        if (prop === 'writeFile' || prop === 'write') {
          return async (...args: unknown[]) => {
            disk.writes++;
            if (disk.writesLeft-- <= 0) {
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
                code: 'ENOSPC',
                syscall: 'write',
              });
            }
            return (target[prop] as (...x: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = (target as unknown as Record<string | symbol, unknown>)[prop];
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
  const wrapped = { ...fsp, open };
  return { ...wrapped, default: wrapped };
});

const tmp = mkdtempSync(join(tmpdir(), 'spinscope-diskfull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DISK_FULL =
  /the disk is full: free some space on it, or move the project to a disk with room, then try again/;

/** Runs `f` with the disk filling after `writesLeft` writes; returns what it threw (null if nothing). */
async function withFullDisk(writesLeft: number, f: () => unknown): Promise<unknown> {
  disk.writesLeft = writesLeft;
  try {
    await f();
    return null;
  } catch (e) {
    return e;
  } finally {
    disk.writesLeft = Infinity;
  }
}

/** The error chain's messages (a training failure may wrap the write's error). */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let x = e; x instanceof Error; x = x.cause) out.push(x.message);
  return out.join(' <- ');
}

const small = { arch: [784, 8, 10], activation: 'tanh' as const, optimizer: 'adam' as const, bias: true };
const config = resolveConfig({
  ...small,
  epochs: 2,
  trainLimit: 400,
  testLimit: 100,
  batchSize: 20,
  checkpoints: 8,
});

let straight: string;
let cancelled: string;

beforeAll(async () => {
  straight = join(tmp, 'straight');
  await trainRun({ dir: straight, config });
  cancelled = join(tmp, 'cancelled');
  const stop = new AbortController();
  await trainRun({ dir: cancelled, config }, { signal: stop.signal, log: () => stop.abort() }).catch(
    (e: unknown) => {
      if (!(e instanceof CancelledError)) throw e;
    },
  );
});

/** What is damaged in a run folder after a failed write: empty when every file is whole. */
function damage(dir: string): string[] {
  const out: string[] = [];
  const guard = (what: string, f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      out.push(`${what}: ${(e as Error).message}`);
    }
  };
  guard('run.json', () => readRunRecord(dir));
  guard('metrics.jsonl', () => readMetrics(dir));
  guard('state.npz', () => readNpzFile(join(dir, 'state.npz')));
  for (const f of readdirSync(join(dir, 'checkpoints'))) {
    if (isAtomicTempName(f)) {
      out.push(`checkpoints/${f}: a temporary file was left`);
    } else if (
      !readFileSync(join(dir, 'checkpoints', f)).equals(readFileSync(join(straight, 'checkpoints', f)))
    ) {
      out.push(`checkpoints/${f} differs from the uninterrupted run's`);
    }
  }
  const litter = readdirSync(dir).filter(isAtomicTempName);
  if (litter.length) out.push(`temporary files left: ${litter.join(', ')}`);
  return out;
}

function sameRun(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(straight, 'checkpoints'))) {
    const p = join(dir, 'checkpoints', f);
    if (!existsSync(p) || !readFileSync(p).equals(readFileSync(join(straight, 'checkpoints', f))))
      out.push(`${f} differs`);
  }
  if (
    readFileSync(join(dir, 'metrics.jsonl'), 'utf8') !== readFileSync(join(straight, 'metrics.jsonl'), 'utf8')
  ) {
    out.push('metrics.jsonl differs');
  }
  const a = readNpzFile(join(straight, 'state.npz'));
  const b = readNpzFile(join(dir, 'state.npz'));
  for (const k of Object.keys(a)) {
    if (!Buffer.from(a[k].data.buffer).equals(Buffer.from(b[k]!.data.buffer)))
      out.push(`state.npz ${k} differs`);
  }
  return out;
}

describe('a full disk', () => {
  it('renaming a project: the manifest stays as it was and the error says the disk is full', async () => {
    const tally = new Tally('disk full (ENOSPC): manifest', 'faults');
    const dir = join(tmp, 'project');
    createProject(dir, 'Before');
    const before = readFileSync(join(dir, 'spinscope.json'));
    const e = await withFullDisk(0, () => renameProject(dir, 'After'));
    const intact = readFileSync(join(dir, 'spinscope.json')).equals(before);
    const litter = readdirSync(dir).filter(isAtomicTempName);
    if (!intact || litter.length) tally.add('lostData', `manifest changed or litter: ${litter.join(', ')}`);
    else if (!DISK_FULL.test(messages(e))) tally.add('crash', `unclear error: ${messages(e)}`);
    else tally.add('clearError');
    expect(renameProject(dir, 'After').name).toBe('After');
    tally.save();
    expect(tally.failures).toEqual([]);
  });

  it('training: the disk fills at each write of a resumed run; the run folder stays whole and a later resume ends bit-identical', async () => {
    const tally = new Tally('disk full (ENOSPC): training run', 'faults');
    // How many writes a resume makes when the disk has room.
    const probe = join(tmp, 'probe');
    cpSync(cancelled, probe, { recursive: true });
    disk.writes = 0;
    await trainRun({ dir: probe, resume: true });
    const writes = disk.writes;
    expect(writes).toBeGreaterThan(20);
    // The disk fills after k writes, for 8 values of k spread over the whole resume.
    const points = [...new Set(Array.from({ length: 8 }, (_, i) => Math.floor((i * writes) / 8)))];
    for (const k of points) {
      const dir = join(tmp, `full-${k}`);
      cpSync(cancelled, dir, { recursive: true });
      const e = await withFullDisk(k, () => trainRun({ dir, resume: true }));
      const d = damage(dir);
      if (d.length) {
        tally.add('lostData', `disk full after ${k} writes: ${d.join('; ')}`);
        continue;
      }
      if (e === null || !DISK_FULL.test(messages(e))) {
        tally.add('crash', `disk full after ${k} writes: ${e === null ? 'no error' : messages(e)}`);
        continue;
      }
      // Space is back: the resume completes, equal to the uninterrupted run.
      await trainRun({ dir, resume: true });
      const diff = sameRun(dir);
      if (diff.length) tally.add('lostData', `after disk full at ${k}, then resume: ${diff.join('; ')}`);
      else tally.add('clearError');
    }
    tally.save(`${writes} writes per resume`);
    expect(tally.failures).toEqual([]);
  });

  it('analyses: an array and a JSON report keep their previous version', async () => {
    const tally = new Tally('disk full (ENOSPC): analyses', 'faults');
    const dir = join(tmp, 'analyses');
    cpSync(join(tmp, 'project'), dir, { recursive: true });
    const curve = join(dir, 'curve.npy');
    writeNpyFile(curve, { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] });
    const report = join(dir, 'report.json');
    await writeJsonAtomicAsync(report, { tc: 1.25 });
    const cases: [string, () => unknown, () => boolean][] = [
      [
        'curve.npy',
        () => writeNpyFile(curve, { data: new Float64Array(1000).fill(7), shape: [500, 2] }),
        () => Array.from(readNpyFile(curve).data as Float64Array).join() === '1,2,3,4',
      ],
      [
        'report.json (async write)',
        () => writeJsonAtomicAsync(report, { tc: 9.99 }),
        () => readFileSync(report, 'utf8') === '{\n  "tc": 1.25\n}\n',
      ],
    ];
    for (const [what, write, intact] of cases) {
      const e = await withFullDisk(0, write);
      const litter = readdirSync(dir).filter(isAtomicTempName);
      if (!intact() || litter.length)
        tally.add('lostData', `${what}: changed, or litter ${litter.join(', ')}`);
      else if (!DISK_FULL.test(messages(e))) tally.add('crash', `${what}: unclear error: ${messages(e)}`);
      else tally.add('clearError');
    }
    tally.save();
    expect(tally.failures).toEqual([]);
  });
});
