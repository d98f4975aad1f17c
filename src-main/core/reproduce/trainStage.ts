/**
 * Stage 1: train every run of the plan into the project's runs/ (`spinscope train`'s run folders).
 * Resumable: a completed run is kept, an interrupted one (run.json present, not completed) is
 * resumed from its last resume point (core/train/run.ts; bit-identical to an uninterrupted run),
 * and only a folder that never got its run.json is started over.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRunRecord } from '../train/runFolder.ts';
import { ReproduceError, type PlannedRun } from './budget.ts';
import { runPool, type JobRunner } from './runner.ts';
import type { StageReporter } from './progress.ts';

export interface TrainStageOutcome {
  trained: string[];
  resumed: string[];
  kept: string[];
}

/** What a run folder holds: 'completed', 'interrupted' (resume it) or 'absent' (start it). */
export function runState(dir: string, run: PlannedRun): 'completed' | 'interrupted' | 'absent' {
  if (!existsSync(join(dir, 'run.json'))) return 'absent';
  const record = readRunRecord(dir);
  // A folder made by another budget must not be mixed into this one's statistics.
  for (const [key, value] of Object.entries(run.config)) {
    if (key === 'threads') continue;
    const actual = (record.config as Record<string, unknown>)[key];
    if (JSON.stringify(actual) !== JSON.stringify(value)) {
      throw new ReproduceError(
        `${dir} was trained with ${key} = ${JSON.stringify(actual)}, this budget needs ${JSON.stringify(value)}: ` +
          'use a new --out folder for another budget or seed count',
      );
    }
  }
  return record.status === 'completed' ? 'completed' : 'interrupted';
}

export async function trainStage(
  runsDir: string,
  runs: readonly PlannedRun[],
  runner: JobRunner,
  stage: StageReporter,
  signal?: AbortSignal,
): Promise<TrainStageOutcome> {
  const outcome: TrainStageOutcome = { trained: [], resumed: [], kept: [] };
  const fractions = new Float64Array(runs.length);
  const report = (message: string): void =>
    stage.update(fractions.reduce((s, f) => s + f, 0) / Math.max(1, runs.length), message);
  const tasks = runs.map((run, i) => async () => {
    const dir = join(runsDir, run.id);
    const state = runState(dir, run);
    if (state === 'completed') {
      fractions[i] = 1;
      outcome.kept.push(run.id);
      return;
    }
    // A folder without run.json holds nothing to resume (the run died before its first write).
    if (state === 'absent' && existsSync(dir) && readdirSync(dir).length > 0)
      rmSync(dir, { recursive: true });
    const params = state === 'interrupted' ? { dir, resume: true } : { dir, config: run.config };
    (state === 'interrupted' ? outcome.resumed : outcome.trained).push(run.id);
    await runner.run('train', params, {
      label: `train ${run.id}`,
      signal,
      progress: (p) => {
        fractions[i] = p.fraction;
        report(`${state === 'interrupted' ? 'resuming' : 'training'} ${run.id}: ${p.message}`);
      },
    });
    fractions[i] = 1;
    report(`trained ${run.id}`);
  });
  report(`training ${runs.length} runs`);
  await runPool(tasks, runner.concurrency);
  stage.update(1, 'training done');
  return outcome;
}
