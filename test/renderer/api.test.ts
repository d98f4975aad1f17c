/**
 * The renderer's transport choice (api.ts): the Electron preload's bridge when present, otherwise a
 * WebSocket to the page's own host — the same client either way.
 */
import { describe, expect, it } from 'vitest';
import type { ApiEvent, RpcResult } from '../../src-main/api/rpc.ts';
import { ApiError } from '../../src-main/api/rpc.ts';
import type { SocketLike } from '../../src-main/api/wsTransport.ts';
import {
  apiSocketUrl,
  createApi,
  transportForWindow,
  type PreloadBridge,
} from '../../src-renderer/src/api.ts';

const location = { protocol: 'http:', host: '127.0.0.1:41234' };

/** A socket that is open at once and answers every request with `reply`. */
function fakeSocket(reply: (req: { id: number; method: string; args: unknown }) => RpcResult) {
  const listeners: Record<string, ((e: { data: unknown }) => void)[]> = {};
  const sent: unknown[] = [];
  const socket: SocketLike = {
    readyState: 1,
    send(data) {
      const req = JSON.parse(data) as { id: number; method: string; args: unknown };
      sent.push(req);
      queueMicrotask(() => {
        for (const l of listeners.message ?? [])
          l({ data: JSON.stringify({ id: req.id, result: reply(req) }) });
      });
    },
    close() {},
    addEventListener(type: string, l: (e: { data: unknown }) => void) {
      (listeners[type] ??= []).push(l);
    },
  };
  const push = (e: ApiEvent): void => {
    for (const l of listeners.message ?? []) l({ data: JSON.stringify(e) });
  };
  return { socket, sent, push };
}

describe('transport choice', () => {
  it('uses the preload bridge when the window has one, without opening a socket', async () => {
    const calls: unknown[] = [];
    let listener: ((e: ApiEvent) => void) | null = null;
    const bridge: PreloadBridge = {
      invoke: async (method, args) => {
        calls.push({ method, args });
        return { ok: true, value: { time: 42 } };
      },
      onEvent: (l) => {
        listener = l;
        return () => (listener = null);
      },
    };
    const api = createApi(
      transportForWindow({ spinscope: bridge, location }, () => {
        throw new Error('no socket may be opened under Electron');
      }),
    );
    expect(await api['app.ping']({})).toEqual({ time: 42 });
    expect(calls).toEqual([{ method: 'app.ping', args: {} }]);

    const seen: unknown[] = [];
    const off = api.on('jobs.update', (p) => seen.push(p));
    listener!({ event: 'jobs.update', payload: { id: 'j1' } });
    listener!({ event: 'project.changed', payload: {} });
    expect(seen).toEqual([{ id: 'j1' }]);
    off();
    expect(listener).toBeNull();
  });

  it('ignores a window.spinscope without invoke/onEvent (an older preload) and opens the served socket', () => {
    const urls: string[] = [];
    transportForWindow({ spinscope: { product: 'Spinscope' }, location }, (url) => {
      urls.push(url);
      return fakeSocket(() => ({ ok: true, value: null })).socket;
    });
    expect(urls).toEqual(['ws://127.0.0.1:41234/api']);
  });

  it('talks to the served WebSocket at /api of the page host, and rethrows errors as ApiError', async () => {
    const { socket, sent, push } = fakeSocket((req) =>
      req.method === 'projects.open'
        ? { ok: false, error: { code: 'not-found', message: '/x is not a Spinscope project' } }
        : { ok: true, value: null },
    );
    const api = createApi(transportForWindow({ location }, () => socket));
    expect(await api['projects.current']({})).toBeNull();
    const err = await api['projects.open']({ dir: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-found');
    expect((err as ApiError).message).toBe('/x is not a Spinscope project');
    expect(sent).toEqual([
      { id: 1, method: 'projects.current', args: {} },
      { id: 2, method: 'projects.open', args: { dir: '/x' } },
    ]);

    const seen: unknown[] = [];
    api.on('project.changed', (p) => seen.push(p));
    push({ event: 'project.changed', payload: { reason: 'job j1 completed' } });
    expect(seen).toEqual([{ reason: 'job j1 completed' }]);
  });

  it('uses wss: when the page came over https (behind a TLS proxy)', () => {
    expect(apiSocketUrl({ protocol: 'https:', host: 'lab.example:8443' })).toBe('wss://lab.example:8443/api');
    expect(apiSocketUrl({ protocol: 'http:', host: 'localhost:5000' })).toBe('ws://localhost:5000/api');
  });
});
