/** The preload with `electron` mocked: one object, a function per contract method, nothing raw. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/fixtures.ts';
import { METHODS } from '../../../src-main/api/contract.ts';
import { electronMock, ipcRenderer } from '../../mocks/electron.ts';

interface Exposed {
  api: Record<string, (args?: unknown) => Promise<unknown>>;
  invoke(method: string, args: unknown): Promise<unknown>;
  onEvent(listener: (e: unknown) => void): () => void;
  onMenu(listener: (e: unknown) => void): () => void;
  pathForFile(file: unknown): string;
}

let exposed: Exposed;
beforeAll(async () => {
  await import('../../../src-main/app/preload.ts');
  exposed = electronMock.exposedInMainWorld.spinscope as Exposed;
});

describe('preload', () => {
  it('exposes one object with a named function per contract method and no raw IPC', () => {
    expect(Object.keys(electronMock.exposedInMainWorld)).toEqual(['spinscope']);
    expect(Object.keys(exposed.api).sort()).toEqual([...METHODS].sort());
    expect(JSON.stringify(Object.keys(exposed))).not.toMatch(/ipcRenderer|send\b/);
  });

  it('calls go through the one API channel; unknown methods never reach the main process', async () => {
    const before = ipcRenderer.invocations.length;
    await exposed.api['projects.open']({ dir: '/p' });
    expect(ipcRenderer.invocations.at(-1)).toEqual({
      channel: 'spinscope:api',
      args: ['projects.open', { dir: '/p' }],
    });
    expect(await exposed.invoke('fs.readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(ipcRenderer.invocations.length).toBe(before + 1);
  });

  it('event and menu subscriptions can be removed', () => {
    const seen: unknown[] = [];
    const off = exposed.onEvent((e) => seen.push(e));
    ipcRenderer.emit('spinscope:event', { event: 'jobs.update', payload: 1 });
    off();
    ipcRenderer.emit('spinscope:event', { event: 'jobs.update', payload: 2 });
    const offMenu = exposed.onMenu((e) => seen.push(e));
    ipcRenderer.emit('spinscope:menu', { action: 'open-project', path: '/p' });
    offMenu();
    expect(seen).toEqual([
      { event: 'jobs.update', payload: 1 },
      { action: 'open-project', path: '/p' },
    ]);
  });
});

describe('dropped files', () => {
  it('the path of a dropped file comes from webUtils (File.path is gone in Electron ≥ 32)', () => {
    expect(exposed.pathForFile({ name: 'mlp.onnx', mockPath: '/data/mlp.onnx' })).toBe('/data/mlp.onnx');
  });
});

describe('the built preload (after `npm run build`, as in CI)', () => {
  const built = join(REPO_ROOT, 'out/preload/index.cjs');
  it.skipIf(!existsSync(built))(
    'requires nothing but electron (a sandboxed preload can load nothing else)',
    () => {
      const requires = [...readFileSync(built, 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)].map(
        (m) => m[1],
      );
      expect(requires).toEqual(['electron']);
    },
  );
});
