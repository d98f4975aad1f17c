/**
 * The CSP header: the meta tag of src-renderer/index.html (a renderer that needs a new source must
 * get it in both places, or `npm run dev` breaks), with connections narrowed to 'self' and frames
 * refused.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Session } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  applyContentSecurityPolicy,
  CONTENT_SECURITY_POLICY,
  withContentSecurityPolicy,
} from '../../../src-main/app/contentSecurityPolicy.ts';
import { FakeSession } from '../../mocks/electron.ts';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources.join(' ')]),
  );
}

describe('Content-Security-Policy header', () => {
  it("repeats index.html's meta tag, narrowing connections to 'self' (the desktop app uses IPC)", () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'index.html has a CSP meta tag').toBeDefined();
    const header = directives(CONTENT_SECURITY_POLICY);
    for (const [name, sources] of directives(meta!)) {
      if (name !== 'connect-src') expect(header.get(name), name).toBe(sources);
    }
    expect(header.get('connect-src')).toBe("'self'");
  });

  it('allows no eval, plugins, frames, form posts or <base> rewriting', () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    expect(header.get('script-src')).toBe("'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    for (const name of ['object-src', 'frame-src', 'frame-ancestors', 'form-action', 'base-uri']) {
      expect(header.get(name), name).toBe("'none'");
    }
  });

  it("adds the policy to a response's headers and keeps a policy the server sent", () => {
    const headers = withContentSecurityPolicy({
      'content-type': ['text/html'],
      'content-security-policy': ["img-src 'none'"],
    });
    expect(headers['content-type']).toEqual(['text/html']);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Security-Policy']).toEqual(["img-src 'none'", CONTENT_SECURITY_POLICY]);
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it("sets the header on the app's pages only, not on DevTools", () => {
    const session = new FakeSession();
    const rendererRoot = '/opt/Spinscope/out/renderer';
    applyContentSecurityPolicy(session as unknown as Session, {
      rendererRoot,
      devServer: 'http://localhost:5173',
    });
    const respond = (url: string): Record<string, unknown> => {
      const callback = vi.fn();
      session.webRequest.headersReceived!(
        { url, responseHeaders: { 'content-type': ['text/html'] } },
        callback,
      );
      return callback.mock.calls[0][0];
    };
    expect(respond('http://localhost:5173/')).toEqual({
      responseHeaders: {
        'content-type': ['text/html'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
    expect(respond(pathToFileURL(`${rendererRoot}/index.html`).href).responseHeaders).toBeDefined();
    expect(respond('devtools://devtools/bundled/devtools_app.html')).toEqual({});
  });
});
