/**
 * Imported ONNX models: the import command (a job: the backend copies the file into models/, reads
 * it and evaluates it on MNIST in a worker), the model whose import report is shown, and its
 * analysis (analyses.start on the model; models.analysis reads the newest one back). The list
 * itself is the project's (projects.current), refreshed when a job ends.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import {
  UPLOAD_CHUNK_BYTES,
  type AnalysisDto,
  type JobDto,
  type ModelDto,
} from '../../../src-main/api/contract.ts';
import { useApi } from '../api.ts';
import { useErrorsStore } from './errors.ts';
import { jobEnded, useJobsStore } from './jobs.ts';
import { useProjectStore } from './project.ts';

/** Bytes → base64, in slices (String.fromCharCode takes a bounded number of arguments). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}

export const useModelsStore = defineStore('models', () => {
  const api = useApi();
  const errors = useErrorsStore();
  const jobs = useJobsStore();
  const project = useProjectStore();

  const list = computed<ModelDto[]>(() => project.current?.models ?? []);
  const selectedId = ref<string | null>(null);
  const selected = computed(() => list.value.find((m) => m.id === selectedId.value) ?? null);
  const analysis = ref<AnalysisDto | null>(null);
  /** The import started from here, and the path it reads (to show its failure in place). */
  const importJobId = ref<string | null>(null);
  const importPath = ref<string | null>(null);
  const importJob = computed<JobDto | null>(() =>
    importJobId.value ? (jobs.byId[importJobId.value] ?? null) : null,
  );
  /** The reader's (or the import's) reason when the last import failed. */
  const importError = computed(() =>
    importJob.value?.status === 'failed' ? (importJob.value.error?.message ?? 'the import failed') : null,
  );

  const analysisJob = computed<JobDto | null>(() => {
    const id = selectedId.value;
    if (!id) return null;
    const j = jobs.all.find((x) => x.kind === 'analyze' && x.target?.modelId === id);
    return j && !jobEnded(j) ? j : null;
  });
  const failedAnalysis = computed<JobDto | null>(() => {
    const id = selectedId.value;
    const j = id ? jobs.all.find((x) => x.kind === 'analyze' && x.target?.modelId === id) : undefined;
    return j?.status === 'failed' ? j : null;
  });

  async function loadAnalysis(): Promise<void> {
    const id = selectedId.value;
    if (!id) {
      analysis.value = null;
      return;
    }
    const a = await errors.attempt(`Load the analysis of ${id}`, () =>
      api['models.analysis']({ modelId: id }),
    );
    if (selectedId.value === id) analysis.value = a ?? null;
  }

  async function select(id: string | null): Promise<void> {
    if (id === selectedId.value) return;
    selectedId.value = id;
    analysis.value = null;
    await loadAnalysis();
  }

  /** Imports the ONNX file at `path` (a path on the machine the backend runs on). */
  async function importFile(path: string): Promise<void> {
    const trimmed = path.trim();
    if (!trimmed) return;
    importPath.value = trimmed;
    const job = await errors.attempt('Import ONNX', () => api['models.import']({ path: trimmed }));
    if (!job) return;
    jobs.fromReply(job);
    importJobId.value = job.id;
  }

  /** Bytes sent of the file being uploaded, and its size; null when no upload runs. */
  const upload = ref<{ name: string; sent: number; total: number } | null>(null);

  /**
   * Uploads `file` (served mode: the backend cannot read the user's disk) in chunks of
   * UPLOAD_CHUNK_BYTES; the last chunk starts the import job, followed like importFile's.
   */
  async function uploadFile(file: File, chunkBytes = UPLOAD_CHUNK_BYTES): Promise<void> {
    if (file.size === 0) {
      errors.report(`Upload ${file.name}`, new Error(`${file.name} is empty: not an ONNX model`));
      return;
    }
    const uploadId = `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    importPath.value = file.name;
    importJobId.value = null;
    upload.value = { name: file.name, sent: 0, total: file.size };
    try {
      for (let offset = 0; offset < file.size; offset += chunkBytes) {
        const data = base64(new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer()));
        const reply = await errors.attempt(`Upload ${file.name}`, () =>
          api['models.upload']({ uploadId, name: file.name, offset, total: file.size, data }),
        );
        if (!reply) return;
        upload.value = { name: file.name, sent: reply.received, total: file.size };
        if (reply.job) {
          jobs.fromReply(reply.job);
          importJobId.value = reply.job.id;
          return;
        }
      }
    } finally {
      upload.value = null;
    }
  }

  async function analyse(): Promise<void> {
    const id = selectedId.value;
    if (!id) return;
    const job = await errors.attempt(`Analyse ${id}`, () =>
      api['analyses.start']({ target: { modelId: id } }),
    );
    if (job) jobs.fromReply(job);
  }

  const off = jobs.onUpdate((job) => {
    if (!jobEnded(job)) return;
    // The import's result is the new model's summary: show its report once the list has it.
    if (job.id === importJobId.value && job.status === 'completed') {
      const id = (job.result as { id?: unknown } | undefined)?.id;
      void project.refresh().then(() => {
        if (typeof id === 'string') void select(id);
      });
    }
    if (job.kind === 'analyze' && job.target?.modelId && job.target.modelId === selectedId.value) {
      void loadAnalysis();
    }
  });
  onScopeDispose(off);

  return {
    list,
    selectedId,
    selected,
    analysis,
    importJob,
    importPath,
    importError,
    analysisJob,
    failedAnalysis,
    select,
    importFile,
    upload,
    uploadFile,
    analyse,
    loadAnalysis,
  };
});
