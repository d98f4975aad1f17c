/**
 * The pipeline's own analyses (phase diagrams, spectra, the fits across seeds) live in the
 * project's analyses/reproduce/, each keyed by what it was computed from: its job parameters and
 * the size and modification time of every input file. A re-run reuses a product whose key still
 * matches, and recomputes it when a checkpoint or a setting changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic.ts';

export const REPRODUCE_ANALYSES = 'reproduce';
const KEYS_FILE = 'keys.json';

export function productKey(params: unknown, inputs: readonly string[]): string {
  const facts = inputs.map((p) => {
    const s = statSync(p);
    return [p, s.size, s.mtimeMs];
  });
  return createHash('sha256').update(JSON.stringify({ params, facts })).digest('hex');
}

export class ProductCache {
  private keys: Record<string, string>;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    try {
      this.keys = JSON.parse(readFileSync(join(dir, KEYS_FILE), 'utf8')) as Record<string, string>;
    } catch {
      this.keys = {}; // none yet, or unreadable: everything is recomputed
    }
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  fresh(file: string, key: string): boolean {
    return this.keys[file] === key && existsSync(this.path(file));
  }

  record(file: string, key: string): void {
    this.keys[file] = key;
    writeJsonAtomic(join(this.dir, KEYS_FILE), this.keys);
  }
}

/** Writes `text` unless the file already holds exactly it (so a re-run leaves files and their times alone). Returns whether it wrote. */
export function writeIfChanged(path: string, text: string | Uint8Array): boolean {
  if (existsSync(path)) {
    const old = readFileSync(path);
    const next = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
    if (old.equals(next)) return false;
  }
  writeFileAtomic(path, text);
  return true;
}
