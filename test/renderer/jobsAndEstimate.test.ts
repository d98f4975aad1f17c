// @vitest-environment happy-dom
/**
 * The New training run form's run time estimate as shown (the formula itself: trainForm.test.ts),
 * and the jobs panel's log: the tail of a job's log opens under it, is read again while the job
 * runs, a last time when it ends, and a failed job shows its reason with the last lines it logged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENTS } from '../../src-main/api/contract.ts';
import { eta } from '../../src-renderer/src/format.ts';
import { defaultTrainForm, estimateTrainForm } from '../../src-renderer/src/forms/trainForm.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
beforeEach(() => {
  // Only the log's re-read timer is driven by hand; promises and Vue's scheduler run as usual.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

const sel = (id: string): string => `[data-testid="${id}"]`;

async function withProject(): Promise<Workbench> {
  const b = new FakeBackend();
  b.openProject('/data/p', 'p');
  current = await mountWorkbench(b);
  return current;
}

describe('run time estimate under the form', () => {
  it('shows the estimate of the fields as typed, and waits for valid fields', async () => {
    const w = await withProject();
    const shown = () => w.wrapper.find(sel('run-estimate-time'));
    const defaults = estimateTrainForm(defaultTrainForm())!;
    expect(Number(shown().attributes('data-seconds'))).toBe(defaults.seconds);
    expect(shown().text()).toBe(`≈ ${eta(defaults.seconds)}`);
    expect(w.wrapper.find(sel('run-estimate')).text()).toContain('2345 steps, 61 test-set evaluations');

    // Twice the epochs: twice the training, the same evaluations.
    await w.wrapper.find(sel('field-epochs')).setValue('10');
    expect(Number(shown().attributes('data-seconds'))).toBeCloseTo(
      2 * defaults.trainSeconds + defaults.evalSeconds,
      9,
    );
    await w.wrapper.find(sel('field-epochs')).setValue('ten');
    expect(w.wrapper.find(sel('run-estimate')).text()).toContain('appears once the fields above are valid');
    // A bad learning rate does not change the run time: the estimate stays.
    await w.wrapper.find(sel('field-epochs')).setValue('5');
    await w.wrapper.find(sel('field-lr')).setValue('fast');
    expect(shown().text()).toBe(`≈ ${eta(defaults.seconds)}`);
  });
});

describe('job log', () => {
  async function runningJob(w: Workbench): Promise<string> {
    await w.wrapper.find(sel('new-run-form')).trigger('submit');
    await w.settle();
    const job = w.backend.lastJob();
    w.backend.logs.set(
      job.id,
      Array.from({ length: 300 }, (_, i) => `line ${i + 1}`),
    );
    w.backend.progress(job.id, 0.1, 'epoch 1/5');
    await w.settle();
    return job.id;
  }
  const jobItem = (w: Workbench, id: string) => w.wrapper.find(`${sel('job')}[data-job-id="${id}"]`);

  it('opens the last 200 lines, re-reads them while the job runs, and closes', async () => {
    const w = await withProject();
    const id = await runningJob(w);
    const toggle = jobItem(w, id).find(sel('job-log-toggle'));
    expect(toggle.attributes('aria-expanded')).toBe('false');
    await toggle.trigger('click');
    await w.settle();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    const lines = () => jobItem(w, id).find(sel('job-log')).text().split('\n');
    expect(lines()).toHaveLength(200);
    expect(lines()[0]).toBe('line 101');
    expect(lines().at(-1)).toBe('line 300');
    expect(w.backend.callsOf('jobs.log')).toEqual([{ jobId: id, tail: 200 }]);

    w.backend.logs.get(id)!.push('line 301');
    await vi.advanceTimersByTimeAsync(1000);
    await w.settle();
    expect(lines().at(-1)).toBe('line 301');
    expect(lines()[0]).toBe('line 102');

    await toggle.trigger('click');
    expect(jobItem(w, id).find(sel('job-log')).exists()).toBe(false);
    // A closed log is not read any more.
    const reads = w.backend.callsOf('jobs.log').length;
    await vi.advanceTimersByTimeAsync(3000);
    await w.settle();
    expect(w.backend.callsOf('jobs.log')).toHaveLength(reads);
  });

  it('reads an open log a last time when the job ends, and no more after', async () => {
    const w = await withProject();
    const id = await runningJob(w);
    await jobItem(w, id).find(sel('job-log-toggle')).trigger('click');
    await w.settle();
    w.backend.logs.get(id)!.push('training stopped: NaN loss at step 812');
    w.backend.finish(id, 'failed', 'the loss became NaN at step 812: lower the learning rate');
    await w.settle();
    expect(jobItem(w, id).find(sel('job-log')).text()).toMatch(/NaN loss at step 812$/);
    const reads = w.backend.callsOf('jobs.log').length;
    await vi.advanceTimersByTimeAsync(3000);
    await w.settle();
    expect(w.backend.callsOf('jobs.log')).toHaveLength(reads);
  });

  it('shows a failed job’s reason in words with the last lines it logged', async () => {
    const w = await withProject();
    const id = await runningJob(w);
    w.backend.finish(id, 'failed', 'the worker ran out of memory (exit code 134)');
    const job = w.backend.job(id);
    job.error = { ...job.error!, lastLog: ['step 400: loss 0.41', 'FATAL ERROR: heap out of memory'] };
    w.backend.emit(EVENTS.jobUpdate, structuredClone(job));
    await w.settle();
    expect(jobItem(w, id).find(sel('job-error')).text()).toBe('the worker ran out of memory (exit code 134)');
    expect(jobItem(w, id).find(sel('job-last-log')).text()).toBe(
      'step 400: loss 0.41\nFATAL ERROR: heap out of memory',
    );
  });
});
