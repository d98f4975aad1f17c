/**
 * No remote content: the session loads the built renderer's own files (or the dev server's pages
 * under `npm run dev`), DevTools, and data:/blob: URLs made inside the page. Nothing else.
 */
import { pathToFileURL } from 'node:url';
import type { Session } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  blockRemoteContent,
  isAllowedRequest,
  isRendererUrl,
} from '../../../src-main/app/remoteContentPolicy.ts';
import { FakeSession } from '../../mocks/electron.ts';

const built = { rendererRoot: '/opt/Spinscope/resources/app.asar/out/renderer' };
const dev = { ...built, devServer: 'http://localhost:5173' };
const fileUrl = (path: string): string => pathToFileURL(path).href;

describe('which requests the renderer may make', () => {
  it("allows the built renderer's own files, at any depth", () => {
    expect(isAllowedRequest(fileUrl(`${built.rendererRoot}/index.html`), built)).toBe(true);
    expect(isAllowedRequest(fileUrl(`${built.rendererRoot}/assets/index-DtPU0jfd.js`), built)).toBe(true);
    expect(isAllowedRequest(`${fileUrl(built.rendererRoot)}/assets/font%20regular.woff2`, built)).toBe(true);
  });

  it('refuses every other local file, including ones reached by .. or a look-alike folder name', () => {
    expect(isAllowedRequest('file:///etc/passwd', built)).toBe(false);
    expect(isAllowedRequest(fileUrl('/opt/Spinscope/resources/app.asar/out/preload/index.cjs'), built)).toBe(
      false,
    );
    expect(isAllowedRequest(`${fileUrl(built.rendererRoot)}/../main/index.js`, built)).toBe(false);
    expect(isAllowedRequest(`${fileUrl(built.rendererRoot)}/%2e%2e/main/index.js`, built)).toBe(false);
    expect(isAllowedRequest(fileUrl(`${built.rendererRoot}-evil/index.html`), built)).toBe(false);
    // The folder itself would show a directory listing.
    expect(isAllowedRequest(fileUrl(built.rendererRoot), built)).toBe(false);
    // Encoded slashes and remote file shares are not plain local paths.
    expect(isAllowedRequest(`${fileUrl(built.rendererRoot)}/a%2F..%2F..%2Fmain.js`, built)).toBe(false);
    expect(isAllowedRequest('file://fileserver/share/index.html', built)).toBe(false);
  });

  it('refuses remote content of every kind', () => {
    for (const url of [
      'https://cdn.jsdelivr.net/npm/vue',
      'http://example.org/tracker.gif',
      'wss://example.org/socket',
      'ftp://example.org/model.onnx',
      'javascript:alert(1)',
      'chrome://gpu',
      'not a url',
      '',
    ]) {
      expect(isAllowedRequest(url, built), url).toBe(false);
    }
  });

  it('allows the dev server and its hot-reload socket only under npm run dev', () => {
    expect(isAllowedRequest('http://localhost:5173/', built)).toBe(false);
    expect(isAllowedRequest('http://localhost:5173/', dev)).toBe(true);
    expect(isAllowedRequest('http://localhost:5173/src/main.ts?t=1', dev)).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', dev)).toBe(true);
    // Another port, host or scheme is another server.
    expect(isAllowedRequest('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedRequest('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAllowedRequest('https://localhost:5173/', dev)).toBe(false);
    expect(isAllowedRequest('wss://localhost:5173/', dev)).toBe(false);
    expect(isAllowedRequest('ws://localhost:5173/', { ...built, devServer: 'https://localhost:5173' })).toBe(
      false,
    );
    expect(isAllowedRequest('wss://localhost:5173/', { ...built, devServer: 'https://localhost:5173' })).toBe(
      true,
    );
    expect(isAllowedRequest('http://localhost:5173/', { ...built, devServer: 'not a url' })).toBe(false);
  });

  it('allows DevTools and the data:/blob: URLs a page makes itself', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/devtools_app.html', built)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,iVBORw0KGgo=', built)).toBe(true);
    expect(isAllowedRequest('blob:file:///8f7a2c1e-0000-4000-8000-000000000000', built)).toBe(true);
  });

  it('counts only the app itself as renderer pages (DevTools and data: are not)', () => {
    expect(isRendererUrl(fileUrl(`${built.rendererRoot}/index.html`), built)).toBe(true);
    expect(isRendererUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isRendererUrl('devtools://devtools/bundled/devtools_app.html', dev)).toBe(false);
    expect(isRendererUrl('data:text/html,<h1>hi</h1>', dev)).toBe(false);
  });
});

describe('the request filter on the session', () => {
  it('cancels refused requests, lets allowed ones through, and says what it blocked', () => {
    const session = new FakeSession();
    blockRemoteContent(session as unknown as Session, built);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const decide = (url: string): unknown => {
      const callback = vi.fn();
      session.webRequest.beforeRequest!({ url }, callback);
      return callback.mock.calls[0][0];
    };
    expect(decide(fileUrl(`${built.rendererRoot}/index.html`))).toEqual({ cancel: false });
    expect(warn).not.toHaveBeenCalled();
    expect(decide('https://example.org/x.js')).toEqual({ cancel: true });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('https://example.org/x.js'));
    warn.mockRestore();
  });
});
