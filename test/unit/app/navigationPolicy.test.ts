import { describe, expect, it, vi } from 'vitest';
import { applyNavigationPolicy, isExternalLinkAllowed } from '../../../src-main/app/navigationPolicy.ts';

describe('renderer navigation policy', () => {
  it('sends only https links to the system browser and never opens an app window', () => {
    let handler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents = { setWindowOpenHandler: (h: typeof handler) => (handler = h), on: vi.fn() };
    const open = vi.fn();
    applyNavigationPolicy(contents, open);
    expect(handler!({ url: 'https://arxiv.org/abs/2408.06421' })).toEqual({ action: 'deny' });
    expect(handler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledWith('https://arxiv.org/abs/2408.06421');
  });

  it('refuses every in-page navigation', () => {
    const listeners: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
    applyNavigationPolicy(
      { setWindowOpenHandler: () => undefined, on: (ev, l) => (listeners[ev] = l) },
      vi.fn(),
    );
    const prevent = vi.fn();
    listeners['will-navigate']({ preventDefault: prevent }, 'https://example.org');
    expect(prevent).toHaveBeenCalled();
    expect(isExternalLinkAllowed('not a url')).toBe(false);
  });
});
