/**
 * Imported ONNX models: models/<id>/model.onnx (+ the external-data files it names, under their
 * relative names) and models/<id>/model.json, the import record (where it came from, when, the layer
 * summary the reader found, its warnings and the MNIST evaluation).
 *
 * An import reads the model with the ONNX reader first, so a bad file fails with the reader's
 * message before anything is written; the files are then assembled in a hidden folder under models/
 * and renamed into place, so a model folder appears complete or not at all.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { couplingCount, layerWidths, spinCount } from '../network/network.ts';
import { evaluateModel } from '../onnx/evaluate.ts';
import { readOnnxFile } from '../onnx/reader.ts';
import { VERSION } from '../util/version.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { checkId, isValidId, removeEntry, uniqueId } from './ids.ts';
import { projectPaths, readManifest } from './manifest.ts';
import { copyDurably, externalDataFiles, syncFolder, under } from './modelFiles.ts';
import { MODEL_SCHEMA, readModelRecord, type ModelEvaluation, type ModelRecord } from './modelRecord.ts';
import { messageOf, ProjectError, type Problem } from './problems.ts';

/** An imported model as listed. When `error` is set, the record fields are empty ([], null, ''). */
export interface ModelSummary {
  id: string;
  /** Absolute path of models/<id>. */
  dir: string;
  /** The model file relative to the project, '/'-separated: "models/<id>/model.onnx". */
  file: string;
  /** Whether model.onnx is present. */
  exists: boolean;
  name: string;
  source: string | null;
  imported: string | null;
  layers: number[];
  activations: string[];
  output: ModelRecord['output'] | null;
  biases: boolean;
  spins: number;
  couplings: number;
  externalData: string[];
  evaluation: ModelEvaluation | null;
  warnings: string[];
  /** Per dense layer: its node and how the file stored the weight ([] if not recorded). */
  layerSources: NonNullable<ModelRecord['layerSources']>;
  /** ai.onnx opset and producer of the file (0 and '' if unknown). */
  opset: number;
  producer: string;
  /** Why model.json cannot be read; null when it reads fine. */
  error: string | null;
}

export interface ImportOptions {
  /** Evaluate on the MNIST test set (default true). A model that cannot be fed MNIST gets a warning. */
  evaluate?: boolean;
  /** Evaluate on the first `limit` test images only (default all 10,000). */
  limit?: number;
  /** Display name and id base (default: the file's name, or its folder's for model.onnx). */
  name?: string;
  /** Where the model came from, for the record (default: the absolute path read; an upload names the file). */
  source?: string;
}

export type ImportResult = ModelSummary & { evaluation: ModelEvaluation | null; warnings: string[] };

/** models/<id> of the project at `dir`, after checking the id. */
export function modelDir(dir: string, id: string): string {
  const { root } = readManifest(dir);
  const models = projectPaths(root).models;
  checkId(id, 'model', models);
  return join(models, id);
}

/** "…/relu_gemm_bias/model.onnx" → "relu_gemm_bias"; "…/mlp.onnx" → "mlp". */
function defaultName(source: string): string {
  const stem = basename(source, extname(source));
  return stem.toLowerCase() === 'model' && basename(dirname(source)) ? basename(dirname(source)) : stem;
}

/**
 * Imports the ONNX model at `onnxPath` into the project at `dir` (see the file comment). Errors:
 * the reader's OnnxError for a file it cannot map (nothing is created), a ProjectError for a bad
 * external-data reference or an unusable project.
 */
