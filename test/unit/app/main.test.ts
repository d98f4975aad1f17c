/**
 * The Electron main process with `electron` mocked (the binary cannot be downloaded here): it must
 * open one sandboxed, context-isolated window with the bundled preload and renderer.
 */
import { describe, expect, it, vi } from 'vitest';

const created: { options: Record<string, unknown>; loaded: string[] }[] = [];
const handlers: Record<string, () => void> = {};

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { setWindowOpenHandler: vi.fn(), on: vi.fn() };
    record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      created.push(this.record);
    }
    loadFile(f: string): Promise<void> {
      this.record.loaded.push(f);
      return Promise.resolve();
    }
    loadURL(u: string): Promise<void> {
      this.record.loaded.push(u);
      return Promise.resolve();
    }
    once(): void {}
    static getAllWindows(): unknown[] {
      return created;
    }
  }
  return {
    app: {
      whenReady: () => Promise.resolve(),
      on: (event: string, fn: () => void) => (handlers[event] = fn),
      quit: vi.fn(),
    },
    BrowserWindow,
    shell: { openExternal: vi.fn() },
  };
});

describe('Electron main process', () => {
  it('opens one sandboxed, context-isolated window with the preload and the built renderer', async () => {
    delete process.env.ELECTRON_RENDERER_URL;
    await import('../../../src-main/app/main.ts');
    await new Promise((r) => setTimeout(r, 0));
    expect(created).toHaveLength(1);
    const prefs = created[0].options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.sandbox).toBe(true);
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(created[0].loaded[0]).toMatch(/renderer[\\/]index\.html$/);
    expect(handlers['window-all-closed']).toBeTypeOf('function');
  });
});
