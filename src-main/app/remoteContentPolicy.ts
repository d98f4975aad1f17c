/**
 * No remote content: the renderer may load its own built files (or, during `npm run dev`, the Vite
 * dev server) and nothing else. Enforced for every request of the session by a webRequest filter,
 * behind the CSP, so a mistake in one layer is caught by the other. Electron runs webRequest for
 * file:// URLs as well (since Electron 9, electron/electron#22903).
 */
import { relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from 'electron';

/** Where the renderer comes from. */
export interface RendererSource {
  /** The built renderer's folder (out/renderer): file:// URLs inside it are the app. */
  rendererRoot: string;
  /** The Vite dev server (ELECTRON_RENDERER_URL) under `npm run dev`; undefined in a build. */
  devServer?: string;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Strictly inside `folder` (the folder itself would show a directory listing). */
function isInsideFolder(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function isFileInside(url: URL, folder: string): boolean {
  try {
    return isInsideFolder(fileURLToPath(url), folder);
  } catch {
    return false; // file://host/... or encoded slashes: not a plain local path
  }
}

/** The dev server's pages (same origin) and its hot-reload socket (same host, ws:// or wss://). */
function isDevServer(url: URL, devServer: string): boolean {
  const server = parse(devServer);
  if (!server) return false;
  const socketProtocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.host === server.host && (url.protocol === server.protocol || url.protocol === socketProtocol);
}

/** Is `url` part of the app itself (a built file, or the dev server)? */
export function isRendererUrl(url: string, source: RendererSource): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'file:') return isFileInside(parsed, source.rendererRoot);
  return source.devServer !== undefined && isDevServer(parsed, source.devServer);
}

/** May the session load `url`? */
export function isAllowedRequest(url: string, source: RendererSource): boolean {
  const protocol = parse(url)?.protocol;
  // DevTools' own front end, reachable only when the developer tools are open.
  if (protocol === 'devtools:') return true;
  // Made inside the page (inlined assets, exported images): nothing remote; the CSP limits their use.
  if (protocol === 'data:' || protocol === 'blob:') return true;
  // The app's own files; every other file, host or scheme is refused.
  return isRendererUrl(url, source);
}

/** Cancels every request isAllowedRequest refuses (a session has one onBeforeRequest listener: this one). */
export function blockRemoteContent(session: Pick<Session, 'webRequest'>, source: RendererSource): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, source);
    if (!allowed)
      console.warn(`Spinscope blocked ${details.url.slice(0, 200)}: the app loads no remote content`);
    callback({ cancel: !allowed });
  });
}
