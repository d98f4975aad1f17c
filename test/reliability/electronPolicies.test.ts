/**
 * The Electron security policies (issue 9, security), with `electron` mocked as everywhere in the
 * tests: each policy has its own unit test in test/unit/app (checked here by name, so removing one
 * fails this suite), each is fed hostile inputs here (links, navigations, IPC senders), and
 * shell.openExternal is reached from exactly one place, behind the link allowlist.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { registerIpc } from '../../src-main/app/ipc.ts';
import { applyNavigationPolicy, isExternalLinkAllowed } from '../../src-main/app/navigationPolicy.ts';
import { isRendererUrl } from '../../src-main/app/remoteContentPolicy.ts';
import type { RpcResult } from '../../src-main/api/rpc.ts';
import { REPO_ROOT } from '../helpers/fixtures.ts';
import { Tally } from './outcomes.ts';

/** Policy → the unit test that specifies it: [file in test/unit/app, title pattern]. */
const POLICY_TESTS: Record<string, [string, RegExp]> = {
  sandbox: ['main.test.ts', /sandboxes every renderer/],
  'context isolation, no Node in the renderer': ['main.test.ts', /sandboxed, context-isolated window/],
  'content security policy': ['contentSecurityPolicy.test.ts', /allows no eval, plugins, frames/],
  'remote content blocked': ['remoteContentPolicy.test.ts', /./],
  navigation: ['navigationPolicy.test.ts', /refuses every in-page navigation/],
  'window.open': ['navigationPolicy.test.ts', /never opens an app window/],
  permissions: ['permissionPolicy.test.ts', /every permission check "not granted"/],
  '<webview>': ['permissionPolicy.test.ts', /never attaches a <webview>/],
  'IPC sender validation': ['main.test.ts', /refuses other senders/],
  'preload exposes no raw IPC': ['preload.test.ts', /no raw IPC/],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|vue|mjs|js)$/.test(n) ? [p] : [];
  });
}

describe('Electron security policies', () => {
  it('each policy has its own unit test', () => {
    const missing = Object.entries(POLICY_TESTS).filter(([, [file, title]]) => {
      const text = readFileSync(join(REPO_ROOT, 'test/unit/app', file), 'utf8');
      const titles = [...text.matchAll(/\bit\(\s*(['"`])(.*?)\1/g)].map((m) => m[2]!);
      return !titles.some((t) => title.test(t));
    });
    expect(missing.map(([p]) => p)).toEqual([]);
  });

  it('hostile links, navigations and IPC senders are all refused', async () => {
    const tally = new Tally('Electron policies (hostile inputs)', 'inputs');
    // Links a page could ask to open: none may reach shell.openExternal.
    const links = [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'http://arxiv.org/abs/2408.06421',
      'https://evil.example/',
      'https://arxiv.org.evil.example/',
      'https://user:pass@arxiv.org/',
      'https://arxiv.org:8443/',
      'smb://server/share',
      'ms-settings:privacy',
      'https://xn--rxiv-5na.org/',
      'https://arxiv.org@evil.example/',
      'https://evil.example\\@arxiv.org/',
      'not a url',
    ];
    const opened = vi.fn();
    let handler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const navigations: ((e: { preventDefault(): void }, url: string) => void)[] = [];
    applyNavigationPolicy(
      { setWindowOpenHandler: (h) => (handler = h), on: (_e, l) => navigations.push(l) },
      opened,
    );
    for (const url of links) {
      const r = handler!({ url });
      const ok =
        r.action === 'deny' && !opened.mock.calls.some((c) => c[0] === url) && !isExternalLinkAllowed(url);
      tally.add(ok ? 'clearError' : 'crash', `window.open(${url})`);
      const prevent = vi.fn();
      for (const l of navigations) l({ preventDefault: prevent }, url);
      tally.add(prevent.mock.calls.length > 0 ? 'clearError' : 'crash', `navigate to ${url}`);
    }
    // The paper still opens in the system browser.
    handler!({ url: 'https://arxiv.org/abs/2408.06421' });
    expect(opened).toHaveBeenCalledWith('https://arxiv.org/abs/2408.06421');
    expect(opened).toHaveBeenCalledTimes(1);

    // IPC: only frames showing the app's own renderer files may call the API.
    const source = { rendererRoot: '/opt/spinscope/out/renderer' };
    let invoke: ((event: unknown, method: unknown, args: unknown) => Promise<RpcResult>) | undefined;
    const dispatched: string[] = [];
    registerIpc({
      ipcMain: { handle: (_c: string, h: typeof invoke) => (invoke = h), removeHandler: () => undefined },
      dispatch: async (m: string) => (dispatched.push(m), { ok: true, value: null }),
      isTrustedSender: (url: string) => isRendererUrl(url, source),
    } as unknown as Parameters<typeof registerIpc>[0]);
    const senders = [
      '',
      'https://evil.example/index.html',
      'file:///etc/passwd',
      'file:///opt/spinscope/out/renderer/../../secret/index.html',
      'file:///opt/spinscope/out/renderer-evil/index.html',
      'file:///opt/spinscope/out/renderer%2f..%2f..%2fx.html',
      'devtools://devtools/bundled/inspector.html',
      'data:text/html,hi',
      'about:blank',
      'http://localhost:5173/',
    ];
    for (const url of senders) {
      const before = dispatched.length;
      const r = await invoke!({ senderFrame: url ? { url } : null }, 'app.ping', {});
      const refused = !r.ok && r.error.code === 'unauthorized' && dispatched.length === before;
      tally.add(refused ? 'clearError' : 'crash', `IPC from ${url || '(no frame)'}: ${JSON.stringify(r)}`);
    }
    const trusted = await invoke!(
      { senderFrame: { url: 'file:///opt/spinscope/out/renderer/index.html' } },
      'app.ping',
      {},
    );
    expect(trusted.ok).toBe(true);
    tally.add(trusted.ok ? 'valid' : 'crash', 'IPC from the renderer');
    tally.save();
    expect(tally.failures).toEqual([]);
  });

  it('shell.openExternal is called in one place only, behind the link allowlist', () => {
    const calls = ['src-main', 'src-renderer']
      .flatMap((d) => sources(join(REPO_ROOT, d)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /openExternal\s*\(/.test(line) ? [`${relative(REPO_ROOT, f)}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    // mainWindow.ts hands shell.openExternal to the navigation policy; the policy calls it only
    // for URLs isExternalLinkAllowed accepts (tested above).
    expect(calls.map((c) => c.split(':')[0])).toEqual([
      'src-main/app/mainWindow.ts',
      'src-main/app/navigationPolicy.ts',
    ]);
    expect(calls[0]).toMatch(
      /applyNavigationPolicy\(win\.webContents, \(url\) => void shell\.openExternal\(url\)\)/,
    );
    expect(calls[1]).toMatch(/if \(isExternalLinkAllowed\(url\)\) openExternal\(url\)/);
  });
});
