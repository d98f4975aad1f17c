/**
 * The served mode's HTTP + WebSocket server on a real socket: the token, Host and Origin checks,
 * static files confined to the renderer folder, and the API over the WebSocket (with the `ws`
 * client standing in for the browser's).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { contract } from '../../src-main/api/contract.ts';
import { createDispatcher, type ApiEvent, type Handlers } from '../../src-main/api/rpc.ts';
import { webSocketTransport } from '../../src-main/api/wsTransport.ts';
import { startServer, type Served } from '../../src-main/serve/server.ts';

let served: Served;
const listeners = new Set<(e: ApiEvent) => void>();

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'spinscope-serve-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Spinscope</title>');
  writeFileSync(join(root, 'assets/app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'outside');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets/link.txt'));
  const handlers = {
    'app.ping': async () => ({ time: 42 }),
    'projects.open': async ({ dir }: { dir: string }) => {
      throw new (await import('../../src-main/api/rpc.ts')).ApiError('not-found', `${dir} is not a project`);
    },
  } as unknown as Handlers<typeof contract>;
  served = await startServer({
    rendererDir: root,
    dispatch: createDispatcher(contract, handlers),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  });
});
afterAll(() => served.close());

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: served.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = (): string => `spinscope_token=${served.token}`;

describe('spinscope serve: HTTP', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('refuses requests without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', `/?token=${'0'.repeat(64)}`]) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('Spinscope</title>');
    }
    expect((await get('/', { Cookie: 'spinscope_token=wrong' })).status).toBe(401);
  });

  it('the token in the URL becomes an HttpOnly, SameSite=Strict cookie and leaves the address bar', async () => {
    const r = await get(`/?token=${served.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(String(r.headers['set-cookie'])).toMatch(
      /spinscope_token=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=\//,
    );
    const page = await get('/', { Cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Spinscope</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await get('/assets/app.js', { Cookie: cookie() })).headers['content-type']).toMatch(/javascript/);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/link.txt',
      '/assets',
      '/nope.js',
      '/%00',
    ]) {
      const r = await get(path, { Cookie: cookie() });
      expect([400, 404], path).toContain(r.status);
      expect(r.body).not.toContain('outside');
    }
  });

  it('refuses foreign origins and unexpected Host headers (DNS rebinding)', async () => {
    expect((await get('/', { Cookie: cookie(), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/', { Cookie: cookie(), Origin: 'http://localhost:3000' })).status).toBe(403);
    expect((await get('/', { Cookie: cookie(), Host: `evil.example:${served.port}` })).status).toBe(403);
    // Through an SSH tunnel the browser may use another local port: Host and Origin agree.
    expect(
      (await get('/', { Cookie: cookie(), Host: 'localhost:9000', Origin: 'http://localhost:9000' })).status,
    ).toBe(200);
  });
});

function connect(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${served.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('spinscope serve: the API over the WebSocket', () => {
  const origin = (): string => `http://127.0.0.1:${served.port}`;

  it('requires the token and this origin', async () => {
    await expect(connect({ Origin: origin() })).rejects.toThrow(/HTTP 401/);
    await expect(connect({ Cookie: cookie(), Origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);
    await expect(connect({ Cookie: cookie() })).rejects.toThrow(/HTTP 403/);
    const ws = await connect({ Origin: origin() }, `?token=${served.token}`);
    ws.close();
  });

  it('calls methods, validates arguments, returns typed errors and pushes events', async () => {
    const ws = await connect({ Cookie: cookie(), Origin: origin() });
    const t = webSocketTransport(ws as unknown as Parameters<typeof webSocketTransport>[0]);
    expect(await t.call('app.ping', {})).toEqual({ ok: true, value: { time: 42 } });
    expect(await t.call('projects.open', { dir: '/x' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: '/x is not a project' },
    });
    const bad = await t.call('projects.open', { dir: 5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const unknown = await t.call('fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const events: ApiEvent[] = [];
    t.subscribe((e) => events.push(e));
    for (const l of listeners) l({ event: 'jobs.update', payload: { id: 'j1' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([{ event: 'jobs.update', payload: { id: 'j1' } }]);
    ws.send('not json');
    expect(await t.call('app.ping', {})).toEqual({ ok: true, value: { time: 42 } });
    t.close();
  });
});
