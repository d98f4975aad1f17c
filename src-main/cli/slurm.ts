/**
 * `spinscope slurm`: an sbatch script running a sweep as a SLURM job array, one task per shard
 * (core/sweep/slurmScript.ts); run again, it lists only the unfinished shards (core/sweep/shard.ts).
 * Prints the submit command, or with --submit runs sbatch and prints the array job's id.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';

export const slurmCommand: Command = {
  name: 'slurm',
  summary:
    'write (and with --submit, submit) an sbatch job array running a sweep in shards on a SLURM cluster',
  usage:
    'slurm PROJECT_DIR|RUN_DIR --shards N --partition P --time HH:MM:SS --cpus C [--scratch DIR] [--out FILE] [--submit]',
  options: {
    shards: { type: 'string', description: 'how many shards (array tasks) the checkpoints are split into' },
    partition: { type: 'string', description: 'the SLURM partition' },
    time: { type: 'string', description: 'time limit per task, HH:MM:SS or D-HH:MM:SS' },
    cpus: { type: 'string', description: 'CPUs per task (one analysis worker each)' },
    scratch: {
      type: 'string',
      description:
        "write each shard to DIR/shard-i-of-n/ instead of the project's analyses/ (no shared filesystem)",
    },
    out: { type: 'string', description: 'the script to write (default: spinscope-sweep.sbatch here)' },
    logs: { type: 'string', description: "folder of the tasks' logs (default: logs/ beside the script)" },
    submit: { type: 'boolean', description: 'run sbatch on the script and print the job id' },
    tmin: { type: 'string', description: 'lowest temperature of the TAP scan (as spinscope sweep)' },
    epsilon: { type: 'string', description: 'ordered if min λ_min < −epsilon (as spinscope sweep)' },
    top: { type: 'string', description: 'largest eigenvalues of J per checkpoint (as spinscope sweep)' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError('expected one project, run or checkpoint folder');
    for (const k of ['shards', 'partition', 'time', 'cpus'])
      if (typeof values[k] !== 'string') throw new UsageError(`--${k} is required`);
    const count = Number(values.shards);
    const cpus = Number(values.cpus);
    const partition = values.partition as string;
    const time = values.time as string;
    const { slurmOptionProblem } = await import('../core/sweep/slurmScript.ts');
    const problem = slurmOptionProblem({ partition, time, cpus, count });
    if (problem) throw new UsageError(problem);
    const settings = {
      tMin: values.tmin === undefined ? null : Number(values.tmin),
      epsilon: values.epsilon === undefined ? 0 : Number(values.epsilon),
      spectrumCount: values.top === undefined ? 10 : Number(values.top),
    };
    if (settings.tMin !== null && !(settings.tMin > 0))
      throw new UsageError('--tmin must be a positive number');
    if (!(settings.epsilon >= 0)) throw new UsageError('--epsilon must be a number ≥ 0');
    if (!Number.isInteger(settings.spectrumCount) || settings.spectrumCount < 1)
      throw new UsageError('--top must be a positive integer');

    const { planSlurmSweep, writeSlurmSweep, SLURM_SCRIPT_NAME } = await import('../core/sweep/slurmPlan.ts');
    const { SweepError } = await import('../core/sweep/targets.ts');
    const target = resolve(positionals[0]);
    const plan = planSlurmSweep({
      target,
      count,
      partition,
      time,
      cpus,
      scratch: typeof values.scratch === 'string' ? values.scratch : null,
      out: typeof values.out === 'string' ? values.out : SLURM_SCRIPT_NAME,
      logs: typeof values.logs === 'string' ? values.logs : undefined,
      workdir: process.cwd(),
      settings,
    });
    const { out, logs, shardsDir, statuses, unfinished: todo } = plan;
    if (todo.length === 0) {
      console.log(
        `all ${count} shards are finished: merge them with\n  npx spinscope merge ${shardsDir} --into ${target}`,
      );
      return 0;
    }
    writeSlurmSweep(plan);
    const what =
      todo.length === count
        ? `${count} array tasks`
        : `${todo.length} array task${todo.length > 1 ? 's' : ''} for the unfinished shard${todo.length > 1 ? 's' : ''} ${todo.join(', ')} of ${count}`;
    console.log(`wrote ${out}: ${what}`);
    if (todo.length < count)
      for (const s of statuses.filter((x) => !x.finished))
        console.log(`  shard ${s.shard.index}: ${s.reason} (${s.folder})`);
    if (!values.submit) {
      console.log(`submit it with\n  sbatch ${out}`);
      return 0;
    }
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('sbatch', ['--parsable', out], { encoding: 'utf8' }));
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT')
        throw new SweepError('sbatch is not on PATH: run this on a SLURM login node, or leave out --submit');
      throw new SweepError(`sbatch failed: ${(err.stderr || err.message).trim()}`);
    }
    const jobId = stdout.trim().split(';')[0];
    console.log(`submitted job array ${jobId}; logs in ${logs}/spinscope-sweep-${jobId}_<task>.out`);
    return 0;
  },
};
