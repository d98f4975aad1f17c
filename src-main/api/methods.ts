/**
 * The contract's method names and event names, with no dependencies: the sandboxed preload may load
 * nothing but `electron`, so it takes the names from here, not from contract.ts (which needs zod).
 * contract.ts checks at compile time that both lists are the same.
 */
export const METHOD_NAMES = [
  'app.info',
  'app.ping',
  'projects.create',
  'projects.open',
  'projects.current',
  'projects.close',
  'projects.recent',
  'projects.rename',
  'projects.reproduce',
  'runs.list',
  'runs.create',
  'runs.cancel',
  'runs.resume',
  'runs.delete',
  'runs.metrics',
  'runs.sweep',
  'runs.sweepReport',
  'runs.clusterSweep',
  'runs.mergeShards',
  'checkpoints.list',
  'checkpoints.analysis',
  'checkpoints.curve',
  'spectra.get',
  'spectra.list',
  'spectra.start',
  'phaseDiagrams.get',
  'phaseDiagrams.start',
  'montecarlo.get',
  'montecarlo.start',
  'figures.export',
  'models.import',
  'models.upload',
  'models.list',
  'models.analysis',
  'weights.histograms',
  'analyses.start',
  'analyses.list',
  'analyses.get',
  'jobs.list',
  'jobs.cancel',
  'jobs.log',
] as const;

export type MethodNameList = (typeof METHOD_NAMES)[number];

/** Events pushed by the backend: a job changed (progress, status), or the project's files did. */
export const EVENTS = {
  jobUpdate: 'jobs.update',
  projectChanged: 'project.changed',
} as const;
