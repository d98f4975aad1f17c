/**
 * The window reopens where it was closed, always fully on a display that exists now; a missing or
 * corrupt state file means the defaults, never an error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow as ElectronWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureWindowState,
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  MIN_WINDOW_SIZE,
  readWindowState,
  rememberWindowState,
  windowStateFile,
  writeWindowState,
} from '../../../src-main/app/windowState.ts';
import { BrowserWindow } from '../../mocks/electron.ts';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
/** A second monitor to the left of the laptop (negative coordinates, as on every OS). */
const leftMonitor = { x: -2560, y: -200, width: 2560, height: 1400 };

describe('window state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spinscope-window-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what was written, and leaves no temporary file behind', () => {
    const file = windowStateFile(join(dir, 'userData'));
    const state = { x: -1800, y: 40, width: 1500, height: 900, maximized: true };
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    expect(readdirSync(join(dir, 'userData'))).toEqual(['window-state.json']);
  });

  it('gives the defaults for a missing file, broken JSON, a wrong shape or a folder in its place', () => {
    const file = join(dir, 'window-state.json');
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, '{"x": 10, "y": 20, "wid');
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, JSON.stringify({ width: -5, height: 700, maximized: false }));
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, JSON.stringify({ width: 900, height: 700, maximized: 'yes' }));
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(file, 'null');
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    expect(readWindowState(folder)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('remembers the un-maximized bounds and the maximized flag when the window closes', () => {
    const file = join(dir, 'window-state.json');
    const win = new BrowserWindow({ x: 30, y: 40, width: 1000, height: 700 });
    rememberWindowState(win as unknown as ElectronWindow, file);
    win.maximize();
    win.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 30,
      y: 40,
      width: 1000,
      height: 700,
      maximized: true,
    });
    expect(captureWindowState(win)).toEqual({ x: 30, y: 40, width: 1000, height: 700, maximized: true });
  });

  it('lets the window close when the state cannot be saved, and says why', () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const win = new BrowserWindow();
    rememberWindowState(win as unknown as ElectronWindow, join(blocker, 'window-state.json'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => win.close()).not.toThrow();
    expect(win.destroyed).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not remember the window position'));
    warn.mockRestore();
  });
});

describe('fitting the remembered window onto the displays', () => {
  it('keeps a window that is fully on a display where it was', () => {
    const state = { x: 100, y: 50, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop, leftMonitor])).toEqual(state);
    const onLeft = { x: -2400, y: -100, width: 1600, height: 1000, maximized: true };
    expect(fitToDisplays(onLeft, [laptop, leftMonitor])).toEqual(onLeft);
  });

  it('pulls a window hanging over an edge back inside the display holding most of it', () => {
    expect(fitToDisplays({ x: 900, y: 500, width: 1000, height: 700, maximized: false }, [laptop])).toEqual({
      x: 440,
      y: 175,
      width: 1000,
      height: 700,
      maximized: false,
    });
    // Mostly on the left monitor (1000 px of 1200): it goes there, not onto the laptop.
    expect(
      fitToDisplays({ x: -1000, y: 0, width: 1200, height: 800, maximized: false }, [laptop, leftMonitor]),
    ).toEqual({ x: -1200, y: 0, width: 1200, height: 800, maximized: false });
  });

  it('lets the OS centre a window whose monitor is gone, sized to fit the primary display', () => {
    const onUnpluggedMonitor = { x: -2400, y: -100, width: 2000, height: 1200, maximized: true };
    expect(fitToDisplays(onUnpluggedMonitor, [laptop])).toEqual({
      width: 1440,
      height: 875,
      maximized: true,
    });
  });

  it('shrinks a window larger than its display, and grows a sliver to the minimum size', () => {
    expect(fitToDisplays({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, [laptop])).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 875,
      maximized: false,
    });
    expect(fitToDisplays({ x: 10, y: 10, width: 50, height: 20, maximized: false }, [laptop])).toEqual({
      x: 10,
      y: 10,
      ...MIN_WINDOW_SIZE,
      maximized: false,
    });
  });

  it('rounds to whole pixels, and keeps a state without a position unplaced', () => {
    expect(
      fitToDisplays({ x: 10.6, y: 20.2, width: 1000.4, height: 700.5, maximized: false }, [laptop]),
    ).toEqual({
      x: 11,
      y: 20,
      width: 1000,
      height: 701,
      maximized: false,
    });
    expect(fitToDisplays(DEFAULT_WINDOW_STATE, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    expect(fitToDisplays({ x: 5, width: 1000, height: 700, maximized: false }, [laptop])).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(fitToDisplays({ x: 5, y: 5, width: 1000, height: 700, maximized: false }, [])).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
  });
});
