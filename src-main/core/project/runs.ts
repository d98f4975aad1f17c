/**
 * The training runs of a project: runs/<id>/, each exactly as core/train/run.ts writes it
 * (run.json, metrics.jsonl, checkpoints/step-*.onnx, state.npz). Listing reads them and never writes;
 * a run that cannot be read is listed with its error and reported as a Problem, so one damaged run
 * never hides the others.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../train/config.ts';
import {
  checkpointName,
  paths as runPaths,
  readMetrics,
  readRunRecord,
  type CheckpointRecord,
  type RunRecord,
} from '../train/runFolder.ts';
import { checkId, isValidId, removeEntry, uniqueId } from './ids.ts';
import { projectPaths, readManifest } from './manifest.ts';
import { messageOf, ProjectError, type Problem } from './problems.ts';

export interface CheckpointSummary {
  step: number;
  /** Fractional epoch at this step; null when neither metrics.jsonl nor run.json can tell. */
  epoch: number | null;
  /** Path relative to the project folder, with '/' ("runs/relu-0/checkpoints/step-000123.onnx"). */
  file: string;
  /** From metrics.jsonl; null when the checkpoint was not logged (e.g. metrics.jsonl was lost). */
  testAccuracy: number | null;
  testLoss: number | null;
  /** False when the checkpoint is logged or scheduled but its file is missing (reported as a Problem). */
  exists: boolean;
}

export interface RunSummary {
  id: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** run.json's status; null when run.json cannot be read (see `error`). */
  status: RunRecord['status'] | null;
  config: TrainConfig | null;
  /** Step of the latest resume point (0 when unknown). */
  step: number;
  totalSteps: number | null;
  stepsPerEpoch: number | null;
  created: string | null;
  updated: string | null;
  /** Ordered by step; listed from run.json's schedule, metrics.jsonl and the files present. */
  checkpoints: CheckpointSummary[];
  /** Test accuracy at the latest logged checkpoint. */
  latestTestAccuracy: number | null;
  /** Why the run (run.json or metrics.jsonl) cannot be read; null when it reads fine. */
  error: string | null;
  /** run.json's own `error`: why training failed (status 'failed'); null otherwise. */
  failure: string | null;
}

/** runs/<id> of the project at `dir`, after checking the id (no path can escape runs/). */
export function runDir(dir: string, id: string): string {
  const { root } = readManifest(dir);
  const runs = projectPaths(root).runs;
  checkId(id, 'run', runs);
  return join(runs, id);
}

/**
 * A fresh run id from a base such as "relu-784-512-10": lowercase letters, digits and '-', made
 * unique under runs/ by appending -2, -3, …. Nothing is created: pass runDir(dir, id) to trainRun,
 * which makes the folder.
 */
export function newRunId(dir: string, base: string): string {
  const { root } = readManifest(dir);
  return uniqueId(projectPaths(root).runs, base, 'run');
}

/** Every run of the project, ordered by id. */
export function listRuns(dir: string): RunSummary[] {
  return scanRuns(readManifest(dir).root).runs;
}

/** The run folders under runs/ of the project at `root` (absolute), with their problems. */
export function scanRuns(root: string): { runs: RunSummary[]; problems: Problem[] } {
  const folder = projectPaths(root).runs;
  const runs: RunSummary[] = [];
  const problems: Problem[] = [];
  if (!existsSync(folder)) return { runs, problems };
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    // Hidden entries are temporary (a deletion in progress) or the system's (.DS_Store).
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path));
    if (!isDir) continue;
    if (!isValidId(entry.name)) {
      problems.push({
        path,
        message: `${path}: the folder name is not a usable run id (letters, digits, '.', '_' and '-' only)`,
        action:
          'Rename the folder (e.g. to lowercase letters, digits and dashes) to see the run in Spinscope',
      });
      continue;
    }
    runs.push(summarizeRun(root, entry.name, problems));
  }
  return { runs, problems };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function summarizeRun(root: string, id: string, problems: Problem[]): RunSummary {
  const dir = join(projectPaths(root).runs, id);
  const files = runPaths(dir);
  const summary: RunSummary = {
    id,
    dir,
    status: null,
    config: null,
    step: 0,
    totalSteps: null,
    stepsPerEpoch: null,
    created: null,
    updated: null,
    checkpoints: [],
    latestTestAccuracy: null,
    error: null,
    failure: null,
  };
  let record: RunRecord | null = null;
  try {
    record = readRunRecord(dir);
    Object.assign(summary, {
      status: record.status,
      config: record.config,
      step: record.step,
      totalSteps: record.totalSteps,
      stepsPerEpoch: record.stepsPerEpoch,
      created: record.created,
      updated: record.updated,
      failure: record.error,
    });
  } catch (e) {
    summary.error = messageOf(e);
    const newer = /newer Spinscope/.test(summary.error);
    problems.push({
      path: files.run,
      message: summary.error,
      action: newer
        ? 'Update Spinscope to read this run'
        : existsSync(files.run)
          ? `Restore run.json from a backup, or delete the run ${id}; its checkpoints are untouched and still listed`
          : `The folder holds no training run: delete it, or start a run into it`,
    });
  }
  let logged: CheckpointRecord[] = [];
  try {
    logged = readMetrics(dir).filter((r): r is CheckpointRecord => r.type === 'checkpoint');
  } catch (e) {
    summary.error ??= messageOf(e);
    problems.push({
      path: files.metrics,
      message: messageOf(e),
      action:
        'Fix or remove the damaged line of metrics.jsonl (each line is one JSON record); the checkpoints are untouched',
    });
  }
  summary.checkpoints = checkpointsOf(root, id, record, logged, problems);
  const last = [...logged].sort((a, b) => a.step - b.step).at(-1);
  summary.latestTestAccuracy = typeof last?.testAccuracy === 'number' ? last.testAccuracy : null;
  return summary;
}

