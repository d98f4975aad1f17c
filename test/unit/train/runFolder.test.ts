import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src-main/core/train/config.ts';
import { carriedTensors } from '../../../src-main/core/train/graph.ts';
import {
  paths,
  readMetrics,
  readRunRecord,
  RunError,
  truncateMetrics,
} from '../../../src-main/core/train/runFolder.ts';
import { loadState, saveState } from '../../../src-main/core/train/state.ts';
import { writeNpzFile } from '../../../src-main/core/project/arrayFiles.ts';
import { thrownBy } from '../../helpers/errors.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'spinscope-run-'));

describe('run folder', () => {
  it('metrics: a torn last line (crash mid-append) is dropped; truncation keeps steps ≤ the resume point', () => {
    const dir = tmp();
    const f = paths(dir).metrics;
    writeFileSync(f, '');
    for (const step of [0, 50, 100, 150]) appendFileSync(f, JSON.stringify({ type: 'train', step }) + '\n');
    appendFileSync(f, '{"type":"checkpoint","st');
    expect(readMetrics(dir).map((r) => r.step)).toEqual([0, 50, 100, 150]);
    expect(truncateMetrics(dir, 100).map((r) => r.step)).toEqual([0, 50, 100]);
    expect(readMetrics(dir).map((r) => r.step)).toEqual([0, 50, 100]);
  });

  it('a damaged line in the middle of metrics.jsonl is an error, not silently skipped', () => {
    const dir = tmp();
    writeFileSync(paths(dir).metrics, '{"type":"train","step":1}\n{oops\n{"type":"train","step":2}\n');
    expect(() => readMetrics(dir)).toThrow(/line 2 is not valid JSON/);
  });

  it('run.json: missing, corrupt, invalid and newer-schema records are clear errors', () => {
    const dir = tmp();
    expect(thrownBy(() => readRunRecord(dir), RunError).message).toMatch(
      /is not a training run: it has no run\.json/,
    );
    writeFileSync(paths(dir).run, '{');
    expect(thrownBy(() => readRunRecord(dir), RunError).message).toMatch(/not valid JSON/);
    writeFileSync(paths(dir).run, JSON.stringify({ schema: 'spinscope.run/1', config: {} }));
    expect(thrownBy(() => readRunRecord(dir), RunError).message).toMatch(
      /not a valid run record: config\.arch/,
    );
    writeFileSync(paths(dir).run, JSON.stringify({ schema: 'spinscope.run/7' }));
    expect(thrownBy(() => readRunRecord(dir), RunError).message).toMatch(
      /newer Spinscope \(spinscope\.run\/7/,
    );
  });
});

describe('resume state', () => {
  const config = resolveConfig({ arch: [4, 3, 2], optimizer: 'adam', bias: true });
  const layout = carriedTensors(config);

  it('round-trips every carried tensor and counter exactly', () => {
    const file = join(tmp(), 'state.npz');
    const tensors = new Map(
      layout.map((t, i) => [
        t.name,
        Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, (_, j) => i + j / 7),
      ]),
    );
    const state = {
      step: 123,
      optimizerSteps: 123,
      interval: { loss: 1.25, correct: 17, examples: 40, steps: 2 },
      tensors,
    };
    saveState(file, state, layout);
    const back = loadState(file, layout, 'float32')!;
    expect(back.step).toBe(123);
    expect(back.optimizerSteps).toBe(123);
    expect(back.interval).toEqual(state.interval);
    for (const t of layout) expect(back.tensors.get(t.name)).toEqual(tensors.get(t.name));
    expect(loadState(join(tmp(), 'none.npz'), layout, 'float32')).toBeNull();
  });

  it('a state of another config or precision is refused with the reason', () => {
    const file = join(tmp(), 'state.npz');
    writeNpzFile(file, { step: { data: new Float64Array([1]), shape: [] } });
    expect(() => loadState(file, layout, 'float32')).toThrow(/optimizer_steps/);
    const other = carriedTensors(resolveConfig({ arch: [4, 5, 2], optimizer: 'adam', bias: true }));
    const tensors = new Map(other.map((t) => [t.name, new Float32Array(t.shape.reduce((a, b) => a * b, 1))]));
    saveState(
      file,
      { step: 1, optimizerSteps: 1, interval: { loss: 0, correct: 0, examples: 0, steps: 0 }, tensors },
      other,
    );
    expect(() => loadState(file, layout, 'float32')).toThrow(
      /'w1' is float32 \[4,5\], expected float32 \[4,3\]/,
    );
    writeFileSync(file, 'not a zip');
    expect(() => loadState(file, layout, 'float32')).toThrow(/state\.npz/);
  });
});
