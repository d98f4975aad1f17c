/**
 * The main window reopens where the user left it: bounds and the maximized flag are kept in
 * `window-state.json` in the userData folder, and fitted back onto the displays that exist now (a
 * laptop undocked from its second monitor must not open its window off-screen).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/project/atomic.ts';

/** Position (optional: without it the OS centres the window) and size in screen pixels (DIP). */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
/** A floor for remembered sizes: a window once dragged down to a sliver reopens usable. */
export const MIN_WINDOW_SIZE = { width: 720, height: 480 } as const;

const windowStateSchema = z.object({
  x: z.number().optional(),
  y: z.number().optional(),
  width: z.number().positive(),
  height: z.number().positive(),
  maximized: z.boolean(),
});

export function windowStateFile(userDataDir: string): string {
  return join(userDataDir, 'window-state.json');
}

/** The remembered state, or the defaults when the file is missing or corrupt. Never throws. */
export function readWindowState(file: string): WindowState {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE; // missing, unreadable or not JSON: nothing remembered yet
  }
}

/** Atomic (temp file + rename, core/project/atomic.ts): a crash never leaves half a file. Throws on failure. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeJsonAtomic(file, state);
}

function overlapArea(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The display holding the largest part of `rect`, or undefined when `rect` is on none of them. */
function displayOverlappingMost(rect: Rectangle, displays: readonly Rectangle[]): Rectangle | undefined {
  let home: Rectangle | undefined;
  let best = 0;
  for (const display of displays) {
    const area = overlapArea(rect, display);
    if (area > best) [home, best] = [display, area];
  }
  return home;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * Fits a remembered state onto the displays' work areas (`displays[0]` is the primary display).
 * The window moves wholly inside the display it overlaps most and shrinks to fit it; a window that
 * overlaps no display (its monitor is gone) loses its position, so the OS centres it on the primary
 * display, sized to fit there. Sizes never drop below MIN_WINDOW_SIZE unless the display is smaller.
 */
export function fitToDisplays(state: WindowState, displays: readonly Rectangle[]): WindowState {
  const { x, y, maximized } = state;
  const wanted = {
    width: Math.max(Math.round(state.width), MIN_WINDOW_SIZE.width),
    height: Math.max(Math.round(state.height), MIN_WINDOW_SIZE.height),
  };
  const placed = x !== undefined && y !== undefined ? { x, y, ...wanted } : undefined;
  const home = placed && displayOverlappingMost(placed, displays);
  const area = home ?? displays[0];
  if (!area) return { ...wanted, maximized }; // no display information: let the OS decide
  const width = Math.min(wanted.width, area.width);
  const height = Math.min(wanted.height, area.height);
  if (!home || !placed) return { width, height, maximized };
  return {
    x: clamp(Math.round(placed.x), area.x, area.x + area.width - width),
    y: clamp(Math.round(placed.y), area.y, area.y + area.height - height),
    width,
    height,
    maximized,
  };
}

/** What to remember: the un-maximized bounds (so un-maximizing later restores them) and the flag. */
export function captureWindowState(win: Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized'>): WindowState {
  const { x, y, width, height } = win.getNormalBounds();
  return { x, y, width, height, maximized: win.isMaximized() };
}

/** Saves the window's state when it closes; a failed save is logged and never blocks closing. */
export function rememberWindowState(win: BrowserWindow, file: string): void {
  win.on('close', () => {
    try {
      writeWindowState(file, captureWindowState(win));
    } catch (e) {
      console.warn(`Spinscope could not remember the window position: ${(e as Error).message}`);
    }
  });
}
