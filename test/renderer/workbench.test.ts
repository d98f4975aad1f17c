// @vitest-environment happy-dom
/**
 * The workbench as a user drives it, on an in-memory backend of the real contract (fakeBackend.ts):
 * every argument the UI sends passes the contract's zod schemas, and the backend's events drive
 * what is shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/api/rpc.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

async function start(setup?: (b: FakeBackend) => void): Promise<Workbench> {
  const backend = new FakeBackend();
  setup?.(backend);
  current = await mountWorkbench(backend);
  return current;
}

const sel = (id: string): string => `[data-testid="${id}"]`;

/** Fills the New training run form (text fields by name) and submits it. */
async function submitRun(w: Workbench, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields))
    await w.wrapper.find(sel(`field-${name}`)).setValue(value);
  await w.wrapper.find(sel('new-run-form')).trigger('submit');
  await w.settle();
}

const quickRun = {
  arch: '784-32-10',
  activation: 'relu',
  epochs: '2',
  batchSize: '64',
  trainLimit: '6000',
  testLimit: '500',
};

function jobItem(w: Workbench, jobId: string): HTMLElement {
  const el = w.allByTestId('job').find((e) => e.dataset.jobId === jobId);
  if (!el) throw new Error(`job ${jobId} is not shown`);
  return el;
}

function runRow(w: Workbench, runId: string): HTMLElement {
  const el = w.allByTestId('run-row').find((e) => e.dataset.runId === runId);
  if (!el) throw new Error(`run ${runId} is not shown`);
  return el;
}

const text = (root: HTMLElement, id: string): string =>
  root.querySelector(sel(id))?.textContent?.trim() ?? '';

describe('Start panel', () => {
  it('creates a project from a typed folder path and shows its project view with its name', async () => {
    const w = await start();
    expect(w.byTestId('start-panel')).toBeTruthy();
    await w.wrapper.find(sel('project-dir')).setValue('/data/phases');
    await w.wrapper.find(sel('create-project')).trigger('click');
    await w.settle();

    expect(w.backend.callsOf('projects.create')).toEqual([{ dir: '/data/phases' }]);
    expect(w.byTestId('project-name').textContent).toBe('phases');
    expect(w.byTestId('project-view')).toBeTruthy();
    expect(w.allByTestId('start-panel')).toHaveLength(0);
  });

  it('asks for a folder instead of calling the backend with an empty path', async () => {
    const w = await start();
    await w.wrapper.find(sel('create-project')).trigger('click');
    await w.settle();
    expect(w.byTestId('project-dir-error').textContent).toContain('Enter the path of a project folder');
    expect(w.byTestId('project-dir').getAttribute('aria-invalid')).toBe('true');
    expect(w.backend.callsOf('projects.create')).toEqual([]);
  });

  it('lists recent projects, opens one, and returns to the list when the project is closed', async () => {
    const w = await start((b) => {
      b.recent = [
        { dir: '/data/a', name: 'glass', openedAt: '2026-11-30T10:00:00Z', exists: true },
        { dir: '/data/gone', name: 'gone', openedAt: '2026-11-01T10:00:00Z', exists: false },
      ];
    });
    const recent = w.wrapper.findAll(sel('recent-project'));
    expect(recent.map((r) => r.text())).toEqual(['glass', 'gone']);
    expect(recent[1].attributes('disabled')).toBeDefined();

    await recent[0].trigger('click');
    await w.settle();
    expect(w.backend.callsOf('projects.open')).toEqual([{ dir: '/data/a' }]);
    expect(w.byTestId('project-name').textContent).toBe('glass');

    await w.wrapper.find(sel('close-project')).trigger('click');
    await w.settle();
    expect(w.backend.callsOf('projects.close')).toHaveLength(1);
    expect(w.byTestId('start-panel')).toBeTruthy();
  });
});

describe('New training run form', () => {
  it('shows a message at each invalid field, focuses the first, and sends nothing', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, {
      arch: '784-abc-10',
      epochs: '0',
      lr: '-0.1',
      batchSize: '128',
      trainLimit: '100',
      seed: '1.5',
    });

    expect(w.byTestId('error-arch').textContent).toContain('Only whole numbers separated by "-"');
    expect(w.byTestId('error-epochs').textContent).toContain('A whole number from 1 to 10000.');
    expect(w.byTestId('error-lr').textContent).toContain('A positive number');
    expect(w.byTestId('error-seed').textContent).toContain('A whole number from 0 to 4294967295.');
    expect(w.byTestId('error-trainLimit').textContent).toContain('At least one batch (128 examples).');
    expect(w.allByTestId('error-batchSize')).toHaveLength(0);
    expect(w.byTestId('field-arch').getAttribute('aria-invalid')).toBe('true');
    expect(w.byTestId('field-arch').getAttribute('aria-describedby')).toContain('run-arch-error');
    expect(document.activeElement).toBe(w.byTestId('field-arch'));
    expect(w.backend.callsOf('runs.create')).toEqual([]);
  });

  it('rejects an architecture with a single width', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, { arch: '784' });
    expect(w.byTestId('error-arch').textContent).toContain('At least two widths');
  });

  it('sends the options as runs.create config once every field is valid', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, { arch: '784-abc' });
    await submitRun(w, {
      ...quickRun,
      activation: 'tanh',
      optimizer: 'adam',
      lr: '0.002',
      seed: '7',
      checkpoints: '20',
    });

    expect(w.allByTestId('error-arch')).toHaveLength(0);
    expect(w.backend.callsOf('runs.create')).toEqual([
      {
        config: {
          arch: [784, 32, 10],
          activation: 'tanh',
          optimizer: 'adam',
          lr: 0.002,
          epochs: 2,
          batchSize: 64,
          seed: 7,
          checkpoints: 20,
          trainLimit: 6000,
          testLimit: 500,
        },
      },
    ]);
  });
});

