/**
 * API arguments under mutation (issue 9, bad input): every method of the contract
 * (src-main/api/contract.ts) called through the backend's dispatcher (rpc.ts) with mutated
 * arguments — wrong types, absurd sizes, path traversal, unknown and prototype-polluting keys — on a
 * real project with a trained run. Every call must answer a result or a typed error with a message
 * (bad-request, not-found, conflict, failed); 'internal' (an unexpected exception in a handler), a
 * thrown dispatcher, a slow answer or a changed Object.prototype count as crashes.
 *
 * Jobs go to a worker host whose processes end at once, so no real training starts; the calls run
 * in a scratch working folder, so relative paths land there.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src-main/api/backend.ts';
import { METHODS } from '../../src-main/api/contract.ts';
import type { RpcResult } from '../../src-main/api/rpc.ts';
import { createProject, newRunId, RecentProjects, runDir } from '../../src-main/core/project/project.ts';
import { inProcessAnalyzer } from '../../src-main/core/sweep/analyzers.ts';
import { sweepShard } from '../../src-main/core/sweep/shard.ts';
import { resolveConfig } from '../../src-main/core/train/config.ts';
import { trainRun } from '../../src-main/core/train/run.ts';
import { JobSupervisor, type WorkerHandle, type WorkerHost } from '../../src-main/jobs/supervisor.ts';
import { CLEAR_ERROR, runFuzz, type FuzzInput } from './fuzz.ts';
import { mutateJson } from './jsonMutate.ts';
import { Tally } from './outcomes.ts';

const INPUTS = 4000;
const SEED = 90_200;
const tmp = mkdtempSync(join(tmpdir(), 'spinscope-apifuzz-'));
const cwd = process.cwd();

/** Worker processes that end as soon as they start (exit code 1): jobs fail, nothing runs. */
const instantExitHost: WorkerHost = {
  fork(): WorkerHandle {
    const exits: ((code: number | null, signal: string | null) => void)[] = [];
    setImmediate(() => exits.forEach((l) => l(1, null)));
    return {
      pid: undefined,
      send: () => undefined,
      onMessage: () => undefined,
      onExit: (l) => void exits.push(l),
      kill: () => undefined,
    };
  },
};

let backend: Backend;
let project: string;
let runId: string;
let template: string;
const unexpected: string[] = [];

beforeAll(async () => {
  project = join(tmp, 'project');
  createProject(project, 'api fuzz');
  runId = newRunId(project, 'relu-784-8-10');
  await trainRun({
    dir: runDir(project, runId),
    config: resolveConfig({
      arch: [784, 8, 10],
      epochs: 1,
      trainLimit: 200,
      testLimit: 100,
      batchSize: 20,
      checkpoints: 3,
    }),
  });
  // The run's checkpoints as one finished shard (analyses/shards), so runs.mergeShards has something to merge.
  await sweepShard([project], { index: 0, count: 1 }, { analyzer: inProcessAnalyzer() });
  template = join(tmp, 'template-run');
  cpSync(runDir(project, runId), template, { recursive: true });
  backend = createBackend({
    supervisor: new JobSupervisor({ host: instantExitHost, concurrency: 1 }),
    recent: new RecentProjects(join(tmp, 'recent.json')),
    transport: 'websocket',
    emit: () => undefined,
    onUnexpected: (method, e) => unexpected.push(`${method}: ${(e as Error)?.stack ?? String(e)}`),
  });
  process.chdir(join(tmp));
});

