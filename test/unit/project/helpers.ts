/**
 * Shared by the project-folder tests: temporary folders, and a snapshot of every file of a folder
 * (path → bytes and modification time) to prove an operation changed nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary folder, removed after the test file. */
export function tempRoot(prefix: string): () => string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  return () => join(root, `case-${++n}`);
}

/** Every file and folder under `dir`, with its content and mtime (folders: mtime only). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = statSync(p);
      const key = relative(dir, p);
      if (e.isDirectory()) {
        out.set(key + '/', String(st.mtimeMs));
        walk(p);
      } else {
        out.set(key, `${st.mtimeMs}:${readFileSync(p).toString('base64')}`);
      }
    }
  };
  walk(dir);
  return out;
}
