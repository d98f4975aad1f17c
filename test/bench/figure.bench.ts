/**
 * Benchmark: exporting a full figure bundle (SVG, PDF, PNG at 300 and 600 dpi, CSV, JSON; issue 7
 * asks for < 1 s) for every figure kind in the APS double-column preset (the largest page, so the
 * most pixels), in this process after one warm-up export. The reference, measured in the same run,
 * is the bare ECharts server-side render of the same option to an SVG string — the least any
 * export must do — so the ratio shows what PDF, PNG and the files add. A multi-panel figure (all
 * seven kinds on one page) and the first, cold export of a fresh process are timed too.
 *
 *   npm run bench:figure
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportFigureBundle } from '../../src-main/core/figures/bundle.ts';
import { FIGURE_KINDS, type FigureKind } from '../../src-main/core/figures/figureData.ts';
import { composePanels } from '../../src-main/core/figures/layout.ts';
import { makeFigureSpec } from '../../src-main/core/figures/spec.ts';
import { resolveStyle } from '../../src-main/core/figures/style.ts';
import { renderSvg } from '../../src-main/core/figures/svg.ts';
import { SAMPLES } from '../helpers/figureSamples.ts';

const REPEATS = 5;
const GOAL_SECONDS = 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function seconds(f: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'spinscope-figure-bench-'));
  const preset = { preset: 'aps-double' as const };
  const style = resolveStyle(preset);
  const cold = await seconds(() => exportFigureBundle(makeFigureSpec(SAMPLES.tc, preset), out, 'cold'));
  console.log(
    `Figure bundle export, ${style.width.toFixed(1)} × ${style.height.toFixed(1)} pt (aps-double), median of ${REPEATS}`,
  );
  console.log(`  first export in this process (fonts, ECharts, pdfkit load): ${cold.toFixed(3)} s`);
  console.log('  kind              bundle s   svg-only s   ratio   stages (s)');
  const rows: Record<string, unknown>[] = [];
  const entries: [string, () => ReturnType<typeof makeFigureSpec>][] = [
    ...FIGURE_KINDS.map((k): [string, () => ReturnType<typeof makeFigureSpec>] => [
      k,
      () => makeFigureSpec(SAMPLES[k as FigureKind], preset),
    ]),
    [
      'all 7 as panels',
      () =>
        makeFigureSpec(
          FIGURE_KINDS.map((k) => SAMPLES[k]),
          preset,
          { layout: { columns: 4 } },
        ),
    ],
  ];
  for (const [label, make] of entries) {
    const spec = make();
    const bundle: number[] = [];
    const svgOnly: number[] = [];
    let stages: Record<string, number> = {};
    for (let r = 0; r < REPEATS; r++) {
      bundle.push(
        await seconds(async () => {
          stages = (await exportFigureBundle(spec, out, `b-${r}`)).timings;
        }),
      );
      const option = composePanels(
        spec.panels.map((p) => p.data),
        style,
        spec.layout ?? {},
      );
      svgOnly.push(await seconds(() => renderSvg(option, style.width, style.height)));
    }
    const b = median(bundle);
    const s = median(svgOnly);
    const stageText = Object.entries(stages)
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ');
    console.log(
      `  ${label.padEnd(17)} ${b.toFixed(3).padStart(8)}   ${s.toFixed(3).padStart(10)}   ${(b / s).toFixed(1).padStart(5)}   ${stageText}`,
    );
    rows.push({
      kind: label,
      bundleSeconds: b,
      svgSeconds: s,
      ratio: b / s,
      stages,
      underGoal: b < GOAL_SECONDS,
    });
  }
  const slowest = Math.max(...rows.map((r) => r.bundleSeconds as number));
  console.log(
    `  slowest bundle ${slowest.toFixed(3)} s: ${slowest < GOAL_SECONDS ? 'under' : 'OVER'} the ${GOAL_SECONDS} s goal`,
  );
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'figure.json'),
    `${JSON.stringify({ date: new Date().toISOString(), preset: 'aps-double', repeats: REPEATS, coldSeconds: cold, rows }, null, 2)}\n`,
  );
  rmSync(out, { recursive: true, force: true });
}

await main();
