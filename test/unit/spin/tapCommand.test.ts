/**
 * `spinscope tap` (src-main/cli/tap.ts) called in-process on real ONNX exports: the readable table,
 * the JSON report, and usage errors. (The command is registered in cli/main.ts by the lead; the
 * end-to-end run through bin/spinscope.mjs belongs with the other CLI integration tests.)
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tapCommand } from '../../../src-main/cli/tap.ts';
import type { TapReport } from '../../../src-main/core/spin/tapAnalysis.ts';
import { SHARED_FIXTURES } from '../../helpers/fixtures.ts';

const SIGN = join(SHARED_FIXTURES, 'sign_nobias/model.onnx');
const RANDOM = join(SHARED_FIXTURES, 'random_init/model.onnx');

async function run(...args: string[]): Promise<{ code: number; out: string }> {
  const { parseArgs } = await import('node:util');
  const options = Object.fromEntries(
    Object.entries(tapCommand.options).map(([k, o]) => [k, { type: o.type }]),
  );
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const code = await tapCommand.run({
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
    });
    return { code, out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('spinscope tap', () => {
  it('--json prints the spinscope.tap/1 report: the trained binarized net is in hidden order below T_c', async () => {
    const { code, out } = await run(SIGN, '--below', '0.8', '--starts', '4', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as TapReport;
    expect(r.schema).toBe('spinscope.tap/1');
    expect(r.model).toEqual({ layers: [784, 32, 32, 10], spins: 858 });
    expect(r.tc).toBeCloseTo(2.735, 2);
    expect(r.settings.starts).toBe(4);
    expect(r.temperatures).toHaveLength(1);
    expect(r.temperatures[0].phase).toBe('hiddenOrder');
    expect(r.temperatures[0].clusters[0].overlapCritical).toBeGreaterThan(0.9);
  });

  it('without --json prints one block per temperature with the cluster table', async () => {
    const { code, out } = await run(RANDOM, '--T', '3,1', '--starts', '3', '--seed', '2');
    expect(code).toBe(0);
    expect(out).toMatch(/layers\s+784-32-32-10/);
    expect(out).toMatch(/T = 3 \(1\.9\d+ T_c\): paramagnet/);
    expect(out).toMatch(/T = 1 \(0\.6\d+ T_c\): glass — Hessian: glass/);
    expect(out).toContain('overlap v_top');
    expect(out).toContain('seed 2');
  });

  it('bad arguments are usage errors naming the option', async () => {
    await expect(run(SIGN, '--T', '1', '--below', '0.5')).rejects.toThrow(/either --T .* or --below/);
    await expect(run(SIGN, '--below', '0.5,-1')).rejects.toThrow(/--below must be a comma-separated list/);
    await expect(run(SIGN, '--starts', '0')).rejects.toThrow(/--starts must be an integer ≥ 1/);
    await expect(run(SIGN, '--threshold', '2')).rejects.toThrow(/--threshold must lie in/);
    await expect(run()).rejects.toThrow(/expected one model file/);
  });
});
