// @vitest-environment happy-dom
/**
 * "Export sweep for a cluster…" in the run dashboard: the time limit (and the other options) are
 * checked as typed with the CLI's rules, nothing is asked of the backend while a field is wrong,
 * the script the backend returns is shown with its path and the submit and merge commands, and
 * "Merge results" shows the merge's outcome or its error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slurmScript } from '../../src-main/core/sweep/slurmScript.ts';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

const sel = (id: string): string => `[data-testid="${id}"]`;
const RUN = 'relu-0';

async function start(): Promise<Workbench> {
  const b = new FakeBackend();
  b.openProject('/data/lab', 'lab');
  b.addCompletedRun(RUN, [0, 100, 1000]);
  const w = await mountWorkbench(b);
  current = w;
  await w.wrapper.find(sel('run-select')).trigger('click');
  await w.settle();
  await w.wrapper.find(sel('tab-dashboard')).trigger('click');
  await w.settle();
  await w.wrapper.find(sel('cluster-open')).trigger('click');
  return w;
}

describe('Export sweep for a cluster', () => {
  it('checks the time limit as typed and asks for no script while it is wrong', async () => {
    const w = await start();
    const button = () => w.wrapper.find(sel('cluster-export-button'));
    await w.wrapper.find(sel('cluster-partition')).setValue('short');
    expect(w.wrapper.find(sel('cluster-error-time')).exists()).toBe(false);
    expect(button().attributes('disabled')).toBeUndefined();

    for (const bad of ['90', '1:30', '01:30:00:00', '2h', '1-2:3:04']) {
      await w.wrapper.find(sel('cluster-time')).setValue(bad);
      expect(w.wrapper.find(sel('cluster-error-time')).text()).toBe(
        `must be HH:MM:SS or D-HH:MM:SS, not '${bad}'`,
      );
      expect(w.wrapper.find(sel('cluster-time')).attributes('aria-invalid')).toBe('true');
      expect(button().attributes('disabled')).toBeDefined();
      await w.wrapper.find(sel('cluster-form')).trigger('submit');
      await w.settle();
    }
    expect(w.backend.callsOf('runs.clusterSweep')).toEqual([]);

    for (const good of ['00:45:00', '1-12:00:00', '7:00:00']) {
      await w.wrapper.find(sel('cluster-time')).setValue(good);
      expect(w.wrapper.find(sel('cluster-error-time')).exists()).toBe(false);
    }
    // The other fields by the same rules: a partition name, whole numbers of shards and CPUs.
    await w.wrapper.find(sel('cluster-cpus')).setValue('0');
    expect(w.wrapper.find(sel('cluster-error-cpus')).text()).toBe('must be a whole number from 1 to 1024');
    await w.wrapper.find(sel('cluster-cpus')).setValue('8');
    await w.wrapper.find(sel('cluster-partition')).setValue('gpu queue');
    expect(w.wrapper.find(sel('cluster-error-partition')).text()).toBe("'gpu queue' is not a partition name");
    expect(button().attributes('disabled')).toBeDefined();
  });

  it('shows the script the backend wrote, its path and the commands, for the run or the project', async () => {
    const w = await start();
    await w.wrapper.find(sel('cluster-shards')).setValue('3');
    await w.wrapper.find(sel('cluster-partition')).setValue('short');
    await w.wrapper.find(sel('cluster-time')).setValue('01:30:00');
    await w.wrapper.find(sel('cluster-cpus')).setValue('2');
    await w.wrapper.find(sel('cluster-scope')).setValue('run');
    await w.wrapper.find(sel('cluster-form')).trigger('submit');
    await w.settle();

    expect(w.backend.callsOf('runs.clusterSweep')).toEqual([
      { runIds: [RUN], shards: 3, partition: 'short', time: '01:30:00', cpus: 2 },
    ]);
    // The fake answers with core's slurmScript; the page shows exactly that text.
    const expected = slurmScript({
      target: '/data/lab',
      count: 3,
      partition: 'short',
      time: '01:30:00',
      cpus: 2,
      scratch: null,
      shardsDir: '/data/lab/analyses/shards',
      workdir: '/opt/spinscope',
      logs: '/data/lab/logs',
      settings: { tMin: null, epsilon: 0, spectrumCount: 10 },
      configHash: 'fake-config-hash',
      version: '0.0.0-fake',
    });
    const pre = w.wrapper.find(sel('cluster-script'));
    expect(pre.element.tagName).toBe('PRE');
    expect(pre.element.textContent).toBe(expected);
    expect(w.wrapper.find(sel('cluster-path')).text()).toBe('/data/lab/spinscope-sweep.sbatch');
    expect(w.wrapper.find(sel('cluster-submit')).text()).toBe('sbatch /data/lab/spinscope-sweep.sbatch');
    expect(w.wrapper.find(sel('cluster-merge-command')).text()).toBe(
      'npx spinscope merge /data/lab/analyses/shards --into /data/lab',
    );

    // The whole project, with a scratch folder: no runIds, the scratch passed on.
    await w.wrapper.find(sel('cluster-scope')).setValue('project');
    await w.wrapper.find(sel('cluster-scratch')).setValue('/scratch/me');
    await w.wrapper.find(sel('cluster-form')).trigger('submit');
    await w.settle();
    expect(w.backend.callsOf('runs.clusterSweep')[1]).toEqual({
      shards: 3,
      partition: 'short',
      time: '01:30:00',
      cpus: 2,
      scratch: '/scratch/me',
    });
    expect(w.wrapper.find(sel('cluster-script')).text()).toContain('--scratch /scratch/me');
  });

  it('merges: says what is missing, or how many checkpoints came in', async () => {
    const w = await start();
    await w.wrapper.find(sel('cluster-merge')).trigger('click');
    await w.settle();
    expect(w.wrapper.find(sel('cluster-merge-error')).text()).toBe(
      'The merge failed: nothing to merge: /data/lab/analyses/shards does not exist. Run the exported array on the cluster first',
    );

    w.backend.mergeOutcome = {
      count: 4,
      configHash: 'abc',
      checkpoints: 12,
      copied: 9,
      unchanged: 3,
      failed: [],
      notes: [],
    };
    await w.wrapper.find(sel('cluster-merge')).trigger('click');
    await w.settle();
    expect(w.wrapper.find(sel('cluster-merge-error')).exists()).toBe(false);
    expect(w.wrapper.find(sel('cluster-merged')).text()).toMatch(
      /^Merged 4 shards: 12 checkpoints, 9 copied into the project, 3 already there\./,
    );
    expect(w.backend.callsOf('runs.mergeShards')).toEqual([{}, {}]);
  });
});
