/**
 * A Spinscope project is a folder (architecture.md, contract 3) of plain files, readable from Python
 * without Spinscope. This is its entry point: create, open, rename; the parts live beside it —
 * manifest.ts (layout and spinscope.json), runs.ts (training runs), models.ts (imported ONNX),
 * recent.ts (the recent-projects list), problems.ts (how trouble is reported).
 *
 * Every write is atomic (atomic.ts: temp file + rename). Opening only reads: a damaged run or model
 * is listed as a Problem beside the healthy ones; only a missing, corrupt or newer manifest stops it.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { VERSION } from '../util/version.ts';
import {
  checkName,
  MANIFEST_FILE,
  PROJECT_FOLDERS,
  PROJECT_SCHEMA,
  projectPaths,
  readManifest,
  writeManifest,
  type ProjectManifest,
} from './manifest.ts';
import { scanModels, type ModelSummary } from './models.ts';
import { ProjectError, type Problem } from './problems.ts';
import { scanRuns, type RunSummary } from './runs.ts';

export { ProjectError, type Problem } from './problems.ts';
export {
  MANIFEST_FILE,
  manifestSchema,
  PROJECT_FOLDERS,
  PROJECT_SCHEMA,
  projectPaths,
  readManifest,
  type ProjectManifest,
} from './manifest.ts';
export { ID_PATTERN, isValidId, slugify } from './ids.ts';
export { deleteRun, listRuns, newRunId, runDir, type CheckpointSummary, type RunSummary } from './runs.ts';
export {
  deleteModel,
  importModel,
  listModels,
  modelDir,
  type ImportOptions,
  type ImportResult,
  type ModelSummary,
} from './models.ts';
export {
  MODEL_SCHEMA,
  modelRecordSchema,
  readModelRecord,
  type ModelEvaluation,
  type ModelRecord,
} from './modelRecord.ts';
export {
  defaultAppDataDir,
  defaultRecentFile,
  MAX_RECENT,
  RECENT_SCHEMA,
  RecentProjects,
  type RecentProject,
} from './recent.ts';

export interface ProjectInfo {
  /** Absolute path of the project folder. */
  dir: string;
  name: string;
  manifest: ProjectManifest;
  runs: RunSummary[];
  models: ModelSummary[];
  /** Damaged parts (each with its path and what to do); the rest of the project is listed as usual. */
  problems: Problem[];
}

/** Files a new, otherwise empty folder may already hold (made by the desktop's file manager). */
const IGNORABLE = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Makes a new project in `dir`, which must be missing or empty. `name` defaults to the folder's name.
 * The manifest is written first, so a crash leaves either nothing or an openable project.
 */
export function createProject(dir: string, name?: string): ProjectInfo {
  const root = resolve(dir);
  const projectName = checkName(root, name ?? basename(root));
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) {
      throw new ProjectError(root, `${root} is a file: choose a new or empty folder for the project`);
    }
    const entries = readdirSync(root).filter((e) => !IGNORABLE.has(e));
    if (entries.includes(MANIFEST_FILE)) {
      throw new ProjectError(root, `${root} is already a Spinscope project: open it instead`);
    }
    if (entries.length > 0) {
      throw new ProjectError(
        root,
        `${root} is not empty (${entries.length} entries, e.g. ${entries.slice(0, 3).join(', ')}): choose a new or empty folder for the project`,
      );
    }
  }
  mkdirSync(root, { recursive: true });
  const now = new Date().toISOString();
  writeManifest(root, {
    schema: PROJECT_SCHEMA,
    name: projectName,
    created: now,
    updated: now,
    spinscopeVersion: VERSION,
  });
  const paths = projectPaths(root);
  for (const folder of PROJECT_FOLDERS) mkdirSync(paths[folder], { recursive: true });
  return openProject(root);
}

/**
 * Opens the project at `dir`: its manifest, runs, models and problems. Only reads. Throws a
 * ProjectError when the folder is not a project or its manifest is corrupt or from a newer Spinscope;
 * never for a damaged run or model (those are in `problems`).
 */
export function openProject(dir: string): ProjectInfo {
  const { root, manifest } = readManifest(dir);
  const runs = scanRuns(root);
  const models = scanModels(root);
  return {
    dir: root,
    name: manifest.name,
    manifest,
    runs: runs.runs,
    models: models.models,
    problems: [...runs.problems, ...models.problems],
  };
}

/** Renames the project (the manifest's name; the folder keeps its name). Returns the new manifest. */
export function renameProject(dir: string, name: string): ProjectManifest {
  const { root, manifest } = readManifest(dir);
  const next: ProjectManifest = {
    ...manifest,
    name: checkName(root, name),
    updated: new Date().toISOString(),
    spinscopeVersion: VERSION,
  };
  writeManifest(root, next);
  return next;
}
