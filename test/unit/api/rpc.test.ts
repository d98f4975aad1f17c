import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract, METHODS } from '../../../src-main/api/contract.ts';
import {
  ApiError,
  createClient,
  createDispatcher,
  method,
  type ApiEvent,
  type Transport,
} from '../../../src-main/api/rpc.ts';

const demo = {
  'math.add': method<number>()(z.object({ a: z.number(), b: z.number() }).strict()),
  'math.fail': method<never>()(z.object({}).strict()),
  'math.bug': method<never>()(z.object({}).strict()),
};

describe('dispatcher', () => {
  const unexpected: string[] = [];
  const dispatch = createDispatcher(
    demo,
    {
      'math.add': async ({ a, b }) => a + b,
      'math.fail': async () => {
        throw new ApiError('not-found', 'no such run: r1');
      },
      'math.bug': async () => {
        throw new TypeError('x is undefined');
      },
    },
    { onUnexpected: (m) => unexpected.push(m) },
  );

  it('validates arguments and never throws', async () => {
    expect(await dispatch('math.add', { a: 1, b: 2 })).toEqual({ ok: true, value: 3 });
    const bad = await dispatch('math.add', { a: '1', b: 2 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad-request');
      expect(bad.error.details?.[0]).toMatch(/^a: /);
    }
    const extra = await dispatch('math.add', { a: 1, b: 2, c: 3 });
    expect(extra.ok).toBe(false);
    for (const args of [null, undefined, 'x', 5, [1, 2]])
      expect((await dispatch('math.add', args)).ok).toBe(false);
    expect(await dispatch('nope', {})).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: 'unknown method "nope"' },
    });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch('toString', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('turns ApiErrors into typed errors and bugs into internal errors', async () => {
    expect(await dispatch('math.fail', {})).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no such run: r1' },
    });
    expect(await dispatch('math.bug', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'x is undefined' },
    });
    expect(unexpected).toEqual(['math.bug']);
  });

  it('the client rejects with the ApiError and delivers events', async () => {
    const listeners = new Set<(e: ApiEvent) => void>();
    const transport: Transport = {
      call: (m, a) => dispatch(m, a),
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const client = createClient<typeof demo>(['math.add', 'math.fail', 'math.bug'], transport);
    expect(await client['math.add']({ a: 2, b: 5 })).toBe(7);
    await expect(client['math.fail']({})).rejects.toMatchObject({ name: 'ApiError', code: 'not-found' });
    const seen: unknown[] = [];
    const off = client.on('tick', (p) => seen.push(p));
    for (const l of listeners) l({ event: 'tick', payload: 1 });
    for (const l of listeners) l({ event: 'other', payload: 2 });
    off();
    for (const l of listeners) l({ event: 'tick', payload: 3 });
    expect(seen).toEqual([1]);
  });
});

describe('the Spinscope contract', () => {
  it('every method has a strict object schema that rejects unknown keys and non-objects', () => {
    expect(METHODS.length).toBeGreaterThan(15);
    for (const name of METHODS) {
      const schema = contract[name].args;
      expect(schema.safeParse({ unexpectedKey: 1 }).success, name).toBe(false);
      expect(schema.safeParse('string').success, name).toBe(false);
    }
  });

  it('ids and paths are bounded and cannot traverse', () => {
    const runs = contract['runs.metrics'].args;
    expect(runs.safeParse({ runId: 'relu-784-64-10' }).success).toBe(true);
    for (const bad of ['../x', '', '.hidden', 'a/b', 'a'.repeat(200), 'a\0b'])
      expect(runs.safeParse({ runId: bad }).success, bad).toBe(false);
    const open = contract['projects.open'].args;
    expect(open.safeParse({ dir: '/tmp/p' }).success).toBe(true);
    expect(open.safeParse({ dir: 'a\0b' }).success).toBe(false);
    expect(open.safeParse({ dir: 'x'.repeat(5000) }).success).toBe(false);
  });
});

describe('the method list the preload uses', () => {
  it('is exactly the contract, in order', async () => {
    const { METHOD_NAMES } = await import('../../../src-main/api/methods.ts');
    expect([...METHOD_NAMES]).toEqual(Object.keys(contract));
  });
});
