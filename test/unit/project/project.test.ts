/**
 * The project folder (architecture.md, contract 3): create, open, rename; a manifest that is
 * missing, corrupt or from a newer Spinscope; run folders written by the real trainer, listed with
 * their checkpoints; damaged runs reported as problems without hiding the others; deleting runs
 * without ever following a link out of the project.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createProject,
  deleteRun,
  listRuns,
  newRunId,
  openProject,
  PROJECT_SCHEMA,
  ProjectError,
  renameProject,
  runDir,
  type RunSummary,
} from '../../../src-main/core/project/project.ts';
import { resolveConfig } from '../../../src-main/core/train/config.ts';
import { trainRun, type TrainSummary } from '../../../src-main/core/train/run.ts';
import { readMetrics, type CheckpointRecord } from '../../../src-main/core/train/runFolder.ts';
import { VERSION } from '../../../src-main/core/util/version.ts';
import { thrownBy } from '../../helpers/errors.ts';
import { snapshot, tempRoot } from './helpers.ts';

const fresh = tempRoot('spinscope-project-');

describe('creating, opening and renaming a project', () => {
  it('createProject writes a schema-versioned manifest and the standard folders; the name defaults to the folder', () => {
    const dir = join(fresh(), 'Ising Lab');
    const info = createProject(dir);
    expect(info.dir).toBe(dir);
    expect(info.name).toBe('Ising Lab');
    expect(readdirSync(dir).sort()).toEqual([
      'analyses',
      'figures',
      'logs',
      'models',
      'runs',
      'spinscope.json',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'spinscope.json'), 'utf8'));
    expect(manifest).toEqual({
      schema: 'spinscope.project/1',
      name: 'Ising Lab',
      created: manifest.created,
      updated: manifest.created,
      spinscopeVersion: VERSION,
    });
    expect(Date.parse(manifest.created)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(info).toMatchObject({ runs: [], models: [], problems: [] });
    expect(openProject(dir).manifest).toEqual(manifest);
  });

  it('createProject takes an explicit name, and an existing empty folder, but refuses a non-empty one or a project', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, '.DS_Store'), ''); // a file manager's, not the user's data
    expect(createProject(dir, '  Glass → order  ').name).toBe('Glass → order');
    expect(thrownBy(() => createProject(dir), ProjectError).message).toMatch(
      /already a Spinscope project: open it/,
    );
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const err = thrownBy(() => createProject(other), ProjectError);
    expect(err.message).toMatch(
      /is not empty \(1 entries, e\.g\. notes\.txt\): choose a new or empty folder/,
    );
    expect(readdirSync(other)).toEqual(['notes.txt']);
    expect(thrownBy(() => createProject(fresh(), ' '), ProjectError).message).toMatch(/the name is empty/);
  });

  it('renameProject changes the manifest name and updated time, not the folder; a bad name changes nothing', async () => {
    const dir = fresh();
    const before = createProject(dir, 'old').manifest;
    await new Promise((r) => setTimeout(r, 5));
    const after = renameProject(dir, 'new name');
    expect(after).toMatchObject({ name: 'new name', created: before.created, schema: PROJECT_SCHEMA });
    expect(Date.parse(after.updated)).toBeGreaterThan(Date.parse(before.updated));
    expect(openProject(dir).name).toBe('new name');
    expect(existsSync(dir)).toBe(true);
    const saved = readFileSync(join(dir, 'spinscope.json'), 'utf8');
    thrownBy(() => renameProject(dir, 'bad\u0007name'), ProjectError);
    expect(readFileSync(join(dir, 'spinscope.json'), 'utf8')).toBe(saved);
  });

  it('a folder without spinscope.json is not a project; a missing folder says so', () => {
    const dir = fresh();
    mkdirSync(dir);
    expect(thrownBy(() => openProject(dir), ProjectError).message).toMatch(
      /is not a Spinscope project: it has no spinscope\.json/,
    );
    expect(thrownBy(() => openProject(join(dir, 'nope')), ProjectError).message).toMatch(/does not exist/);
  });

  it('a manifest from a newer Spinscope is refused with "update Spinscope", and left as it is', () => {
    const dir = fresh();
    createProject(dir);
    const file = join(dir, 'spinscope.json');
    const newer = { schema: 'spinscope.project/2', name: 'x', spinscopeVersion: '9.1.0', layout: 'new' };
    writeFileSync(file, JSON.stringify(newer));
    for (const op of [() => openProject(dir), () => renameProject(dir, 'y'), () => listRuns(dir)]) {
      const err = thrownBy(op, ProjectError);
      expect(err.message).toContain('was written by a newer Spinscope (Spinscope 9.1.0, spinscope.project/2');
      expect(err.message).toContain('update Spinscope');
      expect(err.path).toBe(file);
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(newer);
  });

  it('a corrupt manifest names the file, says nothing else was touched and how to recover — and nothing is', () => {
    const dir = fresh();
    createProject(dir);
    mkdirSync(join(dir, 'runs', 'a'));
    writeFileSync(join(dir, 'runs', 'a', 'run.json'), '{"precious": true}');
    const file = join(dir, 'spinscope.json');
    for (const text of [
      '{"schema": "spinscope.project/1", "na',
      '{"schema":"spinscope.project/1","name":7}',
    ]) {
      writeFileSync(file, text);
      const before = snapshot(dir);
      const err = thrownBy(() => openProject(dir), ProjectError);
      expect(err.path).toBe(file);
      expect(err.message).toContain(`${file} is corrupt`);
      expect(err.message).toContain(`Nothing else in ${dir} was read or changed`);
      expect(err.message).toMatch(
        /restore spinscope\.json from a backup, or create a new project in a new folder and move/,
      );
      thrownBy(() => renameProject(dir, 'fixed?'), ProjectError);
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

describe('run ids', () => {
  it('newRunId makes a lowercase [a-z0-9-] name from the base, unique under runs/', () => {
    const dir = fresh();
    createProject(dir);
    expect(newRunId(dir, 'ReLU 784/512/10 (Adam)')).toBe('relu-784-512-10-adam');
    expect(newRunId(dir, '../../etc')).toBe('etc');
    expect(newRunId(dir, '…')).toBe('run');
    mkdirSync(join(dir, 'runs', 'relu-784-10'));
    mkdirSync(join(dir, 'runs', 'relu-784-10-2'));
    expect(newRunId(dir, 'relu-784-10')).toBe('relu-784-10-3');
    expect(newRunId(dir, 'x'.repeat(300))).toBe('x'.repeat(48));
  });

  it('runDir refuses ids that could leave runs/ (separators, dot names, empty)', () => {
    const dir = fresh();
    createProject(dir);
    expect(runDir(dir, 'sign_0.v2')).toBe(join(dir, 'runs', 'sign_0.v2'));
    for (const bad of ['..', '.', '', '../x', 'a/b', 'a\\b', '.hidden', '/etc', 'a\0b', 'x'.repeat(129)]) {
      expect(thrownBy(() => runDir(dir, bad), ProjectError).message).toMatch(/is not a valid run id/);
    }
  });
});

describe('runs written by the real trainer', () => {
  // One tiny real run (4 steps), copied into each project that a test then damages.
  const config = resolveConfig({
    arch: [784, 8, 10],
    epochs: 1,
    trainLimit: 256,
    testLimit: 100,
    batchSize: 64,
    checkpoints: 4,
  });
  let template: string;
  let trained: TrainSummary;

  beforeAll(async () => {
    template = fresh();
    createProject(template, 'template');
    trained = await trainRun({ dir: runDir(template, newRunId(template, 'relu-784-8-10')), config });
  });

  /** A new project holding copies of the trained run under the given ids. */
  function projectWithRuns(...ids: string[]): string {
    const dir = fresh();
    createProject(dir);
    for (const id of ids)
      cpSync(join(template, 'runs', 'relu-784-8-10'), join(dir, 'runs', id), { recursive: true });
    return dir;
  }

  it('listRuns shows the run with its config, progress and every checkpoint with its logged test accuracy', () => {
    const [run] = listRuns(template);
    const logged = readMetrics(run.dir).filter((r): r is CheckpointRecord => r.type === 'checkpoint');
    expect(trained.status).toBe('completed');
    expect(run).toMatchObject({
      id: 'relu-784-8-10',
      dir: join(template, 'runs', 'relu-784-8-10'),
      status: 'completed',
      step: 4,
      totalSteps: 4,
      stepsPerEpoch: 4,
      error: null,
      failure: null,
    });
    expect(run.config).toEqual(config);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(run.checkpoints.map((c) => c.step)).toEqual(logged.map((r) => r.step));
    expect(run.checkpoints[0].step).toBe(0);
    run.checkpoints.forEach((c, i) => {
      expect(c).toEqual({
        step: logged[i].step,
        epoch: logged[i].step / 4,
        file: `runs/relu-784-8-10/checkpoints/step-${String(logged[i].step).padStart(6, '0')}.onnx`,
        testAccuracy: logged[i].testAccuracy,
        testLoss: logged[i].testLoss,
        exists: true,
      });
      expect(existsSync(join(template, c.file))).toBe(true);
      // 100 test images: accuracies are multiples of 1/100.
      expect(Math.abs(c.testAccuracy! * 100 - Math.round(c.testAccuracy! * 100))).toBeLessThan(1e-9);
    });
    expect(run.latestTestAccuracy).toBe(trained.finalTestAccuracy);
    expect(run.latestTestAccuracy).toBe(logged.at(-1)!.testAccuracy);
    expect(openProject(template).problems).toEqual([]);
  });

  it('opening a project only reads it', () => {
    const dir = projectWithRuns('a', 'b');
    const before = snapshot(dir);
    expect(openProject(dir).runs.map((r) => r.id)).toEqual(['a', 'b']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a checkpoint logged in metrics but missing on disk is flagged (exists: false) and reported with its path', () => {
    const dir = projectWithRuns('a');
    const [{ checkpoints }] = listRuns(dir);
    const gone = checkpoints[1];
    rmSync(join(dir, gone.file));
    const info = openProject(dir);
    const flagged = info.runs[0].checkpoints.find((c) => c.step === gone.step)!;
    expect(flagged).toEqual({ ...gone, exists: false });
    expect(info.runs[0].checkpoints.filter((c) => !c.exists)).toHaveLength(1);
    expect(info.problems).toHaveLength(1);
    const [p] = info.problems;
    expect(p.path).toBe(join(dir, gone.file));
    expect(p.message).toBe(
      `${join(dir, gone.file)} is missing: metrics.jsonl logs a checkpoint at step ${gone.step}`,
    );
    expect(p.action).toMatch(/Restore the file from a backup/);
  });

  it('a corrupt run.json is listed with its error and a problem naming the file; the other runs list as usual', () => {
    const dir = projectWithRuns('a', 'b', 'c');
    const file = join(dir, 'runs', 'b', 'run.json');
    writeFileSync(file, '{"schema":"spinscope.run/1", "con');
    const info = openProject(dir);
    expect(info.runs.map((r) => [r.id, r.status])).toEqual([
      ['a', 'completed'],
      ['b', null],
      ['c', 'completed'],
    ]);
    const b = info.runs[1];
    expect(b.error).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`));
    // The checkpoints are still there, from metrics.jsonl and the files.
    expect(b.checkpoints.map((c) => c.testAccuracy)).toEqual(
      info.runs[0].checkpoints.map((c) => c.testAccuracy),
    );
    expect(info.problems).toHaveLength(1);
    expect(info.problems[0]).toMatchObject({ path: file, message: b.error });
    expect(info.problems[0].action).toMatch(/Restore run\.json from a backup, or delete the run b/);
  });

  it('a run.json from a newer Spinscope, a folder without run.json and a damaged metrics line are each one problem', () => {
    const dir = projectWithRuns('newer', 'ok', 'torn');
    writeFileSync(join(dir, 'runs', 'newer', 'run.json'), JSON.stringify({ schema: 'spinscope.run/3' }));
    mkdirSync(join(dir, 'runs', 'empty'));
    const metrics = join(dir, 'runs', 'torn', 'metrics.jsonl');
    writeFileSync(metrics, '{oops\n' + readFileSync(metrics, 'utf8'));
    const info = openProject(dir);
    const byId = new Map<string, RunSummary>(info.runs.map((r) => [r.id, r]));
    expect([...byId.keys()]).toEqual(['empty', 'newer', 'ok', 'torn']);
    expect(byId.get('ok')!.error).toBeNull();
    expect(byId.get('newer')!.error).toMatch(/newer Spinscope \(spinscope\.run\/3/);
    expect(byId.get('empty')!.error).toMatch(/is not a training run: it has no run\.json/);
    expect(byId.get('torn')!.error).toBe(`${metrics}: line 1 is not valid JSON`);
    expect(byId.get('torn')!.status).toBe('completed');
    expect(info.problems.map((p) => basename(p.path)).sort()).toEqual([
      'metrics.jsonl',
      'run.json',
      'run.json',
    ]);
    expect(info.problems.find((p) => p.path.includes('newer'))!.action).toBe(
      'Update Spinscope to read this run',
    );
  });

  it('a run still starting (step 0, no checkpoint yet) has no missing checkpoints', () => {
    const dir = projectWithRuns('starting');
    const run = join(dir, 'runs', 'starting');
    const record = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    writeFileSync(join(run, 'run.json'), JSON.stringify({ ...record, status: 'running', step: 0 }));
    rmSync(join(run, 'checkpoints'), { recursive: true });
    rmSync(join(run, 'metrics.jsonl'));
    const info = openProject(dir);
    expect(info.runs[0]).toMatchObject({ status: 'running', checkpoints: [], latestTestAccuracy: null });
    expect(info.problems).toEqual([]);
  });

  it('deleteRun removes the folder; it refuses a running run unless forced, and an unknown id', () => {
    const dir = projectWithRuns('done', 'live');
    deleteRun(dir, 'done');
    expect(existsSync(join(dir, 'runs', 'done'))).toBe(false);
    const live = join(dir, 'runs', 'live', 'run.json');
    writeFileSync(live, JSON.stringify({ ...JSON.parse(readFileSync(live, 'utf8')), status: 'running' }));
    const err = thrownBy(() => deleteRun(dir, 'live'), ProjectError);
    expect(err.message).toMatch(
      /the run live is still training \(run\.json says 'running'\): cancel it first/,
    );
    expect(existsSync(live)).toBe(true);
    deleteRun(dir, 'live', { force: true });
    expect(readdirSync(join(dir, 'runs'))).toEqual([]);
    expect(thrownBy(() => deleteRun(dir, 'live'), ProjectError).message).toMatch(/has no run "live"/);
    expect(() => deleteRun(dir, '../runs')).toThrow(/not a valid run id/);
  });

  it('deleteRun never follows a symbolic link out of the project: a linked run loses its link, not its files', () => {
    const dir = projectWithRuns('inside');
    const outside = fresh();
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'precious');
    cpSync(join(template, 'runs', 'relu-784-8-10'), join(outside, 'elsewhere'), { recursive: true });
    symlinkSync(outside, join(dir, 'runs', 'inside', 'link-out'));
    symlinkSync(join(outside, 'elsewhere'), join(dir, 'runs', 'linked'));
    expect(listRuns(dir).map((r) => [r.id, r.status])).toEqual([
      ['inside', 'completed'],
      ['linked', 'completed'],
    ]);
    deleteRun(dir, 'inside');
    deleteRun(dir, 'linked');
    expect(readdirSync(join(dir, 'runs'))).toEqual([]);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('precious');
    expect(existsSync(join(outside, 'elsewhere', 'run.json'))).toBe(true);
  });

  it('a runs/ folder that is a link out of the project is not deleted from', () => {
    const dir = fresh();
    createProject(dir);
    const outside = fresh();
    cpSync(join(template, 'runs'), outside, { recursive: true });
    rmSync(join(dir, 'runs'), { recursive: true });
    symlinkSync(outside, join(dir, 'runs'));
    expect(thrownBy(() => deleteRun(dir, 'relu-784-8-10'), ProjectError).message).toMatch(
      /resolves outside the project .*Spinscope deletes only inside the project/,
    );
    expect(existsSync(join(outside, 'relu-784-8-10', 'run.json'))).toBe(true);
  });
});
