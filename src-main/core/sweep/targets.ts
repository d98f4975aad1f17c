/**
 * What `spinscope sweep` is pointed at, turned into the checkpoints to analyse:
 *   - a run folder (run.json, checkpoints/step-*.onnx), or its checkpoints/ folder;
 *   - any folder holding step-*.onnx files (contract 5), e.g. checkpoints exported elsewhere;
 *   - a project folder (spinscope.json): every run under runs/ (a set, grouped by seed below).
 * One run or folder gives a single sweep report; several, or a project, give a set of them whose
 * runs are grouped by configuration minus seed (seed statistics, report.ts).
 *
 * Where each target's analyses are cached (cache.ts):
 *   run inside a project (PROJECT/runs/<id>)  → PROJECT/analyses/sweep-<id>/
 *   any other run folder or checkpoint folder → <folder>/analyses/sweep/
 * so a project keeps every derived file in its analyses/ (contract 3), and a run outside a project
 * carries its analyses with it when it is moved or copied.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MANIFEST_FILE, projectPaths, readManifest } from '../project/manifest.ts';
import { messageOf } from '../project/problems.ts';
import { scanRuns } from '../project/runs.ts';
import type { TrainConfig } from '../train/config.ts';
import {
  paths as runPaths,
  readMetrics,
  readRunRecord,
  type CheckpointRecord,
  type RunRecord,
} from '../train/runFolder.ts';

/** Errors about what was asked for (no checkpoints, not a folder, …), in words for the user. */
export class SweepError extends Error {
  override name = 'SweepError';
}

export interface CheckpointFile {
  step: number;
  /** Absolute path of the ONNX file. */
  path: string;
  /** Relative to the target's folder, with '/' ("checkpoints/step-000123.onnx"). */
  file: string;
  /** Fractional epoch at this step; null when the run does not say. */
  epoch: number | null;
  /** Test accuracy logged at this checkpoint (metrics.jsonl); null when not logged. */
  testAccuracy: number | null;
}

export interface SweepTarget {
  /** The run id: the run folder's name (for a bare folder, the folder's name). */
  id: string;
  /** Absolute path of the run folder, or of the folder holding the checkpoints. */
  dir: string;
  kind: 'run' | 'folder';
  /** run.json's config; null for a bare folder or an unreadable run.json. */
  config: TrainConfig | null;
  /** By increasing step. */
  checkpoints: CheckpointFile[];
  /** Where this target's analyses are cached. */
  cacheDir: string;
  /** What the user should know about the folder (a missing checkpoint, an unreadable run.json, …). */
  notes: string[];
}

export interface ResolvedTargets {
  /** 'single': one run or folder, one sweep report. 'set': several runs, or a project's runs. */
  mode: 'single' | 'set';
  /** The project folder when a project was given (or a run inside one). */
  project: string | null;
  targets: SweepTarget[];
}

export const CHECKPOINT_FILE = /^step-(\d{1,12})\.onnx$/;

/** Checkpoint-file steps in `folder`, by increasing step; names that map to the same step are reported. */
function checkpointFilesIn(folder: string, notes: string[]): { step: number; name: string }[] {
  const byStep = new Map<number, string>();
  for (const name of readdirSync(folder).sort()) {
    const m = CHECKPOINT_FILE.exec(name);
    if (!m || !isFile(join(folder, name))) continue;
    const step = Number(m[1]);
    const other = byStep.get(step);
    if (other !== undefined) {
      notes.push(`${join(folder, name)} and ${other} are both step ${step}: ${other} is used`);
      continue;
    }
    byStep.set(step, name);
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, name]) => ({ step, name }));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The project a run folder belongs to (PROJECT/runs/<id>), or null. */
function enclosingProject(runDir: string): string | null {
  const runs = dirname(runDir);
  if (basename(runs) !== 'runs') return null;
  const root = dirname(runs);
  return existsSync(join(root, MANIFEST_FILE)) ? root : null;
}

function cacheDirFor(dir: string, id: string, project: string | null): string {
  return project ? join(projectPaths(project).analyses, `sweep-${id}`) : join(dir, 'analyses', 'sweep');
}

