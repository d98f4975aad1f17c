/**
 * The figure spec (`spinscope.figure/1`): everything needed to draw a figure again without the
 * project it came from — the panels' data inline (numbers with their axes' units), the style
 * (journal preset, palette, maps, size), the layout, where the data came from (provenance: project,
 * runs, checkpoints, seeds, analysis settings; all optional) and the Spinscope version that wrote it.
 * The bundle's name.json is this spec; `spinscope figure name.json --out DIR` re-renders it, and
 * the SVG comes out byte for byte the same.
 *
 * ```
 * { "schema": "spinscope.figure/1",
 *   "title": "T_c(t), ReLU vs binarized",                       // optional
 *   "style": { "preset": "aps-single", "palette": "okabe-ito", "font": "serif", "width": 243.8, "height": 182.8 },
 *   "layout": { "columns": 2, "labels": true },                   // optional
 *   "panels": [ { "data": { "kind": "tc", "x": {"label":"Training step","unit":""}, … } } ],
 *   "provenance": { "project": "/path", "runs": [{"id":"relu-0","seed":1}], "checkpoints": [{"step":0,"file":…}],
 *                   "seeds": [1,2], "analysis": {"tMin":null,"epsilon":0}, "source": "spinscope.sweep/1", "created": "…" },
 *   "spinscope": { "version": "0.1.0" } }
 * ```
 * Lengths are in points (1 cm = 28.35 pt). Missing values in the data are null (JSON has no NaN).
 */
import { z } from 'zod';
import { VERSION } from '../util/version.ts';
import type { FigureData } from './figureData.ts';
import { DIVERGING_MAP_NAMES, PALETTE_NAMES, SEQUENTIAL_MAP_NAMES } from './palettes.ts';
import { PRESET_NAMES } from './style.ts';

export const FIGURE_SCHEMA = 'spinscope.figure/1';

/** A bundle name is a plain file name stem: letters, digits, '.', '_', '-', not starting with '.'. */
export const FIGURE_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

const num = z.number().finite();
const nums = z.array(num);
const maybeNums = z.array(num.nullable());
const quantity = z.object({ label: z.string().max(200), unit: z.string().max(100) }).strict();
const name = z.string().max(200);

const xySeries = z
  .object({ name, x: nums, y: maybeNums, yLow: maybeNums.optional(), yHigh: maybeNums.optional() })
  .strict()
  .refine((s) => s.x.length === s.y.length, { message: 'x and y must have the same length' })
  .refine(
    (s) => (s.yLow?.length ?? s.x.length) === s.x.length && (s.yHigh?.length ?? s.x.length) === s.x.length,
    {
      message: 'yLow and yHigh must have one value per x',
    },
  );

const histogramOk = (edges: number[], values: number[]): boolean => edges.length === values.length + 1;

const tcData = z
  .object({
    kind: z.literal('tc'),
    x: quantity,
    y: quantity,
    series: z.array(xySeries),
    fits: z.array(
      z
        .object({
          name,
          exponent: num,
          prefactor: num.positive(),
          window: z.tuple([num.positive(), num.positive()]),
        })
        .strict(),
    ),
  })
  .strict();

const lambdaData = z
  .object({ kind: z.literal('lambdaMin'), x: quantity, y: quantity, series: z.array(xySeries) })
  .strict();

const spectrumData = z
  .object({
    kind: z.literal('spectrum'),
    x: quantity,
    y: quantity,
    series: z.array(
      z
        .object({ name, edges: nums, density: nums })
        .strict()
        .refine((s) => histogramOk(s.edges, s.density), {
          message: 'a histogram has one more edge than densities',
        }),
    ),
    floor: num.nonnegative().optional(),
    logX: z.boolean().optional(),
  })
  .strict();

