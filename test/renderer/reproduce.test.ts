// @vitest-environment happy-dom
/**
 * "Reproduce the paper" as a user drives it (issue 11): from the Start panel (a folder, a budget)
 * to one progress view of the pipeline's job in the opened project, cancel and continue, and on
 * completion the first run's dashboard with its phase diagram one click away and the report's
 * files — on the in-memory backend of the real contract (fakeBackend.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/api/rpc.ts';
import type { JobDto } from '../../src-main/api/contract.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

async function start(): Promise<Workbench> {
  current = await mountWorkbench(new FakeBackend());
  return current;
}

const sel = (id: string): string => `[data-testid="${id}"]`;
const DIR = '/data/reproduction';

/** Types the folder, picks the budget and starts; returns the job the backend started. */
async function reproduce(w: Workbench, budget?: 'quick' | 'paper'): Promise<JobDto> {
  await w.wrapper.find(sel('reproduce-dir')).setValue(` ${DIR} `);
  if (budget) await w.wrapper.find(sel(`reproduce-budget-${budget}`)).setValue(true);
  await w.wrapper.find(sel('reproduce-start')).find('form').trigger('submit');
  await w.settle();
  return w.backend.lastJob();
}

function jobRow(w: Workbench, jobId: string): HTMLElement {
  const el = w.allByTestId('job').find((e) => e.dataset.jobId === jobId);
  if (!el) throw new Error(`job ${jobId} is not shown`);
  return el;
}

describe('Reproduce the paper', () => {
  it('is offered on the Start panel with the quick budget chosen and its expected time, and needs a folder', async () => {
    const w = await start();
    const section = w.byTestId('reproduce-start');
    expect(section.querySelector('h3')?.textContent).toBe('Reproduce the paper');
    const quick = w.byTestId('reproduce-budget-quick') as HTMLInputElement;
    const paper = w.byTestId('reproduce-budget-paper') as HTMLInputElement;
    expect(quick.checked).toBe(true);
    expect(paper.checked).toBe(false);
    expect(quick.parentElement?.textContent).toContain('about 2–3 minutes on a 2-core laptop');
    expect(quick.parentElement?.textContent).toContain('784-128-128-128-10');

    await w.wrapper.find(sel('reproduce-start')).find('form').trigger('submit');
    await w.settle();
    expect(w.byTestId('reproduce-dir-error').textContent).toContain('Enter the folder for the reproduction');
    expect(w.backend.callsOf('projects.reproduce')).toEqual([]);
  });

  it('opens the project at once and shows the pipeline as one job: its stage, bar and ETA, in the jobs panel too', async () => {
    const w = await start();
    const job = await reproduce(w, 'paper');
    expect(w.backend.callsOf('projects.reproduce')).toEqual([{ dir: DIR, budget: 'paper' }]);
    expect(job.kind).toBe('reproduce');
    expect(w.byTestId('project-view')).toBeTruthy();
    expect(w.byTestId('project-name').textContent).toBe('Reproduction of arXiv:2408.06421 (paper)');
    expect(w.byTestId('reproduce-stage').textContent).toBe('Waiting for a worker');

    w.backend.progress(job.id, 0.2, 'train: relu-seed0 epoch 1, step 40/94', null);
    await w.settle();
    expect(w.byTestId('reproduce-stage').textContent).toBe('Training the networks');
    const refreshesBefore = w.backend.callsOf('projects.current').length;

    w.backend.progress(job.id, 0.55, 'sweep: relu-seed0 checkpoint 3/12', 95);
    await w.settle();
    expect(w.byTestId('reproduce-stage').textContent).toBe('Sweeping the checkpoints (T_c, phases)');
    const status = w.byTestId('reproduce-status');
    expect(status.querySelector(sel('inline-job-percent'))?.textContent).toBe('55 %');
    expect(status.textContent).toContain('ETA 1 min 35 s');
    // The same job is the jobs panel's row.
    expect(jobRow(w, job.id).querySelector(sel('job-label'))?.textContent).toBe(
      'reproduce the paper (paper)',
    );
    // A new stage lists the project's new files once.
    expect(w.backend.callsOf('projects.current').length).toBe(refreshesBefore + 1);
    w.backend.progress(job.id, 0.56, 'sweep: relu-seed0 checkpoint 4/12', 90);
    await w.settle();
    expect(w.backend.callsOf('projects.current').length).toBe(refreshesBefore + 1);
  });

  it('cancels, says that finished work is kept, and continues with the same budget on the same folder', async () => {
    const w = await start();
    const job = await reproduce(w);
    w.backend.progress(job.id, 0.1, 'train: relu-seed0', null);
    await w.settle();
    await w.wrapper.find(sel('reproduce-cancel')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('jobs.cancel')).toEqual([{ jobId: job.id }]);
    w.backend.finish(job.id, 'cancelled');
    await w.settle();
    expect(w.byTestId('reproduce-ended').textContent).toContain('Stopped.');

    await w.wrapper.find(sel('reproduce-again')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('projects.reproduce')).toEqual([
      { dir: DIR, budget: 'quick' },
      { dir: DIR, budget: 'quick' },
    ]);
    const again = w.backend.lastJob();
    expect(again.id).not.toBe(job.id);
    expect(w.byTestId('reproduce-stage').textContent).toBe('Waiting for a worker');
  });

  it('shows the backend’s refusal when the folder is already being reproduced', async () => {
    const w = await start();
    w.backend.failNext(
      'projects.reproduce',
      new ApiError('conflict', `the paper is already being reproduced in ${DIR} (job job-7)`),
    );
    await reproduce(w);
    expect(document.body.textContent).toContain(`the paper is already being reproduced in ${DIR}`);
    expect(w.byTestId('start-panel')).toBeTruthy();
  });

  it('on completion opens the dashboard of the first run, with the phase diagram one click away and the report’s files named', async () => {
    const w = await start();
    const job = await reproduce(w);
    w.backend.onComplete.set(job.id, () => {
      w.backend.addCompletedRun('relu-seed0', [0, 4, 18, 94]);
      w.backend.addCompletedRun('sign-seed0', [0, 4, 18, 94]);
      w.backend.job(job.id).result = {
        project: DIR,
        firstRun: 'relu-seed0',
        runs: ['relu-seed0', 'sign-seed0'],
        reportHtml: `${DIR}/report.html`,
        reportPdf: `${DIR}/report.pdf`,
      };
    });
    w.backend.finish(job.id, 'completed');
    await w.settle();

    expect(w.byTestId('tab-dashboard').getAttribute('aria-selected')).toBe('true');
    expect(w.byTestId('run-dashboard')).toBeTruthy();
    expect(w.backend.callsOf('runs.metrics')).toContainEqual({ runId: 'relu-seed0' });
    expect(w.byTestId('reproduce-done')).toBeTruthy();
    const report = w.byTestId('reproduce-report').textContent ?? '';
    expect(report).toContain(`${DIR}/report.html`);
    expect(report).toContain(`${DIR}/report.pdf`);

    await w.wrapper.find(sel('reproduce-phase')).trigger('click');
    await w.settle();
    expect(w.byTestId('tab-phase').getAttribute('aria-selected')).toBe('true');
    expect(w.byTestId('phase-diagram')).toBeTruthy();
    expect(w.backend.callsOf('phaseDiagrams.get')).toContainEqual({ runId: 'relu-seed0' });
  });
});
