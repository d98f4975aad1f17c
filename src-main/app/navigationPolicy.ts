/**
 * The renderer never navigates away from the app and never opens windows: one decision per line.
 */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
}

/** Only https links may leave the app, and only to the system browser. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export function applyNavigationPolicy(contents: GuardedContents, openExternal: (url: string) => void): void {
  // New windows: never inside the app; https links go to the system browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) openExternal(url);
    return { action: 'deny' };
  });
  // In-page navigation away from the bundled renderer: always refused.
  contents.on('will-navigate', (event) => event.preventDefault());
}