/** A run folder outside or inside a project: its checkpoints on disk, with epoch and accuracy when logged. */
function runTarget(dir: string): SweepTarget {
  const notes: string[] = [];
  const files = runPaths(dir);
  let record: RunRecord | null = null;
  try {
    record = readRunRecord(dir);
  } catch (e) {
    notes.push(`${messageOf(e)}; the checkpoints are swept without the run's config`);
  }
  const logged = new Map<number, CheckpointRecord>();
  try {
    for (const r of readMetrics(dir)) if (r.type === 'checkpoint') logged.set(r.step, r);
  } catch (e) {
    notes.push(`${messageOf(e)}; epochs and test accuracies are left out`);
  }
  const project = enclosingProject(dir);
  const id = basename(dir);
  const onDisk = isDirectory(files.checkpoints) ? checkpointFilesIn(files.checkpoints, notes) : [];
  const present = new Set(onDisk.map((c) => c.step));
  for (const step of logged.keys()) {
    if (!present.has(step))
      notes.push(`the checkpoint of step ${step} is logged but its file is missing: skipped`);
  }
  const perEpoch = record?.stepsPerEpoch ?? null;
  return {
    id,
    dir,
    kind: 'run',
    config: record?.config ?? null,
    checkpoints: onDisk.map(({ step, name }) => {
      const r = logged.get(step);
      return {
        step,
        path: join(files.checkpoints, name),
        file: `checkpoints/${name}`,
        epoch:
          typeof r?.epoch === 'number'
            ? r.epoch
            : perEpoch
              ? Math.round((step / perEpoch) * 1e6) / 1e6
              : null,
        testAccuracy: typeof r?.testAccuracy === 'number' ? r.testAccuracy : null,
      };
    }),
    cacheDir: cacheDirFor(dir, id, project),
    notes,
  };
}

function folderTarget(dir: string): SweepTarget {
  const notes: string[] = [];
  return {
    id: basename(dir),
    dir,
    kind: 'folder',
    config: null,
    checkpoints: checkpointFilesIn(dir, notes).map(({ step, name }) => ({
      step,
      path: join(dir, name),
      file: name,
      epoch: null,
      testAccuracy: null,
    })),
    cacheDir: join(dir, 'analyses', 'sweep'),
    notes,
  };
}

function projectTargets(dir: string): { root: string; targets: SweepTarget[]; notes: string[] } {
  const { root } = readManifest(dir);
  const { runs, problems } = scanRuns(root);
  const notes = problems.map((p) => p.message);
  const targets: SweepTarget[] = [];
  for (const run of runs) {
    const target = runTarget(run.dir);
    if (target.checkpoints.length === 0) {
      notes.push(`the run ${run.id} has no checkpoints yet: left out`);
      continue;
    }
    targets.push(target);
  }
  if (targets.length === 0) {
    throw new SweepError(
      `the project ${root} has no run with checkpoints: train one first (spinscope train)`,
    );
  }
  return { root, targets, notes };
}

/** One path → what it is. */
function classify(path: string): 'project' | 'run' | 'checkpoints-of-run' | 'folder' {
  if (!existsSync(path)) throw new SweepError(`${path} does not exist`);
  if (!isDirectory(path)) {
    throw new SweepError(
      `${path} is a file: give the folder holding the step-*.onnx checkpoints (a run folder, its checkpoints/, or a project)`,
    );
  }
  if (existsSync(join(path, MANIFEST_FILE))) return 'project';
  if (existsSync(runPaths(path).run) || isDirectory(runPaths(path).checkpoints)) return 'run';
  if (basename(path) === 'checkpoints' && existsSync(runPaths(dirname(path)).run))
    return 'checkpoints-of-run';
  return 'folder';
}

/**
 * The sweep targets of the paths a user gave (see the file comment). Throws a SweepError when a
 * path is missing, is not a folder, or holds no checkpoints, or when a project is mixed with other
 * paths.
 */
export function resolveTargets(paths: readonly string[]): ResolvedTargets & { notes: string[] } {
  if (paths.length === 0) throw new SweepError('no folder given');
  const absolute = paths.map((p) => resolve(p));
  const kinds = absolute.map(classify);
  if (kinds.includes('project')) {
    if (absolute.length > 1) {
      throw new SweepError(
        `${absolute[kinds.indexOf('project')]} is a project: sweep it alone (its runs are all swept), or give run folders`,
      );
    }
    const { root, targets, notes } = projectTargets(absolute[0]);
    return { mode: 'set', project: root, targets, notes };
  }
  const targets = absolute.map((p, i) => {
    const kind = kinds[i];
    const target = kind === 'folder' ? folderTarget(p) : runTarget(kind === 'run' ? p : dirname(p));
    if (target.checkpoints.length === 0) {
      throw new SweepError(
        kind === 'folder'
          ? `${p} holds no step-*.onnx checkpoints (nor is it a run folder or a project)`
          : `the run ${target.dir} has no checkpoints in ${runPaths(target.dir).checkpoints}`,
      );
    }
    return target;
  });
  const dirs = new Set<string>();
  for (const t of targets) {
    if (dirs.has(t.dir)) throw new SweepError(`${t.dir} is given twice`);
    dirs.add(t.dir);
  }
  const projects = new Set(targets.map((t) => (t.kind === 'run' ? enclosingProject(t.dir) : null)));
  const project = projects.size === 1 ? [...projects][0] : null;
  return { mode: targets.length === 1 ? 'single' : 'set', project, targets, notes: [] };
}