afterAll(async () => {
  process.chdir(cwd);
  await backend?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** Valid-looking arguments per method; methods not listed get the generic ones. */
function seedsFor(method: string): Record<string, unknown>[] {
  const known: Record<string, Record<string, unknown>[]> = {
    'projects.create': [{ dir: 'new-project', name: 'New' }],
    'projects.open': [{ dir: project }],
    'projects.rename': [{ name: 'Renamed' }],
    'projects.reproduce': [{ dir: 'reproduction', budget: 'tiny', seeds: 1 }],
    'runs.create': [{ name: 'r', config: { arch: '784-8-10', epochs: 1, trainLimit: 200, lr: 0.1 } }],
    'runs.sweep': [{ runId, window: '1:100' }],
    'runs.clusterSweep': [
      { shards: 2, partition: 'short', time: '01:00:00', cpus: 2 },
      { runIds: [runId], shards: 3, partition: 'p', time: '1-00:00:00', cpus: 1, scratch: 'scratch' },
    ],
    // `{}` alone would only ever be mutated into a hostile root; deleting `dirs` from this gives it.
    'runs.mergeShards': [{ dirs: [join(project, 'analyses', 'shards')] }],
    'checkpoints.analysis': [{ runId, step: 0 }],
    'models.import': [{ path: join(template, 'checkpoints', 'step-000000.onnx') }],
    'analyses.start': [{ target: { runId, step: 0 } }, { target: { modelId: 'm' } }],
    'jobs.log': [{ jobId: 'j', tail: 10 }],
  };
  return (
    known[method] ?? [{}, { runId }, { runId, step: 0 }, { modelId: 'm' }, { id: 'a-1' }, { jobId: 'j' }]
  );
}

const CLEAR = new Set(['bad-request', 'not-found', 'conflict', 'failed']);

describe('API arguments under mutation', () => {
  it(`${INPUTS} mutated calls through the dispatcher each answer a result or a typed, worded error`, async () => {
    const tally = new Tally('API arguments (dispatcher)', 'inputs');
    const methods = [...METHODS, 'no.such.method', '__proto__', 'constructor'];
    // Methods that answered at least one mutated call successfully: the fuzz must reach the
    // handlers' success paths, not only their argument checks.
    const succeeded = new Set<string>();
    const inputs = Array.from({ length: INPUTS }, (_, i): FuzzInput => {
      const method = methods[i % methods.length]!;
      const seeds = seedsFor(method);
      const seed = SEED + i;
      const m = mutateJson(seeds[Math.floor(i / methods.length) % seeds.length]!, seed);
      return {
        desc: `${method} seed ${seed}: ${m.desc}`,
        run: async () => {
          // Keep the project and its run in place whatever an earlier call did to them.
          if (!existsSync(runDir(project, runId)))
            cpSync(template, runDir(project, runId), { recursive: true });
          if (i % 50 === 0) await backend.dispatch('projects.open', { dir: project });
          const before = unexpected.length;
          const r: RpcResult = await backend.dispatch(method, m.value);
          if (r.ok) succeeded.add(method);
          if (unexpected.length > before) throw new Error(`internal: ${unexpected[unexpected.length - 1]}`);
          return r;
        },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 2000,
      clearError: (e) => `the dispatcher threw: ${(e as Error).message}`,
      validResult: (r) => {
        const res = r as RpcResult;
        if (({} as Record<string, unknown>).polluted !== undefined) return 'Object.prototype was changed';
        if (res.ok) return null;
        if (!CLEAR.has(res.error.code)) return `error code ${res.error.code}: ${res.error.message}`;
        if (typeof res.error.message !== 'string' || res.error.message.length < 10)
          return `error without a message: ${JSON.stringify(res.error)}`;
        if (res.error.message.includes('[object Object]')) return `unclear message: ${res.error.message}`;
        return CLEAR_ERROR;
      },
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
    expect(unexpected).toEqual([]);
    console.log(
      `API fuzz: ${succeeded.size} of ${METHODS.length} methods answered a mutated call successfully`,
    );
    // A share of the methods, not a count of calls: adding a method reshuffles which mutation each
    // method gets, and a fixed count of successful calls would drift with it.
    expect(succeeded.size).toBeGreaterThanOrEqual(Math.ceil(0.4 * METHODS.length));
    expect(tally.row.counts.valid).toBeGreaterThan(50);
  });
});
