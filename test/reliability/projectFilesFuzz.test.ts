/**
 * The JSON files of a project under mutation (issue 9, bad input): the manifest spinscope.json, a
 * run's run.json and metrics.jsonl, and training configs (config files and the API's training
 * options). Inputs are schema-aware mutations (jsonMutate.ts: wrong types, absurd sizes, unknown and
 * prototype-polluting keys) and byte mutations of the text (truncations, bit flips, splices).
 *
 * Expected, for every input: the project opens (a damaged run is a Problem naming the file, never
 * an exception), the manifest reads or fails with a ProjectError naming spinscope.json, run.json
 * reads or fails with a RunError naming it, a config resolves to a valid TrainConfig or fails with
 * a ConfigError naming its source — and no input changes Object.prototype. Resuming a run whose
 * run.json was mutated either completes or fails with a clear error.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpzError } from '../../src-main/core/project/npz.ts';
import { NpyError } from '../../src-main/core/project/npy.ts';
import {
  createProject,
  manifestSchema,
  newRunId,
  openProject,
  ProjectError,
  runDir,
} from '../../src-main/core/project/project.ts';
import { ConfigError, resolveConfig, trainConfigSchema } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { readMetrics, readRunRecord, RunError } from '../../src-main/core/train/runFolder.ts';
import { CancelledError } from '../../src-main/core/util/cancel.ts';
import { mutate } from '../helpers/mutate.ts';
import { clearErrorOf, runFuzz, type FuzzInput } from './fuzz.ts';
import { mutateJson } from './jsonMutate.ts';
import { Tally } from './outcomes.ts';

const SEED = 90_100;
const tmp = mkdtempSync(join(tmpdir(), 'spinscope-filefuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = {
  arch: [784, 8, 10],
  epochs: 2,
  trainLimit: 200,
  testLimit: 100,
  batchSize: 20,
  checkpoints: 4,
};

let project: string;
let runId: string;
/** A completed run and a run cancelled after its first checkpoint (a resume point at step 0). */
let completedRun: string;
let cancelledRun: string;

beforeAll(async () => {
  project = join(tmp, 'project');
  createProject(project, 'fuzz');
  runId = newRunId(project, 'relu-784-8-10');
  completedRun = runDir(project, runId);
  await trainRun({ dir: completedRun, config: resolveConfig(small) });
  cancelledRun = join(tmp, 'cancelled');
  const stop = new AbortController();
  await trainRun(
    { dir: cancelledRun, config: resolveConfig(small) },
    { signal: stop.signal, log: () => stop.abort() },
  ).catch((e: unknown) => {
    if (!(e instanceof CancelledError)) throw e;
  });
});

/** `n` inputs from `text`: half schema mutations of its JSON, half byte mutations of the text. */
function* textInputs(
  text: string,
  n: number,
  seed0: number,
): Generator<{ text: string | Uint8Array; desc: string }> {
  const json = JSON.parse(text) as Record<string, unknown>;
  const bytes = new Uint8Array(Buffer.from(text));
  for (let i = 0; i < n; i++) {
    const seed = seed0 + i;
    if (i % 2 === 0) {
      const m = mutateJson(json, seed);
      yield { text: JSON.stringify(m.value) ?? '', desc: `seed ${seed} schema: ${m.desc}` };
    } else {
      const m = mutate(bytes, seed);
      yield { text: m.bytes, desc: `seed ${seed} bytes: ${m.desc}` };
    }
  }
}

function prototypeIntact(): string | null {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && typeof probe.toString === 'function'
    ? null
    : 'Object.prototype was changed';
}