describe('Runs and jobs', () => {
  it('starting a run shows its job, whose progress bar follows the jobs.update events', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    const runId = job.target!.runId!;
    expect(runId).toBe('relu-784-32-10-s0');
    expect(text(runRow(w, runId), 'run-status')).toBe('queued');
    expect(text(jobItem(w, job.id), 'job-status')).toBe('queued');

    w.backend.progress(job.id, 0.25, 'epoch 1/2, step 50/200', 12);
    await w.settle();
    const item = jobItem(w, job.id);
    const bar = item.querySelector<HTMLProgressElement>(sel('job-progress'))!;
    expect(bar.getAttribute('data-fraction')).toBe('0.25');
    expect(bar.value).toBeCloseTo(0.25, 12);
    expect(bar.max).toBe(1);
    expect(text(item, 'job-percent')).toBe('25 %');
    expect(text(item, 'job-message')).toBe('epoch 1/2, step 50/200');
    expect(text(item, 'job-eta')).toBe('ETA 12 s');
    expect(text(runRow(w, runId), 'run-status')).toBe('running');

    w.backend.progress(job.id, 0.75, 'epoch 2/2, step 150/200', 200);
    await w.settle();
    expect(jobItem(w, job.id).querySelector(sel('job-progress'))!.getAttribute('data-fraction')).toBe('0.75');
    expect(text(jobItem(w, job.id), 'job-eta')).toBe('ETA 3 min 20 s');

    w.backend.finish(job.id, 'completed');
    await w.settle();
    expect(text(jobItem(w, job.id), 'job-status')).toBe('completed');
    expect(jobItem(w, job.id).querySelector(sel('job-progress'))!.getAttribute('data-fraction')).toBe('1');
    expect(jobItem(w, job.id).querySelector(sel('job-cancel'))).toBeNull();
    const row = runRow(w, runId);
    expect(text(row, 'run-status')).toBe('completed');
    expect(text(row, 'run-step')).toBe('200 / 200');
    expect(text(row, 'run-accuracy')).toBe('94.00 %');
  });

  it('shows the checkpoints of the selected run and flags a missing file', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    await submitRun(w, { ...quickRun, seed: '1' });
    const [first, second] = [...w.backend.jobs.values()];
    w.backend.finish(first.id, 'completed');
    w.backend.finish(second.id, 'completed');
    await w.settle();

    // The newest run is selected after it starts; choose the first one.
    expect(w.byTestId('checkpoints-run').textContent).toBe('relu-784-32-10-s1');
    await runRow(w, 'relu-784-32-10-s0').querySelector<HTMLElement>(sel('run-select'))!.click();
    await w.settle();
    expect(w.byTestId('checkpoints-run').textContent).toBe('relu-784-32-10-s0');
    expect(w.backend.callsOf('runs.metrics').at(-1)).toEqual({ runId: 'relu-784-32-10-s0' });
    const rows = w.allByTestId('checkpoint-row');
    expect(rows.map((r) => r.dataset.step)).toEqual(['0', '10', '100', '200']);
    expect(text(rows[3], 'checkpoint-accuracy')).toBe('94.00 %');
    expect(rows[1].querySelector(sel('checkpoint-missing'))?.textContent).toBe('missing');
    expect(rows[0].querySelector(sel('checkpoint-missing'))).toBeNull();
    expect(w.byTestId('checkpoints-missing-note').textContent).toContain('1 checkpoint file is missing');
  });

  it('Cancel in the jobs panel calls jobs.cancel; Cancel in the runs table calls runs.cancel', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    w.backend.progress(job.id, 0.1, 'epoch 1/2');
    await w.settle();

    await jobItem(w, job.id).querySelector<HTMLElement>(sel('job-cancel'))!.click();
    await w.settle();
    expect(w.backend.callsOf('jobs.cancel')).toEqual([{ jobId: job.id }]);

    const runId = job.target!.runId!;
    await runRow(w, runId).querySelector<HTMLElement>(sel('run-cancel'))!.click();
    await w.settle();
    expect(w.backend.callsOf('runs.cancel')).toEqual([{ runId }]);
  });

  it('a cancelled run can be resumed, which starts a new job for it', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    const runId = job.target!.runId!;
    w.backend.progress(job.id, 0.3);
    w.backend.finish(job.id, 'cancelled');
    await w.settle();
    const row = runRow(w, runId);
    expect(text(row, 'run-status')).toBe('cancelled');
    expect(row.querySelector(sel('run-cancel'))).toBeNull();
    // The cancelled job's bar stays where training stopped.
    expect(jobItem(w, job.id).querySelector(sel('job-progress'))!.getAttribute('data-fraction')).toBe('0.3');
    expect(jobItem(w, job.id).querySelector(sel('job-cancel'))).toBeNull();

    await row.querySelector<HTMLElement>(sel('run-resume'))!.click();
    await w.settle();
    expect(w.backend.callsOf('runs.resume')).toEqual([{ runId }]);
    const resumed = w.backend.lastJob();
    expect(resumed.id).not.toBe(job.id);
    expect(text(jobItem(w, resumed.id), 'job-label')).toBe(`resume ${runId}`);
    expect(text(runRow(w, runId), 'run-status')).toBe('queued');

    w.backend.progress(resumed.id, 0.9);
    w.backend.finish(resumed.id, 'completed');
    await w.settle();
    expect(text(runRow(w, runId), 'run-status')).toBe('completed');
  });

  it("links a job to its run even when the job's first event names no run", async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    // The backend may report a job before recording what it works on; the reply names the run.
    const create = w.backend.transport.call.bind(w.backend.transport);
    w.backend.transport.call = async (method, args) => {
      if (method !== 'runs.create') return create(method, args);
      const reply = await create(method, args);
      const job = w.backend.lastJob();
      w.backend.emit('jobs.update', { ...structuredClone(job), status: 'running', target: null });
      return reply;
    };
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    expect(jobItem(w, job.id).dataset.runId).toBe('relu-784-32-10-s0');
    w.backend.progress(job.id, 0.5);
    await w.settle();
    expect(jobItem(w, job.id).dataset.runId).toBe('relu-784-32-10-s0');
    expect(text(runRow(w, 'relu-784-32-10-s0'), 'run-status')).toBe('running');
  });

  it('deletes a run only after a second, confirming click', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    w.backend.finish(job.id, 'completed');
    await w.settle();
    const runId = job.target!.runId!;

    await runRow(w, runId).querySelector<HTMLElement>(sel('run-delete'))!.click();
    await w.settle();
    expect(w.backend.callsOf('runs.delete')).toEqual([]);
    await runRow(w, runId).querySelector<HTMLElement>(sel('run-delete-confirm'))!.click();
    await w.settle();
    expect(w.backend.callsOf('runs.delete')).toEqual([{ runId }]);
    expect(w.allByTestId('run-row')).toHaveLength(0);
  });
});

