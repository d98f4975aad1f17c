/**
 * Under `npm run dev` (ELECTRON_RENDERER_URL set) the window loads the Vite dev server, and the
 * request filter lets that server and its hot-reload socket through, and nothing else remote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/app/contentSecurityPolicy.ts';
import { app, electronMock, session } from '../../mocks/electron.ts';

const userData = mkdtempSync(join(tmpdir(), 'spinscope-dev-'));
const devServer = 'http://localhost:5173/';

beforeAll(async () => {
  app.userData = userData;
  process.env.ELECTRON_RENDERER_URL = devServer;
  await import('../../../src-main/app/main.ts');
  await new Promise((resolve) => setTimeout(resolve, 0));
});
afterAll(() => {
  delete process.env.ELECTRON_RENDERER_URL;
  rmSync(userData, { recursive: true, force: true });
});

describe('Electron main process under npm run dev', () => {
  it('loads the dev server and allows only it (pages and hot-reload socket) besides the built files', () => {
    expect(electronMock.windows[0].loaded).toEqual([devServer]);
    const cancelled = (url: string): boolean => {
      const callback = vi.fn();
      session.defaultSession.webRequest.beforeRequest!({ url }, callback);
      return callback.mock.calls[0][0].cancel;
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(cancelled('http://localhost:5173/@vite/client')).toBe(false);
    expect(cancelled('ws://localhost:5173/?token=abc')).toBe(false);
    expect(cancelled('http://localhost:8080/')).toBe(true);
    expect(cancelled('https://unpkg.com/vue')).toBe(true);
    warn.mockRestore();
  });

  it("sends the CSP header with the dev server's pages", () => {
    const callback = vi.fn();
    session.defaultSession.webRequest.headersReceived!({ url: devServer, responseHeaders: {} }, callback);
    expect(callback.mock.calls[0][0].responseHeaders['Content-Security-Policy']).toEqual([
      CONTENT_SECURITY_POLICY,
    ]);
  });
});
