/**
 * Spinscope's renderer needs no browser permission and no embedded pages: every request is refused.
 * One decision per line; adding a permission means adding a line here and a test for it.
 */
import type { Session, WebContents } from 'electron';

type PermissionHandlers = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

export function denyAllPermissions(session: PermissionHandlers): void {
  // Prompts (camera, microphone, notifications, geolocation, MIDI, ...): always refused.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  // Silent checks (navigator.permissions.query, clipboard read, ...): always "not granted".
  session.setPermissionCheckHandler(() => false);
  // Hardware (USB, HID, serial devices): never handed to the page.
  session.setDevicePermissionHandler(() => false);
}

export function denyWebviews(contents: Pick<WebContents, 'on'>): void {
  // <webview> would embed another page, possibly with its own preload: never attached.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
