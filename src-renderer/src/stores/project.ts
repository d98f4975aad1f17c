/**
 * The open project (at most one), the recent projects, and the project's runs as the backend lists
 * them. Refreshed when the backend says the project changed, when a job ends, and — at most once a
 * second — while a training job runs, so that a new run appears as soon as its folder exists and
 * its step moves.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { ProjectDto, RecentDto, RunDto } from '../../../src-main/api/contract.ts';
import { EVENTS } from '../../../src-main/api/methods.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';

/** Minimum time between two refreshes caused by job progress. */
export const PROGRESS_REFRESH_MS = 1000;

export const useProjectStore = defineStore('project', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();

  const current = ref<ProjectDto | null>(null);
  const recent = ref<RecentDto[]>([]);
  /** True until the first answer of projects.current (the Start panel waits for it). */
  const loading = ref(true);
  const busy = ref(false);
  /**
   * Runs created in this session that the backend does not list yet (its worker writes run.json
   * shortly after runs.create answers), by id, with the job that trains them.
   */
  const pending = ref<Record<string, { run: RunDto; jobId: string }>>({});

  const runs = computed<RunDto[]>(() => {
    const listed = current.value?.runs ?? [];
    const extra = Object.values(pending.value)
      .map((p) => p.run)
      .filter((r) => !listed.some((l) => l.id === r.id));
    return [...listed, ...extra];
  });

  function setProject(p: ProjectDto | null): void {
    if (p?.dir !== current.value?.dir) pending.value = {};
    current.value = p;
    const next = { ...pending.value };
    for (const [id, { jobId }] of Object.entries(next)) {
      const job = jobs.byId[jobId];
      if (p?.runs.some((r) => r.id === id) || (job && jobEnded(job))) delete next[id];
    }
    pending.value = next;
  }

  async function loadRecent(): Promise<void> {
    const list = await errors.attempt('List recent projects', () => api['projects.recent']({}));
    if (list) recent.value = list;
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const p = await errors.attempt('Load the current project', () => api['projects.current']({}));
      if (p !== undefined) setProject(p);
      await loadRecent();
    } finally {
      loading.value = false;
    }
  }

  async function withBusy<T>(fn: () => Promise<T>): Promise<T> {
    busy.value = true;
    try {
      return await fn();
    } finally {
      busy.value = false;
    }
  }

  async function create(dir: string, name?: string): Promise<boolean> {
    const p = await withBusy(() =>
      errors.attempt('Create project', () => api['projects.create']({ dir, ...(name ? { name } : {}) })),
    );
    if (!p) return false;
    setProject(p);
    return true;
  }

  async function open(dir: string): Promise<boolean> {
    const p = await withBusy(() => errors.attempt('Open project', () => api['projects.open']({ dir })));
    if (!p) return false;
    setProject(p);
    return true;
  }

  async function close(): Promise<void> {
    const ok = await withBusy(() =>
      errors.attempt('Close project', async () => {
        await api['projects.close']({});
        return true;
      }),
    );
    if (!ok) return;
    setProject(null);
    await loadRecent();
  }

  // Refreshes never overlap: one asked for during another runs once after it.
  let inFlight: Promise<void> | null = null;
  let again = false;
  async function refresh(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        const p = await errors.attempt('Refresh the project', () => api['projects.current']({}));
        if (p !== undefined) setProject(p);
      } while (again);
    })();
    try {
      await inFlight;
    } finally {
      inFlight = null;
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastProgressRefresh = 0;
  function refreshSoon(): void {
    if (timer) return;
    const wait = Math.max(0, lastProgressRefresh + PROGRESS_REFRESH_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      lastProgressRefresh = Date.now();
      void refresh();
    }, wait);
  }

  /** A run created by runs.create, shown until the backend lists it. */
  function addPendingRun(run: RunDto, jobId: string): void {
    if (!current.value?.runs.some((r) => r.id === run.id)) {
      pending.value = { ...pending.value, [run.id]: { run, jobId } };
    }
  }

  const offChanged = api.on(EVENTS.projectChanged, () => {
    if (current.value) void refresh();
  });
  const offJobs = jobs.onUpdate((job) => {
    if (!current.value || !job.target?.runId) return;
    if (jobEnded(job)) void refresh();
    else refreshSoon();
  });
  onScopeDispose(() => {
    offChanged();
    offJobs();
    if (timer) clearTimeout(timer);
  });

  return {
    current,
    recent,
    loading,
    busy,
    runs,
    load,
    loadRecent,
    create,
    open,
    close,
    refresh,
    addPendingRun,
  };
});
