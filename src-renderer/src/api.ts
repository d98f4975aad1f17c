/**
 * The renderer's client of the UI ↔ backend contract (architecture.md, contract 1). The client does
 * not know which transport it talks to: under Electron the preload exposes `window.spinscope`
 * (IPC); in a browser opened on `spinscope serve` we open a WebSocket to the page's own host (the
 * token cookie set by the server goes with it). Stores reach the client with `useApi()`, so tests
 * provide one built on an in-memory transport.
 *
 * Only pure modules of src-main/api are imported here (never node: modules).
 */
import { inject, type InjectionKey } from 'vue';
import type { SpinscopeContract } from '../../src-main/api/contract.ts';
import { METHOD_NAMES } from '../../src-main/api/methods.ts';
import {
  createClient,
  type ApiEvent,
  type Client,
  type RpcResult,
  type Transport,
} from '../../src-main/api/rpc.ts';
import { webSocketTransport, type SocketLike } from '../../src-main/api/wsTransport.ts';

export type SpinscopeApi = Client<SpinscopeContract>;

/** What the Electron preload exposes as `window.spinscope` (src-main/app/preload.ts). */
export interface PreloadBridge {
  invoke(method: string, args: unknown): Promise<RpcResult>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** Commands of the native menu (see menuCommands.ts); absent in served mode. */
  onMenu?(listener: (e: unknown) => void): () => void;
  /** Where a dropped file lives on disk (desktop app only). */
  pathForFile?(file: File): string;
}

function isPreloadBridge(x: unknown): x is PreloadBridge {
  const b = x as Partial<PreloadBridge> | null | undefined;
  return typeof b?.invoke === 'function' && typeof b.onEvent === 'function';
}

export function preloadTransport(bridge: PreloadBridge): Transport {
  return {
    call: (method, args) => bridge.invoke(method, args),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

/** The page's own host and path /api, with ws: (wss: when the page itself came over https). */
export function apiSocketUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api`;
}

/** The transport for this window: the preload's IPC bridge if present, else the served WebSocket. */
export function transportForWindow(
  win: { spinscope?: unknown; location: Pick<Location, 'protocol' | 'host'> },
  openSocket: (url: string) => SocketLike = (url) => new WebSocket(url),
): Transport {
  if (isPreloadBridge(win.spinscope)) return preloadTransport(win.spinscope);
  return webSocketTransport(openSocket(apiSocketUrl(win.location)));
}

/** The native menu's command stream under Electron; null in a browser (served mode has no menu). */
export function menuEventsOf(win: object): ((listener: (e: unknown) => void) => () => void) | null {
  const bridge = (win as { spinscope?: unknown }).spinscope;
  return isPreloadBridge(bridge) && typeof bridge.onMenu === 'function' ? bridge.onMenu.bind(bridge) : null;
}

/**
 * The path of a file dropped on the page: the desktop app's preload knows it; a browser never tells
 * a page where a file lives, so in served mode it is null (the path has to be typed).
 */
export function droppedFilePath(win: object, file: File): string | null {
  const bridge = (win as { spinscope?: unknown }).spinscope;
  if (!isPreloadBridge(bridge) || typeof bridge.pathForFile !== 'function') return null;
  return bridge.pathForFile(file) || null;
}

export function createApi(transport: Transport): SpinscopeApi {
  return createClient<SpinscopeContract>(METHOD_NAMES, transport);
}

export const API_KEY: InjectionKey<SpinscopeApi> = Symbol('spinscope api');

/** The client provided by the app (main.ts, or a test); stores call this in their setup. */
export function useApi(): SpinscopeApi {
  const api = inject(API_KEY, null);
  if (!api) throw new Error('no Spinscope API client provided: app.provide(API_KEY, createApi(transport))');
  return api;
}
