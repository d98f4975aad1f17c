/**
 * Mutation fuzzer over the real ONNX fixtures (shared and own): bit flips, byte sets, truncations,
 * splices, cross-overs and protobuf length-field edits (test/helpers/mutate.ts). Every input must
 * end, within a time and memory bound, in either a valid Network (that passes validateNetwork) or
 * an OnnxError whose message names the file and says what is wrong — never another exception, and
 * never an OnnxError that merely wraps an internal TypeError/RangeError.
 *
 * Deterministic from SEED: input i of fixture f uses seed inputSeed(f, i); a failure names the
 * fixture, the seed and the mutation, and mutate(bytes, seed, corpus) — corpus = the model bytes of
 * listFixtures(), in its order — rebuilds the input. SPINSCOPE_FUZZ_INPUTS raises the total (default 10,000) for long
 * local runs. The counts are printed in afterAll.
 *
 * Limits: the reader is synchronous, so a true hang cannot be interrupted here; it would show as a
 * test timeout. The time bound catches slow inputs; the heap bound is checked per batch.
 *
 * Part of the reliability suite (issue 9): its counts are rows of the suite's outcome table.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { validateNetwork } from '../../src-main/core/network/network.ts';
import { OnnxError } from '../../src-main/core/onnx/errors.ts';
import { readOnnxModel } from '../../src-main/core/onnx/reader.ts';
import { listFixtures, REPO_ROOT } from '../helpers/fixtures.ts';
import { Tally } from './outcomes.ts';
import {
  encodeVarint,
  MUTATOR_KINDS,
  mutate,
  readVarint,
  walkLengthFields,
  type MutatorKind,
} from '../helpers/mutate.ts';

const SEED = 20_261_201;
const TOTAL = Math.max(10_000, Number(process.env.SPINSCOPE_FUZZ_INPUTS ?? 0) || 0);
/** Per-input wall-clock bound. */
const MAX_MS = 2000;
/** Heap growth allowed over the run's start, checked every BATCH inputs. */
const MAX_HEAP_GROWTH = 768 * 2 ** 20;
const BATCH = 100;

const fixtures = listFixtures();
const corpus = fixtures.map((f) => new Uint8Array(readFileSync(f.model)));

/** Seed of input i of fixture f (f indexes listFixtures(), whose bytes are also the cross-over corpus). */
function inputSeed(fixtureIndex: number, i: number): number {
  return (SEED + fixtureIndex * 1_000_003 + i * 7919) >>> 0;
}

type Outcome = 'valid' | 'onnxError' | 'failure';

/** Rows of the suite's outcome table: every input is valid, a clear OnnxError, a crash or too slow. */
const tally = new Tally('ONNX models (mutation)', 'inputs');
const corpusTally = new Tally('ONNX bad-file corpus', 'inputs');

const counts = {
  inputs: 0,
  valid: 0,
  onnxError: 0,
  failures: 0,
  /** Per mutator: [inputs, valid]. */
  byKind: new Map<MutatorKind, [number, number]>(),
  byMessage: new Map<string, number>(),
  slowest: { ms: 0, what: '' },
  maxHeapGrowthMB: 0,
  wallMs: 0,
};

const INTERNAL = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'InternalError'];

/** The first words of a message, without the file name and with numbers as N (for counts). */
function messageClass(msg: string, source: string): string {
  const m = msg.startsWith(`${source}: `) ? msg.slice(source.length + 2) : msg;
  return m
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d+(\.\d+)?/g, 'N')
    .split(/\s+/)
    .slice(0, 6)
    .join(' ');
}

