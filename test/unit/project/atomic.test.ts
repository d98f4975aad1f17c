/**
 * Atomic writes: the target holds the old content or the new, never a mix, and no temporary file
 * is left behind. Tests run as root, so permissions cannot make a step fail: failures come from a
 * folder where a file is expected, a missing folder, or file-system functions that are passed in
 * and fail on purpose (a full disk, an I/O error, a failed rename).
 */
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AsyncFileSystem,
  AtomicWriteError,
  type SyncFileSystem,
  writeFileAtomic,
  writeFileAtomicAsync,
  writeJsonAtomic,
  writeJsonAtomicAsync,
} from '../../../src-main/core/project/atomic.ts';

const root = mkdtempSync(join(tmpdir(), 'spinscope-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder holding `target` with the old content "old". */
function folderWithOldFile(): { dir: string; target: string } {
  const dir = join(root, `case-${++counter}`);
  mkdirSync(dir);
  const target = join(dir, 'run.json');
  writeFileSync(target, 'old');
  return { dir, target };
}

function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
}

function caught(fn: () => unknown): AtomicWriteError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AtomicWriteError);
    return e as AtomicWriteError;
  }
  throw new Error('expected an AtomicWriteError');
}

async function caughtAsync(p: Promise<unknown>): Promise<AtomicWriteError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AtomicWriteError);
  return e as AtomicWriteError;
}

