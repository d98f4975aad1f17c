/**
 * The sbatch script of a sharded sweep (core/sweep/slurmScript.ts): the #SBATCH lines, the command
 * each array task runs — checked by running the script with bash and a stand-in `npx` that prints
 * the arguments it got, so quoting mistakes cannot hide — and the --array syntax of re-runs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  arraySpec,
  shellQuote,
  slurmOptionProblem,
  slurmScript,
  type SlurmScriptOptions,
} from '../../../src-main/core/sweep/slurmScript.ts';
import { tmp } from './helpers.ts';

const base: SlurmScriptOptions = {
  target: '/data/lab/project',
  count: 4,
  partition: 'gpu-short',
  time: '02:30:00',
  cpus: 8,
  scratch: null,
  shardsDir: '/data/lab/project/analyses/shards',
  workdir: '/home/me/spinscope',
  logs: '/home/me/logs',
  settings: { tMin: null, epsilon: 0, spectrumCount: 10 },
  configHash: '0123456789abcdef',
  version: '0.1.0',
};

/** Runs `script` as SLURM would run array task `task`, with `npx` printing its arguments one per line. */
function runAsTask(script: string, task: number, cpus: number): string[] {
  const dir = tmp();
  mkdirSync(join(dir, 'bin'));
  const npx = join(dir, 'bin', 'npx');
  writeFileSync(npx, '#!/bin/bash\nprintf "%s\\n" "$@"\n');
  chmodSync(npx, 0o755);
  const file = join(dir, 'job.sbatch');
  writeFileSync(file, script);
  const out = execFileSync('bash', [file], {
    env: {
      PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
      SLURM_ARRAY_TASK_ID: String(task),
      SLURM_CPUS_PER_TASK: String(cpus),
    },
    encoding: 'utf8',
  });
  return out.trimEnd().split('\n');
}

describe('slurmScript', () => {
  it('one array task per shard, per-task logs (%A_%a), the resources asked for, and how to merge', () => {
    const script = slurmScript(base);
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    const sbatch = lines.filter((l) => l.startsWith('#SBATCH'));
    expect(sbatch).toEqual([
      '#SBATCH --job-name=spinscope-sweep',
      '#SBATCH --array=0-3',
      '#SBATCH --partition=gpu-short',
      '#SBATCH --time=02:30:00',
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --chdir=/home/me/spinscope',
      '#SBATCH --output=/home/me/logs/spinscope-sweep-%A_%a.out',
    ]);
    // sbatch reads #SBATCH lines only before the first command.
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lines.findLastIndex((l) => l.startsWith('#SBATCH'))).toBeLessThan(firstCommand);
    expect(script).toContain(
      '#   npx spinscope merge /data/lab/project/analyses/shards --into /data/lab/project\n#   npx spinscope sweep /data/lab/project\n',
    );
    expect(script).toContain('Config hash 0123456789abcdef');
    expect(runAsTask(script, 2, 8)).toEqual([
      'spinscope',
      'sweep',
      '/data/lab/project',
      '--shard',
      '2/4',
      '--jobs',
      '8',
    ]);
  });

  it('scratch, settings and awkward paths reach the task as the exact arguments', () => {
    const odd = "/data/my lab/it's $HOME";
    const script = slurmScript({
      ...base,
      target: odd,
      scratch: '/local/scratch/sweep',
      shardsDir: '/local/scratch/sweep',
      settings: { tMin: 0.25, epsilon: 0.001, spectrumCount: 5 },
      shards: [1, 3],
      count: 6,
    });
    expect(script).toContain('#SBATCH --array=1,3\n');
    expect(script).toContain('(a re-run: only the 2 unfinished of 6 shards)');
    expect(script).toContain('#   npx spinscope merge /local/scratch/sweep --into ');
    expect(runAsTask(script, 3, 2)).toEqual([
      'spinscope',
      'sweep',
      odd,
      '--shard',
      '3/6',
      '--jobs',
      '2',
      '--scratch',
      '/local/scratch/sweep',
      '--tmin',
      '0.25',
      '--epsilon',
      '0.001',
      '--top',
      '5',
    ]);
  });
});

describe('arraySpec, shellQuote and the option checks', () => {
  it('writes runs of consecutive shards as ranges', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([5])).toBe('5');
    expect(arraySpec([0, 2, 3, 4, 7, 9, 10])).toBe('0,2-4,7,9-10');
  });

  it('quotes only what bash would split or expand', () => {
    expect(shellQuote('/a/b-c_d.e')).toBe('/a/b-c_d.e');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(
      execFileSync('bash', ['-c', `printf %s ${shellQuote("it's $x `y` *")}`], { encoding: 'utf8' }),
    ).toBe("it's $x `y` *");
  });

  it('rejects a malformed --time, --cpus, --shards or --partition', () => {
    const ok = { partition: 'debug', time: '00:10:00', cpus: 1, count: 4 };
    expect(slurmOptionProblem(ok)).toBeNull();
    expect(slurmOptionProblem({ ...ok, time: '1-12:00:00' })).toBeNull();
    expect(slurmOptionProblem({ ...ok, time: '10m' })).toMatch(/--time must be HH:MM:SS/);
    expect(slurmOptionProblem({ ...ok, cpus: 0 })).toMatch(/--cpus/);
    expect(slurmOptionProblem({ ...ok, count: 2.5 })).toMatch(/--shards/);
    expect(slurmOptionProblem({ ...ok, partition: 'a;rm' })).toMatch(/--partition/);
  });
});
