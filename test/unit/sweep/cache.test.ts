/**
 * The sweep's cache (core/sweep/cache.ts): what is on disk, and that a re-run computes only what is
 * missing or stale — a new checkpoint, a changed file, other settings, another Spinscope version —
 * while a file that was only touched (or copied) is still a hit.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOnnxModel } from '../../../src-main/core/onnx/writer.ts';
import { readNpyFile } from '../../../src-main/core/project/arrayFiles.ts';
import { inProcessAnalyzer, type CheckpointAnalyzer } from '../../../src-main/core/sweep/analyzers.ts';
import { CHECKPOINT_CACHE_SCHEMA, SweepCache } from '../../../src-main/core/sweep/cache.ts';
import type { SweepReport } from '../../../src-main/core/sweep/report.ts';
import { sweep, type SweepOptions } from '../../../src-main/core/sweep/sweep.ts';
import { VERSION } from '../../../src-main/core/util/version.ts';
import { networkAt, STEPS, tmp, writeCheckpoints } from './helpers.ts';

/** The in-process analyzer, recording which models it was asked for. */
function counting(): { analyzer: CheckpointAnalyzer; asked: string[] } {
  const asked: string[] = [];
  const inner = inProcessAnalyzer();
  return {
    asked,
    analyzer: (request, callbacks) => {
      asked.push(...request.models.map((m) => m.split('/').pop()!));
      return inner(request, callbacks);
    },
  };
}

async function run(folder: string, opts: Partial<SweepOptions> = {}) {
  const c = counting();
  const logs: string[] = [];
  const outcome = await sweep([folder], { analyzer: c.analyzer, log: (l) => logs.push(l), ...opts });
  return { ...outcome, asked: c.asked, logs, json: JSON.stringify(outcome.report) };
}

