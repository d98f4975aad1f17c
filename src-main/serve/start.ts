/**
 * Assembles the served mode: worker processes by child_process.fork, the job supervisor, the
 * backend of the contract, and the HTTP + WebSocket server. `spinscope serve` and the end-to-end
 * tests start it; the Electron main process assembles the same backend with utilityProcess
 * workers and IPC instead.
 */
import { createBackend } from '../api/backend.ts';
import type { ApiEvent } from '../api/rpc.ts';
import { RecentProjects, defaultRecentFile } from '../core/project/project.ts';
import { createForkHost } from '../jobs/forkHost.ts';
import { JobSupervisor } from '../jobs/supervisor.ts';
import { startServer, type Served } from './server.ts';

export interface BackendServerOptions {
  rendererDir: string;
  host?: string;
  port?: number;
  concurrency?: number;
  /** Open this project at start (create it with `create`). */
  project?: string;
  create?: boolean;
  /** The recent-projects file (default: in the user's app-data folder). */
  recentFile?: string;
  token?: string;
}

export async function startBackendServer(opts: BackendServerOptions): Promise<Served> {
  const listeners = new Set<(e: ApiEvent) => void>();
  const supervisor = new JobSupervisor({ host: createForkHost(), concurrency: opts.concurrency });
  const backend = createBackend({
    supervisor,
    recent: new RecentProjects(opts.recentFile ?? defaultRecentFile()),
    transport: 'websocket',
    emit: (e) => {
      for (const l of listeners) l(e);
    },
    onUnexpected: (method, error) => console.error(`spinscope serve: ${method} failed unexpectedly:`, error),
  });
  if (opts.project) await backend.open(opts.project, opts.create);
  const served = await startServer({
    rendererDir: opts.rendererDir,
    host: opts.host,
    port: opts.port,
    token: opts.token,
    dispatch: backend.dispatch,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  });
  return {
    ...served,
    close: async () => {
      await served.close();
      await backend.dispose();
    },
  };
}