describe('project files under mutation', () => {
  it('spinscope.json: 2000 mutated manifests open or fail with a ProjectError naming the file', async () => {
    const tally = new Tally('project manifest spinscope.json', 'inputs');
    const file = join(project, 'spinscope.json');
    const original = readFileSync(file, 'utf8');
    const inputs = [...textInputs(original, 2000, SEED)].map((x): FuzzInput => ({
      desc: x.desc,
      run: () => {
        writeFileSync(file, x.text);
        return openProject(project);
      },
    }));
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: clearErrorOf([ProjectError], file),
      validResult: (r) => {
        const info = r as ReturnType<typeof openProject>;
        if (!manifestSchema.safeParse(info.manifest).success) return 'accepted an invalid manifest';
        return prototypeIntact();
      },
    });
    writeFileSync(file, original);
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.row.counts.clearError).toBeGreaterThan(500);
  });

  it('run.json: 2000 mutated run records are listed as a Problem naming the file, never thrown', async () => {
    const tally = new Tally('run record run.json', 'inputs');
    const file = join(completedRun, 'run.json');
    const original = readFileSync(file, 'utf8');
    const inputs = [...textInputs(original, 2000, SEED + 10_000)].map((x): FuzzInput => ({
      desc: x.desc,
      run: () => {
        writeFileSync(file, x.text);
        // Opening the project must not throw for a damaged run; it lists it as a Problem.
        const info = openProject(project);
        const problem = info.problems.find((p) => p.path === file);
        let record: unknown;
        try {
          record = readRunRecord(completedRun);
        } catch (e) {
          if (!problem)
            throw new Error(`readRunRecord failed (${(e as Error).message}) but no Problem was listed`, {
              cause: e,
            });
          throw e;
        }
        if (problem) throw new Error(`run.json reads fine but is listed as a problem: ${problem.message}`);
        return { info, record };
      },
    }));
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: clearErrorOf([RunError], file),
      validResult: (r) => {
        const { info } = r as { info: ReturnType<typeof openProject> };
        const run = info.runs.find((x) => x.id === runId);
        if (!run || run.status === null) return 'the run is not listed with a status';
        if (!trainConfigSchema.safeParse(run.config).success) return 'accepted an invalid config';
        return prototypeIntact();
      },
    });
    writeFileSync(file, original);
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.row.counts.clearError).toBeGreaterThan(500);
  });

  it('metrics.jsonl: 1000 mutated metric logs read, or fail with a RunError naming the file', async () => {
    const tally = new Tally('run metrics metrics.jsonl', 'inputs');
    const file = join(completedRun, 'metrics.jsonl');
    const original = new Uint8Array(readFileSync(file));
    const inputs = Array.from({ length: 1000 }, (_, i): FuzzInput => {
      const m = mutate(original, SEED + 20_000 + i);
      return {
        desc: `seed ${SEED + 20_000 + i}: ${m.desc}`,
        run: () => {
          writeFileSync(file, m.bytes);
          const info = openProject(project);
          const problem = info.problems.find((p) => p.path === file);
          try {
            return readMetrics(completedRun);
          } catch (e) {
            if (!problem)
              throw new Error(`readMetrics failed but no Problem was listed: ${(e as Error).message}`, {
                cause: e,
              });
            throw e;
          }
        },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: clearErrorOf([RunError], file),
      validResult: (r) => (Array.isArray(r) ? prototypeIntact() : 'not a list of records'),
    });
    writeFileSync(file, original);
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
  });

  it('training configs: 3000 mutated configs resolve to a valid TrainConfig or fail with a ConfigError', async () => {
    const tally = new Tally('training configs', 'inputs');
    const config = { ...resolveConfig(small), arch: '784-16-10' } as Record<string, unknown>;
    const inputs = Array.from({ length: 3000 }, (_, i): FuzzInput => {
      const m = mutateJson(config, SEED + 30_000 + i);
      return {
        desc: `seed ${SEED + 30_000 + i}: ${m.desc}`,
        run: () => {
          if (m.value === null || typeof m.value !== 'object' || Array.isArray(m.value)) {
            // What the CLI's --config and the API do before resolveConfig: refuse a non-object.
            throw new ConfigError('config.json: expected a JSON object of config keys');
          }
          return resolveConfig(m.value as Record<string, unknown>, 'config.json');
        },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: clearErrorOf([ConfigError], 'config.json'),
      validResult: (r) => {
        if (Object.getPrototypeOf(r) !== Object.prototype) return 'the config has a foreign prototype';
        if (!trainConfigSchema.safeParse(r).success) return 'accepted an invalid config';
        return prototypeIntact();
      },
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(tally.row.counts.valid).toBeGreaterThan(100);
  });

  it('resume: 40 runs whose run.json was mutated complete or fail with a clear error', async () => {
    const tally = new Tally('resume with a mutated run.json', 'inputs');
    const original = JSON.parse(readFileSync(join(cancelledRun, 'run.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const inputs = Array.from({ length: 40 }, (_, i): FuzzInput => {
      // Only the fields a resume trusts: the config, the step bookkeeping and the schedule.
      const m = mutateJson({ ...original }, SEED + 40_000 + i);
      const dir = join(tmp, `resume-${i}`);
      return {
        desc: `seed ${SEED + 40_000 + i}: ${m.desc}`,
        run: async () => {
          cpSync(cancelledRun, dir, { recursive: true });
          writeFileSync(join(dir, 'run.json'), JSON.stringify(m.value) ?? '');
          const summary = await trainRun({ dir, resume: true });
          rmSync(dir, { recursive: true, force: true });
          return summary;
        },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 20_000,
      clearError: clearErrorOf([RunError, ConfigError, NpzError, NpyError], (e) => e.message.includes(tmp)),
      validResult: (r) =>
        (r as { status: string }).status === 'completed' ? prototypeIntact() : 'not completed',
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
  });
});
