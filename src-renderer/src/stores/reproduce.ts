/**
 * "Reproduce the paper" (issue 11): `spinscope reproduce` as one job (kind `reproduce`) started
 * by projects.reproduce, which also opens the project. The job of the open project is followed
 * through the jobs store (one progress bar: the pipeline's stage, fraction and ETA); the project
 * is refreshed when the stage moves on (runs appear as training starts them), and when the job
 * completes the workbench opens the dashboard of its first run, the Phase diagram tab next to it.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { JobDto } from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useProjectStore } from './project.ts';
import { useRunsStore } from './runs.ts';
import { useViewStore } from './view.ts';

/** What each budget the app offers costs: its networks and the wall time on a 2-core laptop. */
export interface BudgetChoice {
  name: 'quick' | 'paper';
  label: string;
  description: string;
}

/**
 * The budgets of core/reproduce/budget.ts as the Start panel states them (that module cannot be
 * loaded here: its config types pull in Node; test/unit/reproduce/budgetChoices.test.ts checks
 * these words against it). The time of `quick` was measured on a loaded 2-core machine: 1 min 53 s
 * as this job (its steps one after the other), 2 min 32 s through the CLI; `paper` is ~16× the
 * work per step on 5× the steps and 3 seeds, not measured, hence only its order of magnitude.
 */
export const BUDGET_CHOICES: readonly BudgetChoice[] = [
  {
    name: 'quick',
    label: 'Quick (about 2–3 minutes on a 2-core laptop)',
    description: '784-128-128-128-10, ReLU and binarized, 2 seeds each, 1 epoch, 30 checkpoints',
  },
  {
    name: 'paper',
    label: 'Paper (several hours)',
    description: '784-512-512-512-10, ReLU and binarized, 3 seeds each, 5 epochs, 60 checkpoints',
  },
];

/** A result of the `reproduce` job (core/reproduce/job.ts ReproduceJobResult), as far as the app reads it. */
export interface ReproduceResult {
  project: string;
  firstRun: string;
  runs: string[];
  reportHtml: string;
  reportPdf: string;
}

function resultOf(job: JobDto | null): ReproduceResult | null {
  const r = job?.status === 'completed' ? (job.result as Partial<ReproduceResult> | undefined) : undefined;
  return typeof r?.firstRun === 'string' && typeof r.reportHtml === 'string' ? (r as ReproduceResult) : null;
}

/** The stage of the pipeline a progress message names ("sweep: relu-seed0 …" → "sweep"). */
export function stageOf(job: JobDto | null): string | null {
  const m = job?.progress?.message;
  return m ? (m.split(':')[0] ?? null) : null;
}

export const useReproduceStore = defineStore('reproduce', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const project = useProjectStore();
  const runs = useRunsStore();
  const view = useViewStore();

  const starting = ref(false);
  /** Jobs started from this window: their completion opens the result. */
  const started = new Set<string>();

  /** The newest reproduce job of the open project (started here or earlier, still listed). */
  const job = computed<JobDto | null>(() => {
    const dir = project.current?.dir;
    if (!dir) return null;
    return jobs.all.find((j) => j.kind === 'reproduce' && j.target?.project === dir) ?? null;
  });
  const stage = computed(() => stageOf(job.value));
  const result = computed(() => resultOf(job.value));

  async function start(dir: string, budget: BudgetChoice['name']): Promise<boolean> {
    starting.value = true;
    try {
      const j = await errors.attempt('Reproduce the paper', () => api['projects.reproduce']({ dir, budget }));
      if (!j) return false;
      started.add(j.id);
      jobs.fromReply(j);
      // The backend made the folder the current project: show it (its jobs panel carries the row).
      await project.refresh();
      await project.loadRecent();
      return true;
    } finally {
      starting.value = false;
    }
  }

  /** Opens what the pipeline made: the first run's dashboard (its Phase diagram tab one click away). */
  async function openResult(r: ReproduceResult): Promise<void> {
    await project.refresh();
    await runs.select(r.firstRun);
    view.show('dashboard');
  }

  /** The budget a job was started with, from its label (backend.ts: "reproduce the paper (quick)"). */
  const budget = computed<BudgetChoice['name'] | null>(() => {
    const m = /\((quick|paper)\)$/.exec(job.value?.label ?? '');
    return m ? (m[1] as BudgetChoice['name']) : null;
  });

  async function cancel(): Promise<void> {
    if (job.value && !jobEnded(job.value)) await jobs.cancel(job.value.id);
  }

  const lastStage = new Map<string, string | null>();
  const off = jobs.onUpdate((j) => {
    if (j.kind !== 'reproduce') return;
    const s = stageOf(j);
    if (jobEnded(j)) {
      const r = resultOf(j);
      if (r && started.has(j.id) && project.current?.dir === r.project) void openResult(r);
      else void project.refresh();
      started.delete(j.id);
    } else if (lastStage.get(j.id) !== s && project.current?.dir === j.target?.project) {
      // A new stage has new files (the runs' folders, the sweep's reports): list them.
      void project.refresh();
    }
    lastStage.set(j.id, s);
  });
  onScopeDispose(off);

  return { job, stage, result, budget, starting, start, cancel, openResult };
});
