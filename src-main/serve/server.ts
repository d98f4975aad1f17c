/**
 * The served mode: the built renderer over HTTP and the API over a WebSocket, from Node, so that a
 * browser (on this machine, or on a laptop through an SSH tunnel) is the app.
 *
 * Security: loopback by default; a random token, given once in the printed URL, then kept in an
 * HttpOnly SameSite=Strict cookie, is required on every request and on the WebSocket; the Host
 * header must name this server (DNS rebinding) and any Origin must be this server's; static files
 * are confined to the renderer's build folder (symlinks resolved); strict security headers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent, RpcResult } from '../api/rpc.ts';

export interface ServeOptions {
  /** Folder of the built renderer (index.html, assets/). */
  rendererDir: string;
  dispatch: (method: string, args: unknown) => Promise<RpcResult>;
  /** Server events to push to every connected client. */
  subscribe?: (listener: (e: ApiEvent) => void) => () => void;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'spinscope_token';
const MAX_MESSAGE = 4 << 20;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export async function startServer(opts: ServeOptions): Promise<Served> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(32).toString('hex');
  const root = realpathSync(resolve(opts.rendererDir));
  const hostnames = new Set([host.includes(':') ? `[${host}]` : host, 'localhost', '127.0.0.1', '[::1]']);

  const headers = (res: ServerResponse, req?: IncomingMessage): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; ` +
        `connect-src 'self'${req?.headers.host ? ` ws://${req.headers.host}` : ''}; frame-ancestors 'none'; ` +
        `base-uri 'none'; form-action 'none'`,
    );
  };
  const refuse = (res: ServerResponse, status: number, text: string): void => {
    headers(res);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text + '\n');
  };

  /**
   * Host and Origin checks shared by HTTP and the WebSocket upgrade; an error text or null. The Host
   * must be this server's name or loopback (any port: an SSH tunnel may forward another one), which
   * defeats DNS rebinding; an Origin must be exactly the origin the browser reached us at, which
   * rejects pages of other sites — including other servers on localhost, which share our cookie.
   */
  const checkPeer = (req: IncomingMessage): string | null => {
    const h = req.headers.host ?? '';
    const name = h.replace(/:\d+$/, '');
    if (!hostnames.has(name)) return `unexpected Host header ${JSON.stringify(h)}`;
    const o = req.headers.origin;
    if (o !== undefined && o !== `http://${h}`) return `requests from ${o} are not allowed`;
    return null;
  };
  const authorised = (req: IncomingMessage, url: URL): boolean =>
    sameSecret(url.searchParams.get('token') ?? undefined, token) || sameSecret(cookieToken(req), token);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const peer = checkPeer(req);
    if (peer) return refuse(res, 403, `Spinscope: ${peer}`);
    if (!authorised(req, url)) {
      return refuse(res, 401, 'Spinscope: open the URL with the token that `spinscope serve` printed');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'Spinscope: method not allowed');
    if (url.searchParams.has('token')) {
      // Keep the token in a cookie and drop it from the address bar (and from history).
      headers(res);
      res.writeHead(303, {
        'Set-Cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
      });
      return res.end();
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, 400, 'Spinscope: bad path');
    }
    if (rel.includes('\0')) return refuse(res, 400, 'Spinscope: bad path');
    if (rel.endsWith('/')) rel += 'index.html';
    let file: string;
    try {
      file = realpathSync(join(root, rel));
    } catch {
      return refuse(res, 404, 'Spinscope: not found');
    }
    if (file !== root && !file.startsWith(root + sep)) return refuse(res, 404, 'Spinscope: not found');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return refuse(res, 404, 'Spinscope: not found');
      size = st.size;
    } catch {
      return refuse(res, 404, 'Spinscope: not found');
    }
    headers(res, req);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const fail = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api') return fail(404, 'Not Found');
    const peer = checkPeer(req);
    if (peer || req.headers.origin === undefined) return fail(403, 'Forbidden');
    if (!authorised(req, url)) return fail(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', (data, isBinary) => {
        void (async () => {
          let msg: { id?: unknown; method?: unknown; args?: unknown };
          try {
            if (isBinary) throw new Error('binary');
            msg = JSON.parse(data.toString()) as typeof msg;
          } catch {
            ws.send(
              JSON.stringify({
                id: null,
                result: {
                  ok: false,
                  error: { code: 'bad-request', message: 'messages are JSON {id, method, args}' },
                },
              }),
            );
            return;
          }
          const result = await opts.dispatch(String(msg.method), msg.args);
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id ?? null, result }));
        })();
      });
    });
  });
  const unsubscribe = opts.subscribe?.((e) => {
    const text = JSON.stringify(e);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: async () => {
      unsubscribe?.();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
    },
  };
}
