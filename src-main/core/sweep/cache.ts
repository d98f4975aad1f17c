/**
 * The sweep's cache of checkpoint analyses (architecture.md, contract 3: JSON + .npy, atomic
 * writes, readable from Python). One folder per run (targets.ts says where), holding per checkpoint
 *
 *   step-000123.json        {"schema":"spinscope.sweep-checkpoint/1", "key":{…}, "step":123,
 *                            "report":{…the analysis report (contract 4) without tap.curve…},
 *                            "curve":{"file":"step-000123.curve.npy","points":41}}
 *   step-000123.curve.npy   float64 [points, 2]: T (increasing) and λ_min(H(1/T)) at the points of the TAP scan
 *
 * and sweep.json, the run's latest sweep report (written by sweep.ts; without curves).
 *
 * An entry is used only when its key matches: the same analysis settings, the same Spinscope
 * version, and the same checkpoint — same size and modification time, or, when only the time
 * differs (a copied project), the same SHA-256 of the content. Anything else is stale and is
 * recomputed and overwritten. The .npy is written before the JSON, so a JSON entry never points
 * at a missing curve; an entry that cannot be read is stale, never an error.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../project/atomic.ts';
import { readNpyFile, writeNpyFile } from '../project/arrayFiles.ts';
import type { AnalysisReport } from '../spin/analysis.ts';
import { VERSION } from '../util/version.ts';
import type { AnalysisSettings } from './settings.ts';

export const CHECKPOINT_CACHE_SCHEMA = 'spinscope.sweep-checkpoint/1';

export { DEFAULT_SETTINGS, type AnalysisSettings } from './settings.ts';

/** What a checkpoint file was when it was analysed. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface CacheKey extends FileFacts {
  /** The checkpoint's file name. */
  file: string;
  settings: AnalysisSettings;
  /** Spinscope version that computed the entry. */
  spinscope: string;
}

export interface CacheEntry {
  schema: typeof CHECKPOINT_CACHE_SCHEMA;
  key: CacheKey;
  step: number;
  report: Omit<AnalysisReport, 'tap'> & { tap: Omit<AnalysisReport['tap'], 'curve'> };
  curve: { file: string; points: number };
}

export type CacheLookup =
  { status: 'hit'; report: AnalysisReport } | { status: 'miss' } | { status: 'stale'; reason: string };

export function entryName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** Size, modification time and SHA-256 of a file. */
export function fileFacts(path: string): FileFacts {
  const s = statSync(path);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { size: s.size, mtimeMs: s.mtimeMs, sha256 };
}

function sameSettings(a: AnalysisSettings, b: AnalysisSettings): boolean {
  return a.tMin === b.tMin && a.epsilon === b.epsilon && a.spectrumCount === b.spectrumCount;
}

export class SweepCache {
  readonly version: string;

  /** `version` (default: this Spinscope's) is part of every key; tests pass another to see staleness. */
  constructor(
    readonly dir: string,
    opts: { version?: string } = {},
  ) {
    this.version = opts.version ?? VERSION;
  }

  paths(step: number): { json: string; curve: string; curveName: string } {
    const name = entryName(step);
    return {
      json: join(this.dir, `${name}.json`),
      curve: join(this.dir, `${name}.curve.npy`),
      curveName: `${name}.curve.npy`,
    };
  }

  /**
   * The cached analysis of the checkpoint `path` at `step` under `settings`, if its key matches
   * (see the file comment); 'miss' when there is no entry, 'stale' with the reason otherwise.
   */
  lookup(step: number, path: string, settings: AnalysisSettings): CacheLookup {
    const files = this.paths(step);
    if (!existsSync(files.json)) return { status: 'miss' };
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(files.json, 'utf8')) as CacheEntry;
    } catch (e) {
      return { status: 'stale', reason: `${files.json} cannot be read (${(e as Error).message})` };
    }
    if (entry?.schema !== CHECKPOINT_CACHE_SCHEMA || typeof entry.key !== 'object' || entry.key === null) {
      return { status: 'stale', reason: `${files.json} is not a ${CHECKPOINT_CACHE_SCHEMA} entry` };
    }
    const key = entry.key;
    if (key.spinscope !== this.version) {
      return { status: 'stale', reason: `computed by Spinscope ${key.spinscope}, this is ${this.version}` };
    }
    if (!key.settings || !sameSettings(key.settings, settings)) {
      return { status: 'stale', reason: 'computed with other analysis settings' };
    }
    let now: { size: number; mtimeMs: number };
    try {
      now = statSync(path);
    } catch (e) {
      return { status: 'stale', reason: `the checkpoint cannot be read (${(e as Error).message})` };
    }
    if (now.size !== key.size) return { status: 'stale', reason: 'the checkpoint has changed (size)' };
    let refreshed: CacheKey | null = null;
    if (now.mtimeMs !== key.mtimeMs) {
      const facts = fileFacts(path);
      if (facts.sha256 !== key.sha256)
        return { status: 'stale', reason: 'the checkpoint has changed (content)' };
      refreshed = { ...key, mtimeMs: facts.mtimeMs };
    }
    let curve: { T: number[]; lambda: number[] };
    try {
      curve = readCurve(files.curve, entry.curve?.points);
    } catch (e) {
      return { status: 'stale', reason: (e as Error).message };
    }
    if (refreshed) {
      // Same content, new time: note the time so the next lookup needs no hash. Best effort.
      try {
        writeJsonAtomic(files.json, { ...entry, key: refreshed });
      } catch {
        // a read-only cache still answers
      }
    }
    const report = entry.report as AnalysisReport;
    return { status: 'hit', report: { ...report, tap: { ...report.tap, curve } } };
  }

  /** Stores the analysis of a checkpoint whose file was `facts` when it was read. */
  store(
    step: number,
    file: string,
    facts: FileFacts,
    settings: AnalysisSettings,
    report: AnalysisReport,
  ): void {
    const files = this.paths(step);
    mkdirSync(this.dir, { recursive: true });
    const { T, lambda } = report.tap.curve;
    const data = new Float64Array(2 * T.length);
    for (let i = 0; i < T.length; i++) {
      data[2 * i] = T[i];
      data[2 * i + 1] = lambda[i];
    }
    writeNpyFile(files.curve, { data, shape: [T.length, 2] });
    const { curve: _curve, ...tap } = report.tap;
    const entry: CacheEntry = {
      schema: CHECKPOINT_CACHE_SCHEMA,
      key: { file, ...facts, settings, spinscope: this.version },
      step,
      report: { ...report, tap },
      curve: { file: files.curveName, points: T.length },
    };
    writeJsonAtomic(files.json, entry);
  }
}

function readCurve(path: string, points: unknown): { T: number[]; lambda: number[] } {
  const a = readNpyFile(path);
  if (a.dtype !== 'float64' || a.shape.length !== 2 || a.shape[1] !== 2 || a.shape[0] !== points) {
    throw new Error(`${path} is not the float64 [${String(points)}, 2] curve its entry names`);
  }
  const T: number[] = [];
  const lambda: number[] = [];
  for (let i = 0; i < a.shape[0]; i++) {
    T.push(a.data[2 * i] as number);
    lambda.push(a.data[2 * i + 1] as number);
  }
  return { T, lambda };
}
