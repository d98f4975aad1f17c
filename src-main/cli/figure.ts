/**
 * `spinscope figure`: a figure bundle for a paper (core/figures/bundle.ts) — PDF, SVG, PNG at 300
 * and 600 dpi, CSV of the plotted values and the JSON spec — either from a spec (re-rendering a
 * bundle's name.json gives the same SVG) or from Spinscope's own data (core/figures/sources.ts).
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { FigureKind } from '../core/figures/figureData.ts';
import type { StyleChoice } from '../core/figures/style.ts';
import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { terminalProgress } from './progress.ts';

const KINDS = 'tc, lambdaMin, spectrum, phaseDiagram, training, weightHistogram, layerBars';

export const figureCommand: Command = {
  name: 'figure',
  summary:
    'a figure bundle for papers (PDF, SVG, PNG 300/600 dpi, CSV, JSON spec) from a spec or from Spinscope data',
  usage:
    'figure SPEC.json --out DIR [--name NAME] [--preset P] [--palette P] [--font sans|serif] [--dpi 300,600]\n' +
    '       spinscope figure --from SOURCE [--from SOURCE …] [--kind KIND] --out DIR [--name NAME] [--preset P] …\n' +
    '         SOURCE: a report JSON (spinscope sweep|spectrum|analyze --json, a phase diagram), a run folder,\n' +
    '         a folder of step-*.onnx or a project (swept here, cached), or a model .onnx.\n' +
    `         KIND: ${KINDS} (default: the source's first)`,
  options: {
    out: { type: 'string', description: 'folder to write the bundle into (created if missing)' },
    name: {
      type: 'string',
      description: "the bundle's file name stem (default: the spec's or the kind's name)",
    },
    from: {
      type: 'string',
      multiple: true,
      description: 'make the spec from this report, run folder, checkpoint folder or model',
    },
    kind: { type: 'string', description: `figure kind with --from: ${KINDS}` },
    preset: {
      type: 'string',
      description:
        'aps-single (8.6 cm), aps-double (17.8 cm), nature-single (89 mm), nature-double (183 mm), custom',
    },
    width: { type: 'string', description: 'figure width in cm (custom preset, or to override a preset)' },
    height: { type: 'string', description: 'figure height in cm' },
    palette: { type: 'string', description: 'okabe-ito (default), tol-bright, tol-vibrant, tol-muted' },
    font: {
      type: 'string',
      description: 'sans (Liberation Sans, Arial metrics) or serif (Liberation Serif, Times metrics)',
    },
    metric: {
      type: 'string',
      description:
        'layerBars: alpha, stableRank, log10SpectralNorm, log10FrobeniusNorm, mpSpikes; training: loss, accuracy, testLoss, testAccuracy',
    },
    log: {
      type: 'boolean',
      description:
        'spectrum: log-binned positive eigenvalues on log-log axes; training loss, weight histograms: log y',
    },
    steps: {
      type: 'string',
      description: 'lambdaMin: the checkpoints to draw, e.g. 0,100,1000 (default: 5 spread over the run)',
    },
    title: { type: 'string', description: 'title stored in the spec and the PDF' },
    dpi: { type: 'string', description: 'PNG resolutions, comma-separated (default 300,600)' },
    'spec-only': { type: 'boolean', description: 'with --from: print the spec as JSON and write nothing' },
  },
  async run({ positionals, values }) {
    const from = (values.from as unknown as string[] | undefined) ?? [];
    if (from.length === 0 && positionals.length !== 1)
      throw new UsageError('expected one figure spec (SPEC.json), or --from SOURCE to make one');
    if (from.length > 0 && positionals.length > 0)
      throw new UsageError('give either a spec file or --from sources, not both');
    if (!values['spec-only'] && (typeof values.out !== 'string' || values.out === ''))
      throw new UsageError('--out DIR is required: the folder the bundle is written to');
    const style = styleOverrides(values);
    const { parseFigureSpec } = await import('../core/figures/spec.ts');
    const { FIGURE_KINDS } = await import('../core/figures/figureData.ts');
    let spec;
    let defaultName: string;
    if (from.length > 0) {
      const kind = values.kind as string | undefined;
      if (kind !== undefined && !FIGURE_KINDS.includes(kind as FigureKind))
        throw new UsageError(`--kind must be one of ${KINDS}`);
      const { figureSpecFromSources } = await import('../core/figures/sources.ts');
      const progress = terminalProgress('figure');
      spec = await figureSpecFromSources(from, {
        kind: kind as FigureKind | undefined,
        style: { preset: 'aps-single', ...style },
        metric: values.metric as string | undefined,
        log: values.log === true,
        steps: parseSteps(values.steps),
        title: values.title as string | undefined,
        onProgress: progress.update,
      });
      progress.done();
      defaultName = spec.panels[0].data.kind;
      if (values['spec-only']) {
        console.log(JSON.stringify(spec, null, 2));
        return 0;
      }
    } else {
      const file = resolve(positionals[0]);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code) throw e;
        throw new UsageError(`${file} is not valid JSON (${err.message})`);
      }
      spec = parseFigureSpec(json, file);
      spec = {
        ...spec,
        style: { ...spec.style, ...style },
        ...(values.title ? { title: values.title as string } : {}),
      };
      defaultName = basename(file).replace(/\.json$/i, '');
    }
    const { exportFigureBundle } = await import('../core/figures/bundle.ts');
    const started = performance.now();
    const result = await exportFigureBundle(
      spec,
      resolve(values.out as string),
      (values.name as string | undefined) ?? defaultName,
      {
        dpis: parseDpis(values.dpi),
      },
    );
    const seconds = (performance.now() - started) / 1000;
    for (const f of result.files) console.log(f);
    console.error(`spinscope figure: ${result.files.length} files in ${seconds.toFixed(2)} s`);
    return 0;
  },
};

const CM = 72 / 2.54;

function styleOverrides(values: Record<string, string | boolean | undefined>): Partial<StyleChoice> {
  const out: Partial<StyleChoice> = {};
  const presets = ['aps-single', 'aps-double', 'nature-single', 'nature-double', 'custom'];
  if (values.preset !== undefined) {
    if (!presets.includes(values.preset as string))
      throw new UsageError(`--preset must be one of ${presets.join(', ')}`);
    out.preset = values.preset as StyleChoice['preset'];
  }
  for (const key of ['width', 'height'] as const) {
    if (values[key] === undefined) continue;
    const cm = Number(values[key]);
    if (!(cm > 0 && Number.isFinite(cm))) throw new UsageError(`--${key} must be a positive length in cm`);
    out[key] = cm * CM;
  }
  if (out.preset === 'custom' && (out.width === undefined || out.height === undefined))
    throw new UsageError('--preset custom needs --width and --height (cm)');
  const palettes = ['okabe-ito', 'tol-bright', 'tol-vibrant', 'tol-muted'];
  if (values.palette !== undefined) {
    if (!palettes.includes(values.palette as string))
      throw new UsageError(`--palette must be one of ${palettes.join(', ')}`);
    out.palette = values.palette as StyleChoice['palette'];
  }
  if (values.font !== undefined) {
    if (values.font !== 'sans' && values.font !== 'serif')
      throw new UsageError('--font must be sans or serif');
    out.font = values.font;
  }
  return out;
}

function parseSteps(v: string | boolean | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const steps = String(v).split(',').map(Number);
  if (steps.some((s) => !Number.isInteger(s) || s < 0))
    throw new UsageError('--steps must be whole numbers ≥ 0, comma-separated');
  return steps;
}

function parseDpis(v: string | boolean | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const dpis = String(v).split(',').map(Number);
  if (dpis.some((d) => !Number.isInteger(d) || d < 72 || d > 2400))
    throw new UsageError('--dpi must be whole numbers from 72 to 2400, comma-separated');
  return dpis;
}
