/**
 * The figure bundle: one spec (spec.ts) drawn once as SVG and turned into every file a paper
 * needs, written atomically into one folder:
 *   name.svg              the ECharts SVG (points as user units)
 *   name.pdf              vector, page = the preset in points, fonts embedded as subsets
 *   name-300dpi.png, name-600dpi.png   with the dpi in a pHYs chunk
 *   name.csv              the plotted values with units in the header (several panels:
 *                         name-a.csv, name-b.csv, … one per panel, each rectangular)
 *   name.json             the spec, from which `spinscope figure name.json` redraws the same SVG
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EChartsOption } from 'echarts';
import { writeFileAtomic } from '../project/atomic.ts';
import { VERSION } from '../util/version.ts';
import { figureTable } from './kinds.ts';
import { composePanels } from './layout.ts';
import { renderPdf } from './pdf.ts';
import { renderPngAsync } from './png.ts';
import { FIGURE_NAME_PATTERN, type FigureSpec } from './spec.ts';
import { resolveStyle, type FigureStyle } from './style.ts';
import { renderSvg } from './svg.ts';
import { toCsv } from './table.ts';

export const DEFAULT_DPIS: readonly number[] = [300, 600];

export interface RenderedFigure {
  style: FigureStyle;
  option: EChartsOption;
  svg: string;
}

/** The figure of a spec as SVG, with the resolved style and the ECharts option behind it. */
export function renderFigure(spec: FigureSpec): RenderedFigure {
  const style = resolveStyle(spec.style);
  const option = composePanels(
    spec.panels.map((p) => p.data),
    style,
    spec.layout ?? {},
  );
  return { style, option, svg: renderSvg(option, style.width, style.height) };
}

/** The CSV files of a spec: [file suffix, contents] — one for a single panel, one per panel otherwise. */
export function figureCsvs(spec: FigureSpec): [string, string][] {
  if (spec.panels.length === 1) return [['', toCsv(figureTable(spec.panels[0].data))]];
  return spec.panels.map((p, i) => [`-${String.fromCharCode(97 + i)}`, toCsv(figureTable(p.data))]);
}

export class FigureNameError extends Error {
  override name = 'FigureNameError';
}

/** Checks a bundle name against FIGURE_NAME_PATTERN (spec.ts). */
export function checkFigureName(name: string): string {
  if (!FIGURE_NAME_PATTERN.test(name)) {
    throw new FigureNameError(
      `figure name '${name}' must be 1–100 letters, digits, '.', '_' or '-' (not starting with '.'): it names the bundle's files`,
    );
  }
  return name;
}

export interface BundleOptions {
  /** PNG resolutions (default 300 and 600 dpi). */
  dpis?: readonly number[];
  /** The PDF's creation date (default now). */
  created?: Date;
  /** Called after each file with the fraction done, for job progress. */
  onProgress?: (fraction: number, message: string) => void;
}

export interface BundleResult {
  /** Absolute paths of the files written, in the order above. */
  files: string[];
  /** Seconds per stage (svg, pdf, png-300, …, write). */
  timings: Record<string, number>;
}

export async function exportFigureBundle(
  spec: FigureSpec,
  outDir: string,
  name: string,
  opts: BundleOptions = {},
): Promise<BundleResult> {
  checkFigureName(name);
  const dpis = opts.dpis ?? DEFAULT_DPIS;
  for (const d of dpis) {
    if (!Number.isFinite(d) || d < 72 || d > 2400)
      throw new RangeError(`PNG resolution ${d} dpi is outside 72–2400 dpi`);
  }
  const timings: Record<string, number> = {};
  const outputs: [string, Uint8Array | string][] = [];
  const steps = 3 + dpis.length;
  let t = performance.now();
  const lap = (key: string, done: number): void => {
    const now = performance.now();
    timings[key] = (now - t) / 1000;
    t = now;
    opts.onProgress?.(done / steps, `${key} done`);
  };
  const stamped: FigureSpec = { ...spec, spinscope: { version: VERSION } };
  const { style, svg } = renderFigure(stamped);
  outputs.push([`${name}.svg`, svg]);
  lap('svg', 1);
  // The PNGs rasterise on the thread pool while the PDF is written here.
  const pngs = dpis.map((dpi) => renderPngAsync(svg, dpi));
  const pdf = await renderPdf(svg, {
    width: style.width,
    height: style.height,
    title: spec.title ?? name,
    created: opts.created,
    creator: `Spinscope ${VERSION}`,
  });
  outputs.push([`${name}.pdf`, pdf]);
  lap('pdf', 2);
  for (const [i, dpi] of dpis.entries()) {
    outputs.push([`${name}-${dpi}dpi.png`, await pngs[i]]);
    lap(`png-${dpi}`, 3 + i);
  }
  for (const [suffix, csv] of figureCsvs(stamped)) outputs.push([`${name}${suffix}.csv`, csv]);
  outputs.push([`${name}.json`, `${JSON.stringify(stamped, null, 2)}\n`]);
  mkdirSync(outDir, { recursive: true });
  const files = outputs.map(([file, data]) => {
    const path = join(outDir, file);
    writeFileAtomic(path, data);
    return path;
  });
  lap('write', steps);
  return { files, timings };
}