describe('writeFileAtomic', () => {
  it('creates a file, then replaces it whole, leaving nothing else in the folder', () => {
    const { dir, target } = folderWithOldFile();
    writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(target))).toEqual([1, 2, 3]);
    writeFileAtomic(target, 'T_c = 1.25 β⁻¹\n');
    expect(readFileSync(target, 'utf8')).toBe('T_c = 1.25 β⁻¹\n');
    const fresh = join(dir, 'new.bin');
    writeFileAtomic(fresh, new Uint8Array(0));
    expect(readFileSync(fresh).length).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['new.bin', 'run.json']);
  });

  it('writes in pieces when the system accepts only part of the data per call', () => {
    const { target } = folderWithOldFile();
    const data = new Uint8Array(10000).map((_, i) => i);
    const trickle: SyncFileSystem = {
      ...fs,
      writeSync: ((fd: number, buf: Uint8Array, off: number, len: number) =>
        fs.writeSync(fd, buf, off, Math.min(len, 777))) as typeof fs.writeSync,
    };
    writeFileAtomic(target, data, trickle);
    expect(new Uint8Array(readFileSync(target))).toEqual(data);
  });

  const failures: [string, Partial<SyncFileSystem>, RegExp][] = [
    [
      'the disk fills up halfway through',
      {
        writeSync: ((fd: number, buf: Uint8Array, off: number, len: number) => {
          if (off > 0) throw systemError('ENOSPC', 'write');
          return fs.writeSync(fd, buf, off, Math.min(len, 4));
        }) as typeof fs.writeSync,
      },
      /: ENOSPC: simulated failure, write \(the disk is full: free some space on it, .* run\.json was left as it was\)$/,
    ],
    [
      'fsync reports an I/O error',
      {
        fsyncSync: () => {
          throw systemError('EIO', 'fsync');
        },
      },
      /: EIO: simulated failure, fsync$/,
    ],
    [
      'the rename fails',
      {
        renameSync: () => {
          throw systemError('EXDEV', 'rename');
        },
      },
      /: EXDEV: simulated failure, rename$/,
    ],
  ];
  for (const [what, broken, message] of failures) {
    it(`leaves the old file intact and no temporary file when ${what}`, () => {
      const { dir, target } = folderWithOldFile();
      const e = caught(() =>
        writeFileAtomic(target, 'new content that must not appear', { ...fs, ...broken }),
      );
      expect(e.message.startsWith(`cannot write ${target}: `)).toBe(true);
      expect(e.message).toMatch(message);
      expect(e.path).toBe(target);
      expect(e.code).toBe(/(E[A-Z]+)/.exec(message.source)![1]);
      expect(readFileSync(target, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['run.json']);
    });
  }

  it('refuses to replace a folder (real file system, no injection)', () => {
    const { dir } = folderWithOldFile();
    const folder = join(dir, 'analyses');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep.npy'), 'x');
    const e = caught(() => writeFileAtomic(folder, 'data'));
    expect(e.message).toMatch(new RegExp(`^cannot write ${folder}: .*\\(a folder has that name\\)$`));
    expect(['EISDIR', 'ENOTEMPTY', 'EEXIST']).toContain(e.code);
    expect(readdirSync(folder)).toEqual(['keep.npy']);
    expect(readdirSync(dir).sort()).toEqual(['analyses', 'run.json']);
  });

  it('says which folder is missing', () => {
    const target = join(root, 'no-such-folder', 'run.json');
    const e = caught(() => writeFileAtomic(target, 'x'));
    expect(e.message).toMatch(
      /^cannot write .*no-such-folder\/run\.json: ENOENT.*\(does the folder .*no-such-folder exist\?\)$/,
    );
    expect(e.code).toBe('ENOENT');
  });

  it('refuses data that are neither bytes nor a string, before touching the disk', () => {
    const { target } = folderWithOldFile();
    const e = caught(() => writeFileAtomic(target, [1, 2] as unknown as Uint8Array));
    expect(e.message).toBe(`cannot write ${target}: the data must be a Uint8Array or a string`);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('ignores a folder that cannot be flushed on this platform, but reports an I/O error doing it', () => {
    const { dir, target } = folderWithOldFile();
    const windowsLike: SyncFileSystem = {
      ...fs,
      openSync: ((p: string, flags: string) => {
        if (p === dir) throw systemError('EISDIR', 'open');
        return fs.openSync(p, flags);
      }) as typeof fs.openSync,
    };
    writeFileAtomic(target, 'new', windowsLike);
    expect(readFileSync(target, 'utf8')).toBe('new');

    let opened = -1;
    const failingDirSync: SyncFileSystem = {
      ...fs,
      openSync: ((p: string, flags: string) => {
        const fd = fs.openSync(p, flags);
        if (p === dir) opened = fd;
        return fd;
      }) as typeof fs.openSync,
      fsyncSync: (fd: number) => {
        if (fd === opened) throw systemError('EIO', 'fsync');
        fs.fsyncSync(fd);
      },
    };
    const e = caught(() => writeFileAtomic(target, 'newer', failingDirSync));
    expect(e.message).toBe(
      `${target} was written, but its folder could not be flushed to disk: EIO: simulated failure, fsync`,
    );
    expect(readFileSync(target, 'utf8')).toBe('newer');
  });
});

describe('writeFileAtomicAsync', () => {
  it('writes and replaces like the synchronous version', async () => {
    const { dir, target } = folderWithOldFile();
    await writeFileAtomicAsync(target, new Uint8Array([7, 8]));
    expect(Array.from(readFileSync(target))).toEqual([7, 8]);
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('leaves the old file intact and no temporary file when fsync fails', async () => {
    const { dir, target } = folderWithOldFile();
    const broken: AsyncFileSystem = {
      ...fsp,
      open: (async (...args: Parameters<typeof fsp.open>) => {
        const handle = await fsp.open(...args);
        if (args[0] === dir) return handle;
        return Object.assign(Object.create(handle) as fsp.FileHandle, {
          writeFile: handle.writeFile.bind(handle),
          close: handle.close.bind(handle),
          sync: () => Promise.reject(systemError('EIO', 'fsync')),
        });
      }) as typeof fsp.open,
    };
    const e = await caughtAsync(writeFileAtomicAsync(target, 'new', broken));
    expect(e.message).toBe(`cannot write ${target}: EIO: simulated failure, fsync`);
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('leaves one whole version when many writers race for the same file', async () => {
    const { dir, target } = folderWithOldFile();
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(1000 + i));
    await Promise.all(versions.map((v) => writeFileAtomicAsync(target, v)));
    expect(versions).toContain(readFileSync(target, 'utf8'));
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('rejects with the path for a missing folder', async () => {
    const target = join(root, 'missing', 'x.npy');
    const e = await caughtAsync(writeFileAtomicAsync(target, 'x'));
    expect(e.message).toMatch(/^cannot write .*missing\/x\.npy: ENOENT/);
  });
});

describe('writeJsonAtomic', () => {
  it('writes two-space JSON with a final newline', () => {
    const { target } = folderWithOldFile();
    writeJsonAtomic(target, { schema: 'spinscope.run/1', layers: [784, 10], tc: 1.25 });
    expect(readFileSync(target, 'utf8')).toBe(
      '{\n  "schema": "spinscope.run/1",\n  "layers": [\n    784,\n    10\n  ],\n  "tc": 1.25\n}\n',
    );
  });

  it('refuses values JSON cannot hold and leaves the file as it was', () => {
    const { target } = folderWithOldFile();
    expect(caught(() => writeJsonAtomic(target, { step: 1n })).message).toMatch(
      new RegExp(`^cannot write ${target}: the value is not JSON \\(.*BigInt`),
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(caught(() => writeJsonAtomic(target, cyclic)).message).toMatch(
      /the value is not JSON \(.*circular/i,
    );
    expect(caught(() => writeJsonAtomic(target, undefined)).message).toBe(
      `cannot write ${target}: the value (undefined) has no JSON form`,
    );
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('has an asynchronous form', async () => {
    const { target } = folderWithOldFile();
    await writeJsonAtomicAsync(target, [1, 'two']);
    expect(readFileSync(target, 'utf8')).toBe('[\n  1,\n  "two"\n]\n');
    const e = await caughtAsync(writeJsonAtomicAsync(target, { big: 2n }));
    expect(e.message).toMatch(/the value is not JSON/);
  });
});
