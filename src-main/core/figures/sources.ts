/**
 * A figure spec from files on disk — what `spinscope figure --from SOURCE --kind KIND` draws:
 *
 *   SOURCE                                   kinds (first = default)
 *   sweep report JSON (spinscope.sweep/1)    tc, lambdaMin, phaseDiagram (λ_min(T, t) map; both
 *                                            need `sweep --curves`)
 *   sweep set JSON (spinscope.sweep-set/1)   tc (mean ± 95% CI across seeds)
 *   phase diagram JSON (phaseDiagram/1)      phaseDiagram
 *   spectrum report JSON (spectrum/1)        spectrum (--log: log bins of λ > 0), layerBars (--metric)
 *   analysis report JSON (analysis/1)        lambdaMin
 *   run folder (run.json)                    training (--metric), weightHistogram (latest checkpoint),
 *                                            tc, lambdaMin, phaseDiagram (swept here, cached)
 *   folder of step-*.onnx, or a project      tc, lambdaMin, phaseDiagram (swept here)
 *   model .onnx                              weightHistogram
 *
 * Several sources give several series (runs, checkpoints) in one panel. Node I/O: CLI and jobs only.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SpectrumReport } from '../spectral/report.ts';
import type { AnalysisReport } from '../spin/analysis.ts';
import type { PhaseDiagram } from '../spin/phaseDiagram.ts';
import type { SweepReport, SweepSetReport } from '../sweep/report.ts';
import { readMetrics } from '../train/runFolder.ts';
import {
  FigureDataError,
  lambdaFromAnalyses,
  lambdaFromSweep,
  lambdaMapFromSweep,
  LAYER_METRICS,
  layerBarsFromSpectra,
  phaseDiagramData,
  spectrumFromReports,
  tcFromSweeps,
  tcFromSweepSet,
  trainingFromMetrics,
  weightHistograms,
  type LayerMetric,
  type TrainingMetric,
} from './adapters.ts';
import { FIGURE_KINDS, type FigureData, type FigureKind } from './figureData.ts';
import { makeFigureSpec, type FigureSpec, type Provenance } from './spec.ts';
import type { StyleChoice } from './style.ts';

export interface SourceOptions {
  kind?: FigureKind;
  style: StyleChoice;
  /** layerBars: a WeightWatcher metric; training: loss | accuracy | testLoss | testAccuracy. */
  metric?: string;
  /** spectrum: log-binned positive eigenvalues; training and weight histograms: log y. */
  log?: boolean;
  /** lambdaMin: the checkpoints to draw (default: 5 spread over the run). */
  steps?: number[];
  title?: string;
  signal?: AbortSignal;
  /** Progress of a sweep run on the way. */
  onProgress?: (fraction: number, message: string) => void;
}

type Loaded =
  | { type: 'sweep'; path: string; report: SweepReport }
  | { type: 'sweepSet'; path: string; report: SweepSetReport }
  | { type: 'phaseDiagram'; path: string; report: PhaseDiagram }
  | { type: 'spectrum'; path: string; report: SpectrumReport }
  | { type: 'analysis'; path: string; report: AnalysisReport }
  | { type: 'run'; path: string }
  | { type: 'checkpoints'; path: string }
  | { type: 'onnx'; path: string };

const DEFAULT_KIND: Record<Loaded['type'], FigureKind> = {
  sweep: 'tc',
  sweepSet: 'tc',
  phaseDiagram: 'phaseDiagram',
  spectrum: 'spectrum',
  analysis: 'lambdaMin',
  run: 'training',
  checkpoints: 'tc',
  onnx: 'weightHistogram',
};

const KINDS_OF: Record<Loaded['type'], FigureKind[]> = {
  sweep: ['tc', 'lambdaMin', 'phaseDiagram'],
  sweepSet: ['tc'],
  phaseDiagram: ['phaseDiagram'],
  spectrum: ['spectrum', 'layerBars'],
  analysis: ['lambdaMin'],
  run: ['training', 'weightHistogram', 'tc', 'lambdaMin', 'phaseDiagram'],
  checkpoints: ['tc', 'lambdaMin', 'phaseDiagram'],
  onnx: ['weightHistogram'],
};

const SCHEMAS: Record<string, Loaded['type']> = {
  'spinscope.sweep/1': 'sweep',
  'spinscope.sweep-set/1': 'sweepSet',
  'spinscope.phaseDiagram/1': 'phaseDiagram',
  'spinscope.spectrum/1': 'spectrum',
  'spinscope.analysis/1': 'analysis',
};

