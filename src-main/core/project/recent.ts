/**
 * The list of recently opened projects, kept in the user's app-data folder (recent.json). It is a
 * convenience: it never throws. A corrupt file is moved aside to recent.json.corrupt-<time> (kept for
 * the user) and the list starts empty; a failed write is remembered in `lastProblem`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './atomic.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { messageOf } from './problems.ts';

export const RECENT_SCHEMA = 'spinscope.recent/1';
export const MAX_RECENT = 20;

/**
 * Spinscope's folder for per-user settings: $XDG_CONFIG_HOME/spinscope (default ~/.config/spinscope)
 * on Linux, ~/Library/Application Support/Spinscope on macOS, %APPDATA%\Spinscope on Windows.
 */
export function defaultAppDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Spinscope');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Spinscope');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'spinscope');
}

/** recent.json in the default app-data folder. */
export function defaultRecentFile(): string {
  return join(defaultAppDataDir(), 'recent.json');
}

const entrySchema = z.object({ dir: z.string().min(1), name: z.string(), openedAt: z.string() });
const fileSchema = z.object({ schema: z.literal(RECENT_SCHEMA), projects: z.array(z.unknown()) });

export interface RecentProject {
  /** Absolute path of the project folder. */
  dir: string;
  name: string;
  /** ISO 8601 time it was last opened. */
  openedAt: string;
  /** Whether the folder still holds a project (it may have been moved or deleted). */
  exists: boolean;
}

export class RecentProjects {
  /** The last thing that went wrong (a corrupt file moved aside, a failed write); null if none. */
  lastProblem: string | null = null;

  /** `file`: the recent-projects file, e.g. join(defaultAppDataDir(), 'recent.json'). */
  constructor(readonly file: string) {}

  /** Most recently opened first. */
  list(): RecentProject[] {
    return this.read().map((e) => ({ ...e, exists: existsSync(join(e.dir, MANIFEST_FILE)) }));
  }

  /** Puts the project first (moving it up if listed), keeping at most MAX_RECENT entries. */
  add(dir: string, name: string): void {
    const abs = resolve(dir);
    const rest = this.read().filter((e) => e.dir !== abs);
    this.write([{ dir: abs, name, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT));
  }

  remove(dir: string): void {
    const abs = resolve(dir);
    const entries = this.read();
    const kept = entries.filter((e) => e.dir !== abs);
    if (kept.length !== entries.length) this.write(kept);
  }

  private read(): Omit<RecentProject, 'exists'>[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.lastProblem = `cannot read ${this.file}: ${messageOf(e)}`;
      }
      return [];
    }
    try {
      const parsed = fileSchema.parse(JSON.parse(text));
      // A damaged entry is dropped; the others stay.
      return parsed.projects.flatMap((p) => {
        const e = entrySchema.safeParse(p);
        return e.success ? [e.data] : [];
      });
    } catch (e) {
      this.setAside(messageOf(e));
      return [];
    }
  }

  /** Moves a corrupt file aside (not deleted: the user may want it back) so the list can start over. */
  private setAside(why: string): void {
    const backup = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.file, backup);
      this.lastProblem = `${this.file} was corrupt (${why.slice(0, 200)}); it was moved to ${backup} and the list starts empty`;
    } catch (e) {
      this.lastProblem = `${this.file} is corrupt and could not be moved aside: ${messageOf(e)}`;
    }
  }

  private write(entries: Omit<RecentProject, 'exists'>[]): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeJsonAtomic(this.file, { schema: RECENT_SCHEMA, projects: entries });
    } catch (e) {
      this.lastProblem = messageOf(e);
    }
  }
}
