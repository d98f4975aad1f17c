/**
 * Names of the folders a project holds (runs/<id>, models/<id>) and the safe way to remove one.
 *
 * Spinscope makes ids of lowercase letters, digits and '-' ("relu-784-512-10", "relu-784-512-10-2").
 * It accepts a little more when reading, so that a run made by hand (`spinscope train --out
 * runs/Sign_0`) is still reachable: letters, digits, '.', '_' and '-', not starting with '.', at most
 * 128 characters. No id can hold a path separator or be '.' or '..', so `<folder>/<id>` never leaves
 * <folder>.
 */
import { lstatSync, realpathSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, sep } from 'node:path';
import { ProjectError } from './problems.ts';

/** What an id may look like (see the file comment). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const MAX_BASE = 48;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Throws a ProjectError unless `id` is a valid id; `what` names the kind ("run", "model"). */
export function checkId(id: string, what: string, folder: string): void {
  if (typeof id !== 'string' || !isValidId(id)) {
    const shown = JSON.stringify(String(id).slice(0, 140));
    throw new ProjectError(
      folder,
      `${shown} is not a valid ${what} id: use letters, digits, '.', '_' and '-' only, not starting with '.' ` +
        `(at most 128 characters)`,
    );
  }
}

/** "ReLU 784/512/10 (Adam)" → "relu-784-512-10-adam"; "run" when nothing usable is left. */
export function slugify(base: string, fallback: string): string {
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_BASE)
    .replace(/^-+|-+$/g, '');
  return slug || fallback;
}

/** True when anything (file, folder, broken link) has that name. */
function taken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh id under `folder` from `base`: the slug itself, or the slug with -2, -3, … appended. Nothing
 * is created; the caller creates the folder (the trainer refuses a folder that is not empty, so two
 * jobs can never share one).
 */
export function uniqueId(folder: string, base: string, fallback: string): string {
  const slug = slugify(base, fallback);
  for (let n = 1; ; n++) {
    const id = n === 1 ? slug : `${slug}-${n}`;
    if (!taken(join(folder, id))) return id;
  }
}

/** Whether `path` resolves (symbolic links followed) to `root` or inside it. */
export function resolvesInside(root: string, path: string): boolean {
  try {
    const r = realpathSync(root);
    const p = realpathSync(path);
    return p === r || p.startsWith(r.endsWith(sep) ? r : r + sep);
  } catch {
    return false;
  }
}

/**
 * Removes the entry `path` (a folder of the project) without ever deleting anything outside
 * `root`: its parent must resolve inside the project; a symbolic link is removed as a link (its
 * target is left alone); a folder is first renamed to a hidden name (atomic: it disappears from
 * listings at once, and a crash mid-delete leaves no half-deleted run in view), then removed —
 * Node's recursive removal unlinks symbolic links inside it rather than following them.
 */
export function removeEntry(root: string, path: string): void {
  if (!resolvesInside(root, dirname(path))) {
    throw new ProjectError(
      path,
      `${dirname(path)} resolves outside the project ${root} (a symbolic link?); Spinscope deletes only inside the project. Remove ${path} by hand if you mean to`,
    );
  }
  const st = lstatSync(path);
  if (st.isSymbolicLink() || !st.isDirectory()) {
    unlinkSync(path);
    return;
  }
  const trash = join(dirname(path), `.deleting-${basename(path)}-${randomBytes(4).toString('hex')}`);
  renameSync(path, trash);
  try {
    rmSync(trash, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    throw new ProjectError(
      trash,
      `${path} was moved to ${trash} but could not be removed completely (${(e as Error).message}); delete that folder by hand`,
      { cause: e },
    );
  }
}
