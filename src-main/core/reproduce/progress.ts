/**
 * One progress bar for the whole pipeline: each stage owns a share of it (by its expected cost),
 * and the ETA comes from the rate of this session's progress, so work skipped because it was done
 * before (a resumed pipeline) neither counts as speed nor as remaining time.
 */
import { estimateEta, type JobProgress } from '../jobs/job.ts';

export const STAGES = ['train', 'sweep', 'phaseDiagram', 'spectra', 'figures', 'report'] as const;
export type StageName = (typeof STAGES)[number];

/** Shares of the bar, measured on the quick budget here: training dominates, then the valleys. */
export const STAGE_WEIGHTS: Record<StageName, number> = {
  train: 0.5,
  sweep: 0.15,
  phaseDiagram: 0.2,
  spectra: 0.05,
  figures: 0.07,
  report: 0.03,
};

export interface StageReporter {
  /** `fraction` of this stage done (0…1). */
  update(fraction: number, message: string): void;
}

export class PipelineProgress {
  private readonly done = new Map<StageName, number>();
  private readonly started = performance.now();
  /** The overall fraction when this session's first stage began (work done before is not speed). */
  private base: number | null = null;

  constructor(private readonly listener?: (p: JobProgress) => void) {}

  fraction(): number {
    return STAGES.reduce((s, name) => s + STAGE_WEIGHTS[name] * (this.done.get(name) ?? 0), 0);
  }

  stage(name: StageName): StageReporter {
    return {
      update: (fraction, message) => {
        this.done.set(name, Math.min(1, Math.max(0, fraction)));
        const total = this.fraction();
        if (this.base === null) this.base = total;
        const sessionShare = (total - this.base) / Math.max(1e-9, 1 - this.base);
        this.listener?.({
          fraction: total,
          message: `${name}: ${message}`,
          etaSeconds: estimateEta(sessionShare, this.started),
        });
      },
    };
  }
}
