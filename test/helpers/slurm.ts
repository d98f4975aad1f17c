/**
 * A real one-node SLURM cluster on this machine for the integration test of sharded sweeps
 * (Debian's slurm-wlm and munge; .ci/run installs them): munged with a freshly generated key on
 * its own socket, slurmctld and slurmd with a minimal slurm.conf in a temporary folder (no
 * cgroups, no accounting, free ports), so it neither needs nor touches a system-wide SLURM.
 * Clients find it through SLURM_CONF. Starting fails with the reason and the daemons' logs; the
 * caller must stop() it in its teardown.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalSlurm {
  /** The environment for SLURM clients (sbatch, squeue, …): SLURM_CONF points at this cluster. */
  env: NodeJS.ProcessEnv;
  partition: string;
  dir: string;
  /** The last lines of the daemons' logs, for failure messages. */
  logs(): string;
  /** Cancels every job, shuts the daemons down and removes the folder. */
  stop(): Promise<void>;
}

const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'];

function which(cmd: string): string | null {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(path: string, lines = 15): string {
  if (!existsSync(path)) return `${path}: (none)`;
  return `${path}:\n${readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
}

export async function startLocalSlurm(): Promise<LocalSlurm> {
  const missing = DAEMONS.filter((d) => which(d) === null);
  if (missing.length)
    throw new Error(
      `SLURM is not installed (${missing.join(', ')} not found): apt-get install slurm-wlm munge (.ci/run does)`,
    );
  if (process.getuid?.() !== 0)
    throw new Error('the SLURM test must run as root: slurmd starts the jobs (CI runs as root)');
  const bin = (d: string): string => which(d)!;

  const dir = mkdtempSync(join(tmpdir(), 'spinscope-slurm-'));
  // munged wants every folder on the socket's path searchable by all.
  chmodSync(dir, 0o755);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o755 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.socket');
  const host = hostname().split('.')[0];
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  const partition = 'debug';
  writeFileSync(
    conf,
    [
      'ClusterName=spinscope-test',
      // Addresses given: the test must not depend on the host name resolving (CI machines).
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'MpiDefault=none',
      'ReturnToService=2',
      // Finished jobs stay visible to scontrol for the test's checks.
      'MinJobAge=600',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${availableParallelism()} RealMemory=512 State=UNKNOWN`,
      `PartitionName=${partition} Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const logs = (): string =>
    [
      tail(join(dir, 'munge', 'munged.log')),
      tail(join(dir, 'log', 'slurmctld.log')),
      tail(join(dir, 'log', 'slurmd.log')),
    ].join('\n');
  const run = (cmd: string, args: string[]): string => {
    const r = spawnSync(bin(cmd), args, { env, encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0)
      throw new Error(
        `${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}\n${logs()}`,
      );
    return r.stdout;
  };

  let started = false;
  const stop = async (): Promise<void> => {
    spawnSync(bin('scancel'), ['--user=root'], { env, timeout: 10_000 });
    spawnSync(bin('scontrol'), ['shutdown'], { env, timeout: 10_000 });
    for (const pidFile of ['slurmctld.pid', 'slurmd.pid', 'munge/munged.pid']) {
      const path = join(dir, pidFile);
      if (!existsSync(path)) continue;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pidFile.startsWith('munge')) spawnSync(bin('munged'), ['--stop', `--socket=${socket}`]);
      for (let k = 0; k < 100 && alive(pid); k++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('munged', [
      '--force',
      `--key-file=${key}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
      `--log-file=${join(dir, 'munge', 'munged.log')}`,
      `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
    ]);
    run('slurmctld', ['-i', '-f', conf]);
    run('slurmd', ['-f', conf]);
    // The node registers within a second or two; 'idle' means it takes jobs.
    const deadline = Date.now() + 30_000;
    let state = '';
    while (Date.now() < deadline) {
      const r = spawnSync(bin('sinfo'), ['-h', '-o', '%T'], { env, encoding: 'utf8', timeout: 5000 });
      state = (r.stdout ?? '').trim();
      if (state === 'idle') {
        started = true;
        break;
      }
      await sleep(250);
    }
    if (!started)
      throw new Error(`the SLURM node did not become idle within 30 s (sinfo: '${state}')\n${logs()}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { env, partition, dir, logs, stop };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the job (every task of an array) has left the queue; throws with the queue and logs after `ms`. */
export async function waitForJob(slurm: LocalSlurm, jobId: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let queue = '';
  while (Date.now() < deadline) {
    const r = spawnSync('squeue', ['-h', '-j', jobId, '-o', '%i %T %R'], {
      env: slurm.env,
      encoding: 'utf8',
    });
    // A job the controller has already forgotten is "invalid": it has left the queue too.
    if (r.status !== 0 && /Invalid job id/i.test(r.stderr ?? '')) return;
    if (r.status !== 0) throw new Error(`squeue failed: ${r.stderr}\n${slurm.logs()}`);
    queue = r.stdout.trim();
    if (queue === '') return;
    await sleep(300);
  }
  throw new Error(
    `job ${jobId} did not finish within ${ms / 1000} s; still queued:\n${queue}\n${slurm.logs()}`,
  );
}

/** JobState of each task of the array job, by task id ("0" → "COMPLETED"), from scontrol. */
export function arrayTaskStates(slurm: LocalSlurm, jobId: string): Map<string, string> {
  const out = execFileSync('scontrol', ['-o', 'show', 'job', jobId], { env: slurm.env, encoding: 'utf8' });
  const states = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const task = /ArrayTaskId=(\S+)/.exec(line)?.[1];
    const state = /JobState=(\S+)/.exec(line)?.[1];
    if (task && state) states.set(task, state);
  }
  return states;
}
