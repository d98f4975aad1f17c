/**
 * The renderer is granted no browser permission and can embed no other page: every permission
 * prompt, permission check and device request is refused, and <webview> never attaches.
 */
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { denyAllPermissions, denyWebviews } from '../../../src-main/app/permissionPolicy.ts';
import { fakeEvent, FakeSession, FakeWebContents } from '../../mocks/electron.ts';

function sessionWithPolicy(): FakeSession {
  const session = new FakeSession();
  denyAllPermissions(session as unknown as Session);
  return session;
}

describe('permission policy', () => {
  it.each(['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen'])(
    'refuses a %s permission request',
    (permission) => {
      const callback = vi.fn();
      sessionWithPolicy().permissionRequestHandler!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    },
  );

  it('answers every permission check "not granted"', () => {
    const check = sessionWithPolicy().permissionCheckHandler!;
    for (const permission of ['clipboard-sanitized-write', 'media', 'hid', 'unknown']) {
      expect(check(null, permission, 'file://', {})).toBe(false);
    }
  });

  it('hands no USB, HID or serial device to the page', () => {
    const check = sessionWithPolicy().devicePermissionHandler!;
    expect(check({ deviceType: 'usb', origin: 'file://', device: {} })).toBe(false);
    expect(check({ deviceType: 'serial', origin: 'file://', device: {} })).toBe(false);
  });

  it('never attaches a <webview>', () => {
    const contents = new FakeWebContents();
    denyWebviews(contents as unknown as WebContents);
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, { preload: '/tmp/evil.js' }, { src: 'https://example.org' });
    expect(event.defaultPrevented).toBe(true);
  });
});
