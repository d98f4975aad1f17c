/**
 * Schema-aware mutations of JSON documents (manifests, run records, training configs, API
 * arguments): pick a place in the document and delete it, give it a value of the wrong type or an
 * absurd size, add unknown or prototype-polluting keys, or tweak a number. Deterministic from the
 * seed, like test/helpers/mutate.ts for bytes; `desc` says what was done.
 */
import { Random } from '../../src-main/core/util/random.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const int = (rng: Random, n: number): number => Math.floor(rng.uniform() * n);

/** Values a field may be replaced by: wrong types, boundaries, huge and hostile ones. */
function hostileValue(rng: Random): { value: unknown; what: string } {
  const choices: [() => unknown, string][] = [
    [() => null, 'null'],
    [() => true, 'true'],
    [() => 0, '0'],
    [() => -1, '-1'],
    [() => -0, '-0'],
    [() => 0.5, '0.5'],
    [() => 2 ** 31, '2^31'],
    [() => 2 ** 53 + 2, '2^53+2'],
    [() => 1e308, '1e308'],
    [() => -1e308, '-1e308'],
    [() => 1e-320, 'denormal'],
    [() => '', "''"],
    [() => ' ', "' '"],
    [() => 'x'.repeat(100_000), '100k chars'],
    [() => '../../../etc/passwd', 'path traversal'],
    [() => '/', "'/'"],
    [() => 'a\u0000b', 'NUL'],
    [() => '\ud800', 'lone surrogate'],
    [() => '1e3', "'1e3'"],
    [() => '784-16-10', 'arch text'],
    [() => '__proto__', "'__proto__'"],
    [() => [], '[]'],
    [() => [null], '[null]'],
    [() => Array.from({ length: 10_000 }, (_, i) => i), '10k numbers'],
    [() => nested(500), '500-deep array'],
    [() => ({}), '{}'],
    [() => JSON.parse('{"__proto__":{"polluted":1}}'), '{__proto__}'],
    [() => ({ constructor: { prototype: { polluted: 1 } } }), '{constructor.prototype}'],
  ];
  const [make, what] = choices[int(rng, choices.length)]!;
  return { value: make(), what };
}

function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** Every path in the document (the root is []). */
function pathsOf(v: unknown, at: Path = [], out: Path[] = [], limit = 2000): Path[] {
  out.push(at);
  if (out.length >= limit) return out;
  if (Array.isArray(v)) v.slice(0, 50).forEach((x, i) => pathsOf(x, [...at, i], out, limit));
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) pathsOf((v as Record<string, unknown>)[k], [...at, k], out, limit);
  return out;
}

function get(v: unknown, p: Path): unknown {
  return p.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], v);
}

/** Sets own property `k` (defineProperty: a key named __proto__ is data, as JSON.parse makes it). */
function setOwn(o: object, k: string | number, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

/** One mutation of a deep copy of `doc`. */
function mutateOnce(doc: unknown, rng: Random): { value: unknown; desc: string } {
  const root = structuredClone(doc);
  const paths = pathsOf(root);
  const p = paths[int(rng, paths.length)]!;
  const where = p.length ? p.join('.') : '(root)';
  const r = rng.uniform();
  if (p.length === 0) {
    const h = hostileValue(rng);
    return { value: h.value, desc: `root = ${h.what}` };
  }
  const parent = get(root, p.slice(0, -1)) as Record<string | number, unknown>;
  const key = p[p.length - 1]!;
  const old = parent[key];
  if (r < 0.2) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    return { value: root, desc: `delete ${where}` };
  }
  if (r < 0.6) {
    const h = hostileValue(rng);
    setOwn(parent, key, h.value);
    return { value: root, desc: `${where} = ${h.what}` };
  }
  if (r < 0.75 && typeof old === 'number') {
    const tweaks: [number, string][] = [
      [old + 1, '+1'],
      [old - 1, '-1'],
      [-old, 'negated'],
      [old * 1000, '×1000'],
      [old / 3, '/3'],
      [Math.floor(old / 2), 'half'],
    ];
    const [v, what] = tweaks[int(rng, tweaks.length)]!;
    setOwn(parent, key, v);
    return { value: root, desc: `${where} ${what}` };
  }
  if (r < 0.85) {
    // An unknown key next to this one (or a prototype-polluting one).
    const keys = ['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];
    const k = keys[int(rng, keys.length)]!;
    const h = hostileValue(rng);
    if (Array.isArray(parent)) parent.push(h.value);
    else setOwn(parent, k, h.value);
    return {
      value: root,
      desc: `add ${p.slice(0, -1).join('.') || '(root)'}.${JSON.stringify(k)} = ${h.what}`,
    };
  }
  if (r < 0.93) {
    // A value moved from elsewhere in the document: the right kind of value in the wrong place.
    const q = paths[int(rng, paths.length)]!;
    setOwn(parent, key, structuredClone(get(root, q)));
    return { value: root, desc: `${where} = copy of ${q.join('.') || '(root)'}` };
  }
  setOwn(parent, key, [old]);
  return { value: root, desc: `wrap ${where} in an array` };
}

/** 1–3 stacked mutations of `doc`, from `seed` alone. */
export function mutateJson(
  doc: Json | Record<string, unknown>,
  seed: number,
): { value: unknown; desc: string } {
  const rng = new Random(seed);
  const n = 1 + int(rng, 3);
  let value: unknown = doc;
  const descs: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = mutateOnce(value, rng);
    value = m.value;
    descs.push(m.desc);
  }
  return { value, desc: descs.join('; ') };
}
