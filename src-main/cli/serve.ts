/**
 * `spinscope serve`: the app in a browser. Serves the built renderer and the API (over a WebSocket)
 * from Node, with jobs in forked worker processes — the same backend as the desktop app's.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the workbench to a browser (loopback + token; use an SSH tunnel from a laptop)',
  usage: 'serve [--port N] [--host 127.0.0.1] [--project DIR [--create]] [--concurrency N]',
  options: {
    port: { type: 'string', description: 'port (default 0: a free one)' },
    host: { type: 'string', description: 'address to listen on (default 127.0.0.1)' },
    project: { type: 'string', description: 'open this project folder at start' },
    create: { type: 'boolean', description: 'with --project: create the project if the folder has none' },
    concurrency: { type: 'string', description: 'jobs at a time (default: cores − 1)' },
  },
  async run({ positionals, values }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0…65535');
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new UsageError('--concurrency must be a positive integer');
    }
    if (values.create && !values.project) throw new UsageError('--create needs --project DIR');
    const rendererDir = join(REPO_ROOT, 'out/renderer');
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new UsageError(
        `the renderer is not built (${rendererDir}/index.html is missing): run \`npm run build\` first`,
      );
    }
    const { startBackendServer } = await import('../serve/start.ts');
    const served = await startBackendServer({
      rendererDir,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port,
      concurrency,
      project: values.project as string | undefined,
      create: values.create === true,
    });
    console.log(`Spinscope serving at ${served.url}`);
    console.log(
      'Open it in a browser on this machine, or tunnel it: ssh -L PORT:127.0.0.1:PORT host. Ctrl-C stops.',
    );
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void served.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
