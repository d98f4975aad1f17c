/**
 * The client side of the WebSocket transport (served mode): requests {id, method, args}, replies
 * {id, result}, server events {event, payload}. Works with the browser's WebSocket and with the
 * `ws` package's (tests). Calls made before the socket opens wait for it; a closed socket fails
 * pending and later calls with a clear error.
 */
import type { ApiEvent, RpcResult, Transport } from './rpc.ts';

/** The subset of the WebSocket interface used here (browser and `ws` both provide it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}

const OPEN = 1;

export function webSocketTransport(socket: SocketLike): Transport & { close(): void } {
  let nextId = 1;
  const pending = new Map<number, (r: RpcResult) => void>();
  const listeners = new Set<(e: ApiEvent) => void>();
  let closed = false;
  const opened = new Promise<void>((resolve) => {
    if (socket.readyState === OPEN) resolve();
    else socket.addEventListener('open', () => resolve());
  });
  const failAll = (): void => {
    closed = true;
    for (const done of pending.values()) {
      done({
        ok: false,
        error: { code: 'failed', message: 'the connection to the Spinscope server was closed' },
      });
    }
    pending.clear();
  };
  socket.addEventListener('close', failAll);
  socket.addEventListener('error', failAll);
  socket.addEventListener('message', (e) => {
    let msg: { id?: number | null; result?: RpcResult; event?: string; payload?: unknown };
    try {
      msg = JSON.parse(String(e.data)) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.event === 'string') {
      for (const l of listeners) l({ event: msg.event, payload: msg.payload });
    } else if (typeof msg.id === 'number' && msg.result) {
      const done = pending.get(msg.id);
      pending.delete(msg.id);
      done?.(msg.result);
    }
  });
  return {
    async call(method, args) {
      await Promise.race([opened, new Promise<void>((r) => socket.addEventListener('close', () => r()))]);
      if (closed || socket.readyState !== OPEN) {
        return { ok: false, error: { code: 'failed', message: 'not connected to the Spinscope server' } };
      }
      const id = nextId++;
      return new Promise<RpcResult>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, args }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      socket.close();
    },
  };
}
