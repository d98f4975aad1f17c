/**
 * The built main process and job worker (after `npm run build`, as in CI): they must not read files
 * by paths relative to the source tree at run time (chunks move; the packaged app has no src-main/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/fixtures.ts';

const OUT = join(REPO_ROOT, 'out/main');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

describe('the built main process', () => {
  it.skipIf(!existsSync(OUT))('has the worker entry and no run-time requires of relative paths', () => {
    expect(existsSync(join(OUT, 'index.js'))).toBe(true);
    expect(existsSync(join(OUT, 'worker.js'))).toBe(true);
    for (const f of files(OUT)) {
      const text = readFileSync(f, 'utf8');
      const relative = [...text.matchAll(/createRequire\([^)]*\)\(\s*["'](\.{1,2}\/[^"']+)["']/g)].map(
        (m) => m[1],
      );
      expect(relative, f).toEqual([]);
    }
  });
});
