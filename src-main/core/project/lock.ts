/**
 * The project lock (issue 9): one Spinscope at a time works on a project folder. Two app windows,
 * two `spinscope serve` processes, or an app and a server on the same folder would otherwise write
 * the same run folders, analyses and manifest at once.
 *
 * The lock is a small JSON file, spinscope.lock, in the project folder:
 *   {"schema":"spinscope.lock/1","pid":1234,"host":"lab-laptop","started":"2026-…Z","app":"spinscope serve","version":"0.1.0","instance":"…"}
 * It is created whole or not at all: written to a temporary file, then hard-linked to its name
 * (link fails if the name exists, on every local file system; where hard links are refused, an
 * exclusive create is used instead). It is released (deleted) when the project is closed.
 *
 * A lock whose process is gone is stale and is taken over: on this host, a pid that no longer runs
 * (a crash, kill -9, a power cut); on another host its pid cannot be checked, so the message names
 * the host and says how to remove the lock by hand. A lock file that cannot be read is treated like
 * one from a dead process once it is older than a few seconds (its writer died before writing it
 * through).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { VERSION } from '../util/version.ts';
import { ProjectError } from './problems.ts';

export const LOCK_FILE = 'spinscope.lock';
export const LOCK_SCHEMA = 'spinscope.lock/1';
/** An unreadable lock file younger than this may still be being written. */
const UNREADABLE_GRACE_MS = 5000;

const ownerSchema = z.object({
  schema: z.literal(LOCK_SCHEMA),
  pid: z.number().int().positive(),
  host: z.string().max(256),
  started: z.string().max(64),
  app: z.string().max(100),
  version: z.string().max(64),
  /** Tells two holders in one process apart (two backends in one app). */
  instance: z.string().max(64),
});

export type LockOwner = z.infer<typeof ownerSchema>;

export class ProjectLockedError extends ProjectError {
  override name = 'ProjectLockedError';
  constructor(
    path: string,
    message: string,
    readonly owner: LockOwner,
  ) {
    super(path, message);
  }
}

export interface ProjectLock {
  /** The project folder (absolute). */
  readonly root: string;
  readonly file: string;
  readonly owner: LockOwner;
  /** Stale locks taken over to get this one (their owners). */
  readonly recovered: LockOwner[];
  /** Deletes the lock file if it is still this one's; safe to call twice. */
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner recorded in `file`, or null when it cannot be read as one (missing → undefined). */
function readOwner(file: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Creates `file` holding `text`, whole, only if it does not exist; false when it exists. */
function createExclusive(file: string, text: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    // No hard links here (FAT, some network shares): an exclusive create, written at once.
    let fd2: number;
    try {
      fd2 = openSync(file, 'wx');
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
    try {
      writeSync(fd2, text);
      fsyncSync(fd2);
    } finally {
      closeSync(fd2);
    }
    return true;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

function describeOwner(o: LockOwner): string {
  return `${o.app} ${o.version} (process ${o.pid} on ${o.host}, since ${o.started})`;
}

/**
 * Moves a stale lock out of the way, unless it changed since it was judged stale (another process
 * took it over first). Returns whether the name is now free to try again.
 */
function takeOverStale(file: string, seen: string): boolean {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return true; // gone already: try again
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // unreadable: treat as the stale one
  }
  if (moved !== seen) {
    // Another process replaced the stale lock between our read and the rename: put it back.
    try {
      linkSync(aside, file);
    } catch {
      // a third one holds the name now; either way it is not ours to take
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

/**
 * Takes the lock of the project at `root` (absolute) for `app` ("Spinscope", "spinscope serve").
 * Throws a ProjectLockedError naming who holds it when another live Spinscope does.
 */
export function acquireProjectLock(root: string, app: string): ProjectLock {
  const file = join(root, LOCK_FILE);
  const owner: LockOwner = {
    schema: LOCK_SCHEMA,
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    app,
    version: VERSION,
    instance: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(owner, null, 2)}\n`;
  const recovered: LockOwner[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, text)) {
      let released = false;
      return {
        root,
        file,
        owner,
        recovered,
        release() {
          if (released) return;
          released = true;
          // Only our own lock: after a takeover by someone else (it judged us stale), theirs stays.
          if (readOwner(file)?.instance === owner.instance) {
            try {
              unlinkSync(file);
            } catch {
              // already gone
            }
          }
        },
      };
    }
    let seen: string;
    try {
      seen = readFileSync(file, 'utf8');
    } catch {
      continue; // released in the meantime
    }
    const holder = readOwner(file);
    if (holder === undefined) continue;
    if (holder === null) {
      let age: number;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (age < UNREADABLE_GRACE_MS) {
        throw new ProjectError(
          file,
          `${root} is being opened by another Spinscope right now (its lock file ${file} is not written yet); try again in a few seconds`,
        );
      }
      takeOverStale(file, seen);
      continue;
    }
    const sameHost = holder.host === owner.host;
    if (sameHost && !processIsAlive(holder.pid)) {
      if (takeOverStale(file, seen)) recovered.push(holder);
      continue;
    }
    const where = sameHost
      ? holder.pid === process.pid
        ? 'Close it there first (another window or server of this same Spinscope holds it)'
        : `Close it there first. If it is stuck, end process ${holder.pid}`
      : `Close it there first. If that Spinscope is no longer running (the machine ${holder.host} crashed or is off), delete ${file} and open the project again`;
    throw new ProjectLockedError(
      file,
      `${root} is already open in ${describeOwner(holder)}. ${where}`,
      holder,
    );
  }
  throw new ProjectError(
    file,
    `cannot take the lock ${file}: it keeps changing; is another Spinscope opening ${root}?`,
  );
}

/** The current holder of the project's lock, if any (for display); null for an unreadable file. */
export function projectLockOwner(root: string): LockOwner | null | undefined {
  return readOwner(join(root, LOCK_FILE));
}
