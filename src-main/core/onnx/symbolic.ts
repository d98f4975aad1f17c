/**
 * Symbolic tensor dimensions: a dimension is a number, or a name ('batch', or '?N' for one that
 * is unknown). Products of dimensions are compared exactly where the names allow it, so that
 * x.view(x.size(0), -1) on a [batch, 1, 28, 28] input is known to give [batch, 784].
 */
import type { Dim } from './proto.ts';

export type { Dim };

/** A product of dimensions: a number times a multiset of names (sorted). */
export interface Prod {
  num: number;
  syms: string[];
}

export function isKnown(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

export function product(dims: readonly Dim[]): Prod {
  let num = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') num *= d;
    else syms.push(d);
  }
  syms.sort();
  return { num, syms };
}

function sameSyms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** true / false when provable, null when the names do not allow a decision. */
export function sameProduct(a: Prod, b: Prod): boolean | null {
  if (sameSyms(a.syms, b.syms)) return a.num === b.num;
  return null;
}

/** a / b when the division is exact (b's names all in a, numbers dividing), else null. */
export function divide(a: Prod, b: Prod): Prod | null {
  if (b.num === 0 || a.num % b.num !== 0) return null;
  const rest = a.syms.slice();
  for (const s of b.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  return { num: a.num / b.num, syms: rest };
}

/** Counter of fresh unknown dimensions, one per reader. */
export class Fresh {
  private n = 0;
  constructor(private readonly prefix = '?d') {}
  next(): string {
    return `${this.prefix}${++this.n}`;
  }
}

/** A product as one dimension: a number, a single name, or a fresh unknown. */
export function prodToDim(p: Prod, fresh: Fresh): Dim {
  if (p.syms.length === 0) return p.num;
  if (p.syms.length === 1 && p.num === 1) return p.syms[0];
  return fresh.next();
}

/** A shape for messages: unknown dimensions as '?', long names and ranks shortened. */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return '[unknown]';
  const show = (d: Dim): string =>
    typeof d === 'number' ? String(d) : d.startsWith('?') ? '?' : d.length > 24 ? `${d.slice(0, 24)}…` : d;
  const dims =
    shape.length > 8 ? [...shape.slice(0, 8).map(show), `… (${shape.length} dims)`] : shape.map(show);
  return `[${dims.join(', ')}]`;
}
