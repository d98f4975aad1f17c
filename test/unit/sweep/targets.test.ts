/**
 * What `spinscope sweep` can be pointed at (core/sweep/targets.ts): a run folder, its checkpoints/,
 * a folder of step-*.onnx files, a project; where each caches; and the errors for everything else.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../../src-main/core/project/project.ts';
import { resolveTargets, SweepError } from '../../../src-main/core/sweep/targets.ts';
import { tmp, writeCheckpoints, writeRun } from './helpers.ts';

describe('sweep targets', () => {
  it('a run folder: its checkpoints by step with epoch and logged accuracy, cached in RUN_DIR/analyses/sweep', () => {
    const dir = join(tmp(), 'relu-0');
    const config = writeRun(dir, { steps: [0, 5, 50, 500] });
    const r = resolveTargets([dir]);
    expect(r.mode).toBe('single');
    expect(r.project).toBeNull();
    const [t] = r.targets;
    expect(t).toMatchObject({
      id: 'relu-0',
      dir,
      kind: 'run',
      config,
      cacheDir: join(dir, 'analyses/sweep'),
      notes: [],
    });
    expect(t.checkpoints.map((c) => [c.step, c.file, c.epoch, c.testAccuracy])).toEqual([
      [0, 'checkpoints/step-000000.onnx', 0, 0],
      [5, 'checkpoints/step-000005.onnx', 0.05, 5 / 15],
      [50, 'checkpoints/step-000050.onnx', 0.5, 50 / 60],
      [500, 'checkpoints/step-000500.onnx', 5, 500 / 510],
    ]);
    // Its checkpoints/ folder means the run.
    expect(resolveTargets([join(dir, 'checkpoints')]).targets[0]).toEqual(t);
  });

  it('a folder of step-*.onnx files (contract 5) without run.json; other files are ignored', () => {
    const dir = join(tmp(), 'exported');
    writeCheckpoints(dir, [0, 7, 70]);
    writeFileSync(join(dir, 'notes.txt'), 'not a checkpoint');
    writeFileSync(join(dir, 'model.onnx'), 'not named step-*');
    const [t] = resolveTargets([dir]).targets;
    expect(t).toMatchObject({ kind: 'folder', config: null, cacheDir: join(dir, 'analyses/sweep') });
    expect(t.checkpoints.map((c) => [c.step, c.file, c.epoch])).toEqual([
      [0, 'step-000000.onnx', null],
      [7, 'step-000007.onnx', null],
      [70, 'step-000070.onnx', null],
    ]);
  });

  it('a project: every run with checkpoints, cached in PROJECT/analyses/sweep-<run id>; a run of it given alone caches there too', () => {
    const root = join(tmp(), 'project');
    createProject(root);
    writeRun(join(root, 'runs/relu-0'), { seed: 0 });
    writeRun(join(root, 'runs/relu-1'), { seed: 1 });
    mkdirSync(join(root, 'runs/empty'));
    const r = resolveTargets([root]);
    expect(r.mode).toBe('set');
    expect(r.project).toBe(root);
    expect(r.targets.map((t) => [t.id, t.cacheDir])).toEqual([
      ['relu-0', join(root, 'analyses/sweep-relu-0')],
      ['relu-1', join(root, 'analyses/sweep-relu-1')],
    ]);
    expect(r.notes.join('\n')).toMatch(/empty/);
    const alone = resolveTargets([join(root, 'runs/relu-1')]);
    expect(alone.mode).toBe('single');
    expect(alone.targets[0].cacheDir).toBe(join(root, 'analyses/sweep-relu-1'));
    // Two runs of the project given by hand: a set.
    expect(resolveTargets([join(root, 'runs/relu-0'), join(root, 'runs/relu-1')])).toMatchObject({
      mode: 'set',
      project: root,
    });
  });

  it('a logged checkpoint whose file is gone, or an unreadable run.json, is a note; the rest is swept', () => {
    const dir = join(tmp(), 'run');
    writeRun(dir, { steps: [0, 5, 50] });
    rmSync(join(dir, 'checkpoints/step-000005.onnx'));
    writeFileSync(join(dir, 'run.json'), '{ torn');
    const [t] = resolveTargets([dir]).targets;
    expect(t.checkpoints.map((c) => c.step)).toEqual([0, 50]);
    expect(t.config).toBeNull();
    expect(t.notes.join('\n')).toMatch(/run\.json is not valid JSON/);
    expect(t.notes.join('\n')).toMatch(/step 5 is logged but its file is missing/);
  });

  it('errors say what was expected', () => {
    const base = tmp();
    const err = (paths: string[]): string => {
      try {
        resolveTargets(paths);
      } catch (e) {
        expect(e).toBeInstanceOf(SweepError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err([join(base, 'nowhere')])).toBe(`${join(base, 'nowhere')} does not exist`);
    writeFileSync(join(base, 'file.onnx'), 'x');
    expect(err([join(base, 'file.onnx')])).toMatch(
      /is a file: give the folder holding the step-\*\.onnx checkpoints/,
    );
    mkdirSync(join(base, 'empty'));
    expect(err([join(base, 'empty')])).toMatch(/empty holds no step-\*\.onnx checkpoints/);
    const root = join(base, 'project');
    createProject(root);
    expect(err([root])).toMatch(/has no run with checkpoints: train one first/);
    writeRun(join(root, 'runs/a'));
    expect(err([root, join(root, 'runs/a')])).toMatch(/is a project: sweep it alone/);
    expect(err([join(root, 'runs/a'), join(root, 'runs/a/checkpoints')])).toMatch(/is given twice/);
  });
});
