/**
 * The recent-projects list: most recent first, at most 20, and never an exception — a corrupt file
 * is kept as recent.json.corrupt-<time> and the list starts over.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createProject,
  defaultAppDataDir,
  MAX_RECENT,
  RecentProjects,
} from '../../../src-main/core/project/project.ts';
import { tempRoot } from './helpers.ts';

const fresh = tempRoot('spinscope-recent-');

describe('RecentProjects', () => {
  it('round trip: add puts a project first (once), remove drops it, a new instance reads the same list', () => {
    const appData = fresh();
    const file = join(appData, 'nested', 'recent.json');
    const a = join(fresh(), 'a');
    const b = join(fresh(), 'b');
    createProject(a, 'Project A');
    const recent = new RecentProjects(file);
    expect(recent.list()).toEqual([]);
    recent.add(a, 'Project A');
    recent.add(b, 'Project B'); // b is not a project (moved or deleted): listed, exists false
    recent.add(a, 'Project A renamed');
    const list = new RecentProjects(file).list();
    expect(list.map((e) => [e.dir, e.name, e.exists])).toEqual([
      [a, 'Project A renamed', true],
      [b, 'Project B', false],
    ]);
    expect(Date.parse(list[0].openedAt)).toBeGreaterThanOrEqual(Date.parse(list[1].openedAt));
    recent.remove(b);
    expect(recent.list().map((e) => e.dir)).toEqual([a]);
    expect(JSON.parse(readFileSync(file, 'utf8')).schema).toBe('spinscope.recent/1');
    expect(recent.lastProblem).toBeNull();
  });

  it(`keeps the ${MAX_RECENT} most recent`, () => {
    const recent = new RecentProjects(join(fresh(), 'recent.json'));
    for (let i = 0; i < 25; i++) recent.add(`/projects/p${i}`, `p${i}`);
    const names = recent.list().map((e) => e.name);
    expect(names).toHaveLength(20);
    expect(names[0]).toBe('p24');
    expect(names.at(-1)).toBe('p5');
  });

  it('a corrupt file is moved to recent.json.corrupt-<time>, the list starts empty, and nothing throws', () => {
    const appData = fresh();
    mkdirSync(appData);
    const file = join(appData, 'recent.json');
    writeFileSync(file, '{"schema":"spinscope.recent/1","projects":[{"dir":');
    const recent = new RecentProjects(file);
    expect(recent.list()).toEqual([]);
    const backups = readdirSync(appData).filter((n) => n.startsWith('recent.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^recent\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(readFileSync(join(appData, backups[0]), 'utf8')).toBe(
      '{"schema":"spinscope.recent/1","projects":[{"dir":',
    );
    expect(recent.lastProblem).toContain(`it was moved to ${join(appData, backups[0])}`);
    recent.add('/p', 'p');
    expect(recent.list().map((e) => e.name)).toEqual(['p']);
    expect(readdirSync(appData).filter((n) => n.startsWith('recent.json.corrupt-'))).toHaveLength(1);
  });

  it('damaged entries are dropped and the valid ones kept', () => {
    const file = join(fresh(), 'recent.json');
    mkdirSync(join(file, '..'));
    const good = { dir: '/x', name: 'x', openedAt: '2026-01-01T00:00:00.000Z' };
    writeFileSync(file, JSON.stringify({ schema: 'spinscope.recent/1', projects: [{ dir: 3 }, good, null] }));
    expect(new RecentProjects(file).list()).toEqual([{ ...good, exists: false }]);
  });

  it('a file that cannot be written is reported in lastProblem, not thrown', () => {
    const dir = fresh();
    mkdirSync(dir);
    const recent = new RecentProjects(join(dir, 'recent.json'));
    mkdirSync(join(dir, 'recent.json')); // a folder where the file should be
    expect(() => recent.add('/p', 'p')).not.toThrow();
    expect(recent.lastProblem).toMatch(/recent\.json/);
  });

  it('defaultAppDataDir follows each platform’s convention', () => {
    expect(defaultAppDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/spinscope');
    expect(defaultAppDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/spinscope');
    expect(defaultAppDataDir('darwin', {}, '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Spinscope',
    );
    expect(defaultAppDataDir('win32', { APPDATA: '/AppData' }, '/h')).toBe(join('/AppData', 'Spinscope'));
  });
});
