/**
 * Two Spinscopes on one project (issue 9, faults): the project lock (core/project/lock.ts) through
 * the backend (api/backend.ts), as the app and `spinscope serve` open projects. A second backend in
 * this process, and a second process, are refused with a message naming who holds the project; a
 * lock left by a killed process (kill -9) is recovered; a lock from another host is refused with
 * how to remove it; closing releases the lock; and several processes racing for a stale lock end
 * with exactly one holder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src-main/api/backend.ts';
import type { RpcResult } from '../../src-main/api/rpc.ts';
import { acquireProjectLock, LOCK_FILE, ProjectLockedError } from '../../src-main/core/project/lock.ts';
import { createProject, RecentProjects } from '../../src-main/core/project/project.ts';
import { JobSupervisor, type WorkerHost } from '../../src-main/jobs/supervisor.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { Tally } from './outcomes.ts';

const tmp = mkdtempSync(join(tmpdir(), 'spinscope-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});
const tally = new Tally('project lock (second instance)', 'faults');
afterAll(() => tally.save());

const noWorkers: WorkerHost = {
  fork: () => {
    throw new Error('no jobs in this test');
  },
};

function backend(appName: string): Backend {
  return createBackend({
    supervisor: new JobSupervisor({ host: noWorkers }),
    recent: new RecentProjects(join(tmp, `recent-${appName}.json`)),
    transport: 'websocket',
    emit: () => undefined,
    appName,
  });
}

/** A process that opens `dir` through a backend of its own, says 'ready', and waits. */
function holder(dir: string, appName: string): Promise<ChildProcess> {
  const script = join(tmp, 'holder.mts');
  writeFileSync(
    script,
    `import { createBackend } from ${JSON.stringify(join(REPO_ROOT, 'src-main/api/backend.ts'))};
import { RecentProjects } from ${JSON.stringify(join(REPO_ROOT, 'src-main/core/project/project.ts'))};
import { JobSupervisor } from ${JSON.stringify(join(REPO_ROOT, 'src-main/jobs/supervisor.ts'))};
const b = createBackend({ supervisor: new JobSupervisor({ host: { fork() { throw new Error('none'); } } }),
  recent: new RecentProjects(process.argv[3] + '.recent.json'), transport: 'websocket', emit() {}, appName: process.argv[4] });
const r = await b.dispatch('projects.open', { dir: process.argv[2] });
console.log(JSON.stringify(r.ok ? 'ready' : r.error));
setInterval(() => {}, 1000);
`,
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, dir, join(tmp, `p${children.length}`), appName],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      if (out.startsWith('"ready"')) resolve(child);
      else reject(new Error(out));
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

const failed = (r: RpcResult): { code: string; message: string } =>
  r.ok ? { code: 'ok', message: '' } : r.error;

describe('the project lock', () => {
  it('a second backend is refused with who holds the project; closing the first releases it', async () => {
    const dir = join(tmp, 'two-backends');
    createProject(dir, 'shared');
    const a = backend('Spinscope');
    const b = backend('spinscope serve');
    expect((await a.dispatch('projects.open', { dir })).ok).toBe(true);
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname(), app: 'Spinscope' });
    expect(Date.now() - Date.parse(lock.started)).toBeLessThan(60_000);

    const refused = failed(await b.dispatch('projects.open', { dir }));
    const clear =
      refused.code === 'conflict' &&
      refused.message.includes(`${dir} is already open in Spinscope`) &&
      refused.message.includes(`process ${process.pid} on ${hostname()}`);
    tally.add(clear ? 'clearError' : 'crash', `second backend: ${JSON.stringify(refused)}`);
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`process ${process.pid} on ${hostname()}, since ${lock.started}`);

    // The holder may open it again (a reload of the window) without tripping over its own lock.
    expect((await a.dispatch('projects.open', { dir })).ok).toBe(true);
    await a.dispatch('projects.close', {});
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect((await b.dispatch('projects.open', { dir })).ok).toBe(true);
    await b.dispose();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await a.dispose();
  });

  it('a second process is refused; after it is killed with SIGKILL its stale lock is recovered', async () => {
    const dir = join(tmp, 'two-processes');
    createProject(dir, 'shared');
    const other = await holder(dir, 'spinscope serve');
    const b = backend('Spinscope');
    const refused = failed(await b.dispatch('projects.open', { dir }));
    const clear =
      refused.code === 'conflict' && refused.message.includes(`process ${other.pid} on ${hostname()}`);
    tally.add(clear ? 'clearError' : 'crash', `second process: ${JSON.stringify(refused)}`);
    expect(refused.message).toMatch(
      new RegExp(`already open in spinscope serve .*process ${other.pid}.*end process ${other.pid}`),
    );

    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const opened = await b.dispatch('projects.open', { dir });
    tally.add(opened.ok ? 'valid' : 'crash', `stale lock of a killed process: ${JSON.stringify(opened)}`);
    expect(opened.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await b.dispose();
  });

  it("another host's lock is refused with how to remove it; an unreadable lock is recovered once old", () => {
    const dir = join(tmp, 'foreign');
    createProject(dir, 'shared');
    const file = join(dir, LOCK_FILE);
    const foreign = {
      schema: 'spinscope.lock/1',
      pid: 4242,
      host: 'cluster-node-7',
      started: '2026-11-30T08:00:00.000Z',
      app: 'spinscope serve',
      version: '0.1.0',
      instance: 'abc',
    };
    writeFileSync(file, JSON.stringify(foreign));
    let err: unknown = null;
    try {
      acquireProjectLock(dir, 'Spinscope');
    } catch (e) {
      err = e;
    }
    const clear =
      err instanceof ProjectLockedError &&
      err.message.includes('process 4242 on cluster-node-7') &&
      err.message.includes(`delete ${file}`);
    tally.add(clear ? 'clearError' : 'crash', `foreign host: ${String(err)}`);
    expect(clear).toBe(true);

    // Half-written (a writer killed mid-write): refused while fresh, taken over once old.
    writeFileSync(file, '{"schema":"spinscope.lo');
    expect(() => acquireProjectLock(dir, 'Spinscope')).toThrow(/being opened by another Spinscope right now/);
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lock = acquireProjectLock(dir, 'Spinscope');
    tally.add('valid');
    // Released only if still ours: a holder that was judged stale and taken over leaves the new lock.
    writeFileSync(file, JSON.stringify({ ...foreign, host: hostname(), pid: process.pid, instance: 'next' }));
    lock.release();
    expect(existsSync(file)).toBe(true);
    rmSync(file);
    const again = acquireProjectLock(dir, 'Spinscope');
    again.release();
    again.release();
    expect(existsSync(file)).toBe(false);
  });

  it('three processes racing for a stale lock: exactly one gets it, the others are told who has it', async () => {
    const dir = join(tmp, 'race');
    createProject(dir, 'shared');
    // A stale lock of a process that is gone: one that ran and exited just now.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = {
      schema: 'spinscope.lock/1',
      pid: dead,
      host: hostname(),
      started: '2026-01-01T00:00:00.000Z',
      app: 'Spinscope',
      version: '0.1.0',
      instance: 'dead',
    };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    const results = await Promise.allSettled([0, 1, 2].map((i) => holder(dir, `racer-${i}`)));
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    tally.add(winners.length === 1 ? 'valid' : 'lostData', `race: ${winners.length} holders`);
    expect(winners.length).toBe(1);
    for (const l of losers) expect(String(l.reason)).toMatch(/already open in racer-\d/);
  });
});
