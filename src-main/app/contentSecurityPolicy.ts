/**
 * The renderer's Content Security Policy, sent as a response header in addition to the meta tag in
 * src-renderer/index.html. Both apply (a page obeys every policy it is given), so the header can
 * only narrow the meta tag. It repeats the meta tag's directives except connect-src, which it
 * narrows to 'self': the desktop renderer talks to the backend over IPC, and the loopback
 * WebSockets the meta tag allows belong to the served mode in a browser. file:// responses may
 * carry no headers at all, so for the built app the meta tag remains the policy; the header is a
 * second layer wherever there are headers (the dev server under `npm run dev`).
 */
import type { Session } from 'electron';
import { isRendererUrl, type RendererSource } from './remoteContentPolicy.ts';

export const CONTENT_SECURITY_POLICY = [
  // As in index.html: own scripts only, no eval; inline styles for Vite's dev server.
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // The bundled font (styles.css) and nothing else: no font from the network.
  "font-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  // Narrower than index.html: no WebSocket to a local server ('self' still covers Vite's reload socket).
  "connect-src 'self'",
  // Beyond index.html: no frames either way (frame-ancestors only works as a header).
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `headers` with our policy added; a policy already there is kept (it can only narrow further). */
export function withContentSecurityPolicy(headers: Record<string, string[]> = {}): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const policies: string[] = [];
  for (const [name, values] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-security-policy') policies.push(...values);
    else result[name] = values;
  }
  result['Content-Security-Policy'] = [...policies, CONTENT_SECURITY_POLICY];
  return result;
}

/** Adds the policy to every response of the app's own pages (not DevTools', which has its own). */
export function applyContentSecurityPolicy(
  session: Pick<Session, 'webRequest'>,
  source: RendererSource,
): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isRendererUrl(details.url, source)) return callback({});
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}
