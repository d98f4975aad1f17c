/**
 * Atomic writes under SIGKILL: a child process rewrites a file over and over (each version a
 * different, self-checking content) and is killed at random moments; after every kill the file is
 * one complete version — never empty, torn or mixed — and no temporary file is taken for it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures.ts';

const WRITER = `
import { writeFileAtomic } from ${JSON.stringify(join(REPO_ROOT, 'src-main/core/project/atomic.ts'))};
const file = process.argv[2];
let v = Number(process.argv[3]);
// 2 MB of the version number: a torn write would show two versions or a short file.
const write = () => {
  v++;
  const line = String(v).padStart(12, '0') + '\\n';
  writeFileAtomic(file, line.repeat(Math.floor(2 * 1024 * 1024 / line.length)));
};
write();
process.send?.('ready');
for (;;) write();
`;

function check(file: string): number {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.pop();
  expect(lines.length).toBe(Math.floor((2 * 1024 * 1024) / 13));
  expect(new Set(lines).size).toBe(1);
  return Number(lines[0]);
}

describe('atomic writes', () => {
  it('survive SIGKILL at random moments: the file is always one whole version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-atomic-'));
    const script = join(dir, 'writer.mts');
    writeFileSync(script, WRITER);
    const file = join(dir, 'data.txt');
    let version = 0;
    const kills = 12;
    for (let k = 0; k < kills; k++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, String(version * 1000)], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 150));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const v = check(file);
      expect(v).toBeGreaterThan(version * 1000);
      version++;
    }
    // Leftover temporary files are allowed (a kill can strand one) but never the target's name.
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('data.txt') && f !== 'data.txt')
        .every((f) => f.includes('tmp')),
    ).toBe(true);
  }, 120_000);
});
