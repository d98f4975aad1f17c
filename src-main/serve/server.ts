/**
 * The served mode: the built renderer over HTTP and the API over a WebSocket, from Node, so that a
 * browser (on this machine, or on a laptop through an SSH tunnel) is the app.
 *
 * Security: loopback by default; a random token, given once in the printed URL, then kept in an
 * HttpOnly SameSite=Strict cookie, is required on every request and on the WebSocket; the Host
 * header must name this server (DNS rebinding) and any Origin must be this server's; static files
 * are confined to the renderer's build folder (symlinks resolved); strict security headers.
 * Bounded (issue 9): tokens are compared in constant time (hashed first, so not even the length
 * leaks); a request body is refused (413: the HTTP side only serves files) and a WebSocket message
 * may be at most MAX_MESSAGE bytes; an address that failed the token FAILED_TOKEN_LIMIT times in
 * FAILED_TOKEN_WINDOW_MS is answered 429 until the window has passed, token or not.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /** Failed token checks per address allowed in the window (default FAILED_TOKEN_LIMIT). */
  failedTokenLimit?: number;
  /** The window of the failed-token limit, in ms (default FAILED_TOKEN_WINDOW_MS). */
  failedTokenWindowMs?: number;
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'spinscope_token';
/** Largest WebSocket message accepted (bytes); the API's largest argument is a few KB. */
export const MAX_MESSAGE = 4 << 20;
/** Failed token checks from one address before it is refused (429) for the rest of the window. */
export const FAILED_TOKEN_LIMIT = 20;
export const FAILED_TOKEN_WINDOW_MS = 60_000;
/** Most addresses whose failures are remembered (the oldest are forgotten first). */
const MAX_TRACKED_ADDRESSES = 10_000;

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

/** Constant-time comparison: both sides hashed to 32 bytes, so neither content nor length leaks. */
function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * Failed token checks per remote address in a fixed window: guessing is hopeless against a
 * 256-bit token anyway, but the log stays quiet and a scanner stops costing anything.
 */
class FailedTokens {
  private readonly seen = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private entry(addr: string, now: number): { count: number; since: number } | undefined {
    const e = this.seen.get(addr);
    if (e && now - e.since >= this.windowMs) {
      this.seen.delete(addr);
      return undefined;
    }
    return e;
  }

  /** Seconds until `addr` may try again, or 0 when it is not blocked. */
  blockedFor(addr: string, now = Date.now()): number {
    const e = this.entry(addr, now);
    return e && e.count >= this.limit ? Math.ceil((e.since + this.windowMs - now) / 1000) : 0;
  }

  fail(addr: string, now = Date.now()): void {
    const e = this.entry(addr, now);
    if (e) e.count++;
    else {
      if (this.seen.size >= MAX_TRACKED_ADDRESSES) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(addr, { count: 1, since: now });
    }
  }
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
  const failures = new FailedTokens(
    opts.failedTokenLimit ?? FAILED_TOKEN_LIMIT,
    opts.failedTokenWindowMs ?? FAILED_TOKEN_WINDOW_MS,
  );
  /** 'ok', 'denied' (counted as a failure) or the seconds an address must wait (rate limited). */
  const authorise = (req: IncomingMessage, url: URL): 'ok' | 'denied' | number => {
    const addr = req.socket.remoteAddress ?? '?';
    const wait = failures.blockedFor(addr);
    if (wait > 0) return wait;
    const ok =
      sameSecret(url.searchParams.get('token') ?? undefined, token) || sameSecret(cookieToken(req), token);
    if (ok) return 'ok';
    failures.fail(addr);
    return 'denied';
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Nothing here reads a request body: refuse one instead of letting Node drain it.
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
      res.setHeader('Connection', 'close'); // Node closes the socket after the answer, unread body and all
      return refuse(res, 413, 'Spinscope: request bodies are not accepted');
    }
    const peer = checkPeer(req);
    if (peer) return refuse(res, 403, `Spinscope: ${peer}`);
    const auth = authorise(req, url);
    if (typeof auth === 'number') {
      res.setHeader('Retry-After', String(auth));
      return refuse(res, 429, `Spinscope: too many failed tokens from this address; try again in ${auth} s`);
    }
    if (auth === 'denied') {
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

  // Slow clients (one header byte a second) cannot hold connections for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

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
    const auth = authorise(req, url);
    if (typeof auth === 'number') return fail(429, 'Too Many Requests');
    if (auth === 'denied') return fail(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // A message over maxPayload (or a malformed frame) is reported here, and ws closes the
      // connection (1009/1002) itself; without a listener the error would end the whole server.
      ws.on('error', () => ws.terminate());
      // Every message gets one answer and nothing a client sends can throw here: a rejected promise
      // in this handler would end the whole server (found by the reliability suite, issue 9: the
      // messages `null` and {"method":{"toString":1}} did).
      const answer = (id: unknown, result: RpcResult): void => {
        const echo = typeof id === 'number' || (typeof id === 'string' && id.length <= 200) ? id : null;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: echo, result }));
      };
      const malformed: RpcResult = {
        ok: false,
        error: { code: 'bad-request', message: 'messages are JSON {id, method, args} with a method name' },
      };
      ws.on('message', (data, isBinary) => {
        let parsed: unknown = null;
        try {
          if (!isBinary) parsed = JSON.parse(data.toString());
        } catch {
          parsed = null;
        }
        const msg =
          parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
            ? (parsed as { id?: unknown; method?: unknown; args?: unknown })
            : null;
        if (msg === null || typeof msg.method !== 'string') return answer(msg?.id, malformed);
        const { id, method, args } = msg;
        opts.dispatch(method, args).then(
          (result) => answer(id, result),
          (e: unknown) =>
            answer(id, {
              ok: false,
              error: { code: 'internal', message: e instanceof Error ? e.message : String(e) },
            }),
        );
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
