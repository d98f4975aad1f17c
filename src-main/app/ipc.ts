/**
 * The contract over Electron IPC: one channel for calls (`spinscope:api`, answered by the backend's
 * dispatcher, which never throws) and one for server events (`spinscope:event`). Calls are accepted
 * only from the app's own renderer (the sender frame's URL is checked on every call).
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiEvent, RpcResult } from '../api/rpc.ts';

export const API_CHANNEL = 'spinscope:api';
export const EVENT_CHANNEL = 'spinscope:event';

export interface IpcBinding {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: (method: string, args: unknown) => Promise<RpcResult>;
  /** Whether a frame at this URL is the app's renderer. */
  isTrustedSender: (url: string) => boolean;
}

export function registerIpc(b: IpcBinding): () => void {
  b.ipcMain.handle(
    API_CHANNEL,
    async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<RpcResult> => {
      const url = event.senderFrame?.url ?? '';
      if (!b.isTrustedSender(url)) {
        return {
          ok: false,
          error: {
            code: 'unauthorized',
            message: `calls from ${url || 'an unknown frame'} are not accepted`,
          },
        };
      }
      return b.dispatch(typeof method === 'string' ? method : String(method), args);
    },
  );
  return () => b.ipcMain.removeHandler(API_CHANNEL);
}

/** Sends a server event to every live window. */
export function broadcast(targets: () => Pick<WebContents, 'send' | 'isDestroyed'>[], e: ApiEvent): void {
  for (const wc of targets()) if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, e);
}
