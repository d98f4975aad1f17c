/** Runs the `spinscope` command as users do (`npx spinscope …` → bin/spinscope.mjs through tsx). */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './fixtures.ts';

const run = promisify(execFile);
export const BIN = join(REPO_ROOT, 'bin/spinscope.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function spinscope(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Starts `spinscope …` without waiting: for tests that signal or kill it. */
export function spawnSpinscope(...args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the exit code (or the signal's name) and the output. */
export function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}
