/**
 * The `spinscope` command as users run it (`npx spinscope …` → bin/spinscope.mjs through tsx), on
 * real files, with real onnxruntime-node.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spinscope } from '../helpers/cli.ts';
import { SHARED_FIXTURES, relErr } from '../helpers/fixtures.ts';
import expectedRelu from '../../../shared/fixtures/onnx/relu_gemm_bias/expected.json' with { type: 'json' };

describe('spinscope analyze', () => {
  it('--json prints exactly the analysis report of contract 4', async () => {
    const { code, stdout } = await spinscope(
      'analyze',
      join(SHARED_FIXTURES, 'relu_gemm_bias/model.onnx'),
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.schema).toBe('spinscope.analysis/1');
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['model', 'replica', 'tap', 'spectrum']));
    expect(report.model).toEqual(expectedRelu.model);
    expect(relErr(report.replica.tc, expectedRelu.replica.tc)).toBeLessThan(1e-6);
    expect(report.tap.phase).toBe(expectedRelu.tap.phase);
    expect(relErr(report.tap.tc, expectedRelu.tap.tc)).toBeLessThan(5e-3);
    expect(report.spectrum.top).toHaveLength(10);
  });

  it('without --json prints a readable table with both critical temperatures', async () => {
    const { code, stdout } = await spinscope('analyze', join(SHARED_FIXTURES, 'sign_nobias/model.onnx'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/layers\s+784-32-32-10/);
    expect(stdout).toMatch(/replica .*1\.53126/);
    expect(stdout).toMatch(/TAP .*2\.73\d*.*ordered/);
  });

  it('a truncated file is a one-line error naming the file, exit code 1, no stack trace', async () => {
    const { code, stderr } = await spinscope('analyze', join(SHARED_FIXTURES, 'broken_truncated/model.onnx'));
    expect(code).toBe(1);
    expect(stderr).toContain('broken_truncated/model.onnx');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('non-ONNX bytes and a missing file are clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinscope-cli-'));
    const junk = join(dir, 'notes.onnx');
    writeFileSync(junk, 'these are my lab notes, not a network\n'.repeat(20));
    const a = await spinscope('analyze', junk);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/notes\.onnx.*not a valid ONNX/);
    const b = await spinscope('analyze', join(dir, 'missing.onnx'));
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('missing.onnx');
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });

  it('--top N reports the N largest eigenvalues of J, descending', async () => {
    const { code, stdout } = await spinscope(
      'analyze',
      join(SHARED_FIXTURES, 'random_init/model.onnx'),
      '--json',
      '--top',
      '25',
    );
    expect(code).toBe(0);
    const top: number[] = JSON.parse(stdout).spectrum.top;
    expect(top).toHaveLength(25);
    top.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(top[i]));
  });

  it('bad usage exits with code 2 and the command’s help', async () => {
    const { code, stderr } = await spinscope('analyze', '--tmin', '-1', 'x.onnx');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: spinscope analyze');
  });
});

describe('spinscope evaluate', () => {
  it('--json gives MNIST test accuracy from onnxruntime and consistency < 1e-5', async () => {
    const { code, stdout } = await spinscope(
      'evaluate',
      join(SHARED_FIXTURES, 'relu_nobias/model.onnx'),
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.samples).toBe(10000);
    expect(r.accuracy).toBeGreaterThan(0.85);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    expect(r.consistency).toBeLessThan(1e-5);
  });
});