describe('sweep cache', () => {
  it('a folder outside a project caches into <folder>/analyses/sweep: JSON entries, float64 curves, sweep.json', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const first = await run(folder);
    expect(first.stats).toMatchObject({ checkpoints: 8, cached: 0, computed: 8, stale: 0, failed: 0 });
    const dir = join(folder, 'analyses', 'sweep');
    expect(readdirSync(dir).sort()).toEqual(
      [
        ...STEPS.flatMap((s) => [
          `step-${String(s).padStart(6, '0')}.json`,
          `step-${String(s).padStart(6, '0')}.curve.npy`,
        ]),
        'sweep.json',
      ].sort(),
    );
    const entry = JSON.parse(readFileSync(join(dir, 'step-001000.json'), 'utf8'));
    expect(entry.schema).toBe(CHECKPOINT_CACHE_SCHEMA);
    expect(entry.step).toBe(1000);
    expect(entry.key).toMatchObject({
      file: 'step-001000.onnx',
      size: statSync(join(folder, 'step-001000.onnx')).size,
      settings: { tMin: null, epsilon: 0, spectrumCount: 10 },
      spinscope: VERSION,
    });
    expect(entry.key.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.report.schema).toBe('spinscope.analysis/1');
    expect(entry.report.tap.curve).toBeUndefined();
    // The curve as NumPy reads it: [points, 2], columns T and λ_min, the points of the report.
    const curve = readNpyFile(join(dir, entry.curve.file));
    expect(curve.dtype).toBe('float64');
    expect(curve.shape).toEqual([entry.curve.points, 2]);
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'))).toEqual(JSON.parse(first.json));
    const withCurves = await sweep([folder], { analyzer: inProcessAnalyzer(), curves: true });
    const last = (withCurves.report as SweepReport).checkpoints.at(-1)!;
    expect(Array.from(curve.data as Float64Array).filter((_, i) => i % 2 === 0)).toEqual(last.curve!.T);
    expect(Array.from(curve.data as Float64Array).filter((_, i) => i % 2 === 1)).toEqual(last.curve!.lambda);
    // sweep.json leaves the curves to the .npy files.
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'))).toEqual(JSON.parse(first.json));
  });

  it('a second sweep is answered from the cache alone and prints the same report', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const first = await run(folder);
    const second = await run(folder);
    expect(second.asked).toEqual([]);
    expect(second.stats).toMatchObject({ cached: 8, computed: 0 });
    expect(second.json).toBe(first.json);
  });

  it('only the new checkpoint is analysed; a changed checkpoint is stale and recomputed', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, STEPS.slice(0, -1));
    await run(folder);
    writeCheckpoints(folder, [1000]);
    const added = await run(folder);
    expect(added.asked).toEqual(['step-001000.onnx']);
    expect(added.stats).toMatchObject({ cached: 7, computed: 1, stale: 0 });

    writeFileSync(join(folder, 'step-000300.onnx'), writeOnnxModel(networkAt(300, 5)));
    const changed = await run(folder);
    expect(changed.asked).toEqual(['step-000300.onnx']);
    expect(changed.stats).toMatchObject({ cached: 7, computed: 1, stale: 1 });
    expect(changed.logs.join('\n')).toMatch(
      /step-000300\.onnx: the cached analysis is out of date \(the checkpoint has changed/,
    );
  });

  it('a touched or copied file (new time, same bytes) is still a hit, found by its SHA-256', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder);
    const first = await run(folder);
    const file = join(folder, 'step-000010.onnx');
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const touched = await run(folder);
    expect(touched.asked).toEqual([]);
    expect(touched.json).toBe(first.json);
    // The entry now holds the new time, so the next lookup needs no hash.
    const entry = JSON.parse(readFileSync(join(folder, 'analyses/sweep/step-000010.json'), 'utf8'));
    expect(entry.key.mtimeMs).toBe(statSync(file).mtimeMs);
  });

  it('other analysis settings or another Spinscope version make every entry stale', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, [0, 10, 100]);
    await run(folder);
    const epsilon = await run(folder, { settings: { epsilon: 0.01 } });
    expect(epsilon.stats).toMatchObject({ stale: 3, computed: 3 });
    expect(epsilon.logs[0]).toMatch(/other analysis settings/);
    const again = await run(folder, { settings: { epsilon: 0.01 } });
    expect(again.stats.computed).toBe(0);
    const version = await run(folder, { settings: { epsilon: 0.01 }, version: '99.0.0' });
    expect(version.stats).toMatchObject({ stale: 3, computed: 3 });
    expect(version.logs[0]).toMatch(
      new RegExp(`computed by Spinscope ${VERSION.replace(/\./g, '\\.')}, this is 99\\.0\\.0`),
    );
  });

  it('a damaged entry or a missing curve is stale, never an error', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, [0, 10, 100]);
    const first = await run(folder);
    writeFileSync(join(folder, 'analyses/sweep/step-000000.json'), '{"schema": "spinscope.sweep-checkp');
    rmSync(join(folder, 'analyses/sweep/step-000010.curve.npy'));
    const repaired = await run(folder);
    expect(repaired.asked.sort()).toEqual(['step-000000.onnx', 'step-000010.onnx']);
    expect(repaired.stats.stale).toBe(2);
    expect(repaired.json).toBe(first.json);
  });

  it("'refresh' recomputes everything; 'off' neither reads nor writes", async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, [0, 10, 100]);
    const off = await run(folder, { cache: 'off' });
    expect(existsSync(join(folder, 'analyses'))).toBe(false);
    await run(folder);
    const refresh = await run(folder, { cache: 'refresh' });
    expect(refresh.stats).toMatchObject({ cached: 0, computed: 3 });
    expect(refresh.json).toBe(off.json);
    expect((await run(folder, { cache: 'off' })).stats.computed).toBe(3);
  });

  it('a cache that cannot be written is reported once; the sweep goes on', async () => {
    const folder = join(tmp(), 'ckpts');
    writeCheckpoints(folder, [0, 10, 100]);
    writeFileSync(join(folder, 'analyses'), 'a file where the cache folder would go');
    const r = await run(folder);
    expect(r.stats).toMatchObject({ computed: 3, failed: 0 });
    expect(r.logs.filter((l) => l.startsWith('analyses are not cached'))).toHaveLength(1);
  });

  it('SweepCache.lookup: miss without an entry, hit with the report and its curve', async () => {
    const folder = join(tmp(), 'ckpts');
    const [path] = writeCheckpoints(folder, [10]);
    const dir = join(folder, 'cache');
    mkdirSync(dir);
    const cache = new SweepCache(dir);
    const settings = { tMin: null, epsilon: 0, spectrumCount: 10 };
    expect(cache.lookup(10, path, settings)).toEqual({ status: 'miss' });
    await run(folder);
    const store = new SweepCache(join(folder, 'analyses/sweep'));
    const hit = store.lookup(10, path, settings);
    expect(hit.status).toBe('hit');
    if (hit.status === 'hit') expect(hit.report.tap.curve.T.length).toBeGreaterThan(5);
    expect(store.lookup(10, path, { ...settings, tMin: 0.5 })).toEqual({
      status: 'stale',
      reason: 'computed with other analysis settings',
    });
  });
});
