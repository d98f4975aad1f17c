import { expect } from 'vitest';

/** The error `fn` throws, asserted to be an instance of `type` (fails the test if nothing is thrown). */
export function thrownBy<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}