function load(path: string): Loaded {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new FigureDataError(`${abs} does not exist`);
  if (statSync(abs).isDirectory()) {
    if (existsSync(join(abs, 'run.json'))) return { type: 'run', path: abs };
    return { type: 'checkpoints', path: abs };
  }
  if (abs.toLowerCase().endsWith('.onnx')) return { type: 'onnx', path: abs };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(abs, 'utf8'));
  } catch (e) {
    throw new FigureDataError(
      `${abs} is neither a folder, an .onnx model nor a JSON report (${(e as Error).message})`,
    );
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  const type = typeof schema === 'string' ? SCHEMAS[schema] : undefined;
  if (!type) {
    throw new FigureDataError(
      `${abs}: a figure can be made from ${Object.keys(SCHEMAS).join(', ')} reports, run folders, checkpoint folders or .onnx models; this file's schema is ${JSON.stringify(schema ?? null)}`,
    );
  }
  return { type, path: abs, report: json } as Loaded;
}

function reportsOf<T extends Loaded['type']>(sources: Loaded[], type: T): Extract<Loaded, { type: T }>[] {
  return sources.filter((s): s is Extract<Loaded, { type: T }> => s.type === type);
}

function nameOf(path: string): string {
  return basename(path).replace(/\.(json|onnx)$/i, '');
}

/** The newest checkpoint file of a run folder. */
function latestCheckpoint(runDir: string): string {
  const dir = join(runDir, 'checkpoints');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^step-\d+\.onnx$/.test(f))
        .sort()
    : [];
  if (files.length === 0) throw new FigureDataError(`the run ${runDir} has no checkpoints in ${dir}`);
  return join(dir, files[files.length - 1]);
}

async function sweepFolders(paths: string[], curves: boolean, opts: SourceOptions): Promise<SweepReport[]> {
  const { sweep } = await import('../sweep/sweep.ts');
  const { inProcessAnalyzer } = await import('../sweep/analyzers.ts');
  const outcome = await sweep(paths, {
    analyzer: inProcessAnalyzer(),
    curves,
    signal: opts.signal,
    progress: (p) => opts.onProgress?.(p.fraction, p.message),
  });
  return outcome.reports;
}

