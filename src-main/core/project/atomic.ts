/**
 * Atomic file writes for the project folder (architecture.md, contract 3: a crash never leaves a
 * half-written file). The data go to a temporary file in the target's folder (same file system, so
 * the rename is atomic), which is flushed to disk (fsync) and then renamed over the target; the
 * folder is then flushed too, where the platform allows it, so that the rename itself survives a
 * power cut. A reader sees the old file or the new one, never a mix.
 *
 * On any failure the temporary file is removed, the target is left as it was, and an
 * AtomicWriteError names the target path (its `code` is the system error code, e.g. 'ENOSPC').
 *
 * The new file gets default permissions (0666 minus the umask), not those of the file it replaces.
 * The file-system functions can be passed in, so tests can make any step fail.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as nodeFsPromises from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class AtomicWriteError extends Error {
  override name = 'AtomicWriteError';
  /** The system error code of the step that failed ('ENOSPC', 'EISDIR', ...), if there was one. */
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = (options?.cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** The synchronous file-system calls writeFileAtomic makes. */
export type SyncFileSystem = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync'
>;

/** The asynchronous file-system calls writeFileAtomicAsync makes (the rest go through the FileHandle). */
export type AsyncFileSystem = Pick<typeof nodeFsPromises, 'open' | 'rename' | 'unlink'>;

/**
 * Errors from fsync on a folder that mean "not possible here" (Windows cannot open a folder as a
 * file; some network and FUSE file systems refuse fsync on folders): the write still stands.
 */
const DIRECTORY_SYNC_UNSUPPORTED = new Set([
  'EISDIR',
  'EPERM',
  'EACCES',
  'EINVAL',
  'ENOTSUP',
  'EOPNOTSUPP',
  'EBADF',
]);

/** A fresh name next to `path`: hidden, and unique across processes and calls. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** ".<target>.<pid>.<12 hex digits>.tmp": the temporary files tempPathFor names. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Whether `name` (a file name, not a path) is one of the temporary files of an atomic write. */
export function isAtomicTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Removes the temporary files in `dir` that writes killed midway left behind (their writer's
 * process id no longer runs on this machine); the targets themselves were never touched. Returns
 * the names removed. Safe to call while other processes write atomically into `dir`: a live
 * writer's temporary file is kept.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = nodeFs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || processIsAlive(Number(m[1]))) continue;
    try {
      nodeFs.unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // gone already, or not ours to remove: harmless either way
    }
  }
  return removed;
}

function toBytes(path: string, data: Uint8Array | string): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new AtomicWriteError(path, `cannot write ${path}: the data must be a Uint8Array or a string`);
}

/** The error to throw for a failed step: the target path first, then what the system said. */
function failure(path: string, e: unknown): AtomicWriteError {
  if (e instanceof AtomicWriteError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  // A full disk is the fault users meet most (issue 9): say so, and that nothing was lost.
  const unchanged = `${basename(path)} was left as it was`;
  const hint =
    code === 'ENOENT'
      ? ` (does the folder ${dirname(path)} exist?)`
      : code === 'EISDIR'
        ? ' (a folder has that name)'
        : code === 'ENOSPC'
          ? ` (the disk is full: free some space on it, or move the project to a disk with room, then try again; ${unchanged})`
          : code === 'EDQUOT'
            ? ` (your disk quota is used up: free some space or ask for a larger quota, then try again; ${unchanged})`
            : code === 'EROFS'
              ? ` (the disk is read-only: copy the project to a writable folder; ${unchanged})`
              : '';
  return new AtomicWriteError(path, `cannot write ${path}: ${(e as Error).message}${hint}`, { cause: e });
}

function syncDirectory(path: string, fs: SyncFileSystem): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dirname(path), 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) {
      throw new AtomicWriteError(
        path,
        `${path} was written, but its folder could not be flushed to disk: ${(e as Error).message}`,
        { cause: e },
      );
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` (bytes, or a string as UTF-8) to `path` atomically; see the file comment. */
export function writeFileAtomic(path: string, data: Uint8Array | string, fs: SyncFileSystem = nodeFs): void {
  const bytes = toBytes(path, data);
  const temp = tempPathFor(path);
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(temp, 'wx'); // exclusive: never reuse a file someone else made
    created = true;
    for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    fs.fsyncSync(fd);
    const open = fd;
    fd = undefined;
    fs.closeSync(open);
    fs.renameSync(temp, path);
    created = false;
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    if (created) {
      try {
        fs.unlinkSync(temp);
      } catch {
        // nothing more can be done; the name is unique and hidden
      }
    }
    throw failure(path, e);
  }
  syncDirectory(path, fs);
}

async function syncDirectoryAsync(path: string, fs: AsyncFileSystem): Promise<void> {
  let handle: nodeFsPromises.FileHandle | undefined;
  try {
    handle = await fs.open(dirname(path), 'r');
    await handle.sync();
  } catch (e) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) {
      throw new AtomicWriteError(
        path,
        `${path} was written, but its folder could not be flushed to disk: ${(e as Error).message}`,
        { cause: e },
      );
    }
  } finally {
    await handle?.close();
  }
}

/** writeFileAtomic without blocking the event loop. */
export async function writeFileAtomicAsync(
  path: string,
  data: Uint8Array | string,
  fs: AsyncFileSystem = nodeFsPromises,
): Promise<void> {
  const bytes = toBytes(path, data);
  const temp = tempPathFor(path);
  let handle: nodeFsPromises.FileHandle | undefined;
  let created = false;
  try {
    handle = await fs.open(temp, 'wx');
    created = true;
    await handle.writeFile(bytes);
    await handle.sync();
    const open = handle;
    handle = undefined;
    await open.close();
    await fs.rename(temp, path);
    created = false;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (created) await fs.unlink(temp).catch(() => undefined);
    throw failure(path, e);
  }
  await syncDirectoryAsync(path, fs);
}

/** Pretty JSON (two-space indent) and a final newline; refuses values JSON cannot hold. */
function jsonText(path: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (e) {
    throw new AtomicWriteError(
      path,
      `cannot write ${path}: the value is not JSON (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (text === undefined) {
    throw new AtomicWriteError(path, `cannot write ${path}: the value (${typeof value}) has no JSON form`);
  }
  return `${text}\n`;
}

/**
 * Writes `value` as pretty JSON plus a newline, atomically. Note JSON's own conversions: NaN and
 * ±Infinity become null, undefined properties are left out.
 */
export function writeJsonAtomic(path: string, value: unknown, fs: SyncFileSystem = nodeFs): void {
  writeFileAtomic(path, jsonText(path, value), fs);
}

/** writeJsonAtomic without blocking the event loop. */
export async function writeJsonAtomicAsync(
  path: string,
  value: unknown,
  fs: AsyncFileSystem = nodeFsPromises,
): Promise<void> {
  await writeFileAtomicAsync(path, jsonText(path, value), fs);
}