const phaseName = z.enum(['paramagnet', 'glass', 'hiddenOrder', 'undetermined']);
const phaseDiagramData = z
  .object({
    kind: z.literal('phaseDiagram'),
    x: quantity,
    y: quantity,
    steps: nums.min(1),
    temperatures: nums.min(1),
    phases: z.array(z.array(phaseName)),
    tc: nums,
    values: z
      .object({ quantity, cells: z.array(maybeNums) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((d) => d.phases.length === d.steps.length && d.tc.length === d.steps.length, {
    message: 'phases and tc need one entry per step',
  })
  .refine((d) => d.phases.every((row) => row.length === d.temperatures.length), {
    message: 'each row of phases needs one phase per temperature',
  })
  .refine(
    (d) =>
      !d.values ||
      (d.values.cells.length === d.steps.length &&
        d.values.cells.every((row) => row.length === d.temperatures.length)),
    { message: 'values.cells needs one row per step and one value per temperature' },
  )
  .refine((d) => d.temperatures.every((t, i) => i === 0 || t > d.temperatures[i - 1]), {
    message: 'temperatures must be ascending',
  })
  .refine((d) => d.steps.some((s) => s > 0), {
    message: 'the step axis is logarithmic: give at least one step > 0',
  });

const trainingData = z
  .object({
    kind: z.literal('training'),
    x: quantity,
    y: quantity,
    series: z.array(xySeries),
    logX: z.boolean().optional(),
    logY: z.boolean().optional(),
  })
  .strict();

const weightHistogramData = z
  .object({
    kind: z.literal('weightHistogram'),
    x: quantity,
    y: quantity,
    series: z.array(
      z
        .object({ name, edges: nums, counts: nums })
        .strict()
        .refine((s) => histogramOk(s.edges, s.counts) && s.counts.length > 0, {
          message: 'a histogram has one more edge than counts',
        }),
    ),
    logY: z.boolean().optional(),
  })
  .strict();

const layerBarsData = z
  .object({
    kind: z.literal('layerBars'),
    x: quantity,
    y: quantity,
    layers: z.array(name),
    series: z.array(z.object({ name, values: maybeNums }).strict()),
  })
  .strict()
  .refine((d) => d.series.every((s) => s.values.length === d.layers.length), {
    message: 'each series needs one value per layer',
  });

export const figureDataSchema = z.union([
  tcData,
  lambdaData,
  spectrumData,
  phaseDiagramData,
  trainingData,
  weightHistogramData,
  layerBarsData,
]);

export const styleChoiceSchema = z
  .object({
    preset: z.enum(PRESET_NAMES as [string, ...string[]]),
    width: num.positive().optional(),
    height: num.positive().optional(),
    font: z.enum(['sans', 'serif']).optional(),
    palette: z.enum(PALETTE_NAMES as [string, ...string[]]).optional(),
    sequential: z.enum(SEQUENTIAL_MAP_NAMES as [string, ...string[]]).optional(),
    diverging: z.enum(DIVERGING_MAP_NAMES as [string, ...string[]]).optional(),
    fontScale: num.min(0.5).max(3).optional(),
  })
  .strict();

export const provenanceSchema = z
  .object({
    project: z.string().optional(),
    runs: z
      .array(z.object({ id: z.string(), dir: z.string().optional(), seed: z.number().nullable().optional() }))
      .optional(),
    checkpoints: z.array(z.object({ step: z.number(), file: z.string().optional() })).optional(),
    seeds: z.array(z.number()).optional(),
    analysis: z.record(z.string(), z.unknown()).optional(),
    /** The report schema the data was taken from ('spinscope.sweep/1', …) and the file, if any. */
    source: z.string().optional(),
    file: z.string().optional(),
    created: z.string().optional(),
  })
  .strict();

export const figureSpecSchema = z
  .object({
    schema: z.literal(FIGURE_SCHEMA),
    title: z.string().max(500).optional(),
    style: styleChoiceSchema,
    layout: z
      .object({ columns: z.number().int().min(1).max(6).optional(), labels: z.boolean().optional() })
      .strict()
      .optional(),
    panels: z
      .array(z.object({ data: figureDataSchema, provenance: provenanceSchema.optional() }).strict())
      .min(1)
      .max(12),
    provenance: provenanceSchema.optional(),
    spinscope: z.object({ version: z.string() }).strict(),
  })
  .strict();

type ParsedSpec = z.infer<typeof figureSpecSchema>;
export type Provenance = z.infer<typeof provenanceSchema>;

/** A figure spec, with the data typed as the option builders read it. */
export type FigureSpec = Omit<ParsedSpec, 'panels' | 'style'> & {
  style: import('./style.ts').StyleChoice;
  panels: { data: FigureData; provenance?: Provenance }[];
};

export class FigureSpecError extends Error {
  override name = 'FigureSpecError';
}

/** Validates a parsed JSON value as a figure spec, with messages that name the offending field. */
export function parseFigureSpec(json: unknown, source = 'figure spec'): FigureSpec {
  const schema = (json as { schema?: unknown } | null)?.schema;
  if (typeof schema === 'string' && schema !== FIGURE_SCHEMA && /^spinscope\.figure\/\d+$/.test(schema)) {
    throw new FigureSpecError(
      `${source} was written by a newer Spinscope (${schema}; this version reads ${FIGURE_SCHEMA}): update Spinscope`,
    );
  }
  if (typeof schema === 'string' && schema !== FIGURE_SCHEMA) {
    throw new FigureSpecError(
      `${source} is a ${schema} report, not a figure spec; make a spec from it with \`spinscope figure --from FILE --kind KIND --out DIR\``,
    );
  }
  const parsed = figureSpecSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new FigureSpecError(`${source} is not a valid figure spec: ${problems.join('; ')}`);
  }
  return parsed.data as FigureSpec;
}

/** A spec for one or more panels of data, stamped with this Spinscope's version. */
export function makeFigureSpec(
  panels: FigureData | FigureData[],
  style: FigureSpec['style'],
  extra: { title?: string; provenance?: Provenance; layout?: FigureSpec['layout'] } = {},
): FigureSpec {
  const list = Array.isArray(panels) ? panels : [panels];
  return {
    schema: FIGURE_SCHEMA,
    ...(extra.title ? { title: extra.title } : {}),
    style,
    ...(extra.layout ? { layout: extra.layout } : {}),
    panels: list.map((data) => ({ data })),
    ...(extra.provenance ? { provenance: extra.provenance } : {}),
    spinscope: { version: VERSION },
  };
}