/** The figure data and provenance of `paths` for one kind (see the file comment). */
export async function figureDataFromSources(
  paths: readonly string[],
  opts: SourceOptions,
): Promise<{ data: FigureData; provenance: Provenance }> {
  if (paths.length === 0)
    throw new FigureDataError('no source given: pass a report, a run folder or a model');
  const sources = paths.map(load);
  const types = [...new Set(sources.map((s) => s.type))];
  const folderish = (t: Loaded['type']): boolean => t === 'run' || t === 'checkpoints';
  const kind = opts.kind ?? DEFAULT_KIND[types[0]];
  if (!FIGURE_KINDS.includes(kind))
    throw new FigureDataError(`unknown figure kind '${kind}'; choose one of ${FIGURE_KINDS.join(', ')}`);
  for (const s of sources) {
    if (!KINDS_OF[s.type].includes(kind)) {
      throw new FigureDataError(
        `${s.path} cannot make a '${kind}' figure; it makes ${KINDS_OF[s.type].join(', ')}`,
      );
    }
  }
  const provenance: Provenance = {
    file: paths.map((p) => resolve(p)).join(', '),
    created: new Date().toISOString(),
  };
  const sweepProvenance = (reports: SweepReport[]): Provenance => ({
    ...provenance,
    source: 'spinscope.sweep/1',
    runs: reports.map((r) => ({ id: r.run.id, dir: r.run.dir, seed: r.run.config?.seed ?? null })),
    checkpoints: reports.flatMap((r) =>
      r.checkpoints.map((c) => ({ step: c.step, file: join(r.run.dir, c.file) })),
    ),
    seeds: reports.flatMap((r) => (r.run.config?.seed === undefined ? [] : [r.run.config.seed])),
    analysis: { ...reports[0]?.settings },
  });

  if (kind === 'tc' || kind === 'lambdaMin') {
    if (types.includes('sweepSet')) {
      if (sources.length > 1)
        throw new FigureDataError('give one sweep-set report (it already holds every run)');
      const set = reportsOf(sources, 'sweepSet')[0].report;
      return {
        data: tcFromSweepSet(set),
        provenance: {
          ...sweepProvenance(set.runs),
          source: 'spinscope.sweep-set/1',
          project: set.project ?? undefined,
        },
      };
    }
    if (types.includes('analysis')) {
      const analyses = reportsOf(sources, 'analysis').map((s) => ({
        name: nameOf(s.path),
        report: s.report,
      }));
      return {
        data: lambdaFromAnalyses(analyses),
        provenance: { ...provenance, source: 'spinscope.analysis/1' },
      };
    }
    const reports = [
      ...reportsOf(sources, 'sweep').map((s) => s.report),
      ...(types.some(folderish)
        ? await sweepFolders(
            sources.filter((s) => folderish(s.type)).map((s) => s.path),
            kind === 'lambdaMin',
            opts,
          )
        : []),
    ];
    if (kind === 'tc') return { data: tcFromSweeps(reports), provenance: sweepProvenance(reports) };
    if (reports.length !== 1)
      throw new FigureDataError('a λ_min(T) family is drawn from one run: give one sweep report or folder');
    return { data: lambdaFromSweep(reports[0], { steps: opts.steps }), provenance: sweepProvenance(reports) };
  }
  if (kind === 'phaseDiagram' && !types.includes('phaseDiagram')) {
    // The λ_min(T, t) map of one swept run (its curves), with the Hessian phases.
    const reports = [
      ...reportsOf(sources, 'sweep').map((x) => x.report),
      ...(types.some(folderish)
        ? await sweepFolders(
            sources.filter((x) => folderish(x.type)).map((x) => x.path),
            true,
            opts,
          )
        : []),
    ];
    if (reports.length !== 1)
      throw new FigureDataError('a λ_min(T, t) map is drawn from one run: give one sweep report or folder');
    return { data: lambdaMapFromSweep(reports[0]), provenance: sweepProvenance(reports) };
  }
  if (kind === 'phaseDiagram') {
    if (sources.length > 1) throw new FigureDataError('give one phase-diagram report');
    const diagram = reportsOf(sources, 'phaseDiagram')[0].report;
    return {
      data: phaseDiagramData(diagram),
      provenance: {
        ...provenance,
        source: 'spinscope.phaseDiagram/1',
        checkpoints: diagram.checkpoints.map((c) => ({ step: c.step })),
        analysis: { ...diagram.settings },
      },
    };
  }
  if (kind === 'spectrum' || kind === 'layerBars') {
    const spectra = reportsOf(sources, 'spectrum').map((s) => ({ name: nameOf(s.path), report: s.report }));
    const p = { ...provenance, source: 'spinscope.spectrum/1' };
    if (kind === 'spectrum') return { data: spectrumFromReports(spectra, { log: opts.log }), provenance: p };
    const metric = (opts.metric ?? 'alpha') as LayerMetric;
    if (!(metric in LAYER_METRICS)) {
      throw new FigureDataError(
        `--metric '${metric}' is not a per-layer metric; choose one of ${Object.keys(LAYER_METRICS).join(', ')}`,
      );
    }
    return { data: layerBarsFromSpectra(spectra, metric), provenance: p };
  }
  if (kind === 'training') {
    const metric = (opts.metric ?? 'loss') as TrainingMetric;
    if (!['loss', 'accuracy', 'testLoss', 'testAccuracy'].includes(metric)) {
      throw new FigureDataError(
        `--metric '${metric}' is not a training metric; choose loss, accuracy, testLoss or testAccuracy`,
      );
    }
    const runs = reportsOf(sources, 'run').map((s) => ({
      name: basename(s.path),
      records: readMetrics(s.path),
    }));
    const empty = runs.filter((r) => r.records.length === 0);
    if (empty.length > 0)
      throw new FigureDataError(`${empty.map((r) => r.name).join(', ')}: metrics.jsonl is missing or empty`);
    return {
      data: trainingFromMetrics(runs, metric, { logX: true, logY: opts.log && metric.endsWith('oss') }),
      provenance: { ...provenance, source: 'metrics.jsonl', runs: runs.map((r) => ({ id: r.name })) },
    };
  }
  // weightHistogram: one model (the latest checkpoint of a run folder).
  if (sources.length > 1)
    throw new FigureDataError('weight histograms are drawn for one model: give one run folder or .onnx file');
  const s = sources[0];
  const file = s.type === 'run' ? latestCheckpoint(s.path) : s.path;
  const { readOnnxFile } = await import('../onnx/reader.ts');
  const model = await readOnnxFile(file);
  const data = weightHistograms(model.network);
  if (opts.log) data.logY = true;
  return { data, provenance: { ...provenance, source: 'onnx', file } };
}

/** A spec (spec.ts) from files: see figureDataFromSources. */
export async function figureSpecFromSources(
  paths: readonly string[],
  opts: SourceOptions,
): Promise<FigureSpec> {
  const { data, provenance } = await figureDataFromSources(paths, opts);
  return makeFigureSpec(data, opts.style, { title: opts.title, provenance });
}
