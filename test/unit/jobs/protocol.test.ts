/**
 * The worker protocol's schemas (src-main/workers/protocol.ts): every message of contract 2 passes,
 * and what a confused or hostile process might send does not.
 */
import { describe, expect, it } from 'vitest';
import { toWorkerMessageSchema, workerMessageSchema } from '../../../src-main/workers/protocol.ts';

describe('supervisor → worker messages', () => {
  it('accepts start (any params, validated later by the job kind) and cancel', () => {
    for (const m of [
      { type: 'start', jobId: 'j1', kind: 'analyze', params: { model: '/m.onnx' } },
      { type: 'start', jobId: 'j1', kind: 'test.crash', params: {} },
      { type: 'cancel' },
    ]) {
      expect(toWorkerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    }
  });

  it('rejects a start without a job id or kind, unknown types and extra keys', () => {
    for (const m of [
      { type: 'start', kind: 'analyze', params: {} },
      { type: 'start', jobId: '', kind: 'analyze', params: {} },
      { type: 'start', jobId: 'j1', kind: '', params: {} },
      { type: 'cancel', now: true },
      { type: 'stop' },
      'start',
      null,
    ]) {
      expect(toWorkerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(false);
    }
  });
});

describe('worker → supervisor messages', () => {
  it('accepts progress, log, result, error and heartbeat', () => {
    for (const m of [
      { type: 'progress', fraction: 0, message: 'loading data', etaSeconds: null },
      { type: 'progress', fraction: 1, message: 'done', etaSeconds: 0 },
      { type: 'log', line: 'step 10: test accuracy 91.2%' },
      { type: 'result', value: { tc: 1.25 } },
      { type: 'result', value: undefined },
      { type: 'error', code: 'bad-params', message: 'analyze: model: must be an absolute path' },
      { type: 'error', code: 'cancelled', message: 'cancelled' },
      { type: 'heartbeat' },
    ]) {
      expect(workerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    }
  });

  it('rejects fractions outside [0, 1], negative or missing ETAs, unknown error codes and extra keys', () => {
    for (const m of [
      { type: 'progress', fraction: 1.5, message: '', etaSeconds: null },
      { type: 'progress', fraction: -0.1, message: '', etaSeconds: null },
      { type: 'progress', fraction: Number.NaN, message: '', etaSeconds: null },
      { type: 'progress', fraction: 0.5, message: '', etaSeconds: -3 },
      { type: 'progress', fraction: 0.5, message: '' },
      { type: 'log', line: 42 },
      { type: 'error', code: 'oops', message: 'x' },
      { type: 'error', code: 'job-failed' },
      { type: 'heartbeat', pid: 12 },
      { type: 'start', jobId: 'j', kind: 'k', params: {} },
    ]) {
      expect(workerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(false);
    }
  });
});