describe('Errors', () => {
  it('an API error appears in the banner with its message until dismissed', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    w.backend.failNext(
      'runs.create',
      new ApiError('bad-request', 'training options: trainLimit (10) is smaller than one batch (64)'),
    );
    await submitRun(w, quickRun);

    expect(w.byTestId('error-banner').getAttribute('role')).toBe('alert');
    expect(w.byTestId('error-message').textContent).toBe(
      'training options: trainLimit (10) is smaller than one batch (64)',
    );
    expect(w.byTestId('error-item').textContent).toContain('Start training failed');
    expect(w.allByTestId('run-row')).toHaveLength(0);

    await w.wrapper.find(sel('error-dismiss')).trigger('click');
    expect(w.allByTestId('error-banner')).toHaveLength(0);
  });

  it('a project that cannot be opened is reported, and the Start panel stays', async () => {
    const w = await start();
    await w.wrapper.find(sel('project-dir')).setValue('/nowhere');
    // Enter in the field submits the form, which opens; twice, as an impatient user would.
    await w.wrapper.find('form').trigger('submit');
    await w.settle();
    await w.wrapper.find('form').trigger('submit');
    await w.settle();
    expect(w.backend.callsOf('projects.open')).toEqual([{ dir: '/nowhere' }, { dir: '/nowhere' }]);
    expect(w.byTestId('error-message').textContent).toBe(
      '/nowhere is not a Spinscope project (no spinscope.json)',
    );
    // The same failure twice is shown once.
    expect(w.allByTestId('error-item')).toHaveLength(1);
    expect(w.byTestId('start-panel')).toBeTruthy();
  });

  it('a failed job shows its reason in the jobs panel', async () => {
    const w = await start((b) => b.openProject('/data/p', 'p'));
    await submitRun(w, quickRun);
    const job = w.backend.lastJob();
    w.backend.finish(job.id, 'failed', 'the worker exited with code 1: out of memory');
    await w.settle();
    expect(text(jobItem(w, job.id), 'job-error')).toBe('the worker exited with code 1: out of memory');
    expect(text(runRow(w, job.target!.runId!), 'run-status')).toBe('failed');
    expect(runRow(w, job.target!.runId!).querySelector(sel('run-resume'))).not.toBeNull();
  });
});
