/**
 * The ONNX fixture corpora: PyTorch exports shared with every developer (../shared/fixtures/onnx)
 * and the ones this repository generates itself (test/fixtures/onnx, from test/fixtures/generate.py).
 * Each folder holds model.onnx and expected.json (an analysis report, or {"error": true}).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED_FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/onnx');
export const OWN_FIXTURES = resolve(REPO_ROOT, 'test/fixtures/onnx');

export interface ExpectedReport {
  model: { layers: number[]; spins: number; couplings: number };
  replica: { C: number[]; tc: number };
  tap: { tc: number; phase: 'glass' | 'ordered'; minLambda: number };
  spectrum: { top: number[] };
  accuracy?: number;
  activations?: string[];
  output?: string;
}

export interface Fixture {
  corpus: 'shared' | 'own';
  name: string;
  model: string;
  expected: ExpectedReport | null;
  errorContains?: string;
}

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const [corpus, root] of [
    ['shared', SHARED_FIXTURES],
    ['own', OWN_FIXTURES],
  ] as const) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      const expectedFile = join(dir, 'expected.json');
      if (!existsSync(expectedFile)) continue;
      const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as ExpectedReport & {
        error?: boolean;
        errorContains?: string;
      };
      out.push({
        corpus,
        name,
        model: join(dir, 'model.onnx'),
        expected: expected.error ? null : expected,
        errorContains: expected.errorContains,
      });
    }
  }
  return out;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