export async function importModel(
  dir: string,
  onnxPath: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const { root } = readManifest(dir);
  if (opts.limit !== undefined && !(Number.isSafeInteger(opts.limit) && opts.limit > 0)) {
    throw new ProjectError(
      root,
      `importModel: limit must be a positive number of test images, got ${opts.limit}`,
    );
  }
  const source = resolve(onnxPath);
  const read = await readOnnxFile(source);
  const bytes = readFileSync(source);
  const external = externalDataFiles(source, bytes);
  const name = opts.name?.trim() || defaultName(source);

  const models = projectPaths(root).models;
  mkdirSync(models, { recursive: true });
  const staging = join(models, `.import-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging);
  try {
    const stagedModel = join(staging, 'model.onnx');
    writeFileAtomic(stagedModel, bytes);
    for (const rel of external) {
      mkdirSync(dirname(under(staging, rel)), { recursive: true });
      copyDurably(under(dirname(source), rel), under(staging, rel));
    }
    const warnings = [...read.warnings];
    let evaluation: ModelEvaluation | null = null;
    if (opts.evaluate !== false) {
      try {
        // The copy is evaluated: it proves the imported files load on their own.
        const r = await evaluateModel(stagedModel, read.network, { limit: opts.limit });
        const consistency = Number.isFinite(r.consistency) ? r.consistency : null;
        evaluation = { accuracy: r.accuracy, samples: r.samples, consistency };
      } catch (e) {
        // The model is imported either way: a model MNIST cannot be fed (input size,
        // element type), or MNIST itself being unavailable, leaves a warning, not a failure.
        const why = messageOf(e).split(stagedModel).join(source);
        warnings.push(`not evaluated on MNIST: ${why}`);
      }
    }
    const net = read.network;
    const record: ModelRecord = {
      schema: MODEL_SCHEMA,
      name,
      source: opts.source ?? source,
      imported: new Date().toISOString(),
      spinscopeVersion: VERSION,
      externalData: external,
      layers: layerWidths(net),
      activations: net.layers.map((l) => l.activation.kind),
      output: net.output,
      biases: net.layers.some((l) => l.bias !== undefined),
      spins: spinCount(net),
      couplings: couplingCount(net),
      input: read.input,
      opset: read.opset,
      producer: read.producer,
      warnings,
      layerSources: read.layerSources,
      evaluation,
    };
    writeJsonAtomic(join(staging, 'model.json'), record);
    syncFolder(staging);
    const id = placeStaged(models, staging, name);
    syncFolder(models);
    return summarize(root, id, record, null);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/** Renames the staged folder to models/<fresh id>; retries if another import took the id meanwhile. */
function placeStaged(models: string, staging: string, name: string): string {
  for (let attempt = 0; ; attempt++) {
    const id = uniqueId(models, name, 'model');
    try {
      renameSync(staging, join(models, id));
      return id;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM')) {
        throw new ProjectError(
          join(models, id),
          `cannot place the imported model at ${join(models, id)}: ${messageOf(e)}`,
          {
            cause: e,
          },
        );
      }
    }
  }
}

function summarize(root: string, id: string, record: ModelRecord | null, error: string | null): ModelSummary {
  const dir = join(projectPaths(root).models, id);
  return {
    id,
    dir,
    file: `models/${id}/model.onnx`,
    exists: existsSync(join(dir, 'model.onnx')),
    name: record?.name ?? id,
    source: record?.source ?? null,
    imported: record?.imported ?? null,
    layers: record?.layers ?? [],
    activations: record?.activations ?? [],
    output: record?.output ?? null,
    biases: record?.biases ?? false,
    spins: record?.spins ?? 0,
    couplings: record?.couplings ?? 0,
    externalData: record?.externalData ?? [],
    evaluation: record?.evaluation ?? null,
    warnings: record?.warnings ?? [],
    layerSources: record?.layerSources ?? [],
    opset: record?.opset ?? 0,
    producer: record?.producer ?? '',
    error,
  };
}

/** Every imported model of the project, ordered by id. */
export function listModels(dir: string): ModelSummary[] {
  return scanModels(readManifest(dir).root).models;
}

/** The model folders under models/ of the project at `root` (absolute), with their problems. */
export function scanModels(root: string): { models: ModelSummary[]; problems: Problem[] } {
  const folder = projectPaths(root).models;
  const models: ModelSummary[] = [];
  const problems: Problem[] = [];
  if (!existsSync(folder)) return { models, problems };
  for (const id of readdirSync(folder).sort()) {
    const path = join(folder, id);
    if (id.startsWith('.') || !isDirectory(path)) continue; // hidden: an import in progress
    if (!isValidId(id)) {
      problems.push({
        path,
        message: `${path}: the folder name is not a usable model id (letters, digits, '.', '_' and '-' only)`,
        action: 'Rename the folder to see the model in Spinscope',
      });
      continue;
    }
    let summary: ModelSummary;
    try {
      summary = summarize(root, id, readModelRecord(path), null);
    } catch (e) {
      summary = summarize(root, id, null, messageOf(e));
      const newer = /newer Spinscope/.test(summary.error ?? '');
      problems.push({
        path: join(path, 'model.json'),
        message: summary.error!,
        action: newer
          ? 'Update Spinscope to read this model'
          : 'Import the model again, or delete this folder',
      });
    }
    for (const rel of ['model.onnx', ...summary.externalData]) {
      const file = under(path, rel);
      if (!existsSync(file)) {
        if (rel === 'model.onnx') summary.exists = false;
        problems.push({
          path: file,
          message: `${file} is missing: the imported model ${id} cannot be analysed without it`,
          action: `Restore the file from a backup, or import the model again${summary.source ? ` from ${summary.source}` : ''}`,
        });
      }
    }
    models.push(summary);
  }
  return { models, problems };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Deletes models/<id> (a symbolic link is removed, not its target). */
export function deleteModel(dir: string, id: string): void {
  const { root } = readManifest(dir);
  const path = modelDir(root, id);
  if (!existsSync(path)) {
    throw new ProjectError(
      path,
      `the project ${root} has no model ${JSON.stringify(id)} (no folder ${path})`,
    );
  }
  removeEntry(root, path);
}
