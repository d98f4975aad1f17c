/**
 * The renderer never navigates away from the app and never opens windows: one decision per line.
 */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
}

/**
 * Sites the app itself links to (the paper, DOIs, the code). shell.openExternal hands a URL to the
 * system, so what reaches it is never decided by page content (issue 9): a link elsewhere is dropped.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['arxiv.org', 'doi.org', 'github.com'];

/** Only https links, without credentials or odd ports, to the sites above; only to the system browser. */
export function isExternalLinkAllowed(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    u.port === '' &&
    EXTERNAL_LINK_HOSTS.includes(u.hostname)
  );
}

export function applyNavigationPolicy(contents: GuardedContents, openExternal: (url: string) => void): void {
  // New windows: never inside the app; links to the known sites go to the system browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) openExternal(url);
    return { action: 'deny' };
  });
  // In-page navigation away from the bundled renderer: always refused.
  contents.on('will-navigate', (event) => event.preventDefault());
}