const CHECKPOINT_FILE = /^step-(\d{1,12})\.onnx$/;

/**
 * A run's checkpoints: those logged in metrics.jsonl, those whose file is present, and the scheduled
 * steps before the resume point (the trainer writes a checkpoint before it saves the resume point
 * after it). One that should be there but is not on disk is flagged and reported.
 */
function checkpointsOf(
  root: string,
  id: string,
  record: RunRecord | null,
  logged: CheckpointRecord[],
  problems: Problem[],
): CheckpointSummary[] {
  const rel = `runs/${id}/checkpoints`;
  const folder = join(root, 'runs', id, 'checkpoints');
  const onDisk = new Set<number>();
  if (existsSync(folder)) {
    for (const name of readdirSync(folder)) {
      const m = CHECKPOINT_FILE.exec(name);
      if (m) onDisk.add(Number(m[1]));
    }
  }
  const byStep = new Map<number, CheckpointRecord>();
  for (const r of logged) if (Number.isSafeInteger(r.step) && r.step >= 0) byStep.set(r.step, r);
  const expected = new Set(byStep.keys());
  if (record) for (const s of record.checkpointSteps) if (s < record.step) expected.add(s);
  const steps = [...new Set([...expected, ...onDisk])].sort((a, b) => a - b);
  return steps.map((step) => {
    const r = byStep.get(step);
    const name = checkpointName(step);
    const exists = onDisk.has(step) && existsSync(join(folder, name));
    const file = `${rel}/${name}`;
    if (!exists) {
      problems.push({
        path: join(folder, name),
        message: `${join(folder, name)} is missing: ${r ? 'metrics.jsonl logs' : 'run.json schedules'} a checkpoint at step ${step}`,
        action:
          'Restore the file from a backup; until then it is skipped. The run, its metrics and its other checkpoints are unaffected',
      });
    }
    const perEpoch = record?.stepsPerEpoch;
    return {
      step,
      epoch: r?.epoch ?? (perEpoch ? Math.round((step / perEpoch) * 1e6) / 1e6 : null),
      file,
      testAccuracy: typeof r?.testAccuracy === 'number' ? r.testAccuracy : null,
      testLoss: typeof r?.testLoss === 'number' ? r.testLoss : null,
      exists,
    };
  });
}

/**
 * Deletes runs/<id>. Refuses a run whose run.json says it is still training unless `force` (a run
 * killed without a chance to update its status stays 'running'). A symbolic link is removed, not
 * its target.
 */
export function deleteRun(dir: string, id: string, opts: { force?: boolean } = {}): void {
  const { root } = readManifest(dir);
  const path = runDir(root, id);
  if (!existsSync(path) && !isBrokenLink(path)) {
    throw new ProjectError(path, `the project ${root} has no run ${JSON.stringify(id)} (no folder ${path})`);
  }
  if (!opts.force) {
    let status: string | null = null;
    try {
      status = readRunRecord(path).status;
    } catch {
      // unreadable run.json: nothing says it is running, and deleting is one way to clean up
    }
    if (status === 'running') {
      throw new ProjectError(
        path,
        `the run ${id} is still training (run.json says 'running'): cancel it first, or delete with force if its process is gone`,
      );
    }
  }
  removeEntry(root, path);
}

function isBrokenLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
