/**
 * A training run's folder (architecture.md, contract 3), readable from Python without Spinscope:
 *   run.json                   config, seed, versions, status, step ↔ epoch, checkpoint schedule
 *   metrics.jsonl              one JSON record per line: {"type":"train",…} and {"type":"checkpoint",…}
 *   checkpoints/step-000123.onnx   the network at that step (a valid ONNX model)
 *   state.npz                  the latest resume point: parameters, optimiser state, counters
 * Every file except metrics.jsonl is written atomically; metrics.jsonl is append-only and is cut back
 * to the resume point when a run resumes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic.ts';
import { trainConfigSchema } from './config.ts';

export const RUN_SCHEMA = 'spinscope.run/1';

export class RunError extends Error {
  override name = 'RunError';
}

export const runRecordSchema = z.object({
  schema: z.literal(RUN_SCHEMA),
  config: trainConfigSchema,
  status: z.enum(['running', 'completed', 'cancelled', 'failed']),
  created: z.string(),
  updated: z.string(),
  finished: z.string().nullable(),
  versions: z.object({ spinscope: z.string(), onnxruntime: z.string(), node: z.string() }),
  data: z.object({
    train: z.object({ source: z.string(), count: z.number().int() }),
    test: z.object({ source: z.string(), count: z.number().int() }),
  }),
  stepsPerEpoch: z.number().int().positive(),
  totalSteps: z.number().int().positive(),
  checkpointSteps: z.array(z.number().int().nonnegative()),
  /** The step of the latest resume point (state.npz). */
  step: z.number().int().nonnegative(),
  /** Wall-clock seconds spent training, summed over resumes. */
  trainSeconds: z.number().nonnegative(),
  resumes: z.number().int().nonnegative(),
  error: z.string().nullable(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;

export interface TrainRecord {
  type: 'train';
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  /** Steps averaged in this record. */
  steps: number;
}

export interface CheckpointRecord {
  type: 'checkpoint';
  step: number;
  epoch: number;
  /** Relative to the run folder. */
  file: string;
  testLoss: number;
  testAccuracy: number;
}

export type MetricsRecord = TrainRecord | CheckpointRecord;

export const paths = (dir: string) => ({
  run: join(dir, 'run.json'),
  metrics: join(dir, 'metrics.jsonl'),
  checkpoints: join(dir, 'checkpoints'),
  state: join(dir, 'state.npz'),
});

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}.onnx`;
}

export function readRunRecord(dir: string): RunRecord {
  const file = paths(dir).run;
  if (!existsSync(file)) {
    throw new RunError(
      `${dir} is not a training run: it has no run.json (start one with \`spinscope train --out ${dir}\`)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunError(
      `${file} is not valid JSON (${(e as Error).message}); the run's checkpoints are untouched`,
    );
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  if (typeof schema === 'string' && schema !== RUN_SCHEMA && /^spinscope\.run\/\d+$/.test(schema)) {
    throw new RunError(
      `${file} was written by a newer Spinscope (${schema}; this version reads ${RUN_SCHEMA}): update Spinscope`,
    );
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RunError(`${file} is not a valid run record: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function writeRunRecord(dir: string, record: RunRecord): void {
  writeJsonAtomic(paths(dir).run, { ...record, updated: new Date().toISOString() });
}

/** Parses metrics.jsonl; a torn last line (a crash mid-append) is dropped. */
export function readMetrics(dir: string): MetricsRecord[] {
  const file = paths(dir).metrics;
  if (!existsSync(file)) return [];
  const out: MetricsRecord[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim())) {
        throw new RunError(`${file}: line ${i + 1} is not valid JSON`);
      }
    }
  });
  return out;
}

/** Keeps the records up to and including `step` (the resume point), rewriting the file atomically. */
export function truncateMetrics(dir: string, step: number): MetricsRecord[] {
  const kept = readMetrics(dir).filter((r) => r.step <= step);
  writeJsonLines(paths(dir).metrics, kept);
  return kept;
}

function writeJsonLines(file: string, records: MetricsRecord[]): void {
  writeFileAtomic(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
}
