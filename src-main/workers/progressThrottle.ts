/**
 * At most one progress message per interval (100 ms: ≤ 10 per second), without losing the last:
 * a report that comes too soon is held and sent when the interval is over, replaced by any newer
 * one meanwhile. A job may report after every step; the supervisor and the UI see a steady trickle.
 */
import type { JobProgress } from '../core/jobs/job.ts';

export const PROGRESS_INTERVAL_MS = 100;

export class ProgressThrottle {
  private lastSent = -Infinity;
  private pending: JobProgress | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (progress: JobProgress) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  push(progress: JobProgress): void {
    const now = performance.now();
    // Checked by time, not only by the timer: a job that computes synchronously (the analysis)
    // keeps the timer from firing, and its reports are then the supervisor's only sign of life.
    if (now - this.lastSent >= this.intervalMs) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.pending = null;
      this.lastSent = now;
      this.send(progress);
      return;
    }
    this.pending = progress;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (now - this.lastSent));
  }

  /** Sends the held report now, if any (before the job's result, so the last progress is not lost). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === null) return;
    const progress = this.pending;
    this.pending = null;
    this.lastSent = performance.now();
    this.send(progress);
  }
}