/** Runs one input; returns its outcome and, for a failure, why. */
function classify(bytes: Uint8Array, source: string, baseDir: string): { outcome: Outcome; why?: string } {
  try {
    const imp = readOnnxModel(bytes, { source, baseDir });
    try {
      validateNetwork(imp.network, source);
    } catch (e) {
      return { outcome: 'failure', why: `valid result fails validateNetwork: ${(e as Error).message}` };
    }
    for (const [k, l] of imp.network.layers.entries()) {
      if (!l.weight.every(Number.isFinite) || (l.bias && !l.bias.every(Number.isFinite))) {
        return { outcome: 'failure', why: `valid result has a non-finite value in layer ${k + 1}` };
      }
    }
    return { outcome: 'valid' };
  } catch (e) {
    if (!(e instanceof OnnxError)) {
      const name = e instanceof Error ? e.name : typeof e;
      return { outcome: 'failure', why: `uncaught ${name}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const msg = e.message;
    if (msg.trim().length === 0) return { outcome: 'failure', why: 'OnnxError with an empty message' };
    if (!msg.startsWith(`${source}: `))
      return { outcome: 'failure', why: `OnnxError without the file name: ${msg}` };
    if (msg.trim() === `${source}:`) return { outcome: 'failure', why: 'OnnxError says nothing' };
    const cause = e.cause;
    if (cause instanceof Error && INTERNAL.includes(cause.name)) {
      return { outcome: 'failure', why: `OnnxError wrapping an internal ${cause.name}: ${msg}` };
    }
    const cls = messageClass(msg, source);
    counts.byMessage.set(cls, (counts.byMessage.get(cls) ?? 0) + 1);
    return { outcome: 'onnxError' };
  }
}

describe(`the ONNX reader under ${TOTAL} mutated fixtures`, () => {
  const start = performance.now();
  const heap0 = process.memoryUsage().heapUsed;

  afterAll(() => {
    counts.wallMs = performance.now() - start;
    const top = [...counts.byMessage.entries()].sort((a, b) => b[1] - a[1]);
    const lines = [
      `ONNX fuzz (seed ${SEED}, ${fixtures.length} fixtures): ${counts.inputs} inputs, ` +
        `${counts.valid} valid, ${counts.onnxError} OnnxError, ${counts.failures} failures; ` +
        `slowest input ${counts.slowest.ms.toFixed(1)} ms (${counts.slowest.what}); ` +
        `max heap growth ${counts.maxHeapGrowthMB.toFixed(0)} MB; wall ${(counts.wallMs / 1000).toFixed(1)} s`,
      `  by mutator (inputs/valid): ${[...counts.byKind.entries()]
        .map(([k, [n, v]]) => `${k} ${n}/${v}`)
        .join(', ')}`,
      `  OnnxError by first words (${top.length} classes):`,
      ...top.slice(0, 20).map(([m, n]) => `    ${String(n).padStart(6)}  ${m}`),
    ];
    console.log(lines.join('\n'));
    tally.save(`slowest ${counts.slowest.ms.toFixed(0)} ms, heap +${counts.maxHeapGrowthMB.toFixed(0)} MB`);
  });

  it('has fixtures to fuzz, valid ones among them', () => {
    expect(fixtures.length).toBeGreaterThan(10);
    expect(fixtures.filter((f) => f.expected !== null).length).toBeGreaterThan(5);
  });

  fixtures.forEach((fx, f) => {
    // Spread TOTAL over the fixtures; the first ones take the remainder.
    const share = Math.floor(TOTAL / fixtures.length) + (f < TOTAL % fixtures.length ? 1 : 0);
    it(`${fx.corpus}/${fx.name}: ${share} mutations end in a Network or an OnnxError, in bounded time and memory`, () => {
      const source = `fuzz/${fx.name}.onnx`;
      const baseDir = dirname(fx.model);
      const failures: string[] = [];
      for (let i = 0; i < share; i++) {
        const seed = inputSeed(f, i);
        const m = mutate(corpus[f]!, seed, corpus);
        const t0 = performance.now();
        const r = classify(m.bytes, source, baseDir);
        const ms = performance.now() - t0;
        counts.inputs++;
        const what = `${fx.corpus}/${fx.name} seed ${seed}: ${m.desc}`;
        if (ms > counts.slowest.ms) counts.slowest = { ms, what };
        if (ms > MAX_MS) failures.push(`${what}: took ${ms.toFixed(0)} ms (bound ${MAX_MS} ms)`);
        if (ms > MAX_MS) tally.add('hang', `${what}: took ${ms.toFixed(0)} ms`);
        else
          tally.add(
            r.outcome === 'failure' ? 'crash' : r.outcome === 'valid' ? 'valid' : 'clearError',
            `${what}: ${r.why}`,
          );
        const byKind = counts.byKind.get(m.kind) ?? [0, 0];
        counts.byKind.set(m.kind, [byKind[0] + 1, byKind[1] + (r.outcome === 'valid' ? 1 : 0)]);
        if (r.outcome === 'valid') counts.valid++;
        else if (r.outcome === 'onnxError') counts.onnxError++;
        else failures.push(`${what}: ${r.why}`);
        if (i % BATCH === BATCH - 1 || i === share - 1) {
          const growth = process.memoryUsage().heapUsed - heap0;
          counts.maxHeapGrowthMB = Math.max(counts.maxHeapGrowthMB, growth / 2 ** 20);
          if (growth > MAX_HEAP_GROWTH)
            failures.push(`${what}: heap grew by ${(growth / 2 ** 20).toFixed(0)} MB`);
        }
      }
      counts.failures += failures.length;
      expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([]);
    });
  });
});

describe('the mutators', () => {
  it('are deterministic: the same seed gives the same bytes and description', () => {
    for (let i = 0; i < 200; i++) {
      const f = i % corpus.length;
      const a = mutate(corpus[f]!, inputSeed(f, i), corpus);
      const b = mutate(corpus[f]!, inputSeed(f, i), corpus);
      expect(b.desc).toBe(a.desc);
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    }
  });

  it('use every mutator and change the input', () => {
    const seen = new Set<MutatorKind>();
    let changed = 0;
    for (let i = 0; i < 500; i++) {
      const m = mutate(corpus[0]!, i, corpus);
      seen.add(m.kind);
      if (!Buffer.from(m.bytes).equals(Buffer.from(corpus[0]!))) changed++;
    }
    expect([...seen].sort()).toEqual([...MUTATOR_KINDS].sort());
    expect(changed).toBeGreaterThan(450);
  });

  it('encode varints up to 2^64 − 1 and find nested length fields in a real model', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const e = encodeVarint(v);
      expect(readVarint(e, 0, e.length)).toEqual({ value: v, size: e.length });
    }
    expect(encodeVarint(2n ** 64n - 1n).length).toBe(10);
    const valid = corpus[fixtures.findIndex((f) => f.expected !== null)]!;
    const fields = walkLengthFields(valid);
    expect(fields.some((f) => f.depth === 0 && f.fieldNumber === 7)).toBe(true); // ModelProto.graph
    expect(fields.some((f) => f.depth >= 2)).toBe(true);
    // A truncated file still offers the top-level fields before the cut.
    const cut = walkLengthFields(valid.subarray(0, valid.length >> 1));
    expect(cut.some((f) => f.depth === 0 && f.fieldNumber === 7)).toBe(true);
    expect(cut.some((f) => f.depth >= 2)).toBe(true);
  });

  it('keep the message well-formed in a structural field splice (enclosing lengths rewritten)', () => {
    const valid = corpus[fixtures.findIndex((f) => f.expected !== null)]!;
    let splices = 0;
    for (let i = 0; splices < 50; i++) {
      const m = mutate(valid, i, corpus);
      if (m.kind !== 'fieldSplice') continue;
      splices++;
      // The top level of the result parses to its end: no field overruns it.
      const top = walkLengthFields(m.bytes).filter((f) => f.depth === 0);
      const last = top[top.length - 1]!;
      expect(last.lenAt + last.lenSize + last.length, m.desc).toBeLessThanOrEqual(m.bytes.length);
    }
  });
});

/**
 * The regression corpus test/fixtures/onnx-bad (index.json): inputs the fuzzer found, and hand-built
 * ones written by its generate.ts. Each model is read with baseDir = its own folder, so a case can
 * carry external data beside it (`sideFiles`); a `symlink` case is completed here, in a temporary
 * folder, because symbolic links cannot be committed portably.
 */
const BAD = resolve(REPO_ROOT, 'test/fixtures/onnx-bad');
interface BadCase {
  desc: string;
  path: string;
  errorContains?: string;
  warningContains?: string;
  sideFiles?: string[];
  symlink?: { link: string; target: string };
}
const badIndex = JSON.parse(readFileSync(join(BAD, 'index.json'), 'utf8')) as {
  cases: Record<string, BadCase>;
};

/** Every file below dir, relative to it, with '/' separators. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
  );
}

describe('the regression corpus test/fixtures/onnx-bad', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'spinscope-onnx-bad-'));
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    corpusTally.save();
  });

  it('lists every file of the folder, and every file it lists exists', () => {
    const listed = new Set(['index.json', 'generate.ts']);
    for (const c of Object.values(badIndex.cases)) {
      listed.add(c.path);
      for (const f of c.sideFiles ?? []) listed.add(f);
    }
    expect(filesBelow(BAD).sort()).toEqual([...listed].sort());
    for (const [name, c] of Object.entries(badIndex.cases)) {
      // Exactly one expectation per case.
      expect(c.errorContains === undefined, name).not.toBe(c.warningContains === undefined);
    }
  });

  /** The model's bytes and folder; for a symlink case, a copy in tmp with the link made. */
  function materialise(name: string, c: BadCase): { bytes: Uint8Array; baseDir: string } {
    const model = join(BAD, c.path);
    if (!c.symlink) return { bytes: new Uint8Array(readFileSync(model)), baseDir: dirname(model) };
    // <tmp>/<name>/model/<model> and <tmp>/<name>/<target>; the link inside model/ leads to the target.
    const root = join(tmp, name);
    const dir = join(root, 'model');
    mkdirSync(dir, { recursive: true });
    copyFileSync(model, join(dir, basename(model)));
    copyFileSync(join(BAD, c.symlink.target), join(root, basename(c.symlink.target)));
    symlinkSync(join(root, basename(c.symlink.target)), join(dir, c.symlink.link));
    return { bytes: new Uint8Array(readFileSync(join(dir, basename(model)))), baseDir: dir };
  }

  for (const [name, c] of Object.entries(badIndex.cases)) {
    it(`${name}: ${c.desc}`, () => {
      const source = `${name}.onnx`;
      const { bytes, baseDir } = materialise(name, c);
      let err: unknown = null;
      let imp: ReturnType<typeof readOnnxModel> | null = null;
      try {
        imp = readOnnxModel(bytes, { source, baseDir });
      } catch (e) {
        err = e;
      }
      if (c.warningContains !== undefined) {
        // A model that loads: a valid Network, and the warning that says what was ignored.
        const warned = imp !== null && imp.warnings.some((w) => w.includes(c.warningContains!));
        corpusTally.add(warned ? 'valid' : 'crash', `${name}: ${String(err ?? imp?.warnings)}`);
        expect(err).toBeNull();
        validateNetwork(imp!.network, source);
        expect(imp!.warnings.join('\n')).toContain(c.warningContains);
        return;
      }
      const clear =
        err instanceof OnnxError &&
        err.message.startsWith(`${source}: `) &&
        err.message.includes(c.errorContains!);
      corpusTally.add(clear ? 'clearError' : 'crash', `${name}: ${String(err)}`);
      expect(err).toBeInstanceOf(OnnxError);
      expect((err as Error).message.startsWith(`${source}: `)).toBe(true);
      expect((err as Error).message).toContain(c.errorContains);
    });
  }

  it('the symbolic-link case reads fine when the link stays inside the model folder (only the escape is refused)', () => {
    const [name, c] = Object.entries(badIndex.cases).find(([, x]) => x.symlink)!;
    const dir = join(tmp, `${name}-inside`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(BAD, c.symlink!.target), join(dir, 'target.bin'));
    symlinkSync(join(dir, 'target.bin'), join(dir, c.symlink!.link));
    const imp = readOnnxModel(new Uint8Array(readFileSync(join(BAD, c.path))), {
      source: 'inside.onnx',
      baseDir: dir,
    });
    expect(imp.network.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [4, 3],
      [3, 2],
    ]);
  });
});
